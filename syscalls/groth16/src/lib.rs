//! Groth16 verification on BN254 with the docs/protocol.md §1 encoding (arkworks). The kernel runs it
//! natively behind `groth16_verify_bn254`; the same code compiled into a Wasm actor shows what
//! the native path saves.
//!
//! Points are big-endian uncompressed affine coordinates as in the Ethereum precompiles
//! (EIP-196/197): G1 = x ‖ y (64 bytes), G2 = x.im ‖ x.re ‖ y.im ‖ y.re (128 bytes). Field
//! elements must be below the base field modulus, points on the curve and (G2) in the
//! prime-order subgroup, and no point may be the point at infinity (all-zero bytes): an identity
//! point in a key leaves a public input unbound or the pairing check trivial, and one in a proof
//! is never produced by an honest prover (audit finding, issue 34). Public inputs are 32-byte
//! big-endian scalars below the group order. Anything else is a [`Malformed`] error; a well-formed proof
//! that does not verify is `Ok(false)`.

use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, BigInteger, PrimeField};
use ark_groth16::{Groth16, PreparedVerifyingKey, Proof, VerifyingKey};
use cloudless_syscalls::abi::{
    groth16_vk_len, G1_LEN, G2_LEN, GROTH16_PROOF_LEN, MAX_GROTH16_PUBLIC_INPUTS, SCALAR_LEN,
};

/// Why an input is not a well-formed verification request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn malformed<T>(msg: impl Into<String>) -> Result<T, Malformed> {
    Err(Malformed(msg.into()))
}

/// A 32-byte big-endian integer as arkworks limbs (little-endian u64s).
fn bigint(bytes: &[u8]) -> BigInt<4> {
    let mut limbs = [0u64; 4];
    for (i, limb) in limbs.iter_mut().enumerate() {
        let end = 32 - 8 * i;
        *limb = u64::from_be_bytes(bytes[end - 8..end].try_into().expect("8 bytes"));
    }
    BigInt::new(limbs)
}

fn field(bytes: &[u8], what: &str) -> Result<Fq, Malformed> {
    Fq::from_bigint(bigint(bytes))
        .ok_or_else(|| Malformed(format!("{what}: coordinate is not below the field modulus")))
}

/// Number of public inputs a buffer of `len` bytes holds, if it is well formed.
pub fn input_count(len: usize) -> Result<usize, Malformed> {
    if !len.is_multiple_of(SCALAR_LEN) {
        return malformed(format!("public inputs must be 32-byte scalars, got {len} bytes"));
    }
    let n = len / SCALAR_LEN;
    if n > MAX_GROTH16_PUBLIC_INPUTS {
        return malformed(format!("{n} public inputs exceed the limit of {MAX_GROTH16_PUBLIC_INPUTS}"));
    }
    Ok(n)
}

pub fn parse_g1(bytes: &[u8], what: &str) -> Result<G1Affine, Malformed> {
    if bytes.len() != G1_LEN {
        return malformed(format!("{what}: a G1 point is {G1_LEN} bytes, got {}", bytes.len()));
    }
    if bytes.iter().all(|b| *b == 0) {
        return malformed(format!("{what}: the point at infinity is refused"));
    }
    let p = G1Affine::new_unchecked(field(&bytes[..32], what)?, field(&bytes[32..], what)?);
    // G1 has cofactor 1: on the curve means in the group.
    if !p.is_on_curve() {
        return malformed(format!("{what}: point is not on the BN254 G1 curve"));
    }
    Ok(p)
}

pub fn parse_g2(bytes: &[u8], what: &str) -> Result<G2Affine, Malformed> {
    if bytes.len() != G2_LEN {
        return malformed(format!("{what}: a G2 point is {G2_LEN} bytes, got {}", bytes.len()));
    }
    if bytes.iter().all(|b| *b == 0) {
        return malformed(format!("{what}: the point at infinity is refused"));
    }
    let fq2 = |im: &[u8], re: &[u8]| -> Result<Fq2, Malformed> { Ok(Fq2::new(field(re, what)?, field(im, what)?)) };
    let p = G2Affine::new_unchecked(fq2(&bytes[..32], &bytes[32..64])?, fq2(&bytes[64..96], &bytes[96..])?);
    if !p.is_on_curve() {
        return malformed(format!("{what}: point is not on the BN254 G2 curve"));
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return malformed(format!("{what}: point is not in the BN254 G2 subgroup"));
    }
    Ok(p)
}

pub fn parse_scalar(bytes: &[u8], what: &str) -> Result<Fr, Malformed> {
    Fr::from_bigint(bigint(bytes)).ok_or_else(|| Malformed(format!("{what}: scalar is not below the group order")))
}

/// A decoded verification request: key, proof, public inputs.
pub type Request = (VerifyingKey<Bn254>, Proof<Bn254>, Vec<Fr>);

