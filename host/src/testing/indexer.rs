//! An indexer that rebuilds every product actor's records from its events alone (docs/protocol.md
//! §0: "every state change emits an event, so an indexer can rebuild state"), and the same
//! records read from the real state, for comparison.
//!
//! The harness feeds it every message's events (genesis constructors included) and compares
//! after every message: any state change an event does not carry, or carries wrongly, shows up
//! as a difference naming the actor, the record and both values. What is compared, per actor:
//!
//! - capacity: the period (nonce, entropy, difficulty, proofs), providers, peers, units, the
//!   accepted proof nonces of each unit, commitments (status, settlement, per-unit failures,
//!   slashing), the next commitment id and the totals;
//! - rewards: the open period, every closed period, every commitment's rewards (its vesting
//!   normalised to the current period: tranches that are due count as vested, as the actor
//!   itself counts them at its next touch) and the totals;
//! - market: offers (with units in deals per peer), deals (balances, charges, workers, slots),
//!   deal units (workers, earnings index, claims, last result), payable earnings, the held
//!   ledger per token and the id counters;
//! - oracle: every asset (configuration, reporters, reports and TWAP samples);
//! - gateway: balances, allowances, the outbox (payees, fills, holds, rejections), fill
//!   records, the nonces, the settled cursor and the bridge totals.
//!
//! Not compared: configuration set at genesis (constructor parameters are not events), and
//! the market's two lookup indices (`peer_offers`, `offer_index`), which are functions of the
//! offers that the actor's invariant check already verifies.
//!
//! Addresses in gateway events are resolved to actor IDs through the node's address table (an
//! indexer reads the chain's init actor the same way).

use std::collections::BTreeMap;
use std::fmt::Debug;

use anyhow::{anyhow, bail, Context};
use cloudless_runtime::admin::AdminTransferred;
use cloudless_runtime::bytes::Bytes32;
use cloudless_runtime::events::Event;
use cloudless_runtime::events::{decode, event_type};
use cloudless_runtime::tree::Tree;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::event::{ActorEvent, StampedEvent};
use fvm_shared::ActorID;

use crate::node::Node;

use cloudless_actor_capacity as capacity;
use cloudless_actor_gateway as gateway;
use cloudless_actor_market as market;
use cloudless_actor_oracle as oracle;
use cloudless_actor_rewards as rewards;

/// Records rebuilt from events, per product actor.
#[derive(Default)]
pub struct Indexer {
    views: BTreeMap<ActorID, View>,
    /// Events applied so far.
    pub events: u64,
}

enum View {
    Capacity(Box<CapacityView>),
    Rewards(Box<RewardsView>),
    Market(Box<MarketView>),
    Oracle(Box<OracleView>),
    Gateway(Box<GatewayView>),
}

impl View {
    fn new(code: &str) -> Option<View> {
        Some(match code {
            "capacity" => View::Capacity(Default::default()),
            "rewards" => View::Rewards(Default::default()),
            "market" => View::Market(Default::default()),
            "oracle" => View::Oracle(Default::default()),
            "gateway" => View::Gateway(Default::default()),
            _ => return None,
        })
    }

    fn from_state(code: &str, node: &Node, id: ActorID) -> anyhow::Result<Option<View>> {
        Ok(Some(match code {
            "capacity" => View::Capacity(Box::new(CapacityView::from_state(node, id)?)),
            "rewards" => View::Rewards(Box::new(RewardsView::from_state(node, id)?)),
            "market" => View::Market(Box::new(MarketView::from_state(node, id)?)),
            "oracle" => View::Oracle(Box::new(OracleView::from_state(node, id)?)),
            "gateway" => View::Gateway(Box::new(GatewayView::from_state(node, id)?)),
            _ => return Ok(None),
        }))
    }

    fn apply(&mut self, at: &At, t: &str, e: &ActorEvent) -> anyhow::Result<()> {
        match self {
            View::Capacity(v) => v.apply(t, e),
            View::Rewards(v) => v.apply(t, e),
            View::Market(v) => v.apply(t, e),
            View::Oracle(v) => v.apply(t, e),
            View::Gateway(v) => v.apply(at, t, e),
        }
    }

    /// Differences between `self` (indexed) and `real` (read from state).
    fn diff(&self, real: &View, now: &dyn Fn(&rewards::Config) -> i64) -> Vec<String> {
        let mut out = Vec::new();
        match (self, real) {
            (View::Capacity(a), View::Capacity(b)) => a.diff(b, &mut out),
            (View::Rewards(a), View::Rewards(b)) => a.diff(b, now, &mut out),
            (View::Market(a), View::Market(b)) => a.diff(b, &mut out),
            (View::Oracle(a), View::Oracle(b)) => a.diff(b, &mut out),
            (View::Gateway(a), View::Gateway(b)) => a.diff(b, &mut out),
            _ => out.push("indexed as another kind of actor".into()),
        }
        out
    }
}

