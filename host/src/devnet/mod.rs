//! `cloudless devnet`: rehearses a subnet economy from a genesis config and a scenario (who
//! provides, who rents, prices over time, deposits, deals, withdrawals, failures) with the real
//! actors, real RandomX and Groth16 proofs and the Cloudless kernel, and reports what the
//! parameters did (docs/devnet.md).
//!
//! - [`scenario`]: the scenario file and its checks (errors name the key);
//! - [`run`]: the run, period by period, every message checked;
//! - [`report`]: `report.json` (deterministic figures) and `timings.json` as plain types, built
//!   from a [`report::Snapshot`] of the run (`report/build.rs`) and shown as `report.html`
//!   (`report/html.rs`, its charts in `report/svg.rs`).

pub mod report;
pub mod run;
pub mod scenario;

pub use run::{run, End, Observer, Outcome, Quiet};
pub use scenario::Loaded;
