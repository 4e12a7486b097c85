//! Native unit tests of the pure logic: settlement and slashing, the nonce chain, reward
//! eligibility and collateral pricing. The Wasm paths are tested in `host/tests/capacity.rs`.

use cloudless_runtime::bytes::Bytes32;
use fvm_shared::econ::TokenAmount;
use multihash_codetable::{Code, MultihashDigest};
use proptest::prelude::*;

use crate::commitment::eligible;
use crate::period::PeriodState;
use crate::registry::collateral_at_price;
use crate::types::Unit;
use crate::types::*;

fn keccak(data: &[u8]) -> [u8; 32] {
    Code::Keccak256.digest(data).digest().try_into().unwrap()
}

pub(crate) fn config() -> Config {
    Config {
        genesis_epoch: 0,
        period_length: 10,
        whitelist: true,
        min_duration: 1,
        max_failed_ratio: 2,
        min_proofs: 2,
        max_proofs: 4,
        min_proofs_in_deal: 1,
        slashing_rate: 3_000_000, // 30%
        withdraw_periods_after_failed: 1,
        usd_collateral_per_unit: TokenAmount::from_whole(2),
        flt_collateral_per_unit: TokenAmount::from_whole(7),
        oracle: None,
        oracle_asset: String::new(),
        rewards: None,
        market: None,
        treasury: None,
    }
}

fn commitment(units: u32, start: i64, duration: u64) -> Commitment {
    Commitment {
        id: 0,
        peer_id: b"p".to_vec(),
        provider: 100,
        delegator: Some(101),
        delegator_reward_rate: 1,
        unit_count: units,
        collateral_per_unit: TokenAmount::from_whole(10),
        duration,
        status: Status::Active,
        start_period: start,
        settled_through: start,
        failures: 0,
        unit_failures: vec![0; units as usize],
        slashed: TokenAmount::default(),
        failed_period: None,
    }
}

fn unit(proof_period: i64, proof_count: u32) -> Unit {
    Unit { id: Bytes32::ZERO, peer_id: b"p".to_vec(), deal: None, exempt_until: 0, proof_period, proof_count }
}

#[test]
fn settlement_counts_failures_skips_exempt_units_and_ends() {
    // A deployer who trusts every deal: a unit in one needs no proofs.
    let cfg = Config { min_proofs_in_deal: 0, ..config() };
    let mut cc = commitment(3, 1, 3);
    // Period 1: unit 0 succeeded, unit 1 proved too little, unit 2 is in a deal.
    let units = [unit(1, 2), unit(1, 1), Unit { deal: Some(5), ..unit(-1, 0) }];
    let s = cc.settle(&cfg, &units, 2, 10);
    assert_eq!((s.periods, s.failures, s.remaining, s.became), (1, 1, 0, None));
    assert_eq!(cc.unit_failures, vec![0, 1, 0]);
    assert_eq!(cc.slashed, TokenAmount::from_whole(3));
    // Nothing more to do in the same period.
    assert_eq!(cc.settle(&cfg, &units, 2, 10).periods, 0);
    // Bounded: one period at a time.
    let s = cc.settle(&cfg, &units, 4, 1);
    assert_eq!((s.periods, s.remaining), (1, 1));
    let s = cc.settle(&cfg, &units, 100, 10);
    assert_eq!((s.periods, s.became), (1, Some(Status::Inactive)));
    assert_eq!(cc.settled_through, cc.end_period());
}

/// Audit finding (issue 34): a unit in a deal used to need no proofs at all, so a provider could
/// match its units into its own near-free deal, stop proving and never be slashed. It now needs
/// `min_proofs_in_deal`; a deployer who sets 0 keeps the old exemption.
#[test]
fn a_unit_in_a_deal_that_stops_proving_fails() {
    let silent = [Unit { deal: Some(5), ..unit(-1, 0) }];
    let mut cc = commitment(1, 1, 3);
    let s = cc.settle(&config(), &silent, 2, 10);
    assert_eq!((s.failures, cc.unit_failures.clone()), (1, vec![1]));
    assert_eq!(cc.slashed, TokenAmount::from_whole(3));
    let trusting = Config { min_proofs_in_deal: 0, ..config() };
    let mut cc = commitment(1, 1, 3);
    assert_eq!(cc.settle(&trusting, &silent, 2, 10).failures, 0);
    // One proof in the period is enough while it serves.
    let proving = [Unit { deal: Some(5), ..unit(1, 1) }];
    let mut cc = commitment(1, 1, 3);
    assert_eq!(cc.settle(&config(), &proving, 2, 10).failures, 0);
    // Back from the deal in period 1: exempt for that period either way.
    let back = [Unit { exempt_until: 2, ..unit(-1, 0) }];
    let mut cc = commitment(1, 1, 3);
    assert_eq!(cc.settle(&config(), &back, 2, 10).failures, 0);
}

