//! A [`Node`] owns one chain state (blockstore + state root + chain parameters) and applies
//! messages to it in ref-fvm with the Cloudless kernel.

use std::collections::BTreeSet;
use std::path::Path;
use std::rc::Rc;
use std::sync::OnceLock;

use anyhow::{anyhow, bail, Context};
use cid::Cid;
use cloudless_runtime::amount;
use fvm::engine::{EnginePool, MultiEngine};
use fvm::executor::{ApplyKind, ApplyRet, Executor};
use fvm::machine::{DefaultMachine, NetworkConfig};
use fvm::state_tree::StateTree;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_ipld_encoding::CborStore;
use fvm_shared::address::{Address, Protocol};
use fvm_shared::chainid::ChainID;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::message::Message;
use fvm_shared::state::ActorState;
use fvm_shared::version::NetworkVersion;
use fvm_shared::ActorID;
use multihash_codetable::Code;
use serde::de::DeserializeOwned;

use crate::externs::HostExterns;
use crate::keys::SignedMessage;

/// The blockstore every node uses: in memory, shared with the machine while it runs.
pub type Store = Rc<MemoryBlockstore>;
type HostExecutor = cloudless_kernel::Executor<Store, HostExterns>;

/// Changes the init actor's state in `tree` with `f` (genesis and test set-ups).
fn update_init<T>(
    store: &Store,
    tree: &mut StateTree<&Store>,
    f: impl FnOnce(&mut cloudless_actor_init::State) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let mut init = tree.get_actor(1)?.ok_or_else(|| anyhow!("no init actor"))?;
    let mut st: cloudless_actor_init::State =
        store.get_cbor(&init.state)?.ok_or_else(|| anyhow!("init state missing"))?;
    let out = f(&mut st)?;
    init.state = store.put_cbor(&st, Code::Blake2b256)?;
    tree.set_actor(1, init);
    Ok(out)
}

/// The block gas limit of a Cloudless subnet (as Filecoin's).
pub const BLOCK_GAS_LIMIT: u64 = 10_000_000_000;

/// Chain parameters that are not part of the state tree. Stored in state CARs as the second root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct ChainMeta {
    pub network_name: String,
    pub network_version: u32,
    pub chain_id: u64,
    #[serde(with = "amount")]
    pub base_fee: TokenAmount,
    pub genesis_epoch: ChainEpoch,
    pub period_length: ChainEpoch,
    /// The epoch the last message was applied at (the genesis epoch after genesis).
    pub epoch: ChainEpoch,
}

/// What applying one message produced.
pub type Outcome = ApplyRet;

pub struct Node {
    store: Store,
    engine: EnginePool,
    meta: ChainMeta,
    state_root: Cid,
    /// The manifest (CAR root) to run with before the system actor holds one (genesis only).
    manifest_override: Option<Cid>,
    /// Record every gas charge and call in `ApplyRet::exec_trace` (tests, debugging).
    tracing: bool,
}

