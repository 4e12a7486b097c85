//! The market's state invariant check (read-only; tests and the conformance runner call it after
//! every message). It walks every offer, deal and unit record, so it never runs on chain.
//!
//! Beyond the records' own consistency, the ledger: for every token, what the market holds =
//! Σ deal balances + Σ units' earned, unclaimed shares + Σ providers' payable earnings (no
//! dust: every payment is a whole price per unit-period); and for every deal,
//! spent = claimed + departed + Σ its units' unclaimed shares. That the units the market holds
//! are in the capacity actor's view as in their deal is checked by the host, which sees both.

use std::collections::BTreeMap;

use cloudless_runtime::map::Map;
use cloudless_runtime::{ActorResult, Invariants};
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

use crate::index::{check_pages, TokenIndex};
use crate::state::{id_key, payable_key, validate_config, State, TokenLedger};
use crate::types::*;

impl Invariants for State {
    fn check_state_invariants<BS: Blockstore>(&self, store: &BS, _balance: &TokenAmount) -> Vec<String> {
        let mut errors = Vec::new();
        if let Err(e) = self.check(store, &mut errors) {
            errors.push(format!("reading state: {}", e.msg()));
        }
        errors
    }
}

impl State {
    fn check<BS: Blockstore>(&self, store: &BS, errors: &mut Vec<String>) -> ActorResult<()> {
        if let Err(e) = validate_config(&self.config) {
            errors.push(e.msg().to_string());
        }
        let mut offers: BTreeMap<u64, Offer> = BTreeMap::new();
        Map::<BS, Offer>::load(store, &self.offers, "offers")?.for_each(|k, o| {
            if k != id_key(o.id) || o.id >= self.next_offer {
                errors.push(format!("offer {} under a wrong key or beyond next_offer", o.id));
            }
            if !o.peers.windows(2).all(|w| w[0].peer_id < w[1].peer_id) || o.peers.is_empty() {
                errors.push(format!("offer {}: peers empty, unsorted or repeated", o.id));
            }
            offers.insert(o.id, o.clone());
        })?;
        let mut listed = 0usize;
        Map::<BS, u64>::load(store, &self.peer_offers, "peer offers")?.for_each(|peer, id| {
            listed += 1;
            if !offers.get(id).is_some_and(|o| o.peers.iter().any(|p| p.peer_id == peer)) {
                errors.push(format!("a peer points at offer {id}, which does not list it"));
            }
        })?;
        if listed != offers.values().map(|o| o.peers.len()).sum::<usize>() {
            errors.push("peer map and offers' peers differ".into());
        }
        let mut indexed = 0usize;
        let mut directories = Vec::new();
        Map::<BS, TokenIndex>::load(store, &self.offer_index, "offer index")?
            .for_each(|k, ix| directories.push((k.to_vec(), ix.clone())))?;
        let mut counted: BTreeMap<Vec<u8>, u32> = BTreeMap::new();
        for (k, ix) in &directories {
            let entries = check_pages(store, ix, errors)?;
            indexed += entries.len();
            for e in entries {
                match offers.get(&e.offer) {
                    Some(o)
                        if id_key(o.token) == k[..]
                            && o.min_price == e.price
                            && o.provider == e.provider
                            && o.usable() == e.usable =>
                    {
                        *counted.entry(payable_key(o.provider, o.token).to_vec()).or_default() += 1;
                    }
                    _ => errors.push(format!("index entry of offer {} does not match it", e.offer)),
                }
            }
        }
        if indexed != offers.len() {
            errors.push(format!("{indexed} index entries for {} offers", offers.len()));
        }
        let mut counts: BTreeMap<Vec<u8>, u32> = BTreeMap::new();
        Map::<BS, u32>::load(store, &self.offer_counts, "offer counts")?.for_each(|k, n| {
            counts.insert(k.to_vec(), *n);
        })?;
        if counts != counted {
            errors.push("the offers counted per provider and token differ from the index".into());
        }

        let mut units: BTreeMap<u64, DealUnit> = BTreeMap::new();
        self.unit_tree(store).for_each(|slot, u| {
            units.insert(slot, u.clone());
        })?;
        let mut deals: Vec<Deal> = Vec::new();
        self.deal_tree(store).for_each(|id, d| {
            if id != d.id || id >= self.next_deal {
                errors.push(format!("deal {} under a wrong key or beyond next_deal", d.id));
            }
            deals.push(d.clone());
        })?;
        if deals.len() as u64 != self.next_deal {
            errors.push(format!("{} deals recorded, next_deal is {}", deals.len(), self.next_deal));
        }

        let mut held: BTreeMap<ActorID, TokenAmount> = BTreeMap::new();
        let mut in_deals: BTreeMap<(u64, Vec<u8>), u32> = BTreeMap::new();
        let mut seen_slots = 0usize;
        for d in &deals {
            let name = format!("deal {}", d.id);
            if d.balance != &d.deposited - &d.withdrawn - &d.spent || d.balance.is_negative() {
                errors.push(format!("{name}: balance {} != deposited - withdrawn - spent", d.balance));
            }
            if d.units.len() > d.target_workers as usize {
                errors.push(format!("{name}: {} units over target {}", d.units.len(), d.target_workers));
            }
            if d.ended.is_some() && !d.units.is_empty() {
                errors.push(format!("{name}: ended with units"));
            }
            if d.has_key && self.get_key(store, d.id).is_err() {
                errors.push(format!("{name}: no verifying key"));
            }
            let mut claimable = TokenAmount::default();
            let mut workers = 0u32;
            for (i, s) in d.units.iter().enumerate() {
                if d.units[..i].iter().any(|o| o.unit == s.unit || o.peer_id == s.peer_id) {
                    errors.push(format!("{name}: unit {} or its peer listed twice", s.unit));
                }
                match units.get(&s.slot) {
                    Some(u) if u.deal == d.id && u.unit == s.unit && u.provider == s.provider => {
                        claimable += u.claimable(d);
                        workers += u32::from(u.active_from.is_some());
                        seen_slots += 1;
                    }
                    _ => errors.push(format!("{name}: slot {} has no matching unit record", s.slot)),
                }
                *in_deals.entry((s.offer, s.peer_id.clone())).or_default() += 1;
            }
            if workers != d.workers {
                errors.push(format!("{name}: counts {} workers, has {workers}", d.workers));
            }
            if d.spent != &d.claimed + &d.departed + &claimable {
                errors.push(format!("{name}: spent {} != claimed + departed + unclaimed", d.spent));
            }
            *held.entry(d.token).or_default() += &d.balance + &claimable;
        }
        if seen_slots != units.len() {
            errors.push(format!("{} unit records, {seen_slots} listed by deals", units.len()));
        }
        for o in offers.values() {
            for p in &o.peers {
                let n = in_deals.remove(&(o.id, p.peer_id.clone())).unwrap_or(0);
                if n != p.units_in_deals {
                    errors.push(format!("offer {}: a peer counts {} units in deals, has {n}", o.id, p.units_in_deals));
                }
            }
        }
        if !in_deals.is_empty() {
            errors.push("deal units of unknown offers or peers".into());
        }
        Map::<BS, TokenLedger>::load(store, &self.payable, "payable")?.for_each(|k, l| {
            let token = u64::from_be_bytes(k[8..16].try_into().unwrap_or_default());
            *held.entry(token).or_default() += &l.held;
        })?;
        let mut ledgers: BTreeMap<ActorID, TokenAmount> = BTreeMap::new();
        Map::<BS, TokenLedger>::load(store, &self.ledgers, "ledgers")?.for_each(|k, l| {
            ledgers.insert(u64::from_be_bytes(k.try_into().unwrap_or_default()), l.held.clone());
        })?;
        for (token, sum) in &held {
            let have = ledgers.remove(token).unwrap_or_default();
            if &have != sum {
                errors.push(format!("token f0{token}: holds {have}, owes balances + earnings {sum}"));
            }
        }
        for (token, have) in ledgers {
            if !have.is_zero() {
                errors.push(format!("token f0{token}: holds {have} owed to nobody"));
            }
        }
        Ok(())
    }
}
