//! Wasm glue: caller checks, address resolution, state load/save and events.

use cloudless_runtime::events::EventBuilder;
use cloudless_runtime::{sdk, ActorResult, METHOD_CONSTRUCTOR};
use fvm_ipld_encoding::ipld_block::IpldBlock;
use fvm_shared::ActorID;
use fvm_shared::MethodNum;

use crate::state::{Asset, State};
use crate::types::*;

cloudless_runtime::wasm_entry!(dispatch);

fn dispatch(method: MethodNum, params: u32) -> ActorResult<Option<IpldBlock>> {
    match method {
        METHOD_CONSTRUCTOR => sdk::construct(params, constructor),
        METHOD_REPORT => report(sdk::params(params)?),
        METHOD_GET_PRICE => get_price(sdk::params(params)?),
        METHOD_GET_ASSET => get_asset(sdk::params(params)?),
        METHOD_GET_ADMIN => sdk::ret(&AdminReturn { admin: sdk::state::<State>()?.admin }),
        METHOD_ADD_ASSET => add_asset(sdk::params(params)?),
        METHOD_SET_ASSET_CONFIG => set_asset_config(sdk::params(params)?),
        METHOD_ADD_REPORTER => add_reporter(sdk::params(params)?),
        METHOD_REMOVE_REPORTER => remove_reporter(sdk::params(params)?),
        METHOD_TRANSFER_ADMIN => transfer_admin(sdk::params(params)?),
        _ => sdk::unhandled(method),
    }
}

/// Loads the state and fails with USR_FORBIDDEN unless the caller is the admin.
fn state_as_admin() -> ActorResult<State> {
    let st: State = sdk::state()?;
    sdk::require_caller(st.admin, "oracle admin")?;
    Ok(st)
}

fn new_asset(params: AssetParams) -> ActorResult<Asset> {
    let reporters = params.reporters.iter().map(sdk::resolve).collect::<ActorResult<Vec<_>>>()?;
    Asset::new(params.symbol, params.config, reporters)
}

fn emit_asset(event_type: &str, asset: &Asset) -> ActorResult<()> {
    let c = &asset.config;
    sdk::emit(
        EventBuilder::new(event_type)
            .field("asset", &asset.symbol)?
            .field("quorum", &c.quorum)?
            .field("report_expiry", &c.report_expiry)?
            .field("max_deviation", &c.max_deviation)?
            .field("twap_window", &c.twap_window)?,
    )
}

fn emit_reporter(event_type: &str, asset: &str, reporter: ActorID) -> ActorResult<()> {
    sdk::emit(EventBuilder::new(event_type).field("asset", asset)?.field("reporter", &reporter)?)
}

fn constructor(params: ConstructorParams) -> ActorResult<Option<IpldBlock>> {
    let admin = sdk::resolve(&params.admin)?;
    let assets = params.assets.into_iter().map(new_asset).collect::<ActorResult<Vec<_>>>()?;
    let st = State::new(&sdk::SdkStore, admin, assets.clone())?;
    sdk::set_state(&st)?;
    sdk::emit(EventBuilder::new("admin-transferred").field("from", &None::<ActorID>)?.field("to", &admin)?)?;
    for asset in &assets {
        emit_asset("asset-added", asset)?;
        for r in &asset.reporters {
            emit_reporter("reporter-added", &asset.symbol, *r)?;
        }
    }
    Ok(None)
}

fn report(params: ReportParams) -> ActorResult<Option<IpldBlock>> {
    let mut st: State = sdk::state()?;
    let mut asset = st.get_asset(&sdk::SdkStore, &params.asset)?;
    let (reporter, epoch) = (sdk::caller(), sdk::curr_epoch());
    let outcome = asset.report(reporter, params.price.clone(), epoch)?;
    st.put_asset(&sdk::SdkStore, asset)?;
    sdk::set_state(&st)?;
    sdk::emit(
        EventBuilder::new("price-reported")
            .field("asset", &params.asset)?
            .field("reporter", &reporter)?
            .field("price", &params.price)?
            .field("epoch", &epoch)?,
    )?;
    if let Some(median) = &outcome.median {
        sdk::emit(
            EventBuilder::new("median-updated")
                .field("asset", &params.asset)?
                .field("median", median)?
                .field("epoch", &epoch)?,
        )?;
    }
    Ok(None)
}

fn get_price(params: AssetQuery) -> ActorResult<Option<IpldBlock>> {
    let st: State = sdk::state()?;
    let asset = st.get_asset(&sdk::SdkStore, &params.asset)?;
    sdk::ret(&asset.price(sdk::curr_epoch())?)
}

fn get_asset(params: AssetQuery) -> ActorResult<Option<IpldBlock>> {
    let st: State = sdk::state()?;
    sdk::ret(&st.get_asset(&sdk::SdkStore, &params.asset)?)
}

fn add_asset(params: AssetParams) -> ActorResult<Option<IpldBlock>> {
    let mut st = state_as_admin()?;
    let asset = new_asset(params)?;
    st.add_asset(&sdk::SdkStore, asset.clone())?;
    sdk::set_state(&st)?;
    emit_asset("asset-added", &asset)?;
    for r in &asset.reporters {
        emit_reporter("reporter-added", &asset.symbol, *r)?;
    }
    Ok(None)
}

fn set_asset_config(params: SetAssetConfigParams) -> ActorResult<Option<IpldBlock>> {
    let mut st = state_as_admin()?;
    let mut asset = st.get_asset(&sdk::SdkStore, &params.asset)?;
    asset.set_config(params.config)?;
    st.put_asset(&sdk::SdkStore, asset.clone())?;
    sdk::set_state(&st)?;
    emit_asset("asset-config-set", &asset)?;
    Ok(None)
}

fn add_reporter(params: ReporterParams) -> ActorResult<Option<IpldBlock>> {
    update_reporter(params, "reporter-added", Asset::add_reporter)
}

fn remove_reporter(params: ReporterParams) -> ActorResult<Option<IpldBlock>> {
    update_reporter(params, "reporter-removed", Asset::remove_reporter)
}

/// Admin-only change of an asset's reporter set, with its event.
fn update_reporter(
    params: ReporterParams,
    event_type: &str,
    change: fn(&mut Asset, ActorID) -> ActorResult<()>,
) -> ActorResult<Option<IpldBlock>> {
    let mut st = state_as_admin()?;
    let reporter = sdk::resolve(&params.reporter)?;
    let mut asset = st.get_asset(&sdk::SdkStore, &params.asset)?;
    change(&mut asset, reporter)?;
    st.put_asset(&sdk::SdkStore, asset)?;
    sdk::set_state(&st)?;
    emit_reporter(event_type, &params.asset, reporter)?;
    Ok(None)
}

fn transfer_admin(params: TransferAdminParams) -> ActorResult<Option<IpldBlock>> {
    let mut st = state_as_admin()?;
    let new_admin = sdk::resolve(&params.new_admin)?;
    let from = st.admin;
    st.admin = new_admin;
    sdk::set_state(&st)?;
    sdk::emit(EventBuilder::new("admin-transferred").field("from", &Some(from))?.field("to", &new_admin)?)?;
    Ok(None)
}
