//! Serde for 18-decimal fixed-point amounts (FLT in atto, prices in USD x 10^18).
//!
//! On chain (CBOR, not human-readable) an amount is exactly `TokenAmount`'s own encoding, a
//! big-integer byte string. In JSON (human-readable: the CLI, `state` output) it is decimal
//! text in whole units, e.g. `"0.52"`, so deployers never count eighteen zeros by hand.
//!
//! Use as `#[serde(with = "cloudless_runtime::amount")]` on a `TokenAmount` field.

use fvm_shared::bigint::{BigInt, Sign};
use fvm_shared::econ::TokenAmount;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Decimal places of every amount.
pub const DECIMALS: usize = 18;

pub fn serialize<S: Serializer>(amount: &TokenAmount, s: S) -> Result<S::Ok, S::Error> {
    if crate::TEXT_FORMS && s.is_human_readable() {
        s.serialize_str(&format_decimal(amount))
    } else {
        amount.serialize(s)
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TokenAmount, D::Error> {
    if crate::TEXT_FORMS && d.is_human_readable() {
        let text = String::deserialize(d)?;
        parse_decimal(&text).map_err(de::Error::custom)
    } else {
        TokenAmount::deserialize(d)
    }
}

/// `1500000000000000000` atto → `"1.5"`; whole numbers print without a point.
pub fn format_decimal(amount: &TokenAmount) -> String {
    let atto = amount.atto();
    let (sign, digits) = (atto.sign(), atto.magnitude().to_string());
    let padded = format!("{digits:0>width$}", width = DECIMALS + 1);
    let (whole, frac) = padded.split_at(padded.len() - DECIMALS);
    let frac = frac.trim_end_matches('0');
    let minus = if sign == Sign::Minus { "-" } else { "" };
    if frac.is_empty() {
        format!("{minus}{whole}")
    } else {
        format!("{minus}{whole}.{frac}")
    }
}

/// Parses `"1.5"`, `"-2"`, `"0.000000000000000001"`; more than 18 decimals is an error.
pub fn parse_decimal(text: &str) -> Result<TokenAmount, String> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(frac) || body.ends_with('.') {
        return Err(format!("{text:?} is not a decimal amount (expected e.g. \"1.25\")"));
    }
    if frac.len() > DECIMALS {
        return Err(format!("{text:?} has more than {DECIMALS} decimal places"));
    }
    let digits = format!("{whole}{frac:0<DECIMALS$}");
    let magnitude: BigInt = digits.parse().map_err(|e| format!("{text:?}: {e}"))?;
    Ok(TokenAmount::from_atto(if negative { -magnitude } else { magnitude }))
}

/// The same for an optional amount (`null` in JSON).
pub mod option {
    use super::*;

    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    struct Wrapped(#[serde(with = "super")] TokenAmount);

    pub fn serialize<S: Serializer>(amount: &Option<TokenAmount>, s: S) -> Result<S::Ok, S::Error> {
        amount.as_ref().map(|a| Wrapped(a.clone())).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<TokenAmount>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_decimal_text() {
        for (text, atto) in [
            ("1.5", 1_500_000_000_000_000_000i128),
            ("0", 0),
            ("0.000000000000000001", 1),
            ("-2", -2_000_000_000_000_000_000),
            ("123", 123_000_000_000_000_000_000),
        ] {
            let amount = parse_decimal(text).unwrap();
            assert_eq!(amount, TokenAmount::from_atto(atto), "{text}");
            assert_eq!(format_decimal(&amount), text);
        }
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in ["", ".5", "1.", "1e3", "abc", "1.0000000000000000001", "--1", "1.2.3"] {
            assert!(parse_decimal(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
