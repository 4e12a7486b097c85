//! The capacity actor as Wasm in the real FVM with the Cloudless kernel: a full commitment life
//! with real RandomX proofs (mined in light mode at an easy difficulty), a missed period with
//! slashing, the oracle-priced collateral and the reports to the rewards actor (the call is
//! real, and its params are read from the execution trace).
//! Every amount is computed independently here; invariants are checked after every message.

use std::sync::Mutex;

use cloudless_actor_capacity::*;
use cloudless_host::prove::{capacity_proofs, Mode, ProveRequest};
use cloudless_runtime::amount::parse_decimal;
use cloudless_runtime::bytes::Bytes32;
use cloudless_testing::{assert_ok, charged, check_invariants, Harness, Snapshot};
use fvm::executor::ApplyRet;
use fvm::trace::ExecutionEvent;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use multihash_codetable::{Code, MultihashDigest};

/// RandomX initialises 256 MiB per key: run one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

const PERIOD: i64 = 100;

fn config() -> String {
    format!(
        r#"
[network]
name = "capacity-test"
period_length = {PERIOD}

[[accounts]]
name = "admin"
balance = "100"
[[accounts]]
name = "provider"
balance = "100"
[[accounts]]
name = "owner"
balance = "100"
[[accounts]]
name = "delegator"
balance = "100"
[[accounts]]
name = "market"
balance = "100"
[[accounts]]
name = "treasury"
balance = "0"
[[accounts]]
name = "reporter"
balance = "100"
[[accounts]]
name = "mallory"
balance = "100"

[actors.oracle]
admin = "admin"
[[actors.oracle.assets]]
symbol = "FLT/USD"
quorum = 1
report_expiry = 1000
reporters = ["reporter"]

[actors.rewards]
admin = "admin"

[actors.capacity]
admin = "admin"
min_duration = 3
min_proofs = 2
max_proofs = 3
slashing_rate = 1000000       # 10% of a unit's collateral per failure
max_failed_ratio = 4
withdraw_periods_after_failed = 1
usd_collateral_per_unit = "2" # 2 USD
flt_collateral_per_unit = "7"
oracle = "oracle"
rewards = "rewards"
market = "market"
treasury = "treasury"
difficulty = "7f{}"
"#,
        "ff".repeat(31)
    )
}

fn flt(text: &str) -> TokenAmount {
    parse_decimal(text).unwrap()
}

fn difficulty() -> Bytes32 {
    let mut d = [0xff; 32];
    d[0] = 0x7f;
    Bytes32(d)
}

fn keccak(data: &[u8]) -> [u8; 32] {
    Code::Keccak256.digest(data).digest().try_into().unwrap()
}

fn unit(i: u8) -> Bytes32 {
    Bytes32([i + 1; 32])
}

const PEER: &[u8] = b"12D3KooWpeer";

/// The harness checks every actor's invariants and the FLT total after each signed message.
struct World {
    h: Harness,
}

impl World {
    fn new() -> Self {
        Self::with(&config())
    }

    fn with(config: &str) -> Self {
        Self { h: Harness::new(config, cloudless_bundle::BUNDLE_CAR).unwrap() }
    }

    /// With the event indexer checked after every message.
    fn indexed() -> Self {
        Self { h: Harness::new(&config(), cloudless_bundle::BUNDLE_CAR).unwrap().indexed() }
    }

    /// The same check, for messages applied to the node directly.
    fn check(&self) {
        let total = self.h.checks().total.clone().unwrap();
        check_invariants(&self.h.node, &total).unwrap();
    }

    fn send<P: serde::Serialize>(&mut self, from: &str, method: u64, params: &P) -> ApplyRet {
        self.h.send(from, "capacity", method, params)
    }

    fn ok<P: serde::Serialize>(&mut self, from: &str, method: u64, params: &P) -> ApplyRet {
        let ret = self.send(from, method, params);
        assert_ok(&ret);
        ret
    }

    fn call<P: serde::Serialize, R: serde::de::DeserializeOwned>(&mut self, from: &str, method: u64, params: &P) -> R {
        self.ok(from, method, params).msg_receipt.return_data.deserialize().unwrap()
    }

    fn pay(&mut self, from: &str, method: u64, params: &impl serde::Serialize, value: TokenAmount) -> ApplyRet {
        let to = self.h.address("capacity");
        self.h.send_raw(from, to, method, RawBytes::serialize(params).unwrap(), value)
    }

