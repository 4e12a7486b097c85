//! What a receipt means to a person: exit codes by name, the fee a message paid, and the call
//! chain of a failure (without the FVM's leftovers from earlier, handled errors).

use cloudless_runtime::amount::format_decimal;
use fvm::executor::{ApplyFailure, ApplyRet};
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;

/// The name of an exit code the FVM or the actors' conventions define.
pub fn exit_code_name(code: ExitCode) -> Option<&'static str> {
    Some(match code.value() {
        0 => "OK",
        1 => "SYS_SENDER_INVALID",
        2 => "SYS_SENDER_STATE_INVALID",
        4 => "SYS_ILLEGAL_INSTRUCTION",
        5 => "SYS_INVALID_RECEIVER",
        6 => "SYS_INSUFFICIENT_FUNDS",
        7 => "SYS_OUT_OF_GAS",
        9 => "SYS_ILLEGAL_EXIT_CODE",
        10 => "SYS_ASSERTION_FAILED",
        11 => "SYS_MISSING_RETURN",
        16 => "USR_ILLEGAL_ARGUMENT",
        17 => "USR_NOT_FOUND",
        18 => "USR_FORBIDDEN",
        19 => "USR_INSUFFICIENT_FUNDS",
        20 => "USR_ILLEGAL_STATE",
        21 => "USR_SERIALIZATION",
        22 => "USR_UNHANDLED_MESSAGE",
        23 => "USR_UNSPECIFIED",
        24 => "USR_ASSERTION_FAILED",
        25 => "USR_READ_ONLY",
        26 => "USR_NOT_PAYABLE",
        _ => return None,
    })
}

/// `16 USR_ILLEGAL_ARGUMENT` (the number alone when the code has no name).
pub fn exit_code_text(code: ExitCode) -> String {
    match exit_code_name(code) {
        Some(name) => format!("{} {name}", code.value()),
        None => code.value().to_string(),
    }
}

/// What the sender paid for a message, split as the FVM splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    /// Gas used × base fee, burnt.
    pub base_fee_burn: TokenAmount,
    /// The part of the unused gas limit that is burnt (limit far above use).
    pub over_estimation_burn: TokenAmount,
    /// Gas limit × effective premium, to the block producer.
    pub miner_tip: TokenAmount,
}

impl Fee {
    pub fn of(ret: &ApplyRet) -> Self {
        Fee {
            base_fee_burn: ret.base_fee_burn.clone(),
            over_estimation_burn: ret.over_estimation_burn.clone(),
            miner_tip: ret.miner_tip.clone(),
        }
    }

    pub fn total(&self) -> TokenAmount {
        &self.base_fee_burn + &self.over_estimation_burn + &self.miner_tip
    }
}

/// Why a message was not applied at all (checks before execution: nonce, balance for the gas
/// limit, inclusion gas), if it was not. Nothing of such a message reaches the state.
pub fn not_applied(ret: &ApplyRet) -> Option<&str> {
    match &ret.failure_info {
        Some(ApplyFailure::PreValidation(why)) => Some(why),
        _ => None,
    }
}

/// One actor's exit in a failure, outermost call first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedCall {
    pub actor: fvm_shared::ActorID,
    pub method: fvm_shared::MethodNum,
    pub code: ExitCode,
    pub message: String,
}

/// The chain of calls that failed, outermost first, and the syscall error that started it when
/// the innermost actor exited with a system code (an actor's own abort explains itself; the
/// FVM keeps the last syscall error even when an actor handled it, so it is shown only then).
pub fn failure(ret: &ApplyRet) -> Option<(Vec<FailedCall>, Option<String>)> {
    match &ret.failure_info {
        Some(ApplyFailure::MessageBacktrace(bt)) => {
            let calls: Vec<FailedCall> = bt
                .frames
                .iter()
                .rev()
                .map(|f| FailedCall { actor: f.source, method: f.method, code: f.code, message: f.message.clone() })
                .collect();
            let innermost_system = calls.last().map(|c| c.code.is_system_error()).unwrap_or(true);
            let cause = bt.cause.as_ref().filter(|_| innermost_system).map(|c| c.to_string());
            Some((calls, cause))
        }
        Some(ApplyFailure::PreValidation(why)) => Some((Vec::new(), Some(why.clone()))),
        None => None,
    }
}

