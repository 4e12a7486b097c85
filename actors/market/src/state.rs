//! The market's state, its storage and the per-deal payment clock. No runtime here: everything
//! runs natively in tests.
//!
//! Layout: offers (HAMT by id) with a peer → offer map and, per payment token, a paged price index
//! (offer ids by ascending minimum price, `index.rs`) for the on-chain matcher; deals and their unit records
//! in fixed-depth trees (`cloudless_runtime::tree`), so a deposit, claim, withdrawal or
//! settlement costs the same gas however many deals exist; the verifying keys of deals in a tree
//! of their own (read only by `SubmitResult`); and what the market holds of each token.
//!
//! Payments (docs/protocol.md §6), lazily and in O(1) per touch: a deal is charged in advance, one period at
//! a time, price × workers for every period from the one after `charged_through` to the current
//! one. A period it cannot afford, or in which it has workers but fewer than `min_workers`, is a
//! gap: nobody is paid for it. `paid_periods` counts the paid periods, so a unit whose worker
//! became active when it stood at `s` has earned price × (paid_periods − s). A worker set in
//! period p is counted from p + 1 (p is already charged). Deals that require verified results
//! are not charged by time: each verified unit-period is paid price from the balance when the
//! result arrives, and whatever no result claims stays in the balance.

use cid::Cid;
use cloudless_runtime::map::Map;
use cloudless_runtime::tree::{Tree, TALL};
use cloudless_runtime::{actor_error, period_of, ActorResult, ActorState};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

use crate::types::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    pub admin: ActorID,
    pub config: Config,
    /// offer id → [`Offer`] (HAMT)
    pub offers: Cid,
    /// peer id → offer id (HAMT): a peer is listed by one offer at most
    pub peer_offers: Cid,
    /// token id → [`crate::index::TokenIndex`]: pages of [`IndexEntry`] by ascending price,
    /// then offer id (HAMT)
    pub offer_index: Cid,
    /// provider id ‖ token id → offers the provider keeps in that token's index (HAMT)
    pub offer_counts: Cid,
    pub next_offer: u64,
    /// deal id → [`Deal`] (fixed-depth tree)
    pub deals: Cid,
    /// deal id → verifying key bytes (fixed-depth tree)
    pub keys: Cid,
    pub next_deal: u64,
    /// slot → [`DealUnit`] (fixed-depth tree)
    pub units: Cid,
    pub next_slot: u64,
    /// token id → [`TokenLedger`] (HAMT)
    pub ledgers: Cid,
    /// provider id ‖ token id → earnings of units that left their deals, to claim (HAMT)
    pub payable: Cid,
}

/// What the market holds of one token: deposits − withdrawals − claims. The invariant check
/// shows it equals every deal's balance plus every unit's earned, unclaimed share.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct TokenLedger {
    #[serde(with = "cloudless_runtime::amount")]
    pub held: TokenAmount,
}

pub fn id_key(id: u64) -> [u8; 8] {
    id.to_be_bytes()
}

pub fn validate_config(c: &Config) -> ActorResult<()> {
    if c.period_length <= 0 {
        return Err(actor_error!(illegal_argument; "config: period_length {} must be positive", c.period_length));
    }
    if c.min_deposited_periods == 0 || c.min_deposited_periods > 1_000_000 {
        return Err(actor_error!(illegal_argument; "config: min_deposited_periods must be 1 to 1000000"));
    }
    if c.min_rematching_periods > 1_000_000 {
        return Err(actor_error!(illegal_argument; "config: min_rematching_periods must be at most 1000000"));
    }
    Ok(())
}

impl State {
    pub fn new<BS: Blockstore>(store: &BS, admin: ActorID, config: Config) -> ActorResult<Self> {
        validate_config(&config)?;
        let empty = || Map::<BS, ()>::empty(store, "empty").flush();
        Ok(State {
            admin,
            config,
            offers: empty()?,
            peer_offers: empty()?,
            offer_index: empty()?,
            offer_counts: empty()?,
            next_offer: 0,
            deals: Tree::<_, Deal, TALL>::empty(store, "deals")?,
            keys: Tree::<_, Vec<u8>, TALL>::empty(store, "keys")?,
            next_deal: 0,
            units: Tree::<_, DealUnit, TALL>::empty(store, "deal units")?,
            next_slot: 0,
            ledgers: empty()?,
            payable: empty()?,
        })
    }

