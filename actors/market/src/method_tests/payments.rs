//! Workers paid per period (gaps, claims, withdrawals), and deals below their minimum workers.

use super::*;

#[test]
fn workers_are_paid_per_period_with_gaps_claims_and_withdrawals() {
    let (w, d, o1, o2) = matched_world();
    let c = vec![Candidate { offer: o1, units: vec![unit(1)] }, Candidate { offer: o2, units: vec![unit(2)] }];
    w.ok::<_, MatchReturn>(MALLORY, METHOD_MATCH_DEAL, &MatchDealParams { deal: d, candidates: c });
    let set = |u: u8, worker: u8| SetWorkerParams { deal: d, unit: unit(u), worker: Bytes32([worker; 32]) };
    w.refused(MALLORY, METHOD_SET_WORKER, &set(1, 1), ExitCode::USR_FORBIDDEN);
    w.refused(PEER_OWNER, METHOD_SET_WORKER, &set(1, 0), ExitCode::USR_ILLEGAL_ARGUMENT);
    w.refused(PEER_OWNER, METHOD_SET_WORKER, &set(9, 1), ExitCode::USR_NOT_FOUND);
    w.ok::<_, ()>(PEER_OWNER, METHOD_SET_WORKER, &set(1, 1)); // period 0: paid from period 1
    assert_eq!(w.view(d).status, DealStatus::Active);
    w.at_period(3); // periods 1, 2, 3 charged: one worker, 10 each
    let v = w.view(d);
    assert_eq!((v.deal.paid_periods, v.deal.balance.clone(), v.status), (3, usdc(70), DealStatus::Active));
    w.ok::<_, ()>(PROV2, METHOD_SET_WORKER, &set(2, 2)); // the provider may too: paid from period 4
    w.at_period(6); // periods 4, 5, 6: two workers, 20 each
    let v = w.view(d);
    assert_eq!((v.deal.paid_periods, v.deal.balance.clone(), v.status), (6, usdc(10), DealStatus::SmallBalance));
    let claimable = |u: u8| {
        w.ok::<_, DealUnitView>(MALLORY, METHOD_GET_DEAL_UNIT, &UnitParams { deal: d, unit: unit(u) }).claimable
    };
    assert_eq!((claimable(1), claimable(2)), (usdc(60), usdc(30)));
    w.at_period(7); // 10 left: period 7 is a gap
    let v = w.view(d);
    assert_eq!((v.deal.paid_periods, v.deal.gaps, v.status), (6, 1, DealStatus::InsufficientFunds));
    w.refused(MALLORY, METHOD_CLAIM_EARNINGS, &UnitParams { deal: d, unit: unit(1) }, ExitCode::USR_FORBIDDEN);
    let c: ClaimReturn = w.ok(PEER_OWNER, METHOD_CLAIM_EARNINGS, &UnitParams { deal: d, unit: unit(1) });
    assert_eq!((c.provider, c.amount.clone()), (PROV, usdc(60)));
    assert_eq!(w.tok.borrow().paid[&PROV], usdc(60), "paid to the provider through the token");
    w.refused(PROV, METHOD_CLAIM_EARNINGS, &UnitParams { deal: d, unit: unit(1) }, ExitCode::USR_ILLEGAL_STATE);
    // Withdrawals: nothing above the reserve; a deposit funds from the next period.
    w.refused(OWNER, METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(1) }, ExitCode::USR_INSUFFICIENT_FUNDS);
    w.deposit(USDC, d, usdc(100)).unwrap();
    w.at_period(8);
    let v = w.view(d);
    assert_eq!((v.deal.balance.clone(), v.withdrawable.clone()), (usdc(90), usdc(50)));
    w.refused(MALLORY, METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(1) }, ExitCode::USR_FORBIDDEN);
    w.refused(OWNER, METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(51) }, ExitCode::USR_INSUFFICIENT_FUNDS);
    w.ok::<_, ()>(OWNER, METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(50) });
    assert_eq!(w.tok.borrow().paid[&OWNER], usdc(50));
    // A unit leaves: its earnings become its provider's payable earnings.
    w.refused(MALLORY, METHOD_REMOVE_UNIT, &UnitParams { deal: d, unit: unit(2) }, ExitCode::USR_FORBIDDEN);
    w.ok::<_, ()>(OWNER, METHOD_REMOVE_UNIT, &UnitParams { deal: d, unit: unit(2) });
    assert_eq!(w.cap.borrow().units[&unit(2)].deal, None, "returned to its commitment");
    let payable = |p: ActorID| {
        w.ok::<_, methods::TokenAmountReturn>(
            MALLORY,
            METHOD_GET_PAYABLE,
            &PayableQuery { provider: Address::new_id(p), token: None },
        )
        .amount
    };
    assert_eq!(payable(PROV2), usdc(40), "periods 4, 5, 6 and 8");
    // Stop: the other unit leaves too; the rest can be withdrawn two periods later.
    w.refused(MALLORY, METHOD_STOP, &DealQuery { deal: d }, ExitCode::USR_FORBIDDEN);
    w.ok::<_, ()>(OWNER, METHOD_STOP, &DealQuery { deal: d });
    w.refused(OWNER, METHOD_STOP, &DealQuery { deal: d }, ExitCode::USR_ILLEGAL_STATE);
    assert_eq!((w.view(d).status, payable(PROV)), (DealStatus::Ended, usdc(10)));
    cloudless_runtime::mock::expect_code(w.deposit(USDC, d, usdc(1)), ExitCode::USR_ILLEGAL_STATE);
    w.refused(OWNER, METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(40) }, ExitCode::USR_INSUFFICIENT_FUNDS);
    w.at_period(10);
    w.ok::<_, ()>(OWNER, METHOD_WITHDRAW, &WithdrawParams { deal: d, amount: usdc(40) });
    let claim = PayableQuery { provider: Address::new_id(PROV2), token: None };
    w.refused(MALLORY, METHOD_CLAIM_PAYABLE, &claim, ExitCode::USR_FORBIDDEN);
    assert_eq!(w.ok::<_, ClaimReturn>(PROV2, METHOD_CLAIM_PAYABLE, &claim).amount, usdc(40));
    w.refused(PROV2, METHOD_CLAIM_PAYABLE, &claim, ExitCode::USR_ILLEGAL_STATE);
    w.sound();
}

#[test]
fn too_few_workers_are_not_paid() {
    let (w, d, o1, o2) = matched_world();
    // Deal with min 2: one worker alone is not paid.
    let p = CreateDealParams { min_workers: 2, ..deal_params(10, 2, 2) };
    let d2 = w.deal(&p);
    w.deposit(USDC, d2, usdc(100)).unwrap();
    let c = vec![Candidate { offer: o1, units: vec![unit(1)] }, Candidate { offer: o2, units: vec![unit(2)] }];
    w.ok::<_, MatchReturn>(MALLORY, METHOD_MATCH_DEAL, &MatchDealParams { deal: d2, candidates: c });
    w.ok::<_, ()>(
        PEER_OWNER,
        METHOD_SET_WORKER,
        &SetWorkerParams { deal: d2, unit: unit(1), worker: Bytes32([1; 32]) },
    );
    w.at_period(3);
    let v = w.view(d2);
    assert_eq!(
        (v.deal.paid_periods, v.deal.gaps, v.deal.balance.clone(), v.status),
        (0, 3, usdc(100), DealStatus::NotEnoughWorkers)
    );
    assert!(w.view(d).deal.units.is_empty());
    w.sound();
}
