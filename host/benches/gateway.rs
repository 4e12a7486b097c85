//! Gas of the gateway's messages as Wasm in the FVM with our kernel, on a fresh token and on ones
//! with 1,000 and 10,000 holders and as many outbox entries. Balances live in the FRC-46
//! library's HAMT and the outbox in an AMT, so costs grow with the logarithm of their size: the
//! bench fails if 10,000 costs more than 1.5× what 1,000 does. Also the largest
//! `ConfirmWithdrawals` (MAX_CONFIRM_BATCH entries), which must stay under a tenth of the block
//! gas limit.
//! `make bench` (or `cargo bench -p cloudless-host --bench gateway`).

use cloudless_actor_gateway::micro_usdc as usdc;
use cloudless_actor_gateway::*;
use cloudless_actor_test_receiver::{Mode, SetModeParams, METHOD_SET_MODE};
use cloudless_host::keys::Key;
use cloudless_host::node::BLOCK_GAS_LIMIT;
use cloudless_testing::{assert_ok, Harness};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use serde::Serialize;

const CONFIG: &str = r#"
[network]
name = "gateway-bench"
[[accounts]]
name = "alice"
balance = "1000000"
[[accounts]]
name = "bob"
balance = "1000000"
[[accounts]]
name = "relayer"
balance = "1000000"
[actors.gateway]
admin = "alice"
authority = "relayer"
"#;

struct World {
    h: Harness,
    gateway: Address,
    receiver: Address,
    deposits: u64,
}

impl World {
    fn new() -> Self {
        let mut h = Harness::new(CONFIG, cloudless_bundle::TEST_BUNDLE_CAR).unwrap().unchecked();
        let gateway = h.address("gateway");
        let receiver = h.exec("alice", "test-receiver");
        let mode = RawBytes::serialize(SetModeParams { mode: Mode::Reject, forward_to: None }).unwrap();
        assert_ok(&h.send_raw("alice", receiver, METHOD_SET_MODE, mode, TokenAmount::default()));
        Self { h, gateway, receiver, deposits: 0 }
    }

    fn gas<P: Serialize>(&mut self, from: &str, method: u64, params: &P) -> u64 {
        let p = RawBytes::serialize(params).unwrap();
        let ret = self.h.send_raw(from, self.gateway, method, p, TokenAmount::default());
        assert_ok(&ret);
        ret.msg_receipt.gas_used
    }

    fn deposit(&mut self, recipient: Address, amount: TokenAmount) -> u64 {
        let p = DepositParams { nonce: self.deposits, parent_sender: Key::dev("p").address(), recipient, amount };
        self.deposits += 1;
        self.gas("relayer", METHOD_APPLY_DEPOSIT, &p)
    }

    fn withdraw(&mut self, amount: u64, fast: bool) -> u64 {
        let fast = fast.then(|| FastTerms { fee: usdc(1), deadline_epoch: self.h.node.epoch() + 1_000 });
        let p = WithdrawParams { parent_recipient: Key::dev("p").address(), amount: usdc(amount), fast };
        self.gas("alice", METHOD_WITHDRAW, &p)
    }

    fn next_outbox(&self) -> u64 {
        let st: State = self.h.node.actor_state(self.h.id("gateway")).unwrap();
        st.next_outbox_nonce
    }

    /// Gas of every measured message, in order of `MESSAGES`.
    fn measure(&mut self) -> Vec<u64> {
        let (alice, bob, receiver) = (self.h.address("alice"), self.h.address("bob"), self.receiver);
        let deposit = self.deposit(alice, usdc(1_000_000));
        let bounced = self.deposit(receiver, usdc(1_000));
        let transfer = self.gas(
            "alice",
            METHOD_TRANSFER,
            &TransferParams { to: bob, amount: usdc(10), operator_data: Vec::new() },
        );
        let slow = self.withdraw(20, false);
        let reject_nonce = self.next_outbox();
        self.withdraw(20, false);
        let fill_nonce = self.next_outbox();
        let fast = self.withdraw(30, true);
        let fill = self.gas(
            "relayer",
            METHOD_APPLY_FAST_FILL,
            &FastFillParams { withdrawal_nonce: fill_nonce, lp: Key::dev("lp").address() },
        );
        let reject = self.gas("relayer", METHOD_REJECT_WITHDRAWAL, &NonceParam { nonce: reject_nonce });
        let st: State = self.h.node.actor_state(self.h.id("gateway")).unwrap();
        let confirm = self.gas(
            "relayer",
            METHOD_CONFIRM_WITHDRAWALS,
            &ConfirmParams { up_to_nonce: st.settled_before, held: vec![] },
        );
        vec![deposit, bounced, transfer, slow, fast, fill, reject, confirm]
    }
}