/// What an event handler may need beyond the event: the message's epoch and address lookups.
struct At<'a> {
    node: &'a Node,
    epoch: ChainEpoch,
}

impl At<'_> {
    fn id(&self, addr: &Address) -> anyhow::Result<ActorID> {
        self.node.resolve(addr)?.ok_or_else(|| anyhow!("{addr} does not resolve to an actor"))
    }
}

impl Indexer {
    /// Applies `events` (one message's, or genesis's), emitted at the node's current epoch.
    pub fn observe(&mut self, node: &Node, events: &[StampedEvent]) -> anyhow::Result<()> {
        let at = At { node, epoch: node.epoch() };
        for (i, e) in events.iter().enumerate() {
            let code = node.code_name_at(&Address::new_id(e.emitter)).unwrap_or_default();
            let Some(fresh) = View::new(&code) else { continue };
            let t = event_type(&e.event).ok_or_else(|| anyhow!("event {i} of f0{} has no $type", e.emitter))?;
            self.views
                .entry(e.emitter)
                .or_insert(fresh)
                .apply(&at, &t, &e.event)
                .with_context(|| format!("indexing event {i} ({t}) of f0{} ({code})", e.emitter))?;
            self.events += 1;
        }
        Ok(())
    }

    /// Every difference between the indexed records and the real state, per product actor.
    pub fn differences(&self, node: &Node) -> anyhow::Result<Vec<String>> {
        let mut out = Vec::new();
        let epoch = node.epoch();
        let now = |c: &rewards::Config| cloudless_runtime::period_of(epoch, c.genesis_epoch, c.period_length);
        for (id, actor) in node.actors()? {
            let code = node.code_name(&actor.code)?.unwrap_or_default();
            let Some(real) = View::from_state(&code, node, id)? else { continue };
            match self.views.get(&id) {
                None => out.push(format!("f0{id} ({code}): no events indexed")),
                Some(indexed) => {
                    out.extend(indexed.diff(&real, &now).into_iter().map(|d| format!("f0{id} ({code}): {d}")))
                }
            }
        }
        Ok(out)
    }

    /// Fails with every difference, if any.
    pub fn check(&self, node: &Node) -> anyhow::Result<()> {
        let d = self.differences(node)?;
        if !d.is_empty() {
            bail!("the state rebuilt from events differs from the real state:\n{}", d.join("\n"));
        }
        Ok(())
    }
}

fn ev<E: Event>(e: &ActorEvent) -> anyhow::Result<E> {
    decode(e).map_err(|err| anyhow!("does not decode: {err}"))
}

fn diff<T: PartialEq + Debug>(what: &str, indexed: &T, real: &T, out: &mut Vec<String>) {
    if indexed != real {
        out.push(format!("{what}: indexed {indexed:?}, state {real:?}"));
    }
}

/// Up to three differing keys of two maps.
fn diff_map<K: Ord + Debug, V: PartialEq + Debug>(
    what: &str,
    indexed: &BTreeMap<K, V>,
    real: &BTreeMap<K, V>,
    out: &mut Vec<String>,
) {
    let keys: std::collections::BTreeSet<&K> = indexed.keys().chain(real.keys()).collect();
    let differing: Vec<&K> = keys.into_iter().filter(|k| indexed.get(k) != real.get(k)).collect();
    for k in differing.iter().take(3) {
        out.push(format!("{what}[{k:?}]: indexed {:?}, state {:?}", indexed.get(k), real.get(k)));
    }
    if differing.len() > 3 {
        out.push(format!("{what}: {} more differing entries", differing.len() - 3));
    }
}

fn get<'a, K: Ord + Debug, V>(map: &'a mut BTreeMap<K, V>, what: &str, k: &K) -> anyhow::Result<&'a mut V> {
    map.get_mut(k).ok_or_else(|| anyhow!("{what} {k:?} was never indexed"))
}

/// Adds `delta` to `map[k]`, dropping zero entries (the actors store no zeros).
fn add<K: Ord>(map: &mut BTreeMap<K, TokenAmount>, k: K, delta: &TokenAmount) {
    let v = map.remove(&k).unwrap_or_default() + delta;
    if !v.is_zero() {
        map.insert(k, v);
    }
}

fn no_zeros<K: Ord>(map: BTreeMap<K, TokenAmount>) -> BTreeMap<K, TokenAmount> {
    map.into_iter().filter(|(_, v)| !v.is_zero()).collect()
}