    fn fail<P: serde::Serialize>(&mut self, from: &str, method: u64, params: &P, code: ExitCode) -> String {
        let to = self.h.address("capacity");
        self.h.expect_failure(from, to, method, RawBytes::serialize(params).unwrap(), code)
    }

    fn balance(&self, name: &str) -> TokenAmount {
        self.h.node.balance(self.h.id(name)).unwrap()
    }

    fn goto_period(&mut self, p: i64) {
        self.h.node.set_epoch(p * PERIOD).unwrap();
    }

    fn nonce(&mut self) -> GlobalNonce {
        self.call("owner", METHOD_GET_GLOBAL_NONCE, &())
    }

    fn commitment(&mut self, id: u64) -> CommitmentInfo {
        self.call("owner", METHOD_GET_COMMITMENT, &CommitmentQuery { id })
    }

    /// Registers, approves, adds a peer of `units` units, prices FLT at 0.5 USD, creates a
    /// 3-period commitment and has the delegator deposit; returns (commitment id, collateral/unit).
    fn committed(&mut self, units: u8) -> (u64, TokenAmount) {
        let report = cloudless_actor_oracle::ReportParams { asset: "FLT/USD".into(), price: flt("0.5") };
        assert_ok(&self.h.send("reporter", "oracle", cloudless_actor_oracle::METHOD_REPORT, &report));
        let metadata = cid::Cid::new_v1(0x55, Code::Sha2_256.digest(b"provider metadata"));
        self.ok("provider", METHOD_REGISTER_PROVIDER, &ProviderParams { name: "acme".into(), metadata });
        let provider = self.h.address("provider");
        self.ok("admin", METHOD_APPROVE_PROVIDER, &ProviderQuery { provider });
        let owner = self.h.address("owner");
        let units: Vec<Bytes32> = (0..units).map(unit).collect();
        self.ok(
            "provider",
            METHOD_REGISTER_PEER,
            &RegisterPeerParams { peer_id: PEER.to_vec(), owner, units: units.clone() },
        );
        let delegator = Some(self.h.address("delegator"));
        let create =
            CreateCommitmentParams { peer_id: PEER.to_vec(), duration: 3, delegator, delegator_reward_rate: 3_000_000 };
        let created: CreateCommitmentReturn = self.call("provider", METHOD_CREATE_COMMITMENT, &create);
        let total = &created.collateral_per_unit * units.len() as u64;
        assert_ok(&self.pay("delegator", METHOD_DEPOSIT_COLLATERAL, &DepositParams { ids: vec![created.id] }, total));
        (created.id, created.collateral_per_unit)
    }
}

/// Mines `count` proofs of `unit` for the period whose global nonce is `nonce`.
fn mine(nonce: &Bytes32, unit: Bytes32, count: usize) -> Vec<Proof> {
    let req = ProveRequest {
        unit_id: unit.0,
        global_nonce: nonce.0,
        difficulty: difficulty().0,
        count,
        start: [0; 32],
        mode: Mode::Light,
    };
    capacity_proofs(&req).unwrap()
}

/// The chain seed read from the tipset at `epoch`: its CID's bytes, as the host's externs give it.
fn tipset_seed(epoch: i64) -> Vec<u8> {
    use fvm::externs::Chain;
    cloudless_host::externs::HostExterns.get_tipset_cid(epoch).unwrap().to_bytes()
}

fn seeded(nonce: &Bytes32, seed_epoch: i64) -> [u8; 32] {
    keccak(&[&nonce.0[..], &[0; 32], &tipset_seed(seed_epoch)].concat())
}

