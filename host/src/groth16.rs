//! Groth16 artifacts of circuit tools, in the encoding the market and the syscall take (docs/protocol.md §1:
//! Ethereum-precompile points, G2 with the imaginary part first, 32-byte big-endian scalars).
//!
//! - snarkjs (circom): `verification_key.json` (`vk_alpha_1`, `vk_beta_2`, `vk_gamma_2`,
//!   `vk_delta_2`, `IC`), `proof.json` (`pi_a`, `pi_b`, `pi_c`) and `public.json` (decimal
//!   strings). Points are projective with decimal coordinates; G2 coordinates are `[c0, c1]`.
//! - gnark: the Solidity verifier `VerifyingKey.ExportSolidity` writes (its `uint256 constant`s:
//!   `ALPHA_X/Y`, the negated `BETA_NEG_*`, `GAMMA_NEG_*`, `DELTA_NEG_*` with `_0` the real part,
//!   `CONSTANT_X/Y` and `PUB_i_X/Y` for the inputs), and the proof `Proof.MarshalSolidity`
//!   returns (256 bytes: already our encoding), as hex or as a JSON list of eight numbers.
//!   Circuits with commitments (`PEDERSEN_*`) are not supported.

use anyhow::{anyhow, bail, Context};
use fvm_shared::bigint::{BigInt, Sign};
use serde_json::Value;

/// A decimal or 0x-hex integer as 32 bytes, big-endian.
fn uint256(v: &Value, what: &str) -> anyhow::Result<[u8; 32]> {
    let text = v.as_str().ok_or_else(|| anyhow!("{what}: expected a number as a string, got {v}"))?;
    let n = match text.strip_prefix("0x") {
        Some(hex) => BigInt::parse_bytes(hex.as_bytes(), 16),
        None => BigInt::parse_bytes(text.as_bytes(), 10),
    }
    .ok_or_else(|| anyhow!("{what}: {text:?} is not an integer"))?;
    let (sign, bytes) = n.to_bytes_be();
    if sign == Sign::Minus || bytes.len() > 32 {
        bail!("{what}: {text} does not fit in 256 bits");
    }
    let mut out = [0u8; 32];
    out[32 - bytes.len()..].copy_from_slice(&bytes);
    Ok(out)
}

fn array<'a>(v: &'a Value, len: usize, what: &str) -> anyhow::Result<&'a [Value]> {
    match v.as_array() {
        Some(a) if a.len() >= len => Ok(a),
        _ => bail!("{what}: expected an array of {len} items, got {v}"),
    }
}

/// `[x, y, z]` (z = 1, or 0 for the point at infinity) → 64 bytes.
fn g1(v: &Value, what: &str) -> anyhow::Result<Vec<u8>> {
    let a = array(v, 2, what)?;
    if a.len() > 2 && uint256(&a[2], what)? == [0; 32] {
        return Ok(vec![0; 64]);
    }
    Ok([uint256(&a[0], what)?, uint256(&a[1], what)?].concat())
}

/// `[[x0, x1], [y0, y1], [z0, z1]]` → 128 bytes: x1 ‖ x0 ‖ y1 ‖ y0.
fn g2(v: &Value, what: &str) -> anyhow::Result<Vec<u8>> {
    let a = array(v, 2, what)?;
    if a.len() > 2 && array(&a[2], 2, what)?.iter().all(|c| uint256(c, what).is_ok_and(|b| b == [0; 32])) {
        return Ok(vec![0; 128]);
    }
    let (x, y) = (array(&a[0], 2, what)?, array(&a[1], 2, what)?);
    Ok([uint256(&x[1], what)?, uint256(&x[0], what)?, uint256(&y[1], what)?, uint256(&y[0], what)?].concat())
}

fn check_groth16_bn254(v: &Value, what: &str) -> anyhow::Result<()> {
    for (key, want) in [("protocol", "groth16"), ("curve", "bn128")] {
        if let Some(got) = v.get(key).and_then(Value::as_str) {
            if got != want {
                bail!("{what}: {key} is {got:?}; only {want} (BN254) is supported");
            }
        }
    }
    Ok(())
}

