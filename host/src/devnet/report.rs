//! The run's figures (`report.json`, the same on every machine), the wall-clock measurements
//! (`timings.json`, machine-dependent) and the page that shows both (`report.html`).

use std::collections::BTreeMap;

use cloudless_actor_capacity as capacity;
use cloudless_actor_gateway as gateway;
use cloudless_actor_rewards as rewards;
use cloudless_runtime::amount::{self, format_decimal};
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;
use serde::{Deserialize, Serialize};

use super::run::{Devnet, End};
use super::svg;
use crate::node::BLOCK_GAS_LIMIT;

/// Everything `report.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub scenario: String,
    /// `complete`, `interrupted` or `failed: <why>`.
    pub end: String,
    pub periods_planned: u32,
    pub periods_run: u32,
    pub state_root: String,
    pub network: NetworkFigures,
    pub messages: u64,
    pub failed_messages: u64,
    pub periods: Vec<PeriodFigures>,
    /// The rewards actor's periods as the final state has them (closed ones allocated).
    pub reward_periods: Vec<RewardPeriod>,
    pub gas_by_kind: Vec<KindGas>,
    pub randomx: Vec<RandomxMessage>,
    pub ceiling: Ceiling,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkFigures {
    pub period_length: i64,
    pub block_gas_limit: u64,
    #[serde(with = "amount")]
    pub base_fee: TokenAmount,
    pub min_proofs: u32,
    pub proofs_per_unit: u32,
    pub difficulty: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodFigures {
    pub period: u32,
    pub first_epoch: i64,
    pub messages: u64,
    pub gas: u64,
    /// The oracle's median and TWAP at the period's end (none without a fresh quorum).
    #[serde(with = "amount::option")]
    pub flt_price: Option<TokenAmount>,
    #[serde(with = "amount::option")]
    pub flt_twap: Option<TokenAmount>,
    /// The rewards pool of this period (none before the rewards actor opened it).
    #[serde(with = "amount::option")]
    pub pool: Option<TokenAmount>,
    pub proving_units: u32,
    pub proofs: u64,
    pub rewards: RewardTotals,
    pub commitments: Vec<CommitmentFigures>,
    pub parties: Vec<PartyFigures>,
    pub deals: Vec<DealFigures>,
    pub usdc: UsdcFigures,
    #[serde(with = "amount")]
    pub collateral: TokenAmount,
    #[serde(with = "amount")]
    pub slashed: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardTotals {
    #[serde(with = "amount")]
    pub funded: TokenAmount,
    #[serde(with = "amount")]
    pub allocated: TokenAmount,
    #[serde(with = "amount")]
    pub unallocated: TokenAmount,
    #[serde(with = "amount")]
    pub paid: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentFigures {
    pub id: u64,
    pub provider: String,
    pub peer: usize,
    pub status: String,
    #[serde(with = "amount")]
    pub collateral: TokenAmount,
    #[serde(with = "amount")]
    pub slashed: TokenAmount,
    pub failures: u64,
    #[serde(with = "amount")]
    pub earned: TokenAmount,
    #[serde(with = "amount")]
    pub vested: TokenAmount,
    #[serde(with = "amount")]
    pub unvested: TokenAmount,
}

/// A provider's or a delegator's share over all its commitments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyFigures {
    pub account: String,
    /// `provider` or `delegator`.
    pub role: String,
    /// Its share of what has vested (withdrawn + withdrawable).
    #[serde(with = "amount")]
    pub vested: TokenAmount,
    #[serde(with = "amount")]
    pub withdrawn: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealFigures {
    pub name: String,
    pub id: u64,
    pub status: String,
    #[serde(with = "amount")]
    pub balance: TokenAmount,
    #[serde(with = "amount")]
    pub deposited: TokenAmount,
    /// Paid to its units so far.
    #[serde(with = "amount")]
    pub spent: TokenAmount,
    pub paid_periods: u64,
    pub gaps: u64,
    pub units: usize,
    pub workers: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsdcFigures {
    /// Held by parent accounts (not locked, not in escrow).
    #[serde(with = "amount")]
    pub parent_accounts: TokenAmount,
    /// Locked by the bridge for the subnet.
    #[serde(with = "amount")]
    pub parent_locked: TokenAmount,
    /// Fast-fill payments awaiting the subnet's verdict.
    #[serde(with = "amount")]
    pub parent_escrow: TokenAmount,
    #[serde(with = "amount")]
    pub subnet_supply: TokenAmount,
    /// Held by the market (deal balances and unclaimed earnings).
    #[serde(with = "amount")]
    pub market_held: TokenAmount,
    /// Deposits not yet delivered and withdrawals not yet paid.
    #[serde(with = "amount")]
    pub in_flight: TokenAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardPeriod {
    pub period: i64,
    #[serde(with = "amount")]
    pub pool: TokenAmount,
    pub proofs: u64,
    pub successful_units: u64,
    pub closed: bool,
    #[serde(with = "amount")]
    pub allocated: TokenAmount,
}

/// Gas by message kind (`actor.Method`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindGas {
    pub kind: String,
    pub messages: u64,
    pub failed: u64,
    pub total: u64,
    pub mean: u64,
    pub max: u64,
}

/// One `SubmitProofs`: the gas its RandomX verification is priced at, and the verification time
/// on the reference validator that price stands for (10 gas per ns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RandomxMessage {
    /// Index into the run's messages.
    pub message: usize,
    pub period: u32,
    pub proofs: usize,
    pub keys: usize,
    pub gas_used: u64,
    pub randomx_gas: u64,
    pub reference_us: u64,
}

/// How many units this subnet's proofs leave room for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ceiling {
    /// Unit-periods proved in full during the run.
    pub unit_periods: u64,
    pub proofs_per_unit: u32,
    /// SubmitProofs messages that carried them (packed per owner, see docs/devnet.md).
    pub proof_messages: u64,
    /// Σ gas of every SubmitProofs / unit-periods (0 when nothing was proved).
    pub gas_per_unit_period: u64,
    pub block_gas_limit: u64,
    /// One block per epoch.
    pub blocks_per_period: i64,
    /// block_gas_limit × blocks_per_period / gas_per_unit_period: units whose proofs alone
    /// would fill every block.
    pub units_per_subnet: u64,
}

/// Wall-clock measurements of this machine (`timings.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
    pub total_ms: u64,
    pub mining: Vec<MiningTiming>,
    pub submit_proofs: Vec<MessageTiming>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MiningTiming {
    pub period: u32,
    pub unit: String,
    pub proofs: u32,
    pub ms: u64,
}

/// A message applied (gas estimation included: it runs the message once more on a copy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageTiming {
    pub message: usize,
    pub ms: u64,
}

fn name_of(names: &BTreeMap<ActorID, String>, id: ActorID) -> String {
    names.get(&id).cloned().unwrap_or_else(|| format!("f0{id}"))
}

fn account_names(net: &Devnet) -> BTreeMap<ActorID, String> {
    net.loaded.genesis.accounts.iter().map(|a| (net.h.id(&a.name), a.name.clone())).collect()
}

fn period_of(net: &Devnet, epoch: i64) -> u32 {
    u32::try_from((epoch - net.genesis_epoch).max(0) / net.period_length).unwrap_or(u32::MAX)
}

/// The figures of period `p`, read at its last message.
pub(super) fn period_figures(net: &Devnet, p: u32) -> anyhow::Result<PeriodFigures> {
    let node = &net.h.node;
    let names = account_names(net);
    let journal = net.h.journal.as_deref().unwrap_or_default();
    let in_period: Vec<_> = journal.iter().filter(|j| period_of(net, j.epoch) == p).collect();
    let price: Option<cloudless_runtime::oracle::PriceInfo> =
        net.loaded.genesis.actors.oracle.as_ref().and_then(|_| {
            node.query(
                net.h.address("oracle"),
                cloudless_actor_oracle::METHOD_GET_PRICE,
                &cloudless_runtime::oracle::AssetQuery { asset: net.oracle_asset() },
            )
            .ok()
        });
    let rewards_addr = net.h.address("rewards");
    let totals: rewards::TotalsReturn = node.query(rewards_addr, rewards::METHOD_GET_TOTALS, &())?;
    let pool = node
        .query::<_, rewards::PeriodInfo>(
            rewards_addr,
            rewards::METHOD_GET_PERIOD,
            &rewards::PeriodQuery { period: p.into() },
        )
        .ok()
        .map(|i| i.pool);
    let cap = net.h.address("capacity");
    let mut commitments = Vec::new();
    let mut parties: BTreeMap<(String, &str), (TokenAmount, TokenAmount)> = BTreeMap::new();
    let (mut collateral, mut slashed) = (TokenAmount::default(), TokenAmount::default());
    for c in &net.commitments {
        let info: capacity::CommitmentInfo =
            node.query(cap, capacity::METHOD_GET_COMMITMENT, &capacity::CommitmentQuery { id: c.id })?;
        let r = net.rewards_view(c.id);
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
            id: c.id,
            provider,
            peer: c.peer,
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
    for d in &net.deals {
        let v = net.deal_view(d.id)?;
        deals.push(DealFigures {
            name: net.loaded.scenario.deals[d.plan].name.clone(),
            id: d.id,
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
    let usdc = if net.loaded.genesis.actors.gateway.is_some() {
        let st: gateway::State = net.parent.gateway_state(&net.h);
        let market_held = match net.loaded.genesis.actors.market {
            Some(_) => st.token.get_balance(node.store(), net.h.id("market"))?,
            None => TokenAmount::default(),
        };
        UsdcFigures {
            parent_accounts: net.parent.balances.values().sum(),
            parent_locked: net.parent.locked.clone(),
            parent_escrow: net.parent.escrow.values().map(|(a, _)| a.clone()).sum(),
            subnet_supply: st.token.supply.clone(),
            market_held,
            in_flight: net.parent.in_flight(&net.h),
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
        net.proof_messages.iter().filter(|(i, _, _)| period_of(net, journal[*i].epoch) == p).collect();
    let proving_units = net.timings.mining.iter().filter(|m| m.period == p).count() as u32;
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
pub(super) fn build(net: &Devnet, end: &End) -> anyhow::Result<Report> {
    let node = &net.h.node;
    let journal = net.h.journal.as_deref().unwrap_or_default();
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
                period: period_of(net, journal[index].epoch),
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
    let rewards_addr = net.h.address("rewards");
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
    let cap = net.loaded.genesis.actors.capacity.as_ref();
    Ok(Report {
        scenario: net.loaded.scenario.name.clone(),
        end: match end {
            End::Complete => "complete".into(),
            End::Interrupted => "interrupted".into(),
            End::Failed(why) => format!("failed: {why}"),
        },
        periods_planned: net.loaded.scenario.periods,
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
        periods: net.figures.clone(),
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

/// The unit ceiling (docs/capacity.md): units whose proofs alone would fill every block,
/// `block_gas_limit × blocks_per_period ÷ gas_per_unit_period` (0 when nothing was proved).
pub fn units_per_subnet(block_gas_limit: u64, blocks_per_period: i64, gas_per_unit_period: u64) -> u64 {
    if gas_per_unit_period == 0 || blocks_per_period <= 0 {
        return 0;
    }
    (u128::from(block_gas_limit) * blocks_per_period as u128 / u128::from(gas_per_unit_period)) as u64
}

/// A decimal amount as a number for plotting (display only).
fn num(a: &TokenAmount) -> f64 {
    format_decimal(a).parse().unwrap_or(0.0)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn giga(gas: u64) -> String {
    format!("{:.3} G", gas as f64 / 1e9)
}

/// `n` with thousands separated by commas (reports and benches).
pub fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `report.html`: one self-contained page (inline SVG and CSS, no scripts, no network).
pub fn html(report: &Report, timings: &Timings) -> String {
    let periods: Vec<f64> = report.periods.iter().map(|p| f64::from(p.period)).collect();
    let series = |name: String, values: Vec<Option<f64>>| svg::Series { name, values };
    let mut parties: Vec<(String, String)> = Vec::new();
    for p in &report.periods {
        for party in &p.parties {
            let key = (party.account.clone(), party.role.clone());
            if !parties.contains(&key) {
                parties.push(key);
            }
        }
    }
    let party_series = |f: &dyn Fn(&PartyFigures) -> f64| -> Vec<svg::Series> {
        parties
            .iter()
            .map(|(account, role)| {
                series(
                    format!("{account} ({role})"),
                    report
                        .periods
                        .iter()
                        .map(|p| p.parties.iter().find(|x| &x.account == account && &x.role == role).map(f))
                        .collect(),
                )
            })
            .collect()
    };
    let mut providers: Vec<String> = Vec::new();
    for p in &report.periods {
        for c in &p.commitments {
            if !providers.contains(&c.provider) {
                providers.push(c.provider.clone());
            }
        }
    }
    let earned: Vec<svg::Series> = providers
        .iter()
        .map(|prov| {
            series(
                prov.clone(),
                report
                    .periods
                    .iter()
                    .map(|p| Some(p.commitments.iter().filter(|c| &c.provider == prov).map(|c| num(&c.earned)).sum()))
                    .collect(),
            )
        })
        .collect();
    let mut deal_names: Vec<String> = Vec::new();
    for p in &report.periods {
        for d in &p.deals {
            if !deal_names.contains(&d.name) {
                deal_names.push(d.name.clone());
            }
        }
    }
    let deal_series = |f: &dyn Fn(&DealFigures) -> f64| -> Vec<svg::Series> {
        deal_names
            .iter()
            .map(|n| {
                series(n.clone(), report.periods.iter().map(|p| p.deals.iter().find(|d| &d.name == n).map(f)).collect())
            })
            .collect()
    };
    let pick = |f: &dyn Fn(&PeriodFigures) -> Option<f64>| report.periods.iter().map(f).collect::<Vec<_>>();
    let charts = [
        svg::line_chart("Rewards earned per provider (FLT, vested and unvested)", "FLT", &periods, &earned),
        svg::line_chart(
            "Vested rewards per provider and delegator (FLT)",
            "FLT",
            &periods,
            &party_series(&|x| num(&x.vested)),
        ),
        svg::line_chart(
            "Rewards withdrawn per provider and delegator (FLT)",
            "FLT",
            &periods,
            &party_series(&|x| num(&x.withdrawn)),
        ),
        svg::line_chart(
            "Reward pool per period (FLT)",
            "FLT",
            &periods,
            &[series("pool".into(), pick(&|p| p.pool.as_ref().map(num)))],
        ),
        svg::line_chart(
            "FLT price (USD): oracle median and TWAP at each period's end",
            "USD",
            &periods,
            &[
                series("median".into(), pick(&|p| p.flt_price.as_ref().map(num))),
                series("TWAP".into(), pick(&|p| p.flt_twap.as_ref().map(num))),
            ],
        ),
        svg::line_chart("Deal balances (USDC)", "USDC", &periods, &deal_series(&|d| num(&d.balance))),
        svg::line_chart(
            "Paid to units per deal, cumulative (USDC)",
            "USDC",
            &periods,
            &deal_series(&|d| num(&d.spent)),
        ),
        svg::line_chart("Gap periods per deal, cumulative", "periods", &periods, &deal_series(&|d| d.gaps as f64)),
        svg::line_chart(
            "USDC on both chains",
            "USDC",
            &periods,
            &[
                series("parent: accounts".into(), pick(&|p| Some(num(&p.usdc.parent_accounts)))),
                series("parent: locked by the bridge".into(), pick(&|p| Some(num(&p.usdc.parent_locked)))),
                series("subnet: supply".into(), pick(&|p| Some(num(&p.usdc.subnet_supply)))),
                series("subnet: held by the market".into(), pick(&|p| Some(num(&p.usdc.market_held)))),
            ],
        ),
        svg::line_chart(
            "Collateral and slashing (FLT)",
            "FLT",
            &periods,
            &[
                series("collateral".into(), pick(&|p| Some(num(&p.collateral)))),
                series("slashed".into(), pick(&|p| Some(num(&p.slashed)))),
            ],
        ),
    ];
    let gas_bars: Vec<(String, f64)> =
        report.gas_by_kind.iter().map(|k| (k.kind.clone(), k.total as f64 / 1e9)).collect();
    let rx_bars: Vec<(String, f64)> = report
        .randomx
        .iter()
        .map(|r| (format!("#{} p{} ({} proofs)", r.message, r.period, r.proofs), r.reference_us as f64 / 1000.0))
        .collect();
    let mut page = String::new();
    let c = &report.ceiling;
    page.push_str(&format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cloudless devnet: {name}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 24px auto; max-width: 1180px; color: #1b1f24; }}
h1 {{ font-size: 24px; }} h2 {{ font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ddd; }}
.grid {{ display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }}
table {{ border-collapse: collapse; font-size: 13px; }} td, th {{ border: 1px solid #ddd; padding: 3px 8px; text-align: right; }}
th {{ background: #f3f4f6; }} td.l, th.l {{ text-align: left; }}
.note {{ color: #57606a; font-size: 13px; }} .big {{ font-size: 20px; font-weight: 600; }}
svg text {{ font-family: system-ui, sans-serif; }}
</style></head><body>
<h1>Cloudless devnet rehearsal: {name}</h1>
<p>{run} of {planned} periods ({end}); {messages} messages, {failed} refused; final state root <code>{root}</code>.
Period length {period_length} epochs, block gas limit {limit}, base fee {base_fee} FLT/gas, {ppu} proofs per unit and period (min_proofs {min_proofs}).</p>
<h2>Unit ceiling of this subnet</h2>
<p class="big">{units} units</p>
<p>= block gas limit {limit} × {blocks} blocks per period ÷ {gpu} gas per unit-period
(measured: {unit_periods} unit-periods proved in {rx} SubmitProofs messages, each owner's proofs packed up to {per} proofs over {units_per} units a message).
Blocks carrying nothing but proofs; every other message lowers it. See docs/devnet.md.</p>
"#,
        name = esc(&report.scenario),
        run = report.periods_run,
        planned = report.periods_planned,
        end = esc(&report.end),
        messages = report.messages,
        failed = report.failed_messages,
        root = report.state_root,
        period_length = report.network.period_length,
        limit = grouped(report.network.block_gas_limit),
        base_fee = format_decimal(&report.network.base_fee),
        ppu = report.network.proofs_per_unit,
        min_proofs = report.network.min_proofs,
        units = grouped(c.units_per_subnet),
        blocks = grouped(c.blocks_per_period as u64),
        gpu = grouped(c.gas_per_unit_period),
        unit_periods = c.unit_periods,
        rx = report.randomx.len(),
        per = cloudless_actor_capacity::MAX_PROOFS_PER_MESSAGE,
        units_per = cloudless_actor_capacity::MAX_UNITS_PER_MESSAGE,
    ));
    page.push_str(&section("Rewards, pool and price", &charts[0..5]));
    page.push_str(&section("Deals", &charts[5..8]));
    if let Some(last) = report.periods.last() {
        let rows = last.deals.iter().map(|d| {
            vec![
                esc(&d.name),
                d.status.clone(),
                format_decimal(&d.deposited),
                format_decimal(&d.spent),
                format_decimal(&d.balance),
                d.paid_periods.to_string(),
                d.gaps.to_string(),
                d.units.to_string(),
            ]
        });
        let head = ["deal", "status", "deposited", "paid to units", "balance", "paid periods", "gaps", "units"];
        page.push_str(&table(&head, 1, rows));
    }
    page.push_str(&section("USDC, collateral and slashing", &charts[8..10]));
    if let Some(last) = report.periods.last() {
        let rows = last.commitments.iter().map(|c| {
            vec![
                c.id.to_string(),
                format!("{} peer {}", esc(&c.provider), c.peer),
                c.status.clone(),
                format_decimal(&c.collateral),
                format_decimal(&c.slashed),
                c.failures.to_string(),
                format_decimal(&c.earned),
                format_decimal(&c.vested),
            ]
        });
        let head = ["commitment", "provider", "status", "collateral", "slashed", "failures", "earned", "vested"];
        page.push_str(&table(&head, 2, rows));
    }
    page.push_str("<h2>Gas</h2>");
    page.push_str(&svg::bar_chart("Gas per message kind (total, G)", "G gas", &gas_bars));
    let rows = report.gas_by_kind.iter().map(|k| {
        vec![esc(&k.kind), k.messages.to_string(), k.failed.to_string(), giga(k.total), grouped(k.mean), grouped(k.max)]
    });
    page.push_str(&table(&["kind", "messages", "refused", "total", "mean", "max"], 1, rows));
    page.push_str("<h2>RandomX verification per SubmitProofs</h2>");
    page.push_str(&svg::bar_chart(
        "Verification time on the reference validator (ms; the price table's 10 gas per ns)",
        "ms",
        &rx_bars,
    ));
    let measured: BTreeMap<usize, u64> = timings.submit_proofs.iter().map(|t| (t.message, t.ms)).collect();
    page.push_str("<p class=\"note\">Measured on the machine that ran this report (machine-dependent, from timings.json; it includes the gas estimate, which runs the message once more on a copy, and the checks after it).</p>");
    let rows = report.randomx.iter().map(|r| {
        vec![
            r.message.to_string(),
            r.period.to_string(),
            r.proofs.to_string(),
            r.keys.to_string(),
            grouped(r.gas_used),
            grouped(r.randomx_gas),
            format!("{:.1}", r.reference_us as f64 / 1000.0),
            measured.get(&r.message).map_or("-".into(), |m| m.to_string()),
        ]
    });
    let head = ["message", "period", "proofs", "keys", "gas used", "RandomX gas", "reference ms", "measured ms"];
    page.push_str(&table(&head, 0, rows));
    let mining_ms: u64 = timings.mining.iter().map(|m| m.ms).sum();
    page.push_str(&format!(
        "<p class=\"note\">This machine: the whole run took {:.1} s, mining {} unit-periods' proofs {:.1} s.</p>",
        timings.total_ms as f64 / 1000.0,
        timings.mining.len(),
        mining_ms as f64 / 1000.0
    ));
    page.push_str("<h2>Per period</h2>");
    let rows = report.periods.iter().map(|p| {
        vec![
            p.period.to_string(),
            p.messages.to_string(),
            giga(p.gas),
            p.flt_price.as_ref().map_or("-".into(), format_decimal),
            p.pool.as_ref().map_or("-".into(), format_decimal),
            p.proving_units.to_string(),
            p.proofs.to_string(),
            format_decimal(&p.rewards.allocated),
            format_decimal(&p.rewards.paid),
            format_decimal(&p.usdc.subnet_supply),
        ]
    });
    let head = [
        "period",
        "messages",
        "gas",
        "FLT price",
        "pool",
        "proving units",
        "proofs",
        "rewards allocated",
        "rewards paid",
        "subnet USDC",
    ];
    page.push_str(&table(&head, 0, rows));
    page.push_str("</body></html>\n");
    page
}

/// A heading and its charts in two columns.
fn section(title: &str, charts: &[String]) -> String {
    format!("<h2>{}</h2><div class=\"grid\">{}</div>", esc(title), charts.concat())
}

/// A table; the first `left` columns are text (left-aligned), the rest numbers. Cells are HTML.
fn table(head: &[&str], left: usize, rows: impl Iterator<Item = Vec<String>>) -> String {
    let class = |i: usize| if i < left { " class=\"l\"" } else { "" };
    let mut out = String::from("<table><tr>");
    for (i, h) in head.iter().enumerate() {
        out.push_str(&format!("<th{}>{}</th>", class(i), esc(h)));
    }
    out.push_str("</tr>");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            out.push_str(&format!("<td{}>{cell}</td>", class(i)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    out
}

/// One line per period for the terminal.
pub fn summary_line(p: &PeriodFigures) -> String {
    let paid: TokenAmount = p.deals.iter().map(|d| d.spent.clone()).sum();
    format!(
        "period {:>3}: {:>3} messages {:>9}  price {:>6}  pool {:>6} FLT  {} units proved {:>4} proofs  rewards paid {} FLT  deals paid {} USDC  slashed {} FLT",
        p.period,
        p.messages,
        giga(p.gas),
        p.flt_price.as_ref().map_or("-".into(), format_decimal),
        p.pool.as_ref().map_or("-".into(), format_decimal),
        p.proving_units,
        p.proofs,
        format_decimal(&p.rewards.paid),
        format_decimal(&paid),
        format_decimal(&p.slashed),
    )
}