    pub fn period(&self, epoch: i64) -> i64 {
        period_of(epoch, self.config.genesis_epoch, self.config.period_length)
    }

    // --- offers ----------------------------------------------------------------------------

    pub fn get_offer<BS: Blockstore>(&self, store: &BS, id: u64) -> ActorResult<Offer> {
        self.find_offer(store, id)?.ok_or_else(|| actor_error!(not_found; "unknown offer {id}"))
    }

    pub fn find_offer<BS: Blockstore>(&self, store: &BS, id: u64) -> ActorResult<Option<Offer>> {
        Map::load(store, &self.offers, "offers")?.get(&id_key(id))
    }

    pub fn put_offer<BS: Blockstore>(&mut self, store: &BS, offer: &Offer) -> ActorResult<()> {
        let mut map = Map::load(store, &self.offers, "offers")?;
        map.set(&id_key(offer.id), offer.clone())?;
        self.offers = map.flush()?;
        Ok(())
    }

    pub fn delete_offer<BS: Blockstore>(&mut self, store: &BS, id: u64) -> ActorResult<()> {
        let mut map = Map::<BS, Offer>::load(store, &self.offers, "offers")?;
        map.delete(&id_key(id))?;
        self.offers = map.flush()?;
        Ok(())
    }

    pub fn peer_offer<BS: Blockstore>(&self, store: &BS, peer_id: &[u8]) -> ActorResult<Option<u64>> {
        Map::load(store, &self.peer_offers, "peer offers")?.get(peer_id)
    }

    /// Points `added` peers at `offer` and forgets `removed` ones.
    pub fn set_peer_offers<BS: Blockstore>(
        &mut self,
        store: &BS,
        offer: u64,
        added: &[Vec<u8>],
        removed: &[Vec<u8>],
    ) -> ActorResult<()> {
        let mut map = Map::<BS, u64>::load(store, &self.peer_offers, "peer offers")?;
        for p in removed {
            map.delete(p)?;
        }
        for p in added {
            map.set(p, offer)?;
        }
        self.peer_offers = map.flush()?;
        Ok(())
    }

    // --- deals -----------------------------------------------------------------------------