impl Node {
    pub fn new(store: Store, state_root: Cid, meta: ChainMeta, manifest_override: Option<Cid>) -> anyhow::Result<Self> {
        let nc = network_config(&meta, manifest_override)?;
        let engine = engines().get(&nc)?;
        Ok(Self { store, engine, meta, state_root, manifest_override, tracing: false })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn state_root(&self) -> Cid {
        self.state_root
    }

    pub fn meta(&self) -> &ChainMeta {
        &self.meta
    }

    pub fn epoch(&self) -> ChainEpoch {
        self.meta.epoch
    }

    /// Moves the chain to `epoch`; epochs never go back.
    pub fn set_epoch(&mut self, epoch: ChainEpoch) -> anyhow::Result<()> {
        if epoch < self.meta.epoch {
            bail!("epoch {epoch} is before the current epoch {}", self.meta.epoch);
        }
        self.meta.epoch = epoch;
        Ok(())
    }

    /// Turns execution traces (gas charges, calls) on or off for later messages.
    pub fn set_tracing(&mut self, on: bool) {
        self.tracing = on;
    }

    /// Ends the genesis phase: from now on the FVM reads the manifest from the system actor.
    pub(crate) fn clear_manifest_override(&mut self) {
        self.manifest_override = None;
    }

    fn executor(&self) -> anyhow::Result<HostExecutor> {
        let nc = network_config(&self.meta, self.manifest_override)?;
        let mut mc = nc.for_epoch(self.meta.epoch, self.meta.epoch.max(0) as u64, self.state_root);
        mc.set_base_fee(self.meta.base_fee.clone());
        if self.tracing {
            mc.enable_tracing();
        }
        let machine = DefaultMachine::new(&mc, self.store.clone(), HostExterns)?;
        cloudless_kernel::executor(self.engine.clone(), machine)
    }

    fn execute(&mut self, message: Message, kind: ApplyKind, raw_length: usize) -> anyhow::Result<ApplyRet> {
        let mut executor = self.executor()?;
        let ret = executor.execute_message(message, kind, raw_length)?;
        self.state_root = executor.flush()?;
        Ok(ret)
    }

    /// Runs a message and forgets it: nothing is flushed, the state root stays as it was.
    fn dry_run(&self, message: Message, kind: ApplyKind, raw_length: usize) -> anyhow::Result<ApplyRet> {
        let mut executor = self.executor()?;
        executor.execute_message(message, kind, raw_length)
    }

    /// A read-only call (Lotus `StateCall`, `eth_call`): the message runs as an implicit one
    /// (no signature, nonce or gas payment) and its effects are discarded.
    pub fn call(&self, message: Message) -> anyhow::Result<ApplyRet> {
        let len = fvm_ipld_encoding::to_vec(&message)?.len();
        self.dry_run(message, ApplyKind::Implicit, len)
    }

    /// A typed read-only call from the burnt-funds account (a caller with no privileges
    /// anywhere): `params` encoded as CBOR, the return decoded as `R`; a failed call is an error
    /// naming its exit code.
    pub fn query<P: serde::Serialize, R: DeserializeOwned>(
        &self,
        to: Address,
        method: fvm_shared::MethodNum,
        params: &P,
    ) -> anyhow::Result<R> {
        // `()` is no params at all, as a method without params expects.
        let encoded = fvm_ipld_encoding::to_vec(params)?;
        let params = if encoded == [0xf6] { Default::default() } else { fvm_ipld_encoding::RawBytes::new(encoded) };
        let ret = self.call(Message {
            version: 0,
            from: Address::new_id(99),
            to,
            sequence: 0,
            value: Default::default(),
            method_num: method,
            params,
            gas_limit: BLOCK_GAS_LIMIT,
            gas_fee_cap: Default::default(),
            gas_premium: Default::default(),
        })?;
        if !ret.msg_receipt.exit_code.is_success() {
            let why = ret.failure_info.map(|f| f.to_string()).unwrap_or_default();
            bail!("read-only call of method {method} on {to} failed with {}: {why}", ret.msg_receipt.exit_code);
        }
        let data = ret.msg_receipt.return_data;
        // A method that returns nothing decodes as `()` (CBOR null).
        let bytes: &[u8] = if data.is_empty() { &[0xf6] } else { data.bytes() };
        Ok(fvm_ipld_encoding::from_slice(bytes)?)
    }

    /// Gas estimation: applies a signed message exactly as on chain (nonce, balance, inclusion
    /// gas), discarding its effects. The signature is not checked.
    pub fn estimate(&self, signed: &SignedMessage) -> anyhow::Result<ApplyRet> {
        self.dry_run(signed.message.clone(), ApplyKind::Explicit, signed.chain_length())
    }

    /// Applies a system-originated message: no signature, nonce or gas payment.
    pub fn apply_implicit(&mut self, message: Message) -> anyhow::Result<ApplyRet> {
        let len = fvm_ipld_encoding::to_vec(&message)?.len();
        self.execute(message, ApplyKind::Implicit, len)
    }

    /// Applies an explicit message whose sender was authenticated elsewhere (e.g. by the
    /// consensus layer); the sender pays gas and its nonce must match.
    pub fn apply_unsigned(&mut self, message: Message) -> anyhow::Result<ApplyRet> {
        let len = fvm_ipld_encoding::to_vec(&message)?.len();
        self.execute(message, ApplyKind::Explicit, len)
    }

    /// Verifies the signature against the sender's key, then applies the message.
    pub fn apply_signed(&mut self, signed: &SignedMessage) -> anyhow::Result<ApplyRet> {
        let signer = self.key_address(&signed.message.from)?;
        signed.verify(&signer)?;
        self.execute(signed.message.clone(), ApplyKind::Explicit, signed.chain_length())
    }

    /// The key address behind `addr` (itself for key addresses, the account's key for IDs).
    pub fn key_address(&self, addr: &Address) -> anyhow::Result<Address> {
        match addr.protocol() {
            Protocol::Secp256k1 | Protocol::BLS => Ok(*addr),
            _ => {
                let id = self.resolve(addr)?.ok_or_else(|| anyhow!("sender {addr} does not exist"))?;
                let st: cloudless_actor_account::State =
                    self.actor_state(id).with_context(|| format!("sender f0{id} is not an account"))?;
                Ok(st.address)
            }
        }
    }

    fn state_tree(&self) -> anyhow::Result<StateTree<&Store>> {
        Ok(StateTree::new_from_root(&self.store, &self.state_root)?)
    }

    pub fn actor(&self, id: ActorID) -> anyhow::Result<Option<ActorState>> {
        Ok(self.state_tree()?.get_actor(id)?)
    }

    pub fn resolve(&self, addr: &Address) -> anyhow::Result<Option<ActorID>> {
        Ok(self.state_tree()?.lookup_id(addr)?)
    }

    /// Every actor, in ID order (deterministic, for `state` dumps and invariant checks).
    pub fn actors(&self) -> anyhow::Result<Vec<(ActorID, ActorState)>> {
        let mut all = Vec::new();
        self.state_tree()?.for_each(|addr, actor| {
            all.push((addr.id()?, actor.clone()));
            Ok(())
        })?;
        all.sort_by_key(|(id, _)| *id);
        Ok(all)
    }

    /// Decodes an actor's state head.
    pub fn actor_state<T: DeserializeOwned>(&self, id: ActorID) -> anyhow::Result<T> {
        let actor = self.actor(id)?.ok_or_else(|| anyhow!("no actor f0{id}"))?;
        self.store.get_cbor(&actor.state)?.ok_or_else(|| anyhow!("state of f0{id} missing"))
    }

    pub fn balance(&self, id: ActorID) -> anyhow::Result<TokenAmount> {
        Ok(self.actor(id)?.map(|a| a.balance).unwrap_or_default())
    }

    /// The next nonce of an account.
    pub fn sequence(&self, addr: &Address) -> anyhow::Result<u64> {
        let Some(id) = self.resolve(addr)? else { return Ok(0) };
        Ok(self.actor(id)?.map(|a| a.sequence).unwrap_or(0))
    }

    /// The manifest the state runs with: `[name, code]` in manifest order.
    pub fn manifest(&self) -> anyhow::Result<Vec<(String, Cid)>> {
        let data = match self.manifest_override {
            Some(root) => self.store.get_cbor::<(u32, Cid)>(&root)?.ok_or_else(|| anyhow!("manifest root missing"))?.1,
            None => self.actor_state::<cloudless_actor_system::State>(0)?.builtin_actors,
        };
        self.store.get_cbor(&data)?.ok_or_else(|| anyhow!("manifest data {data} missing"))
    }

    /// The manifest name of a code CID.
    pub fn code_name(&self, code: &Cid) -> anyhow::Result<Option<String>> {
        Ok(self.manifest()?.into_iter().find(|(_, c)| c == code).map(|(n, _)| n))
    }

    /// The manifest name of the actor at `addr`; "account" when nothing is there yet (sending
    /// to a new key address creates an account).
    pub fn code_name_at(&self, addr: &Address) -> anyhow::Result<String> {
        let Some(id) = self.resolve(addr)? else { return Ok("account".into()) };
        let actor = self.actor(id)?.ok_or_else(|| anyhow!("no actor f0{id}"))?;
        Ok(self.code_name(&actor.code)?.unwrap_or_default())
    }

    /// The code CID of a manifest name.
    pub fn code_of(&self, name: &str) -> anyhow::Result<Cid> {
        self.manifest()?
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c)
            .ok_or_else(|| anyhow!("the bundle has no {name:?} actor"))
    }

