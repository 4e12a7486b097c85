//! Every method of the capacity actor through its real dispatch, natively against the mock
//! runtime: the oracle, rewards and market are scripted, RandomX is a stand-in (keccak of the
//! pair; the real one runs in `host/tests/capacity.rs`), and every refusal changes nothing.

use cloudless_runtime::bytes::Bytes32;
use cloudless_runtime::mock::{MockRuntime, Sent};
use cloudless_runtime::oracle::{PriceInfo, METHOD_GET_PRICE};
use cloudless_runtime::Invariants;
use cloudless_runtime::{actor_error, Runtime};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::ActorID;
use serde::de::DeserializeOwned;

use crate::ext::market::METHOD_PEER_UNITS_CHANGED;
use crate::ext::rewards::METHOD_RECORD_PROOFS;
use crate::*;

const CAPACITY: ActorID = 80;
const MARKET: ActorID = 81;
const REWARDS: ActorID = 82;
const ORACLE: ActorID = 83;
const BURNT: ActorID = 99;
const ADMIN: ActorID = 100;
const PROVIDER: ActorID = 101;
const OWNER: ActorID = 102;
const DELEGATOR: ActorID = 103;
const MALLORY: ActorID = 666;
const PERIOD: i64 = 10;

fn flt(n: u64) -> TokenAmount {
    TokenAmount::from_whole(n)
}

/// `n` tenths of a FLT.
fn tenths(n: u64) -> TokenAmount {
    TokenAmount::from_atto(u128::from(n) * 100_000_000_000_000_000)
}

/// The native tests' configuration, with the oracle, rewards and market wired in.
fn config() -> Config {
    Config {
        oracle: Some(ORACLE),
        oracle_asset: "FLT/USD".into(),
        rewards: Some(REWARDS),
        market: Some(MARKET),
        ..crate::tests::config()
    }
}

fn unit(n: u8) -> Bytes32 {
    Bytes32([n; 32])
}

/// The stand-in for RandomX: keccak256(K ‖ H).
fn fake_hash(k: &[u8; 32], h: &[u8; 32]) -> [u8; 32] {
    <MockRuntime as Runtime>::keccak256(&[k.as_slice(), h.as_slice()].concat())
}

fn capacity() -> MockRuntime {
    capacity_with(config())
}

fn capacity_with(config: Config) -> MockRuntime {
    let rt = MockRuntime::new::<CapacityActor>(CAPACITY);
    for id in [ADMIN, PROVIDER, OWNER, MALLORY, MARKET, REWARDS, ORACLE, BURNT] {
        rt.add_actor(id, TokenAmount::default());
    }
    rt.add_actor(DELEGATOR, flt(100));
    rt.set_randomx(|pairs| Ok(pairs.iter().map(|(k, h)| fake_hash(k, h)).collect()));
    rt.on_send(REWARDS, Some(METHOD_RECORD_PROOFS), |_, _| Ok(None));
    rt.on_send(MARKET, Some(METHOD_PEER_UNITS_CHANGED), |_, _| Ok(None));
    let price = PriceInfo { median: tenths(5), updated_epoch: 0, fresh_reports: 2, twap: tenths(5) };
    rt.reply_with(ORACLE, METHOD_GET_PRICE, &price);
    let p = ConstructorParams {
        admin: Address::new_id(ADMIN),
        config,
        genesis_nonce: Bytes32::ZERO,
        difficulty: Bytes32::MAX,
    };
    rt.construct(&p).unwrap();
    rt
}

fn query<T: DeserializeOwned>(rt: &MockRuntime, method: u64) -> T {
    rt.ok(MALLORY, method, &())
}

fn provider_params(name: &str) -> ProviderParams {
    ProviderParams { name: name.into(), metadata: cid::Cid::default() }
}

/// A registered, approved provider with peer `p1` (units 1 and 2, owned by OWNER).
fn with_peer() -> MockRuntime {
    let rt = capacity();
    rt.ok::<_, ()>(PROVIDER, METHOD_REGISTER_PROVIDER, &provider_params("acme"));
    rt.ok::<_, ()>(ADMIN, METHOD_APPROVE_PROVIDER, &ProviderQuery { provider: Address::new_id(PROVIDER) });
    let peer =
        RegisterPeerParams { peer_id: b"p1".to_vec(), owner: Address::new_id(OWNER), units: vec![unit(1), unit(2)] };
    rt.ok::<_, ()>(PROVIDER, METHOD_REGISTER_PEER, &peer);
    rt
}