    /// Deals by id. The trees are [`TALL`] (2^33 keys) because ids are never reused: at the
    /// default height a market that had made 2^27 deals or unit slots would refuse every new one
    /// (audit finding, issue 34).
    pub fn deal_tree<'s, BS: Blockstore>(&self, store: &'s BS) -> Tree<'s, BS, Deal, TALL> {
        Tree::load(store, &self.deals, "deals")
    }

    /// Deal unit records by slot.
    pub fn unit_tree<'s, BS: Blockstore>(&self, store: &'s BS) -> Tree<'s, BS, DealUnit, TALL> {
        Tree::load(store, &self.units, "deal units")
    }

    pub fn get_deal<BS: Blockstore>(&self, store: &BS, id: u64) -> ActorResult<Deal> {
        if id >= self.next_deal {
            return Err(actor_error!(not_found; "unknown deal {id}"));
        }
        self.deal_tree(store).get(id)?.ok_or_else(|| actor_error!(illegal_state; "deal {id} has no record"))
    }

    pub fn put_deal<BS: Blockstore>(&mut self, store: &BS, deal: &Deal) -> ActorResult<()> {
        let mut tree = self.deal_tree(store);
        tree.set(deal.id, deal)?;
        self.deals = tree.root();
        Ok(())
    }

    pub fn get_key<BS: Blockstore>(&self, store: &BS, deal: u64) -> ActorResult<Vec<u8>> {
        Tree::<BS, Vec<u8>, TALL>::load(store, &self.keys, "keys")
            .get(deal)?
            .ok_or_else(|| actor_error!(illegal_state; "deal {deal} has no verifying key"))
    }

    pub fn put_key<BS: Blockstore>(&mut self, store: &BS, deal: u64, key: &Vec<u8>) -> ActorResult<()> {
        let mut tree = Tree::<_, _, TALL>::load(store, &self.keys, "keys");
        tree.set(deal, key)?;
        self.keys = tree.root();
        Ok(())
    }

    pub fn get_unit<BS: Blockstore>(&self, store: &BS, slot: u64) -> ActorResult<DealUnit> {
        self.unit_tree(store)
            .get(slot)?
            .ok_or_else(|| actor_error!(illegal_state; "deal unit slot {slot} has no record"))
    }

    pub fn put_unit<BS: Blockstore>(&mut self, store: &BS, slot: u64, unit: &DealUnit) -> ActorResult<()> {
        let mut tree = self.unit_tree(store);
        tree.set(slot, unit)?;
        self.units = tree.root();
        Ok(())
    }

    pub fn delete_unit<BS: Blockstore>(&mut self, store: &BS, slot: u64) -> ActorResult<()> {
        let mut tree = self.unit_tree(store);
        tree.delete(slot)?;
        self.units = tree.root();
        Ok(())
    }

    // --- token ledgers ----------------------------------------------------------------------

    pub fn ledger<BS: Blockstore>(&self, store: &BS, token: ActorID) -> ActorResult<TokenLedger> {
        Ok(Map::load(store, &self.ledgers, "ledgers")?.get(&id_key(token))?.unwrap_or_default())
    }

    /// Adds `delta` (negative: out) to what the market holds of `token`.
    pub fn move_held<BS: Blockstore>(&mut self, store: &BS, token: ActorID, delta: &TokenAmount) -> ActorResult<()> {
        let mut map = Map::<BS, TokenLedger>::load(store, &self.ledgers, "ledgers")?;
        let mut ledger = map.get(&id_key(token))?.unwrap_or_default();
        ledger.held += delta;
        if ledger.held.is_negative() {
            return Err(actor_error!(illegal_state; "the market would hold less than nothing of token f0{token}"));
        }
        map.set(&id_key(token), ledger)?;
        self.ledgers = map.flush()?;
        Ok(())
    }
}

/// The key of a provider's payable earnings in one token.
pub fn payable_key(provider: ActorID, token: ActorID) -> [u8; 16] {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&provider.to_be_bytes());
    key[8..].copy_from_slice(&token.to_be_bytes());
    key
}

impl State {
    /// Earnings of departed units `provider` may claim in `token`.
    pub fn payable<BS: Blockstore>(&self, store: &BS, provider: ActorID, token: ActorID) -> ActorResult<TokenAmount> {
        Ok(Map::<BS, TokenLedger>::load(store, &self.payable, "payable")?
            .get(&payable_key(provider, token))?
            .map(|l| l.held)
            .unwrap_or_default())
    }

    /// Sets `provider`'s payable earnings in `token` (deleting the record at zero).
    pub fn set_payable<BS: Blockstore>(
        &mut self,
        store: &BS,
        provider: ActorID,
        token: ActorID,
        amount: TokenAmount,
    ) -> ActorResult<()> {
        let mut map = Map::<BS, TokenLedger>::load(store, &self.payable, "payable")?;
        let key = payable_key(provider, token);
        if amount.is_zero() {
            map.delete(&key)?;
        } else {
            map.set(&key, TokenLedger { held: amount })?;
        }
        self.payable = map.flush()?;
        Ok(())
    }
}

/// The market has no clock of its own: every deal settles itself when touched.
impl ActorState for State {}

cloudless_runtime::impl_admin!(State, admin, "market admin");

/// What settling a deal to a period did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settlement {
    /// Periods charged.
    pub periods: u64,
    /// Of which paid.
    pub paid: u64,
    pub gaps: u64,
    pub charged: TokenAmount,
}

