//! Genesis from a declarative TOML config: every actor is created by running its constructor
//! (on another core set than ours, builtin-actors', the core states are written instead: see
//! [`CoreSet`]).
//!
//! This module owns the network, the accounts and the order of construction; each Cloudless
//! singleton owns its `[actors.<name>]` section in a module of its own (its schema, defaults,
//! validation and constructor params), listed once in [`sections!`] below.
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
use cloudless_runtime::ActorCode;
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
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::keys::{Key, KeyStore};
use crate::node::{ChainMeta, Node, BLOCK_GAS_LIMIT};

pub mod fendermint;

pub use gateway::IpcConfig;

pub use oracle::OracleAssetConfig;

/// One `[actors.<name>]` section: a singleton of the bundle, created at genesis at a fixed ID
/// by running its constructor with the params the section builds.
pub trait Section: Serialize + DeserializeOwned {
    /// The actor the section creates (its bundle name is the section's key).
    type Actor: ActorCode;
    fn id(&self) -> ActorID;
    /// FLT the actor starts with (its constructor receives it as value).
    fn balance(&self) -> TokenAmount {
        TokenAmount::default()
    }
    /// Checks the section and builds the constructor params; errors name the key. Before the
    /// accounts exist (`refs.node` is `None`) references to actors resolve to a placeholder ID.
    fn constructor_params(&self, refs: &Refs) -> anyhow::Result<RawBytes>;
    /// Whether the actor gets an Ethereum (f410) address at genesis, as fendermint gives its
    /// fixed-ID contracts (see [`eth_address_of`]).
    fn ethereum_address(&self) -> bool {
        false
    }
}

/// The f410 address a fixed-ID actor gets at genesis: fendermint's `builtin_actor_eth_addr`,
/// so the IPC gateway is `0x77aa…1da8` here as on every IPC subnet.
pub fn eth_address_of(id: ActorID) -> Address {
    cloudless_ipc::fvm_address(cloudless_ipc::builtin_actor_eth_address(id, crate::prove::keccak256))
}

/// A [`Section`] without its types, for the list of configured singletons.
pub trait DynSection {
    fn key(&self) -> &'static str;
    fn id(&self) -> ActorID;
    fn balance(&self) -> TokenAmount;
    fn constructor_params(&self, refs: &Refs) -> anyhow::Result<RawBytes>;
    fn ethereum_address(&self) -> bool;
}

impl<S: Section> DynSection for S {
    fn key(&self) -> &'static str {
        S::Actor::NAME
    }
    fn id(&self) -> ActorID {
        Section::id(self)
    }
    fn balance(&self) -> TokenAmount {
        Section::balance(self)
    }
    fn constructor_params(&self, refs: &Refs) -> anyhow::Result<RawBytes> {
        Section::constructor_params(self, refs)
    }
    fn ethereum_address(&self) -> bool {
        Section::ethereum_address(self)
    }
}

/// How a section names other actors: account names, singleton keys (`"oracle"`) or addresses.
pub struct Refs<'a> {
    pub config: &'a GenesisConfig,
    /// The node being built, once the accounts exist.
    pub node: Option<&'a Node>,
}

