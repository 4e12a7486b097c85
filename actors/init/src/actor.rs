//! Wasm glue of the init actor.

use cloudless_runtime::sdk::SdkRuntime;
use cloudless_runtime::{actor_error, ret, unhandled, ActorResult, AsActorError, Params, Runtime, METHOD_CONSTRUCTOR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_ipld_encoding::CBOR;
use fvm_shared::address::Address;
use fvm_shared::MethodNum;

use crate::{ConstructorParams, ExecParams, ExecReturn, State, METHOD_EXEC};

cloudless_runtime::wasm_entry!(fn dispatch);

fn dispatch(rt: &SdkRuntime, method: MethodNum, params: Params) -> ActorResult<Option<IpldBlock>> {
    match method {
        METHOD_CONSTRUCTOR => {
            rt.require_system_caller()?;
            constructor(rt, params.decode()?)
        }
        METHOD_EXEC => exec(rt, params.decode()?),
        _ => unhandled(method),
    }
}

fn constructor(rt: &SdkRuntime, params: ConstructorParams) -> ActorResult<Option<IpldBlock>> {
    if params.network_name.is_empty() {
        return Err(actor_error!(illegal_argument; "network name must not be empty"));
    }
    rt.set_state(&State::new(rt.store(), params.network_name, params.first_actor_id)?)?;
    Ok(None)
}

/// Creates an actor of any code in the bundle; the new actor's constructor decides who may
/// create it (core actors accept only the system actor, so they cannot be spawned here).
fn exec(rt: &SdkRuntime, params: ExecParams) -> ActorResult<Option<IpldBlock>> {
    match fvm_sdk::actor::get_builtin_actor_type(&params.code_cid) {
        Some(t) if t > 0 => {}
        _ => {
            return Err(
                actor_error!(forbidden; "code {} is not an actor of the bundle", cloudless_runtime::text::cid(&params.code_cid)),
            )
        }
    }
    let robust_address = fvm_sdk::actor::next_actor_address();
    let mut st: State = rt.state()?;
    let id = st.map_address_to_new_id(rt.store(), &robust_address)?;
    rt.set_state(&st)?;

    fvm_sdk::actor::create_actor(id, &params.code_cid, None).or_illegal_state("creating actor")?;
    // Plain CBOR, as the FVM passes message params: the bytes reach the constructor, which
    // reports undecodable params itself (USR_SERIALIZATION).
    let ctor_params = (!params.constructor_params.is_empty())
        .then(|| IpldBlock { codec: CBOR, data: params.constructor_params.to_vec() });
    let id_address = Address::new_id(id);
    let resp = rt
        .send(&id_address, METHOD_CONSTRUCTOR, ctor_params, rt.value_received(), false)
        .or_illegal_state("calling constructor")?;
    if !resp.exit_code.is_success() {
        return Err(cloudless_runtime::ActorError::new(
            resp.exit_code,
            format!("constructor of f0{id} failed with exit code {}", resp.exit_code.value()),
        ));
    }
    ret(&ExecReturn { id_address, robust_address })
}
