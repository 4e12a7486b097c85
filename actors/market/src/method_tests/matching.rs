//! Matching: every rule a manual match checks, partial matches, filters, and the automatic
//! match's choice of the cheapest suitable offers.

use super::*;

#[test]
fn matching_checks_every_rule_and_skips() {
    let (w, d, o1, o2) = matched_world();
    w.add_unit(3, 3, PROV, false); // uncommitted
    w.add_unit(4, 1, PROV, true); // second unit of peer 1
    w.add_unit(5, 5, PROV2, true);
    let expensive = w.offer(PROV2, 50, &[5]);
    let candidates = vec![
        Candidate { offer: 77, units: vec![unit(1)] },
        Candidate { offer: expensive, units: vec![unit(5)] },
        Candidate { offer: o1, units: vec![unit(9), unit(2), unit(3), unit(1), unit(4)] },
        Candidate { offer: o2, units: vec![unit(2)] },
    ];
    let r: MatchReturn = w.ok(MALLORY, METHOD_MATCH_DEAL, &MatchDealParams { deal: d, candidates });
    assert_eq!(r.matched, [unit(1), unit(2)]);
    let reasons: Vec<(u64, Option<Bytes32>, Skip)> = r.skipped.iter().map(|s| (s.offer, s.unit, s.reason)).collect();
    assert_eq!(
        reasons,
        [
            (77, None, Skip::UnknownOffer),
            (expensive, None, Skip::PriceTooLow),
            (o1, Some(unit(9)), Skip::UnknownUnit),
            (o1, Some(unit(2)), Skip::NotOfferPeer),
            (o1, Some(unit(3)), Skip::NotOfferPeer),
            (o1, Some(unit(4)), Skip::PeerInDeal),
        ]
    );
    assert_eq!(w.cap.borrow().units[&unit(1)].deal, Some(d));
    // Full now; and too soon to match again anyway.
    let again = MatchDealParams { deal: d, candidates: vec![Candidate { offer: o1, units: vec![unit(4)] }] };
    w.refused(MALLORY, METHOD_MATCH_DEAL, &again, ExitCode::USR_ILLEGAL_STATE);
    w.at_period(2);
    let r: MatchReturn = w.ok(MALLORY, METHOD_MATCH_DEAL, &again);
    assert_eq!((r.matched.len(), r.skipped[0].reason), (0, Skip::DealFull));
    w.sound();
}

#[test]
fn matching_fails_only_below_min_workers_and_filters_whole_offers() {
    let w = World::new();
    w.add_unit(1, 1, PROV, true);
    let o1 = w.offer(PROV, 5, &[1]);
    let mut p = deal_params(10, 2, 2);
    p.effectors.push(cid(b"gpu"));
    let d = w.deal(&p);
    let c = MatchDealParams { deal: d, candidates: vec![Candidate { offer: o1, units: vec![unit(1)] }] };
    w.refused(MALLORY, METHOD_MATCH_DEAL, &c, ExitCode::USR_ILLEGAL_STATE); // no reserve yet
    w.deposit(USDC, d, usdc(40)).unwrap();
    let msg = w.refused(MALLORY, METHOD_MATCH_DEAL, &c, ExitCode::USR_ILLEGAL_STATE);
    assert!(msg.contains("min_workers"), "{msg}");
    for (change, reason) in [
        (CreateDealParams { protocol_version: 9, ..deal_params(10, 1, 1) }, Skip::Version),
        (CreateDealParams { token: Some(Address::new_id(OTHER_TOKEN)), ..deal_params(10, 1, 1) }, Skip::OtherToken),
        (
            CreateDealParams {
                access: Access::Blacklist,
                access_list: vec![Address::new_id(PROV)],
                ..deal_params(10, 1, 1)
            },
            Skip::AccessList,
        ),
        (
            CreateDealParams {
                access: Access::Whitelist,
                access_list: vec![Address::new_id(PROV2)],
                ..deal_params(10, 1, 1)
            },
            Skip::AccessList,
        ),
        (CreateDealParams { effectors: vec![cid(b"gpu")], ..deal_params(10, 1, 1) }, Skip::MissingEffectors),
    ] {
        let token = if change.token.is_some() { OTHER_TOKEN } else { USDC };
        let d = w.deal(&change);
        w.deposit(token, d, usdc(20)).unwrap();
        let c = MatchDealParams { deal: d, candidates: vec![Candidate { offer: o1, units: vec![unit(1)] }] };
        let msg = w.refused(MALLORY, METHOD_MATCH_DEAL, &c, ExitCode::USR_ILLEGAL_STATE);
        assert!(msg.contains("min_workers"), "{msg}");
        // The same candidates with min 0 would report the reason: check through the filter itself.
        let st: State = w.rt.state().unwrap();
        let deal = st.get_deal(w.rt.store(), d).unwrap();
        let offer = st.get_offer(w.rt.store(), o1).unwrap();
        assert_eq!(crate::matching::offer_mismatch(&deal, &offer), Some(reason));
    }
    w.sound();
}