impl Refs<'_> {
    /// An account name or an address literal.
    pub fn address(&self, reference: &str) -> anyhow::Result<Address> {
        self.config.resolve_ref(reference)
    }

    /// An account, a singleton or an address as an actor ID (a placeholder before accounts exist).
    pub fn id(&self, reference: &str) -> anyhow::Result<ActorID> {
        match self.node {
            Some(node) => self.config.resolve_id(node, reference),
            None => Ok(0),
        }
    }

    /// [`Refs::id`] of an optional reference, naming `key` on error.
    pub fn optional_id(&self, key: &str, reference: &Option<String>) -> anyhow::Result<Option<ActorID>> {
        reference.as_deref().map(|r| self.id(r)).transpose().with_context(|| key.to_string())
    }

    /// A reference to the `expected` product actor (a bundle name, e.g. `"oracle"`), naming
    /// `key` on error: its singleton key, or an address or account of an actor with that code.
    /// With `stand_in` an account may play the part (a role that only calls us, e.g. the reporter
    /// of proofs in a test). Refused: a singleton that is not configured, a singleton or actor of
    /// another code, and an address with no actor at genesis.
    pub fn actor(&self, key: &str, reference: &str, expected: &str, stand_in: bool) -> anyhow::Result<ActorID> {
        self.check_actor(reference, expected, stand_in).with_context(|| key.to_string())
    }

    /// [`Refs::actor`] of an optional reference: absent means the configured `expected` singleton
    /// if there is one (singletons point at each other by default), `"none"` means none.
    pub fn optional_actor(
        &self,
        key: &str,
        reference: &Option<String>,
        expected: &str,
        stand_in: bool,
    ) -> anyhow::Result<Option<ActorID>> {
        let configured = self.config.singletons().into_iter().any(|s| s.key() == expected);
        match reference.as_deref() {
            Some("none") => Ok(None),
            Some(r) => self.actor(key, r, expected, stand_in).map(Some),
            None if configured => self.actor(key, expected, expected, stand_in).map(Some),
            None => Ok(None),
        }
    }

    fn check_actor(&self, reference: &str, expected: &str, stand_in: bool) -> anyhow::Result<ActorID> {
        let singletons = self.config.singletons();
        let wrong = |what: &str| {
            let or = if stand_in { " (or an account standing in for it)" } else { "" };
            anyhow!("{reference:?} is {what}, not the {expected} actor{or}")
        };
        let account = self.config.accounts.iter().any(|a| a.name == reference);
        if let Some(s) = singletons.iter().find(|s| s.key() == reference && !account) {
            return if s.key() == expected { Ok(s.id()) } else { Err(wrong(&format!("the {} actor", s.key()))) };
        }
        if !account && product_actors().iter().any(|a| a.name() == reference) {
            bail!("{reference:?}: there is no [actors.{reference}] section");
        }
        let addr = self.address(reference)?;
        if let Some(s) = addr.id().ok().and_then(|id| singletons.iter().find(|s| s.id() == id)) {
            return if s.key() == expected { Ok(s.id()) } else { Err(wrong(&format!("the {} actor", s.key()))) };
        }
        let Some(node) = self.node else { return Ok(0) };
        let missing = || anyhow!("{reference:?} ({addr}) is not an actor at genesis");
        let id = node.resolve(&addr)?.ok_or_else(missing)?;
        let actor = node.actor(id)?.ok_or_else(missing)?;
        let code = node.code_name(&actor.code)?.unwrap_or_default();
        match code.as_str() {
            c if c == expected => Ok(id),
            "account" | "ethaccount" if stand_in => Ok(id),
            other => Err(wrong(&format!("an actor of code {other:?}"))),
        }
    }

    /// Checks that `asset` is one of the configured oracle's assets when `oracle` is that oracle.
    pub fn oracle_asset(&self, key: &str, oracle: Option<ActorID>, asset: &str) -> anyhow::Result<()> {
        let Some(section) = &self.config.actors.oracle else { return Ok(()) };
        if oracle != Some(section.id) {
            return Ok(());
        }
        if !section.assets.iter().any(|a| a.symbol == asset) {
            let known: Vec<&str> = section.assets.iter().map(|a| a.symbol.as_str()).collect();
            bail!("{key}: {asset:?} is not an asset of [actors.oracle] (it has {known:?}); every price request would fail");
        }
        Ok(())
    }
}

// Every singleton section, from the one actor list (actors/registry/src/list.rs): each product
// actor's `genesis <module>::<Section>` is the module (`<module>.rs` here), the `[actors.<module>]`
// table and, by list order, the build order.
macro_rules! actors {
    ($(
        $kind:ident $name:literal = $krate:ident :: $actor:ident in $package:literal
        $(, genesis $gmod:ident :: $gsec:ident)? $(, index $imod:ident :: $iview:ident)?;
    )*) => {
        $($(
            mod $gmod;
            pub use $gmod::$gsec;
        )?)*

        /// The Cloudless singletons, one optional section each.
        #[derive(Debug, Clone, Default, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct ActorsConfig {
            $($(pub $gmod: Option<$gsec>,)?)*
        }

        impl ActorsConfig {
            /// The configured sections, in build order.
            pub fn sections(&self) -> Vec<&dyn DynSection> {
                let mut out: Vec<&dyn DynSection> = Vec::new();
                $($(if let Some(s) = &self.$gmod {
                    out.push(s);
                })?)*
                out
            }
        }

        /// A section's key is its actor's bundle name, and it creates the actor it is listed with.
        #[test]
        fn section_keys_are_bundle_names() {
            $($(
                assert_eq!(stringify!($gmod), $name);
                assert_eq!(<<$gsec as Section>::Actor as ActorCode>::NAME, <$krate::$actor as ActorCode>::NAME);
            )?)*
        }
    };
}

cloudless_actors::with_list!();

