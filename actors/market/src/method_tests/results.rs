//! Verified results: result-required deals paid only for a proof, replays, deals without the
//! requirement or key, a malformed key at creation.

use super::*;

/// A deal that requires verified results, its prover, and a matched unit with a worker.
fn results_world(require: bool) -> (World, u64, cloudless_groth16::testing::BoundProver) {
    let prover = cloudless_groth16::testing::BoundProver::new(BOUND_INPUTS);
    let (w, _, o1, _) = matched_world();
    let p = CreateDealParams { verifying_key: prover.vk.clone(), require_results: require, ..deal_params(10, 1, 1) };
    let d = w.deal(&p);
    w.deposit(USDC, d, usdc(25)).unwrap();
    let c = vec![Candidate { offer: o1, units: vec![unit(1)] }];
    w.ok::<_, MatchReturn>(MALLORY, METHOD_MATCH_DEAL, &MatchDealParams { deal: d, candidates: c });
    w.ok::<_, ()>(PEER_OWNER, METHOD_SET_WORKER, &SetWorkerParams { deal: d, unit: unit(1), worker: Bytes32([1; 32]) });
    (w, d, prover)
}

fn result(
    prover: &cloudless_groth16::testing::BoundProver,
    deal: u64,
    period: i64,
    output: &Cid,
) -> SubmitResultParams {
    result_of(prover, deal, period, output, unit(1), Bytes32([1; 32]))
}

/// A proof of `unit`'s work with `worker`.
fn result_of(
    prover: &cloudless_groth16::testing::BoundProver,
    deal: u64,
    period: i64,
    output: &Cid,
    unit: Bytes32,
    worker: Bytes32,
) -> SubmitResultParams {
    let bound = bound_inputs(deal, period, Some(output), &unit, &worker).map(|b| b.0);
    let (proof, inputs) = prover.prove(&bound, 3);
    SubmitResultParams {
        deal,
        unit,
        period,
        output: Some(*output),
        public_inputs: inputs.into_iter().map(Bytes32).collect(),
        proof,
    }
}

#[test]
fn verified_results_pay_result_required_deals_and_cannot_be_replayed() {
    let (w, d, prover) = results_world(true);
    let out = cid(b"output of period 1");
    // Not yet a paid worker in period 0.
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &result(&prover, d, 0, &out), ExitCode::USR_ILLEGAL_STATE);
    w.at_period(1);
    let good = result(&prover, d, 1, &out);
    w.refused(MALLORY, METHOD_SUBMIT_RESULT, &good, ExitCode::USR_FORBIDDEN);
    // Another deal's, another period's, another output's, a tampered proof.
    let other_deal = SubmitResultParams { deal: d, ..result(&prover, d + 1, 1, &out) };
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &other_deal, ExitCode::USR_ILLEGAL_ARGUMENT);
    let other_period = SubmitResultParams { period: 1, ..result(&prover, d, 0, &out) };
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &other_period, ExitCode::USR_ILLEGAL_ARGUMENT);
    let other_output = SubmitResultParams { output: Some(cid(b"else")), ..good.clone() };
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &other_output, ExitCode::USR_ILLEGAL_ARGUMENT);
    let mut tampered = good.clone();
    tampered.public_inputs[3] = Bytes32([0; 32]);
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &tampered, ExitCode::USR_ILLEGAL_ARGUMENT);
    let mut broken = good.clone();
    broken.proof[0] ^= 1;
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &broken, ExitCode::USR_ILLEGAL_ARGUMENT);
    let r: ResultReturn = w.ok(PEER_OWNER, METHOD_SUBMIT_RESULT, &good);
    assert_eq!((r.verified, r.paid), (true, usdc(10)));
    // The same period again, a period too old.
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &good, ExitCode::USR_ILLEGAL_ARGUMENT);
    w.at_period(3);
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &result(&prover, d, 1, &out), ExitCode::USR_ILLEGAL_ARGUMENT);
    // Period 2 had no result: its share stays in the balance. Period 3 pays; period 4 finds 5 left.
    let r: ResultReturn = w.ok(PEER_OWNER, METHOD_SUBMIT_RESULT, &result(&prover, d, 3, &out));
    assert_eq!(r.paid, usdc(10));
    w.at_period(4);
    let r: ResultReturn = w.ok(PEER_OWNER, METHOD_SUBMIT_RESULT, &result(&prover, d, 4, &out));
    assert_eq!(r, ResultReturn { verified: true, paid: TokenAmount::default() });
    let v: DealUnitView = w.ok(MALLORY, METHOD_GET_DEAL_UNIT, &UnitParams { deal: d, unit: unit(1) });
    assert_eq!((v.claimable, v.record.last_result.unwrap().period), (usdc(20), 4));
    assert_eq!(w.view(d).deal.balance, usdc(5));
    w.sound();
}