    /// Places an actor with empty state at a fixed ID (genesis, and test set-ups); its
    /// constructor runs next. See [`Node::create_actor`] for `delegated`.
    pub fn install_actor(&mut self, id: ActorID, code: Cid, delegated: Option<Address>) -> anyhow::Result<()> {
        let empty = ActorState::new_empty(code, None).state;
        self.create_actor(id, code, empty, TokenAmount::default(), delegated)
    }

    /// Creates an actor at a fixed ID with a given state and balance, as fendermint's genesis
    /// does (`create_custom_actor`). A `delegated` (f410) address is the actor's and is entered
    /// in the init actor's address map, as fendermint's genesis does for its fixed-ID contracts.
    pub fn create_actor(
        &mut self,
        id: ActorID,
        code: Cid,
        state: Cid,
        balance: TokenAmount,
        delegated: Option<Address>,
    ) -> anyhow::Result<()> {
        let mut tree = StateTree::new_from_root(&self.store, &self.state_root)?;
        if tree.get_actor(id)?.is_some() {
            bail!("an actor already exists at f0{id}");
        }
        if let Some(addr) = &delegated {
            update_init(&self.store, &mut tree, |st| {
                st.map_address_to_id(&*self.store, addr, id).map_err(|e| anyhow!("init: {}", e.msg()))
            })?;
        }
        tree.set_actor(id, ActorState::new(code, state, balance, 0, delegated));
        self.state_root = tree.flush()?;
        Ok(())
    }

