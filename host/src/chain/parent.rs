//! A parent-chain simulator for the USDC gateway (docs/protocol.md §5): USDC held by parent accounts and
//! locked by the bridge, a relayer carrying messages both ways, and liquidity providers doing
//! fast fills. The subnet side is the real gateway actor in the FVM, driven through a
//! [`Chain`]; the relayer signs as the gateway's bridge authority.
//!
//! Top-down messages (deposits, confirmations, rejections, fills) wait in a queue and are
//! delivered in order. The bottom-up direction is the relayer reading the gateway's outbox from
//! the subnet state, as a checkpoint would carry it: the parent pays out an entry once its payee
//! is final, or rejects it, and queues the matching message back. An entry whose payee may
//! still change (an open fast withdrawal) is passed over and *held*: the confirmation names it,
//! later entries are paid anyway, and the held entry is paid (`ConfirmHeldWithdrawal`) or
//! rejected on its own once its payee is final.
//!
//! A fast fill is a *conditional* payment: the LP's `amount - fee` waits in escrow until the
//! subnet's verdict comes back; accepted, it goes to the recipient at once (long before the slow
//! settlement, which then pays the LP the full amount); refused, it returns to the LP.
//!
//! [`Parent::check`] asserts that no USDC is created or lost: the parent's total is constant,
//! and what the bridge holds locked equals the subnet supply plus everything in flight.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use cloudless_actor_gateway::*;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::MethodNum;
use serde::Serialize;

use super::{assert_ok, Chain};

/// A message from the parent to the subnet, delivered by the relayer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopDown {
    Deposit(DepositParams),
    Confirm(ConfirmParams),
    ConfirmHeld(u64),
    Reject { nonce: u64, amount: TokenAmount },
    Fill { nonce: u64, lp: Address },
}

/// What delivering one top-down message did on the subnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    Deposit(DepositReturn),
    Confirm(ConfirmReturn),
    Reject(RejectReturn),
    Fill(FillRecord),
}

/// The parent chain and its relayer.
pub struct Parent {
    /// USDC of parent accounts.
    pub balances: BTreeMap<Address, TokenAmount>,
    /// USDC the bridge holds for the subnet.
    pub locked: TokenAmount,
    /// Fast-fill payments awaiting the subnet's verdict: (entry, LP) → (amount, recipient).
    pub escrow: BTreeMap<(u64, Address), (TokenAmount, Address)>,
    /// Top-down messages not yet delivered.
    pub queue: VecDeque<TopDown>,
    /// Every top-down message delivered, for replays.
    pub delivered: Vec<TopDown>,
    /// Outbox entries below this nonce have been paid, rejected or held here.
    pub processed: u64,
    /// Entries passed over while their payee could still change, not yet paid or rejected.
    pub held: BTreeSet<u64>,
    next_deposit_nonce: u64,
    total: TokenAmount,
    /// The subnet account that signs as the bridge authority.
    pub relayer: String,
    pub gateway: Address,
}

impl Parent {
    /// A parent where each `(address, balance)` holds USDC; `relayer` is the subnet account of
    /// the bridge authority and `gateway` the gateway actor.
    pub fn new(accounts: &[(Address, TokenAmount)], relayer: &str, gateway: Address) -> Self {
        let balances: BTreeMap<_, _> = accounts.iter().cloned().collect();
        let total = balances.values().sum();
        Self {
            balances,
            locked: TokenAmount::default(),
            escrow: BTreeMap::new(),
            queue: VecDeque::new(),
            delivered: Vec::new(),
            processed: 0,
            held: BTreeSet::new(),
            next_deposit_nonce: 0,
            total,
            relayer: relayer.into(),
            gateway,
        }
    }

    pub fn balance(&self, who: &Address) -> TokenAmount {
        self.balances.get(who).cloned().unwrap_or_default()
    }

    fn credit(&mut self, who: Address, amount: &TokenAmount) {
        *self.balances.entry(who).or_default() += amount;
    }

    fn debit(&mut self, who: &Address, amount: &TokenAmount) -> bool {
        match self.balances.get_mut(who) {
            Some(b) if &*b >= amount => {
                *b -= amount;
                true
            }
            _ => false,
        }
    }

