//! [`MockRuntime`]: a native [`Runtime`] for unit tests of actor methods (feature `testing`).
//!
//! It runs one actor's real dispatch against an in-memory blockstore with a settable caller,
//! epoch and value; records every event and send; answers sends from scripted handlers (which
//! may call back into the actor, as a receiver hook does); and, like the FVM, rolls back every
//! change of a call that fails — the top-level message, or a callee that answers with an error.
//!
//! Other actors are modelled only as far as the actor under test sees them: an ID with a
//! balance, optionally an address; accounts (key addresses) accept plain transfers and every
//! exported method, and sending to an unknown key address creates one, as the FVM does.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use cid::Cid;
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::address::{Address, Protocol};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::crypto::signature::Signature;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::event::ActorEvent;
use fvm_shared::{ActorID, MethodNum, Response};
use multihash_codetable::{Code, MultihashDigest};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::dispatch::{ActorCode, Params};
use crate::events::event_type;
use crate::runtime::Runtime;
use crate::{actor_error, ActorResult, FIRST_EXPORTED_METHOD_NUMBER};

type DispatchFn = fn(&MockRuntime, MethodNum, Params) -> ActorResult<Option<IpldBlock>>;
/// A scripted answer to a send: the callee's return, or its failure.
pub type Handler = Rc<dyn Fn(&MockRuntime, &Sent) -> ActorResult<Option<IpldBlock>>>;
type Hasher = Rc<dyn Fn(&[([u8; 32], [u8; 32])]) -> Result<Vec<[u8; 32]>, ErrorNumber>>;
type SignatureCheck = Rc<dyn Fn(&Signature, &Address, &[u8]) -> Result<bool, ErrorNumber>>;

/// A message the actor under test sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub to: ActorID,
    pub method: MethodNum,
    pub params: Option<IpldBlock>,
    pub value: TokenAmount,
    pub read_only: bool,
}

impl Sent {
    /// The params decoded as `T` (panics otherwise: a test expects a shape).
    pub fn decode<T: DeserializeOwned>(&self) -> T {
        self.params.as_ref().expect("the send had params").deserialize().expect("decoding send params")
    }
}

#[derive(Debug, Clone)]
struct Other {
    balance: TokenAmount,
    /// The code it was created with (by [`Runtime::create_actor`]), if known.
    code: Option<Cid>,
    /// A key address: an account (accepts transfers and exported methods).
    key: Option<Address>,
    delegated: Option<Address>,
}

#[derive(Clone)]
struct Frame {
    caller: ActorID,
    value: TokenAmount,
    read_only: bool,
}

/// Everything a failed call rolls back.
#[derive(Clone)]
struct Snapshot {
    root: Option<Cid>,
    balance: TokenAmount,
    others: BTreeMap<ActorID, Other>,
    events: usize,
}

struct Inner {
    receiver: ActorID,
    origin: ActorID,
    epoch: ChainEpoch,
    root: Option<Cid>,
    balance: TokenAmount,
    others: BTreeMap<ActorID, Other>,
    next_id: ActorID,
    frames: Vec<Frame>,
    events: Vec<ActorEvent>,
    sent: Vec<Sent>,
    /// How many robust addresses [`Runtime::next_actor_address`] handed out.
    addresses: u64,
}

pub struct MockRuntime {
    store: MemoryBlockstore,
    dispatch: DispatchFn,
    inner: RefCell<Inner>,
    handlers: RefCell<BTreeMap<(ActorID, Option<MethodNum>), Handler>>,
    randomx: RefCell<Option<Hasher>>,
    signatures: RefCell<Option<SignatureCheck>>,
    /// The bundle's codes and their actor types.
    codes: RefCell<BTreeMap<Cid, i32>>,
}

