//! The gateway's state and the bridge's pure transitions: deposit nonces, the outbox, fast fills
//! and the running totals. Token balances and allowances are `frc46_token`'s `TokenState`; the
//! token operations themselves (which call receiver hooks) live in `actor`.

use crate::events::*;
use cid::Cid;
use cloudless_runtime::map::Map;
use cloudless_runtime::{actor_error, ActorResult, ActorState, AsActorError, Ctx, Effects};
use frc46_token::token::state::TokenState;
use fvm_ipld_amt::Amt;
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::{Address, Protocol};
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

use crate::types::*;

/// Bit width of the outbox AMT (32 entries per node: a confirmation reads few blocks).
pub const OUTBOX_BIT_WIDTH: u32 = 5;

/// The outbox: entries by nonce, appended in order, never removed.
pub type Outbox<'s, BS> = Amt<OutboxEntry, &'s BS>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple)]
pub struct State {
    pub admin: ActorID,
    pub authority: ActorID,
    pub name: String,
    pub symbol: String,
    pub token: TokenState,
    /// The nonce the next deposit must carry.
    pub next_deposit_nonce: u64,
    pub outbox: Cid,
    pub next_outbox_nonce: u64,
    /// Every outbox entry below this nonce is confirmed, rejected or held.
    pub settled_before: u64,
    /// The furthest a fast withdrawal's deadline may lie after the withdrawal, in epochs.
    pub max_fast_window: ChainEpoch,
    /// Fast fills by (withdrawal nonce, LP): see [`fill_key`].
    pub fills: Cid,
    pub totals: Totals,
    /// The link to IPC (docs/ipc.md), set at genesis; none on a standalone chain.
    pub ipc: Option<IpcLink>,
}

/// Fails unless `amount` is positive and a whole number of USDC micro-units.
pub fn validate_amount(amount: &TokenAmount, what: &str) -> ActorResult<()> {
    if !amount.is_positive() {
        return Err(actor_error!(illegal_argument; "{what} must be positive, not {}", amount.atto()));
    }
    if !granular(amount) {
        return Err(actor_error!(
            illegal_argument;
            "{what} {} atto is not a multiple of the granularity {GRANULARITY} (USDC has 6 decimals)",
            amount.atto()
        ));
    }
    Ok(())
}

/// A whole number of USDC micro-units (10^12 atto).
pub fn granular(amount: &TokenAmount) -> bool {
    (amount.atto() % GRANULARITY).sign() == fvm_shared::bigint::Sign::NoSign
}

/// Name and symbol: non-empty, bounded.
pub fn validate_metadata(name: &str, symbol: &str) -> ActorResult<()> {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(actor_error!(illegal_argument; "name must be 1..={MAX_NAME_LEN} bytes"));
    }
    if symbol.is_empty() || symbol.len() > MAX_SYMBOL_LEN {
        return Err(actor_error!(illegal_argument; "symbol must be 1..={MAX_SYMBOL_LEN} bytes"));
    }
    Ok(())
}

/// The key of a fill record: the withdrawal nonce (big-endian) then the LP's address bytes.
pub fn fill_key(nonce: u64, lp: &Address) -> Vec<u8> {
    [nonce.to_be_bytes().to_vec(), lp.to_bytes()].concat()
}

fn sub(total: &mut TokenAmount, amount: &TokenAmount, what: &str) -> ActorResult<()> {
    if &*total < amount {
        return Err(actor_error!(illegal_state; "{what} {} would go below zero by {}", total.atto(), amount.atto()));
    }
    *total -= amount;
    Ok(())
}

impl OutboxEntry {
    /// A new entry paying `recipient`: no source yet, no fast terms, not filled or rejected.
    fn pending(recipient: Address, amount: TokenAmount, epoch: ChainEpoch) -> Self {
        OutboxEntry {
            sender: None,
            deposit_nonce: None,
            recipient,
            payee: recipient,
            amount,
            fast: None,
            filled: false,
            rejected: false,
            epoch,
            held: false,
        }
    }

    /// The payee can no longer change: no fast terms, already filled, or past the deadline.
    pub fn payee_final(&self, epoch: ChainEpoch) -> bool {
        match &self.fast {
            None => true,
            Some(terms) => self.filled || epoch >= terms.deadline_epoch,
        }
    }

    /// Still to be paid or rejected: not rejected, and at or after the settled cursor or held.
    pub fn is_pending(&self, nonce: u64, settled_before: u64) -> bool {
        !self.rejected && (nonce >= settled_before || self.held)
    }
}

