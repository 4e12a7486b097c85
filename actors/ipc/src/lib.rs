//! IPC cross-net messages exactly as the IPC Solidity contracts encode them.
//!
//! On an IPC subnet, messages from the parent reach an actor from the IPC gateway actor (an EVM
//! contract, ID 64) as an EVM call `handleIpcMessage(IpcEnvelope)`: the EVM actor sends the
//! ABI calldata to a native actor as method `InvokeEVM` (FRC-42 number 3844450837) with the
//! calldata as an `IPLD_RAW` block, and reads the native actor's return as a CBOR byte string.
//! Messages to the parent leave through the IPC gateway's `sendContractXnetMessage`.
//!
//! The types below are declared with `alloy-sol-types`' `sol!` from the structs in the IPC
//! contracts (`contracts/contracts/structs/CrossNet.sol`, `Subnet.sol`, `FvmAddress.sol`,
//! `contracts/sdk/interfaces/IIpcHandler.sol`, `contracts/contracts/gateway/
//! GatewayMessengerFacet.sol`); `tests/abi.rs` checks them against those definitions and
//! against an independent encoder. The helpers reproduce the contracts' library functions the
//! two sides must agree on: `FvmAddressHelper.from`/`extractEvmAddress`, `CrossMsgHelper.
//! toTracingId`, and fendermint's `builtin_actor_eth_addr`.
//!
//! Hashing is passed in (`keccak`): in an actor it is the kernel's syscall, natively any
//! keccak256.

use alloy_sol_types::sol;
use fvm_shared::address::{Address, Payload};
use fvm_shared::ActorID;

pub use alloy_sol_types::private::{Address as EthAddress, Bytes, FixedBytes, U256};
pub use alloy_sol_types::Error as AbiError;
pub use alloy_sol_types::{SolCall, SolValue};

sol! {
    /// `IpcMsgKind` (CrossNet.sol).
    #[derive(Debug, PartialEq, Eq)]
    enum IpcMsgKind { Transfer, Call, Result }

    /// `SubnetID` (Subnet.sol): the root chain ID and the route of subnet actor addresses.
    #[derive(Debug, PartialEq, Eq)]
    struct SubnetID { uint64 root; address[] route; }

    /// `FvmAddress` (FvmAddress.sol): an FVM address as its protocol and payload.
    #[derive(Debug, PartialEq, Eq)]
    struct FvmAddress { uint8 addrType; bytes payload; }

    /// `DelegatedAddress` (FvmAddress.sol): the payload of an f4 `FvmAddress`.
    #[derive(Debug, PartialEq, Eq)]
    struct DelegatedAddress { uint64 namespace; uint128 length; bytes buffer; }

    /// `IPCAddress` (Subnet.sol).
    #[derive(Debug, PartialEq, Eq)]
    struct IPCAddress { SubnetID subnetId; FvmAddress rawAddress; }

    /// `IpcEnvelope` (CrossNet.sol).
    #[derive(Debug, PartialEq, Eq)]
    struct IpcEnvelope {
        IpcMsgKind kind;
        uint64 localNonce;
        uint64 originalNonce;
        uint256 value;
        IPCAddress to;
        IPCAddress from;
        bytes message;
    }

    /// `CallMsg` (CrossNet.sol): a 4-byte selector and ABI params.
    #[derive(Debug, PartialEq, Eq)]
    struct CallMsg { bytes method; bytes params; }

    /// `OutcomeType` (CrossNet.sol).
    #[derive(Debug, PartialEq, Eq)]
    enum OutcomeType { Ok, SystemErr, ActorErr }

    /// `ResultMsg` (CrossNet.sol): the tracing ID of the envelope it answers.
    #[derive(Debug, PartialEq, Eq)]
    struct ResultMsg { bytes32 id; OutcomeType outcome; bytes ret; }

    /// `IIpcHandler.handleIpcMessage`.
    function handleIpcMessage(IpcEnvelope envelope) external payable returns (bytes ret);

    /// `GatewayMessengerFacet.sendContractXnetMessage`.
    function sendContractXnetMessage(IpcEnvelope envelope) external payable returns (IpcEnvelope committed);

    /// The linked-token entry point (IPC `demos/linked-token`, `LinkedToken.sol`).
    function receiveLinked(address recipient, uint256 amount);
}

