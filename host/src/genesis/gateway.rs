//! `[actors.gateway]`: the USDC linked token (docs/protocol.md §5).

use anyhow::{anyhow, bail, Context};
use cloudless_actor_gateway::{ConstructorParams, GatewayActor, IpcLinkParams};
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
    /// an address (a relayer's; on IPC keep the default and link `ipc` instead).
    #[serde(default = "default_authority")]
    pub authority: String,
    #[serde(default = "default_token_name")]
    pub name: String,
    #[serde(default = "default_token_symbol")]
    pub symbol: String,
    /// The furthest a fast withdrawal's deadline may lie after the withdrawal, in epochs.
    #[serde(default = "default_max_fast_window")]
    pub max_fast_window: i64,
    /// On an IPC subnet: the link to the parent's linked-token controller (docs/ipc.md).
    #[serde(default)]
    pub ipc: Option<IpcConfig>,
}

fn default_ipc_gateway() -> String {
    "f064".into()
}

/// `[actors.gateway.ipc]`: USDC arrives and leaves as IPC cross-net messages.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IpcConfig {
    /// The IPC gateway actor, the only deliverer of cross-net messages (f064 on IPC subnets).
    #[serde(default = "default_ipc_gateway")]
    pub gateway: String,
    /// The parent subnet, as IPC writes subnet IDs: `/r<root chain ID>` then one f410 (or
    /// 0x) address per level, e.g. `/r314159` for a subnet of Filecoin calibration.
    pub parent: String,
    /// The linked-token controller contract on the parent, `0x…` or its f410 address.
    pub controller: String,
}

/// An Ethereum address as `0x` + 40 hex digits or its f410 address.
pub fn parse_eth_address(text: &str) -> anyhow::Result<Address> {
    if let Some(hex) = text.strip_prefix("0x") {
        let bytes: [u8; 20] = ::hex::decode(hex)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| anyhow!("{text:?} is not 0x and 40 hex digits"))?;
        return Ok(cloudless_ipc::fvm_address(bytes));
    }
    let addr: Address = text.parse().map_err(|e| anyhow!("{text:?} is not an address: {e}"))?;
    match cloudless_ipc::eth_address(&addr) {
        Some(_) if addr.protocol() == fvm_shared::address::Protocol::Delegated => Ok(addr),
        _ => bail!("{text:?} is not an Ethereum (f410 or 0x) address"),
    }
}

/// A subnet ID as IPC writes it: `/r<root>` followed by `/<address>` per level.
pub fn parse_subnet(text: &str) -> anyhow::Result<(u64, Vec<Address>)> {
    let mut parts = text.split('/');
    let (Some(""), Some(root)) = (parts.next(), parts.next()) else {
        bail!("subnet {text:?} must look like /r314159 or /r314159/0x…");
    };
    let root = root
        .strip_prefix('r')
        .and_then(|r| r.parse::<u64>().ok())
        .ok_or_else(|| anyhow!("subnet {text:?}: {root:?} is not r<root chain ID>"))?;
    let route = parts.map(parse_eth_address).collect::<anyhow::Result<Vec<_>>>().with_context(|| format!("subnet {text:?}"))?;
    Ok((root, route))
}

impl IpcConfig {
    pub fn params(&self, refs: &Refs) -> anyhow::Result<IpcLinkParams> {
        let (parent_root, parent_route) = parse_subnet(&self.parent).context("parent")?;
        Ok(IpcLinkParams {
            gateway: refs.address(&self.gateway).context("gateway")?,
            parent_root,
            parent_route,
            controller: parse_eth_address(&self.controller).context("controller")?,
        })
    }
}

impl Section for GatewayConfig {
    type Actor = GatewayActor;

    fn id(&self) -> ActorID {
        self.id
    }

    /// Linked to IPC, the gateway has an f410 address the parent's contracts can name.
    fn ethereum_address(&self) -> bool {
        self.ipc.is_some()
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
                ipc: self.ipc.as_ref().map(|i| i.params(refs)).transpose().context("ipc")?,
            })
        };
        Ok(RawBytes::serialize(params().context("actors.gateway")?)?)
    }
}
