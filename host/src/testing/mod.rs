//! Test support shared by integration tests, benchmarks and (later) the conformance runner:
//! a genesis-backed harness, signed sends by account name, state snapshots and invariant checks.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail};
use cid::Cid;
use fvm::executor::ApplyRet;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::message::Message;
use fvm_shared::{ActorID, MethodNum};
use serde::Serialize;

use crate::genesis::{self, GenesisConfig};
use crate::keys::KeyStore;
use crate::node::{Node, BLOCK_GAS_LIMIT};

pub mod indexer;
pub mod parent;
pub mod soak;

/// The gas-fee sinks: the FVM pays premiums to f02 and burns base fees to f099.
pub const FEE_SINKS: [ActorID; 2] = [2, 99];

/// A node at genesis plus the key store, with helpers to send as a named account.
pub struct Harness {
    pub node: Node,
    pub keys: KeyStore,
    /// When set (the default), every signed message is followed by [`check_invariants`]
    /// against this total.
    pub checked_total: Option<TokenAmount>,
    /// When set (the default), every message's events are indexed and the records rebuilt
    /// from them are compared with the real state after it ([`indexer`]).
    pub indexer: Option<indexer::Indexer>,
    /// When set, every message applied through the harness is recorded here (off by default;
    /// the devnet turns it on to write its messages and receipts).
    pub journal: Option<Vec<Journaled>>,
    /// The core set the genesis ran on.
    pub core: genesis::CoreSet,
}

/// Set to `official` (`CLOUDLESS_CORE=official`), [`Harness::new`] runs every test on the
/// official core set: the builtin-actors v17 bundle with the given bundle's actors appended
/// (`make test-official-core`).
pub const CORE_ENV: &str = "CLOUDLESS_CORE";

/// One message applied through a [`Harness`], as recorded in its journal.
#[derive(Debug, Clone)]
pub struct Journaled {
    pub epoch: fvm_shared::clock::ChainEpoch,
    /// The key-store name of the sender.
    pub from: String,
    pub signed: crate::keys::SignedMessage,
    pub exit_code: ExitCode,
    pub return_data: Vec<u8>,
    pub gas_used: u64,
    pub events_root: Option<Cid>,
    pub fee: TokenAmount,
}

impl Harness {
    /// A genesis from `config_toml`. Every actor's invariants (core and product, one
    /// [`Invariants`](cloudless_runtime::Invariants) check each) and the FLT total are checked
    /// after every message unless the harness is made [`Harness::unchecked`].
    /// With [`CORE_ENV`] set to `official`, on the official core set instead.
    pub fn new(config_toml: &str, bundle_car: &[u8]) -> anyhow::Result<Self> {
        let config = GenesisConfig::parse(config_toml)?;
        match std::env::var(CORE_ENV).as_deref() {
            Ok("official") => {
                let bundle = cloudless_bundle::compose(&cloudless_bundle::official_v17()?, bundle_car)?;
                Self::from_genesis(genesis::build(&config, &bundle)?)
            }
            Ok(other) => bail!("{CORE_ENV}={other:?}: only \"official\" is known"),
            Err(_) => Self::from_genesis(genesis::build(&config, bundle_car)?),
        }
    }

    /// A built genesis, checked after every message.
    pub fn from_genesis(g: genesis::Genesis) -> anyhow::Result<Self> {
        let total = Snapshot::take(&g.node)?.total_balance();
        let mut indexer = indexer::Indexer::default();
        indexer.observe(&g.node, &g.events)?;
        indexer.check(&g.node)?;
        Ok(Self {
            node: g.node,
            keys: g.keys,
            checked_total: Some(total),
            indexer: Some(indexer),
            journal: None,
            core: g.core,
        })
    }

    /// [`genesis::install_at`] with CBOR `params`, on the harness's node.
    pub fn install(&mut self, id: ActorID, code_name: &str, params: &impl Serialize, eth: bool) -> anyhow::Result<()> {
        genesis::install_at(&mut self.node, id, code_name, Some(RawBytes::serialize(params)?), eth).map(|_| ())
    }

