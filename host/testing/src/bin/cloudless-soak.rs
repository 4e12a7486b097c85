//! `cloudless-soak [--messages N] [--seed S] [--corpus DIR]`: the long soak and params fuzzer
//! (`make soak`; see host/src/testing/soak.rs and docs/reliability.md). Any violation panics
//! with the message that caused it; rerun with the same seed to replay it.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use cloudless_testing::soak::{corpus_seeds, Soak, Stats};

fn main() -> anyhow::Result<()> {
    let (mut messages, mut seed, mut corpus) = (100_000u64, 1u64, PathBuf::from("test-vectors/corpus"));
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--messages" => messages = value()?.parse().context("--messages: a count")?,
            "--seed" => seed = value()?.parse().context("--seed: a number")?,
            "--corpus" => corpus = value()?.into(),
            "-h" | "--help" => {
                println!(
                    "usage: cloudless-soak [--messages N (100000)] [--seed S (1)] [--corpus DIR (test-vectors/corpus)]"
                );
                return Ok(());
            }
            other => bail!("unknown argument {other:?} (try --help)"),
        }
    }
    let seeds = corpus_seeds(&corpus)?;
    println!("soak: {messages} messages, seed {seed}, {} corpus seeds from {}", seeds.len(), corpus.display());
    let start = Instant::now();
    let mut soak = Soak::new(seed, seeds, cloudless_bundle::BUNDLE_CAR)?;
    let show = |s: &Stats| {
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{:>7} messages  {:>6} ok  {:>6} fuzz  {:>5.0} s  {:>4.0} msg/s",
            s.messages,
            s.succeeded,
            s.fuzzed,
            secs,
            s.messages as f64 / secs
        );
    };
    soak.run(messages, (messages / 20).max(1), show);
    let s = &soak.stats;
    println!(
        "\ndone in {:.0} s: {} messages, {} succeeded, {} fuzzed, {} seeds in the pool",
        start.elapsed().as_secs_f64(),
        s.messages,
        s.succeeded,
        s.fuzzed,
        s.seeds
    );
    println!("largest gas: {} ({})", s.max_gas.0, s.max_gas.1);
    println!("refusals by exit code:");
    for (code, n) in &s.refusals {
        println!("  {code:<28} {n}");
    }
    println!("messages by kind:                                   sent  succeeded");
    for (kind, (sent, ok)) in &s.kinds {
        println!("  {kind:<48} {sent:>7} {ok:>7}");
    }
    Ok(())
}
