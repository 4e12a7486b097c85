//! The gateway's state invariant check (read-only; tests and the conformance runner call it after
//! every message). It walks the whole outbox and fill map, so it is never run on chain.

use cloudless_runtime::map::Map;
use cloudless_runtime::Invariants;
use fvm_ipld_blockstore::Blockstore;
use fvm_shared::econ::TokenAmount;

use crate::state::{fill_key, granular, State};
use crate::types::*;

impl State {
    fn check_outbox<BS: Blockstore>(&self, store: &BS, errors: &mut Vec<String>) {
        let (outbox, fills) = match (self.outbox(store), Map::<BS, FillRecord>::load(store, &self.fills, "fills")) {
            (Ok(o), Ok(f)) => (o, f),
            (Err(e), _) | (_, Err(e)) => return errors.push(format!("loading: {}", e.msg())),
        };
        let (mut pending, mut confirmed, mut refunded) =
            (TokenAmount::default(), TokenAmount::default(), TokenAmount::default());
        let (mut expected, mut filled) = (0u64, 0u64);
        let walked = outbox.for_each(|nonce, e| {
            if nonce != expected {
                errors.push(format!("outbox has entry {nonce} where {expected} was expected"));
            }
            expected = nonce + 1;
            if !granular(&e.amount) || !e.amount.is_positive() {
                errors.push(format!("entry {nonce}: amount {} is not a positive whole micro-USDC", e.amount.atto()));
            }
            if e.sender.is_some() == e.deposit_nonce.is_some() {
                errors.push(format!("entry {nonce}: exactly one of sender and deposit nonce must be set"));
            }
            if e.rejected && (e.sender.is_none() || e.filled) {
                errors.push(format!("entry {nonce}: a rejected entry must be an unfilled withdrawal"));
            }
            if e.filled {
                filled += 1;
                if e.fast.is_none() || !fill_accepted(&fills, nonce, &e.payee) {
                    errors.push(format!("entry {nonce}: filled without fast terms or an accepted fill by its payee"));
                }
            } else if e.payee != e.recipient {
                errors.push(format!("entry {nonce}: payee changed without a fill"));
            }
            if e.held && (e.rejected || nonce >= self.settled_before || e.fast.is_none()) {
                errors.push(format!("entry {nonce}: held but rejected, past the settled cursor or not fast"));
            }
            if e.rejected {
                refunded += &e.amount;
            } else if e.is_pending(nonce, self.settled_before) {
                pending += &e.amount;
            } else {
                confirmed += &e.amount;
            }
            Ok(())
        });
        if let Err(e) = walked {
            errors.push(format!("walking the outbox: {e}"));
        }
        if expected != self.next_outbox_nonce || outbox.count() != self.next_outbox_nonce {
            errors.push(format!("outbox holds {} entries, next nonce is {}", outbox.count(), self.next_outbox_nonce));
        }
        let t = &self.totals;
        for (what, total, sum) in [
            ("pending", &t.pending, pending),
            ("confirmed", &t.confirmed, confirmed),
            ("refunded", &t.refunded, refunded),
        ] {
            if total != &sum {
                errors.push(format!("{what} total {} != {} summed over the outbox", total.atto(), sum.atto()));
            }
        }
        let mut accepted = 0u64;
        let walked = fills.for_each(|_, r| accepted += u64::from(r.verdict == FillVerdict::Accepted));
        if let Err(e) = walked {
            errors.push(format!("walking the fills: {}", e.msg()));
        }
        if accepted != filled {
            errors.push(format!("{accepted} accepted fills but {filled} filled entries"));
        }
    }
}

fn fill_accepted<BS: Blockstore>(fills: &Map<BS, FillRecord>, nonce: u64, lp: &fvm_shared::address::Address) -> bool {
    matches!(fills.get(&fill_key(nonce, lp)), Ok(Some(r)) if r.verdict == FillVerdict::Accepted)
}

impl Invariants for State {
    /// Every violation found: the token library's own checks (balances sum to the supply, no
    /// stored zeros, granularity), docs/protocol.md §5's minted = supply + burned and burned = pending +
    /// confirmed + refunded, and the totals recomputed from the outbox entries.
    fn check_state_invariants<BS: Blockstore>(&self, store: &BS, _balance: &TokenAmount) -> Vec<String> {
        let mut errors: Vec<String> = Vec::new();
        let (_, token_errors) = self.token.check_invariants(store, GRANULARITY);
        errors.extend(token_errors.iter().map(|e| format!("token: {e}")));

        let t = &self.totals;
        let supply = &self.token.supply;
        if t.minted != supply + &t.burned {
            errors.push(format!("minted {} != supply {} + burned {}", t.minted.atto(), supply.atto(), t.burned.atto()));
        }
        if t.burned != &t.pending + &t.confirmed + &t.refunded {
            errors.push(format!(
                "burned {} != pending {} + confirmed {} + refunded {}",
                t.burned.atto(),
                t.pending.atto(),
                t.confirmed.atto(),
                t.refunded.atto()
            ));
        }
        if self.settled_before > self.next_outbox_nonce {
            errors.push(format!(
                "settled cursor {} beyond the outbox end {}",
                self.settled_before, self.next_outbox_nonce
            ));
        }
        self.check_outbox(store, &mut errors);
        errors
    }
}