impl Deal {
    /// The reserve: price × target × min_deposited_periods.
    pub fn reserve(&self, config: &Config) -> TokenAmount {
        let times = u64::from(self.target_workers).saturating_mul(config.min_deposited_periods);
        TokenAmount::from_atto(self.price.atto() * BigInt::from(times))
    }

    /// What one period of its current workers costs.
    pub fn period_cost(&self) -> TokenAmount {
        TokenAmount::from_atto(self.price.atto() * BigInt::from(self.workers))
    }

    /// The last period it can be charged for: the current one, or the period it ended in.
    fn charge_limit(&self, now: i64) -> i64 {
        self.ended.map_or(now, |e| e.min(now))
    }

    /// Charges every period up to `now` not yet charged (in advance, the current one included):
    /// see the module docs. O(1) however many periods passed.
    pub fn settle(&mut self, now: i64) -> Settlement {
        let to = self.charge_limit(now);
        if to <= self.charged_through {
            return Settlement::default();
        }
        let periods = (to - self.charged_through) as u64;
        self.charged_through = to;
        self.funds_short = false;
        if self.require_results || self.workers == 0 {
            // Nobody to pay by time: result deals pay per verified result.
            return Settlement { periods, ..Settlement::default() };
        }
        if self.workers < self.min_workers {
            self.gaps += periods;
            return Settlement { periods, gaps: periods, ..Settlement::default() };
        }
        let cost = self.period_cost();
        let affordable = (self.balance.atto() / cost.atto()).try_into().unwrap_or(u64::MAX).min(periods);
        let charged = TokenAmount::from_atto(cost.atto() * BigInt::from(affordable));
        self.balance -= &charged;
        self.spent += &charged;
        self.paid_periods += affordable;
        self.gaps += periods - affordable;
        self.funds_short = affordable < periods;
        Settlement { periods, paid: affordable, gaps: periods - affordable, charged }
    }

    /// The status as of the current period (the deal settled to it): Fluence's order.
    pub fn status(&self, config: &Config) -> DealStatus {
        if self.ended.is_some() {
            return DealStatus::Ended;
        }
        if !self.activated || self.funds_short {
            return DealStatus::InsufficientFunds;
        }
        if self.balance < self.reserve(config) {
            return DealStatus::SmallBalance;
        }
        if self.workers < self.min_workers {
            return DealStatus::NotEnoughWorkers;
        }
        DealStatus::Active
    }

    /// What its owner may withdraw now: above the reserve while it runs; everything once
    /// min_deposited_periods have passed since it ended.
    pub fn withdrawable(&self, config: &Config, now: i64) -> TokenAmount {
        match self.ended {
            Some(e) if now >= e.saturating_add(config.min_deposited_periods as i64) => self.balance.clone(),
            Some(_) => TokenAmount::default(),
            None => (&self.balance - &self.reserve(config)).max(TokenAmount::default()),
        }
    }

    /// Whether it may take new units: running, and holding its reserve.
    pub fn matchable(&self, config: &Config) -> bool {
        self.ended.is_none() && self.activated && self.balance >= self.reserve(config)
    }

    pub fn slot_of(&self, unit: &cloudless_runtime::bytes::Bytes32) -> ActorResult<&DealSlot> {
        self.units
            .iter()
            .find(|s| &s.unit == unit)
            .ok_or_else(|| actor_error!(not_found; "unit {unit} is not in deal {}", self.id))
    }
}

impl DealUnit {
    /// Earned and not yet claimed, with the deal settled to now.
    pub fn claimable(&self, deal: &Deal) -> TokenAmount {
        let accrued = if self.active_from.is_some() && !deal.require_results {
            TokenAmount::from_atto(deal.price.atto() * BigInt::from(deal.paid_periods - self.snapshot))
        } else {
            TokenAmount::default()
        };
        &self.unclaimed + accrued
    }

    /// Moves what it accrued by time into `unclaimed` (before it claims or leaves).
    pub fn bank(&mut self, deal: &Deal) {
        self.unclaimed = self.claimable(deal);
        self.snapshot = deal.paid_periods;
    }
}