/// The FRC-42 method number of `InvokeEVM`: how an EVM actor calls a native actor (and how a
/// native actor calls an EVM contract).
pub const METHOD_INVOKE_EVM: u64 = 3_844_450_837;

/// The EAM's actor ID: the namespace of Ethereum (f410) addresses.
pub const EAM_NAMESPACE: ActorID = 10;

/// `FvmAddressHelper.DELEGATED`.
pub const DELEGATED: u8 = 4;

/// The IPC gateway actor's ID on every IPC subnet (fendermint's `GATEWAY_ACTOR_ID`).
pub const IPC_GATEWAY_ID: ActorID = 64;

/// The 20-byte Ethereum form of an FVM address the EVM can use: an f410 address's own bytes,
/// or an ID address masked as `0xff` ‖ 11 zero bytes ‖ the ID (big-endian).
pub fn eth_address(addr: &Address) -> Option<[u8; 20]> {
    match addr.payload() {
        Payload::ID(id) => Some(id_mask(*id)),
        Payload::Delegated(d) if d.namespace() == EAM_NAMESPACE => d.subaddress().try_into().ok(),
        _ => None,
    }
}

/// The FVM address an EVM contract reaches at `eth` (the EVM actor's own rule): a masked ID
/// address is that ID, anything else the f410 address.
pub fn fvm_address(eth: [u8; 20]) -> Address {
    match masked_id(&eth) {
        Some(id) => Address::new_id(id),
        None => Address::new_delegated(EAM_NAMESPACE, &eth).expect("20 bytes fit a delegated address"),
    }
}

fn id_mask(id: ActorID) -> [u8; 20] {
    let mut eth = [0u8; 20];
    eth[0] = 0xff;
    eth[12..].copy_from_slice(&id.to_be_bytes());
    eth
}

fn masked_id(eth: &[u8; 20]) -> Option<ActorID> {
    (eth[0] == 0xff && eth[1..12].iter().all(|b| *b == 0))
        .then(|| ActorID::from_be_bytes(eth[12..].try_into().expect("8 bytes")))
}

/// fendermint's `builtin_actor_eth_addr`: the Ethereum address a fixed-ID actor gets at
/// genesis, the last 20 bytes of keccak256 of its masked ID address (the EVM refuses a
/// delegated address that looks like an ID address).
pub fn builtin_actor_eth_address(id: ActorID, keccak: fn(&[u8]) -> [u8; 32]) -> [u8; 20] {
    keccak(&id_mask(id))[12..].try_into().expect("20 bytes")
}

impl FvmAddress {
    /// `FvmAddressHelper.from(addr)`: an f4 address in the EAM namespace.
    pub fn delegated(eth: [u8; 20]) -> Self {
        let payload = DelegatedAddress { namespace: EAM_NAMESPACE, length: 20, buffer: eth.to_vec().into() };
        FvmAddress { addrType: DELEGATED, payload: payload.abi_encode().into() }
    }

    /// `FvmAddressHelper.extractEvmAddress`: the Ethereum address of an f4 `FvmAddress` in the
    /// EAM namespace, `None` where the contract reverts.
    pub fn eth(&self) -> Option<[u8; 20]> {
        if self.addrType != DELEGATED {
            return None;
        }
        let d = DelegatedAddress::abi_decode(&self.payload).ok()?;
        if d.namespace != EAM_NAMESPACE || d.length != 20 {
            return None;
        }
        d.buffer.as_ref().try_into().ok()
    }
}