impl MockRuntime {
    /// A runtime for actor `A` at ID `receiver`, at epoch 0, with no state (call its
    /// constructor with [`MockRuntime::construct`]).
    pub fn new<A: ActorCode>(receiver: ActorID) -> Self {
        Self {
            store: MemoryBlockstore::default(),
            dispatch: A::dispatch::<MockRuntime>,
            inner: RefCell::new(Inner {
                receiver,
                origin: receiver,
                epoch: 0,
                root: None,
                balance: TokenAmount::default(),
                others: BTreeMap::new(),
                next_id: 1000,
                frames: Vec::new(),
                events: Vec::new(),
                sent: Vec::new(),
                addresses: 0,
            }),
            handlers: RefCell::new(BTreeMap::new()),
            randomx: RefCell::new(None),
            signatures: RefCell::new(None),
            codes: RefCell::new(BTreeMap::new()),
        }
    }

    // --- the world around the actor ----------------------------------------------------------

    /// An actor at `id` (no key: not an account) with `balance`.
    pub fn add_actor(&self, id: ActorID, balance: TokenAmount) {
        self.inner.borrow_mut().others.insert(id, Other { balance, code: None, key: None, delegated: None });
    }

    /// An account at `id` whose key address is `key`.
    pub fn add_account(&self, id: ActorID, key: Address, balance: TokenAmount) {
        self.inner.borrow_mut().others.insert(id, Other { balance, code: None, key: Some(key), delegated: None });
    }

    /// Gives actor `id` a delegated (f4) address.
    pub fn set_delegated(&self, id: ActorID, addr: Address) {
        let mut inner = self.inner.borrow_mut();
        let other = inner.others.get_mut(&id).expect("set_delegated of an unknown actor");
        other.delegated = Some(addr);
    }

    /// The balance of the actor under test (`id` = its receiver) or of another actor.
    pub fn balance_of(&self, id: ActorID) -> TokenAmount {
        let inner = self.inner.borrow();
        if id == inner.receiver {
            return inner.balance.clone();
        }
        inner.others.get(&id).map(|o| o.balance.clone()).unwrap_or_default()
    }

    /// Sets the balance of the actor under test.
    pub fn set_balance(&self, balance: TokenAmount) {
        self.inner.borrow_mut().balance = balance;
    }

    pub fn set_epoch(&self, epoch: ChainEpoch) {
        self.inner.borrow_mut().epoch = epoch;
    }

    /// Answers every send to `to` of `method` (any method when `None`) with `handler`.
    pub fn on_send(
        &self,
        to: ActorID,
        method: Option<MethodNum>,
        handler: impl Fn(&MockRuntime, &Sent) -> ActorResult<Option<IpldBlock>> + 'static,
    ) {
        self.handlers.borrow_mut().insert((to, method), Rc::new(handler));
    }

    /// Answers sends to `to` of `method` with `value` encoded as the return.
    pub fn reply_with<T: Serialize>(&self, to: ActorID, method: MethodNum, value: &T) {
        let block = crate::ret(value).expect("encoding a scripted reply");
        self.on_send(to, Some(method), move |_, _| Ok(block.clone()));
    }

    /// The RandomX syscall's answers (the real one is tested in the FVM host).
    pub fn set_randomx(
        &self,
        hasher: impl Fn(&[([u8; 32], [u8; 32])]) -> Result<Vec<[u8; 32]>, ErrorNumber> + 'static,
    ) {
        *self.randomx.borrow_mut() = Some(Rc::new(hasher));
    }

    /// Writes the state directly, as genesis does for the system actor.
    pub fn put_state<T: Serialize>(&self, state: &T) {
        use fvm_ipld_encoding::CborStore;
        let root = self.store.put_cbor(state, Code::Blake2b256).expect("storing state");
        self.inner.borrow_mut().root = Some(root);
    }

    /// The signature check's answers (the real one is tested in the FVM host).
    pub fn set_signature_check(
        &self,
        check: impl Fn(&Signature, &Address, &[u8]) -> Result<bool, ErrorNumber> + 'static,
    ) {
        *self.signatures.borrow_mut() = Some(Rc::new(check));
    }

