//! Property test: random sequences of deposits, transfers, withdrawals (slow and fast),
//! confirmations (holding open fast entries), rejections, fast fills (some late, some of held
//! entries), relayer replays and gaps, driven through the
//! real gateway actor in the FVM host and the parent-chain simulator. After every step:
//! - every actor's invariant (the harness checks after every message), which for the gateway is
//!   minted = supply + burned and burned = pending + confirmed + refunded, recomputed from the
//!   outbox;
//! - conservation across both chains: the parent's USDC total is constant and the bridge's locked
//!   USDC equals the subnet supply plus what is in flight.
//!
//! Each expected failure must carry its exit code and change nothing. At the end everything in
//! flight is settled and every USDC is accounted for on one chain or the other.

use cloudless_actor_gateway::micro_usdc as usdc;
use cloudless_actor_gateway::*;
use cloudless_actor_test_receiver::{Mode, SetModeParams, METHOD_SET_MODE};
use cloudless_host::chain::parent::{Delivered, Parent, TopDown};
use cloudless_host::keys::Key;
use cloudless_testing::{assert_ok, Harness, Refusals};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use proptest::prelude::*;

const CONFIG: &str = r#"
[network]
name = "bridge"
[[accounts]]
name = "alice"
balance = "1000"
[[accounts]]
name = "bob"
balance = "1000"
[[accounts]]
name = "relayer"
balance = "1000"
[actors.gateway]
admin = "alice"
authority = "relayer"
"#;

const SENDERS: [&str; 2] = ["alice", "bob"];

fn micro_of(amount: &TokenAmount) -> u64 {
    u64::try_from(amount.atto() / GRANULARITY).unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    /// Parent user `from` deposits to subnet target `to` (alice, bob, the test receiver, a
    /// missing actor).
    Deposit {
        from: usize,
        to: usize,
        micro: u64,
    },
    /// The relayer delivers up to `count` top-down messages.
    Deliver {
        count: usize,
    },
    /// The relayer delivers an old message again.
    Replay {
        pick: usize,
    },
    /// The relayer delivers a later deposit first.
    Gap,
    /// Amounts are a percentage of the sender's balance (above 100: more than it holds).
    Transfer {
        from: usize,
        to: usize,
        percent: u64,
    },
    /// `fast`: (fee percent, deadline in epochs from now).
    Withdraw {
        from: usize,
        to: usize,
        percent: u64,
        fast: Option<(u64, i64)>,
    },
    /// The parent settles up to `max` entries, rejecting those whose nonce bit is set in `reject`.
    Process {
        max: u64,
        reject: u8,
    },
    Fill {
        lp: usize,
        pick: usize,
    },
    Advance {
        epochs: i64,
    },
    /// The test receiver's hook: accept, reject or forward to bob.
    Receiver {
        mode: u8,
    },
}

/// Mostly affordable shares of a balance, sometimes more than it holds.
fn percent() -> impl Strategy<Value = u64> {
    prop_oneof![9 => 1..=100u64, 1 => 101..=130u64]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..2usize, 0..4usize, 1..40_000_000u64).prop_map(|(from, to, micro)| Op::Deposit { from, to, micro }),
        4 => (1..4usize).prop_map(|count| Op::Deliver { count }),
        1 => any::<usize>().prop_map(|pick| Op::Replay { pick }),
        1 => Just(Op::Gap),
        3 => (0..2usize, 0..4usize, percent()).prop_map(|(from, to, percent)| Op::Transfer { from, to, percent }),
        4 => (0..2usize, 0..2usize, percent(), proptest::option::weighted(0.6, (0..99u64, 1..20i64)))
            .prop_map(|(from, to, percent, fast)| Op::Withdraw { from, to, percent, fast }),
        2 => (1..6u64, any::<u8>()).prop_map(|(max, reject)| Op::Process { max, reject }),
        3 => (0..2usize, any::<usize>()).prop_map(|(lp, pick)| Op::Fill { lp, pick }),
        1 => (1..15i64).prop_map(|epochs| Op::Advance { epochs }),
        1 => (0..3u8).prop_map(|mode| Op::Receiver { mode }),
    ]
}

/// What the random runs exercised, summed over all cases (the test asserts each happened).
#[derive(Debug, Default, Clone, Copy)]
struct Coverage {
    deposits: u64,
    bounced: u64,
    transfers: u64,
    refused: u64,
    withdrawals: u64,
    confirmed: u64,
    held: u64,
    rejected: u64,
    fills_accepted: u64,
    fills_refused: u64,
    replays: u64,
    gaps: u64,
}