/// Every product actor, as the host's tools see it.
pub fn product_actors() -> Vec<&'static dyn crate::abi::HostActor> {
    crate::abi::actors().into_iter().filter(|a| a.kind() == cloudless_actors::Kind::Product).collect()
}

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

/// A built genesis.
pub struct Genesis {
    pub node: Node,
    pub keys: KeyStore,
    /// Every configured account and singleton: (name, ID).
    pub actors: Vec<(String, ActorID)>,
    /// What the constructors emitted, in order (an indexer starts from these).
    pub events: Vec<fvm_shared::event::StampedEvent>,
    /// The core set the bundle carried.
    pub core: CoreSet,
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

    /// The configured singletons, in build order.
    fn singletons(&self) -> Vec<&dyn DynSection> {
        self.actors.sections()
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
        for section in self.singletons() {
            let (key, id) = (section.key(), section.id());
            if let Some((_, owner)) = RESERVED_IDS.iter().find(|(r, _)| *r == id) {
                bail!("actors.{key}.id: f0{id} is reserved for the {owner} actor");
            }
            if id >= n.first_actor_id {
                bail!(
                    "actors.{key}.id: f0{id} collides with IDs init hands out (from network.first_actor_id = {})",
                    n.first_actor_id
                );
            }
            if let Some(other) = ids.insert(id, key) {
                bail!("actors.{key}.id: f0{id} is already used by actors.{other}");
            }
        }
        // Every section's params, with references to other actors not yet resolvable.
        for section in self.singletons() {
            section.constructor_params(&Refs { config: self, node: None })?;
        }
        Ok(())
    }

