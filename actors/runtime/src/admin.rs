//! The admin of a singleton actor (docs/protocol.md §0): one address, set at genesis, that may hand its role
//! on with `TransferAdmin`. Every singleton uses this module for the check, the method and the
//! `admin-transferred` event.

use fvm_ipld_encoding::tuple::*;
use fvm_shared::address::Address;
use fvm_shared::ActorID;

use crate::events::EventBuilder;
use crate::runtime::Runtime;
use crate::transaction::{transact, ActorState, Ctx};
use crate::{actor_error, address, ActorResult, Event, Fields};

/// A state with an admin; [`impl_admin!`](crate::impl_admin) implements it.
pub trait Admin {
    /// How errors name the role: `"capacity admin"`.
    const ROLE: &'static str;
    fn admin(&self) -> ActorID;
    fn set_admin(&mut self, admin: ActorID);
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct TransferAdminParams {
    #[serde(with = "address")]
    pub new_admin: Address,
}

/// Fails with USR_FORBIDDEN unless the caller is the admin.
pub fn require_admin<S: Admin>(st: &S, ctx: &Ctx) -> ActorResult<()> {
    if ctx.caller != st.admin() {
        return Err(actor_error!(forbidden; "caller f0{} is not the {} (f0{})", ctx.caller, S::ROLE, st.admin()));
    }
    Ok(())
}

/// `admin-transferred`: `from` is absent when the constructor sets the first admin. Every
/// actor with an admin lists it in its `events`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, Fields, Event)]
#[event("admin-transferred")]
pub struct AdminTransferred {
    pub from: Option<ActorID>,
    pub to: ActorID,
}

/// The `admin-transferred` event.
pub fn admin_event(from: Option<ActorID>, to: ActorID) -> ActorResult<EventBuilder> {
    EventBuilder::of(&AdminTransferred { from, to })
}

/// `TransferAdmin`: the new admin must be an existing actor; only the admin may call.
pub fn transfer_admin<R: Runtime, S: ActorState + Admin>(rt: &R, p: TransferAdminParams) -> ActorResult<()> {
    let to = rt.resolve(&p.new_admin)?;
    transact(rt, |st: &mut S, ctx, fx| {
        require_admin(st, ctx)?;
        fx.event(admin_event(Some(st.admin()), to))?;
        st.set_admin(to);
        Ok(())
    })
}

/// `impl_admin!(State, admin, "capacity admin")`: `State`'s `admin` field is the admin, named
/// "capacity admin" in errors.
#[macro_export]
macro_rules! impl_admin {
    ($state:ty, $field:ident, $role:literal) => {
        impl $crate::admin::Admin for $state {
            const ROLE: &'static str = $role;
            fn admin(&self) -> ::fvm_shared::ActorID {
                self.$field
            }
            fn set_admin(&mut self, admin: ::fvm_shared::ActorID) {
                self.$field = admin;
            }
        }
    };
}

/// The checks every singleton's `TransferAdmin` must pass, through the actor's dispatch on the
/// mock: a stranger and an unknown new admin are refused without change, the admin hands over,
/// and the old admin can no longer hand over.
#[cfg(feature = "testing")]
pub fn check_transfer_admin(
    rt: &crate::mock::MockRuntime,
    method: fvm_shared::MethodNum,
    admin: ActorID,
    newcomer: ActorID,
) {
    use fvm_shared::error::ExitCode;
    let to = |id| TransferAdminParams { new_admin: Address::new_id(id) };
    rt.refused(newcomer, method, &to(newcomer), ExitCode::USR_FORBIDDEN);
    rt.refused(admin, method, &to(999_999), ExitCode::USR_NOT_FOUND);
    rt.clear_records();
    rt.ok::<_, ()>(admin, method, &to(newcomer));
    // (A clock step may emit first, e.g. a new period.)
    assert_eq!(rt.event_types().last().map(String::as_str), Some("admin-transferred"));
    rt.refused(admin, method, &to(admin), ExitCode::USR_FORBIDDEN);
}
