//! Native tests of the bridge transitions; token balances are moved with the library's own
//! `TokenState` operations, as the Wasm glue does through `Token`.

use cloudless_runtime::admin::require_admin;
use cloudless_runtime::events::event_type;
use cloudless_runtime::{ActorResult, Ctx, Effects, Invariants};
use fvm_ipld_blockstore::MemoryBlockstore;
use fvm_ipld_encoding::{to_vec, RawBytes};
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::ActorID;

use crate::state::*;
use crate::types::micro_usdc as usdc;
use crate::types::*;
use frc46_token::token::state::TokenState;

const AUTHORITY: ActorID = 90;
const ALICE: ActorID = 100;
const WINDOW: i64 = 100;

fn parent(n: u8) -> Address {
    Address::new_secp256k1(&[n; 65]).unwrap()
}

struct World {
    store: MemoryBlockstore,
    st: State,
    epoch: i64,
}

impl World {
    fn new() -> Self {
        let store = MemoryBlockstore::default();
        let st = State::new(&store, 1, AUTHORITY, "USD Coin".into(), "USDC".into(), WINDOW).unwrap();
        Self { store, st, epoch: 10 }
    }

    fn ctx(&self, caller: ActorID) -> Ctx {
        cloudless_runtime::mock::ctx(caller, self.epoch)
    }

    fn credit(&mut self, to: ActorID, amount: &TokenAmount) {
        self.st.token.change_balance_by(&self.store, to, amount).unwrap();
        self.st.token.change_supply_by(amount).unwrap();
    }

    fn deposit(&mut self, nonce: u64, to: ActorID, amount: TokenAmount) {
        let p = DepositParams { nonce, parent_sender: parent(1), recipient: Address::new_id(to), amount };
        self.st.begin_deposit(&self.ctx(AUTHORITY), &p).unwrap();
        self.credit(to, &p.amount);
    }

    fn withdraw(&mut self, from: ActorID, amount: TokenAmount, fast: Option<FastTerms>) -> u64 {
        let p = WithdrawParams { parent_recipient: parent(2), amount: amount.clone(), fast };
        let ctx = self.ctx(from);
        let World { store, st, .. } = self;
        let burn = |token: &mut TokenState| {
            token.change_balance_by(&*store, from, &-amount.clone()).unwrap();
            token.change_supply_by(&-amount).unwrap();
            Ok(())
        };
        st.queue_withdrawal(&*store, &ctx, from, &p, burn, &mut Effects::default()).unwrap().0
    }

    fn reject(&mut self, nonce: u64) -> ActorResult<()> {
        let (sender, entry) = self.st.reject(&self.store, &self.ctx(AUTHORITY), nonce, &mut Effects::default())?;
        self.credit(sender, &entry.amount);
        Ok(())
    }

    fn fill(&mut self, nonce: u64, lp: u8) -> ActorResult<FillVerdict> {
        let p = FastFillParams { withdrawal_nonce: nonce, lp: parent(lp) };
        Ok(self.st.fast_fill(&self.store, &self.ctx(AUTHORITY), &p, &mut Effects::default())?.verdict)
    }

    fn confirm(&mut self, up_to: u64) -> ActorResult<ConfirmReturn> {
        self.confirm_holding(up_to, &[])
    }

    fn confirm_holding(&mut self, up_to: u64, held: &[u64]) -> ActorResult<ConfirmReturn> {
        let p = ConfirmParams { up_to_nonce: up_to, held: held.to_vec() };
        self.st.confirm(&self.store, &self.ctx(AUTHORITY), &p, &mut Effects::default())
    }

    fn confirm_held(&mut self, nonce: u64) -> ActorResult<ConfirmReturn> {
        self.st.confirm_held(&self.store, &self.ctx(AUTHORITY), nonce, &mut Effects::default())
    }

