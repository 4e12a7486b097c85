//! The soak and the params fuzzer: long seeded random runs of real messages through the FVM
//! across every product actor, from many senders, checking after every message
//!
//! - every actor's invariants and the FLT total (the [`Harness`] check), every event declared;
//! - USDC conservation across both chains ([`Parent::check`]);
//! - a refused message changed nothing but the sender's fee and nonce, and no refusal is a
//!   crash: no Wasm trap, no assertion, no fatal error (the host would return an error).
//!
//! A run mixes plausible traffic (oracle reports, parent deposits and withdrawals with fast
//! fills, USDC transfers, reward funding, offers, deals, funding, matching, stops, epochs
//! passing over period boundaries) with *fuzz* messages: a random method of a random actor
//! (every method in the ABI, and numbers no actor exports) with params made by mutating a
//! seed, sometimes carrying FLT, from a random sender. Seeds are the params of every message in
//! the committed conformance corpus (`test-vectors/corpus`) plus what the run itself sent;
//! mutations are structural on the decoded CBOR (boundary integers, long and empty byte
//! strings, dropped, duplicated and retyped fields) or on the bytes (flips, cuts, splices).
//!
//! Everything is a function of the seed: the same seed replays the same messages.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use base64::Engine;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::message::Message;
use fvm_shared::MethodNum;
use ipld_core::ipld::Ipld;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::{cid_of, Harness, Snapshot};
use cloudless_actor_capacity as capacity;
use cloudless_actor_gateway as gateway;
use cloudless_actor_market as market;
use cloudless_actor_oracle as oracle;
use cloudless_actor_rewards as rewards;
use cloudless_host::chain::parent::Parent;

const USERS: usize = 8;
const PROVIDERS: usize = 2;
const PEERS_PER_PROVIDER: usize = 2;
/// Epochs per period in the soak's genesis: short, so periods close often.
pub const PERIOD: i64 = 50;

/// The exit codes no refusal may have: they mean an actor trapped or asserted.
const CRASHES: [ExitCode; 4] = [
    ExitCode::SYS_ILLEGAL_INSTRUCTION,
    ExitCode::SYS_ASSERTION_FAILED,
    ExitCode::SYS_MISSING_RETURN,
    ExitCode::USR_ASSERTION_FAILED,
];

/// What a run did.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Messages applied (each checked).
    pub messages: u64,
    pub succeeded: u64,
    /// Fuzz messages among them.
    pub fuzzed: u64,
    /// Refusals by exit code.
    pub refusals: BTreeMap<String, u64>,
    /// Messages by kind (`fuzz actor.method`, or the operation): (sent, succeeded).
    pub kinds: BTreeMap<String, (u64, u64)>,
    /// The largest gas a single message used, and which.
    pub max_gas: (u64, String),
    /// Seeds in the pool at the end.
    pub seeds: usize,
}

/// Params of every message in the vector files of `dir` (method number, params bytes): the
/// fuzzer's committed seed corpus.
pub fn corpus_seeds(dir: &Path) -> anyhow::Result<Vec<(MethodNum, Vec<u8>)>> {
    let mut seeds = Vec::new();
    for path in super::json_files(dir)? {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        for m in v["apply_messages"].as_array().into_iter().flatten() {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(m["bytes"].as_str().unwrap_or_default())
                .with_context(|| format!("{}: message bytes", path.display()))?;
            let msg: Message = fvm_ipld_encoding::from_slice(&bytes)?;
            seeds.push((msg.method_num, msg.params.to_vec()));
        }
    }
    Ok(seeds)
}