    /// An account name, a singleton's name (`"oracle"`), or an address, as an ID once accounts exist.
    fn resolve_id(&self, node: &Node, reference: &str) -> anyhow::Result<ActorID> {
        if let Some(s) = self.singletons().into_iter().find(|s| s.key() == reference) {
            return Ok(s.id());
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

    /// The oracle asset FLT is priced in: the rewards section's, else the default.
    pub fn flt_asset(&self) -> String {
        self.actors.rewards.as_ref().map(|r| r.oracle_asset.clone()).unwrap_or_else(capacity::default_oracle_asset)
    }

    fn total_balance(&self) -> TokenAmount {
        let accounts = self.accounts.iter().map(|a| a.balance.clone());
        accounts.chain(self.singletons().into_iter().map(|s| s.balance())).sum()
    }
}

/// Builds the genesis state from `config` with the actors of `bundle_car`.
pub fn build(config: &GenesisConfig, bundle_car: &[u8]) -> anyhow::Result<Genesis> {
    config.validate()?;
    let store = Rc::new(MemoryBlockstore::new());
    let bundle = cloudless_bundle::load(&store, bundle_car).context("loading the actor bundle")?;
    let code = |name: &str| bundle.code_of(name).ok_or_else(|| anyhow!("the bundle has no {name:?} actor"));

    let core = CoreSet::of(&bundle)?;
    let n = &config.network;
    let mut tree = StateTree::new(&store, StateTreeVersion::V5)?;
    // Written by hand in both core sets: see the system actor's docs (FVM reachability rules).
    let system = cloudless_actor_system::State { builtin_actors: bundle.manifest_data };
    let mut put = |id: ActorID, name: &str, state: cid::Cid, balance: TokenAmount| -> anyhow::Result<()> {
        tree.set_actor(id, ActorState::new(code(name)?, state, balance, 0, None));
        Ok(())
    };
    put(0, "system", store.put_cbor(&system, Code::Blake2b256)?, config.total_balance())?;
    match core {
        CoreSet::Cloudless => tree.set_actor(1, ActorState::new_empty(code("init")?, None)),
        // builtin-actors' constructors cannot run in an empty tree (the system actor builds its
        // own state, init would need to exist to be called): write every core state the way
        // fendermint's genesis does, with builtin-actors' layouts.
        CoreSet::Official => {
            let init = cloudless_actor_init::State::new(&*store, n.name.clone(), n.first_actor_id)
                .map_err(|e| anyhow!("init state: {e}"))?;
            put(1, "init", store.put_cbor(&init, Code::Blake2b256)?, TokenAmount::default())?;
            // fendermint puts an account at f02: the reward actor's own state is Filecoin's.
            put(2, "account", store.put_cbor(&account_state(2), Code::Blake2b256)?, TokenAmount::default())?;
            if bundle.code_of("cron").is_some() {
                // cron: `{entries: []}` as a tuple.
                put(3, "cron", store.put_cbor(&(Vec::<()>::new(),), Code::Blake2b256)?, TokenAmount::default())?;
            }
            // EAM: no state of its own, an empty array.
            put(10, "eam", store.put_cbor(&Vec::<()>::new(), Code::Blake2b256)?, TokenAmount::default())?;
            put(99, "account", store.put_cbor(&account_state(99), Code::Blake2b256)?, TokenAmount::default())?;
        }
    }
    let root = tree.flush()?;

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

    let mut events = Vec::new();
    if core == CoreSet::Cloudless {
        construct(&mut node, &mut events, 0, "system", None, TokenAmount::default())?;
        let init_params =
            cloudless_actor_init::ConstructorParams { network_name: n.name.clone(), first_actor_id: n.first_actor_id };
        let init_params = Some(RawBytes::serialize(init_params)?);
        construct(&mut node, &mut events, 1, "init", init_params, TokenAmount::default())?;
        install(&mut node, &mut events, 2, code("reward")?, "reward", None, TokenAmount::default())?;
        install(&mut node, &mut events, 10, code("eam")?, "eam", None, TokenAmount::default())?;
        let burnt_funds = RawBytes::serialize(Address::new_id(99))?;
        install(
            &mut node,
            &mut events,
            99,
            code("account")?,
            "burnt funds",
            Some(burnt_funds),
            TokenAmount::default(),
        )?;
    }

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

    for section in config.singletons() {
        let (key, id) = (section.key(), section.id());
        let params = section.constructor_params(&Refs { config, node: Some(&node) })?;
        let what = format!("actors.{key}");
        let eth = section.ethereum_address().then(|| eth_address_of(id));
        node.install_actor(id, code(key)?, eth).with_context(|| what.clone())?;
        construct(&mut node, &mut events, id, &what, Some(params), section.balance())?;
        actors.push((key.to_string(), id));
    }

    node.clear_manifest_override();
    for (name, id) in &actors {
        keys.actors.insert(name.clone(), Address::new_id(*id).to_string());
    }
    Ok(Genesis { node, keys, actors, events, core })
}

/// The core set of a bundle: the Cloudless core actors (genesis runs their constructors) or
/// another set, builtin-actors (genesis writes their states, as fendermint and Lotus do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoreSet {
    Cloudless,
    Official,
}

impl CoreSet {
    /// Ours when the bundle's system actor is the Cloudless one (the product and test bundles
    /// share their core code), otherwise builtin-actors.
    pub fn of(bundle: &cloudless_bundle::BundleInfo) -> anyhow::Result<Self> {
        let ours = cloudless_bundle::inspect(cloudless_bundle::BUNDLE_CAR)?;
        let system = bundle.code_of("system").ok_or_else(|| anyhow!("the bundle has no \"system\" actor"))?;
        Ok(if ours.code_of("system") == Some(system) { CoreSet::Cloudless } else { CoreSet::Official })
    }
}

/// A keyless account's state: its own ID address (burnt funds, fendermint's f02).
fn account_state(id: ActorID) -> cloudless_actor_account::State {
    cloudless_actor_account::State { address: Address::new_id(id) }
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

/// Places bundle actor `code_name` at fixed ID `id` in a built genesis (with the f410 address
/// fendermint would give that ID, when `eth`) and runs its constructor as the system actor, as
/// genesis does for singletons: for test actors that must sit at a fixed ID (the stand-in for
/// the IPC gateway at f064; the syscall vectors' actor, which builtin-actors' init would not
/// create). Returns the constructor's events.
pub fn install_at(
    node: &mut Node,
    id: ActorID,
    code_name: &str,
    params: Option<RawBytes>,
    eth: bool,
) -> anyhow::Result<Vec<fvm_shared::event::StampedEvent>> {
    let code = node.code_of(code_name)?;
    node.install_actor(id, code, eth.then(|| eth_address_of(id)))?;
    let mut events = Vec::new();
    construct(node, &mut events, id, code_name, params, TokenAmount::default())?;
    Ok(events)
}

/// Runs `id`'s constructor as the system actor; a failure names the actor and its message.
fn construct(
    node: &mut Node,
    events: &mut Vec<fvm_shared::event::StampedEvent>,
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
    events.extend(ret.events);
    Ok(())
}

fn install(
    node: &mut Node,
    events: &mut Vec<fvm_shared::event::StampedEvent>,
    id: ActorID,
    code: cid::Cid,
    what: &str,
    params: Option<RawBytes>,
    value: TokenAmount,
) -> anyhow::Result<()> {
    node.install_actor(id, code, None).with_context(|| what.to_string())?;
    construct(node, events, id, what, params, value)
}