fn walk(r: Result<(), cloudless_runtime::ActorError>, what: &str) -> anyhow::Result<()> {
    r.map_err(|e| anyhow!("walking {what}: {}", e.msg()))
}

// --- capacity --------------------------------------------------------------------------------

#[derive(Default)]
struct CapacityView {
    admin: ActorID,
    period: Option<capacity::PeriodState>,
    providers: BTreeMap<ActorID, capacity::Provider>,
    peers: BTreeMap<Vec<u8>, capacity::Peer>,
    units: BTreeMap<Bytes32, capacity::Unit>,
    nonces: BTreeMap<Bytes32, capacity::UnitNonces>,
    commitments: BTreeMap<u64, capacity::Commitment>,
    next_commitment_id: u64,
    totals: capacity::Totals,
}

fn status_named(name: &str) -> anyhow::Result<capacity::Status> {
    use capacity::Status::*;
    [WaitDelegation, WaitStart, Active, Inactive, Failed, Removed]
        .into_iter()
        .find(|s| s.name() == name)
        .ok_or_else(|| anyhow!("unknown commitment status {name:?}"))
}

impl CapacityView {
    fn from_state(node: &Node, id: ActorID) -> anyhow::Result<Self> {
        use cloudless_runtime::map::Map;
        let st: capacity::State = node.actor_state(id)?;
        let s = node.store();
        let mut v = CapacityView {
            admin: st.admin,
            period: Some(st.period.clone()),
            next_commitment_id: st.next_commitment_id,
            totals: st.totals.clone(),
            ..Default::default()
        };
        walk(
            Map::<_, capacity::Provider>::load(s, &st.providers, "providers")
                .and_then(|m| m.for_each(|_, p| drop(v.providers.insert(p.id, p.clone())))),
            "providers",
        )?;
        walk(
            Map::<_, capacity::Peer>::load(s, &st.peers, "peers")
                .and_then(|m| m.for_each(|_, p| drop(v.peers.insert(p.peer_id.clone(), p.clone())))),
            "peers",
        )?;
        walk(
            Map::<_, capacity::Unit>::load(s, &st.units, "units")
                .and_then(|m| m.for_each(|_, u| drop(v.units.insert(u.id, u.clone())))),
            "units",
        )?;
        walk(
            Map::<_, capacity::UnitNonces>::load(s, &st.unit_nonces, "unit nonces").and_then(|m| {
                m.for_each(|k, n| {
                    if let Ok(key) = <[u8; 32]>::try_from(k) {
                        v.nonces.insert(Bytes32(key), n.clone());
                    }
                })
            }),
            "unit nonces",
        )?;
        walk(
            Map::<_, capacity::Commitment>::load(s, &st.commitments, "commitments")
                .and_then(|m| m.for_each(|_, c| drop(v.commitments.insert(c.id, c.clone())))),
            "commitments",
        )?;
        Ok(v)
    }

    fn diff(&self, real: &Self, out: &mut Vec<String>) {
        diff("admin", &self.admin, &real.admin, out);
        diff("period", &self.period, &real.period, out);
        diff_map("providers", &self.providers, &real.providers, out);
        diff_map("peers", &self.peers, &real.peers, out);
        diff_map("units", &self.units, &real.units, out);
        diff_map("unit nonces", &self.nonces, &real.nonces, out);
        diff_map("commitments", &self.commitments, &real.commitments, out);
        diff("next commitment id", &self.next_commitment_id, &real.next_commitment_id, out);
        diff("totals", &self.totals, &real.totals, out);
    }

    fn new_unit(id: Bytes32, peer: &[u8]) -> capacity::Unit {
        capacity::Unit { id, peer_id: peer.to_vec(), deal: None, exempt_until: 0, proof_period: -1, proof_count: 0 }
    }

    fn period(&mut self) -> anyhow::Result<&mut capacity::PeriodState> {
        self.period.as_mut().ok_or_else(|| anyhow!("no period-started yet"))
    }