fn genesis_config() -> String {
    let mut accounts = String::new();
    let mut names: Vec<String> =
        ["admin", "relayer", "reporter1", "reporter2", "owner", "delegator"].iter().map(|s| s.to_string()).collect();
    names.extend((0..USERS).map(|i| format!("u{i}")));
    names.extend((0..PROVIDERS).map(|i| format!("p{i}")));
    for n in &names {
        accounts += &format!("[[accounts]]\nname = \"{n}\"\nbalance = \"1000000\"\n");
    }
    format!(
        r#"
[network]
name = "soak"
period_length = {PERIOD}

{accounts}
[actors.oracle]
admin = "admin"
[[actors.oracle.assets]]
symbol = "FLT/USD"
quorum = 2
report_expiry = 200
max_deviation = 2000000
twap_window = 200
reporters = ["reporter1", "reporter2"]

[actors.capacity]
admin = "admin"
min_proofs = 2
max_proofs = 3
usd_collateral_per_unit = "1"
flt_collateral_per_unit = "1"
difficulty = "7f{ff}"

[actors.rewards]
admin = "admin"
balance = "100000"
initial_pool = "100"
min_pool = "10"
max_pool = "1000"
usd_target_revenue_per_unit_period = "1"
vesting_period_count = 3
vesting_period_duration = 2

[actors.gateway]
admin = "admin"
authority = "relayer"
max_fast_window = 100

[actors.market]
admin = "admin"
min_deposited_periods = 2
min_rematching_periods = 1
"#,
        ff = "ff".repeat(31)
    )
}

/// A seeded soak world.
pub struct Soak {
    pub h: Harness,
    pub parent: Parent,
    rng: StdRng,
    pub stats: Stats,
    /// Seeds by method number (the corpus and what this run sent).
    seeds: BTreeMap<MethodNum, Vec<Vec<u8>>>,
    /// Deals created, with their creator.
    deals: Vec<(u64, String)>,
    /// The last FLT/USD price reported, in 10^-18 USD.
    price: u128,
    /// Actors the fuzzer targets: (name for stats, address, code name).
    targets: Vec<(String, Address, String)>,
    senders: Vec<String>,
}

fn encode<P: Serialize>(p: &P) -> RawBytes {
    RawBytes::serialize(p).expect("params encode")
}

fn usdc(whole: u64) -> TokenAmount {
    gateway::micro_usdc(whole * 1_000_000)
}

impl Soak {
    /// A genesis with every product actor, parent USDC for every user, and providers whose
    /// peers have funded commitments and whose offers are listed.
    pub fn new(seed: u64, corpus: Vec<(MethodNum, Vec<u8>)>, bundle_car: &[u8]) -> anyhow::Result<Self> {
        let h = Harness::new(&genesis_config(), bundle_car)?.indexed();
        let users: Vec<String> = (0..USERS).map(|i| format!("u{i}")).collect();
        let parent_accounts: Vec<_> = users.iter().map(|u| (h.address(u), usdc(1_000_000))).collect();
        let parent = Parent::new(&parent_accounts, "relayer", h.address("gateway"));
        let mut seeds: BTreeMap<MethodNum, Vec<Vec<u8>>> = BTreeMap::new();
        for (m, p) in corpus {
            seeds.entry(m).or_default().push(p);
        }
        let mut targets = Vec::new();
        // Every product actor of the list, then init and an account.
        for name in
            cloudless_actors::ACTORS.iter().filter(|a| a.kind == cloudless_actors::Kind::Product).map(|a| a.name)
        {
            let addr = h.address(name);
            targets.push((name.to_string(), addr, h.node.code_name_at(&addr)?));
        }
        targets.push(("init".into(), Address::new_id(1), "init".into()));
        targets.push(("account".into(), h.address("u0"), "account".into()));
        let mut senders: Vec<String> = users.clone();
        senders.extend(["admin", "relayer", "reporter1", "owner", "p0"].map(String::from));
        let mut soak = Self {
            h,
            parent,
            rng: StdRng::seed_from_u64(seed),
            stats: Stats::default(),
            seeds,
            deals: Vec::new(),
            price: 1_000_000_000_000_000_000,
            targets,
            senders,
        };
        soak.providers();
        Ok(soak)
    }

