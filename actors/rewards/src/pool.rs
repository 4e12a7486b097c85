//! The per-period reward pool rule (docs/protocol.md §3), pure integer arithmetic.
//!
//! `pool(p)` is fixed at period p's first touch from the previous period's pool and its
//! successful unit-periods: when `pool(p-1) × price / units(p-1)` (USD per unit) is above
//! `usd_target_revenue_per_unit_period` the pool shrinks 10%, otherwise it grows 10% (equal
//! grows). Without a fresh price, or with no successful unit in p-1 (no revenue per unit to
//! measure), it is unchanged. The result is clamped to [min_pool, max_pool], so bounds changed by
//! `SetPoolConfig` take hold at the next first touch.
//!
//! Periods nobody touched had no proofs (every report touches), so after an idle gap the rule
//! applies once, from the last touched period, then "unchanged" for the idle ones: constant work.

use fvm_shared::bigint::BigInt;
use fvm_shared::econ::TokenAmount;

use crate::types::PoolConfig;

/// 10^18: prices and targets are USD × 10^18, pools are atto-FLT (FLT × 10^18).
const ONE: u64 = 1_000_000_000_000_000_000;

/// The next period's pool. `price` is FLT/USD × 10^18 (non-positive counts as no price).
pub fn next_pool(prev: &TokenAmount, units: u64, price: Option<&TokenAmount>, c: &PoolConfig) -> TokenAmount {
    let adjusted = match price {
        Some(price) if units > 0 && price.is_positive() => {
            // pool × price / 10^18 / units > target  ⇔  pool × price > target × units × 10^18
            let revenue = prev.atto() * price.atto();
            let target = c.usd_target_revenue_per_unit_period.atto() * BigInt::from(units) * BigInt::from(ONE);
            if revenue > target {
                TokenAmount::from_atto(prev.atto() * 9u32 / 10u32)
            } else {
                TokenAmount::from_atto(prev.atto() * 11u32 / 10u32)
            }
        }
        _ => prev.clone(),
    };
    clamp(adjusted, c)
}

pub fn clamp(pool: TokenAmount, c: &PoolConfig) -> TokenAmount {
    if pool < c.min_pool {
        c.min_pool.clone()
    } else if pool > c.max_pool {
        c.max_pool.clone()
    } else {
        pool
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flt(n: u64) -> TokenAmount {
        TokenAmount::from_whole(n)
    }

    fn config() -> PoolConfig {
        PoolConfig { min_pool: flt(100), max_pool: flt(1000), usd_target_revenue_per_unit_period: flt(1) }
    }

    #[test]
    fn shrinks_above_target_grows_at_or_below_and_clamps() {
        let c = config();
        // 500 FLT × 0.5 USD / 100 units = 2.5 USD per unit > 1: shrink.
        let half = TokenAmount::from_atto(ONE / 2);
        assert_eq!(next_pool(&flt(500), 100, Some(&half), &c), flt(450));
        // … / 250 units = exactly 1 USD: grow.
        assert_eq!(next_pool(&flt(500), 250, Some(&half), &c), flt(550));
        assert_eq!(next_pool(&flt(950), 10_000, Some(&half), &c), flt(1000));
        assert_eq!(next_pool(&flt(105), 1, Some(&half), &c), flt(100));
        // No price, zero price, no units: unchanged (but clamped).
        assert_eq!(next_pool(&flt(500), 100, None, &c), flt(500));
        assert_eq!(next_pool(&flt(500), 100, Some(&TokenAmount::default()), &c), flt(500));
        assert_eq!(next_pool(&flt(500), 0, Some(&half), &c), flt(500));
        assert_eq!(next_pool(&flt(2000), 0, None, &c), flt(1000));
    }

    #[test]
    fn rounds_down() {
        let c = PoolConfig { min_pool: TokenAmount::default(), max_pool: flt(10), ..config() };
        let tiny = TokenAmount::from_atto(19);
        assert_eq!(next_pool(&tiny, 1, Some(&flt(100_000_000_000_000_000)), &c), TokenAmount::from_atto(17));
        assert_eq!(next_pool(&tiny, 1, Some(&TokenAmount::from_atto(1)), &c), TokenAmount::from_atto(20));
    }
}