struct World {
    cov: Coverage,
    h: Harness,
    chain: Parent,
    gateway: Address,
    receiver: Address,
    mode: Mode,
    /// Subnet targets: alice, bob, the receiver, an actor that does not exist.
    targets: [Address; 4],
    parents: [Address; 2],
    lps: [Address; 2],
}

impl World {
    fn new() -> Self {
        let mut h = Harness::new(CONFIG, cloudless_bundle::TEST_BUNDLE_CAR).unwrap();
        let gateway = h.address("gateway");
        let receiver = h.exec("alice", "test-receiver");
        let parents = [Key::dev("p-alice").address(), Key::dev("p-bob").address()];
        let lps = [Key::dev("lp-1").address(), Key::dev("lp-2").address()];
        let funded: Vec<_> = parents.iter().chain(&lps).map(|a| (*a, usdc(100_000_000))).collect();
        let chain = Parent::new(&funded, "relayer", gateway);
        let targets = [h.address("alice"), h.address("bob"), receiver, Address::new_id(4242)];
        let mut w =
            Self { cov: Coverage::default(), h, chain, gateway, receiver, mode: Mode::Accept, targets, parents, lps };
        w.set_mode(Mode::Accept);
        w
    }

    fn set_mode(&mut self, mode: Mode) {
        let p = SetModeParams { mode, forward_to: Some(self.targets[1]) };
        let ret = self.h.send_raw(
            "alice",
            self.receiver,
            METHOD_SET_MODE,
            RawBytes::serialize(p).unwrap(),
            TokenAmount::default(),
        );
        assert_ok(&ret);
        self.mode = mode;
    }

    fn balance(&self, who: &str) -> TokenAmount {
        self.chain.gateway_state(&self.h).token.get_balance(self.h.node.store(), self.h.id(who)).unwrap()
    }

    /// `percent` of `who`'s balance in whole micro-USDC, at least one.
    fn share(&self, who: &str, percent: u64) -> TokenAmount {
        usdc((micro_of(&self.balance(who)) * percent / 100).max(1))
    }

    /// Sends from a subnet user; `expected` is the exit code the model predicts.
    fn send(&mut self, from: &str, method: u64, params: RawBytes, expected: ExitCode) {
        let counter = if method == METHOD_TRANSFER { &mut self.cov.transfers } else { &mut self.cov.withdrawals };
        *counter += u64::from(expected.is_success());
        self.cov.refused += u64::from(!expected.is_success());
        if expected.is_success() {
            assert_ok(&self.h.send_raw(from, self.gateway, method, params, TokenAmount::default()));
        } else {
            let gateway = self.gateway;
            self.h.expect_failure(from, gateway, method, params, expected);
        }
    }

