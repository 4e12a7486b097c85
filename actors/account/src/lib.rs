//! Account actor: the on-chain identity of a key (secp256k1 or BLS). The FVM creates one, calling
//! the constructor from the system actor, the first time a key address receives a message.
//!
//! A *keyless* account holds an ID address equal to its own ID: used for sinks such as the
//! burnt-funds actor f099, which can receive FLT but can never authenticate anything.

use cloudless_runtime::{actor_error, ActorError, ActorResult, Fields, Runtime};
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::{Address, Protocol};
use fvm_shared::crypto::signature::{Signature, SignatureType};
use fvm_shared::ActorID;

/// The layout `fvm::account_actor::State` decodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct State {
    #[serde(with = "cloudless_runtime::address")]
    pub address: Address,
}

/// An address alone (the constructor's params, `PubkeyAddress`'s return): its bytes on chain,
/// its text in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, Fields)]
#[serde(transparent)]
pub struct AddressParam(#[serde(with = "cloudless_runtime::address")] pub Address);

/// In JSON: `[signature hex, message hex]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct AuthenticateMessageParams {
    #[serde(with = "cloudless_runtime::bytes::hex")]
    pub signature: Vec<u8>,
    #[serde(with = "cloudless_runtime::bytes::hex")]
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

/// No clocks to advance.
impl cloudless_runtime::ActorState for State {}

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

cloudless_runtime::actor! {
    /// The account actor (bundle name `account`): accepts every exported method it does not
    /// declare (e.g. a token's FRC-46 `Receive`).
    pub struct AccountActor = "account" [universal_receiver];
    state: State, view: State = |st: &State, _: &_| Ok(st.clone());
    events: [];
    constructor(AddressParam) => constructor;
    // An account is a wallet: any of its methods may carry FLT, as builtin-actors' do.
    /// Method 2, as in builtin-actors.
    [payable] METHOD_PUBKEY_ADDRESS = "PubkeyAddress" @ 2 -> AddressParam => pubkey_address;
    [payable] METHOD_AUTHENTICATE_MESSAGE = "AuthenticateMessage"(AuthenticateMessageParams) -> bool => authenticate;
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(AccountActor);

fn constructor<R: Runtime>(rt: &R, AddressParam(address): AddressParam) -> ActorResult<()> {
    validate_account_address(&address, rt.receiver()).map_err(ActorError::illegal_argument)?;
    rt.set_state(&State { address })
}

fn pubkey_address<R: Runtime>(rt: &R) -> ActorResult<AddressParam> {
    Ok(AddressParam(rt.state::<State>()?.address))
}

fn authenticate<R: Runtime>(rt: &R, params: AuthenticateMessageParams) -> ActorResult<bool> {
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
    let valid = rt
        .verify_signature(&sig, &st.address, &params.message)
        .map_err(|e| actor_error!(illegal_argument; "malformed signature: {e}"))?;
    if !valid {
        return Err(
            actor_error!(illegal_argument; "signature does not verify for {}", cloudless_runtime::text::address(&st.address)),
        );
    }
    Ok(true)
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

#[cfg(test)]
mod method_tests {
    use cloudless_runtime::mock::MockRuntime;
    use cloudless_runtime::{FIRST_EXPORTED_METHOD_NUMBER, METHOD_CONSTRUCTOR};
    use fvm_shared::econ::TokenAmount;
    use fvm_shared::error::{ErrorNumber, ExitCode};

    use super::*;

    fn account(address: Address) -> MockRuntime {
        let rt = MockRuntime::new::<AccountActor>(100);
        rt.construct(&AddressParam(address)).unwrap();
        rt.set_signature_check(|sig, _, msg| match sig.bytes.as_slice() {
            b"bad" => Err(ErrorNumber::IllegalArgument),
            sig => Ok(sig == msg),
        });
        rt
    }

    #[test]
    fn constructor_checks_caller_and_address() {
        let key = Address::new_secp256k1(&[4; 65]).unwrap();
        let rt = MockRuntime::new::<AccountActor>(100);
        rt.refused(5, METHOD_CONSTRUCTOR, &AddressParam(key), ExitCode::USR_FORBIDDEN);
        rt.refused(0, METHOD_CONSTRUCTOR, &AddressParam(Address::new_id(7)), ExitCode::USR_ILLEGAL_ARGUMENT);
        rt.construct(&AddressParam(Address::new_id(100))).unwrap();
    }

    #[test]
    fn tells_its_key_and_authenticates() {
        let key = Address::new_secp256k1(&[4; 65]).unwrap();
        let rt = account(key);
        assert_eq!(rt.ok::<_, AddressParam>(5, METHOD_PUBKEY_ADDRESS, &()).0, key);
        let good = AuthenticateMessageParams { signature: b"hi".to_vec(), message: b"hi".to_vec() };
        assert!(rt.ok::<_, bool>(5, METHOD_AUTHENTICATE_MESSAGE, &good));
        let wrong = AuthenticateMessageParams { signature: b"ho".to_vec(), message: b"hi".to_vec() };
        rt.refused(5, METHOD_AUTHENTICATE_MESSAGE, &wrong, ExitCode::USR_ILLEGAL_ARGUMENT);
        let malformed = AuthenticateMessageParams { signature: b"bad".to_vec(), message: b"hi".to_vec() };
        rt.refused(5, METHOD_AUTHENTICATE_MESSAGE, &malformed, ExitCode::USR_ILLEGAL_ARGUMENT);
        rt.refused(5, METHOD_AUTHENTICATE_MESSAGE, &7u64, ExitCode::USR_SERIALIZATION);
    }

    #[test]
    fn keyless_cannot_authenticate_and_any_exported_method_is_received() {
        let rt = account(Address::new_id(100));
        let p = AuthenticateMessageParams { signature: b"hi".to_vec(), message: b"hi".to_vec() };
        rt.refused(5, METHOD_AUTHENTICATE_MESSAGE, &p, ExitCode::USR_FORBIDDEN);
        rt.add_actor(5, TokenAmount::from_whole(1));
        let () = rt.pay(5, FIRST_EXPORTED_METHOD_NUMBER + 7, &(), TokenAmount::from_whole(1));
        assert_eq!(rt.balance_of(100), TokenAmount::from_whole(1));
        rt.refused(5, 3, &(), ExitCode::USR_UNHANDLED_MESSAGE);
    }
}