    /// Opts out of the checks after every message (benchmarks, whose worlds are large).
    pub fn unchecked(mut self) -> Self {
        self.checked_total = None;
        self.indexer = None;
        self
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

    /// Applies a signed message at the current epoch, then runs the checks the harness runs
    /// after every message (declared events, invariants, the indexer); panics on a violation.
    pub fn apply_signed(&mut self, from: &str, signed: &crate::keys::SignedMessage) -> ApplyRet {
        self.try_apply_signed(from, signed).unwrap_or_else(|e| panic!("{e:#}"))
    }

    /// [`Harness::apply_signed`], with a violated check as an error (the message stays applied).
    pub fn try_apply_signed(&mut self, from: &str, signed: &crate::keys::SignedMessage) -> anyhow::Result<ApplyRet> {
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
        let undeclared = crate::abi::event_violations(&self.node, &ret.events);
        if !undeclared.is_empty() {
            bail!("after a message from {from}: {undeclared:?}");
        }
        if let Some(total) = &self.checked_total {
            check_invariants(&self.node, total).map_err(|e| anyhow!("after a message from {from}: {e}"))?;
        }
        if let Some(indexer) = &mut self.indexer {
            indexer
                .observe(&self.node, &ret.events)
                .and_then(|()| indexer.check(&self.node))
                .map_err(|e| anyhow!("after a message from {from}: {e:#}"))?;
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

    pub fn send<P: Serialize>(&mut self, from: &str, to: &str, method: MethodNum, params: &P) -> ApplyRet {
        let to = self.address(to);
        self.send_raw(from, to, method, RawBytes::serialize(params).unwrap(), TokenAmount::default())
    }

    /// Sends and asserts success, returning the decoded return value.
    pub fn call<P: Serialize, R: serde::de::DeserializeOwned>(
        &mut self,
        from: &str,
        to: &str,
        method: MethodNum,
        params: &P,
    ) -> R {
        let ret = self.send(from, to, method, params);
        assert_ok(&ret);
        let data = &ret.msg_receipt.return_data;
        // A method that returns nothing decodes as `()` (CBOR null).
        let bytes: &[u8] = if data.is_empty() { &[0xf6] } else { data.bytes() };
        fvm_ipld_encoding::from_slice(bytes).expect("decoding return")
    }

    /// Sends a message that must fail with `code`, and checks it changed nothing but the fees
    /// and nonce the FVM charges the sender. Returns the failure text for message checks.
    pub fn expect_failure(
        &mut self,
        from: &str,
        to: Address,
        method: MethodNum,
        params: RawBytes,
        code: ExitCode,
    ) -> String {
        self.expect_failure_paying(from, to, method, params, TokenAmount::default(), code)
    }

    /// [`Harness::expect_failure`] of a message that carries `value`.
    pub fn expect_failure_paying(
        &mut self,
        from: &str,
        to: Address,
        method: MethodNum,
        params: RawBytes,
        value: TokenAmount,
        code: ExitCode,
    ) -> String {
        let before = Snapshot::take(&self.node).unwrap();
        let sender = self.id(from);
        let ret = self.send_raw(from, to, method, params, value);
        let failure = ret.failure_info.as_ref().map(|f| f.to_string()).unwrap_or_default();
        assert_eq!(ret.msg_receipt.exit_code, code, "wrong exit code; failure: {failure}");
        let after = Snapshot::take(&self.node).unwrap();
        before.assert_unchanged_but_fees(&after, sender);
        failure
    }
}

/// Prints a benchmark's gas table, one row per message, the small world against the large one, and
/// returns the largest ratio large/small: the scaling benches assert it stays under their limit.
pub fn print_ratio_table(names: &[&str], columns: [&str; 2], small: &[u64], large: &[u64]) -> f64 {
    let width = names.iter().map(|n| n.len()).max().unwrap_or(8).max(8);
    println!("{:<width$} {:>14} {:>14} {:>8}", "message", columns[0], columns[1], "ratio");
    let mut worst = 0f64;
    for ((name, a), b) in names.iter().zip(small).zip(large) {
        let ratio = *b as f64 / *a as f64;
        worst = worst.max(ratio);
        println!("{name:<width$} {a:>14} {b:>14} {ratio:>8.3}");
    }
    worst
}

/// Every `*.json` file directly under `dir`, sorted by path (conformance vectors, seeds).
pub fn json_files(dir: &std::path::Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    use anyhow::Context;
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    Ok(files)
}

/// A CID of `data` (raw codec, sha2-256) for tests: metadata, apps, outputs.
pub fn cid_of(data: &[u8]) -> Cid {
    use multihash_codetable::{Code, MultihashDigest};
    Cid::new_v1(0x55, Code::Sha2_256.digest(data))
}

/// The compute gas of every charge named `name` in a traced message (tracing on), rounded up:
/// what a syscall charged, e.g. `cloudless_randomx_hashes`.
pub fn charged(ret: &ApplyRet, name: &str) -> Vec<u64> {
    ret.exec_trace
        .iter()
        .filter_map(|e| match e {
            fvm::trace::ExecutionEvent::GasCharge(c) if c.name == name => Some(c.compute_gas.round_up()),
            _ => None,
        })
        .collect()
}

pub fn assert_ok(ret: &ApplyRet) {
    assert!(
        ret.msg_receipt.exit_code.is_success(),
        "message failed with {}: {:?}",
        ret.msg_receipt.exit_code,
        ret.failure_info.as_ref().map(|f| f.to_string())
    );
}

/// Every actor's state head, balance and nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot(pub BTreeMap<ActorID, (Cid, TokenAmount, u64)>);

impl Snapshot {
    pub fn take(node: &Node) -> anyhow::Result<Self> {
        Ok(Self(node.actors()?.into_iter().map(|(id, a)| (id, (a.state, a.balance, a.sequence))).collect()))
    }

    /// Panics unless only the sender's balance and nonce and the fee sinks' balances changed.
    pub fn assert_unchanged_but_fees(&self, after: &Snapshot, sender: ActorID) {
        assert_eq!(
            self.0.keys().collect::<Vec<_>>(),
            after.0.keys().collect::<Vec<_>>(),
            "a failed message created or deleted actors"
        );
        for (id, (head, balance, seq)) in &self.0 {
            let (head2, balance2, seq2) = &after.0[id];
            assert_eq!(head, head2, "failed message changed the state of f0{id}");
            if *id != sender && !FEE_SINKS.contains(id) {
                assert_eq!(balance, balance2, "failed message moved FLT of f0{id}");
                assert_eq!(seq, seq2, "failed message changed the nonce of f0{id}");
            }
        }
    }

    pub fn total_balance(&self) -> TokenAmount {
        self.0.values().map(|(_, b, _)| b.clone()).sum()
    }
}

/// Runs every actor's state invariant check and the global FLT total; returns all violations.
pub fn check_invariants(node: &Node, expected_total: &TokenAmount) -> anyhow::Result<()> {
    let mut errors = Vec::new();
    let snapshot = Snapshot::take(node)?;
    if &snapshot.total_balance() != expected_total {
        errors.push(format!("total FLT {} != {}", snapshot.total_balance(), expected_total));
    }
    for (id, state) in node.actors()? {
        let name = node.code_name(&state.code)?.ok_or_else(|| anyhow!("f0{id} has unknown code"))?;
        let found = match crate::abi::actor(&name) {
            Some(actor) => actor.check_state_invariants(node, id, &state.balance)?,
            None => foreign_invariants(node, id, &name)?,
        };
        errors.extend(found.into_iter().map(|e| format!("f0{id} ({name}): {e}")));
    }
    errors.extend(cross_actor_violations(node)?);
    if !errors.is_empty() {
        bail!("state invariants violated:\n{}", errors.join("\n"));
    }
    Ok(())
}

/// An actor of a code no Cloudless actor declares: builtin-actors' cron (official core only)
/// must decode as `{entries: [{receiver, method_num}]}`; any other code is reported.
fn foreign_invariants(node: &Node, id: ActorID, name: &str) -> anyhow::Result<Vec<String>> {
    match name {
        "cron" => node.actor_state::<(Vec<(fvm_shared::address::Address, u64)>,)>(id).map(|_| Vec::new()),
        other => Ok(vec![format!("no invariant check for code {other:?}")]),
    }
}

/// What no single actor can check: every unit the market holds is in its deal in the capacity
/// actor's view, and the market holds, in each token's own books, what its ledger says.
pub fn cross_actor_violations(node: &Node) -> anyhow::Result<Vec<String>> {
    use cloudless_actor_market as market;
    use cloudless_runtime::tree::Tree;
    let mut errors = Vec::new();
    for (id, actor) in node.actors()? {
        if node.code_name(&actor.code)?.as_deref() != Some("market") {
            continue;
        }
        let st: market::State = node.actor_state(id)?;
        let capacity: Option<cloudless_actor_capacity::State> = node.actor_state(st.config.capacity).ok();
        let mut deals = Vec::new();
        Tree::<_, market::Deal>::load(node.store(), &st.deals, "deals")
            .for_each(|_, d| deals.push(d.clone()))
            .map_err(|e| anyhow!("{}", e.msg()))?;
        let mut tokens = std::collections::BTreeSet::new();
        for d in &deals {
            tokens.insert(d.token);
            for s in &d.units {
                let deal = capacity
                    .as_ref()
                    .and_then(|c| c.find_unit(node.store(), &s.unit).ok().flatten())
                    .and_then(|u| u.deal);
                if deal != Some(d.id) {
                    errors.push(format!(
                        "market f0{id}: unit {} of deal {} is in deal {deal:?} in the capacity actor",
                        s.unit, d.id
                    ));
                }
            }
        }
        for token in tokens {
            let Ok(gateway) = node.actor_state::<cloudless_actor_gateway::State>(token) else { continue };
            let held = gateway.token.get_balance(node.store(), id)?;
            let ledger = st.ledger(node.store(), token).map_err(|e| anyhow!("{}", e.msg()))?;
            if held != ledger.held {
                errors.push(format!("market f0{id}: holds {held} of token f0{token}, its ledger says {}", ledger.held));
            }
        }
    }
    Ok(errors)
}
