//! The Wasm side: [`SdkRuntime`], the [`Runtime`] over `fvm_sdk` and the `cloudless` syscalls,
//! and the `invoke` entry point ([`wasm_entry!`](crate::wasm_entry)). Nothing else in an actor
//! touches `fvm_sdk`.

use cid::Cid;
use fvm_ipld_blockstore::{Block, Blockstore};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_sdk::NO_DATA_BLOCK_ID;
use fvm_shared::address::Address;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::crypto::hash::SupportedHashes;
use fvm_shared::crypto::signature::Signature;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::{ErrorNumber, ExitCode};
use fvm_shared::event::ActorEvent;
use fvm_shared::sys::SendFlags;
use fvm_shared::{ActorID, MethodNum, Response};
use multihash_codetable::Code;

use crate::dispatch::Params;
use crate::runtime::Runtime;
use crate::{actor_error, ActorResult, AsActorError};

/// The actor's view of the FVM blockstore (its own state tree).
#[derive(Debug, Clone, Copy, Default)]
pub struct SdkStore;

impl Blockstore for SdkStore {
    fn get(&self, k: &Cid) -> anyhow::Result<Option<Vec<u8>>> {
        fvm_sdk::ipld::get(k).map(Some).map_err(|e| anyhow::anyhow!("get {}: {e}", crate::text::cid(k)))
    }

    fn put_keyed(&self, k: &Cid, block: &[u8]) -> anyhow::Result<()> {
        let put = fvm_sdk::ipld::put(k.hash().code(), k.hash().size() as u32, k.codec(), block)
            .map_err(|e| anyhow::anyhow!("put {}: {e}", crate::text::cid(k)))?;
        anyhow::ensure!(put == *k, "put {} stored as {}", crate::text::cid(k), crate::text::cid(&put));
        Ok(())
    }

    fn put<D: AsRef<[u8]>>(&self, code: Code, block: &Block<D>) -> anyhow::Result<Cid> {
        // Hash natively in the kernel rather than in Wasm.
        fvm_sdk::ipld::put(code.into(), 32, block.codec, block.data.as_ref()).map_err(|e| anyhow::anyhow!("put: {e}"))
    }
}

/// The [`Runtime`] of an actor running as Wasm in the FVM.
#[derive(Debug, Clone, Copy, Default)]
pub struct SdkRuntime;

impl Runtime for SdkRuntime {
    type Store = SdkStore;

    fn store(&self) -> &SdkStore {
        &SdkStore
    }

    fn caller(&self) -> ActorID {
        fvm_sdk::message::caller()
    }

    fn origin(&self) -> ActorID {
        fvm_sdk::message::origin()
    }

    fn receiver(&self) -> ActorID {
        fvm_sdk::message::receiver()
    }

    fn epoch(&self) -> ChainEpoch {
        fvm_sdk::network::curr_epoch()
    }

    fn tipset_cid(&self, epoch: ChainEpoch) -> Result<Cid, ErrorNumber> {
        fvm_sdk::network::tipset_cid(epoch).map_err(|e| match e {
            fvm_sdk::error::EpochBoundsError::Invalid => ErrorNumber::IllegalArgument,
            fvm_sdk::error::EpochBoundsError::ExceedsLookback => ErrorNumber::LimitExceeded,
        })
    }

    fn value_received(&self) -> TokenAmount {
        fvm_sdk::message::value_received()
    }

    fn balance(&self) -> TokenAmount {
        fvm_sdk::sself::current_balance()
    }

    fn root(&self) -> Option<Cid> {
        fvm_sdk::sself::root().ok()
    }

    fn set_root(&self, root: &Cid) -> ActorResult<()> {
        fvm_sdk::sself::set_root(root).map_err(|e| {
            if fvm_sdk::vm::read_only() {
                actor_error!(read_only; "cannot change state in a read-only call")
            } else {
                actor_error!(illegal_state; "setting state root: {e}")
            }
        })
    }