#[test]
fn failure_threshold_and_slashing_cap() {
    let cfg = config(); // threshold 2 × units
    let mut cc = commitment(1, 0, 10);
    let idle = [unit(-1, 0)];
    let s = cc.settle(&cfg, &idle, 10, 100);
    assert_eq!((s.periods, s.became, cc.failed_period), (2, Some(Status::Failed), Some(2)));
    // 2 × 30% of 10 FLT.
    assert_eq!(cc.slashed, TokenAmount::from_whole(6));
    let mut cfg_cap = config();
    cfg_cap.max_failed_ratio = 10;
    let mut cc = commitment(1, 0, 10);
    cc.settle(&cfg_cap, &idle, 10, 100);
    assert_eq!(cc.slashed, TokenAmount::from_whole(10), "capped at the unit's collateral");
    assert!(cc.check_finishable(&cfg, 2).is_err());
}

#[test]
fn nonce_chain_follows_the_spec_and_jumps_idle_periods() {
    let mut p = PeriodState::genesis(Bytes32([7; 32]), Bytes32::MAX);
    p.accept(&Bytes32([1; 32]), keccak);
    let entropy = keccak(&[[0u8; 32], [1; 32]].concat());
    assert_eq!(p.entropy.0, entropy);
    // A period with proofs: the next nonce needs no chain seed (one given is ignored).
    assert!(!p.needs_seed(1));
    let next = p.advanced(1, b"seed", keccak);
    assert_eq!(next.nonce.0, keccak(&[[7u8; 32], entropy].concat()));
    assert_eq!((next.entropy, next.proofs), (Bytes32::ZERO, 0));
    // A jump over idle periods mixes the seed in after the target period.
    assert!(p.needs_seed(5));
    let jumped = p.advanced(5, b"seed", keccak);
    assert_eq!(jumped.nonce.0, keccak(&[&[7u8; 32][..], &entropy, &5i64.to_be_bytes(), b"seed"].concat()));
    // After a period without proofs the next nonce is not keccak(nonce ‖ 0): the seed decides it.
    assert!(next.needs_seed(2));
    let (a, b) = (next.advanced(2, b"block a", keccak), next.advanced(2, b"block b", keccak));
    assert_eq!(a.nonce.0, keccak(&[&next.nonce.0[..], &[0u8; 32], b"block a"].concat()));
    assert_ne!(a.nonce, b.nonce);
    assert_ne!(a.nonce.0, keccak(&[next.nonce.0, [0u8; 32]].concat()), "predictable from nonce(1) alone");
    // Difficulty changes apply from the next period.
    p.next_difficulty = Some(Bytes32([0x0f; 32]));
    assert_eq!(p.advanced(1, &[], keccak).difficulty, Bytes32([0x0f; 32]));
}

#[test]
fn eligibility_and_collateral_price() {
    let cfg = config();
    assert_eq!([0, 1, 2, 3, 4, 9].map(|c| eligible(c, &cfg)), [0, 0, 2, 3, 4, 4]);
    let price = TokenAmount::from_atto(500_000_000_000_000_000u64); // 0.5 USD
    assert_eq!(collateral_at_price(&TokenAmount::from_whole(2), &price), TokenAmount::from_whole(4));
}

proptest! {
    /// However settlement is split into bounded steps, the result is the same.
    #[test]
    fn settlement_is_step_independent(counts in proptest::collection::vec((0i64..8, 0u32..4), 1..5), step in 1u64..4, now in 0i64..12) {
        let cfg = config();
        let units: Vec<Unit> = counts.iter().map(|(p, c)| unit(*p, *c)).collect();
        let mut whole = commitment(units.len() as u32, 0, 8);
        whole.settle(&cfg, &units, now, 1000);
        let mut stepped = commitment(units.len() as u32, 0, 8);
        while stepped.settle(&cfg, &units, now, step).periods > 0 {}
        prop_assert_eq!(whole, stepped);
    }

    /// Serving a deal lowers the proofs a unit needs, never raises them: a unit fails in a deal
    /// only where it would fail outside one too, a unit that proved nothing fails in a deal just
    /// as outside one (unless `min_proofs_in_deal` is 0, which exempts it).
    #[test]
    fn a_deal_lowers_the_bar_but_never_removes_it(units in proptest::collection::vec((0i64..3, 0u32..4, any::<bool>()), 1..6), now in 1i64..4) {
        // A threshold never reached: the commitment settles every period either way.
        let cfg = Config { max_failed_ratio: 1000, ..config() };
        let served: Vec<Unit> = units.iter().map(|(p, c, d)| Unit { deal: d.then_some(5), ..unit(*p, *c) }).collect();
        let free: Vec<Unit> = units.iter().map(|(p, c, _)| unit(*p, *c)).collect();
        let settle = |cfg: &Config, units: &[Unit]| {
            let mut cc = commitment(units.len() as u32, 0, 3);
            cc.settle(cfg, units, now, 1000);
            cc.unit_failures
        };
        let (in_deal, outside) = (settle(&cfg, &served), settle(&cfg, &free));
        let trusting = settle(&Config { min_proofs_in_deal: 0, ..cfg.clone() }, &served);
        for (i, (_, c, d)) in units.iter().enumerate() {
            prop_assert!(in_deal[i] <= outside[i]);
            if *c == 0 {
                prop_assert_eq!(in_deal[i], outside[i], "a silent unit fails in a deal too");
            }
            if *d {
                prop_assert_eq!(trusting[i], 0);
            }
        }
    }
}