    fn apply(&mut self, t: &str, e: &ActorEvent) -> anyhow::Result<()> {
        use capacity::*;
        match t {
            "admin-transferred" => self.admin = ev::<AdminTransferred>(e)?.to,
            "period-started" => {
                let p: PeriodStarted = ev(e)?;
                self.period = Some(PeriodState {
                    period: p.period,
                    nonce: p.nonce,
                    entropy: Bytes32::ZERO,
                    difficulty: p.difficulty,
                    next_difficulty: None,
                    proofs: 0,
                });
            }
            "difficulty-set" => self.period()?.next_difficulty = Some(ev::<DifficultySet>(e)?.difficulty),
            "provider-registered" => {
                let p: ProviderChanged = ev(e)?;
                let provider =
                    Provider { id: p.provider, name: p.name, metadata: p.metadata, approved: p.approved, peers: 0 };
                self.providers.insert(p.provider, provider);
                self.totals.providers += 1;
            }
            "provider-updated" | "provider-approved" => {
                let p: ProviderChanged = ev(e)?;
                let provider = get(&mut self.providers, "provider", &p.provider)?;
                (provider.name, provider.metadata, provider.approved) = (p.name, p.metadata, p.approved);
            }
            "peer-registered" => {
                let p: PeerRegistered = ev(e)?;
                for u in &p.units {
                    self.units.insert(*u, Self::new_unit(*u, &p.peer));
                }
                self.totals.peers += 1;
                self.totals.units += p.units.len() as u64;
                get(&mut self.providers, "provider", &p.provider)?.peers += 1;
                let peer = Peer {
                    peer_id: p.peer.clone(),
                    provider: p.provider,
                    owner: p.owner,
                    units: p.units,
                    commitment: None,
                };
                self.peers.insert(p.peer, peer);
            }
            "units-added" => {
                let p: UnitsChanged = ev(e)?;
                for u in &p.units {
                    self.units.insert(*u, Self::new_unit(*u, &p.peer));
                }
                self.totals.units += p.units.len() as u64;
                let peer = get(&mut self.peers, "peer", &p.peer)?;
                peer.units.extend(p.units);
                peer.units.sort();
            }
            "units-removed" => {
                let p: UnitsChanged = ev(e)?;
                for u in &p.units {
                    self.units.remove(u);
                    self.nonces.remove(u);
                }
                self.totals.units -= p.units.len() as u64;
                get(&mut self.peers, "peer", &p.peer)?.units.retain(|u| !p.units.contains(u));
            }
            "commitment-created" => {
                let c: CommitmentCreated = ev(e)?;
                get(&mut self.peers, "peer", &c.peer)?.commitment = Some(c.id);
                let cc = Commitment {
                    id: c.id,
                    peer_id: c.peer,
                    provider: c.provider,
                    delegator: c.delegator,
                    delegator_reward_rate: c.delegator_reward_rate,
                    unit_count: c.unit_count,
                    collateral_per_unit: c.collateral_per_unit,
                    duration: c.duration,
                    status: Status::WaitDelegation,
                    start_period: 0,
                    settled_through: 0,
                    failures: 0,
                    unit_failures: vec![0; c.unit_count as usize],
                    slashed: TokenAmount::default(),
                    failed_period: None,
                };
                self.commitments.insert(c.id, cc);
                self.next_commitment_id = c.id + 1;
                self.totals.commitments += 1;
            }
            "commitment-removed" => self.release(ev::<CommitmentRemoved>(e)?.id)?,
            "collateral-deposited" => {
                let d: CollateralDeposited = ev(e)?;
                let cc = get(&mut self.commitments, "commitment", &d.id)?;
                cc.delegator = Some(d.delegator);
                cc.status = Status::Active;
                cc.start_period = d.start_period;
                cc.settled_through = d.start_period;
                self.totals.committed_units += cc.unit_count as u64;
                self.totals.collateral += d.amount;
            }
            "commitment-settled" => {
                let s: CommitmentSettled = ev(e)?;
                let cc = get(&mut self.commitments, "commitment", &s.id)?;
                let status = status_named(&s.status)?;
                cc.settled_through = s.settled_through;
                cc.failures += s.failures;
                cc.slashed += s.slashed;
                cc.unit_failures = s.unit_failures;
                if cc.status == Status::Active && status != Status::Active {
                    self.totals.committed_units -= cc.unit_count as u64;
                }
                if status == Status::Failed {
                    cc.failed_period = Some(s.settled_through);
                }
                cc.status = status;
            }
            "commitment-finished" => {
                let f: CommitmentFinished = ev(e)?;
                self.totals.collateral -= f.returned + f.slashed;
                self.release(f.id)?;
            }
            "unit-moved-to-deal" => {
                let u: UnitDealChanged = ev(e)?;
                get(&mut self.units, "unit", &u.unit)?.deal = u.deal;
            }
            "unit-returned-from-deal" => {
                let u: UnitDealChanged = ev(e)?;
                let now = self.period()?.period;
                let unit = get(&mut self.units, "unit", &u.unit)?;
                unit.deal = None;
                unit.exempt_until = now + 1;
            }
            "proofs-accepted" => {
                let p: ProofsAccepted = ev(e)?;
                let unit = get(&mut self.units, "unit", &p.unit)?;
                unit.proof_period = p.period;
                unit.proof_count = p.count;
                let rec = self.nonces.entry(p.unit).or_insert(UnitNonces { period: p.period, nonces: Vec::new() });
                if rec.period != p.period {
                    *rec = UnitNonces { period: p.period, nonces: Vec::new() };
                }
                rec.nonces.extend(p.nonces);
                rec.nonces.sort();
                let period = self.period()?;
                period.proofs += p.accepted as u64;
                period.entropy = p.entropy;
            }
            other => bail!("the indexer does not know capacity event {other}"),
        }
        Ok(())
    }

