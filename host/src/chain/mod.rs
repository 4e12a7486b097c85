//! The dev chain: a node at genesis with its key store, applying signed messages epoch by epoch
//! and keeping a journal of them with their receipts, plus the parent simulation ([`parent`]).
//! What the devnet (and the coming `cloudless node`) stand on; the test harness
//! (`cloudless_testing::Harness`, a dev-only crate) is this chain with its checks installed ([`Check`]).

use cid::Cid;
use fvm::executor::ApplyRet;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::event::StampedEvent;
use fvm_shared::message::Message;
use fvm_shared::{ActorID, MethodNum};
use serde::Serialize;

use crate::genesis;
use crate::keys::{KeyStore, SignedMessage};
use crate::node::{Node, BLOCK_GAS_LIMIT};

pub mod parent;

/// What runs after every message the chain applies (the test harness's invariant, FLT total,
/// declared-event and indexer checks); an error stops whoever sent the message.
pub trait Check {
    /// The chain at genesis, with the events its constructors emitted.
    fn start(&mut self, _node: &Node, _events: &[StampedEvent]) -> anyhow::Result<()> {
        Ok(())
    }

    /// After a message from `from` (a key-store name) was applied.
    fn after(&mut self, node: &Node, from: &str, ret: &ApplyRet) -> anyhow::Result<()>;
}

/// One message applied through a [`Chain`], as recorded in its journal.
#[derive(Debug, Clone)]
pub struct Journaled {
    pub epoch: ChainEpoch,
    /// The key-store name of the sender.
    pub from: String,
    pub signed: SignedMessage,
    pub exit_code: ExitCode,
    pub return_data: Vec<u8>,
    pub gas_used: u64,
    pub events_root: Option<Cid>,
    pub fee: TokenAmount,
}

/// A node at genesis plus the key store: sends as a named account.
pub struct Chain {
    pub node: Node,
    pub keys: KeyStore,
    /// When set, every message applied is recorded here (the devnet writes its messages and
    /// receipts from it).
    pub journal: Option<Vec<Journaled>>,
    /// The core set the genesis ran on.
    pub core: genesis::CoreSet,
    /// Run after every message, in order.
    pub checks: Vec<Box<dyn Check>>,
}

impl Chain {
    /// A built genesis; each check starts from it.
    pub fn from_genesis(g: genesis::Genesis, mut checks: Vec<Box<dyn Check>>) -> anyhow::Result<Self> {
        for c in &mut checks {
            c.start(&g.node, &g.events)?;
        }
        Ok(Self { node: g.node, keys: g.keys, journal: None, core: g.core, checks })
    }

    /// [`genesis::install_at`] with CBOR `params`, on the chain's node.
    pub fn install(&mut self, id: ActorID, code_name: &str, params: &impl Serialize, eth: bool) -> anyhow::Result<()> {
        genesis::install_at(&mut self.node, id, code_name, Some(RawBytes::serialize(params)?), eth).map(|_| ())
    }

