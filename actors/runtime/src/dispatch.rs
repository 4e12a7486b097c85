//! Method dispatch and the interface an actor declares with [`actor!`](crate::actor).

use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::DAG_CBOR;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use fvm_shared::MethodNum;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::abi::{Fields, InterfaceVisitor};
use crate::runtime::Runtime;
use crate::transaction::ActorState;
use crate::{actor_error, ActorError, ActorResult, AsActorError};

/// A method's params, decoded only when the method asks (so a method that takes none, or a
/// caller check that fails first, reads nothing).
pub struct Params(Source);

enum Source {
    Block(Option<IpldBlock>),
    #[cfg(feature = "fil-actor")]
    Sdk(u32),
}

impl Params {
    /// Params already in hand (native tests, the mock).
    pub fn block(block: Option<IpldBlock>) -> Self {
        Params(Source::Block(block))
    }

    /// The params block of the current Wasm invocation.
    #[cfg(feature = "fil-actor")]
    pub fn sdk(id: u32) -> Self {
        Params(Source::Sdk(id))
    }

    /// The raw block, if any.
    pub fn raw(self) -> ActorResult<Option<IpldBlock>> {
        match self.0 {
            Source::Block(block) => Ok(block),
            #[cfg(feature = "fil-actor")]
            Source::Sdk(id) => fvm_sdk::message::params_raw(id).or_code(ExitCode::USR_SERIALIZATION, "reading params"),
        }
    }

    /// Decodes the params; missing or undecodable params are USR_SERIALIZATION.
    pub fn decode<T: DeserializeOwned>(self) -> ActorResult<T> {
        let block = self.raw()?.ok_or_else(|| ActorError::serialization("method requires parameters"))?;
        block.deserialize().map_err(|e| actor_error!(serialization; "failed to decode params: {e}"))
    }
}

/// Encodes a method's return value (DAG-CBOR).
pub fn ret<T: Serialize + ?Sized>(value: &T) -> ActorResult<Option<IpldBlock>> {
    IpldBlock::serialize(DAG_CBOR, value).map(Some).or_code(ExitCode::USR_SERIALIZATION, "encoding return value")
}

/// The standard error for a method number the actor does not have.
pub fn unhandled(method: MethodNum) -> ActorResult<Option<IpldBlock>> {
    Err(actor_error!(unhandled_message; "unknown method {method}"))
}

/// An actor's code: its bundle name, its state, its dispatch and its declared interface.
/// [`actor!`] implements it.
///
/// [`actor!`]: crate::actor
pub trait ActorCode {
    /// The actor's name in the bundle manifest.
    const NAME: &'static str;
    /// Whether it accepts every exported method it does not declare (`[universal_receiver]`).
    const UNIVERSAL_RECEIVER: bool = false;
    /// The persistent state, with its clock step and its invariant check.
    type State: ActorState + Invariants;
    /// What `cloudless state` shows of the state (its fields labelled by [`Fields`]).
    type View: Serialize + Fields;

    fn dispatch<R: Runtime>(rt: &R, method: MethodNum, params: Params) -> ActorResult<Option<IpldBlock>>;

    /// Visits every method with its params and return types, and every declared event.
    fn interface<V: InterfaceVisitor>(v: &mut V);

    fn view<BS: Blockstore>(st: &Self::State, store: &BS) -> ActorResult<Self::View>;
}

/// The read-only state invariant check (docs/protocol.md §0; `check_state_invariants` as builtin-actors
/// name it), one signature for every actor: run by tests and the conformance runner after
/// every message.
pub trait Invariants {
    /// Every violated invariant (empty when sound). `balance` is the actor's FLT balance.
    fn check_state_invariants<BS: Blockstore>(&self, store: &BS, balance: &TokenAmount) -> Vec<String>;
}

/// A stateless actor has nothing to check.
impl Invariants for () {
    fn check_state_invariants<BS: Blockstore>(&self, _: &BS, _: &TokenAmount) -> Vec<String> {
        Vec::new()
    }
}

