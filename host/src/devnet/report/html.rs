//! `report.html`: the figures and timings as one self-contained page.

use std::collections::BTreeMap;

use cloudless_runtime::amount::format_decimal;
use fvm_shared::econ::TokenAmount;

use super::*;

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

/// A decimal amount as a number for plotting (display only).
fn num(a: &TokenAmount) -> f64 {
    format_decimal(a).parse().unwrap_or(0.0)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