    /// Takes the next ID init would hand out (test set-ups that place an actor where an `Exec`
    /// would have put it).
    pub fn take_next_id(&mut self) -> anyhow::Result<ActorID> {
        let mut tree = StateTree::new_from_root(&self.store, &self.state_root)?;
        let id = update_init(&self.store, &mut tree, |st| {
            st.next_id += 1;
            Ok(st.next_id - 1)
        })?;
        self.state_root = tree.flush()?;
        Ok(id)
    }

    /// Replaces the state root (genesis recipes that write the tree directly).
    pub fn set_state_root(&mut self, root: Cid) {
        self.state_root = root;
    }

    /// Writes the state as a CAR: roots `[state root, chain meta]`, every reachable block.
    pub fn save_car(&self, path: &Path) -> anyhow::Result<()> {
        let bytes = self.car_bytes(&BTreeSet::new())?;
        std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
    }

    /// The state CAR without actor code: what conformance vectors carry (a runner loads the
    /// code from the bundle). Roots `[state root, chain meta]`.
    pub fn state_car_without_code(&self) -> anyhow::Result<Vec<u8>> {
        self.car_bytes(&self.manifest()?.into_iter().map(|(_, c)| c).collect())
    }

    /// The state CAR (roots `[state root, chain meta]`) leaving out `exclude`.
    fn car_bytes(&self, exclude: &BTreeSet<Cid>) -> anyhow::Result<Vec<u8>> {
        let meta = self.store.put_cbor(&self.meta, Code::Blake2b256)?;
        let mut bytes = Vec::new();
        crate::car::export_without(&self.store, &[self.state_root, meta], exclude, &mut bytes)?;
        Ok(bytes)
    }

    /// Loads a state CAR, with the actor code of `bundle_car` (for CARs without code).
    pub fn from_car_with_bundle(state_car: &[u8], bundle_car: &[u8]) -> anyhow::Result<Self> {
        let store: Store = Rc::new(MemoryBlockstore::new());
        cloudless_bundle::load(&store, bundle_car).context("loading the bundle")?;
        Self::from_store_and_car(store, state_car)
    }

    /// Loads a state CAR written by [`Node::save_car`].
    pub fn load_car(path: &Path) -> anyhow::Result<Self> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        Self::from_car_bytes(&bytes).with_context(|| format!("loading state CAR {}", path.display()))
    }

    pub fn from_car_bytes(bytes: &[u8]) -> anyhow::Result<Self> {
        Self::from_store_and_car(Rc::new(MemoryBlockstore::new()), bytes)
    }

    fn from_store_and_car(store: Store, bytes: &[u8]) -> anyhow::Result<Self> {
        let roots = crate::car::import(&store, bytes)?;
        let [state_root, meta_cid] = roots[..] else {
            bail!("a Cloudless state CAR has two roots (state, chain meta), found {}", roots.len());
        };
        let meta: ChainMeta = store.get_cbor(&meta_cid)?.ok_or_else(|| anyhow!("chain meta block missing"))?;
        Self::new(store, state_root, meta, None)
    }
}

/// One engine set per process: compiled actor code is cached by code CID and shared by every
/// node (compiling the bundle takes seconds; a node per test must not pay it again).
fn engines() -> &'static MultiEngine {
    static ENGINES: OnceLock<MultiEngine> = OnceLock::new();
    ENGINES.get_or_init(|| MultiEngine::new(1))
}

fn network_config(meta: &ChainMeta, manifest_override: Option<Cid>) -> anyhow::Result<NetworkConfig> {
    let mut nc = NetworkConfig::new(NetworkVersion::new(meta.network_version));
    nc.chain_id(ChainID::from(meta.chain_id));
    if let Some(root) = manifest_override {
        nc.override_actors(root);
    }
    Ok(nc)
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node").field("state_root", &self.state_root).field("meta", &self.meta).finish()
    }
}
