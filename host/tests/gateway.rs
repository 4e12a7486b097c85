//! The USDC gateway in the real FVM host: FRC-46 method by method (with a receiving test actor
//! whose hook accepts, rejects or re-enters), the bridge's authority checks, replays and gaps,
//! and an end-to-end run against the parent-chain simulator. Every message is followed by every
//! actor's invariant check.

use cloudless_actor_gateway::micro_usdc as usdc;
use cloudless_actor_gateway::*;
use cloudless_actor_test_receiver::{Mode, SetModeParams, METHOD_SET_MODE};
use cloudless_host::chain::parent::{Delivered, Parent};
use cloudless_host::genesis::CoreSet;
use cloudless_host::keys::Key;
use cloudless_testing::{assert_ok, Harness, Refusals};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use serde::de::DeserializeOwned;
use serde::Serialize;

const CONFIG: &str = r#"
[network]
name = "gateway"

[[accounts]]
name = "alice"
balance = "1000"
[[accounts]]
name = "bob"
balance = "1000"
[[accounts]]
name = "carol"
balance = "1000"
[[accounts]]
name = "relayer"
balance = "1000"
[[accounts]]
name = "admin"
balance = "1000"

[actors.gateway]
admin = "admin"
authority = "relayer"
"#;

const WHOLE: u64 = 1_000_000;

struct World {
    h: Harness,
    gateway: Address,
    receiver: Address,
}

impl World {
    fn new() -> Self {
        Self::on(Harness::new(CONFIG, cloudless_bundle::TEST_BUNDLE_CAR).unwrap())
    }

    /// With the event indexer checked after every message.
    fn indexed() -> Self {
        Self::on(Harness::new(CONFIG, cloudless_bundle::TEST_BUNDLE_CAR).unwrap().indexed())
    }

    fn on(mut h: Harness) -> Self {
        let gateway = h.address("gateway");
        let receiver = h.exec("alice", "test-receiver");
        Self { h, gateway, receiver }
    }

    fn raw<P: Serialize>(params: &P) -> RawBytes {
        RawBytes::serialize(params).unwrap()
    }

    fn call<P: Serialize, R: DeserializeOwned>(&mut self, from: &str, method: u64, params: &P) -> R {
        let ret = self.h.send_raw(from, self.gateway, method, Self::raw(params), TokenAmount::default());
        assert_ok(&ret);
        ret.msg_receipt.return_data.deserialize().expect("decoding the return")
    }

    fn fails<P: Serialize>(&mut self, from: &str, method: u64, params: &P, code: ExitCode) -> String {
        let gateway = self.gateway;
        self.h.expect_failure(from, gateway, method, Self::raw(params), code)
    }

    fn query<R: DeserializeOwned>(&mut self, method: u64, params: Option<RawBytes>) -> R {
        let ret = self.h.send_raw("bob", self.gateway, method, params.unwrap_or_default(), TokenAmount::default());
        assert_ok(&ret);
        ret.msg_receipt.return_data.deserialize().unwrap()
    }

    fn balance(&self, who: &Address) -> TokenAmount {
        let st = self.state();
        match self.h.node.resolve(who).unwrap() {
            Some(id) => st.token.get_balance(self.h.node.store(), id).unwrap(),
            None => TokenAmount::default(),
        }
    }

    fn state(&self) -> State {
        self.h.node.actor_state(self.h.id("gateway")).unwrap()
    }

    fn set_mode(&mut self, mode: Mode, forward_to: Option<Address>) {
        let p = Self::raw(&SetModeParams { mode, forward_to });
        assert_ok(&self.h.send_raw("alice", self.receiver, METHOD_SET_MODE, p, TokenAmount::default()));
    }

    fn received(&self) -> cloudless_actor_test_receiver::State {
        self.h.node.actor_state(self.h.node.resolve(&self.receiver).unwrap().unwrap()).unwrap()
    }

    fn deposit(&mut self, recipient: Address, amount: TokenAmount) -> DepositReturn {
        let nonce = self.state().next_deposit_nonce;
        let p = DepositParams { nonce, parent_sender: parent("depositor"), recipient, amount };
        self.call("relayer", METHOD_APPLY_DEPOSIT, &p)
    }
}

fn parent(name: &str) -> Address {
    Key::dev(name).address()
}

