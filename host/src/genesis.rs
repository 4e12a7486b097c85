//! Genesis from a declarative TOML config: every actor is created by running its constructor.
//!
//! Order: the system and init actors are placed in an empty state tree and constructed; then the
//! fixed core actors (reward f02, EAM f010, burnt funds f099); then the accounts, funded by the
//! system actor (the FVM creates each account and runs its constructor); then every Cloudless
//! singleton at its configured ID. The system actor starts with the sum of every genesis balance
//! and gives it all away, so total FLT is exactly what the config lists.

use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;
use std::str::FromStr;

use anyhow::{anyhow, bail, Context};
use cloudless_runtime::amount;
use fvm::state_tree::StateTree;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::{CborStore, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::message::Message;
use fvm_shared::state::{ActorState, StateTreeVersion};
use fvm_shared::ActorID;
use multihash_codetable::Code;
use serde::{Deserialize, Serialize};

use crate::keys::{Key, KeyStore};
use crate::node::{ChainMeta, Node, BLOCK_GAS_LIMIT};

/// IDs the FVM or the core set own; no configured actor may take them.
pub const RESERVED_IDS: [(ActorID, &str); 5] =
    [(0, "system"), (1, "init"), (2, "reward"), (10, "eam"), (99, "burnt funds")];

fn default_version() -> u32 {
    21
}
fn default_chain_id() -> u64 {
    31_415_926
}
fn default_base_fee() -> TokenAmount {
    TokenAmount::from_atto(100)
}
fn default_period_length() -> ChainEpoch {
    86_400
}
fn default_first_actor_id() -> ActorID {
    cloudless_actor_init::DEFAULT_FIRST_ACTOR_ID
}
fn default_oracle_id() -> ActorID {
    83
}
fn default_capacity_id() -> ActorID {
    80
}
fn default_rewards_id() -> ActorID {
    82
}
fn default_gateway_id() -> ActorID {
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
fn default_capacity_ref() -> String {
    "capacity".into()
}
fn flt(whole: u64) -> TokenAmount {
    TokenAmount::from_whole(whole)
}
fn default_initial_pool() -> TokenAmount {
    flt(500)
}
fn default_min_pool() -> TokenAmount {
    flt(100)
}
fn default_max_pool() -> TokenAmount {
    flt(1000)
}
fn default_usd_target() -> TokenAmount {
    flt(1)
}
fn default_vesting_period_count() -> u64 {
    6
}
fn default_vesting_period_duration() -> u64 {
    2
}
fn default_true() -> bool {
    true
}
fn default_min_duration() -> u64 {
    5
}
fn default_max_failed_ratio() -> u64 {
    4
}
fn default_min_proofs() -> u32 {
    30
}
fn default_max_proofs() -> u32 {
    50
}
fn default_oracle_asset() -> String {
    "FLT/USD".into()
}
fn default_difficulty() -> String {
    format!("0000241f{}", "ff".repeat(28))
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisConfig {
    pub network: NetworkConfig,
    #[serde(default)]
    pub accounts: Vec<AccountConfig>,
    #[serde(default)]
    pub actors: ActorsConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    pub name: String,
    /// FVM network version (21..=29).
    #[serde(default = "default_version")]
    pub version: u32,
    #[serde(default = "default_chain_id")]
    pub chain_id: u64,
    /// FLT per unit of gas, decimal.
    #[serde(default = "default_base_fee", with = "amount")]
    pub base_fee: TokenAmount,
    #[serde(default)]
    pub genesis_epoch: ChainEpoch,
    #[serde(default = "default_period_length")]
    pub period_length: ChainEpoch,
    /// The first ID init hands out; every fixed actor ID must be below it.
    #[serde(default = "default_first_actor_id")]
    pub first_actor_id: ActorID,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    pub name: String,
    /// `"dev"` (default): a key derived from the name, saved in the key store; or a 64-digit hex
    /// secp256k1 private key.
    #[serde(default)]
    pub key: Option<String>,
    /// A key address whose private key stays outside (no key-store entry). Excludes `key`.
    #[serde(default)]
    pub address: Option<String>,
    #[serde(with = "amount")]
    pub balance: TokenAmount,
}

/// The Cloudless singletons. Each later actor adds its section here.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActorsConfig {
    pub oracle: Option<OracleConfig>,
    pub capacity: Option<CapacityConfig>,
    pub rewards: Option<RewardsConfig>,
    pub gateway: Option<GatewayConfig>,
}

/// `[actors.capacity]`: SPEC §2 parameters with its defaults. Other actors are named by account
/// name, address, or (for singletons) their section name (`"oracle"`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityConfig {
    #[serde(default = "default_capacity_id")]
    pub id: ActorID,
    #[serde(default, with = "amount")]
    pub balance: TokenAmount,
    pub admin: String,
    #[serde(default = "default_true")]
    pub whitelist: bool,
    #[serde(default = "default_min_duration")]
    pub min_duration: u64,
    #[serde(default = "default_max_failed_ratio")]
    pub max_failed_ratio: u64,
    #[serde(default = "default_min_proofs")]
    pub min_proofs: u32,
    #[serde(default = "default_max_proofs")]
    pub max_proofs: u32,
    /// PRECISION-scaled share of a unit's collateral slashed per failure (default 0).
    #[serde(default)]
    pub slashing_rate: u64,
    #[serde(default)]
    pub withdraw_periods_after_failed: u64,
    /// USD (decimal) per unit, converted at the oracle's FLT/USD median.
    #[serde(default, with = "amount")]
    pub usd_collateral_per_unit: TokenAmount,
    /// FLT (decimal) per unit when no fresh price exists.
    #[serde(with = "amount")]
    pub flt_collateral_per_unit: TokenAmount,
    /// `"oracle"` (the configured oracle), an address, or absent.
    #[serde(default)]
    pub oracle: Option<String>,
    #[serde(default = "default_oracle_asset")]
    pub oracle_asset: String,
    #[serde(default)]
    pub rewards: Option<String>,
    #[serde(default)]
    pub market: Option<String>,
    #[serde(default)]
    pub treasury: Option<String>,
    /// 32-byte hex; default 32 zero bytes.
    #[serde(default)]
    pub genesis_nonce: Option<String>,
    /// 32-byte hex, big-endian (default 0x0000241f ff…ff).
    #[serde(default = "default_difficulty")]
    pub difficulty: String,
}

/// `[actors.rewards]`: SPEC §3 parameters with its defaults; `balance` is the genesis funding.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RewardsConfig {
    #[serde(default = "default_rewards_id")]
    pub id: ActorID,
    /// Genesis funding of the reward pool (FLT, decimal).
    #[serde(default, with = "amount")]
    pub balance: TokenAmount,
    pub admin: String,
    /// The only reporter of proofs: `"capacity"` (the configured capacity actor) or an address.
    #[serde(default = "default_capacity_ref")]
    pub capacity: String,
    #[serde(default)]
    pub oracle: Option<String>,
    #[serde(default = "default_oracle_asset")]
    pub oracle_asset: String,
    #[serde(default = "default_initial_pool", with = "amount")]
    pub initial_pool: TokenAmount,
    #[serde(default = "default_min_pool", with = "amount")]
    pub min_pool: TokenAmount,
    #[serde(default = "default_max_pool", with = "amount")]
    pub max_pool: TokenAmount,
    /// USD (decimal) one successful unit should earn per period.
    #[serde(default = "default_usd_target", with = "amount")]
    pub usd_target_revenue_per_unit_period: TokenAmount,
    #[serde(default = "default_vesting_period_count")]
    pub vesting_period_count: u64,
    #[serde(default = "default_vesting_period_duration")]
    pub vesting_period_duration: u64,
}