    /// A parent account locks `amount` for `recipient` on the subnet; false if it lacks the USDC.
    pub fn deposit(&mut self, from: &Address, recipient: Address, amount: TokenAmount) -> bool {
        if !self.debit(from, &amount) {
            return false;
        }
        self.locked += &amount;
        let nonce = self.next_deposit_nonce;
        self.next_deposit_nonce += 1;
        self.queue.push_back(TopDown::Deposit(DepositParams { nonce, parent_sender: *from, recipient, amount }));
        true
    }

    /// The gateway method and params that deliver `msg`.
    pub fn params(msg: &TopDown) -> (MethodNum, RawBytes) {
        fn encode<P: Serialize>(p: &P) -> RawBytes {
            RawBytes::serialize(p).unwrap()
        }
        match msg {
            TopDown::Deposit(p) => (METHOD_APPLY_DEPOSIT, encode(p)),
            TopDown::Confirm(p) => (METHOD_CONFIRM_WITHDRAWALS, encode(p)),
            TopDown::ConfirmHeld(nonce) => (METHOD_CONFIRM_HELD_WITHDRAWAL, encode(&NonceParam { nonce: *nonce })),
            TopDown::Reject { nonce, .. } => (METHOD_REJECT_WITHDRAWAL, encode(&NonceParam { nonce: *nonce })),
            TopDown::Fill { nonce, lp } => {
                (METHOD_APPLY_FAST_FILL, encode(&FastFillParams { withdrawal_nonce: *nonce, lp: *lp }))
            }
        }
    }

    /// Delivers the next top-down message; it must succeed. None when the queue is empty.
    pub fn deliver_next(&mut self, h: &mut Chain) -> Option<Delivered> {
        let msg = self.queue.pop_front()?;
        let (method, params) = Self::params(&msg);
        let ret = h.send_raw(&self.relayer, self.gateway, method, params, TokenAmount::default());
        assert_ok(&ret);
        let data = &ret.msg_receipt.return_data;
        let out = match &msg {
            TopDown::Deposit(_) => Delivered::Deposit(data.deserialize().unwrap()),
            TopDown::Confirm(_) | TopDown::ConfirmHeld(_) => Delivered::Confirm(data.deserialize().unwrap()),
            TopDown::Reject { .. } => Delivered::Reject(data.deserialize().unwrap()),
            TopDown::Fill { nonce, lp } => {
                let record: FillRecord = data.deserialize().unwrap();
                // The verdict comes back: release the LP's payment or refund it.
                let (amount, recipient) = self.escrow.remove(&(*nonce, *lp)).expect("a fill without escrow");
                let to = if record.verdict == FillVerdict::Accepted { recipient } else { *lp };
                self.credit(to, &amount);
                Delivered::Fill(record)
            }
        };
        self.delivered.push(msg);
        Some(out)
    }

    pub fn deliver_all(&mut self, h: &mut Chain) -> Vec<Delivered> {
        std::iter::from_fn(|| self.deliver_next(h)).collect()
    }

    pub fn gateway_state(&self, h: &Chain) -> State {
        let id = h.node.resolve(&self.gateway).unwrap().unwrap();
        h.node.actor_state(id).unwrap()
    }

    /// The outbox entries the parent has not processed yet, as the subnet state shows them.
    pub fn unprocessed(&self, h: &Chain) -> Vec<OutboxEntryView> {
        let st = self.gateway_state(h);
        let store = h.node.store();
        (self.processed..st.next_outbox_nonce).map(|n| st.entry_view(store, n, h.node.epoch()).unwrap()).collect()
    }