fn transfer(to: Address, amount: TokenAmount) -> TransferParams {
    TransferParams { to, amount, operator_data: Vec::new() }
}

#[test]
fn frc46_metadata_balances_and_transfers() {
    let mut w = World::new();
    let (alice, bob) = (w.h.address("alice"), w.h.address("bob"));
    assert_eq!(w.query::<String>(METHOD_NAME, None), "USD Coin");
    assert_eq!(w.query::<String>(METHOD_SYMBOL, None), "USDC");
    assert_eq!(w.query::<u64>(METHOD_GRANULARITY, None), GRANULARITY);
    assert!(w.deposit(alice, usdc(10 * WHOLE)).delivered);
    assert_eq!(w.query::<Amount>(METHOD_TOTAL_SUPPLY, None).0, usdc(10 * WHOLE));
    let bal = |w: &mut World, a: Address| w.query::<Amount>(METHOD_BALANCE, Some(World::raw(&AddressParam(a)))).0;
    assert_eq!(bal(&mut w, alice), usdc(10 * WHOLE));
    assert_eq!(bal(&mut w, parent("nobody")), TokenAmount::default(), "unknown addresses hold nothing");

    let r: TransferReturn = w.call("alice", METHOD_TRANSFER, &transfer(bob, usdc(2_500_000)));
    assert_eq!((r.from_balance, r.to_balance), (usdc(7_500_000), usdc(2_500_000)));
    // Zero is a valid FRC-46 transfer; a new key address gets an account.
    let _: TransferReturn = w.call("alice", METHOD_TRANSFER, &transfer(bob, TokenAmount::default()));
    let fresh = parent("fresh");
    let _: TransferReturn = w.call("alice", METHOD_TRANSFER, &transfer(fresh, usdc(1)));
    assert_eq!(w.balance(&fresh), usdc(1));

    // Bad transfers change nothing.
    w.fails("alice", METHOD_TRANSFER, &transfer(bob, TokenAmount::from_atto(1)), ExitCode::USR_ILLEGAL_ARGUMENT);
    w.fails("alice", METHOD_TRANSFER, &transfer(bob, -usdc(1)), ExitCode::USR_ILLEGAL_ARGUMENT);
    w.fails("alice", METHOD_TRANSFER, &transfer(bob, usdc(8 * WHOLE)), ExitCode::USR_INSUFFICIENT_FUNDS);
    w.fails("carol", METHOD_TRANSFER, &transfer(bob, usdc(1)), ExitCode::USR_INSUFFICIENT_FUNDS);
    w.fails("alice", METHOD_TRANSFER, &transfer(Address::new_id(9999), usdc(1)), ExitCode::USR_NOT_FOUND);
    w.fails("alice", METHOD_TRANSFER, &transfer(w.gateway, usdc(1)), ExitCode::USR_FORBIDDEN);
    w.fails("alice", METHOD_TRANSFER, &[1u8, 2, 3], ExitCode::USR_SERIALIZATION);
    assert_eq!(w.state().token.supply, usdc(10 * WHOLE));
}

#[test]
fn receiver_hooks_accept_reject_and_reenter() {
    let mut w = World::indexed();
    let (alice, bob, receiver) = (w.h.address("alice"), w.h.address("bob"), w.receiver);
    w.deposit(alice, usdc(10 * WHOLE));
    let (alice_id, receiver_id) = (w.h.id("alice"), w.h.node.resolve(&receiver).unwrap().unwrap());

    // Accept: the hook sees the FRC-46 receipt, operator data included.
    let p = TransferParams { to: receiver, amount: usdc(WHOLE), operator_data: vec![7, 7] };
    let _: TransferReturn = w.call("alice", METHOD_TRANSFER, &p);
    let got = w.received().received;
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].from, got[0].to, got[0].operator), (alice_id, receiver_id, alice_id));
    assert_eq!((got[0].amount.clone(), got[0].operator_data.to_vec()), (usdc(WHOLE), vec![7, 7]));

    // Reject: the transfer fails and nothing moves.
    w.set_mode(Mode::Reject, None);
    let msg = w.fails("alice", METHOD_TRANSFER, &transfer(receiver, usdc(1)), ExitCode::USR_FORBIDDEN);
    assert!(msg.contains("refused the tokens"), "{msg}");

    // Re-entry: the hook transfers what it got on to bob; the token reloads its state after.
    w.set_mode(Mode::Forward, Some(bob));
    let r: TransferReturn = w.call("alice", METHOD_TRANSFER, &transfer(receiver, usdc(3 * WHOLE)));
    assert_eq!(r.to_balance, usdc(WHOLE), "the receiver kept only its first million");
    assert_eq!(w.balance(&bob), usdc(3 * WHOLE));
    assert_eq!(w.balance(&alice), usdc(6 * WHOLE));

    // Deposits mint through the same hook: a forwarding recipient passes them on.
    let d = w.deposit(receiver, usdc(2 * WHOLE));
    assert_eq!(d, DepositReturn { delivered: true, refund_nonce: None });
    assert_eq!(w.balance(&bob), usdc(5 * WHOLE));
    let last = w.received().received.last().unwrap().clone();
    assert_eq!((last.from, last.operator), (w.h.id("gateway"), w.h.id("relayer")));
    let data: MintData = RawBytes::new(last.token_data.to_vec()).deserialize().unwrap();
    assert_eq!((data.kind, data.nonce, data.parent_address), (MINT_DEPOSIT, 1, parent("depositor")));
}