/// Fails unless `window` is a valid `max_fast_window`.
pub fn validate_fast_window(window: ChainEpoch) -> ActorResult<()> {
    if !(1..=MAX_FAST_WINDOW_LIMIT).contains(&window) {
        return Err(
            actor_error!(illegal_argument; "max_fast_window {window} must be 1..={MAX_FAST_WINDOW_LIMIT} epochs"),
        );
    }
    Ok(())
}

impl State {
    pub fn new<BS: Blockstore>(
        store: &BS,
        admin: ActorID,
        authority: ActorID,
        name: String,
        symbol: String,
        max_fast_window: ChainEpoch,
    ) -> ActorResult<Self> {
        validate_metadata(&name, &symbol)?;
        validate_fast_window(max_fast_window)?;
        let token = TokenState::new(store).or_illegal_state("creating the token state")?;
        let outbox =
            Outbox::new_with_bit_width(store, OUTBOX_BIT_WIDTH).flush().or_illegal_state("creating the outbox")?;
        let fills = Map::<BS, FillRecord>::empty(store, "fills").flush()?;
        Ok(Self {
            admin,
            authority,
            name,
            symbol,
            token,
            next_deposit_nonce: 0,
            outbox,
            next_outbox_nonce: 0,
            settled_before: 0,
            max_fast_window,
            fills,
            totals: Totals::default(),
            ipc: None,
        })
    }

    pub fn require_authority(&self, ctx: &Ctx) -> ActorResult<()> {
        if ctx.caller != self.authority {
            return Err(
                actor_error!(forbidden; "caller f0{} is not the bridge authority (f0{})", ctx.caller, self.authority),
            );
        }
        Ok(())
    }