/// `[actors.gateway]`: the USDC linked token (SPEC §5).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    #[serde(default = "default_gateway_id")]
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
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OracleConfig {
    #[serde(default = "default_oracle_id")]
    pub id: ActorID,
    #[serde(default, with = "amount")]
    pub balance: TokenAmount,
    /// An account name or an address.
    pub admin: String,
    #[serde(default)]
    pub assets: Vec<OracleAssetConfig>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OracleAssetConfig {
    pub symbol: String,
    pub quorum: u32,
    pub report_expiry: ChainEpoch,
    #[serde(default)]
    pub max_deviation: u64,
    #[serde(default)]
    pub twap_window: ChainEpoch,
    /// Account names or addresses.
    #[serde(default)]
    pub reporters: Vec<String>,
}

/// A built genesis.
pub struct Genesis {
    pub node: Node,
    pub keys: KeyStore,
    /// Every configured account and singleton: (name, ID).
    pub actors: Vec<(String, ActorID)>,
}

impl GenesisConfig {
    /// Parses TOML; errors name the line and key (`toml`'s messages carry both).
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        toml::from_str(text).map_err(|e| anyhow!("invalid genesis config: {e}"))
    }

    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// The fixed-ID singletons: (config key, manifest name, ID).
    fn singletons(&self) -> Vec<(&'static str, &'static str, ActorID)> {
        let mut out = Vec::new();
        if let Some(o) = &self.actors.oracle {
            out.push(("actors.oracle", "oracle", o.id));
        }
        if let Some(c) = &self.actors.capacity {
            out.push(("actors.capacity", "capacity", c.id));
        }
        if let Some(r) = &self.actors.rewards {
            out.push(("actors.rewards", "rewards", r.id));
        }
        if let Some(g) = &self.actors.gateway {
            out.push(("actors.gateway", "gateway", g.id));
        }
        out
    }

    /// Checks everything that does not need the FVM; errors name the offending key.
    pub fn validate(&self) -> anyhow::Result<()> {
        let n = &self.network;
        if n.name.is_empty() {
            bail!("network.name: must not be empty");
        }
        if !(21..=29).contains(&n.version) {
            bail!("network.version: {} is not supported (21..=29)", n.version);
        }
        if n.period_length <= 0 {
            bail!("network.period_length: must be positive");
        }
        if n.base_fee.is_negative() {
            bail!("network.base_fee: must not be negative");
        }
        let max_reserved = RESERVED_IDS.iter().map(|(id, _)| *id).max().unwrap_or(0);
        if n.first_actor_id <= max_reserved {
            bail!("network.first_actor_id: {} must be above the reserved f0{max_reserved}", n.first_actor_id);
        }
        let mut names = BTreeMap::new();
        for (i, a) in self.accounts.iter().enumerate() {
            let key = format!("accounts[{i}]");
            if a.name.is_empty() {
                bail!("{key}.name: must not be empty");
            }
            if let Some(prev) = names.insert(a.name.as_str(), i) {
                bail!("{key}.name: {:?} is already accounts[{prev}]", a.name);
            }
            if a.balance.is_negative() {
                bail!("{key}.balance: must not be negative");
            }
            self.account_address(a).with_context(|| key.clone())?;
        }
        let mut ids = BTreeMap::new();
        for (key, _, id) in self.singletons() {
            if let Some((_, owner)) = RESERVED_IDS.iter().find(|(r, _)| *r == id) {
                bail!("{key}.id: f0{id} is reserved for the {owner} actor");
            }
            if id >= n.first_actor_id {
                bail!(
                    "{key}.id: f0{id} collides with IDs init hands out (from network.first_actor_id = {})",
                    n.first_actor_id
                );
            }
            if let Some(other) = ids.insert(id, key) {
                bail!("{key}.id: f0{id} is already used by {other}");
            }
        }
        if let Some(o) = &self.actors.oracle {
            self.resolve_ref(&o.admin).context("actors.oracle.admin")?;
            for (i, asset) in o.assets.iter().enumerate() {
                for (j, r) in asset.reporters.iter().enumerate() {
                    self.resolve_ref(r).with_context(|| format!("actors.oracle.assets[{i}].reporters[{j}]"))?;
                }
            }
        }
        if let Some(c) = &self.actors.capacity {
            capacity_params(self, c, &|_| Ok(0)).context("actors.capacity")?;
        }
        if let Some(r) = &self.actors.rewards {
            rewards_params(self, r, &|_| Ok(0)).context("actors.rewards")?;
        }
        if let Some(g) = &self.actors.gateway {
            gateway_params(self, g).context("actors.gateway")?;
        }
        Ok(())
    }

    /// An account name, a singleton's name (`"oracle"`), or an address, as an ID once accounts exist.
    fn resolve_id(&self, node: &Node, reference: &str) -> anyhow::Result<ActorID> {
        if let Some((_, _, id)) = self.singletons().into_iter().find(|(_, name, _)| *name == reference) {
            return Ok(id);
        }
        let addr = self.resolve_ref(reference)?;
        node.resolve(&addr)?.ok_or_else(|| anyhow!("{reference:?} ({addr}) is not an actor at genesis"))
    }

    fn account_key(&self, a: &AccountConfig) -> anyhow::Result<Option<Key>> {
        match (a.key.as_deref(), &a.address) {
            (Some(_), Some(_)) => bail!("set either key or address, not both"),
            (None | Some("dev"), None) => Ok(Some(Key::dev(&a.name))),
            (Some(hex), None) => Key::from_hex(hex).map(Some).context("key"),
            (None, Some(_)) => Ok(None),
        }
    }

    fn account_address(&self, a: &AccountConfig) -> anyhow::Result<Address> {
        if let Some(key) = self.account_key(a)? {
            return Ok(key.address());
        }
        let text = a.address.as_deref().unwrap_or_default();
        Address::from_str(text).map_err(|e| anyhow!("address: {text:?} is not an address: {e}"))
    }

    /// An account name or an address literal.
    pub fn resolve_ref(&self, reference: &str) -> anyhow::Result<Address> {
        if let Some(a) = self.accounts.iter().find(|a| a.name == reference) {
            return self.account_address(a);
        }
        Address::from_str(reference).map_err(|_| anyhow!("{reference:?} is neither a genesis account nor an address"))
    }

    fn total_balance(&self) -> TokenAmount {
        let accounts = self.accounts.iter().map(|a| a.balance.clone());
        let actors = self.actors.oracle.iter().map(|o| o.balance.clone());
        let actors = actors.chain(self.actors.capacity.iter().map(|c| c.balance.clone()));
        let actors = actors.chain(self.actors.rewards.iter().map(|r| r.balance.clone()));
        accounts.chain(actors).sum()
    }
}