    fn providers(&mut self) {
        for p in 0..PROVIDERS {
            let name = format!("p{p}");
            let params = capacity::ProviderParams { name: name.clone(), metadata: cid_of(name.as_bytes()) };
            self.must(&name, "capacity", capacity::METHOD_REGISTER_PROVIDER, encode(&params), 0);
            let provider = self.h.address(&name);
            let q = capacity::ProviderQuery { provider };
            self.must("admin", "capacity", capacity::METHOD_APPROVE_PROVIDER, encode(&q), 0);
            let mut peers = Vec::new();
            for k in 0..PEERS_PER_PROVIDER {
                let peer_id = format!("peer-{p}-{k}").into_bytes();
                let unit = cloudless_runtime::bytes::Bytes32([(p * PEERS_PER_PROVIDER + k + 1) as u8; 32]);
                let owner = self.h.address("owner");
                let reg = capacity::RegisterPeerParams { peer_id: peer_id.clone(), owner, units: vec![unit] };
                self.must(&name, "capacity", capacity::METHOD_REGISTER_PEER, encode(&reg), 0);
                let create = capacity::CreateCommitmentParams {
                    peer_id: peer_id.clone(),
                    duration: 20,
                    delegator: Some(self.h.address("delegator")),
                    delegator_reward_rate: 1_000_000,
                };
                let ret = self.must(&name, "capacity", capacity::METHOD_CREATE_COMMITMENT, encode(&create), 0);
                let cc: capacity::CreateCommitmentReturn = ret.deserialize().expect("commitment id");
                let dep = capacity::DepositParams { ids: vec![cc.id] };
                self.must("delegator", "capacity", capacity::METHOD_DEPOSIT_COLLATERAL, encode(&dep), 1);
                peers.push(peer_id);
            }
            let offer = market::OfferParams {
                min_price: usdc(1),
                token: None,
                effectors: vec![],
                peers,
                min_version: 1,
                max_version: 1,
            };
            self.must(&name, "market", market::METHOD_REGISTER_OFFER, encode(&offer), 0);
        }
    }

    /// Sends a set-up message that must succeed; returns its return bytes.
    fn must(&mut self, from: &str, to: &str, method: MethodNum, params: RawBytes, flt: u64) -> RawBytes {
        let to = self.h.address(to);
        let ret = self.h.send_raw(from, to, method, params, TokenAmount::from_whole(flt));
        super::assert_ok(&ret);
        ret.msg_receipt.return_data
    }

    /// Applies one checked message and records it; a refusal must change nothing but fees and
    /// must not be a crash. Returns the exit code and the return bytes.
    fn send(
        &mut self,
        kind: &str,
        from: &str,
        to: Address,
        method: MethodNum,
        params: RawBytes,
        value: TokenAmount,
    ) -> (ExitCode, RawBytes) {
        let before = Snapshot::take(&self.h.node).expect("snapshot");
        let sender = self.h.id(from);
        let bytes = params.to_vec();
        let ret = self.h.send_raw(from, to, method, params, value);
        let code = ret.msg_receipt.exit_code;
        let why = ret.failure_info.as_ref().map(|f| f.to_string()).unwrap_or_default();
        assert!(
            !CRASHES.contains(&code),
            "{kind} from {from}: a crash ({code}): {why}\nparams {}",
            hex::encode(&bytes)
        );
        self.stats.messages += 1;
        let entry = self.stats.kinds.entry(kind.to_string()).or_default();
        entry.0 += 1;
        entry.1 += u64::from(code.is_success());
        if ret.msg_receipt.gas_used > self.stats.max_gas.0 {
            self.stats.max_gas = (ret.msg_receipt.gas_used, kind.to_string());
        }
        if code.is_success() {
            self.stats.succeeded += 1;
            let pool = self.seeds.entry(method).or_default();
            if pool.len() < 64 && !pool.contains(&bytes) {
                pool.push(bytes);
            }
        } else {
            *self.stats.refusals.entry(format!("{code}")).or_default() += 1;
            let after = Snapshot::take(&self.h.node).expect("snapshot");
            before.assert_unchanged_but_fees(&after, sender);
        }
        (code, ret.msg_receipt.return_data)
    }

