//! Test support (dev-only) shared by integration tests, benchmarks, the soak and the conformance
//! runner: the [`Harness`] (the dev chain with every check after every message), refusal
//! helpers, state snapshots and invariant checks, the event [`indexer`] and the [`soak`]. It
//! stands on `cloudless-host` (as builtin-actors' `test_vm` stands on the actors); nothing in
//! `cloudless-host` imports it.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail};
use cid::Cid;
use fvm::executor::ApplyRet;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::{ActorID, MethodNum};
use serde::Serialize;

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use fvm_shared::event::StampedEvent;

use cloudless_host::chain::parent::{Parent, TopDown};
use cloudless_host::chain::{Chain, Check};
use cloudless_host::genesis::{self, GenesisConfig};
use cloudless_host::node::Node;

pub mod indexer;
pub mod soak;

pub use cloudless_host::chain::{assert_ok, cid_of, Journaled};

/// The gas-fee sinks: the FVM pays premiums to f02 and burns base fees to f099.
pub const FEE_SINKS: [ActorID; 2] = [2, 99];

/// Set to `all` (`CLOUDLESS_INDEXER=all`), every harness runs the [`indexer`] after every
/// message, as if each test had asked for it with [`Harness::indexed`] (`make test-indexed`).
pub const INDEXER_ENV: &str = "CLOUDLESS_INDEXER";

/// Set to `official` (`CLOUDLESS_CORE=official`), [`Harness::new`] runs every test on the
/// official core set: the builtin-actors v17 bundle with the given bundle's actors appended
/// (`make test-official-core`).
pub const CORE_ENV: &str = "CLOUDLESS_CORE";

/// The dev [`Chain`] with the test checks installed, and the refusal helpers of tests.
/// Everything the chain does (sends by account name, the journal) is reached through it.
pub struct Harness {
    pub chain: Chain,
    checks: Rc<RefCell<Checks>>,
    /// The genesis constructors' events, kept until [`Harness::indexed`] feeds them to the
    /// indexer (or the first message makes that too late).
    genesis_events: Option<Vec<StampedEvent>>,
}

impl Deref for Harness {
    type Target = Chain;
    fn deref(&self) -> &Chain {
        &self.chain
    }
}

impl DerefMut for Harness {
    fn deref_mut(&mut self) -> &mut Chain {
        &mut self.chain
    }
}

/// What the harness checks after every message: every event declared (always), the
/// invariants of every actor and the FLT total (unless [`Harness::unchecked`]), and, where a
/// test asks for it ([`Harness::indexed`]), the records the [`indexer`] rebuilds from events
/// against the real state.
pub struct Checks {
    /// The FLT total every state must hold.
    pub total: Option<TokenAmount>,
    pub indexer: Option<indexer::Indexer>,
}

/// The checks as the chain runs them; the harness keeps a second handle to read and change them.
struct Shared(Rc<RefCell<Checks>>);

impl Check for Shared {
    fn start(&mut self, node: &Node, events: &[StampedEvent]) -> anyhow::Result<()> {
        let mut c = self.0.borrow_mut();
        c.total = Some(Snapshot::take(node)?.total_balance());
        if let Some(indexer) = &mut c.indexer {
            indexer.follow(node, events)?;
        }
        Ok(())
    }

    fn after(&mut self, node: &Node, _from: &str, ret: &ApplyRet) -> anyhow::Result<()> {
        let undeclared = cloudless_host::abi::event_violations(node, &ret.events);
        if !undeclared.is_empty() {
            bail!("{undeclared:?}");
        }
        let mut c = self.0.borrow_mut();
        if let Some(total) = &c.total {
            check_invariants(node, total)?;
        }
        if let Some(indexer) = &mut c.indexer {
            indexer.follow(node, &ret.events)?;
        }
        Ok(())
    }
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

    /// A built genesis, checked after every message (the indexer only when
    /// [`INDEXER_ENV`] is `all`; a test asks for it with [`Harness::indexed`]).
    pub fn from_genesis(g: genesis::Genesis) -> anyhow::Result<Self> {
        let genesis_events = Some(g.events.clone());
        let checks = Rc::new(RefCell::new(Checks { total: None, indexer: None }));
        let chain = Chain::from_genesis(g, vec![Box::new(Shared(checks.clone()))])?;
        let h = Self { chain, checks, genesis_events };
        match std::env::var(INDEXER_ENV).as_deref() {
            Ok("all") => Ok(h.indexed()),
            Ok(other) => bail!("{INDEXER_ENV}={other:?}: only \"all\" is known"),
            Err(_) => Ok(h),
        }
    }