    /// Makes `code` a code of the bundle, of actor type `actor_type` (for the init actor).
    pub fn add_code(&self, code: Cid, actor_type: i32) {
        self.codes.borrow_mut().insert(code, actor_type);
    }

    /// The code actor `id` was created with by [`Runtime::create_actor`].
    pub fn code_of(&self, id: ActorID) -> Option<Cid> {
        self.inner.borrow().others.get(&id).and_then(|o| o.code)
    }

    // --- calling the actor -------------------------------------------------------------------

    /// Calls the constructor as the system actor.
    pub fn construct<P: Serialize>(&self, params: &P) -> ActorResult<()> {
        self.construct_from(crate::SYSTEM_ACTOR_ID, params)
    }

    /// Calls the constructor from `caller` (the init actor, for an actor created by `Exec`).
    pub fn construct_from<P: Serialize>(&self, caller: ActorID, params: &P) -> ActorResult<()> {
        self.call(caller, crate::METHOD_CONSTRUCTOR, Some(params), TokenAmount::default()).map(|_| ())
    }

    /// A top-level message from `from` with `params` and `value`. On failure every change is
    /// rolled back (state, balances, events; the sends made stay recorded for inspection).
    pub fn call<P: Serialize + ?Sized>(
        &self,
        from: ActorID,
        method: MethodNum,
        params: Option<&P>,
        value: TokenAmount,
    ) -> ActorResult<Option<IpldBlock>> {
        let block = params.and_then(|p| IpldBlock::serialize_cbor(p).expect("encoding params"));
        self.inner.borrow_mut().origin = from;
        self.invoke(from, method, block, value)
    }

    /// [`MockRuntime::call`] with raw params (for malformed input).
    pub fn call_raw(
        &self,
        from: ActorID,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
    ) -> ActorResult<Option<IpldBlock>> {
        self.inner.borrow_mut().origin = from;
        self.invoke(from, method, params, value)
    }

    /// Calls the actor under test from `caller` inside a running message (a receiver hook
    /// calling back): transactional like any call; the origin is unchanged.
    pub fn invoke(
        &self,
        caller: ActorID,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
    ) -> ActorResult<Option<IpldBlock>> {
        let snapshot = self.snapshot();
        {
            let mut inner = self.inner.borrow_mut();
            let read_only = inner.frames.last().is_some_and(|f| f.read_only);
            // The value arrives from the caller (created out of nothing for an unknown caller).
            if let Some(other) = inner.others.get_mut(&caller) {
                if other.balance < value {
                    drop(inner);
                    return Err(actor_error!(insufficient_funds; "f0{caller} cannot send {value}"));
                }
                other.balance -= &value;
            }
            inner.balance += &value;
            inner.frames.push(Frame { caller, value, read_only });
        }
        let result = (self.dispatch)(self, method, Params::block(params));
        self.inner.borrow_mut().frames.pop();
        if result.is_err() {
            self.restore(snapshot);
        }
        result
    }

    /// A message from `from` that must succeed; its return decoded as `T` (`()` for none).
    /// Methods without params ignore `params` (pass `&()`).
    pub fn ok<P: Serialize + ?Sized, T: DeserializeOwned>(&self, from: ActorID, method: MethodNum, params: &P) -> T {
        self.pay(from, method, params, TokenAmount::default())
    }