    pub fn outbox<'s, BS: Blockstore>(&self, store: &'s BS) -> ActorResult<Outbox<'s, BS>> {
        Outbox::load(&self.outbox, store).or_illegal_state("loading the outbox")
    }

    fn fill_map<'s, BS: Blockstore>(&self, store: &'s BS) -> ActorResult<Map<'s, BS, FillRecord>> {
        Map::load(store, &self.fills, "fills")
    }

    /// `ApplyDeposit`, before the mint: the nonce must be exactly the next one (a lower nonce is
    /// a replay, a higher one a gap) and the amount valid. Consumes the nonce and counts the
    /// amount as minted (a bounced deposit counts as minted and burned into the outbox).
    pub fn begin_deposit(&mut self, ctx: &Ctx, p: &DepositParams) -> ActorResult<()> {
        self.require_authority(ctx)?;
        self.take_deposit(p)
    }

    /// A deposit in nonce order, whoever delivers it (the authority's `ApplyDeposit`, or IPC).
    pub fn take_deposit(&mut self, p: &DepositParams) -> ActorResult<()> {
        let next = self.next_deposit_nonce;
        if p.nonce < next {
            return Err(actor_error!(illegal_argument; "deposit {} was already applied (next is {next})", p.nonce));
        }
        if p.nonce > next {
            return Err(
                actor_error!(illegal_state; "deposit {} is ahead of the next one, {next}: deposits apply in nonce order", p.nonce),
            );
        }
        validate_amount(&p.amount, "deposit amount")?;
        self.next_deposit_nonce += 1;
        self.totals.minted += &p.amount;
        Ok(())
    }

    /// A deposit whose recipient refused or could not receive: queues its refund to the parent
    /// sender. The caller has already undone the mint.
    pub fn bounce_deposit<BS: Blockstore>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        p: &DepositParams,
        fx: &mut Effects,
    ) -> ActorResult<u64> {
        let entry = OutboxEntry {
            deposit_nonce: Some(p.nonce),
            ..OutboxEntry::pending(p.parent_sender, p.amount.clone(), ctx.epoch)
        };
        let nonce = self.append(store, entry, fx)?;
        fx.emit(&DepositBounced {
            nonce: p.nonce,
            parent_sender: p.parent_sender,
            recipient: p.recipient,
            amount: p.amount.clone(),
            refund_nonce: nonce,
        })?;
        Ok(nonce)
    }

    /// Checks a withdrawal (its recipient, amount and fast terms).
    pub fn validate_withdrawal(&self, ctx: &Ctx, p: &WithdrawParams) -> ActorResult<()> {
        validate_parent_address(&p.parent_recipient)?;
        validate_amount(&p.amount, "withdrawal amount")?;
        if let Some(terms) = &p.fast {
            if terms.fee.is_negative() || terms.fee >= p.amount {
                return Err(
                    actor_error!(illegal_argument; "fast-withdrawal fee must be at least 0 and below the amount"),
                );
            }
            if !granular(&terms.fee) {
                return Err(
                    actor_error!(illegal_argument; "fast-withdrawal fee is not a multiple of the granularity {GRANULARITY}"),
                );
            }
            if terms.deadline_epoch <= ctx.epoch {
                return Err(
                    actor_error!(illegal_argument; "fast-withdrawal deadline {} is not after the current epoch {}", terms.deadline_epoch, ctx.epoch),
                );
            }
            if terms.deadline_epoch - ctx.epoch > self.max_fast_window {
                return Err(actor_error!(
                    illegal_argument;
                    "fast-withdrawal deadline {} is more than max_fast_window ({}) epochs after the current epoch {}",
                    terms.deadline_epoch, self.max_fast_window, ctx.epoch
                ));
            }
        }
        Ok(())
    }

    /// `Withdraw` (and `Burn`): validates, has `burn` take the amount from the sender's balance
    /// (the token library, in the Wasm glue), then appends the outbox entry.
    pub fn queue_withdrawal<BS: Blockstore, R>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        sender: ActorID,
        p: &WithdrawParams,
        burn: impl FnOnce(&mut TokenState) -> ActorResult<R>,
        fx: &mut Effects,
    ) -> ActorResult<(u64, R)> {
        self.validate_withdrawal(ctx, p)?;
        let burned = burn(&mut self.token)?;
        let entry = OutboxEntry {
            sender: Some(sender),
            fast: p.fast.clone(),
            ..OutboxEntry::pending(p.parent_recipient, p.amount.clone(), ctx.epoch)
        };
        Ok((self.append(store, entry, fx)?, burned))
    }

    /// Appends an entry: the amount leaves the supply (burned) and waits in the outbox.
    fn append<BS: Blockstore>(&mut self, store: &BS, entry: OutboxEntry, fx: &mut Effects) -> ActorResult<u64> {
        let nonce = self.next_outbox_nonce;
        let mut outbox = self.outbox(store)?;
        self.totals.burned += &entry.amount;
        self.totals.pending += &entry.amount;
        let (fee, deadline) = match &entry.fast {
            Some(t) => (Some(t.fee.clone()), Some(t.deadline_epoch)),
            None => (None, None),
        };
        fx.emit(&OutboxEntryAdded {
            nonce,
            sender: entry.sender,
            deposit_nonce: entry.deposit_nonce,
            recipient: entry.recipient,
            amount: entry.amount.clone(),
            fee,
            deadline,
        })?;
        outbox.set(nonce, entry).or_illegal_state("writing the outbox")?;
        self.outbox = outbox.flush().or_illegal_state("flushing the outbox")?;
        self.next_outbox_nonce += 1;
        Ok(nonce)
    }

    /// `ConfirmWithdrawals {up_to_nonce, held}`: the parent paid every pending entry from the
    /// settled cursor through `up_to_nonce` to its payee, except the `held` ones, whose payee
    /// could still change when the parent looked. Rejected entries in the range are skipped;
    /// every paid entry must have a final payee (the parent must not pay one an LP may still
    /// take over). Held entries stay pending behind the cursor, so an open fast withdrawal no
    /// longer stops later ones. At most [`MAX_CONFIRM_BATCH`] entries per message.
    pub fn confirm<BS: Blockstore>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        p: &ConfirmParams,
        fx: &mut Effects,
    ) -> ActorResult<ConfirmReturn> {
        self.require_authority(ctx)?;
        self.settle_range(store, ctx, p, fx)
    }

    /// [`State::confirm`] whoever reports it.
    fn settle_range<BS: Blockstore>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        p: &ConfirmParams,
        fx: &mut Effects,
    ) -> ActorResult<ConfirmReturn> {
        let (from, up_to) = (self.settled_before, p.up_to_nonce);
        if up_to < from {
            return Err(
                actor_error!(illegal_argument; "entries up to {up_to} are already settled (next unsettled is {from})"),
            );
        }
        if up_to >= self.next_outbox_nonce {
            return Err(actor_error!(not_found; "no outbox entry {up_to} (the outbox has {})", self.next_outbox_nonce));
        }
        let count = up_to - from + 1;
        if count > MAX_CONFIRM_BATCH {
            return Err(
                actor_error!(illegal_argument; "{count} entries in one confirmation; at most {MAX_CONFIRM_BATCH}"),
            );
        }
        if let Some(w) = p.held.windows(2).find(|w| w[0] >= w[1]) {
            return Err(
                actor_error!(illegal_argument; "held entries must be ascending and distinct ({} then {})", w[0], w[1]),
            );
        }
        if let Some(n) = p.held.iter().find(|n| !(from..=up_to).contains(*n)) {
            return Err(
                actor_error!(illegal_argument; "held entry {n} is outside the confirmed range {from}..={up_to}"),
            );
        }
        let mut outbox = self.outbox(store)?;
        let (mut confirmed, mut amount) = (0u64, TokenAmount::default());
        let mut held = Vec::with_capacity(p.held.len());
        let mut refused = None;
        outbox
            .for_each_ranged(Some(from), Some(count), |nonce, entry| {
                let hold = p.held.binary_search(&nonce).is_ok();
                if entry.rejected {
                    if hold && refused.is_none() {
                        refused = Some(actor_error!(illegal_argument; "held entry {nonce} was already rejected"));
                    }
                } else if hold {
                    held.push((nonce, entry.clone()));
                } else if !entry.payee_final(ctx.epoch) {
                    if refused.is_none() {
                        let deadline = entry.fast.as_ref().map(|t| t.deadline_epoch).unwrap_or_default();
                        refused = Some(actor_error!(
                            illegal_state;
                            "entry {nonce} may still be fast-filled until epoch {deadline}; its payee is not final (hold it)"
                        ));
                    }
                } else {
                    confirmed += 1;
                    amount += &entry.amount;
                }
                Ok(())
            })
            .or_illegal_state("reading the outbox")?;
        if let Some(e) = refused {
            return Err(e);
        }
        for (nonce, mut entry) in held {
            entry.held = true;
            outbox.set(nonce, entry).or_illegal_state("writing the outbox")?;
        }
        if !p.held.is_empty() {
            self.outbox = outbox.flush().or_illegal_state("flushing the outbox")?;
        }
        sub(&mut self.totals.pending, &amount, "pending")?;
        self.totals.confirmed += &amount;
        self.settled_before = up_to + 1;
        fx.emit(&WithdrawalsConfirmed {
            from,
            to: up_to,
            count: confirmed,
            amount: amount.clone(),
            held: p.held.clone(),
        })?;
        Ok(ConfirmReturn { count: confirmed, amount, held: p.held.len() as u64 })
    }

    /// `ConfirmHeldWithdrawal(nonce)`: the parent paid a held entry, now that its payee is final.
    pub fn confirm_held<BS: Blockstore>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        nonce: u64,
        fx: &mut Effects,
    ) -> ActorResult<ConfirmReturn> {
        self.require_authority(ctx)?;
        self.settle_held(store, ctx, nonce, fx)
    }

    /// [`State::confirm_held`] whoever reports it.
    fn settle_held<BS: Blockstore>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        nonce: u64,
        fx: &mut Effects,
    ) -> ActorResult<ConfirmReturn> {
        let mut outbox = self.outbox(store)?;
        let mut entry = self.pending_entry(&outbox, nonce)?;
        if !entry.held {
            return Err(actor_error!(
                illegal_state;
                "entry {nonce} is not held: confirm it with ConfirmWithdrawals (the settled cursor is {})",
                self.settled_before
            ));
        }
        if !entry.payee_final(ctx.epoch) {
            let deadline = entry.fast.as_ref().map(|t| t.deadline_epoch).unwrap_or_default();
            return Err(
                actor_error!(illegal_state; "entry {nonce} may still be fast-filled until epoch {deadline}; its payee is not final"),
            );
        }
        entry.held = false;
        let amount = entry.amount.clone();
        outbox.set(nonce, entry).or_illegal_state("writing the outbox")?;
        self.outbox = outbox.flush().or_illegal_state("flushing the outbox")?;
        sub(&mut self.totals.pending, &amount, "pending")?;
        self.totals.confirmed += &amount;
        fx.emit(&WithdrawalsConfirmed { from: nonce, to: nonce, count: 1, amount: amount.clone(), held: vec![] })?;
        Ok(ConfirmReturn { count: 1, amount, held: 0 })
    }

    /// `RejectWithdrawal(nonce)`: the parent could not pay a pending withdrawal. Marks it
    /// rejected and counts the amount as refunded and re-minted; the caller mints it back to the
    /// sender. Refunds of bounced deposits and entries an LP already filled cannot be rejected.
    pub fn reject<BS: Blockstore>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        nonce: u64,
        fx: &mut Effects,
    ) -> ActorResult<(ActorID, OutboxEntry)> {
        self.require_authority(ctx)?;
        self.reject_entry(store, nonce, fx)
    }

    /// [`State::reject`] whoever reports it.
    pub fn reject_entry<BS: Blockstore>(
        &mut self,
        store: &BS,
        nonce: u64,
        fx: &mut Effects,
    ) -> ActorResult<(ActorID, OutboxEntry)> {
        let mut outbox = self.outbox(store)?;
        let mut entry = self.pending_entry(&outbox, nonce)?;
        let Some(sender) = entry.sender else {
            return Err(actor_error!(
                illegal_argument;
                "entry {nonce} refunds deposit {}: there is no subnet sender to give it back to",
                entry.deposit_nonce.unwrap_or_default()
            ));
        };
        if entry.filled {
            return Err(
                actor_error!(illegal_state; "entry {nonce} was fast-filled: its payee, the LP {}, must be paid", entry.payee),
            );
        }
        entry.rejected = true;
        entry.held = false;
        sub(&mut self.totals.pending, &entry.amount, "pending")?;
        self.totals.refunded += &entry.amount;
        self.totals.minted += &entry.amount;
        outbox.set(nonce, entry.clone()).or_illegal_state("writing the outbox")?;
        self.outbox = outbox.flush().or_illegal_state("flushing the outbox")?;
        fx.emit(&WithdrawalRejected { nonce, sender, amount: entry.amount.clone() })?;
        Ok((sender, entry))
    }

    /// The parent paid entry `nonce` (a successful IPC result). Results arrive in the order the
    /// parent ran the withdrawals, which is outbox order; should one overtake another, the
    /// pending entries before it are held (as `ConfirmWithdrawals` holds them) and settle when
    /// their own results arrive. At most [`MAX_CONFIRM_BATCH`] entries from the cursor.
    pub fn confirm_paid<BS: Blockstore>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        nonce: u64,
        fx: &mut Effects,
    ) -> ActorResult<ConfirmReturn> {
        let entry = self.pending_entry(&self.outbox(store)?, nonce)?;
        if entry.held {
            return self.settle_held(store, ctx, nonce, fx);
        }
        let from = self.settled_before;
        if nonce - from >= MAX_CONFIRM_BATCH {
            return Err(actor_error!(
                illegal_state;
                "entry {nonce} is {} entries ahead of the settled cursor {from}; at most {MAX_CONFIRM_BATCH}",
                nonce - from
            ));
        }
        let mut held = Vec::new();
        self.outbox(store)?
            .for_each_ranged(Some(from), Some(nonce - from), |n, e| {
                if !e.rejected {
                    held.push(n);
                }
                Ok(())
            })
            .or_illegal_state("reading the outbox")?;
        self.settle_range(store, ctx, &ConfirmParams { up_to_nonce: nonce, held }, fx)
    }

    /// An existing entry that is neither confirmed nor rejected.
    fn pending_entry<BS: Blockstore>(&self, outbox: &Outbox<BS>, nonce: u64) -> ActorResult<OutboxEntry> {
        let entry = self.entry_at(outbox, nonce)?;
        if !entry.is_pending(nonce, self.settled_before) {
            return Err(actor_error!(illegal_argument; "entry {nonce} is already settled"));
        }
        Ok(entry)
    }

    fn entry_at<BS: Blockstore>(&self, outbox: &Outbox<BS>, nonce: u64) -> ActorResult<OutboxEntry> {
        outbox.get(nonce).or_illegal_state("reading the outbox")?.cloned().ok_or_else(
            || actor_error!(not_found; "no outbox entry {nonce} (the outbox has {})", self.next_outbox_nonce),
        )
    }

    /// `ApplyFastFill`: an LP paid `amount - fee` on the parent. Accepted while the entry is
    /// pending, fast, unfilled and before its deadline (the LP becomes the payee); otherwise
    /// recorded as refused so the parent refunds the LP. The same (entry, LP) twice is a replay.
    pub fn fast_fill<BS: Blockstore>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        p: &FastFillParams,
        fx: &mut Effects,
    ) -> ActorResult<FillRecord> {
        self.require_authority(ctx)?;
        let mut outbox = self.outbox(store)?;
        let mut entry = self.entry_at(&outbox, p.withdrawal_nonce)?;
        let mut fills = self.fill_map(store)?;
        let key = fill_key(p.withdrawal_nonce, &p.lp);
        if fills.get(&key)?.is_some() {
            return Err(
                actor_error!(illegal_argument; "the fill of entry {} by {} was already applied", p.withdrawal_nonce, p.lp),
            );
        }
        let verdict = if !entry.is_pending(p.withdrawal_nonce, self.settled_before) {
            FillVerdict::Settled
        } else {
            match &entry.fast {
                None => FillVerdict::NotFast,
                Some(_) if entry.filled => FillVerdict::AlreadyFilled,
                Some(terms) if ctx.epoch >= terms.deadline_epoch => FillVerdict::DeadlinePassed,
                Some(_) => FillVerdict::Accepted,
            }
        };
        if verdict == FillVerdict::Accepted {
            entry.filled = true;
            entry.payee = p.lp;
            outbox.set(p.withdrawal_nonce, entry).or_illegal_state("writing the outbox")?;
            self.outbox = outbox.flush().or_illegal_state("flushing the outbox")?;
        }
        let record = FillRecord { verdict, epoch: ctx.epoch };
        fills.set(&key, record.clone())?;
        self.fills = fills.flush()?;
        fx.emit(&FastFill { nonce: p.withdrawal_nonce, lp: p.lp, verdict })?;
        Ok(record)
    }

    pub fn entry_view<BS: Blockstore>(
        &self,
        store: &BS,
        nonce: u64,
        epoch: ChainEpoch,
    ) -> ActorResult<OutboxEntryView> {
        let entry = self.entry_at(&self.outbox(store)?, nonce)?;
        Ok(self.view(nonce, entry, epoch))
    }

    fn view(&self, nonce: u64, entry: OutboxEntry, epoch: ChainEpoch) -> OutboxEntryView {
        let status = if entry.rejected {
            EntryStatus::Rejected
        } else if entry.is_pending(nonce, self.settled_before) {
            EntryStatus::Pending
        } else {
            EntryStatus::Confirmed
        };
        let payee_final = status != EntryStatus::Pending || entry.payee_final(epoch);
        OutboxEntryView { nonce, status, payee_final, entry }
    }

    /// `GetOutbox`: up to `limit` (≤ [`MAX_OUTBOX_PAGE`]) entries from `from_nonce`.
    pub fn outbox_page<BS: Blockstore>(
        &self,
        store: &BS,
        p: &OutboxPageParams,
        epoch: ChainEpoch,
    ) -> ActorResult<Vec<OutboxEntryView>> {
        if p.limit == 0 || p.limit > MAX_OUTBOX_PAGE {
            return Err(actor_error!(illegal_argument; "limit must be 1..={MAX_OUTBOX_PAGE}"));
        }
        let mut out = Vec::new();
        self.outbox(store)?
            .for_each_ranged(Some(p.from_nonce), Some(p.limit), |nonce, entry| {
                out.push(self.view(nonce, entry.clone(), epoch));
                Ok(())
            })
            .or_illegal_state("reading the outbox")?;
        Ok(out)
    }

    pub fn fill<BS: Blockstore>(&self, store: &BS, q: &FillQuery) -> ActorResult<Option<FillRecord>> {
        self.fill_map(store)?.get(&fill_key(q.withdrawal_nonce, &q.lp))
    }

    pub fn info(&self) -> BridgeInfo {
        BridgeInfo {
            admin: self.admin,
            authority: self.authority,
            next_deposit_nonce: self.next_deposit_nonce,
            next_outbox_nonce: self.next_outbox_nonce,
            settled_before: self.settled_before,
            max_fast_window: self.max_fast_window,
            supply: self.token.supply.clone(),
            totals: self.totals.clone(),
            ipc: self.ipc.clone(),
        }
    }
}

/// A parent-chain recipient: a key (f1/f3) or delegated (f4) address. ID addresses name
/// different actors on each chain, and actor (f2) addresses are not portable either.
pub fn validate_parent_address(addr: &Address) -> ActorResult<()> {
    match addr.protocol() {
        Protocol::Secp256k1 | Protocol::BLS | Protocol::Delegated => Ok(()),
        _ => Err(actor_error!(
            illegal_argument;
            "parent recipient {} is not portable across chains; give a key (f1/f3) or delegated (f4) address",
            cloudless_runtime::text::address(addr)
        )),
    }
}

cloudless_runtime::impl_admin!(State, admin, "gateway admin");

/// The gateway keeps no clock: entries carry their own epochs and deadlines.
impl ActorState for State {}