    fn emit_event(&self, event: &ActorEvent) -> ActorResult<()> {
        fvm_sdk::event::emit_event(event).or_illegal_state("emitting event")
    }

    fn send(
        &self,
        to: &Address,
        method: MethodNum,
        params: Option<IpldBlock>,
        value: TokenAmount,
        read_only: bool,
    ) -> Result<Response, ErrorNumber> {
        let flags = if read_only { SendFlags::READ_ONLY } else { SendFlags::default() };
        fvm_sdk::send::send(to, method, params, value, None, flags)
    }

    fn resolve_address(&self, addr: &Address) -> Option<ActorID> {
        fvm_sdk::actor::resolve_address(addr)
    }

    fn actor_exists(&self, id: ActorID) -> bool {
        fvm_sdk::actor::get_actor_code_cid(&Address::new_id(id)).is_some()
    }

    fn delegated_address(&self, id: ActorID) -> Option<Address> {
        fvm_sdk::actor::lookup_delegated_address(id)
    }

    fn randomx_hashes(&self, pairs: &[([u8; 32], [u8; 32])]) -> Result<Vec<[u8; 32]>, ErrorNumber> {
        cloudless_syscalls::randomx_hashes(pairs)
    }

    fn groth16_verify_bn254(&self, vk: &[u8], proof: &[u8], inputs: &[[u8; 32]]) -> Result<bool, ErrorNumber> {
        cloudless_syscalls::groth16_verify_bn254(vk, proof, inputs)
    }

    fn keccak256(data: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        fvm_sdk::crypto::hash_into(SupportedHashes::Keccak256, data, &mut out);
        out
    }

    fn syscall_abi_version(&self) -> u64 {
        cloudless_syscalls::abi_version()
    }

    fn verify_signature(&self, signature: &Signature, signer: &Address, plaintext: &[u8]) -> Result<bool, ErrorNumber> {
        fvm_sdk::crypto::verify_signature(signature, signer, plaintext)
    }

    fn builtin_actor_type(&self, code: &Cid) -> Option<i32> {
        fvm_sdk::actor::get_builtin_actor_type(code)
    }

    fn next_actor_address(&self) -> Address {
        fvm_sdk::actor::next_actor_address()
    }

    fn create_actor(&self, id: ActorID, code: &Cid, delegated: Option<Address>) -> Result<(), ErrorNumber> {
        fvm_sdk::actor::create_actor(id, code, delegated)
    }
}

/// A method dispatcher over the Wasm runtime.
pub type Dispatch = fn(&SdkRuntime, MethodNum, Params) -> ActorResult<Option<IpldBlock>>;

/// The body of every actor's `invoke`: dispatch, then return the block or abort with the error.
pub fn run(dispatch: Dispatch, params_id: u32) -> u32 {
    fvm_sdk::vm::set_panic_handler();
    match dispatch(&SdkRuntime, fvm_sdk::message::method_number(), Params::sdk(params_id)) {
        Ok(None) => NO_DATA_BLOCK_ID,
        Ok(Some(block)) => match fvm_sdk::ipld::put_block(block.codec, &block.data) {
            Ok(id) => id,
            Err(e) => fvm_sdk::vm::abort(ExitCode::USR_SERIALIZATION.value(), Some(&format!("returning value: {e}"))),
        },
        Err(err) => fvm_sdk::vm::abort(err.exit_code().value(), Some(err.msg())),
    }
}

/// Declares the Wasm export `invoke` of an [`ActorCode`]: `wasm_entry!(OracleActor)`.
///
/// [`ActorCode`]: crate::ActorCode
#[macro_export]
macro_rules! wasm_entry {
    ($actor:ty) => {
        #[no_mangle]
        pub extern "C" fn invoke(params_id: u32) -> u32 {
            $crate::sdk::run(<$actor as $crate::ActorCode>::dispatch::<$crate::sdk::SdkRuntime>, params_id)
        }
    };
}