    /// A commitment leaves its peer (Removed).
    fn release(&mut self, id: u64) -> anyhow::Result<()> {
        let cc = get(&mut self.commitments, "commitment", &id)?;
        cc.status = capacity::Status::Removed;
        let peer = cc.peer_id.clone();
        get(&mut self.peers, "peer", &peer)?.commitment = None;
        self.totals.commitments -= 1;
        Ok(())
    }
}

// --- rewards ---------------------------------------------------------------------------------

#[derive(Default)]
struct RewardsView {
    admin: ActorID,
    current: Option<rewards::OpenPeriod>,
    closed: BTreeMap<i64, rewards::ClosedPeriod>,
    commitments: BTreeMap<u64, rewards::CommitmentRewards>,
    totals: rewards::Totals,
    /// The actor's configuration, from its state (genesis parameters are not events).
    config: Option<rewards::Config>,
}

/// `cc` as of period `now`: tranches due by then counted as vested.
fn vested_at(mut cc: rewards::CommitmentRewards, now: i64) -> rewards::CommitmentRewards {
    let due = cc.vesting.iter().take_while(|t| t.period <= now).count();
    for t in cc.vesting.drain(..due) {
        cc.vested += t.amount;
    }
    cc
}

impl RewardsView {
    fn from_state(node: &Node, id: ActorID) -> anyhow::Result<Self> {
        let st: rewards::State = node.actor_state(id)?;
        let s = node.store();
        let mut v = RewardsView {
            admin: st.admin,
            current: Some(st.current.clone()),
            totals: st.totals.clone(),
            config: Some(st.config.clone()),
            ..Default::default()
        };
        walk(st.periods(s).for_each(|k, p| drop(v.closed.insert(k as i64, p.clone()))), "periods")?;
        walk(st.commitments(s).for_each(|k, c| drop(v.commitments.insert(k, c.clone()))), "commitments")?;
        Ok(v)
    }

    fn diff(&self, real: &Self, now: &dyn Fn(&rewards::Config) -> i64, out: &mut Vec<String>) {
        diff("admin", &self.admin, &real.admin, out);
        diff("open period", &self.current, &real.current, out);
        diff_map("closed periods", &self.closed, &real.closed, out);
        let now = real.config.as_ref().map(now).unwrap_or_default();
        let at = |m: &BTreeMap<u64, rewards::CommitmentRewards>| -> BTreeMap<u64, rewards::CommitmentRewards> {
            m.iter().map(|(k, c)| (*k, vested_at(c.clone(), now))).collect()
        };
        diff_map("commitments", &at(&self.commitments), &at(&real.commitments), out);
        diff("totals", &self.totals, &real.totals, out);
    }

    fn open(&mut self) -> anyhow::Result<&mut rewards::OpenPeriod> {
        self.current.as_mut().ok_or_else(|| anyhow!("no period-opened yet"))
    }

