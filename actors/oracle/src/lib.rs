//! Price oracle actor (docs/protocol.md §4): per-asset reporters, quorum, expiry, deviation guard, median and
//! TWAP. `state` holds the rules and the operations, `methods` the handlers over the
//! [`Runtime`](cloudless_runtime::Runtime); the declaration below is the actor's whole interface.

pub mod events;
pub mod methods;
pub mod state;
pub mod types;

pub use events::*;
pub use state::State;
pub use types::*;

cloudless_runtime::actor! {
    /// The price oracle (bundle name `oracle`, default ID f083).
    pub struct OracleActor = "oracle";
    state: State, view: methods::StateView = methods::state_view;
    events: [PriceReported, MedianUpdated, AssetChanged, ReporterChanged, cloudless_runtime::admin::AdminTransferred];
    constructor(ConstructorParams) => methods::constructor;
    METHOD_REPORT = "Report"(ReportParams) => methods::report;
    METHOD_GET_PRICE = "GetPrice"(AssetQuery) -> PriceInfo => methods::get_price;
    METHOD_GET_ASSET = "GetAsset"(AssetQuery) -> Asset => methods::get_asset;
    METHOD_GET_ADMIN = "GetAdmin" -> AdminReturn => methods::get_admin;
    METHOD_ADD_ASSET = "AddAsset"(AssetParams) => methods::add_asset;
    METHOD_SET_ASSET_CONFIG = "SetAssetConfig"(SetAssetConfigParams) => methods::set_asset_config;
    METHOD_ADD_REPORTER = "AddReporter"(ReporterParams) => methods::add_reporter;
    METHOD_REMOVE_REPORTER = "RemoveReporter"(ReporterParams) => methods::remove_reporter;
    METHOD_TRANSFER_ADMIN = "TransferAdmin"(TransferAdminParams) => cloudless_runtime::admin::transfer_admin::<_, State>;
}

// Price consumers call `GetPrice` through `cloudless_runtime::oracle`: the same number.
const _: () = assert!(METHOD_GET_PRICE == cloudless_runtime::oracle::METHOD_GET_PRICE);

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(OracleActor);

#[cfg(test)]
mod method_tests;
#[cfg(test)]
mod tests;
