//! Text forms of addresses and CIDs for error messages, small enough for every actor's Wasm.
//!
//! `fvm_shared`'s `Display` for [`Address`] and `cid`'s for [`Cid`] are correct but heavy: they
//! bring a generic base-N encoder, the multibase tables and an unrolled BLAKE2b, about 55 KB of
//! every actor's Wasm (a quarter of the account actor; docs/bundle.md). Actors format addresses
//! and CIDs through [`address`] and [`cid`] instead, which print the same standard text (test
//! `same_text_as_the_reference_implementations`) with a 32-symbol table and a rolled BLAKE2b.
//! Wasm code never uses `{}`/`{:?}` on an `Address` or a `Cid` directly (docs/bundle.md says how
//! to check).

use std::fmt;

use cid::Cid;
use fvm_shared::address::{Address, Payload};

/// `f0…`, `f1…`, `f2…`, `f3…` or `f4<namespace>f…`, as on mainnet (the FVM's default network).
pub fn address(addr: &Address) -> impl fmt::Display + '_ {
    AddressText(addr)
}

/// `b…`: multibase base32 of the CID's bytes, the standard text of a CIDv1 (the only CIDs the FVM
/// writes).
pub fn cid(cid: &Cid) -> impl fmt::Display + '_ {
    CidText(cid)
}

struct AddressText<'a>(&'a Address);

impl fmt::Display for AddressText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let addr = self.0;
        write!(f, "f{}", addr.protocol() as u8)?;
        let payload: &[u8] = match addr.payload() {
            Payload::ID(id) => return write!(f, "{id}"),
            Payload::Secp256k1(data) | Payload::Actor(data) => data,
            Payload::BLS(data) => data,
            Payload::Delegated(d) => {
                write!(f, "{}f", d.namespace())?;
                d.subaddress()
            }
        };
        let mut text = payload.to_vec();
        text.extend_from_slice(&blake2b::<CHECKSUM_LEN>(&addr.to_bytes()));
        f.write_str(&base32(&text))
    }
}

struct CidText<'a>(&'a Cid);

impl fmt::Display for CidText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b{}", base32(&self.0.to_bytes()))
    }
}

/// Bytes of the address checksum (Filecoin address spec).
const CHECKSUM_LEN: usize = 4;

/// RFC 4648 base32, lower case, no padding.
fn base32(bytes: &[u8]) -> String {
    const SYMBOLS: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut acc, mut bits) = (0u16, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u16::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(SYMBOLS[usize::from((acc >> bits) & 31)] as char);
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(SYMBOLS[usize::from((acc << (5 - bits)) & 31)] as char);
    }
    out
}

/// BLAKE2b (RFC 7693) with an `N`-byte digest and no key, rounds in a loop rather than unrolled.
fn blake2b<const N: usize>(data: &[u8]) -> [u8; N] {
    const IV: [u64; 8] = [
        0x6a09e667f3bcc908,
        0xbb67ae8584caa73b,
        0x3c6ef372fe94f82b,
        0xa54ff53a5f1d36f1,
        0x510e527fade682d1,
        0x9b05688c2b3e6c1f,
        0x1f83d9abfb41bd6b,
        0x5be0cd19137e2179,
    ];
    const SIGMA: [[u8; 16]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
        [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
        [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
        [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
        [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
        [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
        [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
        [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
        [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    ];
    // (a, b, c, d) of the eight G applications of a round: four columns, then four diagonals.
    const LANES: [[usize; 4]; 8] = [
        [0, 4, 8, 12],
        [1, 5, 9, 13],
        [2, 6, 10, 14],
        [3, 7, 11, 15],
        [0, 5, 10, 15],
        [1, 6, 11, 12],
        [2, 7, 8, 13],
        [3, 4, 9, 14],
    ];
    const { assert!(N >= 1 && N <= 64) };

    let compress = |h: &mut [u64; 8], block: &[u8; 128], counted: u128, last: bool| {
        let m: [u64; 16] = std::array::from_fn(|i| u64::from_le_bytes(block[8 * i..8 * i + 8].try_into().unwrap()));
        let mut v = [0u64; 16];
        v[..8].copy_from_slice(h);
        v[8..].copy_from_slice(&IV);
        v[12] ^= counted as u64;
        v[13] ^= (counted >> 64) as u64;
        if last {
            v[14] = !v[14];
        }
        for round in 0..12 {
            let s = &SIGMA[round % 10];
            for (i, &[a, b, c, d]) in LANES.iter().enumerate() {
                let (x, y) = (m[usize::from(s[2 * i])], m[usize::from(s[2 * i + 1])]);
                v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
                v[d] = (v[d] ^ v[a]).rotate_right(32);
                v[c] = v[c].wrapping_add(v[d]);
                v[b] = (v[b] ^ v[c]).rotate_right(24);
                v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
                v[d] = (v[d] ^ v[a]).rotate_right(16);
                v[c] = v[c].wrapping_add(v[d]);
                v[b] = (v[b] ^ v[c]).rotate_right(63);
            }
        }
        for i in 0..8 {
            h[i] ^= v[i] ^ v[i + 8];
        }
    };

    let mut h = IV;
    h[0] ^= 0x0101_0000 ^ N as u64;
    let mut counted = 0u128;
    let mut chunks = data.chunks(128).peekable();
    let mut block = [0u8; 128];
    if chunks.peek().is_none() {
        compress(&mut h, &block, 0, true);
    }
    while let Some(chunk) = chunks.next() {
        block = [0u8; 128];
        block[..chunk.len()].copy_from_slice(chunk);
        counted += chunk.len() as u128;
        compress(&mut h, &block, counted, chunks.peek().is_none());
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = h[i / 8].to_le_bytes()[i % 8];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use fvm_shared::address::{Address, SECP_PUB_LEN};
    use multihash_codetable::{Code, MultihashDigest};

    #[test]
    fn same_text_as_the_reference_implementations() {
        let mut seed = 7u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for n in 0..200 {
            let bytes: Vec<u8> = (0..n).map(|_| next() as u8).collect();
            let key: Vec<u8> = (0..SECP_PUB_LEN).map(|_| next() as u8).collect();
            let bls: Vec<u8> = (0..48).map(|_| next() as u8).collect();
            let sub: Vec<u8> = (0..(n % 55)).map(|_| next() as u8).collect();
            let addrs = [
                Address::new_id(next() >> (n % 64)),
                Address::new_secp256k1(&key).unwrap(),
                Address::new_actor(&bytes),
                Address::new_bls(&bls).unwrap(),
                Address::new_delegated(next() >> (n % 64), &sub).unwrap(),
            ];
            for a in addrs {
                assert_eq!(address(&a).to_string(), a.to_string());
            }
            for code in [Code::Blake2b256, Code::Sha2_256] {
                let c = Cid::new_v1(0x71, code.digest(&bytes));
                assert_eq!(cid(&c).to_string(), c.to_string());
            }
            // BLAKE2b itself, at several digest lengths and across block boundaries.
            let long: Vec<u8> = (0..n * 7).map(|_| next() as u8).collect();
            let reference = |len| blake2b_simd::Params::new().hash_length(len).hash(&long).as_bytes().to_vec();
            assert_eq!(blake2b::<4>(&long).to_vec(), reference(4));
            assert_eq!(blake2b::<32>(&long).to_vec(), reference(32));
            assert_eq!(blake2b::<64>(&long).to_vec(), reference(64));
        }
    }
}