    fn user(&mut self) -> String {
        format!("u{}", self.rng.gen_range(0..USERS))
    }

    fn usdc_of(&self, name: &str) -> TokenAmount {
        let st = self.parent.gateway_state(&self.h);
        st.token.get_balance(self.h.node.store(), self.h.id(name)).unwrap_or_default()
    }

    /// A share of `of` in whole µUSDC (the token's granularity): mostly 1..=100 %, sometimes
    /// more than there is, and now and then not a multiple of the granularity.
    fn share(&mut self, of: &TokenAmount) -> TokenAmount {
        let percent =
            if self.rng.gen_bool(0.9) { self.rng.gen_range(1..=100u64) } else { self.rng.gen_range(101..=150) };
        let atto = of.atto() * percent / 100u64;
        if self.rng.gen_bool(0.05) {
            return TokenAmount::from_atto(atto + 1u64);
        }
        TokenAmount::from_atto(atto / gateway::GRANULARITY * gateway::GRANULARITY)
    }

    /// One random step (one or a few messages), then the USDC check.
    pub fn step(&mut self) {
        let roll = self.rng.gen_range(0..100u32);
        match roll {
            0..=7 => self.report(),
            8..=13 => self.deposit(),
            14..=21 => {
                let n = self.rng.gen_range(1..=3);
                for _ in 0..n {
                    if self.parent.deliver_next(&mut self.h).is_none() {
                        break;
                    }
                    self.stats.messages += 1;
                    self.stats.succeeded += 1;
                    let entry = self.stats.kinds.entry("relay".into()).or_default();
                    entry.0 += 1;
                    entry.1 += 1;
                }
            }
            22..=29 => self.transfer(),
            30..=33 => self.withdraw(),
            34..=36 => {
                let max = self.rng.gen_range(1..=6);
                let reject: u8 = self.rng.gen();
                self.parent.process_outbox(&self.h, max, |v| reject & (1 << (v.nonce % 8)) != 0);
            }
            37..=38 => {
                let next = self.parent.gateway_state(&self.h).next_outbox_nonce;
                if next > 0 {
                    let lp = self.user();
                    let nonce = self.rng.gen_range(next.saturating_sub(4)..next);
                    let lp = self.h.address(&lp);
                    self.parent.fast_fill(&self.h, lp, nonce);
                }
            }
            39..=41 => {
                let from = self.user();
                let flt = TokenAmount::from_whole(self.rng.gen_range(1..=20));
                let to = self.h.address("rewards");
                self.send("rewards.Fund", &from, to, rewards::METHOD_FUND, RawBytes::default(), flt);
            }
            42..=44 => self.create_deal(),
            45..=49 => self.fund_deal(),
            50..=52 => self.match_deal(),
            53 => self.stop_deal(),
            54 => self.withdraw_deal(),
            55..=59 => {
                let epochs = self.rng.gen_range(1..=PERIOD);
                let now = self.h.node.epoch();
                self.h.node.set_epoch(now + epochs).expect("advance");
            }
            _ => self.fuzz(),
        }
        if let Err(e) = self.parent.check(&self.h) {
            panic!("USDC not conserved: {e}");
        }
    }

    fn report(&mut self) {
        // A random walk, sometimes a jump the deviation guard may refuse.
        let step = self.price / 50;
        let jump = if self.rng.gen_bool(0.05) { self.price / 2 } else { 0 };
        let delta = self.rng.gen_range(0..=step) + jump;
        self.price =
            if self.rng.gen_bool(0.5) { self.price + delta } else { self.price.saturating_sub(delta).max(step + 1) };
        let from = if self.rng.gen_bool(0.5) { "reporter1" } else { "reporter2" };
        let p = oracle::ReportParams { asset: "FLT/USD".into(), price: TokenAmount::from_atto(self.price) };
        let to = self.h.address("oracle");
        self.send("oracle.Report", from, to, oracle::METHOD_REPORT, encode(&p), TokenAmount::default());
    }