/// Audit finding (High): a proof names its unit and worker, so a provider cannot copy another
/// unit's proof from the chain and be paid for work it never did.
#[test]
fn a_proof_copied_from_another_unit_or_worker_is_refused() {
    let prover = cloudless_groth16::testing::BoundProver::new(BOUND_INPUTS);
    let (w, _, o1, o2) = matched_world();
    let p = CreateDealParams { verifying_key: prover.vk.clone(), require_results: true, ..deal_params(10, 1, 2) };
    let d = w.deal(&p);
    w.deposit(USDC, d, usdc(60)).unwrap();
    let c = vec![Candidate { offer: o1, units: vec![unit(1)] }, Candidate { offer: o2, units: vec![unit(2)] }];
    w.ok::<_, MatchReturn>(MALLORY, METHOD_MATCH_DEAL, &MatchDealParams { deal: d, candidates: c });
    let (w1, w2) = (Bytes32([1; 32]), Bytes32([2; 32]));
    w.ok::<_, ()>(PEER_OWNER, METHOD_SET_WORKER, &SetWorkerParams { deal: d, unit: unit(1), worker: w1 });
    w.ok::<_, ()>(PEER_OWNER, METHOD_SET_WORKER, &SetWorkerParams { deal: d, unit: unit(2), worker: w2 });
    w.at_period(1);
    let out = cid(b"one computation");
    let honest = result_of(&prover, d, 1, &out, unit(1), w1);
    // Unit 2's owner copies unit 1's proof and public inputs from the chain.
    let copied = SubmitResultParams { unit: unit(2), ..honest.clone() };
    let msg = w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &copied, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(msg.contains("unit"), "{msg}");
    // Re-bound to unit 2 without a new proof: the proof fails. With the wrong worker: refused.
    let mut rebound = copied.clone();
    let bound = bound_inputs(d, 1, Some(&out), &unit(2), &w2);
    rebound.public_inputs[..BOUND_INPUTS].clone_from_slice(&bound);
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &rebound, ExitCode::USR_ILLEGAL_ARGUMENT);
    let wrong_worker = result_of(&prover, d, 1, &out, unit(2), w1);
    w.refused(PEER_OWNER, METHOD_SUBMIT_RESULT, &wrong_worker, ExitCode::USR_ILLEGAL_ARGUMENT);
    // Units whose ids differ only above the field order's bits still bind apart (two limbs).
    assert_ne!(
        bound_inputs(d, 1, None, &Bytes32([0xff; 32]), &w1),
        bound_inputs(d, 1, None, &Bytes32([0x1f; 32]), &w1)
    );
    // Each unit's own proof pays it once.
    let r: ResultReturn = w.ok(PEER_OWNER, METHOD_SUBMIT_RESULT, &honest);
    assert_eq!(r.paid, usdc(10));
    let r: ResultReturn = w.ok(PEER_OWNER, METHOD_SUBMIT_RESULT, &result_of(&prover, d, 1, &out, unit(2), w2));
    assert_eq!(r.paid, usdc(10));
    assert_eq!(w.view(d).deal.balance, usdc(40));
    w.sound();
}

#[test]
fn results_without_requirement_or_key() {
    let (w, d, prover) = results_world(false);
    w.at_period(1);
    let r: ResultReturn = w.ok(PEER_OWNER, METHOD_SUBMIT_RESULT, &result(&prover, d, 1, &cid(b"o")));
    assert_eq!(r, ResultReturn { verified: true, paid: TokenAmount::default() }, "paid by time instead");
    // A deal without a key records outputs unverified, and refuses proofs.
    let (w2, _, o1, _) = matched_world();
    let d2 = w2.deal(&deal_params(10, 1, 1));
    w2.deposit(USDC, d2, usdc(20)).unwrap();
    w2.ok::<_, MatchReturn>(
        MALLORY,
        METHOD_MATCH_DEAL,
        &MatchDealParams { deal: d2, candidates: vec![Candidate { offer: o1, units: vec![unit(1)] }] },
    );
    w2.ok::<_, ()>(PROV, METHOD_SET_WORKER, &SetWorkerParams { deal: d2, unit: unit(1), worker: Bytes32([1; 32]) });
    w2.at_period(1);
    let plain = SubmitResultParams {
        deal: d2,
        unit: unit(1),
        period: 1,
        output: Some(cid(b"o")),
        public_inputs: vec![],
        proof: vec![],
    };
    w2.refused(
        PEER_OWNER,
        METHOD_SUBMIT_RESULT,
        &SubmitResultParams { proof: vec![1], ..plain.clone() },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    let r: ResultReturn = w2.ok(PEER_OWNER, METHOD_SUBMIT_RESULT, &plain);
    assert!(!r.verified);
    w.sound();
    w2.sound();
}

#[test]
fn a_malformed_key_is_refused_at_creation() {
    let w = World::new();
    let prover = cloudless_groth16::testing::BoundProver::new(BOUND_INPUTS);
    let mut vk = prover.vk.clone();
    vk[5] ^= 0x40; // alpha off the curve
    let p = CreateDealParams { verifying_key: vk, require_results: true, ..deal_params(1, 1, 1) };
    let msg = w.refused(OWNER, METHOD_CREATE_DEAL, &p, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(msg.contains("verifying key"), "{msg}");
    let short = cloudless_groth16::testing::BoundProver::new(1);
    let p = CreateDealParams { verifying_key: short.vk, ..deal_params(1, 1, 1) };
    w.refused(OWNER, METHOD_CREATE_DEAL, &p, ExitCode::USR_ILLEGAL_ARGUMENT);
}