impl SubnetID {
    pub fn new(root: u64, route: &[[u8; 20]]) -> Self {
        SubnetID { root, route: route.iter().map(|a| EthAddress::from(*a)).collect() }
    }
}

impl IpcEnvelope {
    /// `CrossMsgHelper.toTracingId`: the envelope's ID across networks (without the local
    /// nonce); a `ResultMsg` names the envelope it answers by it.
    pub fn tracing_id(&self, keccak: fn(&[u8]) -> [u8; 32]) -> [u8; 32] {
        let fields =
            (self.kind, self.to.clone(), self.from.clone(), self.value, self.message.clone(), self.originalNonce);
        keccak(&fields.abi_encode_params())
    }

    /// `CrossMsgHelper.toHash`.
    pub fn hash(&self, keccak: fn(&[u8]) -> [u8; 32]) -> [u8; 32] {
        keccak(&self.abi_encode())
    }

    /// `CrossMsgHelper.createResultMsg`: the receipt of this envelope, from its destination
    /// back to its source; the value comes back unless the call succeeded.
    pub fn result(&self, outcome: OutcomeType, ret: Vec<u8>, keccak: fn(&[u8]) -> [u8; 32]) -> IpcEnvelope {
        let message = ResultMsg { id: self.tracing_id(keccak).into(), outcome, ret: ret.into() };
        let value = if outcome == OutcomeType::Ok { U256::ZERO } else { self.value };
        IpcEnvelope {
            kind: IpcMsgKind::Result,
            localNonce: 0,
            originalNonce: 0,
            value,
            to: self.from.clone(),
            from: self.to.clone(),
            message: message.abi_encode().into(),
        }
    }
}

impl CallMsg {
    /// A call of `method` (its 4-byte selector) with ABI-encoded `params`, as
    /// `CrossMsgHelper.createCallMsg` packs it.
    pub fn new(selector: [u8; 4], params: Vec<u8>) -> Self {
        CallMsg { method: selector.to_vec().into(), params: params.into() }
    }

    /// The selector, if `method` holds at least four bytes (Solidity reads the first four).
    pub fn selector(&self) -> Option<[u8; 4]> {
        self.method.get(..4)?.try_into().ok()
    }
}

/// `receiveLinked(recipient, amount)` as a `CallMsg`, ABI-encoded as the envelope's message.
pub fn receive_linked_message(recipient: [u8; 20], amount: U256) -> Vec<u8> {
    let params = (EthAddress::from(recipient), amount).abi_encode_params();
    CallMsg::new(receiveLinkedCall::SELECTOR, params).abi_encode()
}

/// Decodes `abi.encode(value)` of one value, as Solidity's `abi.decode(data, (T))` does, and
/// refuses non-canonical encodings (dirty padding, out-of-range enum values).
pub fn decode<T>(data: &[u8]) -> Result<T, AbiError>
where
    T: SolValue + From<<T::SolType as alloy_sol_types::SolType>::RustType>,
{
    T::abi_decode_validate(data)
}

/// EVM calldata or return data: the raw block an EVM actor sends a native actor (`IPLD_RAW`)
/// or a CBOR byte string; hex text in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EvmBytes(pub Vec<u8>);

impl serde::Serialize for EvmBytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        cloudless_runtime::bytes::hex::serialize(&self.0, s)
    }
}

impl<'de> serde::Deserialize<'de> for EvmBytes {
    /// Whatever the format says it holds: bytes (raw blocks, CBOR) or hex text (JSON). A raw
    /// block's deserializer calls itself human-readable, so the format is not asked.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = EvmBytes;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<EvmBytes, E> {
                Ok(EvmBytes(v.to_vec()))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<EvmBytes, E> {
                cloudless_runtime::bytes::hex::deserialize(serde::de::value::StrDeserializer::<E>::new(v)).map(EvmBytes)
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl cloudless_runtime::abi::Fields for EvmBytes {
    fn shape() -> cloudless_runtime::abi::Shape {
        cloudless_runtime::abi::Shape::Leaf
    }
}
