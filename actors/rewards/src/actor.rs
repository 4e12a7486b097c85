//! Wasm glue: params, address resolution, the oracle call, state load/save, events and payouts.
//! The state is saved before any FLT leaves the actor.

use cloudless_runtime::events::EventBuilder;
use cloudless_runtime::{sdk, ActorResult, METHOD_CONSTRUCTOR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::econ::TokenAmount;
use fvm_shared::{ActorID, MethodNum};

use crate::state::{Ctx, State};
use crate::types::*;

cloudless_runtime::wasm_entry!(dispatch);

fn dispatch(method: MethodNum, params: u32) -> ActorResult<Option<IpldBlock>> {
    match method {
        METHOD_CONSTRUCTOR => sdk::construct(params, constructor),
        METHOD_FUND => {
            let value = sdk::value_received();
            mutate(|st, ctx, _, events| st.fund(ctx, &value, events)).and(Ok(None))
        }
        METHOD_RECORD_PROOFS => {
            let p: RecordProofsParams = sdk::params(params)?;
            mutate(|st, ctx, now, events| st.record_proofs(&sdk::SdkStore, ctx, now, &p, events)).and(Ok(None))
        }
        METHOD_WITHDRAW => {
            let p: CommitmentQuery = sdk::params(params)?;
            let out = mutate(|st, ctx, now, events| st.withdraw(&sdk::SdkStore, ctx, now, p.id, events))?;
            pay(out.delegator, &out.delegator_amount)?;
            pay(out.provider, &out.provider_amount)?;
            sdk::ret(&out)
        }
        METHOD_SET_POOL_CONFIG => {
            let p: PoolConfig = sdk::params(params)?;
            mutate(|st, ctx, _, events| st.set_pool_config(ctx, p, events)).and(Ok(None))
        }
        METHOD_TRANSFER_ADMIN => {
            let p: TransferAdminParams = sdk::params(params)?;
            let to = sdk::resolve(&p.new_admin)?;
            mutate(|st, ctx, _, events| st.transfer_admin(ctx, to, events)).and(Ok(None))
        }
        METHOD_GET_CONFIG => {
            let st: State = sdk::state()?;
            sdk::ret(&ConfigReturn { admin: st.admin, config: st.config })
        }
        METHOD_GET_TOTALS => {
            let st: State = sdk::state()?;
            let current = st.period_info(&sdk::SdkStore, st.current.period)?;
            sdk::ret(&TotalsReturn { totals: st.totals, current })
        }
        METHOD_GET_PERIOD => {
            let p: PeriodQuery = sdk::params(params)?;
            sdk::ret(&sdk::state::<State>()?.period_info(&sdk::SdkStore, p.period)?)
        }
        METHOD_GET_COMMITMENT => {
            let p: CommitmentQuery = sdk::params(params)?;
            sdk::ret(&sdk::state::<State>()?.commitment_view(&sdk::SdkStore, p.id, sdk::curr_epoch())?)
        }
        _ => sdk::unhandled(method),
    }
}

/// Loads the state, opens the current period (the oracle is asked only when the pool rule needs
/// a price), runs `op` with the period, saves, then emits the events.
fn mutate<R>(op: impl FnOnce(&mut State, &Ctx, i64, &mut Vec<EventBuilder>) -> ActorResult<R>) -> ActorResult<R> {
    let mut st: State = sdk::state()?;
    let ctx = Ctx { caller: sdk::caller(), epoch: sdk::curr_epoch() };
    let mut events = Vec::new();
    let mut price = |oracle: ActorID, asset: &str| {
        // The TWAP: the pool rule looks at a whole period, not one moment.
        Ok(cloudless_runtime::oracle::price(oracle, asset)?.map(|info| info.twap))
    };
    let now = st.touch(&sdk::SdkStore, &ctx, &mut price, &mut events)?;
    let out = op(&mut st, &ctx, now, &mut events)?;
    sdk::set_state(&st)?;
    for event in events {
        sdk::emit(event)?;
    }
    Ok(out)
}

fn pay(to: ActorID, amount: &TokenAmount) -> ActorResult<()> {
    if amount.is_zero() {
        return Ok(());
    }
    sdk::transfer(to, amount.clone()).map_err(|e| e.wrap(format_args!("paying f0{to}")))
}

fn constructor(params: ConstructorParams) -> ActorResult<Option<IpldBlock>> {
    let admin = sdk::resolve(&params.admin)?;
    let funded = sdk::value_received();
    let st = State::new(&sdk::SdkStore, admin, params.config, sdk::curr_epoch(), funded.clone())?;
    sdk::set_state(&st)?;
    sdk::emit(EventBuilder::new("admin-transferred").field("from", &None::<ActorID>)?.field("to", &admin)?)?;
    sdk::emit(
        EventBuilder::new("period-opened")
            .field("period", &st.current.period)?
            .field("pool", &st.current.pool)?
            .field("price", &None::<TokenAmount>)?,
    )?;
    if funded.is_positive() {
        sdk::emit(
            EventBuilder::new("funded")
                .field("from", &0u64)?
                .field("amount", &funded)?
                .field("unallocated", &funded)?,
        )?;
    }
    Ok(None)
}