/// `ret`, unless the message was refused before application (then why, as an error).
pub fn applied(ret: ApplyRet) -> anyhow::Result<ApplyRet> {
    match not_applied(&ret) {
        Some(why) => Err(anyhow::anyhow!("not applied ({}): {why}", exit_code_text(ret.msg_receipt.exit_code))),
        None => Ok(ret),
    }
}

/// Gas limit from a run on a copy of the state: the gas it used plus 10% (at 1.1× the FVM
/// burns nothing for over-estimation), at most what the sender can pay for.
pub fn estimate_gas_limit(
    node: &crate::Node,
    key: &crate::keys::Key,
    message: &fvm_shared::message::Message,
) -> anyhow::Result<u64> {
    let id = node.resolve(&message.from)?.ok_or_else(|| anyhow::anyhow!("sender {} does not exist", message.from))?;
    let balance = node.balance(id)?;
    let spendable = &balance - &message.value;
    if spendable.is_negative() {
        anyhow::bail!(
            "not sent: the sender's balance is {} FLT, short by {} FLT of the value {} FLT (before any fee)",
            format_decimal(&balance),
            format_decimal(&-spendable),
            format_decimal(&message.value)
        );
    }
    let affordable = if message.gas_fee_cap.is_zero() {
        crate::node::BLOCK_GAS_LIMIT
    } else if spendable.is_negative() {
        0
    } else {
        u64::try_from(spendable.atto() / message.gas_fee_cap.atto()).unwrap_or(crate::node::BLOCK_GAS_LIMIT)
    }
    .min(crate::node::BLOCK_GAS_LIMIT);
    let trial = fvm_shared::message::Message { gas_limit: affordable, ..message.clone() };
    let ret = applied(node.estimate(&key.sign_message(trial))?)?;
    let used = ret.msg_receipt.gas_used;
    if ret.msg_receipt.exit_code == ExitCode::SYS_OUT_OF_GAS {
        anyhow::bail!(
            "not applied: the message needs more gas than the {affordable} the sender can pay for at a fee cap of {} FLT",
            format_decimal(&message.gas_fee_cap)
        );
    }
    Ok(used.saturating_add(used.div_ceil(10)).min(affordable))
}

/// Refuses a message whose sender cannot pay its value plus its maximum fee (gas limit × fee
/// cap): the FVM would take the fee and fail the transfer. Says by how much the balance is short.
pub fn check_funds(node: &crate::Node, message: &fvm_shared::message::Message) -> anyhow::Result<()> {
    let id = node.resolve(&message.from)?.ok_or_else(|| anyhow::anyhow!("sender {} does not exist", message.from))?;
    let balance = node.balance(id)?;
    let max_fee = TokenAmount::from_atto(message.gas_fee_cap.atto() * message.gas_limit);
    let needed = &message.value + &max_fee;
    if balance < needed {
        anyhow::bail!(
            "not sent: the sender's balance is {} FLT, short by {} FLT of the value {} FLT plus the maximum fee {} FLT \
             (gas limit {} × fee cap {} FLT)",
            format_decimal(&balance),
            format_decimal(&(needed - &balance)),
            format_decimal(&message.value),
            format_decimal(&max_fee),
            message.gas_limit,
            format_decimal(&message.gas_fee_cap)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_every_standard_code() {
        for (code, name) in [
            (ExitCode::OK, "OK"),
            (ExitCode::SYS_OUT_OF_GAS, "SYS_OUT_OF_GAS"),
            (ExitCode::USR_ILLEGAL_ARGUMENT, "USR_ILLEGAL_ARGUMENT"),
            (ExitCode::USR_FORBIDDEN, "USR_FORBIDDEN"),
            (ExitCode::USR_INSUFFICIENT_FUNDS, "USR_INSUFFICIENT_FUNDS"),
            (ExitCode::USR_NOT_PAYABLE, "USR_NOT_PAYABLE"),
        ] {
            assert_eq!(exit_code_name(code), Some(name));
        }
        assert_eq!(exit_code_text(ExitCode::new(16)), "16 USR_ILLEGAL_ARGUMENT");
        assert_eq!(exit_code_text(ExitCode::new(40)), "40");
    }
}