/// Builds the genesis state from `config` with the actors of `bundle_car`.
pub fn build(config: &GenesisConfig, bundle_car: &[u8]) -> anyhow::Result<Genesis> {
    config.validate()?;
    let store = Rc::new(MemoryBlockstore::new());
    let bundle = cloudless_bundle::load(&store, bundle_car).context("loading the actor bundle")?;
    let code = |name: &str| bundle.code_of(name).ok_or_else(|| anyhow!("the bundle has no {name:?} actor"));

    let mut tree = StateTree::new(&store, StateTreeVersion::V5)?;
    // The one state written by hand: see the system actor's docs (FVM reachability rules).
    let mut system = ActorState::new_empty(code("system")?, None);
    system.state =
        store.put_cbor(&cloudless_actor_system::State { builtin_actors: bundle.manifest_data }, Code::Blake2b256)?;
    system.balance = config.total_balance();
    tree.set_actor(0, system);
    tree.set_actor(1, ActorState::new_empty(code("init")?, None));
    let root = tree.flush()?;

    let n = &config.network;
    let meta = ChainMeta {
        network_name: n.name.clone(),
        network_version: n.version,
        chain_id: n.chain_id,
        base_fee: n.base_fee.clone(),
        genesis_epoch: n.genesis_epoch,
        period_length: n.period_length,
        epoch: n.genesis_epoch,
    };
    let mut node = Node::new(store, root, meta, Some(bundle.root))?;

    construct(&mut node, 0, "system", None, TokenAmount::default())?;
    let init_params =
        cloudless_actor_init::ConstructorParams { network_name: n.name.clone(), first_actor_id: n.first_actor_id };
    construct(&mut node, 1, "init", Some(RawBytes::serialize(init_params)?), TokenAmount::default())?;
    install(&mut node, 2, code("reward")?, "reward", None::<&()>, TokenAmount::default())?;
    install(&mut node, 10, code("eam")?, "eam", None::<&()>, TokenAmount::default())?;
    install(&mut node, 99, code("account")?, "burnt funds", Some(&Address::new_id(99)), TokenAmount::default())?;

    let mut keys = KeyStore::default();
    let mut actors = Vec::new();
    for (i, a) in config.accounts.iter().enumerate() {
        if let Some(key) = config.account_key(a)? {
            keys.insert(&a.name, &key);
        }
        let address = config.account_address(a)?;
        let ret = node.apply_implicit(system_message(address, 0, None, a.balance.clone()))?;
        if !ret.msg_receipt.exit_code.is_success() {
            bail!("accounts[{i}] ({}): creating the account failed: {:?}", a.name, ret.failure_info);
        }
        let id = node.resolve(&address)?.ok_or_else(|| anyhow!("accounts[{i}]: account not created"))?;
        actors.push((a.name.clone(), id));
    }

    if let Some(o) = &config.actors.oracle {
        let params = oracle_params(config, o)?;
        install(&mut node, o.id, code("oracle")?, "actors.oracle", Some(&params), o.balance.clone())?;
        actors.push(("oracle".into(), o.id));
    }

    if let Some(c) = &config.actors.capacity {
        let params = capacity_params(config, c, &|r| config.resolve_id(&node, r)).context("actors.capacity")?;
        install(&mut node, c.id, code("capacity")?, "actors.capacity", Some(&params), c.balance.clone())?;
        actors.push(("capacity".into(), c.id));
    }

    if let Some(r) = &config.actors.rewards {
        let params = rewards_params(config, r, &|x| config.resolve_id(&node, x)).context("actors.rewards")?;
        install(&mut node, r.id, code("rewards")?, "actors.rewards", Some(&params), r.balance.clone())?;
        actors.push(("rewards".into(), r.id));
    }

    if let Some(g) = &config.actors.gateway {
        let params = gateway_params(config, g).context("actors.gateway")?;
        install(&mut node, g.id, code("gateway")?, "actors.gateway", Some(&params), TokenAmount::default())?;
        actors.push(("gateway".into(), g.id));
    }

    node.clear_manifest_override();
    for (name, id) in &actors {
        keys.actors.insert(name.clone(), Address::new_id(*id).to_string());
    }
    Ok(Genesis { node, keys, actors })
}