    fn apply(&mut self, t: &str, e: &ActorEvent) -> anyhow::Result<()> {
        use rewards::*;
        match t {
            "admin-transferred" => self.admin = ev::<AdminTransferred>(e)?.to,
            "period-opened" => {
                let p: PeriodOpened = ev(e)?;
                self.current = Some(OpenPeriod { period: p.period, pool: p.pool, total: 0, units: 0 });
            }
            "period-closed" => {
                let p: PeriodClosed = ev(e)?;
                self.totals.allocated += &p.allocated;
                self.totals.unallocated -= &p.allocated;
                let closed = ClosedPeriod { pool: p.pool, total: p.total, units: p.units, allocated: p.allocated };
                self.closed.insert(p.period, closed);
            }
            "funded" => {
                let f: Funded = ev(e)?;
                self.totals.funded += &f.amount;
                self.totals.unallocated += &f.amount;
            }
            "commitment-added" => {
                let c: CommitmentAdded = ev(e)?;
                self.commitments
                    .insert(c.commitment, CommitmentRewards::new(c.provider, c.delegator, c.delegator_reward_rate));
                self.totals.commitments += 1;
            }
            "reward-settled" => {
                let r: RewardSettled = ev(e)?;
                let cc = get(&mut self.commitments, "commitment", &r.commitment)?;
                cc.earned += r.reward;
                cc.pending_count = 0;
                for t in r.vesting {
                    match cc.vesting.binary_search_by_key(&t.period, |x| x.period) {
                        Ok(k) => cc.vesting[k].amount += t.amount,
                        Err(k) => cc.vesting.insert(k, t),
                    }
                }
            }
            "proofs-recorded" => {
                let p: ProofsRecorded = ev(e)?;
                let cc = get(&mut self.commitments, "commitment", &p.commitment)?;
                cc.pending_period = p.period;
                cc.pending_count = p.commitment_count;
                let open = self.open()?;
                open.total = p.period_total;
                open.units += p.units;
            }
            "withdrawn" => {
                let w: Withdrawn = ev(e)?;
                let cc = get(&mut self.commitments, "commitment", &w.commitment)?;
                cc.delegator_withdrawn += &w.delegator_amount;
                cc.provider_withdrawn += &w.provider_amount;
                self.totals.paid += w.delegator_amount + w.provider_amount;
            }
            "pool-config-set" => {}
            other => bail!("the indexer does not know rewards event {other}"),
        }
        Ok(())
    }
}

// --- market ----------------------------------------------------------------------------------

