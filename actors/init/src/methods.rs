//! The init actor's handlers over the [`Runtime`].

use cloudless_runtime::{actor_error, ActorError, ActorResult, AsActorError, Runtime, METHOD_CONSTRUCTOR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::CBOR;
use fvm_shared::address::Address;

use crate::{ConstructorParams, ExecParams, ExecReturn, State};

pub fn constructor<R: Runtime>(rt: &R, params: ConstructorParams) -> ActorResult<()> {
    if params.network_name.is_empty() {
        return Err(actor_error!(illegal_argument; "network name must not be empty"));
    }
    rt.set_state(&State::new(rt.store(), params.network_name, params.first_actor_id)?)
}

/// Creates an actor of any code in the bundle; the new actor's constructor decides who may
/// create it (core actors accept only the system actor, so they cannot be spawned here).
pub fn exec<R: Runtime>(rt: &R, params: ExecParams) -> ActorResult<ExecReturn> {
    match rt.builtin_actor_type(&params.code_cid) {
        Some(t) if t > 0 => {}
        _ => {
            return Err(
                actor_error!(forbidden; "code {} is not an actor of the bundle", cloudless_runtime::text::cid(&params.code_cid)),
            )
        }
    }
    let robust_address = rt.next_actor_address();
    let mut st: State = rt.state()?;
    let id = st.map_address_to_new_id(rt.store(), &robust_address)?;
    rt.set_state(&st)?;

    rt.create_actor(id, &params.code_cid, None).or_illegal_state("creating actor")?;
    // Plain CBOR, as the FVM passes message params: the bytes reach the constructor, which
    // reports undecodable params itself (USR_SERIALIZATION).
    let ctor_params =
        (!params.constructor_params.is_empty()).then_some(IpldBlock { codec: CBOR, data: params.constructor_params });
    let id_address = Address::new_id(id);
    let resp = rt
        .send(&id_address, METHOD_CONSTRUCTOR, ctor_params, rt.value_received(), false)
        .or_illegal_state("calling constructor")?;
    if !resp.exit_code.is_success() {
        return Err(ActorError::new(
            resp.exit_code,
            format!("constructor of f0{id} failed with exit code {}", resp.exit_code.value()),
        ));
    }
    Ok(ExecReturn { id_address, robust_address })
}