/// A snarkjs `verification_key.json` as the bytes `CreateDeal` takes.
pub fn snarkjs_verifying_key(v: &Value) -> anyhow::Result<Vec<u8>> {
    check_groth16_bn254(v, "verification key")?;
    let field = |k: &str| v.get(k).ok_or_else(|| anyhow!("verification key: no {k}"));
    let mut out = g1(field("vk_alpha_1")?, "vk_alpha_1")?;
    for k in ["vk_beta_2", "vk_gamma_2", "vk_delta_2"] {
        out.extend(g2(field(k)?, k)?);
    }
    let ic = field("IC")?.as_array().ok_or_else(|| anyhow!("verification key: IC is not a list"))?;
    for (i, p) in ic.iter().enumerate() {
        out.extend(g1(p, &format!("IC[{i}]"))?);
    }
    Ok(out)
}

/// A snarkjs `proof.json` as the bytes `SubmitResult` takes.
pub fn snarkjs_proof(v: &Value) -> anyhow::Result<Vec<u8>> {
    check_groth16_bn254(v, "proof")?;
    let field = |k: &str| v.get(k).ok_or_else(|| anyhow!("proof: no {k}"));
    Ok([g1(field("pi_a")?, "pi_a")?, g2(field("pi_b")?, "pi_b")?, g1(field("pi_c")?, "pi_c")?].concat())
}

/// Public inputs as 32-byte scalars: snarkjs's `public.json`, or any JSON list of decimal or
/// 0x-hex numbers (gnark's witness as a Solidity call takes it).
pub fn public_inputs(v: &Value) -> anyhow::Result<Vec<[u8; 32]>> {
    let a = v.as_array().ok_or_else(|| anyhow!("public inputs: expected a list, got {v}"))?;
    a.iter().enumerate().map(|(i, s)| uint256(&num_text(s), &format!("public input {i}"))).collect()
}

/// BN254's base field modulus.
const P: &str = "21888242871839275222246405745257275088696311257099408963594470583336566267903";

fn negate_fp(y: [u8; 32]) -> [u8; 32] {
    let p = BigInt::parse_bytes(P.as_bytes(), 10).expect("the modulus");
    let y = BigInt::from_bytes_be(Sign::Plus, &y);
    let neg = if y == BigInt::from(0) { y } else { p - y };
    let (_, bytes) = neg.to_bytes_be();
    let mut out = [0u8; 32];
    out[32 - bytes.len()..].copy_from_slice(&bytes);
    out
}

/// The `uint256 constant NAME = VALUE;` lines of a Solidity file.
fn solidity_constants(sol: &str) -> std::collections::BTreeMap<String, Value> {
    sol.lines()
        .filter_map(|l| l.trim().strip_prefix("uint256 constant "))
        .filter_map(|l| l.strip_suffix(';').and_then(|l| l.split_once('=')))
        .map(|(name, value)| (name.trim().to_string(), Value::String(value.trim().to_string())))
        .collect()
}

/// A gnark-exported Solidity verifier as the bytes `CreateDeal` takes.
pub fn gnark_verifying_key(sol: &str) -> anyhow::Result<Vec<u8>> {
    let c = solidity_constants(sol);
    if c.keys().any(|k| k.starts_with("PEDERSEN")) {
        bail!("gnark verifier: circuits with commitments (PEDERSEN_*) are not supported");
    }
    let get = |k: &str| -> anyhow::Result<[u8; 32]> {
        uint256(c.get(k).ok_or_else(|| anyhow!("gnark verifier: no constant {k}"))?, k)
    };
    let mut out = [get("ALPHA_X")?, get("ALPHA_Y")?].concat();
    // The exporter negates beta, gamma and delta (-(x, y) = (x, -y)); EIP-197 order: imaginary first.
    for g in ["BETA", "GAMMA", "DELTA"] {
        let part = |s: &str| get(&format!("{g}_NEG_{s}"));
        out.extend([part("X_1")?, part("X_0")?, negate_fp(part("Y_1")?), negate_fp(part("Y_0")?)].concat());
    }
    out.extend([get("CONSTANT_X")?, get("CONSTANT_Y")?].concat());
    for i in 0.. {
        let (x, y) = (format!("PUB_{i}_X"), format!("PUB_{i}_Y"));
        if !c.contains_key(&x) {
            break;
        }
        out.extend([get(&x)?, get(&y)?].concat());
    }
    Ok(out)
}