/// Declares an actor: its code type, bundle name and methods. Generates the `METHOD_*`
/// constants (FRC-42 numbers from the names, or the number given after `@`), `METHODS` (name,
/// number), and the [`ActorCode`] implementation whose dispatch decodes each method's params,
/// calls its handler and encodes its return — the only glue between the FVM and the actor's
/// code. Every actor of the bundle, core and test actors included, is declared this way.
///
/// ```ignore
/// cloudless_runtime::actor! {
///     /// The price oracle.
///     pub struct OracleActor = "oracle";
///     state: State, view: methods::StateView = methods::state_view;
///     events: [events::PriceReported, events::MedianUpdated, AdminTransferred];
///     constructor(ConstructorParams) => methods::constructor;
///     METHOD_REPORT = "Report"(ReportParams) => methods::report;
///     METHOD_GET_ADMIN = "GetAdmin" -> AdminReturn => methods::get_admin;
///     [payable] METHOD_FUND = "Fund" => methods::fund;
/// }
/// ```
///
/// - A handler is `fn<R: Runtime>(&R[, Params]) -> ActorResult<Return or ()>`.
/// - `state: ()` declares a stateless actor; `view: V = f` may be left out (the view is `()`).
/// - The constructor (method 1) accepts only the system actor as caller, checked before its
///   params are decoded; `constructor [exec]` also accepts the init actor (an actor anyone
///   may create with init's `Exec`). An actor without a `constructor` line (the placeholder)
///   has no method 1.
/// - `METHOD_X = "Name" @ 2 ...` gives a method a fixed number (the core actors' builtin-actors
///   numbers) instead of its FRC-42 hash.
/// - `struct X = "name" [universal_receiver]` accepts every exported method it does not
///   declare (FRC-42 numbers ≥ 2^24: a token's `Receive` hook), with any value, doing nothing.
/// - Only methods marked `[payable]` (and the constructor, which genesis funds) take FLT: value
///   sent to any other method is refused with USR_ILLEGAL_ARGUMENT before anything runs, so no
///   FLT can land in an actor without being accounted for.
#[macro_export]
macro_rules! actor {
    (
        $(#[$meta:meta])*
        $vis:vis struct $actor:ident = $name:literal $([$($flag:ident),* $(,)?])?;
        state: $state:ty $(, view: $view:ty = $view_fn:expr)?;
        events: [$($event:ty),* $(,)?];
        constructor $([$who:ident])? $(($cparams:ty))? => $constructor:expr;
        $($methods:tt)*
    ) => {
        $crate::actor!(@actor [$(#[$meta])*] $vis $actor $name [$($($flag)*)?] [$state] [$($view = $view_fn)?]
            [$($event)*] [ctor [$($who)?] $(($cparams))? => $constructor] $($methods)*);
    };
    (
        $(#[$meta:meta])*
        $vis:vis struct $actor:ident = $name:literal $([$($flag:ident),* $(,)?])?;
        state: $state:ty $(, view: $view:ty = $view_fn:expr)?;
        events: [$($event:ty),* $(,)?];
        $($methods:tt)*
    ) => {
        $crate::actor!(@actor [$(#[$meta])*] $vis $actor $name [$($($flag)*)?] [$state] [$($view = $view_fn)?]
            [$($event)*] [] $($methods)*);
    };

    (
        @actor [$($meta:tt)*] $vis:vis $actor:ident $name:literal [$($flag:ident)*] [$state:ty]
        [$($view:ty = $view_fn:expr)?] [$($event:ty)*]
        [$(ctor [$($who:ident)?] $(($cparams:ty))? => $constructor:expr)?]
        $( $(#[$mmeta:meta])* $([$payable:ident])? $konst:ident = $mname:tt $(@ $num:literal)? $(($params:ty))? $(-> $ret:ty)? => $handler:expr; )*
    ) => {
        $($meta)*
        $vis struct $actor;

        $(
            $(#[$mmeta])*
            pub const $konst: $crate::MethodNum = $crate::actor!(@number $mname $($num)?);
        )*

        /// Every method by name, for the CLI and the docs.
        pub const METHODS: &[(&str, $crate::MethodNum)] = &[
            $( ("Constructor", $crate::actor!(@constructor_number $constructor)), )?
            $( ($mname, $konst), )*
        ];

        impl $crate::ActorCode for $actor {
            const NAME: &'static str = $name;
            const UNIVERSAL_RECEIVER: bool = false $(|| $crate::actor!(@flag $flag))*;
            type State = $state;
            type View = $crate::actor!(@ty $($view)?);

            #[allow(unused_variables)]
            fn view<BS: $crate::Blockstore>(st: &$state, store: &BS) -> $crate::ActorResult<Self::View> {
                $crate::actor!(@view st store $($view_fn)?)
            }

            fn dispatch<R: $crate::Runtime>(
                rt: &R,
                method: $crate::MethodNum,
                params: $crate::Params,
            ) -> $crate::ActorResult<::core::option::Option<$crate::IpldBlock>> {
                #[allow(unused_variables)]
                match method {
                    $( $crate::METHOD_CONSTRUCTOR => {
                        $crate::actor!(@constructor_caller rt $($who)?)?;
                        $crate::actor!(@ret [$constructor] rt params $($cparams)? ;)
                    } )?
                    $( $konst => {
                        if !$crate::actor!(@payable $($payable)?) {
                            $crate::refuse_value(rt, $mname)?;
                        }
                        $crate::actor!(@ret [$handler] rt params $($params)? ; $($ret)?)
                    } )*
                    m if Self::UNIVERSAL_RECEIVER && m >= $crate::FIRST_EXPORTED_METHOD_NUMBER => Ok(None),
                    _ => $crate::unhandled(method),
                }
            }

            fn interface<V: $crate::abi::InterfaceVisitor>(v: &mut V) {
                $( v.event::<$event>(); )*
                $( $crate::actor!(@describe v "Constructor" $crate::actor!(@constructor_number $constructor), true; $($cparams)? ;); )?
                $( $crate::actor!(@describe v $mname $konst, $crate::actor!(@payable $($payable)?); $($params)? ; $($ret)?); )*
            }
        }
    };

    (@number $name:tt $num:literal) => { $num };
    (@number $name:tt) => { $crate::frc42_dispatch::method_hash!($name) };
    (@constructor_number $c:expr) => { $crate::METHOD_CONSTRUCTOR };
    (@constructor_caller $rt:ident) => { $crate::Runtime::require_system_caller($rt) };
    (@constructor_caller $rt:ident exec) => { $crate::Runtime::require_creator($rt) };
    (@flag universal_receiver) => { true };
    (@view $st:ident $store:ident $f:expr) => { ($f)($st, $store) };
    (@view $st:ident $store:ident) => { Ok(()) };

    // Call the handler with or without decoded params, then encode its return (or none).
    (@ret [$h:expr] $rt:ident $p:ident $($params:ty)? ;) => {
        $crate::actor!(@call [$h] $rt $p $($params)?).map(|()| None)
    };
    (@ret [$h:expr] $rt:ident $p:ident $($params:ty)? ; $ret:ty) => {
        $crate::ret(&$crate::actor!(@call [$h] $rt $p $($params)?)?)
    };
    (@call [$h:expr] $rt:ident $p:ident $params:ty) => {
        ($h)($rt, $p.decode::<$params>()?)
    };
    (@call [$h:expr] $rt:ident $p:ident) => {
        ($h)($rt)
    };

    (@describe $v:ident $name:tt $num:expr, $payable:expr; $($params:ty)? ; $($ret:ty)?) => {
        $v.method::<$crate::actor!(@ty $($params)?), $crate::actor!(@ty $($ret)?)>($crate::abi::MethodInfo {
            name: $name,
            number: $num,
            takes_params: $crate::actor!(@has $($params)?),
            returns: $crate::actor!(@has $($ret)?),
            payable: $payable,
        })
    };
    (@payable payable) => { true };
    (@payable) => { false };
    (@ty $t:ty) => { $t };
    (@ty) => { () };
    (@has $t:ty) => { true };
    (@has) => { false };
}

/// Refuses FLT sent to a method that does not take it (see [`actor!`](crate::actor)).
pub fn refuse_value<R: Runtime>(rt: &R, method: &str) -> ActorResult<()> {
    let value = rt.value_received();
    if !value.is_zero() {
        return Err(actor_error!(illegal_argument; "{method} does not take FLT; {value} was sent"));
    }
    Ok(())
}

/// The constructor of an actor without state of its own (its state is `()`).
pub fn construct_stateless<R: Runtime>(rt: &R) -> ActorResult<()> {
    rt.set_state(&())
}
