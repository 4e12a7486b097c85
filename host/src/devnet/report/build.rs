//! The report of a run, built from a [`Snapshot`]: the chain as the run left it and the plain
//! records the run kept (which commitments and deals it made, which messages carried proofs).
//! Nothing here reads the run's own types.

use std::collections::BTreeMap;

use cloudless_actor_capacity as capacity;
use cloudless_actor_gateway as gateway;
use cloudless_actor_market as market;
use cloudless_actor_rewards as rewards;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

use super::*;
use crate::chain::parent::Parent;
use crate::chain::Chain;
use crate::genesis::GenesisConfig;
use crate::node::BLOCK_GAS_LIMIT;

/// What the report is built from: the chain and the parent as a run left them, the genesis
/// config, and what the run recorded on the way.
pub struct Snapshot<'a> {
    pub chain: &'a Chain,
    pub parent: &'a Parent,
    pub genesis: &'a GenesisConfig,
    pub scenario: &'a str,
    pub periods_planned: u32,
    pub genesis_epoch: ChainEpoch,
    pub period_length: ChainEpoch,
    pub proofs_per_unit: u32,
    pub difficulty: [u8; 32],
    /// The commitments the run made: (commitment id, peer index of its provider).
    pub commitments: Vec<(u64, usize)>,
    /// The deals the run created: (deal id, the scenario's name for it).
    pub deals: Vec<(u64, String)>,
    /// SubmitProofs messages: (journal index, proofs, units).
    pub proof_messages: &'a [(usize, usize, usize)],
    /// Unit-periods proved in full.
    pub unit_periods: u64,
    /// The figures of the periods run so far.
    pub figures: &'a [PeriodFigures],
    /// Units mined per period.
    pub mining: &'a [MiningTiming],
}

impl Snapshot<'_> {
    fn names(&self) -> BTreeMap<ActorID, String> {
        self.genesis.accounts.iter().map(|a| (self.chain.id(&a.name), a.name.clone())).collect()
    }

    fn period_of(&self, epoch: i64) -> u32 {
        u32::try_from((epoch - self.genesis_epoch).max(0) / self.period_length).unwrap_or(u32::MAX)
    }

    fn period_start(&self, period: u32) -> ChainEpoch {
        self.genesis_epoch + ChainEpoch::from(period) * self.period_length
    }
}

fn name_of(names: &BTreeMap<ActorID, String>, id: ActorID) -> String {
    names.get(&id).cloned().unwrap_or_else(|| format!("f0{id}"))
}

