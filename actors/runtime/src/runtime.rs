//! [`Runtime`]: everything an actor asks of the FVM. Actor methods are written against it, so the
//! same code runs as Wasm on a node ([`crate::sdk::SdkRuntime`], feature `fil-actor`) and natively
//! in unit tests ([`crate::mock::MockRuntime`], feature `testing`).
//!
//! Implementations provide the primitive operations; the provided methods (state, calls,
//! transfers, address resolution, caller checks) are the one implementation every actor uses.

use cid::Cid;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::CborStore;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::crypto::signature::Signature;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::event::ActorEvent;
use fvm_shared::{ActorID, MethodNum, Response};
use multihash_codetable::Code;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::events::EventBuilder;
use crate::transaction::Ctx;
use crate::{actor_error, ActorError, ActorResult, AsActorError};

pub trait Runtime {
    /// The actor's view of the blockstore.
    type Store: Blockstore;

    fn store(&self) -> &Self::Store;
    /// The immediate caller's actor ID.
    fn caller(&self) -> ActorID;
    /// The sender of the top-level message.
    fn origin(&self) -> ActorID;
    /// This actor's ID.
    fn receiver(&self) -> ActorID;
    fn epoch(&self) -> ChainEpoch;
    /// The CID of the tipset (block) at `epoch`, which must be before the current one. On
    /// fendermint it wraps the block hash its chain-metadata actor kept (the last 256 epochs by
    /// default; the default CID beyond them).
    fn tipset_cid(&self, epoch: ChainEpoch) -> Result<Cid, ErrorNumber>;
    /// FLT sent with this call.
    fn value_received(&self) -> TokenAmount;
    /// This actor's FLT balance.
    fn balance(&self) -> TokenAmount;
    /// The state root, `None` before the constructor sets one.
    fn root(&self) -> Option<Cid>;
    /// Makes `root` the state root; USR_READ_ONLY inside a read-only call.
    fn set_root(&self, root: &Cid) -> ActorResult<()>;
    fn emit_event(&self, event: &ActorEvent) -> ActorResult<()>;
    /// Sends a message. `Err` when the send could not happen (no such actor, insufficient
    /// funds); a callee that failed is an `Ok` response with its exit code. A failed callee's
    /// changes, and the value sent, are rolled back.
    fn send(
        &self,
        to: &Address,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
        read_only: bool,
    ) -> Result<Response, ErrorNumber>;
    /// The ID an address resolves to, if any (an ID address resolves to itself).
    fn resolve_address(&self, addr: &Address) -> Option<ActorID>;
    /// Whether an actor exists at `id`.
    fn actor_exists(&self, id: ActorID) -> bool;
    /// The delegated (f4) address of actor `id`, if it has one.
    fn delegated_address(&self, id: ActorID) -> Option<Address>;
    /// The `cloudless` RandomX syscall: light-mode hashes of (K, H) pairs, in order.
    fn randomx_hashes(&self, pairs: &[([u8; 32], [u8; 32])]) -> Result<Vec<[u8; 32]>, ErrorNumber>;
    /// The `cloudless` Groth16 syscall (docs/protocol.md §1 encoding).
    fn groth16_verify_bn254(&self, vk: &[u8], proof: &[u8], inputs: &[[u8; 32]]) -> Result<bool, ErrorNumber>;
    /// keccak256 (by the kernel in Wasm). No `self`, so [`Ctx`] can carry it to pure code.
    fn keccak256(data: &[u8]) -> [u8; 32];
    /// The ABI version of the node's `cloudless` syscall module.
    fn syscall_abi_version(&self) -> u64;
    /// Whether `signature` by `signer` (a key address) verifies over `plaintext`; `Err` when the
    /// signature is malformed.
    fn verify_signature(&self, signature: &Signature, signer: &Address, plaintext: &[u8]) -> Result<bool, ErrorNumber>;

    // What only the init actor does (the FVM refuses them to any other actor).

