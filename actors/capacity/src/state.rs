//! Capacity state and the storage of its records (the records themselves are in `types.rs`). No
//! SDK here: everything runs natively.
//!
//! Layout: five HAMTs keyed by bytes — providers (actor ID, 8 bytes BE), peers (peer id), units
//! (unit id), unit nonces (unit id: the local nonces accepted this period, for skipping
//! duplicates) and commitments (id, 8 bytes BE) — plus the period state and running totals.
//! CIDs from params (provider metadata) are kept as bytes: the FVM forbids linking blocks the
//! actor cannot reach.

use crate::events::{CommitmentSettled, PeriodStarted};
use cid::Cid;
use cloudless_runtime::bytes::{to_hex, Bytes32};
use cloudless_runtime::map::Map;
use cloudless_runtime::{actor_error, ActorResult, ActorState, Ctx, Effects, Fields, Runtime, PRECISION};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::ActorID;

use crate::commitment::Settlement;
use crate::period::{period_of, PeriodState};
use crate::types::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct State {
    pub admin: ActorID,
    pub config: Config,
    pub period: PeriodState,
    pub providers: Cid,
    pub peers: Cid,
    pub units: Cid,
    pub unit_nonces: Cid,
    pub commitments: Cid,
    pub next_commitment_id: u64,
    pub totals: Totals,
}

pub fn id_key(id: u64) -> [u8; 8] {
    id.to_be_bytes()
}

pub fn validate_config(c: &Config) -> ActorResult<()> {
    let bad = |msg: String| Err(actor_error!(illegal_argument; "config: {msg}"));
    if c.period_length <= 0 {
        return bad(format!("period_length {} must be positive", c.period_length));
    }
    if c.min_duration == 0 || c.min_duration > MAX_DURATION {
        return bad(format!("min_duration {} must be in 1..={MAX_DURATION}", c.min_duration));
    }
    if c.max_failed_ratio == 0 {
        return bad("max_failed_ratio must be positive".into());
    }
    if c.min_proofs == 0 || c.min_proofs > c.max_proofs {
        return bad(format!("need 0 < min_proofs ({}) <= max_proofs ({})", c.min_proofs, c.max_proofs));
    }
    if c.min_proofs_in_deal > c.min_proofs {
        return bad(format!(
            "min_proofs_in_deal ({}) must not exceed min_proofs ({})",
            c.min_proofs_in_deal, c.min_proofs
        ));
    }
    if c.max_proofs > 1_000 {
        return bad(format!("max_proofs {} exceeds 1000", c.max_proofs));
    }
    if c.slashing_rate > PRECISION {
        return bad(format!("slashing_rate {} exceeds PRECISION {PRECISION}", c.slashing_rate));
    }
    if c.usd_collateral_per_unit.is_negative() || c.flt_collateral_per_unit.is_negative() {
        return bad("collateral must not be negative".into());
    }
    if c.oracle.is_some() && c.oracle_asset.is_empty() {
        return bad("oracle_asset must name the FLT/USD asset".into());
    }
    Ok(())
}

impl State {
    pub fn new<BS: Blockstore>(
        store: &BS,
        admin: ActorID,
        config: Config,
        genesis_nonce: Bytes32,
        difficulty: Bytes32,
    ) -> ActorResult<Self> {
        validate_config(&config)?;
        let empty = || Map::<BS, ()>::empty(store, "empty").flush();
        Ok(State {
            admin,
            config,
            period: PeriodState::genesis(genesis_nonce, difficulty),
            providers: empty()?,
            peers: empty()?,
            units: empty()?,
            unit_nonces: empty()?,
            commitments: empty()?,
            next_commitment_id: 0,
            totals: Totals::default(),
        })
    }

    pub fn current_period(&self, epoch: ChainEpoch) -> i64 {
        period_of(&self.config, epoch)
    }

