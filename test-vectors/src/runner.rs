//! Replays vectors against the current bundle in the host with the Cloudless kernel: every
//! receipt (exit code, return bytes, gas), the state invariants after each message, and the
//! final state root.

use std::path::{Path, PathBuf};

use anyhow::Context;
use cloudless_host::Node;
use cloudless_testing::{check_invariants, Snapshot};
use fvm_shared::message::Message;

use crate::format::*;

/// The result of one vector: no differences means it passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub id: String,
    pub differences: Vec<String>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.differences.is_empty()
    }
}

/// The bundle a vector was generated against, as this build makes it: the production bundle plus
/// the test actors the vector names (the runner then reports a manifest that differs).
pub fn bundle_for(vector: &Vector) -> anyhow::Result<Vec<u8>> {
    crate::scenario::bundle_with(&vector.bundle.test_actors)
}

/// Runs one vector; problems with the vector itself are reported as differences too.
pub fn run_vector(vector: &Vector, bundle_car: &[u8]) -> Outcome {
    let id = vector.meta.id.clone();
    let differences = match replay(vector, bundle_car) {
        Ok(d) => d,
        Err(e) => vec![format!("could not run: {e:#}")],
    };
    Outcome { id, differences }
}

fn replay(vector: &Vector, bundle_car: &[u8]) -> anyhow::Result<Vec<String>> {
    let current = cloudless_bundle::inspect(bundle_car)?.root.to_string();
    if current != vector.bundle.manifest {
        return Ok(vec![format!(
            "generated against bundle {} but the current bundle is {current}: the actors changed; \
             regenerate the vectors with `make vectors` (and review the diff)",
            vector.bundle.manifest
        )]);
    }
    let mut diffs = Vec::new();
    let mut node = Node::from_car_with_bundle(&gunzip_b64(&vector.car)?, bundle_car)?;
    if node.state_root().to_string() != vector.preconditions.state_tree.root_cid.cid {
        diffs.push(format!(
            "precondition state root: vector says {}, CAR holds {}",
            vector.preconditions.state_tree.root_cid.cid,
            node.state_root()
        ));
    }
    let pre_epoch = node.epoch();
    let total = Snapshot::take(&node)?.total_balance();
    if vector.apply_messages.len() != vector.postconditions.receipts.len() {
        anyhow::bail!("{} messages but {} receipts", vector.apply_messages.len(), vector.postconditions.receipts.len());
    }
    for (i, (m, expected)) in vector.apply_messages.iter().zip(&vector.postconditions.receipts).enumerate() {
        let msg: Message = fvm_ipld_encoding::from_slice(&unb64(&m.bytes)?).with_context(|| format!("message {i}"))?;
        node.set_epoch(pre_epoch + m.epoch_offset)?;
        let ret = match &m.signature {
            None => node.apply_unsigned(msg)?,
            Some(sig) => {
                let signature =
                    fvm_ipld_encoding::from_slice(&unb64(sig)?).with_context(|| format!("message {i}: signature"))?;
                node.apply_signed(&cloudless_host::keys::SignedMessage { message: msg, signature })?
            }
        };
        let r = &ret.msg_receipt;
        if r.exit_code.value() != expected.exit_code {
            let why = ret.failure_info.as_ref().map(|f| format!(" ({})", f.to_string().trim())).unwrap_or_default();
            diffs.push(format!(
                "message {i}: exit code expected {}, got {}{why}",
                expected.exit_code,
                r.exit_code.value()
            ));
        }
        let got = b64(r.return_data.bytes());
        if got != expected.return_data {
            diffs.push(format!("message {i}: return expected {:?}, got {:?}", expected.return_data, got));
        }
        if r.gas_used != expected.gas_used {
            let delta = r.gas_used as i128 - expected.gas_used as i128;
            diffs.push(format!("message {i}: gas used expected {}, got {} ({delta:+})", expected.gas_used, r.gas_used));
        }
        let events_root = r.events_root.map(|c| c.to_string());
        if events_root.as_ref() != expected.events_root.as_ref().map(|c| &c.cid) {
            diffs.push(format!(
                "message {i}: events root expected {:?}, got {events_root:?} ({} events)",
                expected.events_root.as_ref().map(|c| &c.cid),
                ret.events.len()
            ));
        }
        if let Err(e) = check_invariants(&node, &total) {
            diffs.push(format!("message {i}: {e:#}"));
        }
    }
    let root = node.state_root().to_string();
    if root != vector.postconditions.state_tree.root_cid.cid {
        diffs.push(format!("final state root expected {}, got {root}", vector.postconditions.state_tree.root_cid.cid));
    }
    Ok(diffs)
}

/// Every `*.json` vector under `dir`, sorted by path.
pub fn vector_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    cloudless_testing::json_files(dir)
}

/// Runs a directory of vectors, each against the bundle it names ([`bundle_for`]), printing
/// `OK`/`FAIL` per vector with its differences and the summary line; returns (passed, failed).
pub fn run_dir(dir: &Path) -> anyhow::Result<(usize, usize)> {
    let (mut passed, mut failed) = (0, 0);
    for path in vector_files(dir)? {
        let outcome = match Vector::load(&path) {
            Ok(v) => match bundle_for(&v) {
                Ok(bundle) => run_vector(&v, &bundle),
                Err(e) => Outcome { id: v.meta.id.clone(), differences: vec![format!("its bundle: {e:#}")] },
            },
            Err(e) => Outcome { id: path.display().to_string(), differences: vec![format!("{e:#}")] },
        };
        if outcome.passed() {
            passed += 1;
            println!("OK   {}", outcome.id);
        } else {
            failed += 1;
            println!("FAIL {}", outcome.id);
            for d in &outcome.differences {
                println!("     {d}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok((passed, failed))
}