fn oracle_params(
    config: &GenesisConfig,
    o: &OracleConfig,
) -> anyhow::Result<cloudless_actor_oracle::ConstructorParams> {
    use cloudless_actor_oracle::{AssetConfig, AssetParams, ConstructorParams};
    let assets = o
        .assets
        .iter()
        .map(|a| {
            Ok(AssetParams {
                symbol: a.symbol.clone(),
                config: AssetConfig {
                    quorum: a.quorum,
                    report_expiry: a.report_expiry,
                    max_deviation: a.max_deviation,
                    twap_window: a.twap_window,
                },
                reporters: a.reporters.iter().map(|r| config.resolve_ref(r)).collect::<anyhow::Result<_>>()?,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(ConstructorParams { admin: config.resolve_ref(&o.admin)?, assets })
}

/// The capacity constructor params; `id_of` turns a reference into an actor ID.
fn capacity_params(
    config: &GenesisConfig,
    c: &CapacityConfig,
    id_of: &dyn Fn(&str) -> anyhow::Result<ActorID>,
) -> anyhow::Result<cloudless_actor_capacity::ConstructorParams> {
    use cloudless_runtime::bytes::Bytes32;
    let reference = |key: &str, r: &Option<String>| -> anyhow::Result<Option<ActorID>> {
        r.as_deref().map(id_of).transpose().with_context(|| key.to_string())
    };
    let bytes32 = |key: &str, text: &str| Bytes32::from_hex(text).map_err(|e| anyhow!("{key}: {e}"));
    let params = cloudless_actor_capacity::ConstructorParams {
        admin: config.resolve_ref(&c.admin).context("admin")?,
        config: cloudless_actor_capacity::Config {
            genesis_epoch: config.network.genesis_epoch,
            period_length: config.network.period_length,
            whitelist: c.whitelist,
            min_duration: c.min_duration,
            max_failed_ratio: c.max_failed_ratio,
            min_proofs: c.min_proofs,
            max_proofs: c.max_proofs,
            slashing_rate: c.slashing_rate,
            withdraw_periods_after_failed: c.withdraw_periods_after_failed,
            usd_collateral_per_unit: c.usd_collateral_per_unit.clone(),
            flt_collateral_per_unit: c.flt_collateral_per_unit.clone(),
            oracle: reference("oracle", &c.oracle)?,
            oracle_asset: c.oracle_asset.clone(),
            rewards: reference("rewards", &c.rewards)?,
            market: reference("market", &c.market)?,
            treasury: reference("treasury", &c.treasury)?,
        },
        genesis_nonce: c.genesis_nonce.as_deref().map(|t| bytes32("genesis_nonce", t)).transpose()?.unwrap_or_default(),
        difficulty: bytes32("difficulty", &c.difficulty)?,
    };
    cloudless_actor_capacity::state::validate_config(&params.config).map_err(|e| anyhow!("{}", e.msg()))?;
    Ok(params)
}

/// The rewards constructor params; `id_of` turns a reference into an actor ID.
fn rewards_params(
    config: &GenesisConfig,
    r: &RewardsConfig,
    id_of: &dyn Fn(&str) -> anyhow::Result<ActorID>,
) -> anyhow::Result<cloudless_actor_rewards::ConstructorParams> {
    use cloudless_actor_rewards::{Config, ConstructorParams, PoolConfig};
    let params = ConstructorParams {
        admin: config.resolve_ref(&r.admin).context("admin")?,
        config: Config {
            genesis_epoch: config.network.genesis_epoch,
            period_length: config.network.period_length,
            capacity: id_of(&r.capacity).context("capacity")?,
            oracle: r.oracle.as_deref().map(id_of).transpose().context("oracle")?,
            oracle_asset: r.oracle_asset.clone(),
            initial_pool: r.initial_pool.clone(),
            pool: PoolConfig {
                min_pool: r.min_pool.clone(),
                max_pool: r.max_pool.clone(),
                usd_target_revenue_per_unit_period: r.usd_target_revenue_per_unit_period.clone(),
            },
            vesting_period_count: r.vesting_period_count,
            vesting_period_duration: r.vesting_period_duration,
        },
    };
    cloudless_actor_rewards::state::validate_config(&params.config).map_err(|e| anyhow!("{}", e.msg()))?;
    Ok(params)
}

fn gateway_params(
    config: &GenesisConfig,
    g: &GatewayConfig,
) -> anyhow::Result<cloudless_actor_gateway::ConstructorParams> {
    let authority = match g.authority.as_str() {
        "system" => Address::new_id(0),
        other => config.resolve_ref(other).context("authority")?,
    };
    cloudless_actor_gateway::state::validate_metadata(&g.name, &g.symbol).map_err(|e| anyhow!("{}", e.msg()))?;
    Ok(cloudless_actor_gateway::ConstructorParams {
        admin: config.resolve_ref(&g.admin).context("admin")?,
        authority,
        name: g.name.clone(),
        symbol: g.symbol.clone(),
    })
}

fn system_message(to: Address, method_num: u64, params: Option<RawBytes>, value: TokenAmount) -> Message {
    Message {
        version: 0,
        from: Address::new_id(0),
        to,
        sequence: 0,
        value,
        method_num,
        params: params.unwrap_or_default(),
        gas_limit: BLOCK_GAS_LIMIT,
        gas_fee_cap: TokenAmount::default(),
        gas_premium: TokenAmount::default(),
    }
}

/// Runs `id`'s constructor as the system actor; a failure names the actor and its message.
fn construct(
    node: &mut Node,
    id: ActorID,
    what: &str,
    params: Option<RawBytes>,
    value: TokenAmount,
) -> anyhow::Result<()> {
    let ret = node.apply_implicit(system_message(Address::new_id(id), 1, params, value))?;
    if !ret.msg_receipt.exit_code.is_success() {
        let why = ret.failure_info.map(|f| f.to_string()).unwrap_or_default();
        bail!("{what}: constructor of f0{id} failed with exit code {}: {why}", ret.msg_receipt.exit_code.value());
    }
    Ok(())
}

fn install<P: Serialize>(
    node: &mut Node,
    id: ActorID,
    code: cid::Cid,
    what: &str,
    params: Option<&P>,
    value: TokenAmount,
) -> anyhow::Result<()> {
    node.install_actor(id, code).with_context(|| what.to_string())?;
    let params = params.map(RawBytes::serialize).transpose()?;
    construct(node, id, what, params, value)
}
