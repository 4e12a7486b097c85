//! Test actor for the kernel extension: calls the `cloudless` syscalls from real Wasm so host
//! tests and benchmarks prove the import module is linked, metered and returns what the kernel
//! computed. Never part of the production bundle.

use fvm_ipld_encoding::strict_bytes;
use fvm_ipld_encoding::tuple::*;

pub const METHOD_ABI_VERSION: u64 = frc42_dispatch::method_hash!("AbiVersion");
pub const METHOD_RANDOMX_HASHES: u64 = frc42_dispatch::method_hash!("RandomxHashes");
pub const METHOD_GROTH16_VERIFY: u64 = frc42_dispatch::method_hash!("Groth16Verify");
/// The same verification compiled into this Wasm actor (benchmark comparison only).
pub const METHOD_GROTH16_VERIFY_WASM: u64 = frc42_dispatch::method_hash!("Groth16VerifyWasm");

/// Concatenated 64-byte (K, H) pairs; the return is the concatenated 32-byte hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct RandomxHashesParams {
    #[serde(with = "strict_bytes")]
    pub pairs: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct Groth16VerifyParams {
    #[serde(with = "strict_bytes")]
    pub vk: Vec<u8>,
    #[serde(with = "strict_bytes")]
    pub proof: Vec<u8>,
    /// Concatenated 32-byte public inputs.
    #[serde(with = "strict_bytes")]
    pub inputs: Vec<u8>,
}

#[cfg(feature = "fil-actor")]
mod actor {
    use cloudless_runtime::sdk::SdkRuntime;
    use cloudless_runtime::{actor_error, ret, unhandled, ActorResult, Params, Runtime, METHOD_CONSTRUCTOR};
    use fvm_ipld_encoding::ipld_block::IpldBlock;
    use fvm_ipld_encoding::BytesSer;
    use fvm_shared::MethodNum;

    use super::*;

    cloudless_runtime::wasm_entry!(fn dispatch);

    fn dispatch(rt: &SdkRuntime, method: MethodNum, params: Params) -> ActorResult<Option<IpldBlock>> {
        match method {
            METHOD_CONSTRUCTOR => rt.set_state(&()).map(|_| None),
            METHOD_ABI_VERSION => ret(&cloudless_syscalls::abi_version()),
            METHOD_RANDOMX_HASHES => randomx_hashes(params.decode()?),
            METHOD_GROTH16_VERIFY => groth16_verify(params.decode()?),
            METHOD_GROTH16_VERIFY_WASM => {
                let p: Groth16VerifyParams = params.decode()?;
                let valid = cloudless_groth16::verify(&p.vk, &p.proof, &p.inputs)
                    .map_err(|e| actor_error!(illegal_argument; "groth16 (wasm): {e}"))?;
                ret(&valid)
            }
            _ => unhandled(method),
        }
    }

    fn randomx_hashes(params: RandomxHashesParams) -> ActorResult<Option<IpldBlock>> {
        let pairs: Vec<([u8; 32], [u8; 32])> = params
            .pairs
            .chunks(64)
            .map(|c| {
                let k = c.get(..32).and_then(|k| k.try_into().ok());
                let h = c.get(32..64).and_then(|h| h.try_into().ok());
                k.zip(h).ok_or_else(|| actor_error!(illegal_argument; "pairs must be 64 bytes each"))
            })
            .collect::<ActorResult<_>>()?;
        let hashes = cloudless_syscalls::randomx_hashes(&pairs)
            .map_err(|e| actor_error!(illegal_argument; "randomx_hashes: {e}"))?;
        ret(&BytesSer(&hashes.concat()))
    }

    fn groth16_verify(params: Groth16VerifyParams) -> ActorResult<Option<IpldBlock>> {
        if !params.inputs.len().is_multiple_of(32) {
            return Err(actor_error!(illegal_argument; "inputs must be 32-byte scalars"));
        }
        let inputs: Vec<[u8; 32]> = params.inputs.chunks_exact(32).map(|c| c.try_into().expect("32 bytes")).collect();
        let valid = cloudless_syscalls::groth16_verify_bn254(&params.vk, &params.proof, &inputs)
            .map_err(|e| actor_error!(illegal_argument; "groth16_verify_bn254: {e}"))?;
        ret(&valid)
    }
}
