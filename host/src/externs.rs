//! Chain data the FVM asks the node for. The standalone host has no chain, so it derives
//! randomness and tipset CIDs deterministically from the epoch: every node computes the same
//! values. A node embedding the kernel (e.g. fendermint) supplies its real chain instead.

use cid::Cid;
use fvm::externs::{Chain, Consensus, Externs, Rand};
use fvm_ipld_encoding::DAG_CBOR;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::consensus::ConsensusFault;
use multihash_codetable::{Code, MultihashDigest};

#[derive(Debug, Clone, Copy, Default)]
pub struct HostExterns;

fn derive(domain: &[u8], epoch: ChainEpoch) -> [u8; 32] {
    let mut input = domain.to_vec();
    input.extend_from_slice(&epoch.to_be_bytes());
    crate::blake2b256(&input)
}

impl Rand for HostExterns {
    fn get_chain_randomness(&self, round: ChainEpoch) -> anyhow::Result<[u8; 32]> {
        Ok(derive(b"cloudless/chain-randomness", round))
    }

    fn get_beacon_randomness(&self, round: ChainEpoch) -> anyhow::Result<[u8; 32]> {
        Ok(derive(b"cloudless/beacon-randomness", round))
    }
}

impl Consensus for HostExterns {
    fn verify_consensus_fault(
        &self,
        _h1: &[u8],
        _h2: &[u8],
        _extra: &[u8],
    ) -> anyhow::Result<(Option<ConsensusFault>, i64)> {
        // No block headers exist in the standalone host, so no fault can be proven.
        Ok((None, 0))
    }
}

impl Chain for HostExterns {
    fn get_tipset_cid(&self, epoch: ChainEpoch) -> anyhow::Result<Cid> {
        Ok(Cid::new_v1(DAG_CBOR, Code::Blake2b256.digest(&derive(b"cloudless/tipset", epoch))))
    }
}

impl Externs for HostExterns {}