#[test]
fn auto_matching_picks_the_cheapest_suitable_offers() {
    let w = World::new();
    for (u, p, prov) in [(1, 1, PROV), (2, 2, PROV2), (3, 3, PROV2)] {
        w.add_unit(u, p, prov, true);
    }
    w.add_unit(4, 2, PROV2, true); // a second unit of peer 2: one per peer per deal
    let dear = w.offer(PROV, 8, &[1]);
    let cheap = w.offer(PROV2, 3, &[2, 3]);
    let d = w.deal(&deal_params(10, 1, 2));
    w.refused(MALLORY, METHOD_MATCH_DEAL_AUTO, &MatchAutoParams { deal: d, max_units: 1 }, ExitCode::USR_ILLEGAL_STATE);
    w.deposit(USDC, d, usdc(40)).unwrap();
    w.refused(
        MALLORY,
        METHOD_MATCH_DEAL_AUTO,
        &MatchAutoParams { deal: d, max_units: 0 },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    let r: MatchReturn = w.ok(MALLORY, METHOD_MATCH_DEAL_AUTO, &MatchAutoParams { deal: d, max_units: 5 });
    assert_eq!(r.matched, [unit(2), unit(3)], "both from the cheaper offer, one per peer");
    let deal = w.view(d).deal;
    assert!(deal.units.iter().all(|s| s.offer == cheap) && dear != cheap);
    w.sound();
}

/// Audit finding (issue 34): cheap offers whose peers have no free committed unit used to spend
/// `MatchDealAuto`'s whole budget (two peers for one unit, sixteen offers) and starve every
/// automatic match; now only peers with a free committed unit are considered.
#[test]
fn idle_and_busy_peers_do_not_starve_automatic_matching() {
    let w = World::new();
    // Fifteen cheap offers of idle peers (no active commitment).
    for i in 0..15u8 {
        w.add_unit(100 + i, 100 + i, PROV, false);
        w.offer(PROV, 1, &[100 + i]);
    }
    // A cheap peer with one committed unit, soon busy in another deal.
    w.add_unit(50, 50, PROV, true);
    let busy = w.offer(PROV, 1, &[50]);
    // Sixteen offers in one token is the most one provider keeps (it cannot fill the index).
    w.add_unit(60, 60, PROV, true);
    let msg = w.refused(PROV, METHOD_REGISTER_OFFER, &offer_params(1, &[60]), ExitCode::USR_ILLEGAL_STATE);
    assert!(msg.contains("16 offers"), "{msg}");
    let first = w.deal(&deal_params(10, 1, 1));
    w.deposit(USDC, first, usdc(40)).unwrap();
    let r: MatchReturn = w.ok(MALLORY, METHOD_MATCH_DEAL_AUTO, &MatchAutoParams { deal: first, max_units: 1 });
    assert_eq!(r.matched, [unit(50)]);
    let index: Vec<IndexEntry> = w.ok(MALLORY, METHOD_GET_OFFER_INDEX, &TokenQuery { token: None });
    assert_eq!(index.iter().filter(|e| e.usable).count(), 0, "idle and busy offers are not usable: {index:?}");
    assert!(index.iter().any(|e| e.offer == busy && !e.usable));
    // The one usable offer is the dearest; it is still found.
    w.add_unit(1, 1, PROV2, true);
    let good = w.offer(PROV2, 5, &[1]);
    let d = w.deal(&deal_params(10, 1, 1));
    w.deposit(USDC, d, usdc(40)).unwrap();
    let r: MatchReturn = w.ok(MALLORY, METHOD_MATCH_DEAL_AUTO, &MatchAutoParams { deal: d, max_units: 1 });
    assert_eq!(r.matched, [unit(1)]);
    assert_eq!(w.view(d).deal.units[0].offer, good);
    w.sound();
}

/// The price index is paged (at most 64 entries a page): 200 offers of 13 providers fill
/// several pages, `MatchDealAuto` walks past every unusable entry to the one usable offer on
/// the last page, and removals join the pages again while the per-provider counts follow.
#[test]
fn automatic_matching_walks_a_paged_index() {
    let w = World::new();
    let provider = |i: u8| 1000 + ActorID::from(i / 16);
    let mut offers = Vec::new();
    for i in 0..200u8 {
        if i % 16 == 0 {
            w.cap.borrow_mut().approved.push(provider(i));
        }
        w.add_unit(i, i, provider(i), false);
        offers.push((provider(i), w.offer(provider(i), 1 + u64::from(i % 3), &[i])));
    }
    let st: State = w.rt.state().unwrap();
    let ix = st.token_index(w.rt.store(), USDC).unwrap();
    assert_eq!(ix.len, 200);
    assert!((4..=6).contains(&ix.pages.len()), "{} pages", ix.pages.len());
    assert_eq!(st.provider_offers(w.rt.store(), 1000, USDC).unwrap(), 16);
    // The one usable offer sorts last (the dearest price, the newest id).
    w.add_unit(200, 200, PROV2, true);
    let good = w.offer(PROV2, 3, &[200]);
    let d = w.deal(&deal_params(10, 1, 1));
    w.deposit(USDC, d, usdc(40)).unwrap();
    let r: MatchReturn = w.ok(MALLORY, METHOD_MATCH_DEAL_AUTO, &MatchAutoParams { deal: d, max_units: 1 });
    assert_eq!(r.matched, [unit(200)]);
    assert_eq!(w.view(d).deal.units[0].offer, good);
    let index: Vec<IndexEntry> = w.ok(MALLORY, METHOD_GET_OFFER_INDEX, &TokenQuery { token: None });
    assert_eq!(index.len(), 201);
    assert_eq!(index.last().map(|e| (e.offer, e.usable)), Some((good, false)), "its only unit is busy now");
    w.sound();
    // Removing 190 offers joins the pages again.
    for (provider, offer) in offers.drain(..190) {
        w.ok::<_, ()>(provider, METHOD_REMOVE_OFFER, &OfferQuery { offer });
    }
    let st: State = w.rt.state().unwrap();
    let ix = st.token_index(w.rt.store(), USDC).unwrap();
    assert_eq!((ix.len, ix.pages.len()), (11, 1));
    assert_eq!(st.provider_offers(w.rt.store(), 1000, USDC).unwrap(), 0);
    assert_eq!(st.provider_offers(w.rt.store(), 1011, USDC).unwrap(), 2, "offers 190 and 191");
    assert_eq!(st.provider_offers(w.rt.store(), 1012, USDC).unwrap(), 8, "offers 192..199");
    w.sound();
}

/// The capacity actor tells the market when a peer's commitment starts or finishes; anyone may
/// refresh an offer whose commitments ended in between.
#[test]
fn peer_units_follow_commitments() {
    let w = World::new();
    w.add_unit(7, 7, PROV, false);
    let o = w.offer(PROV, 1, &[7]);
    let d = w.deal(&deal_params(10, 1, 1));
    w.deposit(USDC, d, usdc(40)).unwrap();
    let msg = w.refused(
        MALLORY,
        METHOD_MATCH_DEAL_AUTO,
        &MatchAutoParams { deal: d, max_units: 1 },
        ExitCode::USR_ILLEGAL_STATE,
    );
    assert!(msg.contains("min_workers"), "{msg}");
    // The commitment is deposited: only the capacity actor may say so.
    w.cap.borrow_mut().units.get_mut(&unit(7)).unwrap().commitment_active = true;
    let told = PeerUnitsParams { peers: vec![PeerUnits { peer_id: peer(7), free_units: 1 }] };
    w.refused(MALLORY, METHOD_PEER_UNITS_CHANGED, &told, ExitCode::USR_FORBIDDEN);
    w.refused(CAPACITY, METHOD_PEER_UNITS_CHANGED, &PeerUnitsParams { peers: vec![] }, ExitCode::USR_ILLEGAL_ARGUMENT);
    w.rt.ok::<_, ()>(CAPACITY, METHOD_PEER_UNITS_CHANGED, &told);
    let offer: Offer = w.ok(MALLORY, METHOD_GET_OFFER, &OfferQuery { offer: o });
    assert_eq!(offer.peers[0].free_units, 1);
    // A peer in no offer is ignored.
    let stranger = PeerUnitsParams { peers: vec![PeerUnits { peer_id: peer(9), free_units: 4 }] };
    w.rt.ok::<_, ()>(CAPACITY, METHOD_PEER_UNITS_CHANGED, &stranger);
    let r: MatchReturn = w.ok(MALLORY, METHOD_MATCH_DEAL_AUTO, &MatchAutoParams { deal: d, max_units: 1 });
    assert_eq!(r.matched, [unit(7)]);
    let offer: Offer = w.ok(MALLORY, METHOD_GET_OFFER, &OfferQuery { offer: o });
    assert_eq!((offer.peers[0].free_units, offer.peers[0].units_in_deals), (0, 1));
    // The unit leaves; its commitment then ends without a word to the market: the offer looks
    // usable until someone refreshes it.
    w.ok::<_, ()>(OWNER, METHOD_STOP, &DealQuery { deal: d });
    let index: Vec<IndexEntry> = w.ok(MALLORY, METHOD_GET_OFFER_INDEX, &TokenQuery { token: None });
    assert!(index[0].usable);
    w.cap.borrow_mut().units.get_mut(&unit(7)).unwrap().commitment_active = false;
    w.refused(MALLORY, METHOD_REFRESH_OFFER, &OfferQuery { offer: 99 }, ExitCode::USR_NOT_FOUND);
    let r: RefreshReturn = w.ok(MALLORY, METHOD_REFRESH_OFFER, &OfferQuery { offer: o });
    assert_eq!((r.free_units, r.usable_peers), (0, 0));
    let index: Vec<IndexEntry> = w.ok(MALLORY, METHOD_GET_OFFER_INDEX, &TokenQuery { token: None });
    assert!(!index[0].usable);
    w.sound();
}
