//! Runs a scenario: the real actors in the FVM with the Cloudless kernel, real RandomX proofs
//! mined with the prover, real Groth16 proofs for verified deals, USDC through the parent
//! simulator; every message checked (invariants, FLT total, the event indexer) and USDC
//! conservation checked after every step.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::{anyhow, bail, Context};
use cloudless_actor_capacity as capacity;
use cloudless_actor_gateway as gateway;
use cloudless_actor_market as market;
use cloudless_actor_rewards as rewards;
use cloudless_runtime::bytes::Bytes32;
use fvm::executor::ApplyRet;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::MethodNum;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::report;
use super::scenario::Loaded;
use crate::chain::parent::Parent;
use crate::chain::{cid_of, Chain, Journaled};
use crate::prove::{capacity_proofs, Mode, ProveRequest};

/// What a run reports as it goes (the CLI draws progress bars from it) and how it is stopped.
pub trait Observer {
    fn period_started(&mut self, _period: u32, _periods: u32) {}
    /// Mining `wanted` proofs for a unit (label) is about to start / has found `found`.
    fn mining(&mut self, _unit: &str, _found: usize, _wanted: usize) {}
    fn period_done(&mut self, _figures: &report::PeriodFigures) {}
    /// Checked between messages: true stops the run after the current message.
    fn stop_requested(&self) -> bool {
        false
    }
}

/// An observer that reports nothing and never stops (tests).
pub struct Quiet;
impl Observer for Quiet {}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    Complete,
    /// Stopped on request (Ctrl-C) after `periods_done` whole periods.
    Interrupted,
    /// A check failed or a step the scenario depends on was refused: why.
    Failed(String),
}

/// As `report.json` has it: `complete`, `interrupted` or `failed: <why>`.
impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            End::Complete => f.write_str("complete"),
            End::Interrupted => f.write_str("interrupted"),
            End::Failed(why) => write!(f, "failed: {why}"),
        }
    }
}

/// Everything a run produced.
pub struct Outcome {
    pub end: End,
    /// The genesis state CAR without actor code (the precondition of the run's messages).
    pub genesis: Vec<u8>,
    /// The chain as of the last message applied.
    pub chain: Chain,
    /// Every message with its receipt, in order.
    pub journal: Vec<Journaled>,
    pub report: report::Report,
    /// Wall-clock measurements (machine-dependent; never part of `report`).
    pub timings: report::Timings,
}

/// A compute unit of the scenario.
#[derive(Debug, Clone)]
pub(super) struct UnitRec {
    pub id: Bytes32,
    pub provider: usize,
    pub peer: usize,
    pub index: usize,
    pub owner: String,
    pub label: String,
}

/// A peer's commitment.
#[derive(Debug, Clone)]
pub(super) struct CommitmentRec {
    pub id: u64,
    pub provider: usize,
    pub peer: usize,
}

#[derive(Debug, Clone)]
pub(super) struct DealRec {
    pub plan: usize,
    pub id: u64,
    /// Units with a worker, and the first period it is paid for.
    pub workers: BTreeMap<Bytes32, i64>,
}

/// The state of a run between steps.
pub(super) struct Devnet<'a> {
    pub loaded: &'a Loaded,
    pub h: Chain,
    pub parent: Parent,
    pub units: Vec<UnitRec>,
    pub commitments: Vec<CommitmentRec>,
    pub deals: Vec<DealRec>,
    pub period_length: ChainEpoch,
    pub genesis_epoch: ChainEpoch,
    pub proofs_per_unit: u32,
    /// Proofs a unit serving a deal still submits each period (the capacity actor's
    /// `min_proofs_in_deal`).
    pub proofs_in_deal: u32,
    pub difficulty: [u8; 32],
    prover: Option<cloudless_groth16::testing::BoundProver>,
    pub figures: Vec<report::PeriodFigures>,
    /// SubmitProofs messages: (journal index, proofs, units).
    pub proof_messages: Vec<(usize, usize, usize)>,
    /// Unit-periods whose owed proofs were all accepted (`proofs_per_unit`, or `proofs_in_deal`
    /// for a unit serving a deal).
    pub unit_periods: u64,
    pub timings: report::Timings,
    period: u32,
}