    /// Moves the period clock to `epoch`'s period, emitting `period-started` when it moves;
    /// `seed` gives the chain seed of a tipset epoch when the move mixes it in (`period.rs`).
    pub fn touch(
        &mut self,
        ctx: &Ctx,
        seed: impl FnOnce(ChainEpoch) -> ActorResult<Vec<u8>>,
        fx: &mut Effects,
    ) -> ActorResult<i64> {
        let now = self.current_period(ctx.epoch);
        let config = &self.config;
        if self.period.advance(now, || seed(crate::period::seed_epoch(config, now, ctx.epoch).0), ctx.keccak)? {
            fx.emit(&PeriodStarted { period: now, nonce: self.period.nonce, difficulty: self.period.difficulty })?;
        }
        Ok(now)
    }

    // --- records -------------------------------------------------------------------------------

    pub fn get_provider<BS: Blockstore>(&self, store: &BS, id: ActorID) -> ActorResult<Provider> {
        Map::load(store, &self.providers, "providers")?
            .get(&id_key(id))?
            .ok_or_else(|| actor_error!(not_found; "f0{id} is not a registered provider"))
    }

    pub fn put_provider<BS: Blockstore>(&mut self, store: &BS, p: Provider) -> ActorResult<()> {
        let mut map = Map::load(store, &self.providers, "providers")?;
        map.set(&id_key(p.id), p)?;
        self.providers = map.flush()?;
        Ok(())
    }

    pub fn find_peer<BS: Blockstore>(&self, store: &BS, peer_id: &[u8]) -> ActorResult<Option<Peer>> {
        Map::load(store, &self.peers, "peers")?.get(peer_id)
    }

    pub fn get_peer<BS: Blockstore>(&self, store: &BS, peer_id: &[u8]) -> ActorResult<Peer> {
        self.find_peer(store, peer_id)?.ok_or_else(|| actor_error!(not_found; "unknown peer {}", to_hex(peer_id)))
    }

    pub fn put_peer<BS: Blockstore>(&mut self, store: &BS, p: Peer) -> ActorResult<()> {
        let mut map = Map::load(store, &self.peers, "peers")?;
        map.set(&p.peer_id.clone(), p)?;
        self.peers = map.flush()?;
        Ok(())
    }

    pub fn find_unit<BS: Blockstore>(&self, store: &BS, id: &Bytes32) -> ActorResult<Option<Unit>> {
        Map::load(store, &self.units, "units")?.get(&id.0)
    }

    pub fn get_unit<BS: Blockstore>(&self, store: &BS, id: &Bytes32) -> ActorResult<Unit> {
        self.find_unit(store, id)?.ok_or_else(|| actor_error!(not_found; "unknown unit {id}"))
    }

    /// The units of `peer`, in its order.
    pub fn peer_units<BS: Blockstore>(&self, store: &BS, peer: &Peer) -> ActorResult<Vec<Unit>> {
        let map = Map::load(store, &self.units, "units")?;
        peer.units
            .iter()
            .map(|u| map.get(&u.0)?.ok_or_else(|| actor_error!(illegal_state; "unit {u} of a peer is missing")))
            .collect()
    }

    pub fn put_units<BS: Blockstore>(&mut self, store: &BS, units: impl IntoIterator<Item = Unit>) -> ActorResult<()> {
        let mut map = Map::load(store, &self.units, "units")?;
        for u in units {
            let key = u.id.0;
            map.set(&key, u)?;
        }
        self.units = map.flush()?;
        Ok(())
    }

    pub fn delete_units<BS: Blockstore>(&mut self, store: &BS, ids: &[Bytes32]) -> ActorResult<()> {
        let mut units = Map::<BS, Unit>::load(store, &self.units, "units")?;
        let mut nonces = Map::<BS, UnitNonces>::load(store, &self.unit_nonces, "unit nonces")?;
        for id in ids {
            units.delete(&id.0)?;
            nonces.delete(&id.0)?;
        }
        self.units = units.flush()?;
        self.unit_nonces = nonces.flush()?;
        Ok(())
    }

    /// The nonces `unit` had accepted this period (empty when its record is older).
    pub fn unit_nonces<BS: Blockstore>(&self, store: &BS, unit: &Bytes32, period: i64) -> ActorResult<Vec<Bytes32>> {
        let rec: Option<UnitNonces> = Map::load(store, &self.unit_nonces, "unit nonces")?.get(&unit.0)?;
        Ok(rec.filter(|r| r.period == period).map(|r| r.nonces).unwrap_or_default())
    }

