//! Every method of the gateway through its real dispatch, natively against the mock runtime,
//! with the receiver-hook paths the FVM tests also cover: a hook that refuses (the transfer
//! fails, the deposit bounces into the outbox, the re-mint stays credited) and a hook that
//! re-enters the token to pass the tokens on. Every refusal changes nothing.

use cloudless_runtime::mock::MockRuntime;
use cloudless_runtime::Invariants;
use cloudless_runtime::{actor_error, Runtime};
use frc46_token::receiver::{FRC46TokenReceived, FRC46_TOKEN_TYPE};
use fvm_actor_utils::receiver::UniversalReceiverParams;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::ActorID;
use serde::de::DeserializeOwned;

use crate::types::micro_usdc as usdc;
use crate::*;

const GATEWAY: ActorID = 84;
const ADMIN: ActorID = 100;
const RELAYER: ActorID = 101;
const ALICE: ActorID = 102;
const BOB: ActorID = 103;
const CAROL: ActorID = 104;
const RECEIVER: ActorID = 200;
const MALLORY: ActorID = 666;
const WHOLE: u64 = 1_000_000;
/// FRC-46's universal receiver hook.
const RECEIVE: u64 = frc42_dispatch::method_hash!("Receive");

fn key(n: u8) -> Address {
    Address::new_secp256k1(&[n; 65]).unwrap()
}

fn id(n: ActorID) -> Address {
    Address::new_id(n)
}

fn gateway() -> MockRuntime {
    let rt = MockRuntime::new::<GatewayActor>(GATEWAY);
    for (n, who) in [ADMIN, RELAYER, ALICE, BOB, CAROL, MALLORY].into_iter().enumerate() {
        rt.add_account(who, key(n as u8 + 1), TokenAmount::default());
    }
    rt.add_actor(RECEIVER, TokenAmount::default());
    accept_hook(&rt);
    let p = ConstructorParams {
        admin: id(ADMIN),
        authority: id(RELAYER),
        name: "USD Coin".into(),
        symbol: "USDC".into(),
        max_fast_window: 100,
        ipc: None,
    };
    rt.construct(&p).unwrap();
    rt
}

/// RECEIVER's hook accepts.
fn accept_hook(rt: &MockRuntime) {
    rt.on_send(RECEIVER, Some(RECEIVE), |_, _| Ok(None));
}

/// RECEIVER's hook refuses.
fn reject_hook(rt: &MockRuntime) {
    rt.on_send(RECEIVER, Some(RECEIVE), |_, _| Err(actor_error!(forbidden; "this receiver rejects tokens")));
}

/// RECEIVER's hook transfers what it got on to `to`, from inside the hook.
fn forward_hook(rt: &MockRuntime, to: ActorID) {
    rt.on_send(RECEIVER, Some(RECEIVE), move |rt, sent| {
        let p: UniversalReceiverParams = sent.decode();
        assert_eq!(p.type_, FRC46_TOKEN_TYPE);
        let got: FRC46TokenReceived = p.payload.deserialize().unwrap();
        let forward = TransferParams { to: id(to), amount: got.amount, operator_data: vec![] };
        rt.invoke(RECEIVER, METHOD_TRANSFER, IpldBlock::serialize_cbor(&forward).unwrap(), TokenAmount::default())
            .map(|_| None)
    });
}

fn query<T: DeserializeOwned>(rt: &MockRuntime, method: u64) -> T {
    rt.ok(MALLORY, method, &())
}

fn balance(rt: &MockRuntime, who: ActorID) -> TokenAmount {
    rt.ok::<_, Amount>(MALLORY, METHOD_BALANCE, &AddressParam(id(who))).0
}

fn deposit(rt: &MockRuntime, to: ActorID, amount: TokenAmount) -> DepositReturn {
    let nonce = query::<BridgeInfo>(rt, METHOD_GET_BRIDGE).next_deposit_nonce;
    rt.ok(RELAYER, METHOD_APPLY_DEPOSIT, &DepositParams { nonce, parent_sender: key(50), recipient: id(to), amount })
}

