//! Readable scenario definitions: one TOML file per area, a genesis shared by its vectors, and
//! for each vector the messages to apply, written the way `cloudless send` takes them.
//!
//! ```toml
//! [genesis]                 # the genesis config format (examples/devnet.toml)
//! network = { name = "vectors" }
//! accounts = [{ name = "alice", balance = "100" }]
//!
//! [[vector]]
//! id = "oracle/report"
//! description = "A reporter reports a price"
//! steps = [{ from = "r1", to = "oracle", method = "Report", params = ["FLT/USD", "0.5"] }]
//! ```

use std::path::Path;

use anyhow::Context;
use cloudless_host::genesis::GenesisConfig;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// `"test"` runs the scenario on the test bundle (the product actors plus the test actors,
    /// e.g. `test-syscall` for the syscalls' own vectors); the product bundle otherwise.
    #[serde(default)]
    pub bundle: Option<String>,
    pub genesis: GenesisConfig,
    /// Test actors placed at fixed IDs after genesis, constructed without params (e.g. the
    /// syscall vectors' `test-syscall`, which builtin-actors' init would not create).
    #[serde(default)]
    pub install: Vec<Install>,
    #[serde(rename = "vector")]
    pub vectors: Vec<VectorScenario>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Install {
    pub id: fvm_shared::ActorID,
    /// The bundle name of its code.
    pub code: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorScenario {
    pub id: String,
    pub description: String,
    pub steps: Vec<Step>,
    /// The vector checks the Cloudless core actors' own behaviour (their refusals, their
    /// messages), which builtin-actors' core set does differently: it is not run on that set.
    #[serde(default)]
    pub cloudless_core_only: bool,
}

/// One message: sender and receiver by key-store name or address, method by name or number,
/// params as in `cloudless send --params` (a TOML array here; `"@name"` stands for the address
/// of a genesis account or actor, `"@code:name"` for a bundle actor's code CID,
/// `"@sign:name:hex"` for name's signature of the hex bytes and `"@null"` for an absent option).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub from: String,
    pub to: String,
    #[serde(default = "default_method")]
    pub method: String,
    #[serde(default)]
    pub params: Option<toml::Value>,
    /// Raw CBOR params in hex, for malformed-params paths (excludes `params`).
    #[serde(default)]
    pub raw_params: Option<String>,
    /// FLT sent with the message (decimal).
    #[serde(default)]
    pub value: Option<String>,
    /// Epochs after the previous message (default 1).
    #[serde(default = "one")]
    pub advance: i64,
    /// The message's gas limit (default the block gas limit), for out-of-gas paths.
    #[serde(default)]
    pub gas_limit: Option<u64>,
    /// The exit code the step must end with (default `OK`); the generator refuses to record a
    /// vector whose behaviour differs from what its scenario says.
    #[serde(default = "ok")]
    pub expect: String,
}

fn ok() -> String {
    "OK".into()
}

/// The exit codes scenarios name.
pub fn exit_code(name: &str) -> anyhow::Result<fvm_shared::error::ExitCode> {
    use fvm_shared::error::ExitCode;
    Ok(match name {
        "OK" => ExitCode::OK,
        "USR_ILLEGAL_ARGUMENT" => ExitCode::USR_ILLEGAL_ARGUMENT,
        "USR_NOT_FOUND" => ExitCode::USR_NOT_FOUND,
        "USR_FORBIDDEN" => ExitCode::USR_FORBIDDEN,
        "USR_INSUFFICIENT_FUNDS" => ExitCode::USR_INSUFFICIENT_FUNDS,
        "USR_ILLEGAL_STATE" => ExitCode::USR_ILLEGAL_STATE,
        "USR_SERIALIZATION" => ExitCode::USR_SERIALIZATION,
        "USR_UNHANDLED_MESSAGE" => ExitCode::USR_UNHANDLED_MESSAGE,
        "SYS_OUT_OF_GAS" => ExitCode::SYS_OUT_OF_GAS,
        _ => anyhow::bail!("unknown exit code name {name:?}"),
    })
}

fn default_method() -> String {
    "Send".into()
}

fn one() -> i64 {
    1
}

impl ScenarioFile {
    /// The test actors the scenario's bundle adds to the production bundle: those it installs
    /// (`bundle = "test"`), none otherwise.
    pub fn test_actors(&self) -> anyhow::Result<Vec<String>> {
        match self.bundle.as_deref() {
            None | Some("product") => Ok(Vec::new()),
            Some("test") => Ok(self.install.iter().map(|i| i.code.clone()).collect()),
            Some(other) => anyhow::bail!("bundle = {other:?}: expected \"product\" or \"test\""),
        }
    }

    /// The bundle CAR the scenario names: the production bundle plus its [`test_actors`](Self::test_actors).
    pub fn bundle_car(&self) -> anyhow::Result<Vec<u8>> {
        bundle_with(&self.test_actors()?)
    }

    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }
}

/// The production bundle plus `test_actors` (the production bundle itself when there are none).
pub fn bundle_with(test_actors: &[String]) -> anyhow::Result<Vec<u8>> {
    if test_actors.is_empty() {
        return Ok(cloudless_bundle::BUNDLE_CAR.to_vec());
    }
    cloudless_bundle::with_test_actors(&test_actors.iter().map(String::as_str).collect::<Vec<_>>())
}