/// A gnark proof (`MarshalSolidity`): hex (with or without 0x) of its 256 bytes, or a JSON list
/// of its eight numbers.
pub fn gnark_proof(text: &str) -> anyhow::Result<Vec<u8>> {
    let text = text.trim();
    if text.starts_with('[') {
        let v: Value = serde_json::from_str(text).context("gnark proof: not a JSON list")?;
        let items = array(&v, 8, "gnark proof")?;
        return items
            .iter()
            .take(8)
            .enumerate()
            .map(|(i, n)| uint256(&num_text(n), &format!("gnark proof[{i}]")))
            .collect::<anyhow::Result<Vec<_>>>()
            .map(|v| v.concat());
    }
    let bytes = hex::decode(text.trim_start_matches("0x")).context("gnark proof: not hex")?;
    if bytes.len() != 256 {
        bail!("gnark proof: {} bytes; a proof without commitments is 256", bytes.len());
    }
    Ok(bytes)
}

/// A JSON number or string as a string (gnark tools write both).
fn num_text(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        other => other.clone(),
    }
}

/// A verifying key file of either tool: a gnark Solidity export, or snarkjs JSON.
pub fn read_verifying_key(text: &str) -> anyhow::Result<Vec<u8>> {
    if text.contains("uint256 constant") {
        return gnark_verifying_key(text);
    }
    snarkjs_verifying_key(&serde_json::from_str(text).context("verifying key: neither JSON nor a Solidity verifier")?)
}

/// A proof file of either tool: snarkjs JSON (an object), or gnark's (hex, or a list of eight).
pub fn read_proof(text: &str) -> anyhow::Result<Vec<u8>> {
    if text.trim_start().starts_with('{') {
        return snarkjs_proof(&serde_json::from_str(text).context("proof: not JSON")?);
    }
    gnark_proof(text)
}

/// A public-inputs file: a JSON list of numbers.
pub fn read_public_inputs(text: &str) -> anyhow::Result<Vec<[u8; 32]>> {
    public_inputs(&serde_json::from_str(text).context("public inputs: not JSON")?)
}

/// Verifies with the same verifier the syscall runs.
pub fn verify(vk: &[u8], proof: &[u8], inputs: &[[u8; 32]]) -> anyhow::Result<bool> {
    check_input_count(vk, inputs.len())?;
    cloudless_kernel::groth16::verify(vk, proof, &inputs.concat())
        .map_err(|e| anyhow!("malformed: {}", e.0))
        .context("verifying")
}

/// Refuses `count` public inputs for a key that takes another number (a key of no valid length
/// is left to the verifier's own message).
pub fn check_input_count(vk: &[u8], count: usize) -> anyhow::Result<()> {
    match key_inputs(vk) {
        Some(n) if n != count => bail!("the verifying key takes {n} public inputs, got {count}"),
        _ => Ok(()),
    }
}