/// Decodes and checks a full request.
pub fn parse(vk: &[u8], proof: &[u8], inputs: &[u8]) -> Result<Request, Malformed> {
    let n = input_count(inputs.len())?;
    if vk.len() != groth16_vk_len(n) {
        return malformed(format!(
            "a verifying key for {n} public inputs is {} bytes, got {}",
            groth16_vk_len(n),
            vk.len()
        ));
    }
    if proof.len() != GROTH16_PROOF_LEN {
        return malformed(format!("a proof is {GROTH16_PROOF_LEN} bytes, got {}", proof.len()));
    }
    let g2 = |i: usize, what| parse_g2(&vk[G1_LEN + i * G2_LEN..G1_LEN + (i + 1) * G2_LEN], what);
    let ic_start = G1_LEN + 3 * G2_LEN;
    let key = VerifyingKey {
        alpha_g1: parse_g1(&vk[..G1_LEN], "vk.alpha")?,
        beta_g2: g2(0, "vk.beta")?,
        gamma_g2: g2(1, "vk.gamma")?,
        delta_g2: g2(2, "vk.delta")?,
        gamma_abc_g1: vk[ic_start..]
            .chunks_exact(G1_LEN)
            .enumerate()
            .map(|(i, c)| parse_g1(c, &format!("vk.ic[{i}]")))
            .collect::<Result<_, _>>()?,
    };
    let parsed = Proof {
        a: parse_g1(&proof[..G1_LEN], "proof.a")?,
        b: parse_g2(&proof[G1_LEN..G1_LEN + G2_LEN], "proof.b")?,
        c: parse_g1(&proof[G1_LEN + G2_LEN..], "proof.c")?,
    };
    let scalars = inputs
        .chunks_exact(SCALAR_LEN)
        .enumerate()
        .map(|(i, c)| parse_scalar(c, &format!("input[{i}]")))
        .collect::<Result<_, _>>()?;
    Ok((key, parsed, scalars))
}

/// Verifies; `Err` only for malformed input.
pub fn verify(vk: &[u8], proof: &[u8], inputs: &[u8]) -> Result<bool, Malformed> {
    let (key, proof, inputs) = parse(vk, proof, inputs)?;
    let pvk: PreparedVerifyingKey<Bn254> = ark_groth16::prepare_verifying_key(&key);
    Groth16::<Bn254>::verify_proof(&pvk, &proof, &inputs).or_else(|e| malformed(format!("verification: {e}")))
}

fn put_field(out: &mut Vec<u8>, f: &Fq) {
    out.extend_from_slice(&f.into_bigint().to_bytes_be());
}

/// Encodes a G1 point (for provers, tools and tests).
pub fn encode_g1(p: &G1Affine) -> Vec<u8> {
    let mut out = Vec::with_capacity(G1_LEN);
    match p.xy() {
        None => out.resize(G1_LEN, 0),
        Some((x, y)) => {
            put_field(&mut out, &x);
            put_field(&mut out, &y);
        }
    }
    out
}

/// Encodes a G2 point in the Ethereum order (imaginary part first).
pub fn encode_g2(p: &G2Affine) -> Vec<u8> {
    let mut out = Vec::with_capacity(G2_LEN);
    match p.xy() {
        None => out.resize(G2_LEN, 0),
        Some((x, y)) => {
            for c in [x.c1, x.c0, y.c1, y.c0] {
                put_field(&mut out, &c);
            }
        }
    }
    out
}

pub fn encode_vk(vk: &VerifyingKey<Bn254>) -> Vec<u8> {
    let mut out = encode_g1(&vk.alpha_g1);
    for g in [&vk.beta_g2, &vk.gamma_g2, &vk.delta_g2] {
        out.extend(encode_g2(g));
    }
    for ic in &vk.gamma_abc_g1 {
        out.extend(encode_g1(ic));
    }
    out
}

pub fn encode_proof(proof: &Proof<Bn254>) -> Vec<u8> {
    [encode_g1(&proof.a), encode_g2(&proof.b), encode_g1(&proof.c)].concat()
}

pub fn encode_scalar(s: &Fr) -> [u8; 32] {
    s.into_bigint().to_bytes_be().try_into().expect("32 bytes")
}

/// A small circuit proved with arkworks, for tests and benchmarks.
#[cfg(feature = "testing")]
pub mod testing {
    use ark_bn254::{Bn254, Fr};
    use ark_ff::Field;
    use ark_groth16::Groth16;
    use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
    use ark_relations::lc;
    use ark_snark::SNARK;
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    use super::{encode_proof, encode_scalar, encode_vk};

    /// Knows x such that x^3 + x + 5 = out (public).
    #[derive(Clone)]
    pub struct Cube {
        x: Option<Fr>,
        out: Option<Fr>,
    }

