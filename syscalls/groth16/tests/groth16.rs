//! Groth16 on BN254: a small circuit proved here with arkworks, then verified through the
//! syscall's decoder with the docs/protocol.md §1 encoding; tampering, malformed encodings and random bytes.

use ark_bn254::{Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInteger, Field, PrimeField};
use cloudless_groth16::testing::{fixture, Fixture};
use cloudless_groth16::{encode_scalar, parse_g1, parse_g2, verify};
use proptest::prelude::*;

#[test]
fn valid_proof_verifies_and_tampering_fails() {
    let f = fixture();
    assert_eq!(verify(&f.vk, &f.proof, &f.inputs), Ok(true));

    // Wrong public input: well-formed, invalid.
    let wrong = encode_scalar(&Fr::from(36u64));
    assert_eq!(verify(&f.vk, &f.proof, &wrong), Ok(false));

    // A proof whose A is another valid point: well-formed, invalid.
    let mut tampered = f.proof.clone();
    let other = (G1Affine::generator() * Fr::from(2u64)).into_affine();
    tampered[..64].copy_from_slice(&cloudless_groth16::encode_g1(&other));
    assert_eq!(verify(&f.vk, &tampered, &f.inputs), Ok(false));
}

#[test]
fn malformed_inputs_are_errors() {
    let f = fixture();
    // Wrong number of inputs for the key.
    let two = [f.inputs.clone(), f.inputs.clone()].concat();
    assert!(verify(&f.vk, &f.proof, &two).unwrap_err().0.contains("verifying key for 2"));
    assert!(verify(&f.vk, &f.proof, &[]).is_err());
    // Truncated buffers.
    assert!(verify(&f.vk[..f.vk.len() - 1], &f.proof, &f.inputs).is_err());
    assert!(verify(&f.vk, &f.proof[..255], &f.inputs).is_err());
    assert!(verify(&f.vk, &f.proof, &f.inputs[..31]).is_err());
    // Off-curve G1 point: (1, 1).
    let mut off = f.proof.clone();
    off[..64].fill(0);
    off[31] = 1;
    off[63] = 1;
    assert!(verify(&f.vk, &off, &f.inputs).unwrap_err().0.contains("not on the BN254 G1 curve"));
    // Non-canonical field element: x = p (the modulus) is not below p.
    let p = ark_bn254::Fq::MODULUS.to_bytes_be();
    let mut non_canonical = f.proof.clone();
    non_canonical[..32].copy_from_slice(&p);
    assert!(verify(&f.vk, &non_canonical, &f.inputs).unwrap_err().0.contains("field modulus"));
    // Non-canonical scalar: r itself.
    let r = Fr::MODULUS.to_bytes_be();
    assert!(verify(&f.vk, &f.proof, &r).unwrap_err().0.contains("group order"));
}

#[test]
fn g2_points_outside_the_subgroup_are_rejected() {
    // Search for a point on the twist that is not in the r-torsion subgroup.
    let mut x = ark_bn254::Fq2::from(1u64);
    let point = loop {
        if let Some(p) = G2Affine::get_point_from_x_unchecked(x, false) {
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                break p;
            }
        }
        x += ark_bn254::Fq2::ONE;
    };
    let bytes = cloudless_groth16::encode_g2(&point);
    assert!(parse_g2(&bytes, "b").unwrap_err().0.contains("subgroup"));
    // The generator and infinity round-trip.
    let g = G2Affine::generator();
    assert_eq!(parse_g2(&cloudless_groth16::encode_g2(&g), "g").unwrap(), g);
}

/// Audit finding (issue 34): the point at infinity used to parse (all-zero bytes), so a key could
/// leave a bound input unconstrained (an identity IC point) and a proof could carry identity
/// points. Both are refused now, and the generators' probe proof is well formed.
#[test]
fn identity_points_are_refused() {
    let msg = parse_g1(&[0; 64], "vk.ic[3]").unwrap_err().0;
    assert!(msg.contains("vk.ic[3]") && msg.contains("infinity"), "{msg}");
    assert!(parse_g2(&[0; 128], "proof.b").unwrap_err().0.contains("infinity"));
    let probe = cloudless_syscalls::abi::GROTH16_PROBE_PROOF;
    assert_eq!(&probe[..64], cloudless_groth16::encode_g1(&G1Affine::generator()).as_slice());
    assert_eq!(&probe[64..192], cloudless_groth16::encode_g2(&G2Affine::generator()).as_slice());
    assert_eq!(&probe[192..], &probe[..64]);
    // A real key with one IC point set to infinity is refused, not verified.
    let f = cloudless_groth16::testing::fixture();
    let mut vk = f.vk.clone();
    let last = vk.len() - 64;
    vk[last..].fill(0);
    let msg = cloudless_groth16::verify(&vk, &f.proof, &f.inputs).unwrap_err().0;
    assert!(msg.contains("infinity"), "{msg}");
    // A proof whose a is infinity is refused.
    let mut proof = f.proof.clone();
    proof[..64].fill(0);
    assert!(cloudless_groth16::verify(&f.vk, &proof, &f.inputs).unwrap_err().0.contains("proof.a"));
    // The probe proof of the generators is well formed and does not verify.
    assert_eq!(cloudless_groth16::verify(&f.vk, &probe, &f.inputs), Ok(false));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Random bytes never panic the verifier: they are an error or `false`.
    #[test]
    fn random_bytes_never_panic(vk in proptest::collection::vec(any::<u8>(), 0..600),
                                proof in proptest::collection::vec(any::<u8>(), 250..260),
                                inputs in proptest::collection::vec(any::<u8>(), 0..70)) {
        let _ = verify(&vk, &proof, &inputs);
    }

    /// A valid key and proof with random public inputs never panic either.
    #[test]
    fn random_inputs_on_a_valid_key(input in proptest::collection::vec(any::<u8>(), 32)) {
        let f = fixture_cached();
        let _ = verify(&f.vk, &f.proof, &input);
    }
}

fn fixture_cached() -> &'static Fixture {
    static F: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    F.get_or_init(fixture)
}