fn create(rt: &MockRuntime, peer: &[u8]) -> CreateCommitmentReturn {
    let p = CreateCommitmentParams {
        peer_id: peer.to_vec(),
        duration: 1,
        delegator: Some(Address::new_id(DELEGATOR)),
        delegator_reward_rate: 2_000_000,
    };
    rt.ok(PROVIDER, METHOD_CREATE_COMMITMENT, &p)
}

/// What the actor told the market's `PeerUnitsChanged` since the records were cleared.
fn told_market(rt: &MockRuntime) -> Vec<(Vec<u8>, u32)> {
    rt.sent()
        .into_iter()
        .filter(|s| s.to == MARKET && s.method == METHOD_PEER_UNITS_CHANGED)
        .flat_map(|s| s.decode::<PeerUnitsParams>().peers)
        .map(|p| (p.peer_id, p.free_units))
        .collect()
}

/// Proofs of `unit` in the current period, with local nonces `from..to`.
fn proofs(rt: &MockRuntime, unit_id: Bytes32, nonces: std::ops::Range<u8>) -> SubmitProofsParams {
    let nonce: GlobalNonce = query(rt, METHOD_GET_GLOBAL_NONCE);
    let key = crate::period::randomx_key(&nonce.nonce, &unit_id, <MockRuntime as Runtime>::keccak256);
    let proofs = nonces
        .map(|n| {
            let local = Bytes32([n; 32]);
            Proof { unit_id, local_nonce: local, result_hash: Bytes32(fake_hash(&key.0, &local.0)) }
        })
        .collect();
    SubmitProofsParams { proofs }
}

#[test]
fn constructor_checks_caller_params_and_config() {
    let rt = MockRuntime::new::<CapacityActor>(CAPACITY);
    rt.add_actor(ADMIN, TokenAmount::default());
    let p = ConstructorParams {
        admin: Address::new_id(ADMIN),
        config: config(),
        genesis_nonce: Bytes32::ZERO,
        difficulty: Bytes32::MAX,
    };
    rt.refused(ADMIN, 1, &p, ExitCode::USR_FORBIDDEN);
    let bad = ConstructorParams { config: Config { min_proofs: 9, ..config() }, ..p.clone() };
    rt.refused(0, 1, &bad, ExitCode::USR_ILLEGAL_ARGUMENT);
    rt.refused(0, 1, &RawBytes::new(vec![9]), ExitCode::USR_SERIALIZATION);
    rt.construct(&p).unwrap();
    assert_eq!(rt.event_types(), ["admin-transferred", "period-started"]);
    let c: ConfigReturn = query(&rt, METHOD_GET_CONFIG);
    assert_eq!((c.admin, c.config), (ADMIN, config()));
}