    impl ConstraintSynthesizer<Fr> for Cube {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
            let x_val = self.x;
            let x = cs.new_witness_variable(|| x_val.ok_or(SynthesisError::AssignmentMissing))?;
            let x2_val = x_val.map(|v| v.square());
            let x2 = cs.new_witness_variable(|| x2_val.ok_or(SynthesisError::AssignmentMissing))?;
            let x3_val = x2_val.zip(x_val).map(|(a, b)| a * b);
            let x3 = cs.new_witness_variable(|| x3_val.ok_or(SynthesisError::AssignmentMissing))?;
            let out = cs.new_input_variable(|| self.out.ok_or(SynthesisError::AssignmentMissing))?;
            cs.enforce_r1cs_constraint(|| lc!() + x, || lc!() + x, || lc!() + x2)?;
            cs.enforce_r1cs_constraint(|| lc!() + x2, || lc!() + x, || lc!() + x3)?;
            let five = Fr::from(5u64);
            cs.enforce_r1cs_constraint(
                || lc!() + x3 + x + (five, ark_relations::gr1cs::Variable::One),
                || lc!() + ark_relations::gr1cs::Variable::One,
                || lc!() + out,
            )?;
            Ok(())
        }
    }

    /// Knows x with x^3 + x + 5 = out for public inputs [bound…, out]. Each bound input is
    /// constrained (b · b = b²) so the key commits to it: a proof made for some bound values
    /// does not verify for others (an input in no constraint would be free).
    #[derive(Clone)]
    pub struct Bound {
        bound: Vec<Option<Fr>>,
        x: Option<Fr>,
        out: Option<Fr>,
    }

    impl ConstraintSynthesizer<Fr> for Bound {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
            for b in &self.bound {
                let v = cs.new_input_variable(|| b.ok_or(SynthesisError::AssignmentMissing))?;
                let sq = cs.new_witness_variable(|| b.map(|b| b.square()).ok_or(SynthesisError::AssignmentMissing))?;
                cs.enforce_r1cs_constraint(|| lc!() + v, || lc!() + v, || lc!() + sq)?;
            }
            Cube { x: self.x, out: self.out }.generate_constraints(cs)
        }
    }

    /// A proving key for [`Bound`] with a given number of bound inputs, and its encoded
    /// verifying key (deterministic: seeded setup).
    pub struct BoundProver {
        pk: ark_groth16::ProvingKey<Bn254>,
        bound: usize,
        pub vk: Vec<u8>,
    }

    impl BoundProver {
        pub fn new(bound: usize) -> Self {
            let mut rng = StdRng::seed_from_u64(11);
            let setup = Bound { bound: vec![None; bound], x: None, out: None };
            let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(setup, &mut rng).unwrap();
            Self { pk, bound, vk: encode_vk(&vk) }
        }

        /// A proof for `bound` (32-byte big-endian scalars below the field order) and x; returns
        /// the proof and every public input ([bound…, x^3 + x + 5]).
        pub fn prove(&self, bound: &[[u8; 32]], x: u64) -> (Vec<u8>, Vec<[u8; 32]>) {
            use ark_ff::PrimeField;
            assert_eq!(bound.len(), self.bound, "bound input count");
            let values: Vec<Fr> = bound.iter().map(|b| Fr::from_be_bytes_mod_order(b)).collect();
            let x = Fr::from(x);
            let out = x * x * x + x + Fr::from(5u64);
            let circuit = Bound { bound: values.iter().map(|v| Some(*v)).collect(), x: Some(x), out: Some(out) };
            let mut rng = StdRng::seed_from_u64(13);
            let proof = Groth16::<Bn254>::prove(&self.pk, circuit, &mut rng).unwrap();
            let mut inputs: Vec<[u8; 32]> = values.iter().map(encode_scalar).collect();
            inputs.push(encode_scalar(&out));
            (encode_proof(&proof), inputs)
        }
    }

    /// An encoded key, a valid proof and its public input.
    pub struct Fixture {
        pub vk: Vec<u8>,
        pub proof: Vec<u8>,
        pub inputs: Vec<u8>,
    }

    /// Sets up the circuit and proves x = 3 (out = 35), deterministically (seeded RNG).
    pub fn fixture() -> Fixture {
        let mut rng = StdRng::seed_from_u64(7);
        let setup = Cube { x: None, out: None };
        let (pk, vk) = Groth16::<Bn254>::circuit_specific_setup(setup, &mut rng).unwrap();
        let x = Fr::from(3u64);
        let out = x * x * x + x + Fr::from(5u64); // 35
        let proof = Groth16::<Bn254>::prove(&pk, Cube { x: Some(x), out: Some(out) }, &mut rng).unwrap();
        Fixture { vk: encode_vk(&vk), proof: encode_proof(&proof), inputs: encode_scalar(&out).to_vec() }
    }
}
