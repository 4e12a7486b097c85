//! Account actor: the on-chain identity of a key (secp256k1 or BLS). The FVM creates one, calling
//! the constructor from the system actor, the first time a key address receives a message.
//!
//! A *keyless* account holds an ID address equal to its own ID: used for sinks such as the
//! burnt-funds actor f099, which can receive FLT but can never authenticate anything.

use fvm_ipld_encoding::strict_bytes;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::{Address, Protocol};
use fvm_shared::ActorID;

/// `PubkeyAddress` is method 2, as in builtin-actors.
pub const METHOD_PUBKEY_ADDRESS: u64 = 2;
/// FRC-42 number of `AuthenticateMessage`.
pub const METHOD_AUTHENTICATE_MESSAGE: u64 = frc42_dispatch::method_hash!("AuthenticateMessage");

/// The layout `fvm::account_actor::State` decodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    pub address: Address,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct AuthenticateMessageParams {
    #[serde(with = "strict_bytes")]
    pub signature: Vec<u8>,
    #[serde(with = "strict_bytes")]
    pub message: Vec<u8>,
}

/// Which addresses an account may hold: a key address, or its own ID (keyless).
pub fn validate_account_address(addr: &Address, own_id: ActorID) -> Result<(), String> {
    match addr.protocol() {
        Protocol::Secp256k1 | Protocol::BLS => Ok(()),
        Protocol::ID if addr.id() == Ok(own_id) => Ok(()),
        _ => Err(format!(
            "account address must be a secp256k1 or BLS key address, or f0{own_id} itself, not {}",
            cloudless_runtime::text::address(addr)
        )),
    }
}

impl cloudless_runtime::Invariants for State {
    /// The address is a key address, or an ID address (a keyless sink; only its own ID is
    /// valid, which the constructor checks).
    fn check_state_invariants<BS: fvm_ipld_blockstore::Blockstore>(
        &self,
        _store: &BS,
        _balance: &fvm_shared::econ::TokenAmount,
    ) -> Vec<String> {
        match self.address.protocol() {
            Protocol::Secp256k1 | Protocol::BLS | Protocol::ID => Vec::new(),
            _ => vec![format!("account address {} is neither a key address nor an ID", self.address)],
        }
    }
}

#[cfg(feature = "fil-actor")]
mod actor {
    use cloudless_runtime::sdk::SdkRuntime;
    use cloudless_runtime::{
        actor_error, ret, unhandled, ActorError, ActorResult, Params, Runtime, FIRST_EXPORTED_METHOD_NUMBER,
        METHOD_CONSTRUCTOR,
    };
    use fvm_ipld_encoding::ipld_block::IpldBlock;
    use fvm_shared::crypto::signature::{Signature, SignatureType};
    use fvm_shared::MethodNum;

    use super::*;

    cloudless_runtime::wasm_entry!(fn dispatch);

    fn dispatch(rt: &SdkRuntime, method: MethodNum, params: Params) -> ActorResult<Option<IpldBlock>> {
        match method {
            METHOD_CONSTRUCTOR => {
                rt.require_system_caller()?;
                constructor(rt, params.decode()?)
            }
            METHOD_PUBKEY_ADDRESS => ret(&rt.state::<State>()?.address),
            METHOD_AUTHENTICATE_MESSAGE => authenticate(rt, params.decode()?),
            // Universal receiver: accounts accept any exported method (e.g. FRC-46 `Receive`).
            m if m >= FIRST_EXPORTED_METHOD_NUMBER => Ok(None),
            _ => unhandled(method),
        }
    }

    fn constructor(rt: &SdkRuntime, address: Address) -> ActorResult<Option<IpldBlock>> {
        validate_account_address(&address, rt.receiver()).map_err(ActorError::illegal_argument)?;
        rt.set_state(&State { address })?;
        Ok(None)
    }

    fn authenticate(rt: &SdkRuntime, params: AuthenticateMessageParams) -> ActorResult<Option<IpldBlock>> {
        let st: State = rt.state()?;
        let sig_type = match st.address.protocol() {
            Protocol::Secp256k1 => SignatureType::Secp256k1,
            Protocol::BLS => SignatureType::BLS,
            _ => {
                return Err(
                    actor_error!(forbidden; "keyless account {} cannot authenticate", cloudless_runtime::text::address(&st.address)),
                )
            }
        };
        let sig = Signature { sig_type, bytes: params.signature };
        let valid = fvm_sdk::crypto::verify_signature(&sig, &st.address, &params.message)
            .map_err(|e| actor_error!(illegal_argument; "malformed signature: {e}"))?;
        if !valid {
            return Err(
                actor_error!(illegal_argument; "signature does not verify for {}", cloudless_runtime::text::address(&st.address)),
            );
        }
        ret(&true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_keys_or_own_id() {
        assert!(validate_account_address(&Address::new_secp256k1(&[4; 65]).unwrap(), 100).is_ok());
        assert!(validate_account_address(&Address::new_id(99), 99).is_ok());
        assert!(validate_account_address(&Address::new_id(98), 99).is_err());
        assert!(validate_account_address(&Address::new_actor(b"x"), 99).is_err());
    }
}
