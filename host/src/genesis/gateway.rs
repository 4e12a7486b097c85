//! `[actors.gateway]`: the USDC linked token (docs/protocol.md §5).

use anyhow::{anyhow, Context};
use cloudless_actor_gateway::{ConstructorParams, GatewayActor};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::ActorID;
use serde::{Deserialize, Serialize};

use super::{Refs, Section};

fn default_id() -> ActorID {
    84
}
fn default_authority() -> String {
    "system".into()
}
fn default_token_name() -> String {
    "USD Coin".into()
}
fn default_token_symbol() -> String {
    "USDC".into()
}
/// One hour of 1-second subnet blocks.
fn default_max_fast_window() -> i64 {
    3_600
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    #[serde(default = "default_id")]
    pub id: ActorID,
    pub admin: String,
    /// The only caller of the bridge methods: `"system"` (f00, the default), an account name or
    /// an address (e.g. the IPC gateway actor's).
    #[serde(default = "default_authority")]
    pub authority: String,
    #[serde(default = "default_token_name")]
    pub name: String,
    #[serde(default = "default_token_symbol")]
    pub symbol: String,
    /// The furthest a fast withdrawal's deadline may lie after the withdrawal, in epochs.
    #[serde(default = "default_max_fast_window")]
    pub max_fast_window: i64,
}

impl Section for GatewayConfig {
    type Actor = GatewayActor;

    fn id(&self) -> ActorID {
        self.id
    }

    fn constructor_params(&self, refs: &Refs) -> anyhow::Result<RawBytes> {
        let params = || -> anyhow::Result<ConstructorParams> {
            let authority = match self.authority.as_str() {
                "system" => Address::new_id(0),
                other => refs.address(other).context("authority")?,
            };
            cloudless_actor_gateway::state::validate_metadata(&self.name, &self.symbol)
                .map_err(|e| anyhow!("{}", e.msg()))?;
            cloudless_actor_gateway::state::validate_fast_window(self.max_fast_window)
                .map_err(|e| anyhow!("{}", e.msg()))?;
            Ok(ConstructorParams {
                admin: refs.address(&self.admin).context("admin")?,
                authority,
                name: self.name.clone(),
                symbol: self.symbol.clone(),
                max_fast_window: self.max_fast_window,
            })
        };
        Ok(RawBytes::serialize(params().context("actors.gateway")?)?)
    }
}
