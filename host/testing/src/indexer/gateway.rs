//! What the indexer rebuilds of the gateway: balances, allowances, the outbox, fills, nonces, bridge totals.

use super::prelude::*;

use cloudless_actor_gateway as gateway;

#[derive(Default)]
pub struct GatewayView {
    admin: ActorID,
    token: Option<(String, String, ActorID)>,
    balances: BTreeMap<ActorID, TokenAmount>,
    /// (owner, operator) → allowance
    allowances: BTreeMap<(ActorID, ActorID), TokenAmount>,
    outbox: BTreeMap<u64, gateway::OutboxEntry>,
    fills: BTreeMap<Vec<u8>, gateway::FillRecord>,
    /// (next deposit nonce, next outbox nonce, settled cursor)
    cursors: (u64, u64, u64),
    totals: gateway::Totals,
}

impl IndexView for GatewayView {
    fn from_state(node: &Node, id: ActorID) -> anyhow::Result<Self> {
        use cloudless_runtime::map::Map;
        let st: gateway::State = node.actor_state(id)?;
        let s = node.store();
        let (summary, _) = st.token.check_invariants(s, gateway::GRANULARITY);
        let balances = summary.balance_map.unwrap_or_default().into_iter().collect();
        let mut allowances = BTreeMap::new();
        for (owner, ops) in summary.allowance_map.unwrap_or_default() {
            for (op, a) in ops {
                allowances.insert((owner, op), a);
            }
        }
        let mut v = GatewayView {
            admin: st.admin,
            token: Some((st.name.clone(), st.symbol.clone(), st.authority)),
            balances: no_zeros(balances),
            allowances: no_zeros(allowances),
            cursors: (st.next_deposit_nonce, st.next_outbox_nonce, st.settled_before),
            totals: st.totals.clone(),
            ..Default::default()
        };
        let outbox = st.outbox(s).map_err(|e| anyhow!("{}", e.msg()))?;
        outbox
            .for_each(|nonce, entry| {
                v.outbox.insert(nonce, entry.clone());
                Ok(())
            })
            .map_err(|e| anyhow!("walking the outbox: {e}"))?;
        walk(
            Map::<_, gateway::FillRecord>::load(s, &st.fills, "fills").and_then(|m| {
                m.for_each(|k, r| {
                    v.fills.insert(k.to_vec(), r.clone());
                })
            }),
            "fills",
        )?;
        Ok(v)
    }

    fn apply(&mut self, at: &At, t: &str, e: &ActorEvent) -> anyhow::Result<()> {
        use gateway::*;
        match t {
            "admin-transferred" => self.admin = ev::<AdminTransferred>(e)?.to,
            "token-created" => {
                let c: TokenCreated = ev(e)?;
                self.token = Some((c.name, c.symbol, c.authority));
            }
            "deposit-applied" => {
                let d: DepositApplied = ev(e)?;
                add(&mut self.balances, at.id(&d.recipient)?, &d.amount);
                self.cursors.0 = d.nonce + 1;
                self.totals.minted += d.amount;
            }
            "deposit-bounced" => {
                let d: DepositBounced = ev(e)?;
                self.cursors.0 = d.nonce + 1;
                self.totals.minted += d.amount;
            }
            "outbox-entry" => {
                let o: OutboxEntryAdded = ev(e)?;
                if let Some(sender) = o.sender {
                    add(&mut self.balances, sender, &-o.amount.clone());
                }
                self.totals.burned += &o.amount;
                self.totals.pending += &o.amount;
                let fast = match (o.fee, o.deadline) {
                    (Some(fee), Some(deadline_epoch)) => Some(FastTerms { fee, deadline_epoch }),
                    _ => None,
                };
                let entry = OutboxEntry {
                    sender: o.sender,
                    deposit_nonce: o.deposit_nonce,
                    recipient: o.recipient,
                    payee: o.recipient,
                    amount: o.amount,
                    fast,
                    filled: false,
                    rejected: false,
                    epoch: at.epoch,
                    held: false,
                };
                self.outbox.insert(o.nonce, entry);
                self.cursors.1 = o.nonce + 1;
            }
            "withdrawals-confirmed" => {
                let c: WithdrawalsConfirmed = ev(e)?;
                if c.from < self.cursors.2 {
                    // ConfirmHeldWithdrawal: one entry behind the cursor.
                    self.entry(c.from)?.held = false;
                } else {
                    for n in &c.held {
                        self.entry(*n)?.held = true;
                    }
                    self.cursors.2 = c.to + 1;
                }
                self.totals.pending -= &c.amount;
                self.totals.confirmed += c.amount;
            }
            "withdrawal-rejected" => {
                let r: WithdrawalRejected = ev(e)?;
                let entry = self.entry(r.nonce)?;
                entry.rejected = true;
                entry.held = false;
                self.totals.pending -= &r.amount;
                self.totals.refunded += &r.amount;
                self.totals.minted += &r.amount;
                add(&mut self.balances, r.sender, &r.amount);
            }
            "fast-fill" => {
                let f: FastFill = ev(e)?;
                if f.verdict == FillVerdict::Accepted {
                    let entry = self.entry(f.nonce)?;
                    entry.filled = true;
                    entry.payee = f.lp;
                }
                self.fills.insert(state::fill_key(f.nonce, &f.lp), FillRecord { verdict: f.verdict, epoch: at.epoch });
            }
            "allowance" => {
                let a: AllowanceChanged = ev(e)?;
                // Decreasing or revoking for an address that has no actor stores nothing.
                if a.allowance.is_zero() && at.node.resolve(&a.operator)?.is_none() {
                    return Ok(());
                }
                let key = (a.owner, at.id(&a.operator)?);
                self.allowances.remove(&key);
                add(&mut self.allowances, key, &a.allowance);
            }
            "transfer" => {
                let x: Transferred = ev(e)?;
                let (from, to) = (at.id(&x.from)?, at.id(&x.to)?);
                add(&mut self.balances, from, &-x.amount.clone());
                add(&mut self.balances, to, &x.amount);
                if x.operator != from {
                    add(&mut self.allowances, (from, x.operator), &-x.amount);
                }
            }
            // The IPC link's own bookkeeping (results awaited, last nonce) is not indexed: an
            // entry's settlement shows in `withdrawals-confirmed`/`withdrawal-rejected`.
            "ipc-call-sent" => {}
            other => bail!("the indexer does not know gateway event {other}"),
        }
        Ok(())
    }

    fn diff(&self, real: &Self, _at: &At, out: &mut Vec<String>) {
        diff("admin", &self.admin, &real.admin, out);
        diff("token (name, symbol, authority)", &self.token, &real.token, out);
        diff_map("balances", &self.balances, &real.balances, out);
        diff_map("allowances", &self.allowances, &real.allowances, out);
        diff_map("outbox", &self.outbox, &real.outbox, out);
        diff_map("fills", &self.fills, &real.fills, out);
        diff("(next deposit, next outbox, settled before)", &self.cursors, &real.cursors, out);
        diff("totals", &self.totals, &real.totals, out);
    }
}

impl GatewayView {
    fn entry(&mut self, nonce: u64) -> anyhow::Result<&mut gateway::OutboxEntry> {
        get(&mut self.outbox, "outbox entry", &nonce)
    }
}