    pub fn address(&self, name: &str) -> Address {
        self.keys.address_of(name).unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn id(&self, name: &str) -> ActorID {
        let addr = self.address(name);
        self.node.resolve(&addr).unwrap().unwrap_or_else(|| panic!("{name} does not exist"))
    }

    /// Signs with `from`'s key and applies at the next epoch.
    pub fn send_raw(
        &mut self,
        from: &str,
        to: Address,
        method: MethodNum,
        params: RawBytes,
        value: TokenAmount,
    ) -> ApplyRet {
        let msg = Message { value, ..self.message(from, to, method, params) };
        self.node.set_epoch(self.node.epoch() + 1).unwrap();
        let signed = self.keys.key(from).unwrap().sign_message(msg);
        self.apply_signed(from, &signed)
    }

    /// Applies a signed message at the current epoch, then runs the checks; panics on a
    /// violation.
    pub fn apply_signed(&mut self, from: &str, signed: &SignedMessage) -> ApplyRet {
        self.try_apply_signed(from, signed).unwrap_or_else(|e| panic!("{e:#}"))
    }

    /// [`Chain::apply_signed`], with a violated check as an error (the message stays applied).
    pub fn try_apply_signed(&mut self, from: &str, signed: &SignedMessage) -> anyhow::Result<ApplyRet> {
        let ret = self.node.apply_signed(signed)?;
        if let Some(journal) = &mut self.journal {
            journal.push(Journaled {
                epoch: self.node.epoch(),
                from: from.to_string(),
                signed: signed.clone(),
                exit_code: ret.msg_receipt.exit_code,
                return_data: ret.msg_receipt.return_data.to_vec(),
                gas_used: ret.msg_receipt.gas_used,
                events_root: ret.msg_receipt.events_root,
                fee: Self::fee(&ret),
            });
        }
        for c in &mut self.checks {
            c.after(&self.node, from, &ret).map_err(|e| anyhow::anyhow!("after a message from {from}: {e:#}"))?;
        }
        Ok(ret)
    }

    /// Signs with `from`'s key and applies at the current epoch with the gas limit estimated as
    /// `cloudless send` does (no over-estimation burn), running every check; a message refused
    /// before application or a violated check is an error.
    pub fn try_send_estimated(
        &mut self,
        from: &str,
        to: Address,
        method: MethodNum,
        params: RawBytes,
        value: TokenAmount,
    ) -> anyhow::Result<ApplyRet> {
        let key = self.keys.key(from)?;
        let msg = Message { value, ..self.message(from, to, method, params) };
        let gas_limit = crate::receipt::estimate_gas_limit(&self.node, &key, &msg)?;
        let signed = key.sign_message(Message { gas_limit, ..msg });
        let ret = self.try_apply_signed(from, &signed)?;
        crate::receipt::applied(ret)
    }

    /// `from` creates an actor of the bundle's `code_name` through init's `Exec` (no constructor
    /// params); returns its ID address.
    ///
    /// builtin-actors' init creates only multisig and payment channels, so on the official core
    /// set the actor is placed at the ID init would have given it instead (init's `next_id`
    /// moves on as after an `Exec`); `from` sends nothing.
    pub fn exec(&mut self, from: &str, code_name: &str) -> Address {
        if self.core == genesis::CoreSet::Official {
            let id = self.node.take_next_id().unwrap();
            genesis::install_at(&mut self.node, id, code_name, None, false).unwrap();
            return Address::new_id(id);
        }
        let code = self.node.code_of(code_name).unwrap();
        let p = cloudless_actor_init::ExecParams { code_cid: code, constructor_params: Vec::new() };
        let ret = self.send_raw(
            from,
            Address::new_id(1),
            cloudless_actor_init::METHOD_EXEC,
            RawBytes::serialize(p).unwrap(),
            TokenAmount::default(),
        );
        assert_ok(&ret);
        let created: cloudless_actor_init::ExecReturn = ret.msg_receipt.return_data.deserialize().unwrap();
        created.id_address
    }

    /// What `ret` charged its sender (base fee burn, over-estimation burn and tip).
    pub fn fee(ret: &ApplyRet) -> TokenAmount {
        &ret.base_fee_burn + &ret.over_estimation_burn + &ret.miner_tip
    }

    /// A message from `from` with its next nonce, no value, the block gas limit and a 1 atto
    /// tip; override fields with struct update syntax.
    pub fn message(&self, from: &str, to: Address, method: MethodNum, params: RawBytes) -> Message {
        let sender = self.keys.key(from).unwrap().address();
        Message {
            version: 0,
            from: sender,
            to,
            sequence: self.node.sequence(&sender).unwrap(),
            value: TokenAmount::default(),
            method_num: method,
            params,
            gas_limit: BLOCK_GAS_LIMIT,
            // A non-zero tip exercises the premium payment to f02.
            gas_fee_cap: self.node.meta().base_fee.clone() + TokenAmount::from_atto(1),
            gas_premium: TokenAmount::from_atto(1),
        }
    }
}

/// Panics unless the message succeeded, naming its exit code and failure.
pub fn assert_ok(ret: &ApplyRet) {
    assert!(
        ret.msg_receipt.exit_code.is_success(),
        "message failed with {}: {:?}",
        ret.msg_receipt.exit_code,
        ret.failure_info.as_ref().map(|f| f.to_string())
    );
}

/// A CID of `data` (raw codec, sha2-256): unit ids, metadata, apps, outputs.
pub fn cid_of(data: &[u8]) -> Cid {
    use multihash_codetable::{Code, MultihashDigest};
    Cid::new_v1(0x55, Code::Sha2_256.digest(data))
}