const MESSAGES: [&str; 8] = [
    "ApplyDeposit (delivered)",
    "ApplyDeposit (bounced)",
    "Transfer",
    "Withdraw",
    "Withdraw (fast)",
    "ApplyFastFill",
    "RejectWithdrawal (re-mint)",
    "ConfirmWithdrawals (1 entry)",
];

/// A world with `n` holders and `n` outbox entries.
fn populated(n: u64) -> World {
    let mut w = World::new();
    for i in 0..n {
        w.deposit(Key::dev(&format!("holder-{i}")).address(), usdc(1));
    }
    w.deposit(w.h.address("alice"), usdc(10 * n + 10));
    for _ in 0..n {
        w.withdraw(1, false);
    }
    w
}

fn main() {
    let fresh = World::new().measure();
    let mut mid = populated(1_000);
    let mid_gas = mid.measure();
    let mut large = populated(10_000);
    let large_gas = large.measure();

    println!("{:<30} {:>11} {:>11} {:>11} {:>9}", "message", "fresh", "1,000", "10,000", "10k/1k");
    let mut worst = 0.0f64;
    for (i, name) in MESSAGES.iter().enumerate() {
        let ratio = large_gas[i] as f64 / mid_gas[i] as f64;
        worst = worst.max(ratio);
        println!("{name:<30} {:>11} {:>11} {:>11} {ratio:>9.3}", fresh[i], mid_gas[i], large_gas[i]);
    }

    // The largest confirmation: MAX_CONFIRM_BATCH entries at once, in the large state.
    let from = large.next_outbox();
    for _ in 0..MAX_CONFIRM_BATCH {
        large.withdraw(1, false);
    }
    let st: State = large.h.node.actor_state(large.h.id("gateway")).unwrap();
    // Confirm everything before the batch first, in bounded steps.
    let mut next = st.settled_before;
    while next < from {
        let up_to = (next + MAX_CONFIRM_BATCH - 1).min(from - 1);
        large.gas("relayer", METHOD_CONFIRM_WITHDRAWALS, &ConfirmParams { up_to_nonce: up_to, held: vec![] });
        next = up_to + 1;
    }
    let up_to = from + MAX_CONFIRM_BATCH - 1;
    let batch = large.gas("relayer", METHOD_CONFIRM_WITHDRAWALS, &ConfirmParams { up_to_nonce: up_to, held: vec![] });
    println!(
        "ConfirmWithdrawals ({MAX_CONFIRM_BATCH} entries): {batch} gas, {:.4} of the block gas limit",
        batch as f64 / BLOCK_GAS_LIMIT as f64
    );
    // The same with every entry an open fast withdrawal, all held (each one rewritten).
    let from = large.next_outbox();
    for _ in 0..MAX_CONFIRM_BATCH {
        large.withdraw(2, true);
    }
    let held =
        ConfirmParams { up_to_nonce: from + MAX_CONFIRM_BATCH - 1, held: (from..from + MAX_CONFIRM_BATCH).collect() };
    let held_batch = large.gas("relayer", METHOD_CONFIRM_WITHDRAWALS, &held);
    println!(
        "ConfirmWithdrawals ({MAX_CONFIRM_BATCH} entries, all held): {held_batch} gas, {:.4} of the block gas limit",
        held_batch as f64 / BLOCK_GAS_LIMIT as f64
    );

    assert!(worst <= 1.5, "a message costs {worst:.3}x more with 10,000 holders than with 1,000");
    assert!(batch.max(held_batch) <= BLOCK_GAS_LIMIT / 10, "the largest confirmation takes {batch} / {held_batch} gas");
}