#[derive(Default)]
struct MarketView {
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

impl MarketView {
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
            Tree::<_, market::Deal>::load(s, &st.deals, "deals").for_each(|k, d| drop(v.deals.insert(k, d.clone()))),
            "deals",
        )?;
        walk(
            Tree::<_, market::DealUnit>::load(s, &st.units, "deal units")
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

    fn diff(&self, real: &Self, out: &mut Vec<String>) {
        diff("admin", &self.admin, &real.admin, out);
        diff_map("offers", &self.offers, &real.offers, out);
        diff_map("deals", &self.deals, &real.deals, out);
        diff_map("deal units", &self.units, &real.units, out);
        diff_map("payable", &self.payable, &real.payable, out);
        diff_map("held", &self.held, &real.held, out);
        diff("next (offer, deal, slot)", &self.next, &real.next, out);
    }

    /// The deal and the slot record of `unit` in it.
    fn unit(&mut self, deal: u64, unit: &Bytes32) -> anyhow::Result<(&mut market::Deal, &mut market::DealUnit)> {
        let d = get(&mut self.deals, "deal", &deal)?;
        let slot = d.units.iter().find(|s| &s.unit == unit).ok_or_else(|| anyhow!("unit {unit} not in deal {deal}"))?;
        let rec = get(&mut self.units, "slot", &slot.slot)?;
        Ok((d, rec))
    }

    fn apply(&mut self, t: &str, e: &ActorEvent) -> anyhow::Result<()> {
        use market::*;
        match t {
            "admin-transferred" => self.admin = ev::<AdminTransferred>(e)?.to,
            "offer-registered" | "offer-updated" => {
                let o: OfferChanged = ev(e)?;
                let old = self.offers.get(&o.offer).map(|x| x.peers.clone()).unwrap_or_default();
                let peers = o
                    .peers
                    .into_iter()
                    .map(|p| {
                        let units_in_deals = old.iter().find(|x| x.peer_id == p).map_or(0, |x| x.units_in_deals);
                        OfferPeer { peer_id: p, units_in_deals }
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
}

// --- oracle ----------------------------------------------------------------------------------

#[derive(Default)]
struct OracleView {
    admin: ActorID,
    assets: BTreeMap<String, oracle::Asset>,
}

impl OracleView {
    fn from_state(node: &Node, id: ActorID) -> anyhow::Result<Self> {
        use cloudless_runtime::map::Map;
        let st: oracle::State = node.actor_state(id)?;
        let mut v = OracleView { admin: st.admin, ..Default::default() };
        walk(
            Map::<_, oracle::Asset>::load(node.store(), &st.assets, "assets")
                .and_then(|m| m.for_each(|_, a| drop(v.assets.insert(a.symbol.clone(), a.clone())))),
            "assets",
        )?;
        Ok(v)
    }

    fn diff(&self, real: &Self, out: &mut Vec<String>) {
        diff("admin", &self.admin, &real.admin, out);
        diff_map("assets", &self.assets, &real.assets, out);
    }

    fn apply(&mut self, t: &str, e: &ActorEvent) -> anyhow::Result<()> {
        use oracle::*;
        match t {
            "admin-transferred" => self.admin = ev::<AdminTransferred>(e)?.to,
            "asset-added" | "asset-config-set" => {
                let a: AssetChanged = ev(e)?;
                let config = AssetConfig {
                    quorum: a.quorum,
                    report_expiry: a.report_expiry,
                    max_deviation: a.max_deviation,
                    twap_window: a.twap_window,
                };
                let fresh = || Asset {
                    symbol: a.asset.clone(),
                    config: config.clone(),
                    reporters: vec![],
                    reports: vec![],
                    samples: vec![],
                };
                self.assets.entry(a.asset.clone()).or_insert_with(fresh).config = config.clone();
            }
            "reporter-added" => {
                let r: ReporterChanged = ev(e)?;
                let asset = get(&mut self.assets, "asset", &r.asset)?;
                if let Err(pos) = asset.reporters.binary_search(&r.reporter) {
                    asset.reporters.insert(pos, r.reporter);
                }
            }
            "reporter-removed" => {
                let r: ReporterChanged = ev(e)?;
                let asset = get(&mut self.assets, "asset", &r.asset)?;
                asset.reporters.retain(|x| *x != r.reporter);
                asset.reports.retain(|x| x.reporter != r.reporter);
            }
            "price-reported" => {
                let p: PriceReported = ev(e)?;
                let asset = get(&mut self.assets, "asset", &p.asset)?;
                let report = Report { reporter: p.reporter, price: p.price, epoch: p.epoch };
                match asset.reports.binary_search_by_key(&p.reporter, |r| r.reporter) {
                    Ok(pos) => asset.reports[pos] = report,
                    Err(pos) => asset.reports.insert(pos, report),
                }
            }
            "median-updated" => {
                let m: MedianUpdated = ev(e)?;
                let asset = get(&mut self.assets, "asset", &m.asset)?;
                match asset.samples.last_mut() {
                    Some(last) if last.epoch == m.epoch => last.median = m.median,
                    _ => {
                        asset.samples.push(Sample { epoch: m.epoch, median: m.median });
                        if asset.samples.len() > MAX_TWAP_SAMPLES {
                            asset.samples.remove(0);
                        }
                    }
                }
            }
            other => bail!("the indexer does not know oracle event {other}"),
        }
        Ok(())
    }
}

// --- gateway ---------------------------------------------------------------------------------

#[derive(Default)]
struct GatewayView {
    admin: ActorID,
    token: Option<(String, String, ActorID)>,
    balances: BTreeMap<ActorID, TokenAmount>,
    /// (owner, operator) → allowance
    allowances: BTreeMap<(ActorID, ActorID), TokenAmount>,
    outbox: BTreeMap<u64, gateway::OutboxEntry>,
    fills: BTreeMap<Vec<u8>, gateway::FillRecord>,
    /// (next deposit nonce, next outbox nonce, settled cursor)
    cursors: (u64, u64, u64),
    totals: gateway::Totals,
}

impl GatewayView {
    fn from_state(node: &Node, id: ActorID) -> anyhow::Result<Self> {
        use cloudless_runtime::map::Map;
        let st: gateway::State = node.actor_state(id)?;
        let s = node.store();
        let (summary, _) = st.token.check_invariants(s, gateway::GRANULARITY);
        let balances = summary.balance_map.unwrap_or_default().into_iter().collect();
        let mut allowances = BTreeMap::new();
        for (owner, ops) in summary.allowance_map.unwrap_or_default() {
            for (op, a) in ops {
                allowances.insert((owner, op), a);
            }
        }
        let mut v = GatewayView {
            admin: st.admin,
            token: Some((st.name.clone(), st.symbol.clone(), st.authority)),
            balances: no_zeros(balances),
            allowances: no_zeros(allowances),
            cursors: (st.next_deposit_nonce, st.next_outbox_nonce, st.settled_before),
            totals: st.totals.clone(),
            ..Default::default()
        };
        let outbox = st.outbox(s).map_err(|e| anyhow!("{}", e.msg()))?;
        outbox
            .for_each(|nonce, entry| {
                v.outbox.insert(nonce, entry.clone());
                Ok(())
            })
            .map_err(|e| anyhow!("walking the outbox: {e}"))?;
        walk(
            Map::<_, gateway::FillRecord>::load(s, &st.fills, "fills").and_then(|m| {
                m.for_each(|k, r| {
                    v.fills.insert(k.to_vec(), r.clone());
                })
            }),
            "fills",
        )?;
        Ok(v)
    }

    fn diff(&self, real: &Self, out: &mut Vec<String>) {
        diff("admin", &self.admin, &real.admin, out);
        diff("token (name, symbol, authority)", &self.token, &real.token, out);
        diff_map("balances", &self.balances, &real.balances, out);
        diff_map("allowances", &self.allowances, &real.allowances, out);
        diff_map("outbox", &self.outbox, &real.outbox, out);
        diff_map("fills", &self.fills, &real.fills, out);
        diff("(next deposit, next outbox, settled before)", &self.cursors, &real.cursors, out);
        diff("totals", &self.totals, &real.totals, out);
    }

    fn entry(&mut self, nonce: u64) -> anyhow::Result<&mut gateway::OutboxEntry> {
        get(&mut self.outbox, "outbox entry", &nonce)
    }

    fn apply(&mut self, at: &At, t: &str, e: &ActorEvent) -> anyhow::Result<()> {
        use gateway::*;
        match t {
            "admin-transferred" => self.admin = ev::<AdminTransferred>(e)?.to,
            "token-created" => {
                let c: TokenCreated = ev(e)?;
                self.token = Some((c.name, c.symbol, c.authority));
            }
            "deposit-applied" => {
                let d: DepositApplied = ev(e)?;
                add(&mut self.balances, at.id(&d.recipient)?, &d.amount);
                self.cursors.0 = d.nonce + 1;
                self.totals.minted += d.amount;
            }
            "deposit-bounced" => {
                let d: DepositBounced = ev(e)?;
                self.cursors.0 = d.nonce + 1;
                self.totals.minted += d.amount;
            }
            "outbox-entry" => {
                let o: OutboxEntryAdded = ev(e)?;
                if let Some(sender) = o.sender {
                    add(&mut self.balances, sender, &-o.amount.clone());
                }
                self.totals.burned += &o.amount;
                self.totals.pending += &o.amount;
                let fast = match (o.fee, o.deadline) {
                    (Some(fee), Some(deadline_epoch)) => Some(FastTerms { fee, deadline_epoch }),
                    _ => None,
                };
                let entry = OutboxEntry {
                    sender: o.sender,
                    deposit_nonce: o.deposit_nonce,
                    recipient: o.recipient,
                    payee: o.recipient,
                    amount: o.amount,
                    fast,
                    filled: false,
                    rejected: false,
                    epoch: at.epoch,
                    held: false,
                };
                self.outbox.insert(o.nonce, entry);
                self.cursors.1 = o.nonce + 1;
            }
            "withdrawals-confirmed" => {
                let c: WithdrawalsConfirmed = ev(e)?;
                if c.from < self.cursors.2 {
                    // ConfirmHeldWithdrawal: one entry behind the cursor.
                    self.entry(c.from)?.held = false;
                } else {
                    for n in &c.held {
                        self.entry(*n)?.held = true;
                    }
                    self.cursors.2 = c.to + 1;
                }
                self.totals.pending -= &c.amount;
                self.totals.confirmed += c.amount;
            }
            "withdrawal-rejected" => {
                let r: WithdrawalRejected = ev(e)?;
                let entry = self.entry(r.nonce)?;
                entry.rejected = true;
                entry.held = false;
                self.totals.pending -= &r.amount;
                self.totals.refunded += &r.amount;
                self.totals.minted += &r.amount;
                add(&mut self.balances, r.sender, &r.amount);
            }
            "fast-fill" => {
                let f: FastFill = ev(e)?;
                if f.verdict == FillVerdict::Accepted {
                    let entry = self.entry(f.nonce)?;
                    entry.filled = true;
                    entry.payee = f.lp;
                }
                self.fills.insert(state::fill_key(f.nonce, &f.lp), FillRecord { verdict: f.verdict, epoch: at.epoch });
            }
            "allowance" => {
                let a: AllowanceChanged = ev(e)?;
                // Decreasing or revoking for an address that has no actor stores nothing.
                if a.allowance.is_zero() && at.node.resolve(&a.operator)?.is_none() {
                    return Ok(());
                }
                let key = (a.owner, at.id(&a.operator)?);
                self.allowances.remove(&key);
                add(&mut self.allowances, key, &a.allowance);
            }
            "transfer" => {
                let x: Transferred = ev(e)?;
                let (from, to) = (at.id(&x.from)?, at.id(&x.to)?);
                add(&mut self.balances, from, &-x.amount.clone());
                add(&mut self.balances, to, &x.amount);
                if x.operator != from {
                    add(&mut self.allowances, (from, x.operator), &-x.amount);
                }
            }
            // The IPC link's own bookkeeping (results awaited, last nonce) is not indexed: an
            // entry's settlement shows in `withdrawals-confirmed`/`withdrawal-rejected`.
            "ipc-call-sent" => {}
            other => bail!("the indexer does not know gateway event {other}"),
        }
        Ok(())
    }
}