    fn assert_invariants(&self) {
        let errors = self.st.check_state_invariants(&self.store, &TokenAmount::default());
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

fn code<T: std::fmt::Debug>(r: ActorResult<T>) -> ExitCode {
    r.expect_err("expected a failure").exit_code()
}

#[test]
fn deposits_apply_in_nonce_order_only() {
    let mut w = World::new();
    w.deposit(0, ALICE, usdc(5));
    let p =
        |nonce, amount| DepositParams { nonce, parent_sender: parent(1), recipient: Address::new_id(ALICE), amount };
    let before = w.st.clone();
    let auth = w.ctx(AUTHORITY);
    assert_eq!(code(w.st.begin_deposit(&auth, &p(0, usdc(5)))), ExitCode::USR_ILLEGAL_ARGUMENT, "replay");
    assert_eq!(code(w.st.begin_deposit(&auth, &p(2, usdc(5)))), ExitCode::USR_ILLEGAL_STATE, "gap");
    assert_eq!(code(w.st.begin_deposit(&w.ctx(ALICE), &p(1, usdc(5)))), ExitCode::USR_FORBIDDEN);
    assert_eq!(code(w.st.begin_deposit(&auth, &p(1, TokenAmount::from_atto(1)))), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(code(w.st.begin_deposit(&auth, &p(1, TokenAmount::default()))), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(w.st, before, "failed deposits changed the state");
    w.deposit(1, ALICE, usdc(7));
    assert_eq!(w.st.next_deposit_nonce, 2);
    w.assert_invariants();
}

#[test]
fn a_bounced_deposit_counts_as_minted_and_burned_into_a_refund() {
    let mut w = World::new();
    let p = DepositParams { nonce: 0, parent_sender: parent(1), recipient: Address::new_id(ALICE), amount: usdc(3) };
    w.st.begin_deposit(&w.ctx(AUTHORITY), &p).unwrap();
    let mut fx = Effects::default();
    let refund = w.st.bounce_deposit(&w.store, &w.ctx(AUTHORITY), &p, &mut fx).unwrap();
    assert_eq!(refund, 0);
    let types: Vec<_> = fx.events().iter().map(|e| event_type(&e.clone().build()).unwrap()).collect();
    assert_eq!(types, ["outbox-entry", "deposit-bounced"]);
    let view = w.st.entry_view(&w.store, 0, w.epoch).unwrap();
    assert_eq!((view.entry.payee, view.entry.deposit_nonce, view.payee_final), (parent(1), Some(0), true));
    assert_eq!(w.st.totals.minted, usdc(3));
    assert_eq!(w.st.totals.pending, usdc(3));
    w.assert_invariants();
    // Nobody on the subnet to give it back to: a refund can only be confirmed.
    assert_eq!(code(w.reject(0)), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(w.fill(0, 9).unwrap(), FillVerdict::NotFast);
    assert_eq!(w.confirm(0).unwrap(), ConfirmReturn { count: 1, amount: usdc(3), held: 0 });
    w.assert_invariants();
}

#[test]
fn withdrawals_are_validated_before_anything_burns() {
    let w = World::new();
    let ctx = w.ctx(ALICE);
    let bad = |recipient: Address, amount: TokenAmount, fast: Option<FastTerms>| {
        code(w.st.validate_withdrawal(&ctx, &WithdrawParams { parent_recipient: recipient, amount, fast }))
    };
    let terms = |fee, deadline_epoch| Some(FastTerms { fee, deadline_epoch });
    assert_eq!(bad(Address::new_id(5), usdc(1), None), ExitCode::USR_ILLEGAL_ARGUMENT, "ID address");
    assert_eq!(bad(Address::new_actor(b"x"), usdc(1), None), ExitCode::USR_ILLEGAL_ARGUMENT, "actor address");
    assert_eq!(bad(parent(2), TokenAmount::default(), None), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(bad(parent(2), TokenAmount::from_atto(10), None), ExitCode::USR_ILLEGAL_ARGUMENT, "granularity");
    assert_eq!(bad(parent(2), usdc(5), terms(usdc(5), 20)), ExitCode::USR_ILLEGAL_ARGUMENT, "fee = amount");
    assert_eq!(bad(parent(2), usdc(5), terms(-usdc(1), 20)), ExitCode::USR_ILLEGAL_ARGUMENT, "negative fee");
    assert_eq!(bad(parent(2), usdc(5), terms(TokenAmount::from_atto(3), 20)), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(bad(parent(2), usdc(5), terms(usdc(1), w.epoch)), ExitCode::USR_ILLEGAL_ARGUMENT, "deadline now");
    let far = terms(usdc(1), w.epoch + WINDOW + 1);
    assert_eq!(bad(parent(2), usdc(5), far), ExitCode::USR_ILLEGAL_ARGUMENT, "deadline beyond the window");
    for deadline in [w.epoch + 1, w.epoch + WINDOW] {
        let ok = WithdrawParams { parent_recipient: parent(2), amount: usdc(5), fast: terms(usdc(1), deadline) };
        w.st.validate_withdrawal(&ctx, &ok).unwrap();
    }
}

#[test]
fn the_fast_window_is_a_bounded_genesis_parameter() {
    let store = MemoryBlockstore::default();
    for window in [0, -1, MAX_FAST_WINDOW_LIMIT + 1] {
        let r = State::new(&store, 1, AUTHORITY, "USD Coin".into(), "USDC".into(), window);
        assert_eq!(code(r), ExitCode::USR_ILLEGAL_ARGUMENT, "window {window}");
    }
    State::new(&store, 1, AUTHORITY, "USD Coin".into(), "USDC".into(), MAX_FAST_WINDOW_LIMIT).unwrap();
}

/// The attack of a tiny fast withdrawal with a far deadline in front of everyone else's: the
/// deadline is bounded by the window, and confirmation holds the open entry and pays the rest.
#[test]
fn an_open_fast_withdrawal_is_held_and_does_not_stop_later_ones() {
    let mut w = World::new();
    w.deposit(0, ALICE, usdc(100));
    let open = w.withdraw(ALICE, usdc(1), Some(FastTerms { fee: usdc(0), deadline_epoch: w.epoch + WINDOW }));
    let later: Vec<u64> = (0..3).map(|_| w.withdraw(ALICE, usdc(5), None)).collect();
    let last = *later.last().unwrap();
    let before = w.st.clone();
    assert_eq!(code(w.confirm(last)), ExitCode::USR_ILLEGAL_STATE, "paying an open entry is refused");
    for held in [vec![open, open], vec![last + 1], vec![later[0], open]] {
        assert_eq!(code(w.confirm_holding(last, &held)), ExitCode::USR_ILLEGAL_ARGUMENT, "held {held:?}");
    }
    assert_eq!(code(w.confirm_held(open)), ExitCode::USR_ILLEGAL_STATE, "not held yet");
    assert_eq!(w.st, before, "refusals changed the state");
    let r = w.confirm_holding(last, &[open]).unwrap();
    assert_eq!(r, ConfirmReturn { count: 3, amount: usdc(15), held: 1 });
    assert_eq!(w.st.settled_before, last + 1);
    let view = w.st.entry_view(&w.store, open, w.epoch).unwrap();
    assert_eq!((view.status, view.entry.held, view.payee_final), (EntryStatus::Pending, true, false));
    assert_eq!(w.st.totals.pending, usdc(1));
    w.assert_invariants();
    // Still open to a fill, and not yet payable on its own.
    let before = w.st.clone();
    assert_eq!(code(w.confirm_held(open)), ExitCode::USR_ILLEGAL_STATE);
    assert_eq!(w.st, before);
    assert_eq!(w.fill(open, 7).unwrap(), FillVerdict::Accepted);
    let r = w.confirm_held(open).unwrap();
    assert_eq!(r, ConfirmReturn { count: 1, amount: usdc(1), held: 0 });
    assert_eq!(code(w.confirm_held(open)), ExitCode::USR_ILLEGAL_ARGUMENT, "replay");
    assert_eq!(w.fill(open, 8).unwrap(), FillVerdict::Settled);
    assert_eq!(w.st.entry_view(&w.store, open, w.epoch).unwrap().status, EntryStatus::Confirmed);
    assert_eq!((w.st.totals.pending.clone(), w.st.totals.confirmed.clone()), (TokenAmount::default(), usdc(16)));
    w.assert_invariants();
}

#[test]
fn a_held_entry_can_be_rejected_or_paid_once_its_deadline_passes() {
    let mut w = World::new();
    w.deposit(0, ALICE, usdc(100));
    let deadline_epoch = w.epoch + 3;
    let fast = || Some(FastTerms { fee: usdc(1), deadline_epoch });
    let (a, b) = (w.withdraw(ALICE, usdc(10), fast()), w.withdraw(ALICE, usdc(20), fast()));
    w.confirm_holding(b, &[a, b]).unwrap();
    assert_eq!(w.st.totals.pending, usdc(30));
    w.reject(a).unwrap();
    assert_eq!(code(w.confirm_held(a)), ExitCode::USR_ILLEGAL_ARGUMENT, "rejected is settled");
    w.epoch += 3;
    assert_eq!(w.fill(b, 7).unwrap(), FillVerdict::DeadlinePassed);
    w.confirm_held(b).unwrap();
    let statuses: Vec<_> = [a, b].map(|n| w.st.entry_view(&w.store, n, w.epoch).unwrap().status).to_vec();
    assert_eq!(statuses, [EntryStatus::Rejected, EntryStatus::Confirmed]);
    assert_eq!((w.st.totals.refunded.clone(), w.st.totals.confirmed.clone()), (usdc(10), usdc(20)));
    w.assert_invariants();
}

#[test]
fn confirmation_skips_rejected_entries_and_waits_for_final_payees() {
    let mut w = World::new();
    w.deposit(0, ALICE, usdc(100));
    let a = w.withdraw(ALICE, usdc(10), None);
    let b = w.withdraw(ALICE, usdc(20), None);
    let c = w.withdraw(ALICE, usdc(30), Some(FastTerms { fee: usdc(1), deadline_epoch: w.epoch + 5 }));
    w.assert_invariants();
    w.reject(b).unwrap();
    assert_eq!(code(w.reject(b)), ExitCode::USR_ILLEGAL_ARGUMENT, "reject replay");
    w.assert_invariants();
    // c may still be filled: it cannot be paid yet, and nothing changes.
    let before = w.st.clone();
    assert_eq!(code(w.confirm(c)), ExitCode::USR_ILLEGAL_STATE);
    assert_eq!(w.st, before);
    assert_eq!(w.confirm(a).unwrap(), ConfirmReturn { count: 1, amount: usdc(10), held: 0 });
    assert_eq!(code(w.confirm(a)), ExitCode::USR_ILLEGAL_ARGUMENT, "confirm replay");
    assert_eq!(code(w.confirm(c + 1)), ExitCode::USR_NOT_FOUND, "beyond the outbox");
    w.epoch += 5;
    assert_eq!(w.confirm(c).unwrap(), ConfirmReturn { count: 1, amount: usdc(30), held: 0 }, "b is skipped");
    let statuses: Vec<_> = (0..3).map(|n| w.st.entry_view(&w.store, n, w.epoch).unwrap().status).collect();
    assert_eq!(statuses, [EntryStatus::Confirmed, EntryStatus::Rejected, EntryStatus::Confirmed]);
    assert_eq!(
        w.st.totals,
        Totals {
            minted: usdc(120),
            burned: usdc(60),
            pending: TokenAmount::default(),
            confirmed: usdc(40),
            refunded: usdc(20)
        }
    );
    w.assert_invariants();
}

#[test]
fn one_confirmation_settles_at_most_a_batch() {
    let mut w = World::new();
    w.deposit(0, ALICE, usdc(1000));
    for _ in 0..=MAX_CONFIRM_BATCH {
        w.withdraw(ALICE, usdc(1), None);
    }
    assert_eq!(code(w.confirm(MAX_CONFIRM_BATCH)), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert_eq!(w.confirm(MAX_CONFIRM_BATCH - 1).unwrap().count, MAX_CONFIRM_BATCH);
    assert_eq!(w.confirm(MAX_CONFIRM_BATCH).unwrap().count, 1);
    w.assert_invariants();
}

#[test]
fn fast_fills_redirect_once_before_the_deadline() {
    let mut w = World::new();
    w.deposit(0, ALICE, usdc(100));
    let fast = || Some(FastTerms { fee: usdc(2), deadline_epoch: 20 });
    let a = w.withdraw(ALICE, usdc(10), fast());
    let b = w.withdraw(ALICE, usdc(10), fast());
    let slow = w.withdraw(ALICE, usdc(10), None);
    assert!(!w.st.entry_view(&w.store, a, w.epoch).unwrap().payee_final);
    assert_eq!(w.fill(a, 7).unwrap(), FillVerdict::Accepted);
    let view = w.st.entry_view(&w.store, a, w.epoch).unwrap();
    assert_eq!((view.entry.payee, view.entry.recipient, view.payee_final), (parent(7), parent(2), true));
    let before = w.st.clone();
    assert_eq!(code(w.fill(a, 7)), ExitCode::USR_ILLEGAL_ARGUMENT, "replayed fill");
    assert_eq!(w.st, before);
    assert_eq!(w.fill(a, 8).unwrap(), FillVerdict::AlreadyFilled);
    assert_eq!(code(w.reject(a)), ExitCode::USR_ILLEGAL_STATE, "a filled entry must pay the LP");
    assert_eq!(w.fill(slow, 7).unwrap(), FillVerdict::NotFast);
    assert_eq!(code(w.fill(slow + 1, 7)), ExitCode::USR_NOT_FOUND);
    w.epoch = 20;
    assert_eq!(w.fill(b, 7).unwrap(), FillVerdict::DeadlinePassed);
    w.confirm(b).unwrap();
    assert_eq!(w.fill(b, 9).unwrap(), FillVerdict::Settled);
    let q = FillQuery { withdrawal_nonce: a, lp: parent(8) };
    assert_eq!(w.st.fill(&w.store, &q).unwrap().unwrap().verdict, FillVerdict::AlreadyFilled);
    assert_eq!(w.st.fill(&w.store, &FillQuery { withdrawal_nonce: a, lp: parent(3) }).unwrap(), None);
    w.assert_invariants();
}

#[test]
fn outbox_pages_are_bounded_and_ordered() {
    let mut w = World::new();
    w.deposit(0, ALICE, usdc(10));
    for _ in 0..5 {
        w.withdraw(ALICE, usdc(1), None);
    }
    let page = w.st.outbox_page(&w.store, &OutboxPageParams { from_nonce: 2, limit: 2 }, w.epoch).unwrap();
    assert_eq!(page.iter().map(|v| v.nonce).collect::<Vec<_>>(), [2, 3]);
    let tail = w.st.outbox_page(&w.store, &OutboxPageParams { from_nonce: 4, limit: 100 }, w.epoch).unwrap();
    assert_eq!(tail.len(), 1);
    for limit in [0, MAX_OUTBOX_PAGE + 1] {
        let r = w.st.outbox_page(&w.store, &OutboxPageParams { from_nonce: 0, limit }, w.epoch);
        assert_eq!(code(r), ExitCode::USR_ILLEGAL_ARGUMENT);
    }
}

#[test]
fn only_the_authority_moves_the_bridge_and_only_the_admin_hands_over() {
    let mut w = World::new();
    w.deposit(0, ALICE, usdc(10));
    w.withdraw(ALICE, usdc(1), Some(FastTerms { fee: usdc(0), deadline_epoch: 50 }));
    let stranger = w.ctx(ALICE);
    let before = w.st.clone();
    let p = ConfirmParams { up_to_nonce: 0, held: vec![0] };
    assert_eq!(code(w.st.confirm(&w.store, &stranger, &p, &mut Effects::default())), ExitCode::USR_FORBIDDEN);
    assert_eq!(code(w.st.confirm_held(&w.store, &stranger, 0, &mut Effects::default())), ExitCode::USR_FORBIDDEN);
    assert_eq!(code(w.st.reject(&w.store, &stranger, 0, &mut Effects::default())), ExitCode::USR_FORBIDDEN);
    let fill = FastFillParams { withdrawal_nonce: 0, lp: parent(7) };
    assert_eq!(code(w.st.fast_fill(&w.store, &stranger, &fill, &mut Effects::default())), ExitCode::USR_FORBIDDEN);
    assert_eq!(code(require_admin(&w.st, &stranger)), ExitCode::USR_FORBIDDEN);
    assert_eq!(w.st, before);
    require_admin(&w.st, &w.ctx(1)).unwrap();
}

#[test]
fn the_invariant_check_catches_a_broken_ledger() {
    let mut w = World::new();
    w.deposit(0, ALICE, usdc(10));
    w.withdraw(ALICE, usdc(4), None);
    w.assert_invariants();
    w.st.totals.pending += usdc(1);
    let errors = w.st.check_state_invariants(&w.store, &TokenAmount::default());
    assert!(errors.iter().any(|e| e.starts_with("burned")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("pending total")), "{errors:?}");
    w.st.totals.pending -= usdc(1);
    w.credit(ALICE, &usdc(1));
    assert!(w.st.check_state_invariants(&w.store, &TokenAmount::default()).iter().any(|e| e.starts_with("minted")));
}

#[test]
fn frc46_params_and_returns_encode_as_the_library_does() {
    use frc46_token::token::types as lib;
    let (a, b) = (Address::new_id(7), parent(3));
    let amount = usdc(42);
    let data = vec![1u8, 2, 3];
    let raw = RawBytes::new(data.clone());
    let same = |ours: Vec<u8>, theirs: Vec<u8>| assert_eq!(ours, theirs);
    same(
        to_vec(&TransferParams { to: a, amount: amount.clone(), operator_data: data.clone() }).unwrap(),
        to_vec(&lib::TransferParams { to: a, amount: amount.clone(), operator_data: raw.clone() }).unwrap(),
    );
    same(
        to_vec(&TransferFromParams { from: b, to: a, amount: amount.clone(), operator_data: data.clone() }).unwrap(),
        to_vec(&lib::TransferFromParams { from: b, to: a, amount: amount.clone(), operator_data: raw.clone() })
            .unwrap(),
    );
    same(
        to_vec(&TransferReturn { from_balance: amount.clone(), to_balance: usdc(1), recipient_data: data.clone() })
            .unwrap(),
        to_vec(&lib::TransferReturn { from_balance: amount.clone(), to_balance: usdc(1), recipient_data: raw.clone() })
            .unwrap(),
    );
    same(
        to_vec(&TransferFromReturn {
            from_balance: amount.clone(),
            to_balance: usdc(1),
            allowance: usdc(2),
            recipient_data: data.clone(),
        })
        .unwrap(),
        to_vec(&lib::TransferFromReturn {
            from_balance: amount.clone(),
            to_balance: usdc(1),
            allowance: usdc(2),
            recipient_data: raw,
        })
        .unwrap(),
    );
    same(
        to_vec(&IncreaseAllowanceParams { operator: a, increase: amount.clone() }).unwrap(),
        to_vec(&lib::IncreaseAllowanceParams { operator: a, increase: amount.clone() }).unwrap(),
    );
    same(
        to_vec(&DecreaseAllowanceParams { operator: a, decrease: amount.clone() }).unwrap(),
        to_vec(&lib::DecreaseAllowanceParams { operator: a, decrease: amount.clone() }).unwrap(),
    );
    same(
        to_vec(&RevokeAllowanceParams { operator: a }).unwrap(),
        to_vec(&lib::RevokeAllowanceParams { operator: a }).unwrap(),
    );
    same(
        to_vec(&GetAllowanceParams { owner: b, operator: a }).unwrap(),
        to_vec(&lib::GetAllowanceParams { owner: b, operator: a }).unwrap(),
    );
    same(
        to_vec(&BurnParams { amount: amount.clone() }).unwrap(),
        to_vec(&lib::BurnParams { amount: amount.clone() }).unwrap(),
    );
    same(
        to_vec(&BurnReturn { balance: amount.clone() }).unwrap(),
        to_vec(&lib::BurnReturn { balance: amount.clone() }).unwrap(),
    );
    same(
        to_vec(&BurnFromParams { owner: b, amount: amount.clone() }).unwrap(),
        to_vec(&lib::BurnFromParams { owner: b, amount: amount.clone() }).unwrap(),
    );
    same(
        to_vec(&BurnFromReturn { balance: amount.clone(), allowance: usdc(1) }).unwrap(),
        to_vec(&lib::BurnFromReturn { balance: amount.clone(), allowance: usdc(1) }).unwrap(),
    );
    same(to_vec(&AddressParam(b)).unwrap(), to_vec(&b).unwrap());
    same(to_vec(&Amount(amount.clone())).unwrap(), to_vec(&amount).unwrap());
    // And they read as text in JSON.
    let json = serde_json::to_string(&TransferParams { to: a, amount: usdc(1_500_000), operator_data: vec![0xab] });
    assert_eq!(json.unwrap(), r#"["f07","1.5","ab"]"#);
}
