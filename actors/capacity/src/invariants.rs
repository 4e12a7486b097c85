//! The read-only state invariant check (docs/protocol.md §0), run by tests and the conformance runner after
//! every message.

use std::collections::BTreeMap;

use cloudless_runtime::bytes::{to_hex, Bytes32};
use cloudless_runtime::map::Map;
use cloudless_runtime::Invariants;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

use crate::state::State;
use crate::types::*;
use crate::types::{Commitment, Peer, Provider, Unit, UnitNonces};

impl State {
    fn check<BS: Blockstore>(
        &self,
        store: &BS,
        balance: &TokenAmount,
        errors: &mut Vec<String>,
    ) -> cloudless_runtime::ActorResult<()> {
        if let Err(e) = crate::state::validate_config(&self.config) {
            errors.push(e.msg().to_string());
        }
        let mut providers: BTreeMap<ActorID, Provider> = BTreeMap::new();
        Map::<BS, Provider>::load(store, &self.providers, "providers")?.for_each(|k, p| {
            if k != p.id.to_be_bytes() {
                errors.push(format!("provider f0{} under a wrong key", p.id));
            }
            providers.insert(p.id, p.clone());
        })?;
        let mut peers: BTreeMap<Vec<u8>, Peer> = BTreeMap::new();
        Map::<BS, Peer>::load(store, &self.peers, "peers")?.for_each(|k, p| {
            if k != p.peer_id.as_slice() {
                errors.push("peer under a wrong key".into());
            }
            peers.insert(p.peer_id.clone(), p.clone());
        })?;
        let mut units: BTreeMap<Bytes32, Unit> = BTreeMap::new();
        Map::<BS, Unit>::load(store, &self.units, "units")?.for_each(|k, u| {
            if k != u.id.0 {
                errors.push(format!("unit {} under a wrong key", u.id));
            }
            units.insert(u.id, u.clone());
        })?;
        let mut commitments: BTreeMap<u64, Commitment> = BTreeMap::new();
        Map::<BS, Commitment>::load(store, &self.commitments, "commitments")?.for_each(|k, c| {
            if k != c.id.to_be_bytes() {
                errors.push(format!("commitment {} under a wrong key", c.id));
            }
            commitments.insert(c.id, c.clone());
        })?;
        Map::<BS, UnitNonces>::load(store, &self.unit_nonces, "unit nonces")?.for_each(|k, n| {
            let sorted = n.nonces.windows(2).all(|w| w[0] < w[1]);
            if !sorted || n.nonces.len() > self.config.max_proofs as usize {
                errors.push(format!("unit nonces of {} unsorted or over max_proofs", to_hex(k)));
            }
            match Bytes32::try_from(k).ok().and_then(|id| units.get(&id)) {
                Some(u) if u.proof_period == n.period && u.proof_count as usize != n.nonces.len() => {
                    errors.push(format!("unit {}: {} proofs but {} nonces", u.id, u.proof_count, n.nonces.len()))
                }
                Some(_) => {}
                None => errors.push(format!("nonces of unknown unit {}", to_hex(k))),
            }
        })?;

        let t = &self.totals;
        let counts = [
            ("providers", t.providers, providers.len()),
            ("peers", t.peers, peers.len()),
            ("units", t.units, units.len()),
            ("commitments", t.commitments, commitments.values().filter(|c| c.is_live()).count()),
        ];
        for (what, total, found) in counts {
            if total != found as u64 {
                errors.push(format!("totals.{what} = {total} but {found} exist"));
            }
        }
        for p in providers.values() {
            let n = peers.values().filter(|peer| peer.provider == p.id).count();
            if p.peers as usize != n {
                errors.push(format!("provider f0{} counts {} peers, has {n}", p.id, p.peers));
            }
        }
        for peer in peers.values() {
            let name = to_hex(&peer.peer_id);
            if !providers.contains_key(&peer.provider) {
                errors.push(format!("peer {name} of unknown provider f0{}", peer.provider));
            }
            if peer.units.len() > MAX_UNITS_PER_PEER || !peer.units.windows(2).all(|w| w[0] < w[1]) {
                errors.push(format!("peer {name}: units unsorted, repeated or over {MAX_UNITS_PER_PEER}"));
            }
            for u in &peer.units {
                if units.get(u).map(|u| &u.peer_id) != Some(&peer.peer_id) {
                    errors.push(format!("peer {name} lists unit {u}, which is not its"));
                }
            }
            match peer.commitment.map(|id| (id, commitments.get(&id))) {
                Some((id, Some(c)))
                    if !c.is_live() || c.peer_id != peer.peer_id || c.unit_count as usize != peer.units.len() =>
                {
                    errors.push(format!("peer {name}: commitment {id} is not its live commitment"))
                }
                Some((id, None)) => errors.push(format!("peer {name}: unknown commitment {id}")),
                _ => {}
            }
        }
        for u in units.values() {
            if peers.get(&u.peer_id).is_none_or(|p| p.units.binary_search(&u.id).is_err()) {
                errors.push(format!("unit {} is not listed by its peer", u.id));
            }
            if u.proof_count > self.config.max_proofs {
                errors.push(format!("unit {} has {} proofs, over max_proofs", u.id, u.proof_count));
            }
        }
        let (mut committed_units, mut collateral) = (0u64, TokenAmount::default());
        for c in commitments.values() {
            let live_on_peer = peers.get(&c.peer_id).and_then(|p| p.commitment) == Some(c.id);
            if c.is_live() != live_on_peer {
                errors.push(format!("commitment {}: live = {} but its peer says {live_on_peer}", c.id, c.is_live()));
            }
            if c.unit_failures.len() != c.unit_count as usize
                || c.failures != c.unit_failures.iter().map(|f| *f as u64).sum::<u64>()
            {
                errors.push(format!("commitment {}: failures do not add up", c.id));
            }
            let slashed: TokenAmount = c.unit_failures.iter().map(|f| c.unit_slashed(*f, &self.config)).sum();
            if slashed != c.slashed {
                errors.push(format!("commitment {}: slashed {} but failures imply {slashed}", c.id, c.slashed));
            }
            if c.status == Status::Active && c.settled_through > c.end_period() {
                errors.push(format!("commitment {} settled past its end", c.id));
            }
            if (c.status == Status::Failed) != c.failed_period.is_some() && c.status != Status::Removed {
                errors.push(format!("commitment {}: failed_period inconsistent with status", c.id));
            }
            if c.status == Status::Active {
                committed_units += c.unit_count as u64;
            }
            if c.holds_collateral() {
                collateral += c.total_collateral();
            }
        }
        if t.committed_units != committed_units {
            errors.push(format!(
                "totals.committed_units = {} but {committed_units} in Active commitments",
                t.committed_units
            ));
        }
        if t.collateral != collateral {
            errors.push(format!("totals.collateral = {} but commitments hold {collateral}", t.collateral));
        }
        if balance < &collateral {
            errors.push(format!("balance {balance} is below the collateral held {collateral}"));
        }
        Ok(())
    }
}

impl Invariants for State {
    /// Every violation found (empty when sound). `balance` is the actor's FLT balance.
    fn check_state_invariants<BS: Blockstore>(&self, store: &BS, balance: &TokenAmount) -> Vec<String> {
        let mut errors = Vec::new();
        if let Err(e) = self.check(store, balance, &mut errors) {
            errors.push(format!("reading state: {}", e.msg()));
        }
        errors
    }
}