    /// Runs the event [`indexer`] after every message from now on: it starts from the genesis
    /// constructors' events, so it must be asked for before the first message.
    pub fn indexed(mut self) -> Self {
        if self.is_indexed() {
            return self;
        }
        let events = self.genesis_events.take().expect("Harness::indexed before the first message");
        let mut indexer = indexer::Indexer::default();
        indexer.follow(&self.node, &events).unwrap_or_else(|e| panic!("{e:#}"));
        self.checks.borrow_mut().indexer = Some(indexer);
        self
    }

    /// Whether the indexer runs after every message.
    pub fn is_indexed(&self) -> bool {
        self.checks.borrow().indexer.is_some()
    }

    /// The harness's checks (the FLT total, the indexer).
    pub fn checks(&self) -> std::cell::RefMut<'_, Checks> {
        self.checks.borrow_mut()
    }

    /// Opts out of the invariant and indexer checks after every message (benchmarks, whose
    /// worlds are large); declared events are still checked.
    pub fn unchecked(self) -> Self {
        {
            let mut c = self.checks.borrow_mut();
            c.total = None;
            c.indexer = None;
        }
        self
    }

    // The chain's sends, restated so that a call may name the harness twice
    // (`h.send_raw("alice", h.address("bob"), ...)`: two-phase borrows stop at `DerefMut`).

    /// [`Chain::send_raw`].
    pub fn send_raw(
        &mut self,
        from: &str,
        to: Address,
        method: MethodNum,
        params: RawBytes,
        value: TokenAmount,
    ) -> ApplyRet {
        self.genesis_events = None;
        self.chain.send_raw(from, to, method, params, value)
    }

    /// [`Chain::exec`].
    pub fn exec(&mut self, from: &str, code_name: &str) -> Address {
        self.genesis_events = None;
        self.chain.exec(from, code_name)
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

/// Every check the harness runs (declared events, invariants and the FLT total, the event
/// indexer), for a chain outside the harness: `cloudless devnet` runs them after every message.
pub fn all_checks() -> Box<dyn Check> {
    Box::new(Shared(Rc::new(RefCell::new(Checks { total: None, indexer: Some(indexer::Indexer::default()) }))))
}

/// The relayer's refusals on the parent simulation, for tests and the soak.
pub trait Refusals {
    /// The relayer delivers an already delivered message again: it must fail with
    /// USR_ILLEGAL_ARGUMENT and change nothing. False when nothing was delivered yet.
    fn replay(&mut self, h: &mut Harness, pick: usize) -> bool;

    /// The relayer skips ahead: a queued deposit after the next one arrives first. It must fail
    /// with USR_ILLEGAL_STATE and change nothing. False when no such deposit is queued.
    fn deliver_with_gap(&mut self, h: &mut Harness) -> bool;
}

impl Refusals for Parent {
    fn replay(&mut self, h: &mut Harness, pick: usize) -> bool {
        if self.delivered.is_empty() {
            return false;
        }
        let msg = self.delivered[pick % self.delivered.len()].clone();
        let (method, params) = Parent::params(&msg);
        let relayer = self.relayer.clone();
        h.expect_failure(&relayer, self.gateway, method, params, ExitCode::USR_ILLEGAL_ARGUMENT);
        true
    }

    fn deliver_with_gap(&mut self, h: &mut Harness) -> bool {
        let next = self.gateway_state(h).next_deposit_nonce;
        let Some(TopDown::Deposit(p)) =
            self.queue.iter().find(|m| matches!(m, TopDown::Deposit(p) if p.nonce > next)).cloned()
        else {
            return false;
        };
        let relayer = self.relayer.clone();
        let params = RawBytes::serialize(&p).unwrap();
        h.expect_failure(
            &relayer,
            self.gateway,
            cloudless_actor_gateway::METHOD_APPLY_DEPOSIT,
            params,
            ExitCode::USR_ILLEGAL_STATE,
        );
        true
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
        let found = match cloudless_host::abi::actor(&name) {
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
    let mut errors = Vec::new();
    for (id, actor) in node.actors()? {
        if node.code_name(&actor.code)?.as_deref() != Some("market") {
            continue;
        }
        let st: market::State = node.actor_state(id)?;
        let capacity: Option<cloudless_actor_capacity::State> = node.actor_state(st.config.capacity).ok();
        let mut deals = Vec::new();
        st.deal_tree(node.store()).for_each(|_, d| deals.push(d.clone())).map_err(|e| anyhow!("{}", e.msg()))?;
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