    fn apply(&mut self, op: &Op) {
        match op.clone() {
            Op::Deposit { from, to, micro } => {
                let (from, to) = (self.parents[from], self.targets[to]);
                self.chain.deposit(&from, to, usdc(micro));
            }
            Op::Deliver { count } => {
                for _ in 0..count {
                    match self.chain.deliver_next(&mut self.h) {
                        Some(Delivered::Deposit(d)) => {
                            self.cov.deposits += 1;
                            self.cov.bounced += u64::from(!d.delivered);
                        }
                        Some(Delivered::Confirm(c)) => {
                            self.cov.confirmed += c.count;
                            self.cov.held += c.held;
                        }
                        Some(Delivered::Reject(_)) => self.cov.rejected += 1,
                        Some(Delivered::Fill(f)) if f.verdict == FillVerdict::Accepted => self.cov.fills_accepted += 1,
                        Some(Delivered::Fill(_)) => self.cov.fills_refused += 1,
                        None => {}
                    }
                }
            }
            Op::Replay { pick } => self.cov.replays += u64::from(self.chain.replay(&mut self.h, pick)),
            Op::Gap => self.cov.gaps += u64::from(self.chain.deliver_with_gap(&mut self.h)),
            Op::Transfer { from, to, percent } => {
                let sender = SENDERS[from];
                let amount = self.share(sender, percent);
                let expected = if amount > self.balance(sender) {
                    ExitCode::USR_INSUFFICIENT_FUNDS
                } else if to == 2 && self.mode == Mode::Reject {
                    ExitCode::USR_FORBIDDEN
                } else if to == 3 {
                    ExitCode::USR_NOT_FOUND
                } else {
                    ExitCode::OK
                };
                let p = TransferParams { to: self.targets[to], amount, operator_data: Vec::new() };
                self.send(sender, METHOD_TRANSFER, RawBytes::serialize(p).unwrap(), expected);
            }
            Op::Withdraw { from, to, percent, fast } => {
                let sender = SENDERS[from];
                let amount = self.share(sender, percent);
                let micro = micro_of(&amount);
                let now = self.h.node.epoch() + 1;
                let fast =
                    fast.map(|(pct, after)| FastTerms { fee: usdc(micro * pct / 100), deadline_epoch: now + after });
                let expected =
                    if amount > self.balance(sender) { ExitCode::USR_INSUFFICIENT_FUNDS } else { ExitCode::OK };
                let p = WithdrawParams { parent_recipient: self.parents[to], amount, fast };
                self.send(sender, METHOD_WITHDRAW, RawBytes::serialize(p).unwrap(), expected);
            }
            Op::Process { max, reject } => {
                self.chain.process_outbox(&self.h, max, |v| reject >> (v.nonce % 8) & 1 == 1);
            }
            Op::Fill { lp, pick } => {
                // Open entries: unprocessed ones and those the parent holds.
                let mut fast: Vec<u64> = self
                    .chain
                    .unprocessed(&self.h)
                    .into_iter()
                    .filter(|v| v.entry.fast.is_some())
                    .map(|v| v.nonce)
                    .collect();
                fast.extend(self.chain.held.iter().copied());
                if !fast.is_empty() {
                    self.chain.fast_fill(&self.h, self.lps[lp], fast[pick % fast.len()]);
                }
            }
            Op::Advance { epochs } => {
                let epoch = self.h.node.epoch();
                self.h.node.set_epoch(epoch + epochs).unwrap();
            }
            Op::Receiver { mode } => {
                self.set_mode([Mode::Accept, Mode::Reject, Mode::Forward][usize::from(mode)]);
            }
        }
    }

    fn check(&self, step: usize, op: &Op) {
        self.chain.check(&self.h).unwrap_or_else(|e| panic!("after step {step} ({op:?}): {e}"));
    }

    /// Settles everything: deliver, let deadlines pass, pay out, until nothing is in flight.
    fn drain(&mut self) {
        self.set_mode(Mode::Accept);
        let epoch = self.h.node.epoch();
        self.h.node.set_epoch(epoch + 30).unwrap();
        loop {
            self.chain.deliver_all(&mut self.h);
            if self.chain.process_outbox(&self.h, MAX_CONFIRM_BATCH, |_| false) == 0 && self.chain.queue.is_empty() {
                break;
            }
        }
        self.chain.check(&self.h).unwrap();
        let st = self.chain.gateway_state(&self.h);
        assert_eq!(self.chain.in_flight(&self.h), TokenAmount::default());
        assert_eq!(self.chain.locked, st.token.supply, "all locked USDC is on the subnet");
        assert_eq!(st.totals.pending, TokenAmount::default());
        assert!(self.chain.escrow.is_empty());
        assert_eq!(
            st.next_deposit_nonce,
            self.chain.delivered.iter().filter(|m| matches!(m, TopDown::Deposit(_))).count() as u64
        );
    }
}

#[test]
fn random_bridge_traffic_never_creates_or_loses_usdc() {
    let config = ProptestConfig { cases: 64, max_shrink_iters: 200, ..ProptestConfig::default() };
    let total = std::cell::Cell::new(Coverage::default());
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&proptest::collection::vec(op(), 20..80), |ops| {
        let mut w = World::new();
        for (step, op) in ops.iter().enumerate() {
            w.apply(op);
            w.check(step, op);
        }
        w.drain();
        let (mut sum, c) = (total.get(), w.cov);
        sum.deposits += c.deposits;
        sum.bounced += c.bounced;
        sum.transfers += c.transfers;
        sum.refused += c.refused;
        sum.withdrawals += c.withdrawals;
        sum.confirmed += c.confirmed;
        sum.held += c.held;
        sum.rejected += c.rejected;
        sum.fills_accepted += c.fills_accepted;
        sum.fills_refused += c.fills_refused;
        sum.replays += c.replays;
        sum.gaps += c.gaps;
        total.set(sum);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let c = total.get();
    eprintln!("{c:?}");
    let all = [
        c.deposits,
        c.bounced,
        c.transfers,
        c.refused,
        c.withdrawals,
        c.confirmed,
        c.held,
        c.rejected,
        c.fills_accepted,
        c.fills_refused,
        c.replays,
        c.gaps,
    ];
    assert!(all.iter().all(|n| *n > 0), "every kind of step must occur: {c:?}");
}