    /// [`MockRuntime::ok`] with FLT sent along.
    pub fn pay<P: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        from: ActorID,
        method: MethodNum,
        params: &P,
        value: TokenAmount,
    ) -> T {
        match self.call(from, method, Some(params), value) {
            Ok(Some(block)) => block.deserialize().expect("decoding the return"),
            Ok(None) => fvm_ipld_encoding::from_slice(&[0xf6]).expect("the method returns nothing"),
            Err(e) => panic!("method {method} from f0{from} failed: {e}"),
        }
    }

    /// A message that must fail with `code` and change nothing: state, balances and events as
    /// before. Returns the error message.
    pub fn refused<P: Serialize + ?Sized>(
        &self,
        from: ActorID,
        method: MethodNum,
        params: &P,
        code: ExitCode,
    ) -> String {
        self.refused_paying(from, method, params, TokenAmount::default(), code)
    }

    /// [`MockRuntime::refused`] with FLT sent along (which must not move either).
    pub fn refused_paying<P: Serialize + ?Sized>(
        &self,
        from: ActorID,
        method: MethodNum,
        params: &P,
        value: TokenAmount,
        code: ExitCode,
    ) -> String {
        let before = self.snapshot();
        let msg = expect_code(self.call(from, method, Some(params), value), code);
        let after = self.snapshot();
        assert_eq!(before.root, after.root, "a refused call changed the state");
        assert_eq!(before.balance, after.balance, "a refused call moved this actor's FLT");
        assert!(
            before.others.iter().all(|(id, o)| after.others.get(id).map(|a| &a.balance) == Some(&o.balance)),
            "a refused call moved another actor's FLT"
        );
        assert_eq!(before.events, after.events, "a refused call left events");
        msg
    }

    // --- what happened -----------------------------------------------------------------------

    /// Events emitted so far (and not rolled back).
    pub fn events(&self) -> Vec<ActorEvent> {
        self.inner.borrow().events.clone()
    }

    /// The `$type` of every event so far.
    pub fn event_types(&self) -> Vec<String> {
        self.inner.borrow().events.iter().filter_map(event_type).collect()
    }

    /// Every send so far.
    pub fn sent(&self) -> Vec<Sent> {
        self.inner.borrow().sent.clone()
    }

    /// Forgets the recorded events and sends (between steps of a test).
    pub fn clear_records(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.events.clear();
        inner.sent.clear();
    }

    /// The current state root (to check that a failure changed nothing).
    pub fn state_root(&self) -> Option<Cid> {
        self.inner.borrow().root
    }

    fn snapshot(&self) -> Snapshot {
        let inner = self.inner.borrow();
        Snapshot {
            root: inner.root,
            balance: inner.balance.clone(),
            others: inner.others.clone(),
            events: inner.events.len(),
        }
    }

    fn restore(&self, s: Snapshot) {
        let mut inner = self.inner.borrow_mut();
        inner.root = s.root;
        inner.balance = s.balance;
        inner.others = s.others;
        inner.events.truncate(s.events);
    }

    /// Runs `f` as a callee: a read-only send makes every re-entrant call read-only.
    fn with_frame<T>(&self, read_only: bool, f: impl FnOnce() -> T) -> T {
        let caller = self.frame().caller;
        let read_only = read_only || self.frame().read_only;
        self.inner.borrow_mut().frames.push(Frame { caller, value: TokenAmount::default(), read_only });
        let out = f();
        self.inner.borrow_mut().frames.pop();
        out
    }

    fn frame(&self) -> Frame {
        self.inner.borrow().frames.last().cloned().expect("the actor is not being called")
    }

    /// The ID of a key address, creating an account for an unknown one (as the FVM does).
    fn resolve_or_create(&self, to: &Address) -> Option<ActorID> {
        if let Some(id) = self.resolve_address(to) {
            return Some(id);
        }
        match to.protocol() {
            Protocol::Secp256k1 | Protocol::BLS | Protocol::Delegated => {
                let mut inner = self.inner.borrow_mut();
                let id = inner.next_id;
                inner.next_id += 1;
                let (key, delegated) =
                    if to.protocol() == Protocol::Delegated { (None, Some(*to)) } else { (Some(*to), None) };
                inner.others.insert(id, Other { balance: TokenAmount::default(), code: None, key, delegated });
                Some(id)
            }
            _ => None,
        }
    }

    /// What an actor without a handler answers: accounts accept transfers and exported methods
    /// and tell their key (`PubkeyAddress`); anything else only accepts plain transfers.
    fn default_answer(&self, to: ActorID, method: MethodNum) -> ActorResult<Option<IpldBlock>> {
        let key = self.inner.borrow().others.get(&to).and_then(|o| o.key);
        match (key, method) {
            (_, 0) => Ok(None),
            (Some(_), m) if m >= FIRST_EXPORTED_METHOD_NUMBER => Ok(None),
            (Some(key), 2) => crate::ret(&key),
            _ => Err(actor_error!(unhandled_message; "mock: no handler for method {method} of f0{to}")),
        }
    }
}