/// The figures of period `p`, read at its last message.
pub fn period_figures(net: &Snapshot, p: u32) -> anyhow::Result<PeriodFigures> {
    let node = &net.chain.node;
    let names = net.names();
    let journal = net.chain.journal.as_deref().unwrap_or_default();
    let in_period: Vec<_> = journal.iter().filter(|j| net.period_of(j.epoch) == p).collect();
    let price: Option<cloudless_runtime::oracle::PriceInfo> = net.genesis.actors.oracle.as_ref().and_then(|_| {
        node.query(
            net.chain.address("oracle"),
            cloudless_actor_oracle::METHOD_GET_PRICE,
            &cloudless_runtime::oracle::AssetQuery { asset: net.genesis.flt_asset() },
        )
        .ok()
    });
    let rewards_addr = net.chain.address("rewards");
    let totals: rewards::TotalsReturn = node.query(rewards_addr, rewards::METHOD_GET_TOTALS, &())?;
    let pool = node
        .query::<_, rewards::PeriodInfo>(
            rewards_addr,
            rewards::METHOD_GET_PERIOD,
            &rewards::PeriodQuery { period: p.into() },
        )
        .ok()
        .map(|i| i.pool);
    let cap = net.chain.address("capacity");
    let mut commitments = Vec::new();
    let mut parties: BTreeMap<(String, &str), (TokenAmount, TokenAmount)> = BTreeMap::new();
    let (mut collateral, mut slashed) = (TokenAmount::default(), TokenAmount::default());
    for &(id, peer) in &net.commitments {
        let info: capacity::CommitmentInfo =
            node.query(cap, capacity::METHOD_GET_COMMITMENT, &capacity::CommitmentQuery { id })?;
        let r: Option<rewards::CommitmentRewardsInfo> = node
            .query(net.chain.address("rewards"), rewards::METHOD_GET_COMMITMENT, &rewards::CommitmentQuery { id })
            .ok();
        let zero = TokenAmount::default;
        let provider = name_of(&names, info.commitment.provider);
        if let Some(r) = &r {
            let delegator = name_of(&names, r.delegator);
            let e = parties.entry((provider.clone(), "provider")).or_default();
            e.0 += &r.provider_withdrawn + &r.provider_withdrawable;
            e.1 += &r.provider_withdrawn;
            let e = parties.entry((delegator, "delegator")).or_default();
            e.0 += &r.delegator_withdrawn + &r.delegator_withdrawable;
            e.1 += &r.delegator_withdrawn;
        }
        collateral += &info.collateral;
        slashed += &info.commitment.slashed;
        commitments.push(CommitmentFigures {
            id,
            provider,
            peer,
            status: info.status.name().to_string(),
            collateral: info.collateral.clone(),
            slashed: info.commitment.slashed.clone(),
            failures: info.commitment.failures,
            earned: r.as_ref().map_or_else(zero, |r| r.earned.clone()),
            vested: r.as_ref().map_or_else(zero, |r| r.vested.clone()),
            unvested: r.as_ref().map_or_else(zero, |r| r.unvested.clone()),
        });
    }
    let parties = parties
        .into_iter()
        .map(|((account, role), (vested, withdrawn))| PartyFigures { account, role: role.into(), vested, withdrawn })
        .collect();
    let mut deals = Vec::new();
    for (id, name) in &net.deals {
        let v: market::DealView =
            node.query(net.chain.address("market"), market::METHOD_GET_DEAL, &market::DealQuery { deal: *id })?;
        deals.push(DealFigures {
            name: name.clone(),
            id: *id,
            status: format!("{:?}", v.status),
            balance: v.deal.balance.clone(),
            deposited: v.deal.deposited.clone(),
            spent: v.deal.spent.clone(),
            paid_periods: v.deal.paid_periods,
            gaps: v.deal.gaps,
            units: v.deal.units.len(),
            workers: v.deal.workers,
        });
    }
    let usdc = if net.genesis.actors.gateway.is_some() {
        let st: gateway::State = net.parent.gateway_state(net.chain);
        let market_held = match net.genesis.actors.market {
            Some(_) => st.token.get_balance(node.store(), net.chain.id("market"))?,
            None => TokenAmount::default(),
        };
        UsdcFigures {
            parent_accounts: net.parent.balances.values().sum(),
            parent_locked: net.parent.locked.clone(),
            parent_escrow: net.parent.escrow.values().map(|(a, _)| a.clone()).sum(),
            subnet_supply: st.token.supply.clone(),
            market_held,
            in_flight: net.parent.in_flight(net.chain),
        }
    } else {
        let z = TokenAmount::default;
        UsdcFigures {
            parent_accounts: z(),
            parent_locked: z(),
            parent_escrow: z(),
            subnet_supply: z(),
            market_held: z(),
            in_flight: z(),
        }
    };
    let proof_messages: Vec<_> =
        net.proof_messages.iter().filter(|(i, _, _)| net.period_of(journal[*i].epoch) == p).collect();
    let proving_units = net.mining.iter().filter(|m| m.period == p).count() as u32;
    Ok(PeriodFigures {
        period: p,
        first_epoch: net.period_start(p),
        messages: in_period.len() as u64,
        gas: in_period.iter().map(|j| j.gas_used).sum(),
        flt_price: price.as_ref().map(|i| i.median.clone()),
        flt_twap: price.map(|i| i.twap),
        pool,
        proving_units,
        proofs: proof_messages.iter().map(|(_, n, _)| *n as u64).sum(),
        rewards: RewardTotals {
            funded: totals.totals.funded,
            allocated: totals.totals.allocated,
            unallocated: totals.totals.unallocated,
            paid: totals.totals.paid,
        },
        commitments,
        parties,
        deals,
        usdc,
        collateral,
        slashed,
    })
}

