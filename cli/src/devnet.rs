//! `cloudless devnet [SCENARIO] [-o DIR]`: rehearses a subnet economy (docs/devnet.md) and
//! writes the state, every message, the report and a conformance vector of the run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use cloudless_host::devnet::{self, report, End, Loaded, Observer};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use serde_json::json;

#[derive(Args)]
pub struct DevnetArgs {
    /// The scenario file (default: the embedded example, examples/devnet-scenario.toml).
    scenario: Option<PathBuf>,
    /// Where to write the state, messages and report.
    #[arg(short, long, default_value = "devnet/rehearsal")]
    out: PathBuf,
    /// No progress bars (the per-period summary still prints).
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    randomx: crate::RandomxArgs,
}

/// Progress bars for periods and mining, a summary line per period, and Ctrl-C.
struct Terminal {
    bars: MultiProgress,
    periods: ProgressBar,
    mining: ProgressBar,
    stop: Arc<AtomicBool>,
}

impl Observer for Terminal {
    fn period_started(&mut self, period: u32, periods: u32) {
        self.periods.set_length(u64::from(periods));
        self.periods.set_position(u64::from(period));
        self.periods.set_message(format!("period {period}"));
    }

    fn mining(&mut self, unit: &str, found: usize, wanted: usize) {
        self.mining.set_length(wanted as u64);
        self.mining.set_position(found as u64);
        self.mining.set_message(format!("unit {unit}: proofs mined, verified in SubmitProofs"));
    }

    fn period_done(&mut self, figures: &report::PeriodFigures) {
        self.periods.inc(1);
        if self.bars.is_hidden() {
            println!("{}", report::summary_line(figures));
        } else {
            let _ = self.bars.println(report::summary_line(figures));
        }
    }

    fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

pub fn devnet(args: DevnetArgs) -> anyhow::Result<i32> {
    args.randomx.configure();
    let loaded = match &args.scenario {
        Some(path) => Loaded::load(path)?,
        None => Loaded::default_scenario()?,
    };
    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                // A second Ctrl-C: leave at once (the outputs of a finished period stay).
                std::process::exit(130);
            }
            eprintln!("\nstopping after the current message (Ctrl-C again to quit at once)");
        })
        .context("installing the Ctrl-C handler")?;
    }
    let bars = MultiProgress::new();
    if args.quiet {
        bars.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let style = |template: &str| ProgressStyle::with_template(template).expect("a valid template");
    let periods = bars.add(ProgressBar::new(u64::from(loaded.scenario.periods)));
    periods.set_style(style("{prefix:>8} [{bar:30}] {pos}/{len} periods  {elapsed_precise}  {msg}"));
    periods.set_prefix("devnet");
    let mining = bars.add(ProgressBar::new(1));
    mining.set_style(style("{prefix:>8} [{bar:30}] {pos}/{len} proofs  {msg}"));
    mining.set_prefix("RandomX");
    eprintln!(
        "rehearsing {:?} ({}): {} periods of {} epochs, {} providers, {} deals",
        loaded.scenario.name,
        loaded.source,
        loaded.scenario.periods,
        loaded.genesis.network.period_length,
        loaded.scenario.providers.len(),
        loaded.scenario.deals.len()
    );
    let mut terminal = Terminal { bars: bars.clone(), periods, mining, stop };
    let outcome =
        devnet::run(&loaded, cloudless_bundle::BUNDLE_CAR, &mut terminal, vec![cloudless_testing::all_checks()])?;
    terminal.mining.finish_and_clear();
    terminal.periods.finish_and_clear();
    write_outputs(&args.out, &loaded, &outcome)?;
    let out = args.out.display();
    let r = &outcome.report;
    println!(
        "{} periods, {} messages ({} refused), state root {}",
        r.periods_run, r.messages, r.failed_messages, r.state_root
    );
    println!(
        "unit ceiling: {} units per subnet ({} gas per unit-period, block gas limit {}, {} blocks per period)",
        r.ceiling.units_per_subnet,
        r.ceiling.gas_per_unit_period,
        r.ceiling.block_gas_limit,
        r.ceiling.blocks_per_period
    );
    println!("report: {out}/report.html (figures: {out}/report.json); state: {out}/state.car; messages: {out}/messages.jsonl");
    match &outcome.end {
        End::Complete => Ok(0),
        End::Interrupted => {
            eprintln!("interrupted: the report and state cover the periods before the stop");
            Ok(130)
        }
        End::Failed(why) => {
            eprintln!("error: the run stopped: {why}");
            Ok(1)
        }
    }
}

/// Writes every output through temporary files, so an interrupted write never leaves half a file.
fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))
}

fn write_outputs(dir: &Path, loaded: &Loaded, outcome: &devnet::Outcome) -> anyhow::Result<()> {
    let h = &outcome.chain;
    crate::output::write_state(&h.node, &dir.join("state.car"))?;
    h.keys.save(&dir.join("keys.json"))?;
    let mut lines = Vec::new();
    for (i, j) in outcome.journal.iter().enumerate() {
        let period = (j.epoch - loaded.genesis.network.genesis_epoch) / loaded.genesis.network.period_length;
        let line = json!({
            "index": i,
            "period": period,
            "epoch": j.epoch,
            "from": j.from,
            "to": j.signed.message.to.to_string(),
            "method": j.signed.message.method_num,
            "exit_code": cloudless_host::receipt::exit_code_text(j.exit_code),
            "gas_used": j.gas_used,
            "fee": cloudless_runtime::amount::format_decimal(&j.fee),
            "return": cloudless_test_vectors::format::b64(&j.return_data),
            "signed_message": cloudless_test_vectors::format::b64(&fvm_ipld_encoding::to_vec(&j.signed)?),
        });
        writeln!(lines, "{line}")?;
    }
    write(&dir.join("messages.jsonl"), &lines)?;
    write(&dir.join("report.json"), (serde_json::to_string_pretty(&outcome.report)? + "\n").as_bytes())?;
    write(&dir.join("timings.json"), (serde_json::to_string_pretty(&outcome.timings)? + "\n").as_bytes())?;
    write(&dir.join("report.html"), report::html(&outcome.report, &outcome.timings).as_bytes())?;
    let vector = cloudless_test_vectors::format::from_journal(
        &format!("devnet/{}", loaded.scenario.name),
        &format!("cloudless devnet: {} ({}, {})", loaded.scenario.name, loaded.source, outcome.report.end),
        cloudless_bundle::BUNDLE_CAR,
        &outcome.genesis,
        &outcome.journal,
        &h.node.state_root(),
    )?;
    std::fs::create_dir_all(dir.join("vectors"))?;
    write(&dir.join("vectors/devnet.json"), vector.to_text()?.as_bytes())?;
    Ok(())
}