fn encode<P: Serialize>(p: &P) -> anyhow::Result<RawBytes> {
    Ok(RawBytes::serialize(p)?)
}

fn decode<R: DeserializeOwned>(ret: &ApplyRet) -> anyhow::Result<R> {
    let data = &ret.msg_receipt.return_data;
    let bytes: &[u8] = if data.is_empty() { &[0xf6] } else { data.bytes() };
    Ok(fvm_ipld_encoding::from_slice(bytes)?)
}

/// A unit id: sha256 of `devnet/<provider account>/<peer>/<unit>`.
fn unit_id(account: &str, peer: usize, unit: usize) -> Bytes32 {
    Bytes32(cid_of(format!("devnet/{account}/{peer}/{unit}").as_bytes()).hash().digest().try_into().expect("32"))
}

pub(super) fn peer_id(account: &str, peer: usize) -> Vec<u8> {
    format!("{account}/{peer}").into_bytes()
}

/// Runs `loaded` on `bundle_car`, running `checks` after every message (the CLI passes the
/// test harness's: invariants, the FLT total, declared events, the event indexer).
pub fn run(
    loaded: &Loaded,
    bundle_car: &[u8],
    observer: &mut dyn Observer,
    checks: Vec<Box<dyn crate::chain::Check>>,
) -> anyhow::Result<Outcome> {
    let g = crate::genesis::build(&loaded.genesis, bundle_car)?;
    let genesis = g.node.state_car_without_code()?;
    let mut h = Chain::from_genesis(g, checks)?;
    h.journal = Some(Vec::new());
    let scenario = &loaded.scenario;
    let parent_accounts: Vec<(Address, TokenAmount)> =
        scenario.parent.iter().map(|(name, a)| (h.address(name), a.0.clone())).collect();
    let relayer = match &loaded.genesis.actors.gateway {
        Some(gw) => gw.authority.clone(),
        None => String::new(),
    };
    let gateway_addr = if loaded.genesis.actors.gateway.is_some() { h.address("gateway") } else { Address::new_id(0) };
    let parent = Parent::new(&parent_accounts, &relayer, gateway_addr);
    let cap = loaded.genesis.actors.capacity.as_ref().ok_or_else(|| anyhow!("the genesis has no capacity actor"))?;
    let difficulty = crate::prove::parse_hex32(&cap.difficulty, "actors.capacity.difficulty")?;
    let mut units = Vec::new();
    for (p, plan) in scenario.providers.iter().enumerate() {
        for (k, peer) in plan.peers.iter().enumerate() {
            for u in 0..peer.units as usize {
                units.push(UnitRec {
                    id: unit_id(&plan.account, k, u),
                    provider: p,
                    peer: k,
                    index: u,
                    owner: peer.owner.clone(),
                    label: format!("{}/{k}/{u}", plan.account),
                });
            }
        }
    }
    let mut net = Devnet {
        loaded,
        period_length: loaded.genesis.network.period_length,
        genesis_epoch: loaded.genesis.network.genesis_epoch,
        proofs_per_unit: scenario.proofs_per_unit.unwrap_or(cap.min_proofs),
        proofs_in_deal: cap.min_proofs_in_deal,
        difficulty,
        h,
        parent,
        units,
        commitments: Vec::new(),
        deals: Vec::new(),
        prover: None,
        figures: Vec::new(),
        proof_messages: Vec::new(),
        unit_periods: 0,
        timings: report::Timings::default(),
        period: 0,
    };
    let started = Instant::now();
    let mut end = End::Complete;
    for p in 0..scenario.periods {
        if observer.stop_requested() {
            end = End::Interrupted;
            break;
        }
        observer.period_started(p, scenario.periods);
        net.period = p;
        // A check that fails inside the parent simulator panics (it drives the chain's
        // checked sends); either way the run stops with the message that broke it.
        let step = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| net.run_period(p, observer)));
        let result = match step {
            Ok(r) => r,
            Err(panic) => Err(anyhow!(
                "{}",
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "a check failed".into())
            )),
        };
        match result {
            Ok(true) => {
                let figures = net.figures(p)?;
                observer.period_done(&figures);
                net.figures.push(figures);
            }
            Ok(false) => {
                end = End::Interrupted;
                break;
            }
            Err(e) => {
                end = End::Failed(format!("period {p}: {e:#}"));
                break;
            }
        }
    }
    net.timings.total_ms = started.elapsed().as_millis() as u64;
    let report = report::build(&net.snapshot(), &end.to_string())?;
    let Devnet { mut h, timings, .. } = net;
    let journal = h.journal.take().unwrap_or_default();
    Ok(Outcome { end, genesis, chain: h, journal, report, timings })
}