#[test]
fn registry_methods_and_their_refusals() {
    let rt = capacity();
    rt.ok::<_, ()>(PROVIDER, METHOD_REGISTER_PROVIDER, &provider_params("acme"));
    rt.refused(PROVIDER, METHOD_REGISTER_PROVIDER, &provider_params("acme"), ExitCode::USR_ILLEGAL_STATE);
    rt.refused(MALLORY, METHOD_REGISTER_PROVIDER, &provider_params(""), ExitCode::USR_ILLEGAL_ARGUMENT);
    rt.refused(MALLORY, METHOD_REGISTER_PROVIDER, &RawBytes::new(vec![1]), ExitCode::USR_SERIALIZATION);
    let peer =
        RegisterPeerParams { peer_id: b"p1".to_vec(), owner: Address::new_id(OWNER), units: vec![unit(1), unit(2)] };
    rt.refused(PROVIDER, METHOD_REGISTER_PEER, &peer, ExitCode::USR_FORBIDDEN);

    let q = ProviderQuery { provider: Address::new_id(PROVIDER) };
    rt.refused(MALLORY, METHOD_APPROVE_PROVIDER, &q, ExitCode::USR_FORBIDDEN);
    rt.refused(
        ADMIN,
        METHOD_APPROVE_PROVIDER,
        &ProviderQuery { provider: Address::new_id(MALLORY) },
        ExitCode::USR_NOT_FOUND,
    );
    rt.refused(
        ADMIN,
        METHOD_APPROVE_PROVIDER,
        &ProviderQuery { provider: Address::new_id(4242) },
        ExitCode::USR_NOT_FOUND,
    );
    rt.ok::<_, ()>(ADMIN, METHOD_APPROVE_PROVIDER, &q);
    rt.refused(ADMIN, METHOD_APPROVE_PROVIDER, &q, ExitCode::USR_ILLEGAL_STATE);
    rt.ok::<_, ()>(PROVIDER, METHOD_UPDATE_PROVIDER, &provider_params("acme 2"));
    rt.refused(MALLORY, METHOD_UPDATE_PROVIDER, &provider_params("x"), ExitCode::USR_NOT_FOUND);
    let p: Provider = rt.ok(MALLORY, METHOD_GET_PROVIDER, &q);
    assert_eq!((p.name.as_str(), p.approved, p.peers), ("acme 2", true, 0));

    rt.refused(
        PROVIDER,
        METHOD_REGISTER_PEER,
        &RegisterPeerParams { owner: Address::new_id(4242), ..peer.clone() },
        ExitCode::USR_NOT_FOUND,
    );
    rt.refused(
        PROVIDER,
        METHOD_REGISTER_PEER,
        &RegisterPeerParams { units: vec![unit(1), unit(1)], ..peer.clone() },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    rt.ok::<_, ()>(PROVIDER, METHOD_REGISTER_PEER, &peer);
    rt.refused(PROVIDER, METHOD_REGISTER_PEER, &peer, ExitCode::USR_ILLEGAL_STATE);

    let add = UnitsParams { peer_id: b"p1".to_vec(), units: vec![unit(3)] };
    rt.refused(MALLORY, METHOD_ADD_UNITS, &add, ExitCode::USR_FORBIDDEN);
    rt.ok::<_, ()>(PROVIDER, METHOD_ADD_UNITS, &add);
    rt.refused(PROVIDER, METHOD_ADD_UNITS, &add, ExitCode::USR_ILLEGAL_STATE);
    rt.ok::<_, ()>(PROVIDER, METHOD_REMOVE_UNITS, &add);
    rt.refused(PROVIDER, METHOD_REMOVE_UNITS, &add, ExitCode::USR_NOT_FOUND);
    let peer: Peer = rt.ok(MALLORY, METHOD_GET_PEER, &PeerQuery { peer_id: b"p1".to_vec() });
    assert_eq!((peer.owner, peer.units.clone()), (OWNER, vec![unit(1), unit(2)]));
    let u: Unit = rt.ok(MALLORY, METHOD_GET_UNIT, &UnitQuery { unit_id: unit(2) });
    assert_eq!(u.peer_id, b"p1".to_vec());
    rt.refused(MALLORY, METHOD_GET_UNIT, &UnitQuery { unit_id: unit(3) }, ExitCode::USR_NOT_FOUND);
    assert_eq!(
        &rt.event_types()[2..],
        [
            "provider-registered",
            "provider-approved",
            "provider-updated",
            "peer-registered",
            "units-added",
            "units-removed"
        ]
    );
}

#[test]
fn commitments_priced_by_the_oracle_or_the_fallback() {
    let rt = with_peer();
    rt.clear_records();
    let cc = create(&rt, b"p1");
    assert_eq!(cc.collateral_per_unit, flt(4), "2 USD per unit at 0.5 USD per FLT");
    let ask: &Sent = &rt.sent()[0];
    assert_eq!((ask.to, ask.method, ask.read_only), (ORACLE, METHOD_GET_PRICE, true));
    // Refusals: a second live commitment, a stranger, a bad duration or rate.
    let p = CreateCommitmentParams { peer_id: b"p1".to_vec(), duration: 1, delegator: None, delegator_reward_rate: 1 };
    rt.refused(PROVIDER, METHOD_CREATE_COMMITMENT, &p, ExitCode::USR_ILLEGAL_STATE);
    rt.refused(MALLORY, METHOD_CREATE_COMMITMENT, &p, ExitCode::USR_FORBIDDEN);
    rt.ok::<_, ()>(PROVIDER, METHOD_REMOVE_COMMITMENT, &CommitmentQuery { id: cc.id });
    rt.refused(PROVIDER, METHOD_REMOVE_COMMITMENT, &CommitmentQuery { id: cc.id }, ExitCode::USR_ILLEGAL_STATE);
    rt.refused(
        PROVIDER,
        METHOD_CREATE_COMMITMENT,
        &CreateCommitmentParams { duration: 0, ..p.clone() },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    rt.refused(
        PROVIDER,
        METHOD_CREATE_COMMITMENT,
        &CreateCommitmentParams { delegator_reward_rate: 0, ..p.clone() },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );

    // No fresh price (the oracle's USR_ILLEGAL_STATE): the genesis FLT collateral.
    rt.on_send(ORACLE, Some(METHOD_GET_PRICE), |_, _| Err(actor_error!(illegal_state; "no price")));
    let cc = create(&rt, b"p1");
    assert_eq!(cc.collateral_per_unit, flt(7));
    // Any other oracle failure (an unknown asset, an abort, an undecodable answer) falls back
    // the same way: a faulty oracle never stops commitments.
    rt.ok::<_, ()>(PROVIDER, METHOD_REMOVE_COMMITMENT, &CommitmentQuery { id: cc.id });
    rt.on_send(ORACLE, Some(METHOD_GET_PRICE), |_, _| Err(actor_error!(not_found; "no asset")));
    let cc = create(&rt, b"p1");
    assert_eq!(cc.collateral_per_unit, flt(7));
    rt.ok::<_, ()>(PROVIDER, METHOD_REMOVE_COMMITMENT, &CommitmentQuery { id: cc.id });
    rt.reply_with(ORACLE, METHOD_GET_PRICE, &"not a price");
    assert_eq!(create(&rt, b"p1").collateral_per_unit, flt(7));
}

#[test]
fn deposit_prove_report_settle_and_finish() {
    let rt = with_peer();
    let cc = create(&rt, b"p1").id;
    let deposit = DepositParams { ids: vec![cc] };
    rt.refused_paying(DELEGATOR, METHOD_DEPOSIT_COLLATERAL, &deposit, flt(7), ExitCode::USR_ILLEGAL_ARGUMENT);
    rt.refused_paying(MALLORY, METHOD_DEPOSIT_COLLATERAL, &deposit, flt(0), ExitCode::USR_FORBIDDEN);
    rt.clear_records();
    rt.pay::<_, ()>(DELEGATOR, METHOD_DEPOSIT_COLLATERAL, &deposit, flt(8));
    assert_eq!(rt.balance_of(CAPACITY), flt(8));
    // The market hears that the peer's two units may now be matched.
    assert_eq!(told_market(&rt), vec![(b"p1".to_vec(), 2)]);
    rt.refused_paying(DELEGATOR, METHOD_DEPOSIT_COLLATERAL, &deposit, flt(8), ExitCode::USR_ILLEGAL_STATE);

    // Period 0: not started yet.
    rt.refused(OWNER, METHOD_SUBMIT_PROOFS, &proofs(&rt, unit(1), 0..2), ExitCode::USR_ILLEGAL_STATE);
    rt.set_epoch(PERIOD + 1);
    rt.clear_records();
    let p = proofs(&rt, unit(1), 0..2);
    rt.refused(MALLORY, METHOD_SUBMIT_PROOFS, &p, ExitCode::USR_FORBIDDEN);
    let mut wrong = p.clone();
    wrong.proofs[1].result_hash = Bytes32([1; 32]);
    let msg = rt.refused(OWNER, METHOD_SUBMIT_PROOFS, &wrong, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(msg.contains("proof 1"), "{msg}");
    let r: SubmitProofsReturn = rt.ok(OWNER, METHOD_SUBMIT_PROOFS, &p);
    assert_eq!((r.period, r.accepted, r.skipped), (1, 2, 0));
    // Reported to rewards after the state was saved: min_proofs (2) eligible proofs, one unit.
    let report = rt.sent().into_iter().find(|s| s.to == REWARDS).expect("a report to rewards");
    let record: RecordProofsParams = report.decode();
    assert_eq!((record.commitment, record.count, record.units, record.delegator), (cc, 2, 1, DELEGATOR));
    // A retried batch is skipped, never refused.
    let r: SubmitProofsReturn = rt.ok(OWNER, METHOD_SUBMIT_PROOFS, &p);
    assert_eq!((r.accepted, r.skipped), (0, 2));
    let info: PeriodInfo = query(&rt, METHOD_GET_PERIOD_INFO);
    assert_eq!((info.period, info.proofs, info.totals.committed_units), (1, 2, 2));

    // Unit 2 never proves: one failure, 30% of its 4 FLT slashed when period 1 settles.
    rt.set_epoch(3 * PERIOD);
    rt.refused(
        MALLORY,
        METHOD_SETTLE_COMMITMENT,
        &SettleParams { id: cc, max_periods: 0 },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    let s: SettleReturn = rt.ok(MALLORY, METHOD_SETTLE_COMMITMENT, &SettleParams { id: cc, max_periods: 10 });
    assert_eq!((s.status, s.done), (Status::Inactive, true));
    let view: CommitmentInfo = rt.ok(MALLORY, METHOD_GET_COMMITMENT, &CommitmentQuery { id: cc });
    assert_eq!((view.commitment.failures, view.commitment.slashed.clone()), (1, tenths(12)));

    rt.refused(MALLORY, METHOD_FINISH_COMMITMENT, &CommitmentQuery { id: cc }, ExitCode::USR_FORBIDDEN);
    rt.clear_records();
    let f: FinishReturn = rt.ok(PROVIDER, METHOD_FINISH_COMMITMENT, &CommitmentQuery { id: cc });
    assert_eq!((f.returned.clone(), f.slashed.clone()), (tenths(68), tenths(12)));
    assert_eq!(told_market(&rt), vec![(b"p1".to_vec(), 0)]);
    assert_eq!(rt.balance_of(DELEGATOR), flt(92) + tenths(68));
    assert_eq!(rt.balance_of(BURNT), tenths(12));
    assert_eq!(rt.balance_of(CAPACITY), TokenAmount::default());
    rt.refused(PROVIDER, METHOD_FINISH_COMMITMENT, &CommitmentQuery { id: cc }, ExitCode::USR_ILLEGAL_STATE);
    let st: State = rt.state().unwrap();
    assert!(st.check_state_invariants(rt.store(), &rt.balance()).is_empty());
}

#[test]
fn market_hooks_difficulty_and_admin() {
    let rt = with_peer();
    let cc = create(&rt, b"p1").id;
    rt.pay::<_, ()>(DELEGATOR, METHOD_DEPOSIT_COLLATERAL, &DepositParams { ids: vec![cc] }, flt(8));
    rt.set_epoch(PERIOD);
    let mv = MoveUnitParams { unit_id: unit(1), deal: 7 };
    rt.refused(MALLORY, METHOD_MOVE_UNIT_TO_DEAL, &mv, ExitCode::USR_FORBIDDEN);
    rt.ok::<_, ()>(MARKET, METHOD_MOVE_UNIT_TO_DEAL, &mv);
    rt.refused(MARKET, METHOD_MOVE_UNIT_TO_DEAL, &mv, ExitCode::USR_ILLEGAL_STATE);
    // In a deal the unit still proves, min_proofs_in_deal (1) a period, for no rewards.
    rt.clear_records();
    let r: SubmitProofsReturn = rt.ok(OWNER, METHOD_SUBMIT_PROOFS, &proofs(&rt, unit(1), 0..2));
    assert_eq!((r.accepted, r.skipped), (1, 1));
    assert!(rt.sent().iter().all(|s| s.to != REWARDS), "proofs in a deal earn no rewards");
    let u: Unit = rt.ok(MALLORY, METHOD_GET_UNIT, &UnitQuery { unit_id: unit(1) });
    assert_eq!((u.proof_period, u.proof_count), (1, 1));
    let back = UnitQuery { unit_id: unit(1) };
    rt.refused(MALLORY, METHOD_RETURN_UNIT_FROM_DEAL, &back, ExitCode::USR_FORBIDDEN);
    rt.ok::<_, ()>(MARKET, METHOD_RETURN_UNIT_FROM_DEAL, &back);
    rt.refused(MARKET, METHOD_RETURN_UNIT_FROM_DEAL, &back, ExitCode::USR_ILLEGAL_STATE);
    let u: Unit = rt.ok(MALLORY, METHOD_GET_UNIT, &back);
    assert_eq!((u.deal, u.exempt_until), (None, 2));

    let d = DifficultyParams { difficulty: Bytes32([0x0f; 32]) };
    rt.refused(MALLORY, METHOD_SET_DIFFICULTY, &d, ExitCode::USR_FORBIDDEN);
    rt.refused(
        ADMIN,
        METHOD_SET_DIFFICULTY,
        &DifficultyParams { difficulty: Bytes32::ZERO },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    rt.ok::<_, ()>(ADMIN, METHOD_SET_DIFFICULTY, &d);
    rt.set_epoch(2 * PERIOD);
    let info: PeriodInfo = query(&rt, METHOD_GET_PERIOD_INFO);
    assert_eq!(info.difficulty, d.difficulty, "in force from the next period");
    let n: GlobalNonce = query(&rt, METHOD_GET_GLOBAL_NONCE);
    assert_eq!((n.period, n.nonce), (2, info.nonce));

    cloudless_runtime::admin::check_transfer_admin(&rt, METHOD_TRANSFER_ADMIN, ADMIN, MALLORY);
    rt.refused(ADMIN, METHOD_SET_DIFFICULTY, &d, ExitCode::USR_FORBIDDEN);
    rt.ok::<_, ()>(MALLORY, METHOD_SET_DIFFICULTY, &d);
    rt.refused(MALLORY, 4242, &d, ExitCode::USR_UNHANDLED_MESSAGE);
}

#[test]
fn the_market_reads_units_and_peers() {
    let rt = with_peer();
    let cc = create(&rt, b"p1").id;
    let q = UnitsQuery { units: vec![unit(1), unit(9)] };
    let infos: Vec<Option<UnitInfo>> = rt.ok(MALLORY, METHOD_GET_UNITS_INFO, &q);
    let u = infos[0].clone().unwrap();
    assert_eq!(
        (u.peer_id, u.provider, u.owner, u.deal, u.commitment_active),
        (b"p1".to_vec(), PROVIDER, OWNER, None, false)
    );
    assert_eq!(infos[1], None, "an unknown unit");
    // Once collateral is in, the commitment is Active (waiting for its start): units may join deals.
    rt.pay::<_, ()>(DELEGATOR, METHOD_DEPOSIT_COLLATERAL, &DepositParams { ids: vec![cc] }, flt(8));
    let peers: Vec<Option<PeerInfo>> =
        rt.ok(MALLORY, METHOD_GET_PEERS_INFO, &PeersQuery { peers: vec![b"p1".to_vec(), b"p9".to_vec()] });
    let p = peers[0].clone().unwrap();
    assert!(p.commitment_active && p.units.len() == 2 && p.units.iter().all(|u| u.commitment_active));
    assert_eq!(peers[1], None);
    rt.refused(MALLORY, METHOD_GET_UNITS_INFO, &UnitsQuery { units: vec![] }, ExitCode::USR_ILLEGAL_ARGUMENT);
    rt.refused(
        MALLORY,
        METHOD_GET_PEERS_INFO,
        &PeersQuery { peers: vec![vec![1]; MAX_QUERY_ITEMS + 1] },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
}

/// keccak256(nonce ‖ 32 zero bytes ‖ the CID bytes of the mock's tipset at `seed_epoch`).
fn seeded(nonce: &Bytes32, rt: &MockRuntime, seed_epoch: i64) -> Bytes32 {
    let seed = rt.tipset_cid(seed_epoch).unwrap().to_bytes();
    Bytes32(<MockRuntime as Runtime>::keccak256(&[&nonce.0[..], &[0; 32], &seed].concat()))
}

#[test]
fn after_a_period_without_proofs_the_last_block_before_the_period_seeds_its_nonce() {
    let rt = capacity();
    let genesis: GlobalNonce = query(&rt, METHOD_GET_GLOBAL_NONCE);
    assert_eq!((genesis.period, genesis.fixed, genesis.holds_until), (0, true, PERIOD - 1));
    // Period 0 accepted no proof: period 1's nonce is not keccak(nonce(0) ‖ 0), which anyone
    // knew all through period 0, but mixes in the block at epoch PERIOD - 1, its last.
    rt.set_epoch(PERIOD + 3);
    let early: PeriodInfo = query(&rt, METHOD_GET_PERIOD_INFO);
    let predictable = <MockRuntime as Runtime>::keccak256(&[genesis.nonce.0, [0; 32]].concat());
    assert_ne!(early.nonce.0, predictable);
    assert_eq!(early.nonce, seeded(&genesis.nonce, &rt, PERIOD - 1));
    assert_eq!((early.period, early.nonce_fixed, early.nonce_holds_until), (1, false, 2 * PERIOD - 1));
    // Anyone fixes it; it is the nonce every query of the period showed.
    rt.set_epoch(PERIOD + 4);
    rt.clear_records();
    let started: PeriodInfo = rt.ok(MALLORY, METHOD_START_PERIOD, &());
    assert_eq!((started.nonce, started.nonce_fixed, started.nonce_holds_until), (early.nonce, true, 2 * PERIOD - 1));
    assert_eq!(rt.event_types(), ["period-started"]);
    let again: PeriodInfo = rt.ok(MALLORY, METHOD_START_PERIOD, &());
    assert_eq!(again, started, "a second StartPeriod changes nothing");
    rt.set_epoch(2 * PERIOD - 1);
    let end: GlobalNonce = query(&rt, METHOD_GET_GLOBAL_NONCE);
    assert_eq!((end.nonce, end.fixed), (started.nonce, true));
}

#[test]
fn a_period_untouched_beyond_the_seed_reach_takes_the_block_before_its_first_message() {
    use crate::period::SEED_REACH;
    let long = 4 * SEED_REACH;
    let rt = capacity_with(Config { period_length: long, ..config() });
    let genesis: GlobalNonce = query(&rt, METHOD_GET_GLOBAL_NONCE);
    // Within reach of the period's start the last block before it seeds the nonce.
    rt.set_epoch(long - 1 + SEED_REACH);
    let near: GlobalNonce = query(&rt, METHOD_GET_GLOBAL_NONCE);
    assert_eq!(
        (near.nonce, near.fixed, near.holds_until),
        (seeded(&genesis.nonce, &rt, long - 1), false, long - 1 + SEED_REACH)
    );
    // Beyond it, the block before the querying epoch: each epoch shows another candidate.
    rt.set_epoch(long + SEED_REACH);
    let far: GlobalNonce = query(&rt, METHOD_GET_GLOBAL_NONCE);
    assert_eq!(
        (far.nonce, far.fixed, far.holds_until),
        (seeded(&genesis.nonce, &rt, long + SEED_REACH - 1), false, long + SEED_REACH)
    );
    rt.set_epoch(long + SEED_REACH + 1);
    let later: GlobalNonce = query(&rt, METHOD_GET_GLOBAL_NONCE);
    assert_ne!(later.nonce, far.nonce);
    // The first message fixes the candidate of its epoch for the rest of the period.
    let started: PeriodInfo = rt.ok(MALLORY, METHOD_START_PERIOD, &());
    assert_eq!((started.nonce, started.nonce_holds_until), (later.nonce, 2 * long - 1));
    rt.set_epoch(2 * long - 1);
    let end: GlobalNonce = query(&rt, METHOD_GET_GLOBAL_NONCE);
    assert_eq!((end.nonce, end.fixed), (later.nonce, true));
}

#[test]
fn after_a_period_with_proofs_the_next_nonce_is_fixed_from_its_start() {
    let rt = with_peer();
    let cc = create(&rt, b"p1").id;
    rt.pay::<_, ()>(DELEGATOR, METHOD_DEPOSIT_COLLATERAL, &DepositParams { ids: vec![cc] }, flt(8));
    rt.set_epoch(PERIOD);
    rt.ok::<_, SubmitProofsReturn>(OWNER, METHOD_SUBMIT_PROOFS, &proofs(&rt, unit(1), 0..3));
    let one: PeriodState = rt.state::<State>().unwrap().period;
    rt.set_epoch(2 * PERIOD + 5);
    let two: PeriodInfo = query(&rt, METHOD_GET_PERIOD_INFO);
    let expected = <MockRuntime as Runtime>::keccak256(&[one.nonce.0, one.entropy.0].concat());
    assert_eq!((two.period, two.nonce.0, two.nonce_fixed), (2, expected, true));
}