#[test]
fn allowances_transfer_from_and_burns() {
    let mut w = World::indexed();
    let (alice, bob, carol) = (w.h.address("alice"), w.h.address("bob"), w.h.address("carol"));
    w.deposit(alice, usdc(10 * WHOLE));
    let allowance = |w: &mut World| {
        w.query::<Amount>(METHOD_ALLOWANCE, Some(World::raw(&GetAllowanceParams { owner: alice, operator: carol }))).0
    };
    assert_eq!(allowance(&mut w), TokenAmount::default());
    let a: Amount = w.call(
        "alice",
        METHOD_INCREASE_ALLOWANCE,
        &IncreaseAllowanceParams { operator: carol, increase: usdc(5 * WHOLE) },
    );
    assert_eq!(a.0, usdc(5 * WHOLE));
    // Allowances need not be whole micro-USDC.
    let a: Amount = w.call(
        "alice",
        METHOD_INCREASE_ALLOWANCE,
        &IncreaseAllowanceParams { operator: carol, increase: TokenAmount::from_atto(1) },
    );
    assert_eq!(a.0, usdc(5 * WHOLE) + TokenAmount::from_atto(1));

    let from = |amount| TransferFromParams { from: alice, to: bob, amount, operator_data: Vec::new() };
    let r: TransferFromReturn = w.call("carol", METHOD_TRANSFER_FROM, &from(usdc(2 * WHOLE)));
    assert_eq!((r.from_balance, r.to_balance), (usdc(8 * WHOLE), usdc(2 * WHOLE)));
    assert_eq!(r.allowance, usdc(3 * WHOLE) + TokenAmount::from_atto(1));
    w.fails("carol", METHOD_TRANSFER_FROM, &from(usdc(4 * WHOLE)), ExitCode::USR_INSUFFICIENT_FUNDS);
    w.fails("bob", METHOD_TRANSFER_FROM, &from(usdc(1)), ExitCode::USR_INSUFFICIENT_FUNDS);
    w.fails("alice", METHOD_TRANSFER_FROM, &from(usdc(1)), ExitCode::USR_ILLEGAL_ARGUMENT);
    w.fails("carol", METHOD_TRANSFER_FROM, &from(TokenAmount::from_atto(5)), ExitCode::USR_ILLEGAL_ARGUMENT);

    let a: Amount =
        w.call("alice", METHOD_DECREASE_ALLOWANCE, &DecreaseAllowanceParams { operator: carol, decrease: usdc(WHOLE) });
    assert_eq!(a.0, usdc(2 * WHOLE) + TokenAmount::from_atto(1));
    w.fails(
        "alice",
        METHOD_INCREASE_ALLOWANCE,
        &IncreaseAllowanceParams { operator: carol, increase: -usdc(1) },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );

    if w.h.core == CoreSet::Official {
        // builtin-actors' account tells its key address only to built-in callers, so an f1
        // owner's burns are refused there (docs/ipc.md); it withdraws with a parent_recipient.
        let burn_from = BurnFromParams { owner: alice, amount: usdc(WHOLE) };
        w.fails("carol", METHOD_BURN_FROM, &burn_from, ExitCode::USR_ILLEGAL_ARGUMENT);
        w.fails("alice", METHOD_BURN, &BurnParams { amount: usdc(500_000) }, ExitCode::USR_ILLEGAL_ARGUMENT);
        return;
    }
    // BurnFrom: within the allowance, the burned USDC leaves for the owner's own parent address.
    let r: BurnFromReturn = w.call("carol", METHOD_BURN_FROM, &BurnFromParams { owner: alice, amount: usdc(WHOLE) });
    assert_eq!((r.balance, r.allowance), (usdc(7 * WHOLE), usdc(WHOLE) + TokenAmount::from_atto(1)));
    w.fails(
        "carol",
        METHOD_BURN_FROM,
        &BurnFromParams { owner: alice, amount: usdc(2 * WHOLE) },
        ExitCode::USR_INSUFFICIENT_FUNDS,
    );

    let ret = w.h.send_raw(
        "alice",
        w.gateway,
        METHOD_REVOKE_ALLOWANCE,
        World::raw(&RevokeAllowanceParams { operator: carol }),
        TokenAmount::default(),
    );
    assert_ok(&ret);
    assert_eq!(allowance(&mut w), TokenAmount::default());
    w.fails("carol", METHOD_TRANSFER_FROM, &from(usdc(1)), ExitCode::USR_INSUFFICIENT_FUNDS);

    // Burn: the caller's own tokens, to its own key address on the parent.
    let r: BurnReturn = w.call("alice", METHOD_BURN, &BurnParams { amount: usdc(500_000) });
    assert_eq!(r.balance, usdc(6_500_000));
    w.fails("alice", METHOD_BURN, &BurnParams { amount: usdc(7 * WHOLE) }, ExitCode::USR_INSUFFICIENT_FUNDS);
    w.fails("alice", METHOD_BURN, &BurnParams { amount: TokenAmount::from_atto(7) }, ExitCode::USR_ILLEGAL_ARGUMENT);

    let st = w.state();
    let outbox: Vec<_> = (0..2).map(|n| st.entry_view(w.h.node.store(), n, 0).unwrap().entry).collect();
    assert_eq!(
        outbox.iter().map(|e| (e.recipient, e.sender, e.amount.clone())).collect::<Vec<_>>(),
        [(alice, Some(w.h.id("alice")), usdc(WHOLE)), (alice, Some(w.h.id("alice")), usdc(500_000)),]
    );
    assert_eq!(st.token.supply, usdc(8_500_000));
    assert_eq!(st.totals.burned, usdc(1_500_000));
}

