//! The Wasm glue: everything that touches `fvm_sdk`. Actor methods call these, then hand plain
//! values to their pure state logic.

use cid::Cid;
use fvm_ipld_blockstore::{Block, Blockstore};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::{CborStore, DAG_CBOR};
use fvm_sdk::NO_DATA_BLOCK_ID;
use fvm_shared::address::Address;
use fvm_shared::crypto::hash::SupportedHashes;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::event::ActorEvent;
use fvm_shared::sys::SendFlags;
use fvm_shared::{ActorID, MethodNum};
use multihash_codetable::Code;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::events::EventBuilder;
use crate::{actor_error, ActorError, ActorResult, AsActorError};

/// The actor's view of the FVM blockstore (its own state tree).
#[derive(Debug, Clone, Copy, Default)]
pub struct SdkStore;

impl Blockstore for SdkStore {
    fn get(&self, k: &Cid) -> anyhow::Result<Option<Vec<u8>>> {
        fvm_sdk::ipld::get(k).map(Some).map_err(|e| anyhow::anyhow!("get {k}: {e}"))
    }

    fn put_keyed(&self, k: &Cid, block: &[u8]) -> anyhow::Result<()> {
        let put = fvm_sdk::ipld::put(k.hash().code(), k.hash().size() as u32, k.codec(), block)
            .map_err(|e| anyhow::anyhow!("put {k}: {e}"))?;
        anyhow::ensure!(put == *k, "put {k} stored as {put}");
        Ok(())
    }

    fn put<D: AsRef<[u8]>>(&self, code: Code, block: &Block<D>) -> anyhow::Result<Cid> {
        // Hash natively in the kernel rather than in Wasm.
        fvm_sdk::ipld::put(code.into(), 32, block.codec, block.data.as_ref()).map_err(|e| anyhow::anyhow!("put: {e}"))
    }
}

/// The immediate caller's actor ID.
pub fn caller() -> ActorID {
    fvm_sdk::message::caller()
}

/// This actor's ID.
pub fn receiver() -> ActorID {
    fvm_sdk::message::receiver()
}

pub fn curr_epoch() -> i64 {
    fvm_sdk::network::curr_epoch()
}

/// FLT sent with this message.
pub fn value_received() -> TokenAmount {
    fvm_sdk::message::value_received()
}

/// This actor's FLT balance.
pub fn balance() -> TokenAmount {
    fvm_sdk::sself::current_balance()
}

/// keccak256, hashed natively by the kernel.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    fvm_sdk::crypto::hash_into(SupportedHashes::Keccak256, data, &mut out);
    out
}

/// Calls `method` of actor `to` (read-only when `read_only`), with CBOR `params` and `value`.
/// A failed callee becomes an [`ActorError`] with the callee's exit code; a failed send (no
/// such actor, insufficient funds) becomes the matching user exit code.
pub fn call<P: Serialize + ?Sized>(
    to: ActorID,
    method: MethodNum,
    params: Option<&P>,
    value: TokenAmount,
    read_only: bool,
) -> ActorResult<Option<IpldBlock>> {
    let params = params
        .map(|p| IpldBlock::serialize_cbor(p))
        .transpose()
        .or_code(ExitCode::USR_SERIALIZATION, "encoding call params")?
        .flatten();
    let flags = if read_only { SendFlags::READ_ONLY } else { SendFlags::default() };
    let response = fvm_sdk::send::send(&Address::new_id(to), method, params, value, None, flags).map_err(|e| {
        let code = match e {
            ErrorNumber::NotFound => ExitCode::USR_NOT_FOUND,
            ErrorNumber::InsufficientFunds => ExitCode::USR_INSUFFICIENT_FUNDS,
            _ => ExitCode::USR_ILLEGAL_STATE,
        };
        ActorError::new(code, format!("sending method {method} to f0{to}: {e}"))
    })?;
    if !response.exit_code.is_success() {
        return Err(ActorError::new(
            response.exit_code,
            format!("method {method} of f0{to} failed with exit code {}", response.exit_code.value()),
        ));
    }
    Ok(response.return_data)
}

/// Sends plain FLT (method 0) to `to`.
pub fn transfer(to: ActorID, amount: TokenAmount) -> ActorResult<()> {
    call::<()>(to, 0, None, amount, false).map(|_| ())
}

/// Fails with USR_FORBIDDEN unless the immediate caller is `expected`.
pub fn require_caller(expected: ActorID, role: &str) -> ActorResult<()> {
    let caller = caller();
    if caller != expected {
        return Err(actor_error!(forbidden; "caller f0{caller} is not the {role} (f0{expected})"));
    }
    Ok(())
}

