//! Test actor for the kernel extension: calls the `cloudless` syscalls from real Wasm so host
//! tests and benchmarks prove the import module is linked, metered and returns what the kernel
//! computed. Never part of the production bundle.

use cloudless_runtime::{actor_error, construct_stateless, ActorResult, Fields, Runtime};
use fvm_ipld_encoding::tuple::*;

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct RawSyscallParams {
    pub syscall: u8,
    #[serde(with = "cloudless_runtime::bytes::hex")]
    pub memory: Vec<u8>,
    pub args: Vec<(bool, u32)>,
}

/// What the import returned: `errno` 0 and its value (Groth16: 1 or 0), or the error number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct RawSyscallReturn {
    pub errno: u32,
    pub value: u32,
}

/// Concatenated 64-byte (K, H) pairs; the return is the concatenated 32-byte hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct RandomxHashesParams {
    #[serde(with = "cloudless_runtime::bytes::hex")]
    pub pairs: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct Groth16VerifyParams {
    #[serde(with = "cloudless_runtime::bytes::hex")]
    pub vk: Vec<u8>,
    #[serde(with = "cloudless_runtime::bytes::hex")]
    pub proof: Vec<u8>,
    /// Concatenated 32-byte public inputs.
    #[serde(with = "cloudless_runtime::bytes::hex")]
    pub inputs: Vec<u8>,
}

cloudless_runtime::actor! {
    /// The syscall test actor (bundle name `test-syscall`; anyone may create it with `Exec`).
    pub struct TestSyscallActor = "test-syscall";
    state: ();
    events: [];
    constructor [exec] => construct_stateless;
    METHOD_ABI_VERSION = "AbiVersion" -> u64 => abi_version;
    METHOD_RANDOMX_HASHES = "RandomxHashes"(RandomxHashesParams) -> HexBytes => randomx_hashes;
    METHOD_GROTH16_VERIFY = "Groth16Verify"(Groth16VerifyParams) -> bool => groth16_verify;
    /// The same verification compiled into this Wasm actor (benchmark comparison only).
    METHOD_GROTH16_VERIFY_WASM = "Groth16VerifyWasm"(Groth16VerifyParams) -> bool => groth16_verify_wasm;
    /// Calls a raw import with arbitrary pointers and lengths (the host's input parsing fuzzer).
    METHOD_RAW_SYSCALL = "RawSyscall"(RawSyscallParams) -> RawSyscallReturn => raw_syscall;
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(TestSyscallActor);

/// A byte string: CBOR bytes on chain, hex in JSON.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, Fields)]
#[serde(transparent)]
pub struct HexBytes(#[serde(with = "cloudless_runtime::bytes::hex")] pub Vec<u8>);

fn abi_version<R: Runtime>(rt: &R) -> ActorResult<u64> {
    Ok(rt.syscall_abi_version())
}

fn groth16_verify_wasm<R: Runtime>(_rt: &R, p: Groth16VerifyParams) -> ActorResult<bool> {
    cloudless_groth16::verify(&p.vk, &p.proof, &p.inputs)
        .map_err(|e| actor_error!(illegal_argument; "groth16 (wasm): {e}"))
}

/// The raw imports exist only in Wasm: natively (the mock) the method is refused.
#[cfg(not(feature = "fil-actor"))]
fn raw_syscall<R: Runtime>(_rt: &R, _p: RawSyscallParams) -> ActorResult<RawSyscallReturn> {
    Err(actor_error!(illegal_argument; "raw syscalls run only in Wasm"))
}

#[cfg(feature = "fil-actor")]
fn raw_syscall<R: Runtime>(_rt: &R, p: RawSyscallParams) -> ActorResult<RawSyscallReturn> {
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
    Ok(match result {
        Ok(value) => RawSyscallReturn { errno: 0, value },
        Err(e) => RawSyscallReturn { errno: e as u32, value: 0 },
    })
}

fn randomx_hashes<R: Runtime>(rt: &R, params: RandomxHashesParams) -> ActorResult<HexBytes> {
    let pairs: Vec<([u8; 32], [u8; 32])> = params
        .pairs
        .chunks(64)
        .map(|c| {
            let k = c.get(..32).and_then(|k| k.try_into().ok());
            let h = c.get(32..64).and_then(|h| h.try_into().ok());
            k.zip(h).ok_or_else(|| actor_error!(illegal_argument; "pairs must be 64 bytes each"))
        })
        .collect::<ActorResult<_>>()?;
    let hashes = rt.randomx_hashes(&pairs).map_err(|e| actor_error!(illegal_argument; "randomx_hashes: {e}"))?;
    Ok(HexBytes(hashes.concat()))
}

fn groth16_verify<R: Runtime>(rt: &R, params: Groth16VerifyParams) -> ActorResult<bool> {
    if !params.inputs.len().is_multiple_of(32) {
        return Err(actor_error!(illegal_argument; "inputs must be 32-byte scalars"));
    }
    let inputs: Vec<[u8; 32]> = params.inputs.chunks_exact(32).map(|c| c.try_into().expect("32 bytes")).collect();
    rt.groth16_verify_bn254(&params.vk, &params.proof, &inputs)
        .map_err(|e| actor_error!(illegal_argument; "groth16_verify_bn254: {e}"))
}

#[cfg(test)]
mod tests {
    use cloudless_runtime::mock::MockRuntime;
    use fvm_shared::error::ExitCode;

    use super::*;

    #[test]
    fn calls_the_runtime_syscalls() {
        let rt = MockRuntime::new::<TestSyscallActor>(300);
        rt.refused(100, cloudless_runtime::METHOD_CONSTRUCTOR, &(), ExitCode::USR_FORBIDDEN);
        rt.construct_from(cloudless_runtime::INIT_ACTOR_ID, &()).unwrap();
        assert_eq!(rt.ok::<_, u64>(100, METHOD_ABI_VERSION, &()), cloudless_syscalls::ABI_VERSION);
        rt.set_randomx(|pairs| Ok(pairs.iter().map(|(k, h)| std::array::from_fn(|i| k[i] ^ h[i])).collect()));
        let pairs = [[1u8; 32], [2u8; 32]].concat();
        let out: HexBytes = rt.ok(100, METHOD_RANDOMX_HASHES, &RandomxHashesParams { pairs: pairs.clone() });
        assert_eq!(out.0, vec![3u8; 32]);
        let short = RandomxHashesParams { pairs: pairs[..40].to_vec() };
        rt.refused(100, METHOD_RANDOMX_HASHES, &short, ExitCode::USR_ILLEGAL_ARGUMENT);
        let odd = Groth16VerifyParams { vk: vec![], proof: vec![], inputs: vec![0; 31] };
        rt.refused(100, METHOD_GROTH16_VERIFY, &odd, ExitCode::USR_ILLEGAL_ARGUMENT);
        rt.refused(100, METHOD_GROTH16_VERIFY_WASM, &odd, ExitCode::USR_ILLEGAL_ARGUMENT);
        let raw = RawSyscallParams { syscall: 0, memory: vec![], args: vec![] };
        rt.refused(100, METHOD_RAW_SYSCALL, &raw, ExitCode::USR_ILLEGAL_ARGUMENT);
    }
}