impl Runtime for MockRuntime {
    type Store = MemoryBlockstore;

    fn store(&self) -> &MemoryBlockstore {
        &self.store
    }

    fn caller(&self) -> ActorID {
        self.frame().caller
    }

    fn origin(&self) -> ActorID {
        self.inner.borrow().origin
    }

    fn receiver(&self) -> ActorID {
        self.inner.borrow().receiver
    }

    fn epoch(&self) -> ChainEpoch {
        self.inner.borrow().epoch
    }

    /// The FVM's rules (no current or future epoch, none negative); the CID is derived from the
    /// epoch, so every test sees the same chain.
    fn tipset_cid(&self, epoch: ChainEpoch) -> Result<Cid, ErrorNumber> {
        if epoch < 0 || epoch >= self.epoch() {
            return Err(ErrorNumber::IllegalArgument);
        }
        let digest = Code::Blake2b256.digest(&[b"mock tipset".as_slice(), &epoch.to_be_bytes()].concat());
        Ok(Cid::new_v1(fvm_ipld_encoding::DAG_CBOR, digest))
    }

    fn value_received(&self) -> TokenAmount {
        self.frame().value
    }

    fn balance(&self) -> TokenAmount {
        self.inner.borrow().balance.clone()
    }

    fn root(&self) -> Option<Cid> {
        self.inner.borrow().root
    }

    fn set_root(&self, root: &Cid) -> ActorResult<()> {
        if self.frame().read_only {
            return Err(actor_error!(read_only; "cannot change state in a read-only call"));
        }
        self.inner.borrow_mut().root = Some(*root);
        Ok(())
    }

    fn emit_event(&self, event: &ActorEvent) -> ActorResult<()> {
        if self.frame().read_only {
            return Err(actor_error!(read_only; "cannot emit events in a read-only call"));
        }
        self.inner.borrow_mut().events.push(event.clone());
        Ok(())
    }

    fn send(
        &self,
        to: &Address,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
        read_only: bool,
    ) -> Result<Response, ErrorNumber> {
        let id = self.resolve_or_create(to).ok_or(ErrorNumber::NotFound)?;
        if !self.actor_exists(id) {
            return Err(ErrorNumber::NotFound);
        }
        if self.balance() < value {
            return Err(ErrorNumber::InsufficientFunds);
        }
        let sent = Sent { to: id, method, params, value: value.clone(), read_only };
        self.inner.borrow_mut().sent.push(sent.clone());
        if id == self.receiver() {
            // A send to itself runs its own code (value stays put).
            let caller = self.receiver();
            let answer =
                self.with_frame(read_only, || self.invoke(caller, method, sent.params.clone(), TokenAmount::default()));
            return Ok(response(answer));
        }
        let snapshot = self.snapshot();
        {
            let mut inner = self.inner.borrow_mut();
            inner.balance -= &value;
            if let Some(other) = inner.others.get_mut(&id) {
                other.balance += &value;
            }
        }
        let handler = {
            let handlers = self.handlers.borrow();
            handlers.get(&(id, Some(method))).or_else(|| handlers.get(&(id, None))).cloned()
        };
        let answer = self.with_frame(read_only, || match handler {
            Some(h) => h(self, &sent),
            None => self.default_answer(id, method),
        });
        if answer.is_err() {
            self.restore(snapshot);
        }
        Ok(response(answer))
    }

