//! The error every actor method returns: an exit code and a message.

use std::fmt;

use fvm_shared::error::ExitCode;

/// A failed method: the message aborts with `exit_code` and `msg`, and no state change survives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorError {
    exit_code: ExitCode,
    msg: String,
}

pub type ActorResult<T> = Result<T, ActorError>;

macro_rules! constructors {
    ($($name:ident => $code:ident),* $(,)?) => {
        $(
            #[doc = concat!("An error with exit code `", stringify!($code), "`.")]
            pub fn $name(msg: impl Into<String>) -> Self {
                Self::new(ExitCode::$code, msg)
            }
        )*
    };
}

impl ActorError {
    pub fn new(exit_code: ExitCode, msg: impl Into<String>) -> Self {
        Self { exit_code, msg: msg.into() }
    }

    constructors! {
        illegal_argument => USR_ILLEGAL_ARGUMENT,
        serialization => USR_SERIALIZATION,
        forbidden => USR_FORBIDDEN,
        not_found => USR_NOT_FOUND,
        insufficient_funds => USR_INSUFFICIENT_FUNDS,
        illegal_state => USR_ILLEGAL_STATE,
        unhandled_message => USR_UNHANDLED_MESSAGE,
        assertion_failed => USR_ASSERTION_FAILED,
        read_only => USR_READ_ONLY,
    }

    pub fn exit_code(&self) -> ExitCode {
        self.exit_code
    }

    pub fn msg(&self) -> &str {
        &self.msg
    }

    /// Prefixes the message with context, keeping the exit code.
    pub fn wrap(self, context: impl fmt::Display) -> Self {
        Self { exit_code: self.exit_code, msg: format!("{context}: {}", self.msg) }
    }
}

impl fmt::Display for ActorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (exit code {})", self.msg, self.exit_code.value())
    }
}

impl std::error::Error for ActorError {}

/// `actor_error!(illegal_argument; "bad {}", x)` builds an [`ActorError`].
#[macro_export]
macro_rules! actor_error {
    ($kind:ident; $($arg:tt)*) => {
        $crate::ActorError::$kind(format!($($arg)*))
    };
}

/// Turns any displayable error into an [`ActorError`] with the given code and context.
pub trait AsActorError<T> {
    fn or_code(self, code: ExitCode, context: impl fmt::Display) -> ActorResult<T>;

    /// Store and encoding failures inside an actor are illegal state (the state is corrupt or
    /// the store is missing blocks), never the caller's fault.
    fn or_illegal_state(self, context: impl fmt::Display) -> ActorResult<T>
    where
        Self: Sized,
    {
        self.or_code(ExitCode::USR_ILLEGAL_STATE, context)
    }
}

impl<T, E: fmt::Display> AsActorError<T> for Result<T, E> {
    fn or_code(self, code: ExitCode, context: impl fmt::Display) -> ActorResult<T> {
        self.map_err(|e| ActorError::new(code, format!("{context}: {e}")))
    }
}

impl<T> AsActorError<T> for Option<T> {
    fn or_code(self, code: ExitCode, context: impl fmt::Display) -> ActorResult<T> {
        self.ok_or_else(|| ActorError::new(code, context.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_formats_and_keeps_code() {
        let e = actor_error!(not_found; "asset {} unknown", "FLT/USD");
        assert_eq!(e.exit_code(), ExitCode::USR_NOT_FOUND);
        assert_eq!(e.msg(), "asset FLT/USD unknown");
        let e = e.wrap("report");
        assert_eq!(e.msg(), "report: asset FLT/USD unknown");
    }

    #[test]
    fn option_and_result_conversions() {
        let r: Result<(), String> = Err("boom".into());
        assert_eq!(r.or_illegal_state("load").unwrap_err().msg(), "load: boom");
        let o: Option<u8> = None;
        assert_eq!(o.or_code(ExitCode::USR_NOT_FOUND, "missing").unwrap_err().exit_code(), ExitCode::USR_NOT_FOUND);
    }
}