    fn deposit(&mut self) {
        let from = self.user();
        let to = self.user();
        let (from, to) = (self.h.address(&from), self.h.address(&to));
        let amount = gateway::micro_usdc(self.rng.gen_range(1..=50_000_000));
        self.parent.deposit(&from, to, amount);
    }

    fn transfer(&mut self) {
        let from = self.user();
        let to = self.user();
        let amount = self.share(&self.usdc_of(&from));
        let p = gateway::TransferParams { to: self.h.address(&to), amount, operator_data: vec![] };
        let gw = self.h.address("gateway");
        self.send("gateway.Transfer", &from, gw, gateway::METHOD_TRANSFER, encode(&p), TokenAmount::default());
    }

    fn withdraw(&mut self) {
        let from = self.user();
        let to = self.user();
        let amount = self.share(&self.usdc_of(&from));
        let fast = self.rng.gen_bool(0.5).then(|| gateway::FastTerms {
            fee: TokenAmount::from_atto(amount.atto() / 100u64),
            deadline_epoch: self.h.node.epoch() + self.rng.gen_range(2..=120),
        });
        let p = gateway::WithdrawParams { parent_recipient: self.h.address(&to), amount, fast };
        let gw = self.h.address("gateway");
        self.send("gateway.Withdraw", &from, gw, gateway::METHOD_WITHDRAW, encode(&p), TokenAmount::default());
    }

    fn create_deal(&mut self) {
        let from = self.user();
        let target = self.rng.gen_range(1..=3);
        let p = market::CreateDealParams {
            app: cid_of(&self.rng.gen::<[u8; 4]>()),
            input_data: None,
            token: None,
            min_workers: 1,
            target_workers: target,
            max_workers_per_provider: self.rng.gen_range(1..=2),
            price: usdc(self.rng.gen_range(1..=3)),
            effectors: vec![],
            access: market::Access::All,
            access_list: vec![],
            protocol_version: 1,
            verifying_key: vec![],
            require_results: false,
        };
        let to = self.h.address("market");
        let (code, ret) =
            self.send("market.CreateDeal", &from, to, market::METHOD_CREATE_DEAL, encode(&p), TokenAmount::default());
        if code.is_success() {
            let q: market::DealQuery = ret.deserialize().expect("deal id");
            self.deals.push((q.deal, from));
        }
    }

    fn pick_deal(&mut self) -> Option<(u64, String)> {
        (!self.deals.is_empty()).then(|| self.deals[self.rng.gen_range(0..self.deals.len())].clone())
    }

    fn fund_deal(&mut self) {
        let Some((deal, _)) = self.pick_deal() else { return };
        let from = self.user();
        let amount = self.share(&self.usdc_of(&from));
        let p = gateway::TransferParams {
            to: self.h.address("market"),
            amount,
            operator_data: encode(&market::DepositTarget { deal }).to_vec(),
        };
        let gw = self.h.address("gateway");
        self.send("market.fund", &from, gw, gateway::METHOD_TRANSFER, encode(&p), TokenAmount::default());
    }

    fn match_deal(&mut self) {
        let from = self.user();
        if self.rng.gen_bool(0.25) {
            // Anyone refreshes what the matcher knows of an offer's peers (some ids unknown).
            let p = market::OfferQuery { offer: self.rng.gen_range(0..4) };
            let to = self.h.address("market");
            let (m, params) = (market::METHOD_REFRESH_OFFER, encode(&p));
            self.send("market.RefreshOffer", &from, to, m, params, TokenAmount::default());
            return;
        }
        let Some((deal, _)) = self.pick_deal() else { return };
        let p = market::MatchAutoParams { deal, max_units: self.rng.gen_range(1..=4) };
        let to = self.h.address("market");
        self.send(
            "market.MatchDealAuto",
            &from,
            to,
            market::METHOD_MATCH_DEAL_AUTO,
            encode(&p),
            TokenAmount::default(),
        );
    }