/// Constructors run only when the system actor calls them (genesis or FVM auto-creation).
pub fn require_system_caller() -> ActorResult<()> {
    require_caller(crate::SYSTEM_ACTOR_ID, "system actor")
}

/// Runs a constructor: the system actor only, checked before the params are decoded.
pub fn construct<P: DeserializeOwned>(
    params_id: u32,
    constructor: impl FnOnce(P) -> ActorResult<Option<IpldBlock>>,
) -> ActorResult<Option<IpldBlock>> {
    require_system_caller()?;
    constructor(params(params_id)?)
}

/// The whole constructor of an actor without state of its own: system caller only.
pub fn construct_stateless() -> ActorResult<Option<IpldBlock>> {
    require_system_caller()?;
    set_state(&())?;
    Ok(None)
}

/// Resolves an address to the ID of an existing actor; anything else is USR_NOT_FOUND (an ID
/// address resolves to itself whether or not the actor exists, so existence is checked).
pub fn resolve(addr: &Address) -> ActorResult<ActorID> {
    let id = fvm_sdk::actor::resolve_address(addr)
        .ok_or_else(|| actor_error!(not_found; "address {addr} does not resolve to an actor"))?;
    if fvm_sdk::actor::get_actor_code_cid(&Address::new_id(id)).is_none() {
        return Err(actor_error!(not_found; "no actor exists at {addr}"));
    }
    Ok(id)
}

/// Decodes the method parameters; missing or undecodable params are USR_SERIALIZATION.
pub fn params<T: DeserializeOwned>(params_id: u32) -> ActorResult<T> {
    let block = fvm_sdk::message::params_raw(params_id)
        .or_code(ExitCode::USR_SERIALIZATION, "reading params")?
        .ok_or_else(|| ActorError::serialization("method requires parameters"))?;
    block.deserialize().map_err(|e| actor_error!(serialization; "failed to decode params: {e}"))
}

/// Loads this actor's state.
pub fn state<T: DeserializeOwned>() -> ActorResult<T> {
    let root = fvm_sdk::sself::root().or_illegal_state("actor has no state")?;
    SdkStore
        .get_cbor(&root)
        .or_illegal_state("loading state")?
        .ok_or_else(|| ActorError::illegal_state("state block missing"))
}

/// Stores this actor's state and makes it the new root.
pub fn set_state<T: Serialize>(state: &T) -> ActorResult<()> {
    let root = SdkStore.put_cbor(state, Code::Blake2b256).or_illegal_state("storing state")?;
    fvm_sdk::sself::set_root(&root).map_err(|e| {
        if fvm_sdk::vm::read_only() {
            actor_error!(read_only; "cannot change state in a read-only call")
        } else {
            actor_error!(illegal_state; "setting state root: {e}")
        }
    })
}

/// Emits an actor event.
pub fn emit(event: EventBuilder) -> ActorResult<()> {
    let event: ActorEvent = event.build();
    fvm_sdk::event::emit_event(&event).or_illegal_state("emitting event")
}

/// Encodes a method's return value.
pub fn ret<T: Serialize + ?Sized>(value: &T) -> ActorResult<Option<IpldBlock>> {
    IpldBlock::serialize(DAG_CBOR, value).map(Some).or_code(ExitCode::USR_SERIALIZATION, "encoding return value")
}

/// A method dispatcher: method number and params block → return block or error.
pub type Dispatch = fn(MethodNum, u32) -> ActorResult<Option<IpldBlock>>;

/// The body of every actor's `invoke`: dispatch, then return the block or abort with the error.
pub fn run(dispatch: Dispatch, params_id: u32) -> u32 {
    fvm_sdk::vm::set_panic_handler();
    match dispatch(fvm_sdk::message::method_number(), params_id) {
        Ok(None) => NO_DATA_BLOCK_ID,
        Ok(Some(block)) => match fvm_sdk::ipld::put_block(block.codec, &block.data) {
            Ok(id) => id,
            Err(e) => fvm_sdk::vm::abort(ExitCode::USR_SERIALIZATION.value(), Some(&format!("returning value: {e}"))),
        },
        Err(err) => fvm_sdk::vm::abort(err.exit_code().value(), Some(err.msg())),
    }
}

/// Declares the Wasm export `invoke` for an actor whose dispatcher is `$dispatch`.
#[macro_export]
macro_rules! wasm_entry {
    ($dispatch:path) => {
        #[no_mangle]
        pub extern "C" fn invoke(params_id: u32) -> u32 {
            $crate::sdk::run($dispatch, params_id)
        }
    };
}

/// The standard error for a method number the actor does not have.
pub fn unhandled(method: MethodNum) -> ActorResult<Option<IpldBlock>> {
    Err(actor_error!(unhandled_message; "unknown method {method}"))
}