    pub fn put_unit_nonces<BS: Blockstore>(
        &mut self,
        store: &BS,
        records: impl IntoIterator<Item = (Bytes32, UnitNonces)>,
    ) -> ActorResult<()> {
        let mut map = Map::load(store, &self.unit_nonces, "unit nonces")?;
        for (unit, rec) in records {
            map.set(&unit.0, rec)?;
        }
        self.unit_nonces = map.flush()?;
        Ok(())
    }

    pub fn get_commitment<BS: Blockstore>(&self, store: &BS, id: u64) -> ActorResult<Commitment> {
        Map::load(store, &self.commitments, "commitments")?
            .get(&id_key(id))?
            .ok_or_else(|| actor_error!(not_found; "unknown commitment {id}"))
    }

    pub fn put_commitment<BS: Blockstore>(&mut self, store: &BS, c: Commitment) -> ActorResult<()> {
        let mut map = Map::load(store, &self.commitments, "commitments")?;
        map.set(&id_key(c.id), c)?;
        self.commitments = map.flush()?;
        Ok(())
    }

    // --- settlement ----------------------------------------------------------------------------

    /// Settles up to `max_periods` periods of `cc` (in memory; the caller stores it), emitting
    /// `commitment-settled` (and the status change) when anything happened.
    pub fn settle<BS: Blockstore>(
        &mut self,
        store: &BS,
        cc: &mut Commitment,
        now: i64,
        max_periods: u64,
        fx: &mut Effects,
    ) -> ActorResult<Settlement> {
        if cc.status != Status::Active || cc.settled_through >= now.min(cc.end_period()) {
            return Ok(Settlement::default());
        }
        let peer = self.get_peer(store, &cc.peer_id)?;
        let units = self.peer_units(store, &peer)?;
        let s = cc.settle(&self.config, &units, now, max_periods);
        if s.became.is_some() {
            self.totals.committed_units -= cc.unit_count as u64;
        }
        fx.emit(&CommitmentSettled {
            id: cc.id,
            settled_through: cc.settled_through,
            failures: s.failures,
            slashed: s.slashed.clone(),
            status: cc.status.name().to_string(),
            unit_failures: cc.unit_failures.clone(),
        })?;
        Ok(s)
    }

    /// Settles `cc` completely up to `now`, or fails asking for `SettleCommitment`.
    pub fn settle_fully<BS: Blockstore>(
        &mut self,
        store: &BS,
        cc: &mut Commitment,
        now: i64,
        fx: &mut Effects,
    ) -> ActorResult<()> {
        let s = self.settle(store, cc, now, MAX_SETTLE_PERIODS, fx)?;
        if s.remaining > 0 {
            return Err(actor_error!(
                illegal_state;
                "commitment {} still has {} periods to settle; call SettleCommitment first", cc.id, s.remaining
            ));
        }
        Ok(())
    }
}

cloudless_runtime::impl_admin!(State, admin, "capacity admin");

/// Every state-changing message first moves the period clock (so `SetDifficulty` always counts
/// "next period" from the current one).
impl ActorState for State {
    fn advance<R: Runtime>(&mut self, rt: &R, ctx: &Ctx, fx: &mut Effects) -> ActorResult<()> {
        self.touch(ctx, |at| chain_seed(rt, at), fx).map(|_| ())
    }
}

/// The chain seed read from the tipset at `epoch`: the bytes of its CID (nothing before epoch
/// 0, where there is no tipset).
pub fn chain_seed<R: Runtime>(rt: &R, epoch: ChainEpoch) -> ActorResult<Vec<u8>> {
    if epoch < 0 {
        return Ok(Vec::new());
    }
    rt.tipset_cid(epoch)
        .map(|cid| cid.to_bytes())
        .map_err(|e| actor_error!(illegal_state; "reading the tipset CID of epoch {epoch}: {e}"))
}
