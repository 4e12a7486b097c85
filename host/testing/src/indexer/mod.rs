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

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt::Debug;

use anyhow::{anyhow, bail, Context};
use cloudless_runtime::events::Event;
use cloudless_runtime::events::{decode, event_type};
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::event::{ActorEvent, StampedEvent};
use fvm_shared::ActorID;

use cloudless_host::node::Node;

/// Records rebuilt from events, per product actor.
#[derive(Default)]
pub struct Indexer {
    views: BTreeMap<ActorID, Box<dyn AnyView>>,
    /// Events applied so far.
    pub events: u64,
}

/// An actor's records as the indexer keeps them: rebuilt from its events, or read from its
/// state, and compared.
pub trait IndexView: Default + 'static {
    fn from_state(node: &Node, id: ActorID) -> anyhow::Result<Self>;
    /// Applies one event of type `t`.
    fn apply(&mut self, at: &At, t: &str, e: &ActorEvent) -> anyhow::Result<()>;
    /// Every difference between `self` (indexed) and `real` (read from state).
    fn diff(&self, real: &Self, at: &At, out: &mut Vec<String>);
}

/// An [`IndexView`] of any actor.
trait AnyView {
    fn apply(&mut self, at: &At, t: &str, e: &ActorEvent) -> anyhow::Result<()>;
    fn diff(&self, real: &dyn AnyView, at: &At) -> Vec<String>;
    fn as_any(&self) -> &dyn Any;
}

impl<V: IndexView> AnyView for V {
    fn apply(&mut self, at: &At, t: &str, e: &ActorEvent) -> anyhow::Result<()> {
        IndexView::apply(self, at, t, e)
    }

    fn diff(&self, real: &dyn AnyView, at: &At) -> Vec<String> {
        let mut out = Vec::new();
        match real.as_any().downcast_ref::<V>() {
            Some(real) => IndexView::diff(self, real, at, &mut out),
            None => out.push("indexed as another kind of actor".into()),
        }
        out
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// What every view module uses (a glob of the parent would also import its sibling modules,
/// whose names are the actor crates' aliases).
mod prelude {
    pub(super) use super::{add, diff, diff_map, ev, get, no_zeros, walk, At, IndexView};
    pub(super) use anyhow::{anyhow, bail};
    pub(super) use cloudless_host::node::Node;
    pub(super) use cloudless_runtime::admin::AdminTransferred;
    pub(super) use cloudless_runtime::bytes::Bytes32;
    pub(super) use fvm_shared::econ::TokenAmount;
    pub(super) use fvm_shared::event::ActorEvent;
    pub(super) use fvm_shared::ActorID;
    pub(super) use std::collections::BTreeMap;
}

// Which actors have a view, from the one actor list (actors/registry/src/list.rs): each
// `index <module>::<View>` is the module (`<module>.rs` here) and its view.
macro_rules! actors {
    ($(
        $kind:ident $name:literal = $krate:ident :: $actor:ident in $package:literal
        $(, genesis $gmod:ident :: $gsec:ident)? $(, index $imod:ident :: $iview:ident)?;
    )*) => {
        $($(mod $imod;)?)*

        /// An empty view for an actor of code `code`, if it has one.
        fn fresh(code: &str) -> Option<Box<dyn AnyView>> {
            match code {
                $($($name => Some(Box::<$imod::$iview>::default()),)?)*
                _ => None,
            }
        }

        /// The view of actor `id` (of code `code`) read from its state, if it has one.
        fn from_state(code: &str, node: &Node, id: ActorID) -> anyhow::Result<Option<Box<dyn AnyView>>> {
            Ok(match code {
                $($($name => Some(Box::new(<$imod::$iview as IndexView>::from_state(node, id)?)),)?)*
                _ => None,
            })
        }
    };
}

cloudless_actors::with_list!();

/// What an event handler may need beyond the event: the message's epoch and address lookups.
pub struct At<'a> {
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
            let Some(fresh) = fresh(&code) else { continue };
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
        let at = At { node, epoch: node.epoch() };
        for (id, actor) in node.actors()? {
            let code = node.code_name(&actor.code)?.unwrap_or_default();
            let Some(real) = from_state(&code, node, id)? else { continue };
            match self.views.get(&id) {
                None => out.push(format!("f0{id} ({code}): no events indexed")),
                Some(indexed) => {
                    out.extend(indexed.diff(real.as_ref(), &at).into_iter().map(|d| format!("f0{id} ({code}): {d}")))
                }
            }
        }
        Ok(out)
    }

    /// Applies `events` (genesis constructors' or one message's), then [`Indexer::check`]s.
    pub fn follow(&mut self, node: &Node, events: &[StampedEvent]) -> anyhow::Result<()> {
        self.observe(node, events)?;
        self.check(node)
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
