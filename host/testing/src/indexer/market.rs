//! What the indexer rebuilds of the market: offers, deals, deal units, earnings, the held ledger, id counters.

use super::prelude::*;

use cloudless_actor_market as market;

#[derive(Default)]
pub struct MarketView {
    admin: ActorID,
    offers: BTreeMap<u64, market::Offer>,
    deals: BTreeMap<u64, market::Deal>,
    /// slot → record
    units: BTreeMap<u64, market::DealUnit>,
    /// (provider, token) → payable earnings
    payable: BTreeMap<(ActorID, ActorID), TokenAmount>,
    /// token → held
    held: BTreeMap<ActorID, TokenAmount>,
    next: (u64, u64, u64),
}

impl IndexView for MarketView {
    fn from_state(node: &Node, id: ActorID) -> anyhow::Result<Self> {
        use cloudless_runtime::map::Map;
        let st: market::State = node.actor_state(id)?;
        let s = node.store();
        let mut v =
            MarketView { admin: st.admin, next: (st.next_offer, st.next_deal, st.next_slot), ..Default::default() };
        walk(
            Map::<_, market::Offer>::load(s, &st.offers, "offers")
                .and_then(|m| m.for_each(|_, o| drop(v.offers.insert(o.id, o.clone())))),
            "offers",
        )?;
        walk(
            st.deal_tree(s).for_each(|k, d| drop(v.deals.insert(k, d.clone()))),
            "deals",
        )?;
        walk(
            st.unit_tree(s)
                .for_each(|k, u| drop(v.units.insert(k, u.clone()))),
            "deal units",
        )?;
        let key = |k: &[u8], at: usize| k.get(at..at + 8).and_then(|b| b.try_into().ok()).map(u64::from_be_bytes);
        let mut payable = BTreeMap::new();
        walk(
            Map::<_, market::state::TokenLedger>::load(s, &st.payable, "payable").and_then(|m| {
                m.for_each(|k, l| {
                    if let (Some(p), Some(t)) = (key(k, 0), key(k, 8)) {
                        payable.insert((p, t), l.held.clone());
                    }
                })
            }),
            "payable",
        )?;
        let mut held = BTreeMap::new();
        walk(
            Map::<_, market::state::TokenLedger>::load(s, &st.ledgers, "ledgers").and_then(|m| {
                m.for_each(|k, l| {
                    if let Some(t) = key(k, 0) {
                        held.insert(t, l.held.clone());
                    }
                })
            }),
            "ledgers",
        )?;
        v.payable = no_zeros(payable);
        v.held = no_zeros(held);
        Ok(v)
    }