impl Devnet<'_> {
    fn addr(&self, name: &str) -> Address {
        self.h.address(name)
    }

    /// The first epoch of `period`.
    pub fn period_start(&self, period: u32) -> ChainEpoch {
        self.genesis_epoch + ChainEpoch::from(period) * self.period_length
    }

    /// Moves to the next epoch of the current period.
    fn next_epoch(&mut self) -> anyhow::Result<()> {
        let next = self.h.node.epoch() + 1;
        if next >= self.period_start(self.period + 1) {
            bail!(
                "period {} needs more messages than its {} epochs: use a longer network.period_length",
                self.period,
                self.period_length
            );
        }
        self.h.node.set_epoch(next)
    }

    /// Sends a message at the next epoch with an estimated gas limit; every check runs after it.
    /// A refusal is returned (its receipt has the exit code); a violated check is an error.
    fn send<P: Serialize>(
        &mut self,
        from: &str,
        to: Address,
        method: MethodNum,
        params: &P,
        value: TokenAmount,
    ) -> anyhow::Result<ApplyRet> {
        self.next_epoch()?;
        let epoch = self.h.node.epoch();
        self.h.try_send_estimated(from, to, method, encode(params)?, value).with_context(|| {
            let code = self.h.node.code_name_at(&to).unwrap_or_default();
            let name = crate::abi::methods(&code).into_iter().find(|m| m.number == method).map_or("?", |m| m.name);
            format!("{code}.{name} from {from} at epoch {epoch}")
        })
    }

    /// A step the rest of the scenario depends on: a refusal stops the run, naming the step.
    fn must<P: Serialize, R: DeserializeOwned>(
        &mut self,
        what: &str,
        from: &str,
        to: Address,
        method: MethodNum,
        params: &P,
        value: TokenAmount,
    ) -> anyhow::Result<R> {
        let ret = self.send(from, to, method, params, value)?;
        if !ret.msg_receipt.exit_code.is_success() {
            let why = ret.failure_info.as_ref().map(|f| f.to_string()).unwrap_or_default();
            bail!(
                "{what} (from {from}) was refused: {}: {why}",
                crate::receipt::exit_code_text(ret.msg_receipt.exit_code)
            );
        }
        decode(&ret)
    }

    /// Runs one period; false when a stop was requested.
    fn run_period(&mut self, p: u32, observer: &mut dyn Observer) -> anyhow::Result<bool> {
        let start = self.period_start(p);
        // The node enters the period; its first message lands at start + 1.
        if self.h.node.epoch() < start {
            self.h.node.set_epoch(start)?;
        }
        for step in 0..9 {
            if observer.stop_requested() {
                return Ok(false);
            }
            match step {
                0 => self.report_prices(p, observer),
                1 => self.deposits(p, observer),
                2 => self.setup_providers(p, observer),
                3 => self.create_deals(p, observer),
                4 => self.match_deals(p, observer),
                5 => self.prove(p, observer),
                6 => self.results_and_claims(p, observer),
                7 => self.withdraw_rewards(p, observer),
                _ => self.withdrawals(p, observer),
            }?;
            self.parent.check(&self.h).map_err(|e| anyhow!("USDC not conserved: {e}"))?;
        }
        if self.h.node.epoch() >= self.period_start(p + 1) {
            bail!("the relayer's messages ran past the period: use a longer network.period_length");
        }
        Ok(true)
    }

    fn report_prices(&mut self, p: u32, _: &mut dyn Observer) -> anyhow::Result<()> {
        let Some(price) = self.loaded.scenario.price_at(p).cloned() else { return Ok(()) };
        let Some(oracle) = &self.loaded.genesis.actors.oracle else { return Ok(()) };
        let asset = self.loaded.genesis.flt_asset();
        let reporters =
            oracle.assets.iter().find(|a| a.symbol == asset).map(|a| a.reporters.clone()).unwrap_or_default();
        let to = self.addr("oracle");
        for r in reporters {
            let params = cloudless_actor_oracle::ReportParams { asset: asset.clone(), price: price.clone() };
            let _: () = self.must(
                "a price report",
                &r,
                to,
                cloudless_actor_oracle::METHOD_REPORT,
                &params,
                TokenAmount::default(),
            )?;
        }
        Ok(())
    }

    fn deposits(&mut self, p: u32, _: &mut dyn Observer) -> anyhow::Result<()> {
        for d in self.loaded.scenario.deposits.iter().filter(|d| d.period == p) {
            let from = self.addr(&d.from);
            let to = self.addr(d.to.as_deref().unwrap_or(&d.from));
            if !self.parent.deposit(&from, to, d.amount.0.clone()) {
                bail!("deposit of {} USDC from {}: the parent account lacks it", d.amount.0, d.from);
            }
        }
        self.relay()
    }

    /// The relayer carries the outbox up and every queued message down.
    fn relay(&mut self) -> anyhow::Result<()> {
        if self.loaded.genesis.actors.gateway.is_none() {
            return Ok(());
        }
        self.parent.process_outbox(&self.h, u64::MAX, |_| false);
        self.parent.deliver_all(&mut self.h);
        Ok(())
    }

    fn setup_providers(&mut self, p: u32, _: &mut dyn Observer) -> anyhow::Result<()> {
        if p != 0 {
            return Ok(());
        }
        let cap = self.addr("capacity");
        let admin = self.loaded.genesis.actors.capacity.as_ref().map(|c| c.admin.clone()).unwrap_or_default();
        let zero = TokenAmount::default;
        for (i, plan) in self.loaded.scenario.providers.iter().enumerate() {
            let account = plan.account.as_str();
            let params = capacity::ProviderParams {
                name: plan.name.clone().unwrap_or_else(|| account.to_string()),
                metadata: cid_of(account.as_bytes()),
            };
            let _: () =
                self.must("RegisterProvider", account, cap, capacity::METHOD_REGISTER_PROVIDER, &params, zero())?;
            let q = capacity::ProviderQuery { provider: self.addr(account) };
            let whitelist = self.loaded.genesis.actors.capacity.as_ref().is_some_and(|c| c.whitelist);
            if whitelist {
                let _: () = self.must("ApproveProvider", &admin, cap, capacity::METHOD_APPROVE_PROVIDER, &q, zero())?;
            }
            let mut peers = Vec::new();
            for (k, peer) in plan.peers.iter().enumerate() {
                let ids: Vec<Bytes32> =
                    self.units.iter().filter(|u| u.provider == i && u.peer == k).map(|u| u.id).collect();
                let reg = capacity::RegisterPeerParams {
                    peer_id: peer_id(account, k),
                    owner: self.addr(&peer.owner),
                    units: ids.clone(),
                };
                let _: () = self.must("RegisterPeer", account, cap, capacity::METHOD_REGISTER_PEER, &reg, zero())?;
                let create = capacity::CreateCommitmentParams {
                    peer_id: peer_id(account, k),
                    duration: plan.duration,
                    delegator: plan.delegator.as_ref().map(|d| self.addr(d)),
                    delegator_reward_rate: plan.delegator_reward_rate,
                };
                let cc: capacity::CreateCommitmentReturn =
                    self.must("CreateCommitment", account, cap, capacity::METHOD_CREATE_COMMITMENT, &create, zero())?;
                let value = cc.collateral_per_unit * ids.len() as u64;
                let depositor = plan.delegator.clone().unwrap_or_else(|| account.to_string());
                let dep = capacity::DepositParams { ids: vec![cc.id] };
                let _: () =
                    self.must("DepositCollateral", &depositor, cap, capacity::METHOD_DEPOSIT_COLLATERAL, &dep, value)?;
                self.commitments.push(CommitmentRec { id: cc.id, provider: i, peer: k });
                peers.push(peer_id(account, k));
            }
            if let Some(price) = &plan.offer_price {
                let offer = market::OfferParams {
                    min_price: price.0.clone(),
                    token: None,
                    effectors: vec![],
                    peers,
                    min_version: 1,
                    max_version: 1,
                };
                let to = self.addr("market");
                let _: market::OfferReturn =
                    self.must("RegisterOffer", account, to, market::METHOD_REGISTER_OFFER, &offer, zero())?;
            }
        }
        Ok(())
    }

    fn create_deals(&mut self, p: u32, _: &mut dyn Observer) -> anyhow::Result<()> {
        for (i, plan) in self.loaded.scenario.deals.iter().enumerate().filter(|(_, d)| d.period == p) {
            let verifying_key = if plan.verified { self.prover().vk.clone() } else { Vec::new() };
            let params = market::CreateDealParams {
                app: cid_of(plan.name.as_bytes()),
                input_data: None,
                token: None,
                min_workers: plan.min_workers,
                target_workers: plan.workers,
                max_workers_per_provider: plan.max_workers_per_provider.unwrap_or(plan.workers),
                price: plan.price.0.clone(),
                effectors: vec![],
                access: market::Access::All,
                access_list: vec![],
                protocol_version: 1,
                verifying_key,
                require_results: plan.verified,
            };
            let to = self.addr("market");
            let what = format!("CreateDeal {:?}", plan.name);
            let q: market::DealQuery =
                self.must(&what, &plan.owner, to, market::METHOD_CREATE_DEAL, &params, TokenAmount::default())?;
            let fund = gateway::TransferParams {
                to,
                amount: plan.deposit.0.clone(),
                operator_data: encode(&market::DepositTarget { deal: q.deal })?.to_vec(),
            };
            let gw = self.addr("gateway");
            let what = format!("the deposit into deal {:?}", plan.name);
            let _: gateway::TransferReturn =
                self.must(&what, &plan.owner, gw, gateway::METHOD_TRANSFER, &fund, TokenAmount::default())?;
            self.deals.push(DealRec { plan: i, id: q.deal, workers: BTreeMap::new() });
        }
        Ok(())
    }

    fn prover(&mut self) -> &cloudless_groth16::testing::BoundProver {
        self.prover.get_or_insert_with(|| cloudless_groth16::testing::BoundProver::new(market::BOUND_INPUTS))
    }

    fn query<P: Serialize, R: DeserializeOwned>(&self, to: &str, method: MethodNum, params: &P) -> anyhow::Result<R> {
        self.h.node.query(self.addr(to), method, params)
    }

    pub fn deal_view(&self, id: u64) -> anyhow::Result<market::DealView> {
        self.query("market", market::METHOD_GET_DEAL, &market::DealQuery { deal: id })
    }

    /// Matches deals below their target (not ended, holding their reserve) and sets a worker
    /// on every unit that has none.
    fn match_deals(&mut self, _: u32, _: &mut dyn Observer) -> anyhow::Result<()> {
        let to = self.addr("market");
        for d in 0..self.deals.len() {
            let id = self.deals[d].id;
            let plan = &self.loaded.scenario.deals[self.deals[d].plan];
            let view = self.deal_view(id)?;
            let rematch = self.loaded.genesis.actors.market.as_ref().map_or(0, |m| m.min_rematching_periods) as i64;
            let period = i64::from(self.period);
            let may_match = view.deal.ended.is_none()
                && view.deal.balance >= view.reserve
                && (view.deal.units.len() as u32) < plan.workers
                && view.deal.last_match.is_none_or(|m| period >= m + rematch);
            if may_match {
                // The matcher looks at 2 × max_units peers from the cheapest offer on; asking
                // for more units than are missing lets it look past busy peers (the deal's
                // target still caps what it takes).
                let params = market::MatchAutoParams { deal: id, max_units: MATCH_UNITS };
                // Refused when too few units are free: the deal waits for capacity.
                self.send(&plan.owner.clone(), to, market::METHOD_MATCH_DEAL_AUTO, &params, TokenAmount::default())?;
            }
            let view = self.deal_view(id)?;
            for slot in &view.deal.units {
                if self.deals[d].workers.contains_key(&slot.unit) {
                    continue;
                }
                let owner = self
                    .units
                    .iter()
                    .find(|u| u.id == slot.unit)
                    .map(|u| u.owner.clone())
                    .ok_or_else(|| anyhow!("deal {id} holds a unit the scenario does not know"))?;
                let worker = Bytes32(cid_of(&slot.unit.0).hash().digest().try_into().expect("32"));
                let set = market::SetWorkerParams { deal: id, unit: slot.unit, worker };
                let _: () =
                    self.must("SetWorker", &owner, to, market::METHOD_SET_WORKER, &set, TokenAmount::default())?;
                self.deals[d].workers.insert(slot.unit, period + 1);
            }
        }
        Ok(())
    }

    /// How many proofs unit `u` submits in period `p`: none unless its commitment is active and
    /// it has not stopped; `proofs_in_deal` while it serves a deal; `proofs_per_unit` otherwise.
    fn proofs_due(&self, u: &UnitRec, p: u32) -> anyhow::Result<usize> {
        let plan = &self.loaded.scenario.providers[u.provider];
        if plan.stops_proving.iter().any(|s| s.peer == u.peer && s.unit == u.index && p >= s.from_period) {
            return Ok(0);
        }
        let Some(c) = self.commitments.iter().find(|c| c.provider == u.provider && c.peer == u.peer) else {
            return Ok(0);
        };
        let info: capacity::CommitmentInfo =
            self.query("capacity", capacity::METHOD_GET_COMMITMENT, &capacity::CommitmentQuery { id: c.id })?;
        if info.status != capacity::Status::Active {
            return Ok(0);
        }
        let unit: capacity::Unit =
            self.query("capacity", capacity::METHOD_GET_UNIT, &capacity::UnitQuery { unit_id: u.id })?;
        Ok(match unit.deal {
            _ if unit.exempt_until > i64::from(p) => 0,
            Some(_) => self.proofs_in_deal as usize,
            None => self.proofs_per_unit as usize,
        })
    }

    /// Every proving unit mines `proofs_per_unit` proofs; each owner's proofs are then packed
    /// into as few SubmitProofs as the actor's limits allow (up to MAX_PROOFS_PER_MESSAGE proofs
    /// over MAX_UNITS_PER_MESSAGE units, a unit's proofs split across messages when full), as a
    /// provider with several units would, so a wave of keys is paid once per message.
    fn prove(&mut self, p: u32, observer: &mut dyn Observer) -> anyhow::Result<()> {
        let mut owners: Vec<String> = Vec::new();
        for u in &self.units {
            if !owners.contains(&u.owner) {
                owners.push(u.owner.clone());
            }
        }
        for owner in owners {
            let mut mined: Vec<(Bytes32, Vec<capacity::Proof>)> = Vec::new();
            for u in self.units.clone().into_iter().filter(|u| u.owner == owner) {
                if observer.stop_requested() {
                    break;
                }
                let count = self.proofs_due(&u, p)?;
                if count == 0 {
                    continue;
                }
                // The period's terms as the actor will apply them: the node is inside the period
                // and submits at this epoch, so a nonce not fixed yet is the one it will fix.
                let terms = crate::prove::period_terms(&self.h.node)?;
                let (nonce, difficulty) = (terms.nonce.0, terms.difficulty.0);
                observer.mining(&u.label, 0, count);
                let started = Instant::now();
                let req = ProveRequest {
                    unit_id: u.id.0,
                    global_nonce: nonce,
                    difficulty,
                    count,
                    start: [0; 32],
                    mode: Mode::Light,
                };
                let proofs = capacity_proofs(&req).with_context(|| format!("mining proofs for unit {}", u.label))?;
                debug_assert_eq!(difficulty, self.difficulty);
                self.timings.mining.push(report::MiningTiming {
                    period: p,
                    unit: u.label.clone(),
                    proofs: count as u32,
                    ms: started.elapsed().as_millis() as u64,
                });
                observer.mining(&u.label, count, count);
                mined.push((u.id, proofs));
            }
            self.submit_packed(&owner, &mined)?;
            if observer.stop_requested() {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Sends `mined` (each unit's proofs) in packed SubmitProofs from `owner`; counts the units
    /// whose every proof was accepted.
    fn submit_packed(&mut self, owner: &str, mined: &[(Bytes32, Vec<capacity::Proof>)]) -> anyhow::Result<()> {
        let cap = self.addr("capacity");
        // Each batch: its proofs and (unit, proofs of it in the batch).
        type Batch = (Vec<capacity::Proof>, Vec<(Bytes32, usize)>);
        let mut batches: Vec<Batch> = Vec::new();
        for (unit, proofs) in mined {
            let mut rest = &proofs[..];
            while !rest.is_empty() {
                let full = batches.last().is_none_or(|(b, units)| {
                    b.len() == capacity::MAX_PROOFS_PER_MESSAGE || units.len() == capacity::MAX_UNITS_PER_MESSAGE
                });
                if full {
                    batches.push((Vec::new(), Vec::new()));
                }
                let (batch, units) = batches.last_mut().expect("pushed above");
                let take = rest.len().min(capacity::MAX_PROOFS_PER_MESSAGE - batch.len());
                batch.extend_from_slice(&rest[..take]);
                units.push((*unit, take));
                rest = &rest[take..];
            }
        }
        let mut accepted: BTreeMap<Bytes32, usize> = BTreeMap::new();
        for (batch, units) in batches {
            let params = capacity::SubmitProofsParams { proofs: batch };
            let applied = Instant::now();
            let r: capacity::SubmitProofsReturn = self.must(
                &format!("SubmitProofs of {} proofs over {} units", params.proofs.len(), units.len()),
                owner,
                cap,
                capacity::METHOD_SUBMIT_PROOFS,
                &params,
                TokenAmount::default(),
            )?;
            let index = self.h.journal.as_ref().map_or(0, Vec::len) - 1;
            self.timings
                .submit_proofs
                .push(report::MessageTiming { message: index, ms: applied.elapsed().as_millis() as u64 });
            self.proof_messages.push((index, params.proofs.len(), units.len()));
            if r.accepted as usize == params.proofs.len() {
                for (unit, n) in units {
                    *accepted.entry(unit).or_default() += n;
                }
            }
        }
        // A unit-period counts when every proof it owed was accepted (a full period's, or the
        // lower in-deal rate's).
        self.unit_periods += mined.iter().filter(|(u, proofs)| accepted.get(u) == Some(&proofs.len())).count() as u64;
        Ok(())
    }

    fn results_and_claims(&mut self, p: u32, _: &mut dyn Observer) -> anyhow::Result<()> {
        let to = self.addr("market");
        let period = i64::from(p);
        for d in self.deals.clone() {
            let plan = &self.loaded.scenario.deals[d.plan];
            for (unit, from) in &d.workers {
                let Some(rec) = self.units.iter().find(|u| u.id == *unit).cloned() else { continue };
                let view: anyhow::Result<market::DealUnitView> =
                    self.query("market", market::METHOD_GET_DEAL_UNIT, &market::UnitParams { deal: d.id, unit: *unit });
                let Ok(view) = view else { continue }; // the unit left the deal
                if let Some(worker) = view.record.worker.filter(|_| plan.verified && *from <= period) {
                    let output = cid_of(format!("{}/{}/{p}", plan.name, rec.label).as_bytes());
                    let bound = market::results::bound_inputs(d.id, period, Some(&output), unit, &worker).map(|b| b.0);
                    let (proof, inputs) = self.prover().prove(&bound, u64::from(p) + 1);
                    let params = market::SubmitResultParams {
                        deal: d.id,
                        unit: *unit,
                        period,
                        output: Some(output),
                        public_inputs: inputs.into_iter().map(Bytes32).collect(),
                        proof,
                    };
                    let owner = rec.owner.clone();
                    // Refused when the deal cannot pay this unit-period yet (a gap).
                    self.send(&owner, to, market::METHOD_SUBMIT_RESULT, &params, TokenAmount::default())?;
                }
                let claimable = if plan.verified {
                    let v: market::DealUnitView = self.query(
                        "market",
                        market::METHOD_GET_DEAL_UNIT,
                        &market::UnitParams { deal: d.id, unit: *unit },
                    )?;
                    v.claimable
                } else {
                    view.claimable
                };
                if claimable.is_positive() {
                    let provider = self.loaded.scenario.providers[rec.provider].account.clone();
                    let params = market::UnitParams { deal: d.id, unit: *unit };
                    let _: market::ClaimReturn = self.must(
                        "ClaimEarnings",
                        &provider,
                        to,
                        market::METHOD_CLAIM_EARNINGS,
                        &params,
                        TokenAmount::default(),
                    )?;
                }
            }
        }
        Ok(())
    }

    pub fn rewards_view(&self, id: u64) -> Option<rewards::CommitmentRewardsInfo> {
        self.query("rewards", rewards::METHOD_GET_COMMITMENT, &rewards::CommitmentQuery { id }).ok()
    }

    fn withdraw_rewards(&mut self, _: u32, _: &mut dyn Observer) -> anyhow::Result<()> {
        let to = self.addr("rewards");
        for c in self.commitments.clone() {
            let Some(view) = self.rewards_view(c.id) else { continue };
            if (&view.provider_withdrawable + &view.delegator_withdrawable).is_positive() {
                let provider = self.loaded.scenario.providers[c.provider].account.clone();
                let q = rewards::CommitmentQuery { id: c.id };
                let _: rewards::WithdrawReturn = self.must(
                    "a rewards Withdraw",
                    &provider,
                    to,
                    rewards::METHOD_WITHDRAW,
                    &q,
                    TokenAmount::default(),
                )?;
            }
        }
        Ok(())
    }

    fn withdrawals(&mut self, p: u32, _: &mut dyn Observer) -> anyhow::Result<()> {
        let gw = if self.loaded.genesis.actors.gateway.is_some() { self.addr("gateway") } else { return Ok(()) };
        for w in self.loaded.scenario.withdrawals.clone().iter().filter(|w| w.period == p) {
            let recipient = self.addr(w.to.as_deref().unwrap_or(&w.from));
            let fast = w.fast.as_ref().map(|f| gateway::FastTerms {
                fee: f.fee.0.clone(),
                deadline_epoch: self.h.node.epoch() + 1 + f.window,
            });
            let params = gateway::WithdrawParams { parent_recipient: recipient, amount: w.amount.0.clone(), fast };
            let what = format!(
                "a withdrawal of {} USDC by {}",
                cloudless_runtime::amount::format_decimal(&w.amount.0),
                w.from
            );
            let r: gateway::WithdrawReturn =
                self.must(&what, &w.from, gw, gateway::METHOD_WITHDRAW, &params, TokenAmount::default())?;
            if let Some(f) = &w.fast {
                let lp = self.addr(&f.lp);
                if !self.parent.fast_fill(&self.h, lp, r.nonce) {
                    bail!("the fast fill of withdrawal {} by {} was not possible on the parent", r.nonce, f.lp);
                }
                // The fill goes down before the outbox is settled, as an LP races the checkpoint.
                self.parent.deliver_all(&mut self.h);
            }
        }
        self.relay()
    }

    /// The period's figures, read from the state at its last message.
    fn figures(&self, p: u32) -> anyhow::Result<report::PeriodFigures> {
        report::period_figures(&self.snapshot(), p)
    }

    /// What the report is built from.
    fn snapshot(&self) -> report::Snapshot<'_> {
        let deals = &self.loaded.scenario.deals;
        report::Snapshot {
            chain: &self.h,
            parent: &self.parent,
            genesis: &self.loaded.genesis,
            scenario: &self.loaded.scenario.name,
            periods_planned: self.loaded.scenario.periods,
            genesis_epoch: self.genesis_epoch,
            period_length: self.period_length,
            proofs_per_unit: self.proofs_per_unit,
            difficulty: self.difficulty,
            commitments: self.commitments.iter().map(|c| (c.id, c.peer)).collect(),
            deals: self.deals.iter().map(|d| (d.id, deals[d.plan].name.clone())).collect(),
            proof_messages: &self.proof_messages,
            unit_periods: self.unit_periods,
            figures: &self.figures,
            mining: &self.timings.mining,
        }
    }
}

/// `max_units` of the devnet's `MatchDealAuto` calls: 32 peers considered.
pub const MATCH_UNITS: u32 = 16;
