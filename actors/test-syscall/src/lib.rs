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
/// Calls a raw import with arbitrary pointers and lengths (the host's input parsing fuzzer).
pub const METHOD_RAW_SYSCALL: u64 = frc42_dispatch::method_hash!("RawSyscall");

/// Which raw import [`RawSyscallParams`] calls.
pub const RAW_RANDOMX_HASHES: u8 = 0;
pub const RAW_GROTH16_VERIFY: u8 = 1;

/// Zero bytes the actor appends to [`RawSyscallParams::memory`].
pub const RAW_PADDING: usize = 4096;

/// A raw import call: `memory` is copied into a buffer of the actor (plus [`RAW_PADDING`]
/// zero bytes); each argument is either
/// an offset into that buffer (`relative`, added to its address with wrapping) or a raw `u32`
/// (a length, or an absolute address anywhere in or beyond the Wasm memory). RandomX takes
/// four arguments (pairs offset and length, output offset and length), Groth16 six; missing
/// ones are 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct RawSyscallParams {
    pub syscall: u8,
    #[serde(with = "strict_bytes")]
    pub memory: Vec<u8>,
    pub args: Vec<(bool, u32)>,
}

/// What the import returned: `errno` 0 and its value (Groth16: 1 or 0), or the error number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct RawSyscallReturn {
    pub errno: u32,
    pub value: u32,
}

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
            METHOD_RAW_SYSCALL => raw_syscall(params.decode()?),
            METHOD_GROTH16_VERIFY_WASM => {
                let p: Groth16VerifyParams = params.decode()?;
                let valid = cloudless_groth16::verify(&p.vk, &p.proof, &p.inputs)
                    .map_err(|e| actor_error!(illegal_argument; "groth16 (wasm): {e}"))?;
                ret(&valid)
            }
            _ => unhandled(method),
        }
    }

    fn raw_syscall(p: RawSyscallParams) -> ActorResult<Option<IpldBlock>> {
        let mut memory = p.memory;
        // Room for any legal RandomX output (64 hashes) written at an offset inside the buffer.
        memory.resize(memory.len() + RAW_PADDING, 0);
        let base = memory.as_mut_ptr() as u32;
        let arg = |i: usize| match p.args.get(i) {
            Some((true, v)) => base.wrapping_add(*v),
            Some((false, v)) => *v,
            None => 0,
        };
        // SAFETY: the host bounds-checks every pointer and length against the Wasm memory; an
        // output written through a wild pointer lands in this actor's own memory, which is the
        // point of the test.
        let result = unsafe {
            match p.syscall {
                RAW_RANDOMX_HASHES => {
                    cloudless_syscalls::sys::randomx_hashes(arg(0) as *const u8, arg(1), arg(2) as *mut u8, arg(3))
                        .map(|()| 0)
                }
                RAW_GROTH16_VERIFY => cloudless_syscalls::sys::groth16_verify_bn254(
                    arg(0) as *const u8,
                    arg(1),
                    arg(2) as *const u8,
                    arg(3),
                    arg(4) as *const u8,
                    arg(5),
                ),
                other => return Err(actor_error!(illegal_argument; "no raw syscall {other}")),
            }
        };
        let out = match result {
            Ok(value) => RawSyscallReturn { errno: 0, value },
            Err(e) => RawSyscallReturn { errno: e as u32, value: 0 },
        };
        ret(&out)
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