#[test]
fn deposits_that_cannot_land_are_refunded_through_the_outbox() {
    let mut w = World::indexed();
    w.set_mode(Mode::Reject, None);
    let receiver = w.receiver;
    let unknown_actor = Address::new_actor(b"never created");
    // An Ethereum-style address with no actor yet: the FVM puts a placeholder there, which
    // cannot run a receiver hook.
    let fresh_f4 = Address::new_delegated(10, &[0xaa; 20]).unwrap();
    let mut targets = vec![receiver, Address::new_id(4242), unknown_actor, w.gateway];
    let official = w.h.core == CoreSet::Official;
    if official {
        // builtin-actors' placeholder answers every call: it takes the deposit and holds it.
        let d = w.deposit(fresh_f4, usdc(WHOLE));
        assert_eq!(d, DepositReturn { delivered: true, refund_nonce: None });
    } else {
        targets.push(fresh_f4);
    }
    let n = targets.len() as u64;
    for (i, to) in targets.into_iter().enumerate() {
        let before_supply = w.state().token.supply;
        let d = w.deposit(to, usdc(WHOLE));
        assert_eq!(d, DepositReturn { delivered: false, refund_nonce: Some(i as u64) }, "deposit to {to}");
        assert_eq!(w.state().token.supply, before_supply);
        let view = w.state().entry_view(w.h.node.store(), i as u64, 0).unwrap();
        let deposit_nonce = i as u64 + u64::from(official);
        assert_eq!((view.entry.payee, view.entry.deposit_nonce), (parent("depositor"), Some(deposit_nonce)));
    }
    assert!(w.received().received.is_empty());
    assert_eq!(w.h.node.code_name_at(&fresh_f4).unwrap(), "placeholder");
    let t = w.state().totals;
    assert_eq!((t.minted, t.burned, t.pending), (usdc(5 * WHOLE), usdc(n * WHOLE), usdc(n * WHOLE)));
    // A refund cannot be rejected (nobody on the subnet to re-mint to), only confirmed.
    w.fails("relayer", METHOD_REJECT_WITHDRAWAL, &NonceParam { nonce: 0 }, ExitCode::USR_ILLEGAL_ARGUMENT);
    let c: ConfirmReturn =
        w.call("relayer", METHOD_CONFIRM_WITHDRAWALS, &ConfirmParams { up_to_nonce: n - 1, held: vec![] });
    assert_eq!(c, ConfirmReturn { count: n, amount: usdc(n * WHOLE), held: 0 });
}

