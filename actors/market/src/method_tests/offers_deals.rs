//! Offers (register, update, remove), deals, deposits and activation.

use super::*;

#[test]
fn offers_register_update_and_remove() {
    let w = World::new();
    w.add_unit(1, 1, PROV, true);
    w.add_unit(2, 2, PROV, true);
    w.add_unit(3, 3, PROV2, true);
    let id = w.offer(PROV, 5, &[1]);
    assert_eq!(w.rt.event_types().last().map(String::as_str), Some("offer-registered"));
    w.refused(MALLORY, METHOD_REGISTER_OFFER, &offer_params(1, &[2]), ExitCode::USR_FORBIDDEN);
    w.refused(PROV, METHOD_REGISTER_OFFER, &offer_params(1, &[3]), ExitCode::USR_FORBIDDEN);
    w.refused(PROV, METHOD_REGISTER_OFFER, &offer_params(1, &[1]), ExitCode::USR_ILLEGAL_STATE);
    w.refused(PROV, METHOD_REGISTER_OFFER, &offer_params(1, &[9]), ExitCode::USR_NOT_FOUND);
    w.refused(PROV, METHOD_REGISTER_OFFER, &offer_params(1, &[]), ExitCode::USR_ILLEGAL_ARGUMENT);
    w.refused(
        PROV,
        METHOD_REGISTER_OFFER,
        &OfferParams { min_version: 4, ..offer_params(1, &[2]) },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    w.refused(PROV, METHOD_REGISTER_OFFER, &RawBytes::new(vec![1]), ExitCode::USR_SERIALIZATION);
    w.cap.borrow_mut().approved.clear();
    w.refused(PROV, METHOD_REGISTER_OFFER, &offer_params(1, &[2]), ExitCode::USR_FORBIDDEN);
    w.cap.borrow_mut().approved.push(PROV);
    let cheap = w.offer(PROV, 2, &[2]);
    let index: Vec<IndexEntry> = w.ok(MALLORY, METHOD_GET_OFFER_INDEX, &TokenQuery { token: None });
    assert_eq!(index.iter().map(|e| e.offer).collect::<Vec<_>>(), [cheap, id], "cheapest first");

    let update = UpdateOfferParams { offer: id, params: offer_params(1, &[1]) };
    w.refused(PROV2, METHOD_UPDATE_OFFER, &update, ExitCode::USR_FORBIDDEN);
    w.ok::<_, ()>(PROV, METHOD_UPDATE_OFFER, &update);
    let index: Vec<IndexEntry> = w.ok(MALLORY, METHOD_GET_OFFER_INDEX, &TokenQuery { token: None });
    assert_eq!(index.iter().map(|e| e.offer).collect::<Vec<_>>(), [id, cheap], "re-sorted by the new price");
    w.refused(PROV2, METHOD_REMOVE_OFFER, &OfferQuery { offer: id }, ExitCode::USR_FORBIDDEN);
    w.ok::<_, ()>(PROV, METHOD_REMOVE_OFFER, &OfferQuery { offer: id });
    w.refused(PROV, METHOD_GET_OFFER, &OfferQuery { offer: id }, ExitCode::USR_NOT_FOUND);
    // Its peer is free to be offered again.
    w.offer(PROV, 1, &[1]);
    w.sound();
}

#[test]
fn deals_deposits_and_activation() {
    let w = World::new();
    let bad = [
        CreateDealParams { min_workers: 0, ..deal_params(1, 1, 2) },
        CreateDealParams { min_workers: 3, ..deal_params(1, 1, 2) },
        CreateDealParams { target_workers: MAX_TARGET_WORKERS + 1, ..deal_params(1, 1, 2) },
        CreateDealParams { price: TokenAmount::default(), ..deal_params(1, 1, 2) },
        CreateDealParams { require_results: true, ..deal_params(1, 1, 2) },
        CreateDealParams { verifying_key: vec![1, 2, 3], ..deal_params(1, 1, 2) },
        CreateDealParams { access_list: vec![Address::new_id(PROV)], ..deal_params(1, 1, 2) },
    ];
    for p in &bad {
        w.refused(OWNER, METHOD_CREATE_DEAL, p, ExitCode::USR_ILLEGAL_ARGUMENT);
    }
    let unknown = CreateDealParams {
        access: Access::Whitelist,
        access_list: vec![Address::new_id(4242)],
        ..deal_params(1, 1, 2)
    };
    w.refused(OWNER, METHOD_CREATE_DEAL, &unknown, ExitCode::USR_NOT_FOUND);
    let d = w.deal(&deal_params(10, 1, 2));
    assert_eq!(w.view(d).status, DealStatus::InsufficientFunds);
    // Deposits: only from the deal's token, naming an existing deal, positive.
    cloudless_runtime::mock::expect_code(w.deposit(OTHER_TOKEN, d, usdc(5)), ExitCode::USR_FORBIDDEN);
    cloudless_runtime::mock::expect_code(w.deposit(USDC, 7, usdc(5)), ExitCode::USR_NOT_FOUND);
    cloudless_runtime::mock::expect_code(w.deposit(USDC, d, TokenAmount::default()), ExitCode::USR_ILLEGAL_ARGUMENT);
    let junk = ReceiveParams { type_: token::FRC46_TOKEN_TYPE, payload: RawBytes::new(vec![1]) };
    w.refused(USDC, METHOD_RECEIVE, &junk, ExitCode::USR_SERIALIZATION);
    w.deposit(USDC, d, usdc(30)).unwrap();
    assert_eq!(w.view(d).status, DealStatus::InsufficientFunds, "the reserve is 10 × 2 × 2 = 40");
    w.deposit(USDC, d, usdc(10)).unwrap();
    let v = w.view(d);
    assert_eq!((v.status, v.reserve, v.withdrawable), (DealStatus::NotEnoughWorkers, usdc(40), TokenAmount::default()));
    w.sound();
}

/// Audit finding (issue 34): deal ids and unit slots are never reused, and the trees that held
/// them refused keys at or above 2^27, so a market that had made that many would refuse every
/// new deal or match for good. Its trees are now tall (2^33 keys).
#[test]
fn ids_beyond_two_to_the_27_still_work() {
    let w = World::new();
    w.add_unit(1, 1, PROV, true);
    let o = w.offer(PROV, 1, &[1]);
    let mut st: State = w.rt.state().unwrap();
    let first = cloudless_runtime::tree::CAPACITY;
    st.next_deal = first;
    st.next_slot = first;
    w.rt.put_state(&st);
    let d = w.deal(&deal_params(10, 1, 1));
    assert_eq!(d, first);
    w.deposit(USDC, d, usdc(40)).unwrap();
    let c = MatchDealParams { deal: d, candidates: vec![Candidate { offer: o, units: vec![unit(1)] }] };
    let r: MatchReturn = w.ok(MALLORY, METHOD_MATCH_DEAL, &c);
    assert_eq!(r.matched, [unit(1)]);
    assert_eq!(w.view(d).deal.units[0].slot, first);
}
