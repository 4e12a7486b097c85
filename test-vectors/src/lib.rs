//! Conformance test vectors for the Cloudless bundle (docs/protocol.md §7).
//!
//! - [`format`]: the vector file (FVM message-class format plus the bundle it was made for).
//! - [`scenario`]: readable scenario definitions (TOML) the generator turns into vectors.
//! - [`generate`]: runs scenarios in the host and records preconditions, messages, receipts.
//! - [`runner`]: replays vectors against the current bundle and reports differences.

pub mod format;
pub mod generate;
pub mod runner;
pub mod scenario;