fn assert_sound(rt: &MockRuntime) {
    let st: State = rt.state().unwrap();
    let errors = st.check_state_invariants(rt.store(), &rt.balance());
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn constructor_and_metadata() {
    let rt = gateway();
    assert_eq!(rt.event_types(), ["admin-transferred", "token-created"]);
    assert_eq!(query::<String>(&rt, METHOD_NAME), "USD Coin");
    assert_eq!(query::<String>(&rt, METHOD_SYMBOL), "USDC");
    assert_eq!(query::<u64>(&rt, METHOD_GRANULARITY), GRANULARITY);
    assert_eq!(query::<Amount>(&rt, METHOD_TOTAL_SUPPLY).0, TokenAmount::default());
    let fresh = MockRuntime::new::<GatewayActor>(GATEWAY);
    fresh.add_actor(ADMIN, TokenAmount::default());
    let p = ConstructorParams {
        admin: id(ADMIN),
        authority: id(ADMIN),
        name: "USD Coin".into(),
        symbol: String::new(),
        max_fast_window: 100,
        ipc: None,
    };
    fresh.refused(ADMIN, 1, &p, ExitCode::USR_FORBIDDEN);
    fresh.refused(0, 1, &p, ExitCode::USR_ILLEGAL_ARGUMENT);
    fresh.refused(0, 1, &ConstructorParams { authority: id(4242), ..p }, ExitCode::USR_NOT_FOUND);
}

#[test]
fn deposits_deliver_bounce_or_pass_on_through_a_reentrant_hook() {
    let rt = gateway();
    assert_eq!(deposit(&rt, ALICE, usdc(10 * WHOLE)), DepositReturn { delivered: true, refund_nonce: None });
    assert_eq!(balance(&rt, ALICE), usdc(10 * WHOLE));
    let d = DepositParams { nonce: 0, parent_sender: key(50), recipient: id(ALICE), amount: usdc(1) };
    rt.refused(RELAYER, METHOD_APPLY_DEPOSIT, &d, ExitCode::USR_ILLEGAL_ARGUMENT);
    rt.refused(RELAYER, METHOD_APPLY_DEPOSIT, &DepositParams { nonce: 2, ..d.clone() }, ExitCode::USR_ILLEGAL_STATE);
    rt.refused(MALLORY, METHOD_APPLY_DEPOSIT, &DepositParams { nonce: 1, ..d.clone() }, ExitCode::USR_FORBIDDEN);
    let dust = DepositParams { nonce: 1, amount: TokenAmount::from_atto(1), ..d.clone() };
    rt.refused(RELAYER, METHOD_APPLY_DEPOSIT, &dust, ExitCode::USR_ILLEGAL_ARGUMENT);
    rt.refused(RELAYER, METHOD_APPLY_DEPOSIT, &RawBytes::new(vec![7]), ExitCode::USR_SERIALIZATION);

    // A refusing hook: nothing is minted to it, the refund is queued to the parent sender.
    reject_hook(&rt);
    rt.clear_records();
    assert_eq!(deposit(&rt, RECEIVER, usdc(WHOLE)), DepositReturn { delivered: false, refund_nonce: Some(0) });
    assert_eq!(balance(&rt, RECEIVER), TokenAmount::default());
    assert_eq!(query::<Amount>(&rt, METHOD_TOTAL_SUPPLY).0, usdc(10 * WHOLE));
    assert_eq!(rt.event_types(), ["outbox-entry", "deposit-bounced"]);
    let entry: OutboxEntryView = rt.ok(MALLORY, METHOD_GET_OUTBOX_ENTRY, &NonceParam { nonce: 0 });
    assert_eq!((entry.entry.payee, entry.entry.deposit_nonce), (key(50), Some(1)));
    // An actor that does not exist bounces too.
    assert!(!deposit(&rt, 4242, usdc(WHOLE)).delivered);

    // A hook that re-enters the token and forwards the tokens: saved before the hook, reloaded after.
    forward_hook(&rt, BOB);
    assert!(deposit(&rt, RECEIVER, usdc(3 * WHOLE)).delivered);
    assert_eq!((balance(&rt, RECEIVER), balance(&rt, BOB)), (TokenAmount::default(), usdc(3 * WHOLE)));
    assert_sound(&rt);
}

#[test]
fn transfers_allowances_and_a_refusing_recipient() {
    let rt = gateway();
    deposit(&rt, ALICE, usdc(10 * WHOLE));
    let t = |to: ActorID, amount: TokenAmount| TransferParams { to: id(to), amount, operator_data: vec![7] };
    let r: TransferReturn = rt.ok(ALICE, METHOD_TRANSFER, &t(BOB, usdc(WHOLE)));
    assert_eq!((r.from_balance, r.to_balance), (usdc(9 * WHOLE), usdc(WHOLE)));
    rt.refused(ALICE, METHOD_TRANSFER, &t(BOB, usdc(20 * WHOLE)), ExitCode::USR_INSUFFICIENT_FUNDS);
    rt.refused(ALICE, METHOD_TRANSFER, &t(BOB, TokenAmount::from_atto(1)), ExitCode::USR_ILLEGAL_ARGUMENT);
    rt.refused(ALICE, METHOD_TRANSFER, &t(4242, usdc(1)), ExitCode::USR_NOT_FOUND);
    let long = TransferParams { operator_data: vec![7; MAX_OPERATOR_DATA + 1], ..t(BOB, usdc(1)) };
    let msg = rt.refused(ALICE, METHOD_TRANSFER, &long, ExitCode::USR_ILLEGAL_ARGUMENT);
    assert!(msg.contains("exceeds the limit of 65536"), "{msg}");
    let most = TransferParams { operator_data: vec![7; MAX_OPERATOR_DATA], ..t(BOB, usdc(1)) };
    rt.ok::<_, TransferReturn>(ALICE, METHOD_TRANSFER, &most);
    reject_hook(&rt);
    let msg = rt.refused(ALICE, METHOD_TRANSFER, &t(RECEIVER, usdc(1)), ExitCode::USR_FORBIDDEN);
    assert!(msg.contains("refused the tokens"), "{msg}");
    // The hook saw the FRC-46 receipt.
    accept_hook(&rt);
    rt.clear_records();
    rt.ok::<_, TransferReturn>(ALICE, METHOD_TRANSFER, &t(RECEIVER, usdc(2)));
    let hook = rt.sent().into_iter().find(|s| s.to == RECEIVER).unwrap();
    let got: FRC46TokenReceived = hook.decode::<UniversalReceiverParams>().payload.deserialize().unwrap();
    assert_eq!((got.from, got.operator, got.amount, got.operator_data.to_vec()), (ALICE, ALICE, usdc(2), vec![7]));

    let inc = IncreaseAllowanceParams { operator: id(CAROL), increase: usdc(5 * WHOLE) };
    assert_eq!(rt.ok::<_, Amount>(ALICE, METHOD_INCREASE_ALLOWANCE, &inc).0, usdc(5 * WHOLE));
    rt.refused(
        ALICE,
        METHOD_INCREASE_ALLOWANCE,
        &IncreaseAllowanceParams { increase: -usdc(1), ..inc.clone() },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    let q = GetAllowanceParams { owner: id(ALICE), operator: id(CAROL) };
    assert_eq!(rt.ok::<_, Amount>(MALLORY, METHOD_ALLOWANCE, &q).0, usdc(5 * WHOLE));
    let from = |amount| TransferFromParams { from: id(ALICE), to: id(BOB), amount, operator_data: vec![] };
    let r: TransferFromReturn = rt.ok(CAROL, METHOD_TRANSFER_FROM, &from(usdc(2 * WHOLE)));
    assert_eq!(r.allowance, usdc(3 * WHOLE));
    rt.refused(CAROL, METHOD_TRANSFER_FROM, &from(usdc(4 * WHOLE)), ExitCode::USR_INSUFFICIENT_FUNDS);
    rt.refused(MALLORY, METHOD_TRANSFER_FROM, &from(usdc(1)), ExitCode::USR_INSUFFICIENT_FUNDS);
    let long = TransferFromParams { operator_data: vec![0; MAX_OPERATOR_DATA + 1], ..from(usdc(1)) };
    rt.refused(CAROL, METHOD_TRANSFER_FROM, &long, ExitCode::USR_ILLEGAL_ARGUMENT);
    let dec = DecreaseAllowanceParams { operator: id(CAROL), decrease: usdc(WHOLE) };
    assert_eq!(rt.ok::<_, Amount>(ALICE, METHOD_DECREASE_ALLOWANCE, &dec).0, usdc(2 * WHOLE));
    rt.ok::<_, ()>(ALICE, METHOD_REVOKE_ALLOWANCE, &RevokeAllowanceParams { operator: id(CAROL) });
    assert_eq!(rt.ok::<_, Amount>(MALLORY, METHOD_ALLOWANCE, &q).0, TokenAmount::default());
    assert_sound(&rt);
}

#[test]
fn withdrawals_burns_confirmations_rejections_and_fills() {
    let rt = gateway();
    deposit(&rt, ALICE, usdc(10 * WHOLE));
    let fast = Some(FastTerms { fee: usdc(1000), deadline_epoch: 100 });
    let w = WithdrawParams { parent_recipient: key(60), amount: usdc(WHOLE), fast };
    rt.refused(
        ALICE,
        METHOD_WITHDRAW,
        &WithdrawParams { parent_recipient: id(5), ..w.clone() },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );
    rt.refused(BOB, METHOD_WITHDRAW, &w, ExitCode::USR_INSUFFICIENT_FUNDS);
    assert_eq!(
        rt.ok::<_, WithdrawReturn>(ALICE, METHOD_WITHDRAW, &w),
        WithdrawReturn { nonce: 0, balance: usdc(9 * WHOLE) }
    );
    // Burn: to the owner's own key address on the parent (asked of the account: PubkeyAddress).
    let b: BurnReturn = rt.ok(ALICE, METHOD_BURN, &BurnParams { amount: usdc(WHOLE) });
    assert_eq!(b.balance, usdc(8 * WHOLE));
    let inc = IncreaseAllowanceParams { operator: id(CAROL), increase: usdc(WHOLE) };
    rt.ok::<_, Amount>(ALICE, METHOD_INCREASE_ALLOWANCE, &inc);
    let bf: BurnFromReturn = rt.ok(CAROL, METHOD_BURN_FROM, &BurnFromParams { owner: id(ALICE), amount: usdc(WHOLE) });
    assert_eq!((bf.balance, bf.allowance), (usdc(7 * WHOLE), TokenAmount::default()));
    rt.refused(
        CAROL,
        METHOD_BURN_FROM,
        &BurnFromParams { owner: id(ALICE), amount: usdc(1) },
        ExitCode::USR_INSUFFICIENT_FUNDS,
    );
    let page: Vec<OutboxEntryView> = rt.ok(MALLORY, METHOD_GET_OUTBOX, &OutboxPageParams { from_nonce: 0, limit: 10 });
    assert_eq!(page.iter().map(|v| v.entry.recipient).collect::<Vec<_>>(), [key(60), key(3), key(3)]);
    rt.refused(
        MALLORY,
        METHOD_GET_OUTBOX,
        &OutboxPageParams { from_nonce: 0, limit: 0 },
        ExitCode::USR_ILLEGAL_ARGUMENT,
    );

    // A fast fill makes the LP the payee; a second one is recorded as refused; replays fail.
    let fill = FastFillParams { withdrawal_nonce: 0, lp: key(70) };
    rt.refused(MALLORY, METHOD_APPLY_FAST_FILL, &fill, ExitCode::USR_FORBIDDEN);
    assert_eq!(rt.ok::<_, FillRecord>(RELAYER, METHOD_APPLY_FAST_FILL, &fill).verdict, FillVerdict::Accepted);
    rt.refused(RELAYER, METHOD_APPLY_FAST_FILL, &fill, ExitCode::USR_ILLEGAL_ARGUMENT);
    let late = FastFillParams { withdrawal_nonce: 0, lp: key(71) };
    assert_eq!(rt.ok::<_, FillRecord>(RELAYER, METHOD_APPLY_FAST_FILL, &late).verdict, FillVerdict::AlreadyFilled);
    let got: Option<FillRecord> = rt.ok(MALLORY, METHOD_GET_FAST_FILL, &FillQuery { withdrawal_nonce: 0, lp: key(70) });
    assert_eq!(got.map(|f| f.verdict), Some(FillVerdict::Accepted));
    rt.refused(RELAYER, METHOD_REJECT_WITHDRAWAL, &NonceParam { nonce: 0 }, ExitCode::USR_ILLEGAL_STATE);

    // Rejection re-mints to the sender; a sender whose hook refuses is credited all the same.
    deposit(&rt, RECEIVER, usdc(WHOLE));
    let w2 = WithdrawParams { parent_recipient: key(61), amount: usdc(WHOLE), fast: None };
    rt.ok::<_, WithdrawReturn>(RECEIVER, METHOD_WITHDRAW, &w2);
    reject_hook(&rt);
    rt.refused(MALLORY, METHOD_REJECT_WITHDRAWAL, &NonceParam { nonce: 3 }, ExitCode::USR_FORBIDDEN);
    let r: RejectReturn = rt.ok(RELAYER, METHOD_REJECT_WITHDRAWAL, &NonceParam { nonce: 3 });
    assert_eq!((r.sender, r.amount, r.hook_accepted), (RECEIVER, usdc(WHOLE), false));
    assert_eq!(balance(&rt, RECEIVER), usdc(WHOLE));
    rt.refused(RELAYER, METHOD_REJECT_WITHDRAWAL, &NonceParam { nonce: 3 }, ExitCode::USR_ILLEGAL_ARGUMENT);

    rt.refused(
        MALLORY,
        METHOD_CONFIRM_WITHDRAWALS,
        &ConfirmParams { up_to_nonce: 2, held: vec![] },
        ExitCode::USR_FORBIDDEN,
    );
    rt.refused(
        RELAYER,
        METHOD_CONFIRM_WITHDRAWALS,
        &ConfirmParams { up_to_nonce: 9, held: vec![] },
        ExitCode::USR_NOT_FOUND,
    );
    let c: ConfirmReturn = rt.ok(RELAYER, METHOD_CONFIRM_WITHDRAWALS, &ConfirmParams { up_to_nonce: 3, held: vec![] });
    assert_eq!(c, ConfirmReturn { count: 3, amount: usdc(3 * WHOLE), held: 0 });
    let bridge: BridgeInfo = query(&rt, METHOD_GET_BRIDGE);
    assert_eq!((bridge.settled_before, bridge.totals.refunded), (4, usdc(WHOLE)));
    assert_sound(&rt);
}

#[test]
fn admin_hands_over() {
    let rt = gateway();
    cloudless_runtime::admin::check_transfer_admin(&rt, METHOD_TRANSFER_ADMIN, ADMIN, MALLORY);
    assert_eq!(query::<BridgeInfo>(&rt, METHOD_GET_BRIDGE).admin, MALLORY);
    rt.refused(MALLORY, 4242, &(), ExitCode::USR_UNHANDLED_MESSAGE);
}
