//! What the indexer rebuilds of the capacity actor: period, providers, peers, units, proof nonces, commitments, totals.

use super::prelude::*;

use cloudless_actor_capacity as capacity;

#[derive(Default)]
pub struct CapacityView {
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

impl IndexView for CapacityView {
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

    fn apply(&mut self, _at: &At, t: &str, e: &ActorEvent) -> anyhow::Result<()> {
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

    fn diff(&self, real: &Self, _at: &At, out: &mut Vec<String>) {
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
}

impl CapacityView {
    fn new_unit(id: Bytes32, peer: &[u8]) -> capacity::Unit {
        capacity::Unit { id, peer_id: peer.to_vec(), deal: None, exempt_until: 0, proof_period: -1, proof_count: 0 }
    }

    fn period(&mut self) -> anyhow::Result<&mut capacity::PeriodState> {
        self.period.as_mut().ok_or_else(|| anyhow!("no period-started yet"))
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