/// How many public inputs a verifying key of this length takes (none when no key is this long).
fn key_inputs(vk: &[u8]) -> Option<usize> {
    use cloudless_syscalls::abi::{groth16_vk_len, G1_LEN};
    let n = vk.len().checked_sub(groth16_vk_len(0))? / G1_LEN;
    (groth16_vk_len(n) == vk.len()).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_says_how_many_inputs_it_takes() {
        use cloudless_syscalls::abi::groth16_vk_len;
        for n in [0, 1, 2, 64] {
            assert_eq!(key_inputs(&vec![0; groth16_vk_len(n)]), Some(n));
        }
        assert_eq!(key_inputs(&vec![0; groth16_vk_len(1) + 1]), None);
        assert_eq!(key_inputs(&[0; 10]), None);
        let err = verify(&vec![0; groth16_vk_len(1)], &[0; 256], &[[0; 32], [0; 32]]).unwrap_err();
        assert_eq!(err.to_string(), "the verifying key takes 1 public inputs, got 2");
    }

    fn fixture(name: &str) -> Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/snarkjs").join(name);
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn a_snarkjs_proof_verifies_and_a_changed_one_does_not() {
        let vk = snarkjs_verifying_key(&fixture("verification_key.json")).unwrap();
        let proof = snarkjs_proof(&fixture("proof.json")).unwrap();
        let mut inputs = public_inputs(&fixture("public.json")).unwrap();
        assert_eq!((vk.len(), proof.len(), inputs.len()), (64 + 3 * 128 + 9 * 64, 256, 8));
        assert!(verify(&vk, &proof, &inputs).unwrap());
        inputs[1][31] = 3; // period 3 instead of 2
        assert!(!verify(&vk, &proof, &inputs).unwrap());
        let mut plonk = fixture("proof.json");
        plonk["protocol"] = "plonk".into();
        assert!(snarkjs_proof(&plonk).unwrap_err().to_string().contains("groth16"));
        assert!(public_inputs(&serde_json::json!(["-1"])).is_err());
        assert!(public_inputs(&serde_json::json!([format!("1{}", "0".repeat(80))])).is_err());
    }

    /// A verifier file in gnark's export format, written here from an arkworks key (the
    /// exporter's constants: beta, gamma and delta negated), reads back to the same key.
    #[test]
    fn a_gnark_export_reads_back_to_the_key() {
        use cloudless_kernel::groth16::testing::BoundProver;
        let prover = BoundProver::new(3);
        let vk = &prover.vk;
        let word = |at: usize| BigInt::from_bytes_be(Sign::Plus, &vk[at..at + 32]).to_string();
        let neg = |at: usize| {
            let y: [u8; 32] = vk[at..at + 32].try_into().unwrap();
            BigInt::from_bytes_be(Sign::Plus, &negate_fp(y)).to_string()
        };
        let mut sol = format!(
            "contract Verifier {{\n    uint256 constant ALPHA_X = {};\n    uint256 constant ALPHA_Y = {};\n",
            word(0),
            word(32)
        );
        for (i, g) in ["BETA", "GAMMA", "DELTA"].iter().enumerate() {
            let at = 64 + 128 * i; // x1 x0 y1 y0
            sol += &format!(
                "    uint256 constant {g}_NEG_X_0 = {};\n    uint256 constant {g}_NEG_X_1 = {};\n    uint256 constant {g}_NEG_Y_0 = {};\n    uint256 constant {g}_NEG_Y_1 = {};\n",
                word(at + 32), word(at), neg(at + 96), neg(at + 64)
            );
        }
        let ic = 64 + 3 * 128;
        sol += &format!(
            "    uint256 constant CONSTANT_X = {};\n    uint256 constant CONSTANT_Y = {};\n",
            word(ic),
            word(ic + 32)
        );
        for i in 0..4 {
            let at = ic + 64 * (i + 1);
            sol += &format!(
                "    uint256 constant PUB_{i}_X = {};\n    uint256 constant PUB_{i}_Y = {};\n",
                word(at),
                word(at + 32)
            );
        }
        assert_eq!(&gnark_verifying_key(&sol).unwrap(), vk);
        let (proof, inputs) = prover.prove(&[[0; 32], [1; 32], [2; 32]], 3);
        let as_hex = hex::encode(&proof);
        assert_eq!(gnark_proof(&format!("0x{as_hex}")).unwrap(), proof);
        let words: Vec<String> = proof.chunks(32).map(|c| BigInt::from_bytes_be(Sign::Plus, c).to_string()).collect();
        assert_eq!(gnark_proof(&serde_json::to_string(&words).unwrap()).unwrap(), proof);
        assert!(verify(&gnark_verifying_key(&sol).unwrap(), &proof, &inputs).unwrap());
        assert!(gnark_verifying_key(&(sol + "uint256 constant PEDERSEN_G_X_0 = 1;")).is_err());
    }
}