    fn stop_deal(&mut self) {
        let Some((deal, owner)) = self.pick_deal() else { return };
        let to = self.h.address("market");
        let p = market::DealQuery { deal };
        self.send("market.Stop", &owner, to, market::METHOD_STOP, encode(&p), TokenAmount::default());
    }

    fn withdraw_deal(&mut self) {
        let Some((deal, owner)) = self.pick_deal() else { return };
        let to = self.h.address("market");
        let p = market::WithdrawParams { deal, amount: usdc(self.rng.gen_range(1..=5)) };
        self.send("market.Withdraw", &owner, to, market::METHOD_WITHDRAW, encode(&p), TokenAmount::default());
    }

    /// A random method of a random actor with mutated params, sometimes with FLT attached.
    fn fuzz(&mut self) {
        let (name, to, code) = self.targets[self.rng.gen_range(0..self.targets.len())].clone();
        let methods = cloudless_host::abi::methods(&code);
        let (method, label) = if methods.is_empty() || self.rng.gen_bool(0.1) {
            let m = [0, 1, 2, 3, self.rng.gen_range(4..64), self.rng.gen::<u32>() as u64, u64::MAX];
            let m = m[self.rng.gen_range(0..m.len())];
            (m, format!("{name}.#{m}"))
        } else {
            let m = &methods[self.rng.gen_range(0..methods.len())];
            (m.number, format!("{name}.{}", m.name))
        };
        let params = self.fuzz_params(method);
        let value = if self.rng.gen_bool(0.1) {
            TokenAmount::from_atto(self.rng.gen_range(1..=10u128.pow(19)))
        } else {
            TokenAmount::default()
        };
        let from = self.senders[self.rng.gen_range(0..self.senders.len())].clone();
        self.stats.fuzzed += 1;
        self.send(&format!("fuzz {label}"), &from, to, method, RawBytes::new(params), value);
    }

    fn fuzz_params(&mut self, method: MethodNum) -> Vec<u8> {
        let own = self.seeds.get(&method).filter(|s| !s.is_empty() && self.rng.gen_bool(0.8)).cloned();
        let seed = match own {
            Some(pool) => pool[self.rng.gen_range(0..pool.len())].clone(),
            None => {
                // Any seed: params shaped for another method.
                let all: Vec<&Vec<Vec<u8>>> = self.seeds.values().collect();
                if all.is_empty() {
                    Vec::new()
                } else {
                    let pool = all[self.rng.gen_range(0..all.len())];
                    pool.get(self.rng.gen_range(0..pool.len().max(1))).cloned().unwrap_or_default()
                }
            }
        };
        let rounds = self.rng.gen_range(1..=3);
        let mut bytes = seed;
        for _ in 0..rounds {
            bytes = self.mutate(bytes);
        }
        bytes
    }

    fn mutate(&mut self, bytes: Vec<u8>) -> Vec<u8> {
        if self.rng.gen_bool(0.7) {
            if let Ok(mut value) = fvm_ipld_encoding::from_slice::<Ipld>(&bytes) {
                let nodes = count(&value);
                let target = self.rng.gen_range(0..nodes);
                let mut replacement = None;
                visit(&mut value, &mut 0, target, &mut |node| {
                    replacement = Some(node.clone());
                });
                if let Some(old) = replacement {
                    let new = self.mutate_node(old);
                    visit(&mut value, &mut 0, target, &mut |node| *node = new.clone());
                }
                if let Ok(out) = fvm_ipld_encoding::to_vec(&value) {
                    return out;
                }
            }
        }
        self.mutate_bytes(bytes)
    }