    /// The bundle's actor type of `code` (0 for none of the bundle's codes), if the FVM knows it.
    fn builtin_actor_type(&self, code: &Cid) -> Option<i32>;
    /// A fresh robust (f2) address for an actor created by this message.
    fn next_actor_address(&self) -> Address;
    /// Creates an actor of `code` at `id` (no state yet: its constructor sets it).
    fn create_actor(&self, id: ActorID, code: &Cid, delegated: Option<Address>) -> Result<(), ErrorNumber>;

    /// What a state transition needs of this message.
    fn ctx(&self) -> Ctx {
        Ctx { caller: self.caller(), receiver: self.receiver(), epoch: self.epoch(), keccak: Self::keccak256 }
    }

    /// Loads this actor's state.
    fn state<T: DeserializeOwned>(&self) -> ActorResult<T> {
        let root = self.root().ok_or_else(|| ActorError::illegal_state("actor has no state"))?;
        self.store()
            .get_cbor(&root)
            .or_illegal_state("loading state")?
            .ok_or_else(|| ActorError::illegal_state("state block missing"))
    }

    /// Stores this actor's state and makes it the new root.
    fn set_state<T: Serialize>(&self, state: &T) -> ActorResult<()> {
        let root = self.store().put_cbor(state, Code::Blake2b256).or_illegal_state("storing state")?;
        self.set_root(&root)
    }

    /// Emits an actor event.
    fn emit(&self, event: EventBuilder) -> ActorResult<()> {
        self.emit_event(&event.build())
    }

    /// Calls `method` of actor `to` with CBOR `params` and `value`. A failed callee becomes an
    /// [`ActorError`] with the callee's exit code; a send that could not happen (no such actor,
    /// insufficient funds) the matching user exit code.
    fn call<P: Serialize + ?Sized>(
        &self,
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
        self.call_raw(to, method, params, value, read_only)
    }

    /// [`Runtime::call`] with params already encoded.
    fn call_raw(
        &self,
        to: ActorID,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
        read_only: bool,
    ) -> ActorResult<Option<IpldBlock>> {
        let response = self.send(&Address::new_id(to), method, params, value, read_only).map_err(|e| {
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
    fn transfer(&self, to: ActorID, amount: TokenAmount) -> ActorResult<()> {
        self.call::<()>(to, 0, None, amount, false).map(|_| ())
    }

    /// Resolves an address to the ID of an existing actor; anything else is USR_NOT_FOUND (an ID
    /// address resolves to itself whether or not the actor exists, so existence is checked).
    fn resolve(&self, addr: &Address) -> ActorResult<ActorID> {
        let id = self.resolve_address(addr).ok_or_else(
            || actor_error!(not_found; "address {} does not resolve to an actor", crate::text::address(addr)),
        )?;
        if !self.actor_exists(id) {
            return Err(actor_error!(not_found; "no actor exists at {}", crate::text::address(addr)));
        }
        Ok(id)
    }

    /// Fails with USR_FORBIDDEN unless the immediate caller is `expected`.
    fn require_caller(&self, expected: ActorID, role: &str) -> ActorResult<()> {
        let caller = self.caller();
        if caller != expected {
            return Err(actor_error!(forbidden; "caller f0{caller} is not the {role} (f0{expected})"));
        }
        Ok(())
    }

    /// Constructors run only when the system actor calls them (genesis or FVM auto-creation).
    fn require_system_caller(&self) -> ActorResult<()> {
        self.require_caller(crate::SYSTEM_ACTOR_ID, "system actor")
    }

    /// The constructor of an actor anyone may create: the system actor (genesis) or the init
    /// actor (`Exec`) calls it.
    fn require_creator(&self) -> ActorResult<()> {
        let caller = self.caller();
        if caller != crate::SYSTEM_ACTOR_ID && caller != crate::INIT_ACTOR_ID {
            return Err(actor_error!(forbidden; "caller f0{caller} is neither the system nor the init actor"));
        }
        Ok(())
    }
}