#[test]
fn after_an_empty_period_the_chain_seeds_the_nonce() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Periods of 1,000 epochs, longer than the seed's reach (256) from their start.
    let mut w = World::with(&config().replace(&format!("period_length = {PERIOD}"), "period_length = 1000"));
    w.committed(1);
    let zero = w.nonce();
    // Period 1 follows period 0, which accepted no proof. Within reach of its start the last
    // block of period 0 seeds its nonce, whichever message fixes it.
    w.h.node.set_epoch(1000).unwrap();
    let near = w.nonce();
    assert_ne!(near.nonce.0, keccak(&[zero.nonce.0, [0; 32]].concat()), "known all through period 0");
    assert_eq!((near.nonce.0, near.fixed, near.holds_until), (seeded(&zero.nonce, 999), false, 999 + 256));
    // Untouched beyond reach, each epoch's candidate is another: proofs mined for one fail at
    // the next, and change nothing.
    w.h.node.set_epoch(1300).unwrap();
    let candidate = w.nonce();
    assert_eq!((candidate.nonce.0, candidate.holds_until), (seeded(&zero.nonce, 1300), 1301));
    let early = mine(&candidate.nonce, unit(0), 2);
    w.fail("owner", METHOD_SUBMIT_PROOFS, &SubmitProofsParams { proofs: early }, ExitCode::USR_ILLEGAL_ARGUMENT);
    // Anyone fixes it; proofs mined for it hold for the rest of the period.
    let started: PeriodInfo = w.call("mallory", METHOD_START_PERIOD, &());
    assert_eq!((started.nonce.0, started.nonce_fixed), (seeded(&zero.nonce, w.h.node.epoch() - 1), true));
    w.h.node.set_epoch(1997).unwrap();
    let n = w.nonce();
    assert_eq!((n.nonce, n.fixed, n.holds_until), (started.nonce, true, 1999));
    let proofs = mine(&n.nonce, unit(0), 2);
    let r: SubmitProofsReturn = w.call("owner", METHOD_SUBMIT_PROOFS, &SubmitProofsParams { proofs });
    assert_eq!((r.period, r.accepted), (1, 2));
}