    fn apply(&mut self, _at: &At, t: &str, e: &ActorEvent) -> anyhow::Result<()> {
        use market::*;
        match t {
            "admin-transferred" => self.admin = ev::<AdminTransferred>(e)?.to,
            "offer-registered" | "offer-updated" => {
                let o: OfferChanged = ev(e)?;
                let old = self.offers.get(&o.offer).map(|x| x.peers.clone()).unwrap_or_default();
                let peers = o
                    .peers
                    .into_iter()
                    .zip(o.free_units)
                    .map(|(p, free_units)| {
                        let units_in_deals = old.iter().find(|x| x.peer_id == p).map_or(0, |x| x.units_in_deals);
                        OfferPeer { peer_id: p, units_in_deals, free_units }
                    })
                    .collect();
                let offer = Offer {
                    id: o.offer,
                    provider: o.provider,
                    min_price: o.min_price,
                    token: o.token,
                    effectors: o.effectors,
                    peers,
                    min_version: o.min_version,
                    max_version: o.max_version,
                };
                self.offers.insert(o.offer, offer);
                self.next.0 = self.next.0.max(o.offer + 1);
            }
            "offer-peers-learned" => {
                let l: OfferPeersLearned = ev(e)?;
                let offer = get(&mut self.offers, "offer", &l.offer)?;
                for u in l.peers {
                    if let Some(p) = offer.peers.iter_mut().find(|p| p.peer_id == u.peer_id) {
                        p.free_units = u.free_units;
                    }
                }
            }
            "offer-removed" => drop(self.offers.remove(&ev::<OfferRemoved>(e)?.offer)),
            "deal-created" => {
                let d: DealCreated = ev(e)?;
                let (id, deal) = (d.deal, Deal::created(d));
                self.deals.insert(id, deal);
                self.next.1 = id + 1;
            }
            "deal-settled" => {
                let s: DealSettled = ev(e)?;
                let d = get(&mut self.deals, "deal", &s.deal)?;
                d.charged_through = s.through;
                d.paid_periods += s.paid;
                d.gaps += s.gaps;
                d.spent += s.charged;
                d.balance = s.balance;
                let paying = !d.require_results && d.workers > 0 && d.workers >= d.min_workers;
                d.funds_short = paying && s.gaps > 0;
            }
            "deposited" => {
                let p: Deposited = ev(e)?;
                let d = get(&mut self.deals, "deal", &p.deal)?;
                d.balance = p.balance;
                d.deposited += &p.amount;
                d.activated = p.activated;
                let token = d.token;
                add(&mut self.held, token, &p.amount);
            }
            "withdrawn" => {
                let w: Withdrawn = ev(e)?;
                let d = get(&mut self.deals, "deal", &w.deal)?;
                d.balance = w.balance;
                d.withdrawn += &w.amount;
                let token = d.token;
                add(&mut self.held, token, &-w.amount);
            }
            "unit-matched" => {
                let m: UnitMatched = ev(e)?;
                let d = get(&mut self.deals, "deal", &m.deal)?;
                let record = DealUnit {
                    deal: m.deal,
                    unit: m.unit,
                    provider: m.provider,
                    owner: m.owner,
                    worker: None,
                    active_from: None,
                    snapshot: d.paid_periods,
                    unclaimed: TokenAmount::default(),
                    claimed: TokenAmount::default(),
                    last_result: None,
                };
                d.units.push(DealSlot {
                    unit: m.unit,
                    slot: m.slot,
                    provider: m.provider,
                    peer_id: m.peer.clone(),
                    offer: m.offer,
                });
                self.units.insert(m.slot, record);
                let offer = get(&mut self.offers, "offer", &m.offer)?;
                if let Some(p) = offer.peers.iter_mut().find(|p| p.peer_id == m.peer) {
                    p.units_in_deals += 1;
                    p.free_units = p.free_units.saturating_sub(1);
                }
                self.next.2 = m.slot + 1;
            }
            "deal-matched" => {
                let m: DealMatched = ev(e)?;
                if m.matched > 0 {
                    get(&mut self.deals, "deal", &m.deal)?.last_match = Some(m.period);
                }
            }
            "worker-set" => {
                let w: WorkerSet = ev(e)?;
                let (d, rec) = self.unit(w.deal, &w.unit)?;
                rec.worker = Some(w.worker);
                if rec.active_from.is_none() {
                    rec.active_from = w.paid_from;
                    rec.snapshot = d.paid_periods;
                }
                d.workers = w.workers;
            }
            "unit-left" => {
                let l: UnitLeft = ev(e)?;
                let d = get(&mut self.deals, "deal", &l.deal)?;
                let at = d.units.iter().position(|s| s.unit == l.unit).ok_or_else(|| anyhow!("unit not in deal"))?;
                let slot = d.units.remove(at);
                let mut rec = self.units.remove(&slot.slot).ok_or_else(|| anyhow!("slot {} unknown", slot.slot))?;
                rec.bank(d);
                if rec.active_from.is_some() {
                    d.workers -= 1;
                }
                if rec.unclaimed.is_positive() {
                    d.departed += &rec.unclaimed;
                    add(&mut self.payable, (slot.provider, d.token), &rec.unclaimed);
                }
                if let Some(offer) = self.offers.get_mut(&slot.offer) {
                    if let Some(p) = offer.peers.iter_mut().find(|p| p.peer_id == slot.peer_id) {
                        p.units_in_deals -= 1;
                        p.free_units = p.free_units.saturating_add(1);
                    }
                }
            }
            "deal-ended" => {
                let x: DealEnded = ev(e)?;
                let d = get(&mut self.deals, "deal", &x.deal)?;
                d.ended = Some(x.period);
                d.balance = x.balance;
            }
            "earnings-claimed" => {
                let c: EarningsClaimed = ev(e)?;
                let (d, rec) = self.unit(c.deal, &c.unit)?;
                rec.bank(d);
                rec.unclaimed = TokenAmount::default();
                rec.claimed += &c.amount;
                d.claimed += &c.amount;
                let token = d.token;
                add(&mut self.held, token, &-c.amount);
            }
            "payable-claimed" => {
                let c: PayableClaimed = ev(e)?;
                self.payable.remove(&(c.provider, c.token));
                add(&mut self.held, c.token, &-c.amount);
            }
            "result-submitted" => {
                let r: ResultSubmitted = ev(e)?;
                let (d, rec) = self.unit(r.deal, &r.unit)?;
                if r.paid.is_positive() {
                    d.balance -= &r.paid;
                    d.spent += &r.paid;
                    rec.unclaimed += &r.paid;
                }
                rec.last_result =
                    Some(ResultRecord { period: r.period, output: r.output, verified: r.verified, paid: r.paid });
            }
            other => bail!("the indexer does not know market event {other}"),
        }
        Ok(())
    }

    fn diff(&self, real: &Self, _at: &At, out: &mut Vec<String>) {
        diff("admin", &self.admin, &real.admin, out);
        diff_map("offers", &self.offers, &real.offers, out);
        diff_map("deals", &self.deals, &real.deals, out);
        diff_map("deal units", &self.units, &real.units, out);
        diff_map("payable", &self.payable, &real.payable, out);
        diff_map("held", &self.held, &real.held, out);
        diff("next (offer, deal, slot)", &self.next, &real.next, out);
    }
}

impl MarketView {
    /// The deal and the slot record of `unit` in it.
    fn unit(&mut self, deal: u64, unit: &Bytes32) -> anyhow::Result<(&mut market::Deal, &mut market::DealUnit)> {
        let d = get(&mut self.deals, "deal", &deal)?;
        let slot = d.units.iter().find(|s| &s.unit == unit).ok_or_else(|| anyhow!("unit {unit} not in deal {deal}"))?;
        let rec = get(&mut self.units, "slot", &slot.slot)?;
        Ok((d, rec))
    }
}
