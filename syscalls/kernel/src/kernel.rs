//! The kernel type: ref-fvm's Filecoin kernel with every operation delegated, plus ours.

use fvm::call_manager::CallManager;
use fvm::gas::Gas;
use fvm::kernel::filecoin::{DefaultFilecoinKernel, FilecoinKernel};
use fvm::kernel::prelude::*;
use fvm::kernel::Result;
use fvm::kernel::{
    ActorOps, CryptoOps, DebugOps, EventOps, IpldBlockOps, MessageOps, NetworkOps, RandomnessOps, SelfOps, SendOps,
    SyscallHandler, UpgradeOps,
};
use fvm::syscalls::Linker;
use fvm_shared::consensus::ConsensusFault;
use fvm_shared::piece::PieceInfo;
use fvm_shared::sector::{
    AggregateSealVerifyProofAndInfos, RegisteredSealProof, ReplicaUpdateInfo, SealVerifyInfo, WindowPoStVerifyInfo,
};

use fvm::kernel::ClassifyResult;
use fvm::syscall_error;

use crate::{gas, groth16, randomx, syscalls, ABI_VERSION, MODULE};

/// Operations the Cloudless kernel adds to the Filecoin kernel.
pub trait CloudlessOps: Kernel {
    /// The ABI version of the `cloudless` module.
    fn abi_version(&self) -> Result<u64>;

    /// RandomX light-mode hashes of 64-byte (K, H) pairs, 32 bytes each, in order.
    fn randomx_hashes(&self, pairs: &[u8]) -> Result<Vec<u8>>;

    /// Groth16 verification on BN254; malformed input is an `IllegalArgument` error.
    fn groth16_verify_bn254(&self, vk: &[u8], proof: &[u8], inputs: &[u8]) -> Result<bool>;
}

// ambassador needs one `delegate` attribute per trait, which clippy reads as duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(Delegate)]
#[delegate(IpldBlockOps, where = "C: CallManager")]
#[delegate(ActorOps, where = "C: CallManager")]
#[delegate(CryptoOps, where = "C: CallManager")]
#[delegate(DebugOps, where = "C: CallManager")]
#[delegate(EventOps, where = "C: CallManager")]
#[delegate(MessageOps, where = "C: CallManager")]
#[delegate(NetworkOps, where = "C: CallManager")]
#[delegate(RandomnessOps, where = "C: CallManager")]
#[delegate(SelfOps, where = "C: CallManager")]
#[delegate(SendOps<K>, generics = "K", where = "K: FilecoinKernel")]
#[delegate(UpgradeOps<K>, generics = "K", where = "K: FilecoinKernel")]
pub struct CloudlessKernel<C>(pub DefaultFilecoinKernel<C>);

impl<C: CallManager> CloudlessOps for CloudlessKernel<C> {
    fn abi_version(&self) -> Result<u64> {
        let _timer = self.0.charge_gas("cloudless_abi_version", gas::ABI_VERSION_GAS)?;
        Ok(ABI_VERSION)
    }

    fn randomx_hashes(&self, pairs: &[u8]) -> Result<Vec<u8>> {
        // Shape and limits first (no RandomX work), then the full price, then the work.
        let batch =
            randomx::parse_batch(pairs).map_err(|e| syscall_error!(IllegalArgument; "randomx_hashes: {}", e))?;
        let price = gas::randomx_hashes(pairs.len(), batch.distinct_keys, batch.pairs.len());
        let _timer = self.0.charge_gas("cloudless_randomx_hashes", price)?;
        let hashes = randomx::hash_batch(&batch).or_fatal()?;
        Ok(hashes.concat())
    }

    fn groth16_verify_bn254(&self, vk: &[u8], proof: &[u8], inputs: &[u8]) -> Result<bool> {
        let n = groth16::input_count(inputs.len())
            .map_err(|e| syscall_error!(IllegalArgument; "groth16_verify_bn254: {}", e))?;
        let _timer = self.0.charge_gas("cloudless_groth16_verify_bn254", gas::groth16_verify(n))?;
        groth16::verify(vk, proof, inputs)
            .map_err(|e| syscall_error!(IllegalArgument; "groth16_verify_bn254: {}", e).into())
    }
}

impl<C: CallManager> Kernel for CloudlessKernel<C> {
    type CallManager = C;
    type Limiter = <DefaultFilecoinKernel<C> as Kernel>::Limiter;

    fn into_inner(self) -> (Self::CallManager, BlockRegistry) {
        self.0.into_inner()
    }

    fn new(
        mgr: C,
        blocks: BlockRegistry,
        caller: ActorID,
        actor_id: ActorID,
        method: MethodNum,
        value_received: TokenAmount,
        read_only: bool,
    ) -> Self {
        CloudlessKernel(DefaultFilecoinKernel::new(mgr, blocks, caller, actor_id, method, value_received, read_only))
    }

    fn machine(&self) -> &<Self::CallManager as CallManager>::Machine {
        self.0.machine()
    }

    fn limiter_mut(&mut self) -> &mut Self::Limiter {
        self.0.limiter_mut()
    }

    fn gas_available(&self) -> Gas {
        self.0.gas_available()
    }

    fn charge_gas(&self, name: &str, compute: Gas) -> Result<GasTimer> {
        self.0.charge_gas(name, compute)
    }
}

// `FilecoinKernel` is not a delegatable trait in ref-fvm, so it is forwarded by hand.
impl<C: CallManager> FilecoinKernel for CloudlessKernel<C> {
    fn compute_unsealed_sector_cid(&self, proof_type: RegisteredSealProof, pieces: &[PieceInfo]) -> Result<Cid> {
        self.0.compute_unsealed_sector_cid(proof_type, pieces)
    }
    fn verify_post(&self, verify_info: &WindowPoStVerifyInfo) -> Result<bool> {
        self.0.verify_post(verify_info)
    }
    fn verify_consensus_fault(&self, h1: &[u8], h2: &[u8], extra: &[u8]) -> Result<Option<ConsensusFault>> {
        self.0.verify_consensus_fault(h1, h2, extra)
    }
    fn batch_verify_seals(&self, vis: &[SealVerifyInfo]) -> Result<Vec<bool>> {
        self.0.batch_verify_seals(vis)
    }
    fn verify_aggregate_seals(&self, aggregate: &AggregateSealVerifyProofAndInfos) -> Result<bool> {
        self.0.verify_aggregate_seals(aggregate)
    }
    fn verify_replica_update(&self, replica: &ReplicaUpdateInfo) -> Result<bool> {
        self.0.verify_replica_update(replica)
    }
    fn total_fil_circ_supply(&self) -> Result<TokenAmount> {
        self.0.total_fil_circ_supply()
    }
}

impl<K> SyscallHandler<K> for CloudlessKernel<K::CallManager>
where
    K: CloudlessOps
        + FilecoinKernel
        + ActorOps
        + SendOps
        + UpgradeOps
        + IpldBlockOps
        + CryptoOps
        + DebugOps
        + EventOps
        + MessageOps
        + NetworkOps
        + RandomnessOps
        + SelfOps,
{
    fn link_syscalls(linker: &mut Linker<K>) -> anyhow::Result<()> {
        DefaultFilecoinKernel::<K::CallManager>::link_syscalls(linker)?;
        linker.link_syscall(MODULE, "abi_version", syscalls::abi_version)?;
        linker.link_syscall(MODULE, "randomx_hashes", syscalls::randomx_hashes)?;
        linker.link_syscall(MODULE, "groth16_verify_bn254", syscalls::groth16_verify_bn254)?;
        Ok(())
    }
}