/// The kind of a journaled message: `actor.Method` by the recipient's code and the ABI.
fn kind(node: &crate::Node, to: &fvm_shared::address::Address, method: u64) -> String {
    let code = node.code_name_at(to).unwrap_or_else(|_| "unknown".into());
    let name = crate::abi::methods(&code)
        .into_iter()
        .find(|m| m.number == method)
        .map(|m| m.name.to_string())
        .unwrap_or_else(|| format!("#{method}"));
    format!("{code}.{name}")
}

/// The report of a run at its end.
pub fn build(net: &Snapshot, end: &str) -> anyhow::Result<Report> {
    let node = &net.chain.node;
    let journal = net.chain.journal.as_deref().unwrap_or_default();
    let mut kinds: BTreeMap<String, KindGas> = BTreeMap::new();
    for j in journal {
        let k = kind(node, &j.signed.message.to, j.signed.message.method_num);
        let e =
            kinds.entry(k.clone()).or_insert(KindGas { kind: k, messages: 0, failed: 0, total: 0, mean: 0, max: 0 });
        e.messages += 1;
        e.failed += u64::from(!j.exit_code.is_success());
        e.total += j.gas_used;
        e.max = e.max.max(j.gas_used);
    }
    let mut gas_by_kind: Vec<KindGas> = kinds
        .into_values()
        .map(|mut k| {
            k.mean = k.total / k.messages.max(1);
            k
        })
        .collect();
    gas_by_kind.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.kind.cmp(&b.kind)));
    let randomx: Vec<RandomxMessage> = net
        .proof_messages
        .iter()
        .map(|&(index, proofs, keys)| {
            let randomx_gas = cloudless_syscalls::price::randomx_hashes(
                proofs * cloudless_syscalls::abi::RANDOMX_PAIR_LEN,
                keys,
                proofs,
            );
            RandomxMessage {
                message: index,
                period: net.period_of(journal[index].epoch),
                proofs,
                keys,
                gas_used: journal[index].gas_used,
                randomx_gas,
                reference_us: randomx_gas / 10_000,
            }
        })
        .collect();
    let proof_gas: u64 = randomx.iter().map(|r| r.gas_used).sum();
    let gas_per_unit_period = proof_gas.checked_div(net.unit_periods).unwrap_or(0);
    let blocks_per_period = net.period_length;
    let units_per_subnet = units_per_subnet(BLOCK_GAS_LIMIT, blocks_per_period, gas_per_unit_period);
    let rewards_addr = net.chain.address("rewards");
    let reward_periods = (0..net.figures.len() as i64)
        .filter_map(|p| {
            node.query::<_, rewards::PeriodInfo>(
                rewards_addr,
                rewards::METHOD_GET_PERIOD,
                &rewards::PeriodQuery { period: p },
            )
            .ok()
        })
        .map(|i| RewardPeriod {
            period: i.period,
            pool: i.pool,
            proofs: i.total_count,
            successful_units: i.units,
            closed: i.closed,
            allocated: i.allocated,
        })
        .collect();
    let cap = net.genesis.actors.capacity.as_ref();
    Ok(Report {
        scenario: net.scenario.to_string(),
        end: end.to_string(),
        periods_planned: net.periods_planned,
        periods_run: net.figures.len() as u32,
        state_root: node.state_root().to_string(),
        network: NetworkFigures {
            period_length: net.period_length,
            block_gas_limit: BLOCK_GAS_LIMIT,
            base_fee: node.meta().base_fee.clone(),
            min_proofs: cap.map_or(0, |c| c.min_proofs),
            proofs_per_unit: net.proofs_per_unit,
            difficulty: hex::encode(net.difficulty),
        },
        messages: journal.len() as u64,
        failed_messages: journal.iter().filter(|j| !j.exit_code.is_success()).count() as u64,
        periods: net.figures.to_vec(),
        reward_periods,
        gas_by_kind,
        randomx,
        ceiling: Ceiling {
            unit_periods: net.unit_periods,
            proofs_per_unit: net.proofs_per_unit,
            proof_messages: net.proof_messages.len() as u64,
            gas_per_unit_period,
            block_gas_limit: BLOCK_GAS_LIMIT,
            blocks_per_period,
            units_per_subnet,
        },
    })
}