#[test]
fn bridge_methods_refuse_everyone_but_the_authority_and_replays_change_nothing() {
    let mut w = World::new();
    let alice = w.h.address("alice");
    w.deposit(alice, usdc(10 * WHOLE));
    let fast = Some(FastTerms { fee: usdc(1000), deadline_epoch: 1_000 });
    let out: WithdrawReturn = w.call(
        "alice",
        METHOD_WITHDRAW,
        &WithdrawParams { parent_recipient: parent("alice"), amount: usdc(WHOLE), fast },
    );
    assert_eq!(out, WithdrawReturn { nonce: 0, balance: usdc(9 * WHOLE) });

    let deposit = DepositParams { nonce: 1, parent_sender: parent("p"), recipient: alice, amount: usdc(1) };
    let fill = FastFillParams { withdrawal_nonce: 0, lp: parent("lp") };
    for who in ["alice", "admin", "bob"] {
        w.fails(who, METHOD_APPLY_DEPOSIT, &deposit, ExitCode::USR_FORBIDDEN);
        w.fails(
            who,
            METHOD_CONFIRM_WITHDRAWALS,
            &ConfirmParams { up_to_nonce: 0, held: vec![] },
            ExitCode::USR_FORBIDDEN,
        );
        w.fails(who, METHOD_REJECT_WITHDRAWAL, &NonceParam { nonce: 0 }, ExitCode::USR_FORBIDDEN);
        w.fails(who, METHOD_APPLY_FAST_FILL, &fill, ExitCode::USR_FORBIDDEN);
    }
    // Replays and gaps.
    w.fails(
        "relayer",
        METHOD_APPLY_DEPOSIT,
        &DepositParams { nonce: 0, ..deposit.clone() },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    w.fails(
        "relayer",
        METHOD_APPLY_DEPOSIT,
        &DepositParams { nonce: 2, ..deposit.clone() },
        ExitCode::USR_ILLEGAL_STATE,
    );
    let f: FillRecord = w.call("relayer", METHOD_APPLY_FAST_FILL, &fill);
    assert_eq!(f.verdict, FillVerdict::Accepted);
    w.fails("relayer", METHOD_APPLY_FAST_FILL, &fill, ExitCode::USR_ILLEGAL_ARGUMENT);
    let q: Option<FillRecord> =
        w.query(METHOD_GET_FAST_FILL, Some(World::raw(&FillQuery { withdrawal_nonce: 0, lp: parent("lp") })));
    assert_eq!(q, Some(f));
    w.fails("relayer", METHOD_REJECT_WITHDRAWAL, &NonceParam { nonce: 0 }, ExitCode::USR_ILLEGAL_STATE);
    let _: ConfirmReturn =
        w.call("relayer", METHOD_CONFIRM_WITHDRAWALS, &ConfirmParams { up_to_nonce: 0, held: vec![] });
    w.fails(
        "relayer",
        METHOD_CONFIRM_WITHDRAWALS,
        &ConfirmParams { up_to_nonce: 0, held: vec![] },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    w.fails(
        "relayer",
        METHOD_CONFIRM_WITHDRAWALS,
        &ConfirmParams { up_to_nonce: 1, held: vec![] },
        ExitCode::USR_NOT_FOUND,
    );
    w.fails("relayer", METHOD_REJECT_WITHDRAWAL, &NonceParam { nonce: 0 }, ExitCode::USR_ILLEGAL_ARGUMENT);
    w.fails("relayer", METHOD_REJECT_WITHDRAWAL, &NonceParam { nonce: 5 }, ExitCode::USR_NOT_FOUND);

    // Admin handover: only the admin, only to an existing actor.
    w.fails("alice", METHOD_TRANSFER_ADMIN, &TransferAdminParams { new_admin: alice }, ExitCode::USR_FORBIDDEN);
    w.fails(
        "admin",
        METHOD_TRANSFER_ADMIN,
        &TransferAdminParams { new_admin: Address::new_id(4242) },
        ExitCode::USR_NOT_FOUND,
    );
    let p = World::raw(&TransferAdminParams { new_admin: alice });
    assert_ok(&w.h.send_raw("admin", w.gateway, METHOD_TRANSFER_ADMIN, p, TokenAmount::default()));
    assert_eq!(w.state().admin, w.h.id("alice"));
}

#[test]
fn withdrawals_validate_and_every_method_rejects_malformed_params() {
    let mut w = World::new();
    let alice = w.h.address("alice");
    w.deposit(alice, usdc(10 * WHOLE));
    let wd = |to: Address, amount: TokenAmount, fast: Option<FastTerms>| WithdrawParams {
        parent_recipient: to,
        amount,
        fast,
    };
    let p = parent("alice");
    w.fails("alice", METHOD_WITHDRAW, &wd(Address::new_id(100), usdc(1), None), ExitCode::USR_ILLEGAL_ARGUMENT);
    w.fails("alice", METHOD_WITHDRAW, &wd(p, usdc(11 * WHOLE), None), ExitCode::USR_INSUFFICIENT_FUNDS);
    w.fails("alice", METHOD_WITHDRAW, &wd(p, TokenAmount::from_atto(3), None), ExitCode::USR_ILLEGAL_ARGUMENT);
    let late = Some(FastTerms { fee: usdc(1), deadline_epoch: 0 });
    w.fails("alice", METHOD_WITHDRAW, &wd(p, usdc(5), late), ExitCode::USR_ILLEGAL_ARGUMENT);
    let greedy = Some(FastTerms { fee: usdc(5), deadline_epoch: 1_000 });
    w.fails("alice", METHOD_WITHDRAW, &wd(p, usdc(5), greedy), ExitCode::USR_ILLEGAL_ARGUMENT);
    w.fails("carol", METHOD_WITHDRAW, &wd(p, usdc(5), None), ExitCode::USR_INSUFFICIENT_FUNDS);

    // Every method with a body that is not its params, and an unknown method.
    for (name, method) in METHODS {
        let takes_params = !["Name", "Symbol", "Granularity", "TotalSupply", "GetBridge"].contains(name);
        if *method == 1 {
            w.fails("alice", 1, &(), ExitCode::USR_FORBIDDEN);
        } else if takes_params {
            let gateway = w.gateway;
            w.h.expect_failure("alice", gateway, *method, RawBytes::new(vec![0xff, 0x00]), ExitCode::USR_SERIALIZATION);
        }
    }
    w.fails("alice", 0xdead_beef, &(), ExitCode::USR_UNHANDLED_MESSAGE);

    let info: BridgeInfo = w.query(METHOD_GET_BRIDGE, None);
    assert_eq!((info.next_deposit_nonce, info.next_outbox_nonce, info.supply), (1, 0, usdc(10 * WHOLE)));
    assert_eq!(info.authority, w.h.id("relayer"));
}

/// The whole bridge under failures, end to end against the parent simulator: deposits (one
/// bounced), transfers, slow and fast withdrawals, an accepted fill, a late fill, a rejected
/// withdrawal re-minted, relayer replays and a gap. No USDC is created or lost at any step.
#[test]
fn end_to_end_with_the_parent_chain() {
    let mut w = World::indexed();
    let (alice, bob) = (w.h.address("alice"), w.h.address("bob"));
    let (p_alice, p_bob, lp) = (parent("p-alice"), parent("p-bob"), parent("lp"));
    let start = usdc(100 * WHOLE);
    let mut chain =
        Parent::new(&[(p_alice, start.clone()), (p_bob, start.clone()), (lp, start.clone())], "relayer", w.gateway);
    let check = |chain: &Parent, h: &Harness| chain.check(h).unwrap_or_else(|e| panic!("{e}"));

    assert!(chain.deposit(&p_alice, alice, usdc(40 * WHOLE)));
    assert!(chain.deposit(&p_bob, bob, usdc(30 * WHOLE)));
    w.set_mode(Mode::Reject, None);
    assert!(chain.deposit(&p_bob, w.receiver, usdc(5 * WHOLE)));
    check(&chain, &w.h);
    assert!(chain.deliver_with_gap(&mut w.h), "deposit 1 before 0 is refused");
    let delivered = chain.deliver_all(&mut w.h);
    assert!(matches!(&delivered[2], Delivered::Deposit(d) if !d.delivered && d.refund_nonce == Some(0)));
    assert!(chain.replay(&mut w.h, 0), "deposit 0 again is refused");
    check(&chain, &w.h);
    assert_eq!(w.state().token.supply, usdc(70 * WHOLE));

    let _: TransferReturn = w.call("alice", METHOD_TRANSFER, &transfer(bob, usdc(10 * WHOLE)));
    let epoch = w.h.node.epoch();
    let fast = |fee, deadline| Some(FastTerms { fee: usdc(fee), deadline_epoch: deadline });
    let withdraw = |w: &mut World, from: &str, to: Address, amount: u64, fast: Option<FastTerms>| -> u64 {
        let r: WithdrawReturn =
            w.call(from, METHOD_WITHDRAW, &WithdrawParams { parent_recipient: to, amount: usdc(amount), fast });
        r.nonce
    };
    let slow = withdraw(&mut w, "alice", p_alice, 5 * WHOLE, None); // 1
    let filled = withdraw(&mut w, "bob", p_bob, 20 * WHOLE, fast(100_000, epoch + 50)); // 2
    let late = withdraw(&mut w, "bob", p_bob, 4 * WHOLE, fast(40_000, epoch + 4)); // 3
    let rejected = withdraw(&mut w, "alice", p_alice, 3 * WHOLE, None); // 4
    assert_eq!((slow, filled, late, rejected), (1, 2, 3, 4), "entry 0 is the bounced deposit's refund");
    check(&chain, &w.h);

    // The LP fronts entry 2 in time; its fill of entry 3 arrives after the deadline.
    assert!(chain.fast_fill(&w.h, lp, filled));
    assert!(chain.fast_fill(&w.h, lp, late));
    assert_eq!(
        chain.deliver_next(&mut w.h),
        Some(Delivered::Fill(FillRecord { verdict: FillVerdict::Accepted, epoch: w.h.node.epoch() }))
    );
    assert_eq!(chain.balance(&p_bob), usdc(65 * WHOLE + 19_900_000), "the recipient is paid at once");
    w.h.node.set_epoch(epoch + 10).unwrap();
    let Some(Delivered::Fill(r)) = chain.deliver_next(&mut w.h) else { panic!("expected a fill") };
    assert_eq!(r.verdict, FillVerdict::DeadlinePassed);
    assert_eq!(chain.balance(&lp), start.clone() - usdc(19_900_000), "the late fill was refunded");
    check(&chain, &w.h);

    // The parent settles the outbox, rejecting entry 4; the relayer replays a confirmation.
    let processed = chain.process_outbox(&w.h, 100, |v| v.nonce == rejected);
    assert_eq!(processed, 5);
    check(&chain, &w.h);
    let delivered = chain.deliver_all(&mut w.h);
    assert!(matches!(&delivered[0], Delivered::Confirm(c) if c.count == 4));
    assert!(matches!(&delivered[1], Delivered::Reject(r) if r.hook_accepted && r.amount == usdc(3 * WHOLE)));
    for replayed in [3, 4, 5, 6] {
        assert!(chain.replay(&mut w.h, replayed), "fills, the confirmation and the rejection again");
    }
    check(&chain, &w.h);

    // Final balances on both chains.
    assert_eq!(w.balance(&alice), usdc(40 * WHOLE - 10 * WHOLE - 5 * WHOLE));
    assert_eq!(w.balance(&bob), usdc(30 * WHOLE + 10 * WHOLE - 24 * WHOLE));
    assert_eq!(chain.balance(&p_alice), usdc(60 * WHOLE + 5 * WHOLE));
    assert_eq!(chain.balance(&p_bob), usdc(65 * WHOLE + 19_900_000 + 5 * WHOLE + 4 * WHOLE));
    assert_eq!(chain.balance(&lp), start - usdc(19_900_000) + usdc(20 * WHOLE), "the LP earned the fee");
    assert_eq!(chain.locked, w.state().token.supply);
    let t = w.state().totals;
    assert_eq!((t.pending, t.refunded), (TokenAmount::default(), usdc(3 * WHOLE)));
    assert_eq!(t.confirmed, usdc(5 * WHOLE + 5 * WHOLE + 20 * WHOLE + 4 * WHOLE));
}

/// The stall attack: Mallory queues a 1 µUSDC fast withdrawal with the furthest deadline in
/// front of everyone else's. A deadline past the genesis window is refused; one inside it is
/// held by the parent, whose confirmation pays every later entry at once; the held entry is
/// paid on its own when its deadline passes. The ledger stays exact throughout.
#[test]
fn a_tiny_fast_withdrawal_with_a_far_deadline_cannot_stall_the_outbox() {
    let mut w = World::new();
    let (alice, bob) = (w.h.address("alice"), w.h.address("bob"));
    let (p_alice, p_bob) = (parent("p-alice"), parent("p-bob"));
    let start = usdc(100 * WHOLE);
    let mut chain = Parent::new(&[(p_alice, start.clone()), (p_bob, start.clone())], "relayer", w.gateway);
    let check = |chain: &Parent, h: &Harness| chain.check(h).unwrap_or_else(|e| panic!("{e}"));
    assert!(chain.deposit(&p_alice, alice, usdc(10 * WHOLE)));
    assert!(chain.deposit(&p_bob, bob, usdc(10 * WHOLE)));
    chain.deliver_all(&mut w.h);

    let window = w.state().max_fast_window;
    assert_eq!(window, 3_600, "the genesis default");
    let epoch = w.h.node.epoch();
    let attack = |deadline| WithdrawParams {
        parent_recipient: p_alice,
        amount: usdc(1),
        fast: Some(FastTerms { fee: TokenAmount::default(), deadline_epoch: deadline }),
    };
    let msg = w.fails("alice", METHOD_WITHDRAW, &attack(epoch + 1_000_000), ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(msg.contains("max_fast_window"), "{msg}");
    let r: WithdrawReturn = w.call("alice", METHOD_WITHDRAW, &attack(w.h.node.epoch() + window));
    let open = r.nonce;
    let honest: Vec<u64> = (0..3)
        .map(|_| {
            let p = WithdrawParams { parent_recipient: p_bob, amount: usdc(2 * WHOLE), fast: None };
            w.call::<_, WithdrawReturn>("bob", METHOD_WITHDRAW, &p).nonce
        })
        .collect();

    // Paying the open entry is refused; the parent holds it and pays the rest.
    let all = ConfirmParams { up_to_nonce: *honest.last().unwrap(), held: vec![] };
    w.fails("relayer", METHOD_CONFIRM_WITHDRAWALS, &all, ExitCode::USR_ILLEGAL_STATE);
    assert_eq!(chain.process_outbox(&w.h, 100, |_| false), 4);
    assert_eq!(chain.held.iter().copied().collect::<Vec<_>>(), [open]);
    let delivered = chain.deliver_all(&mut w.h);
    assert_eq!(delivered, [Delivered::Confirm(ConfirmReturn { count: 3, amount: usdc(6 * WHOLE), held: 1 })]);
    assert_eq!(chain.balance(&p_bob), usdc(96 * WHOLE), "later withdrawals are paid at once");
    let view: OutboxEntryView =
        w.query(METHOD_GET_OUTBOX_ENTRY, Some(RawBytes::serialize(NonceParam { nonce: open }).unwrap()));
    assert_eq!((view.status, view.entry.held, view.payee_final), (EntryStatus::Pending, true, false));
    check(&chain, &w.h);

    // Not payable on its own before the deadline; nothing changes.
    w.fails("relayer", METHOD_CONFIRM_HELD_WITHDRAWAL, &NonceParam { nonce: open }, ExitCode::USR_ILLEGAL_STATE);
    assert_eq!(chain.process_outbox(&w.h, 100, |_| false), 0);
    assert!(chain.queue.is_empty());
    w.h.node.set_epoch(view.entry.fast.unwrap().deadline_epoch).unwrap();
    chain.process_outbox(&w.h, 100, |_| false);
    let delivered = chain.deliver_all(&mut w.h);
    assert_eq!(delivered, [Delivered::Confirm(ConfirmReturn { count: 1, amount: usdc(1), held: 0 })]);
    assert!(chain.replay(&mut w.h, 3), "the held confirmation again is refused");
    assert!(chain.held.is_empty());
    check(&chain, &w.h);
    let t = w.state().totals;
    assert_eq!((t.pending, t.confirmed), (TokenAmount::default(), usdc(6 * WHOLE + 1)));
}