    fn mutate_node(&mut self, node: Ipld) -> Ipld {
        let long = |rng: &mut StdRng, n: usize| (0..n).map(|_| rng.gen()).collect::<Vec<u8>>();
        match (self.rng.gen_range(0..12), node) {
            (0, _) => Ipld::Integer(
                [0, 1, -1, u64::MAX as i128, i64::MIN as i128, u32::MAX as i128 + 1][self.rng.gen_range(0..6)],
            ),
            (1, Ipld::Integer(i)) => Ipld::Integer(i.wrapping_add(self.rng.gen_range(-2..=2))),
            (2, _) => Ipld::Bytes(Vec::new()),
            (3, _) => {
                let n = [1, 31, 32, 33, 65, 300, 4096][self.rng.gen_range(0..7)];
                Ipld::Bytes(long(&mut self.rng, n))
            }
            (4, Ipld::Bytes(mut b)) if !b.is_empty() => {
                let i = self.rng.gen_range(0..b.len());
                b[i] ^= 1 << self.rng.gen_range(0..8);
                Ipld::Bytes(b)
            }
            (5, Ipld::List(mut items)) if !items.is_empty() => {
                items.remove(self.rng.gen_range(0..items.len()));
                Ipld::List(items)
            }
            (6, Ipld::List(mut items)) if !items.is_empty() => {
                let copies = self.rng.gen_range(1..=40);
                let item = items[self.rng.gen_range(0..items.len())].clone();
                items.extend(std::iter::repeat_n(item, copies));
                Ipld::List(items)
            }
            (7, n) => Ipld::List(vec![n]),
            (8, _) => Ipld::Null,
            (9, _) => Ipld::String("x".repeat(self.rng.gen_range(0..200))),
            (10, _) => Ipld::Link(cid_of(&self.rng.gen::<[u8; 8]>())),
            (11, _) => Ipld::Bool(self.rng.gen()),
            (_, n) => Ipld::Bytes(fvm_ipld_encoding::to_vec(&n).unwrap_or_default()),
        }
    }

    fn mutate_bytes(&mut self, mut b: Vec<u8>) -> Vec<u8> {
        match self.rng.gen_range(0..5) {
            0 if !b.is_empty() => {
                let i = self.rng.gen_range(0..b.len());
                b[i] ^= 1 << self.rng.gen_range(0..8);
            }
            1 if !b.is_empty() => b.truncate(self.rng.gen_range(0..b.len())),
            2 => {
                let at = self.rng.gen_range(0..=b.len());
                let extra: Vec<u8> = (0..self.rng.gen_range(1..16)).map(|_| self.rng.gen()).collect();
                b.splice(at..at, extra);
            }
            3 => b = (0..self.rng.gen_range(0..64)).map(|_| self.rng.gen()).collect(),
            _ => b.push(self.rng.gen()),
        }
        b
    }

    /// Runs `messages` checked messages (at least; a step may send a few), calling `progress`
    /// every `every` messages.
    pub fn run(&mut self, messages: u64, every: u64, mut progress: impl FnMut(&Stats)) {
        let mut next = every;
        while self.stats.messages < messages {
            self.step();
            if self.stats.messages >= next {
                next += every;
                self.stats.seeds = self.seeds.values().map(Vec::len).sum();
                progress(&self.stats);
            }
        }
        self.stats.seeds = self.seeds.values().map(Vec::len).sum();
    }
}

fn count(v: &Ipld) -> usize {
    1 + match v {
        Ipld::List(items) => items.iter().map(count).sum(),
        Ipld::Map(m) => m.values().map(count).sum(),
        _ => 0,
    }
}

/// Calls `f` on the `target`-th node in pre-order.
fn visit(v: &mut Ipld, at: &mut usize, target: usize, f: &mut dyn FnMut(&mut Ipld)) -> bool {
    if *at == target {
        f(v);
        return true;
    }
    *at += 1;
    match v {
        Ipld::List(items) => items.iter_mut().any(|i| visit(i, at, target, f)),
        Ipld::Map(m) => m.values_mut().any(|i| visit(i, at, target, f)),
        _ => false,
    }
}