    /// Bottom-up: first settles held entries whose payee became final, then pays out (or, where
    /// `reject` says so, rejects) up to `max` unprocessed entries in nonce order, holding those
    /// whose payee may still change, and queues the confirmations and rejections. Only unfilled
    /// withdrawals can be rejected. Returns how many entries it paid, rejected or held.
    pub fn process_outbox(&mut self, h: &Chain, max: u64, reject: impl Fn(&OutboxEntryView) -> bool) -> u64 {
        let st = self.gateway_state(h);
        let view = |n| st.entry_view(h.node.store(), n, h.node.epoch()).unwrap();
        let rejects = |v: &OutboxEntryView| v.entry.sender.is_some() && !v.entry.filled && reject(v);
        for nonce in self.held.clone() {
            let v = view(nonce);
            if v.payee_final {
                self.held.remove(&nonce);
                let msg = if rejects(&v) {
                    TopDown::Reject { nonce, amount: v.entry.amount.clone() }
                } else {
                    self.pay(&v.entry);
                    TopDown::ConfirmHeld(nonce)
                };
                self.queue.push_back(msg);
            }
        }
        let mut range: Option<ConfirmParams> = None;
        let mut done = 0;
        for nonce in self.processed..st.next_outbox_nonce {
            if done == max.min(MAX_CONFIRM_BATCH) {
                break;
            }
            let v = view(nonce);
            if v.payee_final && rejects(&v) {
                // What came before is confirmed first: the subnet settles in nonce order.
                if let Some(r) = range.take() {
                    self.queue.push_back(TopDown::Confirm(r));
                }
                self.queue.push_back(TopDown::Reject { nonce, amount: v.entry.amount.clone() });
            } else {
                let r = range.get_or_insert_with(|| ConfirmParams { up_to_nonce: nonce, held: vec![] });
                r.up_to_nonce = nonce;
                if v.payee_final {
                    self.pay(&v.entry);
                } else {
                    self.held.insert(nonce);
                    r.held.push(nonce);
                }
            }
            self.processed = nonce + 1;
            done += 1;
        }
        if let Some(r) = range {
            self.queue.push_back(TopDown::Confirm(r));
        }
        done
    }

    /// The bridge releases a final entry's USDC to its payee.
    fn pay(&mut self, e: &OutboxEntry) {
        self.locked -= &e.amount;
        self.credit(e.payee, &e.amount);
    }

    /// An LP pays `amount - fee` for the pending fast entry `nonce` into escrow and the parent
    /// controller queues the fill. False when the entry has no fast terms, the parent already
    /// settled it, or the LP lacks the USDC. (Fills may still arrive late: the subnet decides.)
    pub fn fast_fill(&mut self, h: &Chain, lp: Address, nonce: u64) -> bool {
        let st = self.gateway_state(h);
        let settled = nonce < self.processed && !self.held.contains(&nonce);
        if nonce >= st.next_outbox_nonce || settled || self.escrow.contains_key(&(nonce, lp)) {
            return false;
        }
        let view = st.entry_view(h.node.store(), nonce, h.node.epoch()).unwrap();
        let Some(terms) = &view.entry.fast else {
            return false;
        };
        let pay = &view.entry.amount - &terms.fee;
        if self.delivered.contains(&TopDown::Fill { nonce, lp }) || !self.debit(&lp, &pay) {
            return false;
        }
        self.escrow.insert((nonce, lp), (pay, view.entry.recipient));
        self.queue.push_back(TopDown::Fill { nonce, lp });
        true
    }

    /// USDC in flight: locked on the parent but not (or no longer) in the subnet supply.
    pub fn in_flight(&self, h: &Chain) -> TokenAmount {
        let queued: TokenAmount = self
            .queue
            .iter()
            .map(|m| match m {
                TopDown::Deposit(p) => p.amount.clone(),
                TopDown::Reject { amount, .. } => amount.clone(),
                _ => TokenAmount::default(),
            })
            .sum();
        let outbox: TokenAmount = self.unprocessed(h).into_iter().map(|v| v.entry.amount).sum();
        let st = self.gateway_state(h);
        let held: TokenAmount =
            self.held.iter().map(|n| st.entry_view(h.node.store(), *n, h.node.epoch()).unwrap().entry.amount).sum();
        queued + outbox + held
    }

    /// No USDC created or lost: the parent's total is constant, and the bridge's locked USDC
    /// equals the subnet supply plus what is in flight.
    pub fn check(&self, h: &Chain) -> Result<(), String> {
        let held: TokenAmount = self.balances.values().sum();
        let escrowed: TokenAmount = self.escrow.values().map(|(a, _)| a.clone()).sum();
        let parent_total = &held + &self.locked + &escrowed;
        if parent_total != self.total {
            return Err(format!("parent USDC {} != {} at the start", parent_total.atto(), self.total.atto()));
        }
        let supply = self.gateway_state(h).token.supply;
        let in_flight = self.in_flight(h);
        if self.locked != &supply + &in_flight {
            return Err(format!(
                "locked {} != subnet supply {} + in flight {}",
                self.locked.atto(),
                supply.atto(),
                in_flight.atto()
            ));
        }
        Ok(())
    }
}