    fn resolve_address(&self, addr: &Address) -> Option<ActorID> {
        let inner = self.inner.borrow();
        if let Ok(id) = addr.id() {
            return Some(id);
        }
        inner
            .others
            .iter()
            .find(|(_, o)| o.key.as_ref() == Some(addr) || o.delegated.as_ref() == Some(addr))
            .map(|(id, _)| *id)
    }

    fn actor_exists(&self, id: ActorID) -> bool {
        let inner = self.inner.borrow();
        id == inner.receiver || inner.others.contains_key(&id)
    }

    fn delegated_address(&self, id: ActorID) -> Option<Address> {
        self.inner.borrow().others.get(&id).and_then(|o| o.delegated)
    }

    fn randomx_hashes(&self, pairs: &[([u8; 32], [u8; 32])]) -> Result<Vec<[u8; 32]>, ErrorNumber> {
        let hasher = self.randomx.borrow().clone().ok_or(ErrorNumber::IllegalOperation)?;
        hasher(pairs)
    }

    fn groth16_verify_bn254(&self, vk: &[u8], proof: &[u8], inputs: &[[u8; 32]]) -> Result<bool, ErrorNumber> {
        cloudless_groth16::verify(vk, proof, &inputs.concat()).map_err(|_| ErrorNumber::IllegalArgument)
    }

    fn keccak256(data: &[u8]) -> [u8; 32] {
        Code::Keccak256.digest(data).digest().try_into().expect("keccak256 is 32 bytes")
    }

    fn syscall_abi_version(&self) -> u64 {
        cloudless_syscalls::ABI_VERSION
    }

    fn verify_signature(&self, signature: &Signature, signer: &Address, plaintext: &[u8]) -> Result<bool, ErrorNumber> {
        let check = self.signatures.borrow().clone().ok_or(ErrorNumber::IllegalOperation)?;
        check(signature, signer, plaintext)
    }

    fn builtin_actor_type(&self, code: &Cid) -> Option<i32> {
        self.codes.borrow().get(code).copied()
    }

    fn next_actor_address(&self) -> Address {
        let mut inner = self.inner.borrow_mut();
        inner.addresses += 1;
        let seed = [inner.origin.to_be_bytes(), inner.addresses.to_be_bytes()].concat();
        Address::new_actor(&seed)
    }

    fn create_actor(&self, id: ActorID, code: &Cid, delegated: Option<Address>) -> Result<(), ErrorNumber> {
        if self.actor_exists(id) {
            return Err(ErrorNumber::Forbidden);
        }
        let other = Other { balance: TokenAmount::default(), code: Some(*code), key: None, delegated };
        self.inner.borrow_mut().others.insert(id, other);
        Ok(())
    }
}

fn response(answer: ActorResult<Option<IpldBlock>>) -> Response {
    match answer {
        Ok(return_data) => Response { exit_code: ExitCode::OK, return_data },
        Err(e) => Response { exit_code: e.exit_code(), return_data: None },
    }
}

/// Asserts that `result` failed with `code`, returning its message.
pub fn expect_code<T: std::fmt::Debug>(result: ActorResult<T>, code: ExitCode) -> String {
    match result {
        Ok(v) => panic!("expected exit code {}, got success: {v:?}", code.value()),
        Err(e) => {
            assert_eq!(e.exit_code(), code, "wrong exit code: {}", e.msg());
            e.msg().to_string()
        }
    }
}

/// The [`Ctx`](crate::Ctx) of a message from `caller` at `epoch`, for operations tested without
/// a runtime (the receiver is 0; keccak is the mock's).
pub fn ctx(caller: ActorID, epoch: ChainEpoch) -> crate::Ctx {
    crate::Ctx { caller, receiver: 0, epoch, keccak: <MockRuntime as Runtime>::keccak256 }
}