/// The `RecordProofs` calls the capacity actor made to the rewards actor during `ret`.
fn reward_reports(w: &World, ret: &ApplyRet) -> Vec<RecordProofsParams> {
    let rewards = w.h.node.resolve(&w.h.address("rewards")).unwrap().unwrap();
    ret.exec_trace
        .iter()
        .filter_map(|e| match e {
            ExecutionEvent::Call { to, method, params, .. }
                if *to == Address::new_id(rewards) && *method == ext::rewards::METHOD_RECORD_PROOFS =>
            {
                Some(params.as_ref().unwrap().deserialize().unwrap())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn commitment_life_with_real_proofs_slashing_and_exact_payout() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut w = World::indexed();
    let (id, cpu) = w.committed(4);
    // 2 USD at 0.5 USD/FLT, computed independently: 2e18 * 1e18 / 0.5e18 atto.
    assert_eq!(cpu, TokenAmount::from_atto(4_000_000_000_000_000_000u128));
    let collateral = &cpu * 4u64;
    assert_eq!(w.balance("capacity"), collateral);
    let info = w.commitment(id);
    assert_eq!((info.status, info.commitment.start_period, info.end_period), (Status::WaitStart, 1, 4));

    // Proofs before the start are refused.
    let early = w.nonce();
    let p = mine(&early.nonce, unit(0), 1);
    w.fail("owner", METHOD_SUBMIT_PROOFS, &SubmitProofsParams { proofs: p }, ExitCode::USR_ILLEGAL_STATE);

    w.h.node.set_tracing(true);
    let (mut expected_nonce, mut entropy) = (Bytes32::ZERO, [0u8; 32]);
    let mut reported = 0u64;
    for period in 1..=3i64 {
        w.goto_period(period);
        // The nonce chain, computed here: nonce(p) = keccak(nonce(p-1) ‖ entropy(p-1)), and after
        // period 0, which accepted no proof, the seed of period 0's last block.
        let seed = if period == 1 { tipset_seed(PERIOD - 1) } else { vec![] };
        expected_nonce = Bytes32(keccak(&[&expected_nonce.0[..], &entropy, &seed].concat()));
        entropy = [0; 32];
        let n = w.nonce();
        assert_eq!((n.period, n.nonce, n.fixed), (period, expected_nonce, period != 1), "nonce of period {period}");
        for u in 0..4u8 {
            if period == 2 && u == 3 {
                continue; // unit 3 misses period 2
            }
            let count = if u == 0 && period == 1 { 3 } else { 2 };
            let proofs = mine(&n.nonce, unit(u), count);
            let ret = w.ok("owner", METHOD_SUBMIT_PROOFS, &SubmitProofsParams { proofs: proofs.clone() });
            let r: SubmitProofsReturn = ret.msg_receipt.return_data.deserialize().unwrap();
            assert_eq!((r.period, r.accepted, r.skipped), (period, count as u32, 0));
            for p in &proofs {
                entropy = keccak(&[entropy, p.result_hash.0].concat());
            }
            // min_proofs (2) once reached, +1 per further proof up to max_proofs (3).
            let reports = reward_reports(&w, &ret);
            let (provider, delegator) = (w.h.id("provider"), w.h.id("delegator"));
            let record = RecordProofsParams {
                period,
                commitment: id,
                count: count as u64,
                units: 1,
                provider,
                delegator,
                delegator_reward_rate: 3_000_000,
            };
            assert_eq!(reports, vec![record]);
            reported += count as u64;
            // A retried batch is skipped, never fails, and changes nothing.
            let before = Snapshot::take(&w.h.node).unwrap();
            let again: SubmitProofsReturn = w.call("owner", METHOD_SUBMIT_PROOFS, &SubmitProofsParams { proofs });
            assert_eq!((again.accepted, again.skipped), (0, count as u32));
            before.assert_unchanged_but_fees(&Snapshot::take(&w.h.node).unwrap(), w.h.id("owner"));
        }
    }
    assert_eq!(reported, 3 + 2 * 3 + 2 * 3 + 2 * 4);

    // Period 4: the commitment has ended; settlement finds unit 3's one failure.
    w.goto_period(4);
    let info = w.commitment(id);
    assert_eq!((info.status, info.commitment.failures), (Status::Inactive, 1));
    let slashed = TokenAmount::from_atto(cpu.atto() * 1_000_000u64 / 10_000_000u64); // 10% of one unit's collateral
    assert_eq!(info.commitment.slashed, slashed);
    assert_eq!(info.commitment.unit_failures, vec![0, 0, 0, 1]);

    let (delegator_before, treasury_before) = (w.balance("delegator"), w.balance("treasury"));
    let fin: FinishReturn = w.call("provider", METHOD_FINISH_COMMITMENT, &CommitmentQuery { id });
    assert_eq!(fin.returned, &collateral - &slashed);
    assert_eq!(fin.returned, flt("15.6"));
    assert_eq!(w.balance("delegator") - delegator_before, flt("15.6"));
    assert_eq!(w.balance("treasury") - treasury_before, flt("0.4"));
    assert!(w.balance("capacity").is_zero());
    assert_eq!(w.commitment(id).status, Status::Removed);
    // The peer may commit again.
    let create =
        CreateCommitmentParams { peer_id: PEER.to_vec(), duration: 3, delegator: None, delegator_reward_rate: 1 };
    let again: CreateCommitmentReturn = w.call("provider", METHOD_CREATE_COMMITMENT, &create);
    assert_eq!(again.id, id + 1);
}

fn raw<P: serde::Serialize>(p: &P) -> RawBytes {
    RawBytes::serialize(p).unwrap()
}

/// A nonce whose real RandomX result is above the difficulty, with that result.
fn above_difficulty(nonce: &Bytes32, unit: Bytes32) -> Proof {
    let key = cloudless_host::prove::randomx_key(&nonce.0, &unit.0);
    let flags = cloudless_kernel::randomx::light_flags(true);
    let cache = ccp_randomx::Cache::new(&key, flags).unwrap();
    let vm = ccp_randomx::RandomXVM::light(cache.handle(), flags).unwrap();
    (0u8..=255)
        .map(|i| Bytes32([i; 32]))
        .find_map(|h| {
            let r = Bytes32(vm.hash(&h.0).into_slice());
            (r > difficulty()).then_some(Proof { unit_id: unit, local_nonce: h, result_hash: r })
        })
        .unwrap()
}

#[test]
fn bad_input_and_unauthorized_callers_change_nothing() {
    use ExitCode as E;
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut w = World::new();
    let (id, cpu) = w.committed(2);
    let capacity = w.h.address("capacity");
    let mallory = w.h.address("mallory");

    // Undecodable params on every method that takes params.
    for (name, method) in METHODS.iter().filter(|(n, _)| {
        !matches!(*n, "Constructor" | "GetGlobalNonce" | "GetPeriodInfo" | "GetConfig" | "StartPeriod")
    }) {
        let msg = w.h.expect_failure("mallory", capacity, *method, RawBytes::new(vec![0x42]), E::USR_SERIALIZATION);
        assert!(msg.contains("decode params"), "{name}: {msg}");
        w.h.expect_failure("mallory", capacity, *method, RawBytes::default(), E::USR_SERIALIZATION);
    }
    w.h.expect_failure("mallory", capacity, 1, RawBytes::default(), E::USR_FORBIDDEN);
    w.h.expect_failure("mallory", capacity, 0xdead_beef, RawBytes::default(), E::USR_UNHANDLED_MESSAGE);

    // Admin-only methods.
    w.fail("mallory", METHOD_APPROVE_PROVIDER, &ProviderQuery { provider: mallory }, E::USR_FORBIDDEN);
    w.fail("mallory", METHOD_SET_DIFFICULTY, &DifficultyParams { difficulty: Bytes32::MAX }, E::USR_FORBIDDEN);
    w.fail("mallory", METHOD_TRANSFER_ADMIN, &TransferAdminParams { new_admin: mallory }, E::USR_FORBIDDEN);
    w.fail("admin", METHOD_SET_DIFFICULTY, &DifficultyParams { difficulty: Bytes32::ZERO }, E::USR_ILLEGAL_ARGUMENT);
    let provider = w.h.address("provider");
    w.fail("admin", METHOD_APPROVE_PROVIDER, &ProviderQuery { provider }, E::USR_ILLEGAL_STATE);

    // Provider and peer rules.
    let metadata = cid::Cid::new_v1(0x55, Code::Sha2_256.digest(b"m"));
    let again = ProviderParams { name: "acme".into(), metadata };
    w.fail("provider", METHOD_REGISTER_PROVIDER, &again, E::USR_ILLEGAL_STATE);
    w.fail(
        "mallory",
        METHOD_REGISTER_PROVIDER,
        &ProviderParams { name: String::new(), metadata },
        E::USR_ILLEGAL_ARGUMENT,
    );
    w.fail("mallory", METHOD_UPDATE_PROVIDER, &again, E::USR_NOT_FOUND);
    let peer = |id: &[u8], units: Vec<Bytes32>| RegisterPeerParams { peer_id: id.to_vec(), owner: mallory, units };
    w.fail("mallory", METHOD_REGISTER_PEER, &peer(b"p2", vec![unit(9)]), E::USR_NOT_FOUND);
    w.ok("mallory", METHOD_REGISTER_PROVIDER, &again); // whitelist: not approved yet
    w.fail("mallory", METHOD_REGISTER_PEER, &peer(b"p2", vec![unit(9)]), E::USR_FORBIDDEN);
    w.fail("provider", METHOD_REGISTER_PEER, &peer(PEER, vec![unit(9)]), E::USR_ILLEGAL_STATE);
    w.fail("provider", METHOD_REGISTER_PEER, &peer(b"p2", vec![unit(0)]), E::USR_ILLEGAL_STATE);
    w.fail("provider", METHOD_REGISTER_PEER, &peer(b"p2", vec![unit(9), unit(9)]), E::USR_ILLEGAL_ARGUMENT);
    w.fail("provider", METHOD_REGISTER_PEER, &peer(&[1; 65], vec![unit(9)]), E::USR_ILLEGAL_ARGUMENT);
    let too_many: Vec<Bytes32> = (0..=MAX_UNITS_PER_PEER as u32)
        .map(|i| Bytes32([[0xee; 28].as_slice(), &i.to_be_bytes()].concat().try_into().unwrap()))
        .collect();
    w.fail("provider", METHOD_REGISTER_PEER, &peer(b"p2", too_many), E::USR_ILLEGAL_ARGUMENT);
    let units = |u: Vec<Bytes32>| UnitsParams { peer_id: PEER.to_vec(), units: u };
    w.fail("mallory", METHOD_ADD_UNITS, &units(vec![unit(9)]), E::USR_FORBIDDEN);
    w.fail("provider", METHOD_ADD_UNITS, &units(vec![unit(9)]), E::USR_ILLEGAL_STATE); // live commitment
    w.fail("provider", METHOD_REMOVE_UNITS, &units(vec![unit(0)]), E::USR_ILLEGAL_STATE);

    // Commitment rules (the first peer's commitment is deposited: WaitStart).
    let create = |peer_id: &[u8], duration, rate| CreateCommitmentParams {
        peer_id: peer_id.to_vec(),
        duration,
        delegator: None,
        delegator_reward_rate: rate,
    };
    w.fail("mallory", METHOD_CREATE_COMMITMENT, &create(PEER, 3, 1), E::USR_FORBIDDEN);
    w.fail("provider", METHOD_CREATE_COMMITMENT, &create(PEER, 3, 1), E::USR_ILLEGAL_STATE);
    w.ok(
        "provider",
        METHOD_REGISTER_PEER,
        &RegisterPeerParams { peer_id: b"p2".to_vec(), owner: w.h.address("owner"), units: vec![unit(5)] },
    );
    w.fail("provider", METHOD_CREATE_COMMITMENT, &create(b"p2", 2, 1), E::USR_ILLEGAL_ARGUMENT);
    w.fail("provider", METHOD_CREATE_COMMITMENT, &create(b"p2", u64::MAX, 1), E::USR_ILLEGAL_ARGUMENT);
    w.fail("provider", METHOD_CREATE_COMMITMENT, &create(b"p2", 3, 0), E::USR_ILLEGAL_ARGUMENT);
    w.fail("provider", METHOD_CREATE_COMMITMENT, &create(b"p2", 3, 10_000_001), E::USR_ILLEGAL_ARGUMENT);
    w.fail("provider", METHOD_CREATE_COMMITMENT, &create(b"nope", 3, 1), E::USR_NOT_FOUND);
    let second: CreateCommitmentReturn = w.call(
        "provider",
        METHOD_CREATE_COMMITMENT,
        &CreateCommitmentParams { delegator: Some(w.h.address("delegator")), ..create(b"p2", 3, 1) },
    );
    w.fail("mallory", METHOD_REMOVE_COMMITMENT, &CommitmentQuery { id: second.id }, E::USR_FORBIDDEN);
    w.fail("provider", METHOD_REMOVE_COMMITMENT, &CommitmentQuery { id }, E::USR_ILLEGAL_STATE);
    let deposit = |w: &mut World, from: &str, ids: Vec<u64>, value: TokenAmount, code| {
        let before = Snapshot::take(&w.h.node).unwrap();
        let ret = w.pay(from, METHOD_DEPOSIT_COLLATERAL, &DepositParams { ids }, value);
        assert_eq!(ret.msg_receipt.exit_code, code, "{:?}", ret.failure_info.map(|f| f.to_string()));
        before.assert_unchanged_but_fees(&Snapshot::take(&w.h.node).unwrap(), w.h.id(from));
    };
    deposit(&mut w, "mallory", vec![second.id], cpu.clone(), E::USR_FORBIDDEN); // not the named delegator
    deposit(&mut w, "delegator", vec![second.id], &cpu - TokenAmount::from_atto(1), E::USR_ILLEGAL_ARGUMENT);
    deposit(&mut w, "delegator", vec![second.id], &cpu + TokenAmount::from_atto(1), E::USR_ILLEGAL_ARGUMENT);
    deposit(&mut w, "delegator", vec![second.id, second.id], &cpu * 2u64, E::USR_ILLEGAL_ARGUMENT);
    deposit(&mut w, "delegator", vec![id], &cpu * 2u64, E::USR_ILLEGAL_STATE); // already deposited
    deposit(&mut w, "delegator", vec![], TokenAmount::default(), E::USR_ILLEGAL_ARGUMENT);
    deposit(&mut w, "delegator", vec![77], cpu.clone(), E::USR_NOT_FOUND);
    w.fail("mallory", METHOD_FINISH_COMMITMENT, &CommitmentQuery { id }, E::USR_FORBIDDEN);
    w.fail("provider", METHOD_FINISH_COMMITMENT, &CommitmentQuery { id }, E::USR_ILLEGAL_STATE);
    w.fail("mallory", METHOD_SETTLE_COMMITMENT, &SettleParams { id, max_periods: 0 }, E::USR_ILLEGAL_ARGUMENT);
    w.fail("mallory", METHOD_SETTLE_COMMITMENT, &SettleParams { id: 77, max_periods: 1 }, E::USR_NOT_FOUND);
    w.fail("mallory", METHOD_GET_COMMITMENT, &CommitmentQuery { id: 77 }, E::USR_NOT_FOUND);
    w.fail("mallory", METHOD_GET_UNIT, &UnitQuery { unit_id: unit(42) }, E::USR_NOT_FOUND);

    // Proofs: before the start, then in period 1.
    let n0 = w.nonce();
    let early = mine(&n0.nonce, unit(0), 1);
    w.fail("owner", METHOD_SUBMIT_PROOFS, &SubmitProofsParams { proofs: early }, E::USR_ILLEGAL_STATE);
    w.goto_period(1);
    let n = w.nonce();
    let good = mine(&n.nonce, unit(0), 12);
    let submit = |proofs: Vec<Proof>| SubmitProofsParams { proofs };
    w.fail("mallory", METHOD_SUBMIT_PROOFS, &submit(good[..1].to_vec()), E::USR_FORBIDDEN);
    w.fail("owner", METHOD_SUBMIT_PROOFS, &submit(vec![]), E::USR_ILLEGAL_ARGUMENT);
    w.fail(
        "owner",
        METHOD_SUBMIT_PROOFS,
        &submit(vec![good[0].clone(); MAX_PROOFS_PER_MESSAGE + 1]),
        E::USR_ILLEGAL_ARGUMENT,
    );
    let too_many_units: Vec<Proof> =
        (0..=MAX_UNITS_PER_MESSAGE as u8).map(|i| Proof { unit_id: unit(i), ..good[0].clone() }).collect();
    w.fail("owner", METHOD_SUBMIT_PROOFS, &submit(too_many_units), E::USR_ILLEGAL_ARGUMENT);
    w.fail(
        "owner",
        METHOD_SUBMIT_PROOFS,
        &submit(vec![Proof { unit_id: unit(42), ..good[0].clone() }]),
        E::USR_NOT_FOUND,
    );
    // The largest legal batch (160 proofs over 8 units) fits the proof gas budget, one more
    // wave of hashes would not.
    let largest = cloudless_kernel::gas::randomx_hashes(MAX_PROOFS_PER_MESSAGE * 64, MAX_UNITS_PER_MESSAGE, 160);
    assert!(largest.round_up() <= MAX_PROOF_GAS);
    assert!(cloudless_kernel::gas::randomx_hashes(176 * 64, MAX_UNITS_PER_MESSAGE, 176).round_up() > MAX_PROOF_GAS);
    let unit1 = mine(&n.nonce, unit(1), 1);
    let high = above_difficulty(&n.nonce, unit(0));
    let msg = w.fail("owner", METHOD_SUBMIT_PROOFS, &submit(vec![good[0].clone(), high]), E::USR_ILLEGAL_ARGUMENT);
    assert!(msg.contains("proof 1") && msg.contains("above the difficulty"), "{msg}");
    let forged = Proof { result_hash: Bytes32::ZERO, ..good[1].clone() };
    let msg = w.fail("owner", METHOD_SUBMIT_PROOFS, &submit(vec![good[0].clone(), forged]), E::USR_ILLEGAL_ARGUMENT);
    assert!(msg.contains("proof 1") && msg.contains("does not match"), "{msg}");
    let other_unit = Proof { unit_id: unit(1), ..good[2].clone() }; // a proof replayed for another unit
    w.fail("owner", METHOD_SUBMIT_PROOFS, &submit(vec![other_unit]), E::USR_ILLEGAL_ARGUMENT);

    // A replayed signed message is refused by the FVM (nonce) and changes nothing.
    let msg = w.h.message("owner", capacity, METHOD_SUBMIT_PROOFS, raw(&submit(good[..2].to_vec())));
    let signed = w.h.keys.key("owner").unwrap().sign_message(msg);
    assert_ok(&w.h.apply_signed("owner", &signed));
    let before = Snapshot::take(&w.h.node).unwrap();
    let replay = w.h.apply_signed("owner", &signed);
    assert_eq!(replay.msg_receipt.exit_code, E::SYS_SENDER_STATE_INVALID);
    before.assert_unchanged_but_fees(&Snapshot::take(&w.h.node).unwrap(), w.h.id("owner"));
    w.check();
    // Beyond max_proofs (3): skipped, not verified, not failed.
    let r: SubmitProofsReturn = w.call("owner", METHOD_SUBMIT_PROOFS, &submit(good[..5].to_vec()));
    assert_eq!((r.accepted, r.skipped), (1, 4));

    // Market hooks: only the market; a unit in a deal still proves, min_proofs_in_deal (1) a
    // period for no rewards, and blocks the finish.
    let deal = MoveUnitParams { unit_id: unit(1), deal: 7 };
    w.fail("mallory", METHOD_MOVE_UNIT_TO_DEAL, &deal, E::USR_FORBIDDEN);
    w.fail("mallory", METHOD_RETURN_UNIT_FROM_DEAL, &UnitQuery { unit_id: unit(1) }, E::USR_FORBIDDEN);
    w.fail("market", METHOD_RETURN_UNIT_FROM_DEAL, &UnitQuery { unit_id: unit(1) }, E::USR_ILLEGAL_STATE);
    w.fail("market", METHOD_MOVE_UNIT_TO_DEAL, &MoveUnitParams { unit_id: unit(5), deal: 7 }, E::USR_ILLEGAL_STATE); // WaitDelegation
    w.ok("market", METHOD_MOVE_UNIT_TO_DEAL, &deal);
    w.fail("market", METHOD_MOVE_UNIT_TO_DEAL, &deal, E::USR_ILLEGAL_STATE);
    let r: SubmitProofsReturn = w.call("owner", METHOD_SUBMIT_PROOFS, &submit(unit1));
    assert_eq!((r.accepted, r.skipped), (1, 0));
    assert_eq!(w.call::<_, Unit>("owner", METHOD_GET_UNIT, &UnitQuery { unit_id: unit(1) }).deal, Some(7));

    // The commitment runs to its end: unit 1 proved in period 1 but not in 2 and 3 while it
    // served the deal, unit 0 proved only in period 1: two failures each.
    w.goto_period(4);
    let msg = w.fail("provider", METHOD_FINISH_COMMITMENT, &CommitmentQuery { id }, E::USR_ILLEGAL_STATE);
    assert!(msg.contains("in deal 7"), "{msg}");
    w.ok("market", METHOD_RETURN_UNIT_FROM_DEAL, &UnitQuery { unit_id: unit(1) });
    let info = w.commitment(id);
    assert_eq!((info.status, info.commitment.unit_failures.clone()), (Status::Inactive, vec![2, 2]));
    let fin: FinishReturn = w.call("delegator", METHOD_FINISH_COMMITMENT, &CommitmentQuery { id });
    let slash = TokenAmount::from_atto(cpu.atto() / 10u64);
    assert_eq!((fin.returned, fin.slashed), (&cpu * 2u64 - &slash * 4u64, &slash * 4u64));
    w.fail("provider", METHOD_FINISH_COMMITMENT, &CommitmentQuery { id }, E::USR_ILLEGAL_STATE);
}

/// The largest legal SubmitProofs, 160 proofs over 8 units, verifies in one message within the
/// 10 G block gas limit, its syscall charged the published price (which the kernel charges before
/// any RandomX work: tests/syscalls.rs); one proof more, or a ninth unit, is refused at decoding.
#[test]
fn the_largest_submit_proofs_fits_one_block() {
    let mut w = World::with(&config().replace("max_proofs = 3", "max_proofs = 20"));
    let units = MAX_UNITS_PER_MESSAGE as u8;
    w.committed(units + 1);
    w.goto_period(1);
    let n = w.nonce();
    let per_unit = MAX_PROOFS_PER_MESSAGE / MAX_UNITS_PER_MESSAGE;
    let proofs: Vec<Proof> = (0..units).flat_map(|i| mine(&n.nonce, unit(i), per_unit)).collect();
    let extra = mine(&n.nonce, unit(units), 1);
    let over = [&proofs[..], &extra[..]].concat();
    let msg =
        w.fail("owner", METHOD_SUBMIT_PROOFS, &SubmitProofsParams { proofs: over }, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(msg.contains(&format!("1 to {MAX_PROOFS_PER_MESSAGE} proofs")), "{msg}");
    let nine_units = [&proofs[1..], &extra[..]].concat();
    let msg = w.fail(
        "owner",
        METHOD_SUBMIT_PROOFS,
        &SubmitProofsParams { proofs: nine_units },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    assert!(msg.contains(&format!("at most {MAX_UNITS_PER_MESSAGE}")), "{msg}");

    w.h.node.set_tracing(true);
    let ret = w.ok("owner", METHOD_SUBMIT_PROOFS, &SubmitProofsParams { proofs });
    let r: SubmitProofsReturn = ret.msg_receipt.return_data.deserialize().unwrap();
    assert_eq!(r.accepted as usize, MAX_PROOFS_PER_MESSAGE);
    let price = cloudless_syscalls::price::randomx_hashes(
        MAX_PROOFS_PER_MESSAGE * cloudless_syscalls::abi::RANDOMX_PAIR_LEN,
        MAX_UNITS_PER_MESSAGE,
        MAX_PROOFS_PER_MESSAGE,
    );
    assert_eq!(charged(&ret, "cloudless_randomx_hashes"), vec![price]);
    assert!(ret.msg_receipt.gas_used < cloudless_host::node::BLOCK_GAS_LIMIT, "{} gas", ret.msg_receipt.gas_used);
    assert!(price <= MAX_PROOF_GAS);
}
