//! What the CLI knows about each actor: method names and numbers, JSON ↔ CBOR for params and
//! returns, and decoded state.
//!
//! Params and returns are the actors' own tuple types, so in JSON a struct is an array of its
//! fields in order (amounts as decimal strings, addresses as `f0…`/`f1…` text). Returns and
//! state are labelled with field names for reading.

use anyhow::{anyhow, bail, Context};
use cid::Cid;
use fvm_ipld_encoding::RawBytes;
use fvm_shared::{ActorID, MethodNum};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::node::Node;

mod gateway;

/// The shape of a JSON value made from a tuple struct, for labelling its fields.
pub enum Shape {
    Leaf,
    Tuple(&'static [(&'static str, Shape)]),
    List(&'static Shape),
}

/// Turns positional arrays into objects following `shape`.
pub fn label(value: Value, shape: &Shape) -> Value {
    match (shape, value) {
        (Shape::Tuple(fields), Value::Array(items)) if items.len() == fields.len() => Value::Object(
            fields.iter().zip(items).map(|((name, s), v)| (name.to_string(), label(v, s))).collect::<Map<_, _>>(),
        ),
        (Shape::List(inner), Value::Array(items)) => Value::Array(items.into_iter().map(|v| label(v, inner)).collect()),
        (_, v) => v,
    }
}

type ParamsFn = fn(Value) -> anyhow::Result<Option<RawBytes>>;
type ReturnFn = fn(&[u8]) -> anyhow::Result<Value>;

pub struct MethodAbi {
    pub name: &'static str,
    pub number: MethodNum,
    params: ParamsFn,
    ret: ReturnFn,
    ret_shape: Shape,
}

impl MethodAbi {
    /// Encodes JSON params (`null` when the method takes none).
    pub fn encode_params(&self, params: Value) -> anyhow::Result<Option<RawBytes>> {
        (self.params)(params).with_context(|| format!("params of {}", self.name))
    }

    pub fn decode_return(&self, bytes: &[u8]) -> anyhow::Result<Value> {
        Ok(label((self.ret)(bytes).with_context(|| format!("return of {}", self.name))?, &self.ret_shape))
    }
}

fn params<T: DeserializeOwned + Serialize>(v: Value) -> anyhow::Result<Option<RawBytes>> {
    let typed: T = serde_json::from_value(v)?;
    Ok(Some(RawBytes::serialize(&typed)?))
}

fn no_params(v: Value) -> anyhow::Result<Option<RawBytes>> {
    if !v.is_null() {
        bail!("this method takes no params");
    }
    Ok(None)
}

fn ret<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> anyhow::Result<Value> {
    let typed: T = fvm_ipld_encoding::from_slice(bytes)?;
    Ok(serde_json::to_value(&typed)?)
}

fn no_return(bytes: &[u8]) -> anyhow::Result<Value> {
    if bytes.is_empty() {
        Ok(Value::Null)
    } else {
        Ok(json!({ "raw_hex": hex::encode(bytes) }))
    }
}

const fn method(name: &'static str, number: MethodNum, params: ParamsFn, ret: ReturnFn, ret_shape: Shape) -> MethodAbi {
    MethodAbi { name, number, params, ret, ret_shape }
}

/// Method 0 (plain FLT transfer) exists on every actor.
const SEND: MethodAbi = method("Send", 0, no_params, no_return, Shape::Leaf);

mod shapes {
    use super::Shape::{self, *};

    pub const ASSET_CONFIG: Shape =
        Tuple(&[("quorum", Leaf), ("report_expiry", Leaf), ("max_deviation", Leaf), ("twap_window", Leaf)]);
    pub const REPORT: Shape = Tuple(&[("reporter", Leaf), ("price", Leaf), ("epoch", Leaf)]);
    pub const SAMPLE: Shape = Tuple(&[("epoch", Leaf), ("median", Leaf)]);
    pub const ASSET: Shape = Tuple(&[
        ("symbol", Leaf),
        ("config", ASSET_CONFIG),
        ("reporters", List(&Leaf)),
        ("reports", List(&REPORT)),
        ("samples", List(&SAMPLE)),
    ]);
    pub const PRICE: Shape =
        Tuple(&[("median", Leaf), ("updated_epoch", Leaf), ("fresh_reports", Leaf), ("twap", Leaf)]);
    pub const ADMIN: Shape = Tuple(&[("admin", Leaf)]);
}

fn oracle_methods() -> Vec<MethodAbi> {
    use cloudless_actor_oracle::*;
    vec![
        SEND,
        method("Constructor", 1, params::<ConstructorParams>, no_return, Shape::Leaf),
        method("Report", METHOD_REPORT, params::<ReportParams>, no_return, Shape::Leaf),
        method("GetPrice", METHOD_GET_PRICE, params::<AssetQuery>, ret::<PriceInfo>, shapes::PRICE),
        method("GetAsset", METHOD_GET_ASSET, params::<AssetQuery>, ret::<Asset>, shapes::ASSET),
        method("GetAdmin", METHOD_GET_ADMIN, no_params, ret::<AdminReturn>, shapes::ADMIN),
        method("AddAsset", METHOD_ADD_ASSET, params::<AssetParams>, no_return, Shape::Leaf),
        method("SetAssetConfig", METHOD_SET_ASSET_CONFIG, params::<SetAssetConfigParams>, no_return, Shape::Leaf),
        method("AddReporter", METHOD_ADD_REPORTER, params::<ReporterParams>, no_return, Shape::Leaf),
        method("RemoveReporter", METHOD_REMOVE_REPORTER, params::<ReporterParams>, no_return, Shape::Leaf),
        method("TransferAdmin", METHOD_TRANSFER_ADMIN, params::<TransferAdminParams>, no_return, Shape::Leaf),
    ]
}

mod capacity_shapes {
    use super::Shape::{self, *};

    pub const TOTALS: Shape = Tuple(&[
        ("providers", Leaf),
        ("peers", Leaf),
        ("units", Leaf),
        ("commitments", Leaf),
        ("committed_units", Leaf),
        ("collateral", Leaf),
    ]);
    pub const NONCE: Shape = Tuple(&[("period", Leaf), ("nonce", Leaf)]);
    pub const PERIOD: Shape = Tuple(&[
        ("period", Leaf),
        ("start_epoch", Leaf),
        ("end_epoch", Leaf),
        ("nonce", Leaf),
        ("difficulty", Leaf),
        ("next_difficulty", Leaf),
        ("min_proofs", Leaf),
        ("max_proofs", Leaf),
        ("proofs", Leaf),
        ("totals", TOTALS),
    ]);
    pub const CONFIG: Shape = Tuple(&[
        ("genesis_epoch", Leaf),
        ("period_length", Leaf),
        ("whitelist", Leaf),
        ("min_duration", Leaf),
        ("max_failed_ratio", Leaf),
        ("min_proofs", Leaf),
        ("max_proofs", Leaf),
        ("slashing_rate", Leaf),
        ("withdraw_periods_after_failed", Leaf),
        ("usd_collateral_per_unit", Leaf),
        ("flt_collateral_per_unit", Leaf),
        ("oracle", Leaf),
        ("oracle_asset", Leaf),
        ("rewards", Leaf),
        ("market", Leaf),
        ("treasury", Leaf),
    ]);
    pub const CONFIG_RETURN: Shape = Tuple(&[("admin", Leaf), ("config", CONFIG)]);
    pub const PROVIDER: Shape =
        Tuple(&[("id", Leaf), ("name", Leaf), ("metadata", Leaf), ("approved", Leaf), ("peers", Leaf)]);
    pub const PEER: Shape =
        Tuple(&[("peer_id", Leaf), ("provider", Leaf), ("owner", Leaf), ("units", List(&Leaf)), ("commitment", Leaf)]);
    pub const UNIT: Shape = Tuple(&[
        ("id", Leaf),
        ("peer_id", Leaf),
        ("deal", Leaf),
        ("exempt_until", Leaf),
        ("proof_period", Leaf),
        ("proof_count", Leaf),
    ]);
    pub const COMMITMENT: Shape = Tuple(&[
        ("id", Leaf),
        ("peer_id", Leaf),
        ("provider", Leaf),
        ("delegator", Leaf),
        ("delegator_reward_rate", Leaf),
        ("unit_count", Leaf),
        ("collateral_per_unit", Leaf),
        ("duration", Leaf),
        ("status", Leaf),
        ("start_period", Leaf),
        ("settled_through", Leaf),
        ("failures", Leaf),
        ("unit_failures", List(&Leaf)),
        ("slashed", Leaf),
        ("failed_period", Leaf),
    ]);
    pub const COMMITMENT_INFO: Shape = Tuple(&[
        ("commitment", COMMITMENT),
        ("status", Leaf),
        ("collateral", Leaf),
        ("end_period", Leaf),
        ("unsettled_periods", Leaf),
    ]);
    pub const CREATED: Shape = Tuple(&[("id", Leaf), ("collateral_per_unit", Leaf)]);
    pub const SUBMITTED: Shape = Tuple(&[("period", Leaf), ("accepted", Leaf), ("skipped", Leaf)]);
    pub const SETTLED: Shape = Tuple(&[("settled_through", Leaf), ("status", Leaf), ("done", Leaf)]);
    pub const FINISHED: Shape = Tuple(&[("returned", Leaf), ("slashed", Leaf)]);
}

fn capacity_methods() -> Vec<MethodAbi> {
    use capacity_shapes as s;
    use cloudless_actor_capacity::*;
    vec![
        SEND,
        method("Constructor", 1, params::<ConstructorParams>, no_return, Shape::Leaf),
        method("RegisterProvider", METHOD_REGISTER_PROVIDER, params::<ProviderParams>, no_return, Shape::Leaf),
        method("UpdateProvider", METHOD_UPDATE_PROVIDER, params::<ProviderParams>, no_return, Shape::Leaf),
        method("ApproveProvider", METHOD_APPROVE_PROVIDER, params::<ProviderQuery>, no_return, Shape::Leaf),
        method("RegisterPeer", METHOD_REGISTER_PEER, params::<RegisterPeerParams>, no_return, Shape::Leaf),
        method("AddUnits", METHOD_ADD_UNITS, params::<UnitsParams>, no_return, Shape::Leaf),
        method("RemoveUnits", METHOD_REMOVE_UNITS, params::<UnitsParams>, no_return, Shape::Leaf),
        method(
            "CreateCommitment",
            METHOD_CREATE_COMMITMENT,
            params::<CreateCommitmentParams>,
            ret::<CreateCommitmentReturn>,
            s::CREATED,
        ),
        method("RemoveCommitment", METHOD_REMOVE_COMMITMENT, params::<CommitmentQuery>, no_return, Shape::Leaf),
        method("DepositCollateral", METHOD_DEPOSIT_COLLATERAL, params::<DepositParams>, no_return, Shape::Leaf),
        method(
            "SubmitProofs",
            METHOD_SUBMIT_PROOFS,
            params::<SubmitProofsParams>,
            ret::<SubmitProofsReturn>,
            s::SUBMITTED,
        ),
        method("SettleCommitment", METHOD_SETTLE_COMMITMENT, params::<SettleParams>, ret::<SettleReturn>, s::SETTLED),
        method(
            "FinishCommitment",
            METHOD_FINISH_COMMITMENT,
            params::<CommitmentQuery>,
            ret::<FinishReturn>,
            s::FINISHED,
        ),
        method("SetDifficulty", METHOD_SET_DIFFICULTY, params::<DifficultyParams>, no_return, Shape::Leaf),
        method("MoveUnitToDeal", METHOD_MOVE_UNIT_TO_DEAL, params::<MoveUnitParams>, no_return, Shape::Leaf),
        method("ReturnUnitFromDeal", METHOD_RETURN_UNIT_FROM_DEAL, params::<UnitQuery>, no_return, Shape::Leaf),
        method("TransferAdmin", METHOD_TRANSFER_ADMIN, params::<TransferAdminParams>, no_return, Shape::Leaf),
        method("GetGlobalNonce", METHOD_GET_GLOBAL_NONCE, no_params, ret::<GlobalNonce>, s::NONCE),
        method("GetPeriodInfo", METHOD_GET_PERIOD_INFO, no_params, ret::<PeriodInfo>, s::PERIOD),
        method("GetConfig", METHOD_GET_CONFIG, no_params, ret::<ConfigReturn>, s::CONFIG_RETURN),
        method("GetProvider", METHOD_GET_PROVIDER, params::<ProviderQuery>, ret::<Provider>, s::PROVIDER),
        method("GetPeer", METHOD_GET_PEER, params::<PeerQuery>, ret::<Peer>, s::PEER),
        method("GetUnit", METHOD_GET_UNIT, params::<UnitQuery>, ret::<Unit>, s::UNIT),
        method(
            "GetCommitment",
            METHOD_GET_COMMITMENT,
            params::<CommitmentQuery>,
            ret::<CommitmentInfo>,
            s::COMMITMENT_INFO,
        ),
    ]
}

mod rewards_shapes {
    use super::Shape::{self, *};

    pub const POOL: Shape =
        Tuple(&[("min_pool", Leaf), ("max_pool", Leaf), ("usd_target_revenue_per_unit_period", Leaf)]);
    pub const CONFIG: Shape = Tuple(&[
        ("genesis_epoch", Leaf),
        ("period_length", Leaf),
        ("capacity", Leaf),
        ("oracle", Leaf),
        ("oracle_asset", Leaf),
        ("initial_pool", Leaf),
        ("pool", POOL),
        ("vesting_period_count", Leaf),
        ("vesting_period_duration", Leaf),
    ]);
    pub const CONFIG_RETURN: Shape = Tuple(&[("admin", Leaf), ("config", CONFIG)]);
    pub const TOTALS: Shape =
        Tuple(&[("funded", Leaf), ("allocated", Leaf), ("unallocated", Leaf), ("paid", Leaf), ("commitments", Leaf)]);
    pub const PERIOD: Shape = Tuple(&[
        ("period", Leaf),
        ("pool", Leaf),
        ("total_count", Leaf),
        ("units", Leaf),
        ("closed", Leaf),
        ("allocated", Leaf),
    ]);
    pub const TOTALS_RETURN: Shape = Tuple(&[("totals", TOTALS), ("current", PERIOD)]);
    pub const TRANCHE: Shape = Tuple(&[("period", Leaf), ("amount", Leaf)]);
    pub const COMMITMENT: Shape = Tuple(&[
        ("id", Leaf),
        ("provider", Leaf),
        ("delegator", Leaf),
        ("delegator_reward_rate", Leaf),
        ("earned", Leaf),
        ("vested", Leaf),
        ("unvested", Leaf),
        ("delegator_withdrawn", Leaf),
        ("provider_withdrawn", Leaf),
        ("delegator_withdrawable", Leaf),
        ("provider_withdrawable", Leaf),
        ("open_period", Leaf),
        ("open_count", Leaf),
        ("vesting", List(&TRANCHE)),
    ]);
    pub const WITHDRAWN: Shape =
        Tuple(&[("delegator", Leaf), ("delegator_amount", Leaf), ("provider", Leaf), ("provider_amount", Leaf)]);
}

fn rewards_methods() -> Vec<MethodAbi> {
    use cloudless_actor_rewards::*;
    use rewards_shapes as s;
    vec![
        SEND,
        method("Constructor", 1, params::<ConstructorParams>, no_return, Shape::Leaf),
        method("Fund", METHOD_FUND, no_params, no_return, Shape::Leaf),
        method("RecordProofs", METHOD_RECORD_PROOFS, params::<RecordProofsParams>, no_return, Shape::Leaf),
        method("Withdraw", METHOD_WITHDRAW, params::<CommitmentQuery>, ret::<WithdrawReturn>, s::WITHDRAWN),
        method("SetPoolConfig", METHOD_SET_POOL_CONFIG, params::<PoolConfig>, no_return, Shape::Leaf),
        method("TransferAdmin", METHOD_TRANSFER_ADMIN, params::<TransferAdminParams>, no_return, Shape::Leaf),
        method("GetConfig", METHOD_GET_CONFIG, no_params, ret::<ConfigReturn>, s::CONFIG_RETURN),
        method("GetTotals", METHOD_GET_TOTALS, no_params, ret::<TotalsReturn>, s::TOTALS_RETURN),
        method("GetPeriod", METHOD_GET_PERIOD, params::<PeriodQuery>, ret::<PeriodInfo>, s::PERIOD),
        method(
            "GetCommitment",
            METHOD_GET_COMMITMENT,
            params::<CommitmentQuery>,
            ret::<CommitmentRewardsInfo>,
            s::COMMITMENT,
        ),
    ]
}

fn account_methods() -> Vec<MethodAbi> {
    use cloudless_actor_account::*;
    vec![
        SEND,
        method("PubkeyAddress", METHOD_PUBKEY_ADDRESS, no_params, ret::<AddressText>, Shape::Leaf),
        method("AuthenticateMessage", METHOD_AUTHENTICATE_MESSAGE, authenticate_params, ret::<bool>, Shape::Leaf),
    ]
}

/// `AuthenticateMessage` in JSON: `[signature hex, message hex]`.
fn authenticate_params(v: Value) -> anyhow::Result<Option<RawBytes>> {
    let (signature, message): (String, String) = serde_json::from_value(v)?;
    let p = cloudless_actor_account::AuthenticateMessageParams {
        signature: hex::decode(signature).context("signature is not hex")?,
        message: hex::decode(message).context("message is not hex")?,
    };
    Ok(Some(RawBytes::serialize(p)?))
}

/// `Exec` in JSON: `[code CID, constructor params hex]`.
fn exec_params(v: Value) -> anyhow::Result<Option<RawBytes>> {
    let (code, params): (String, String) = serde_json::from_value(v)?;
    let p = cloudless_actor_init::ExecParams {
        code_cid: code.parse().with_context(|| format!("{code:?} is not a CID"))?,
        constructor_params: hex::decode(params).context("constructor params are not hex")?.into(),
    };
    Ok(Some(RawBytes::serialize(p)?))
}

fn exec_return(bytes: &[u8]) -> anyhow::Result<Value> {
    let r: cloudless_actor_init::ExecReturn = fvm_ipld_encoding::from_slice(bytes)?;
    Ok(json!({ "id_address": r.id_address.to_string(), "robust_address": r.robust_address.to_string() }))
}

fn init_methods() -> Vec<MethodAbi> {
    vec![SEND, method("Exec", cloudless_actor_init::METHOD_EXEC, exec_params, exec_return, Shape::Leaf)]
}

/// An address decoded from CBOR, shown as text.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
struct AddressText(#[serde(with = "cloudless_runtime::address")] fvm_shared::address::Address);

/// The methods of the actor whose manifest name is `code_name`.
pub fn methods(code_name: &str) -> Vec<MethodAbi> {
    match code_name {
        "oracle" => oracle_methods(),
        "capacity" => capacity_methods(),
        "rewards" => rewards_methods(),
        "gateway" => gateway::methods(),
        "account" => account_methods(),
        "init" => init_methods(),
        _ => vec![SEND],
    }
}

/// Finds a method by name or number.
pub fn find_method(code_name: &str, method: &str) -> anyhow::Result<MethodAbi> {
    let all = methods(code_name);
    let number: Option<MethodNum> = method.parse().ok();
    let known: Vec<_> = all.iter().map(|m| m.name).collect();
    all.into_iter()
        .find(|m| m.name == method || Some(m.number) == number)
        .ok_or_else(|| anyhow!("the {code_name} actor has no method {method:?} (known: {})", known.join(", ")))
}

fn cid_text(c: &Cid) -> Value {
    Value::String(c.to_string())
}

/// An actor's decoded state as JSON, with its code name, balance and nonce.
pub fn actor_json(node: &Node, id: ActorID) -> anyhow::Result<Value> {
    let actor = node.actor(id)?.ok_or_else(|| anyhow!("no actor f0{id}"))?;
    let code = node.code_name(&actor.code)?.unwrap_or_else(|| actor.code.to_string());
    let state = match code.as_str() {
        "system" => {
            let st: cloudless_actor_system::State = node.actor_state(id)?;
            json!({ "manifest_data": cid_text(&st.builtin_actors), "manifest": node.manifest()? .iter().map(|(n, c)| json!([n, c.to_string()])).collect::<Vec<_>>() })
        }
        "init" => {
            let st: cloudless_actor_init::State = node.actor_state(id)?;
            json!({ "network_name": st.network_name, "next_id": st.next_id, "address_map": cid_text(&st.address_map) })
        }
        "account" => {
            let st: cloudless_actor_account::State = node.actor_state(id)?;
            json!({ "address": st.address.to_string() })
        }
        "oracle" => oracle_json(node, id)?,
        "capacity" => {
            let st: cloudless_actor_capacity::State = node.actor_state(id)?;
            json!({
                "admin": format!("f0{}", st.admin),
                "config": label(serde_json::to_value(&st.config)?, &capacity_shapes::CONFIG),
                "period": {
                    "period": st.period.period,
                    "nonce": st.period.nonce.to_hex(),
                    "difficulty": st.period.difficulty.to_hex(),
                    "proofs": st.period.proofs,
                },
                "next_commitment_id": st.next_commitment_id,
                "totals": label(serde_json::to_value(&st.totals)?, &capacity_shapes::TOTALS),
            })
        }
        "rewards" => {
            let st: cloudless_actor_rewards::State = node.actor_state(id)?;
            json!({
                "admin": format!("f0{}", st.admin),
                "config": label(serde_json::to_value(&st.config)?, &rewards_shapes::CONFIG),
                "current": {
                    "period": st.current.period,
                    "pool": cloudless_runtime::amount::format_decimal(&st.current.pool),
                    "total": st.current.total,
                    "units": st.current.units,
                },
                "totals": label(serde_json::to_value(&st.totals)?, &rewards_shapes::TOTALS),
            })
        }
        "gateway" => gateway::state_json(node, id)?,
        _ => json!({ "head": cid_text(&actor.state) }),
    };
    Ok(json!({
        "id": format!("f0{id}"),
        "code": code,
        "balance": cloudless_runtime::amount::format_decimal(&actor.balance),
        "sequence": actor.sequence,
        "state": state,
    }))
}

fn oracle_json(node: &Node, id: ActorID) -> anyhow::Result<Value> {
    use fvm_ipld_hamt::Hamt;
    let st: cloudless_actor_oracle::State = node.actor_state(id)?;
    let map: Hamt<_, cloudless_actor_oracle::Asset> =
        Hamt::load_with_bit_width(&st.assets, node.store(), fvm_shared::HAMT_BIT_WIDTH)?;
    let mut assets = Vec::new();
    map.for_each(|_, asset| {
        assets.push(label(serde_json::to_value(asset)?, &shapes::ASSET));
        Ok(())
    })?;
    assets.sort_by(|a, b| a["symbol"].as_str().cmp(&b["symbol"].as_str()));
    Ok(json!({ "admin": format!("f0{}", st.admin), "assets": assets }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_nested_tuples() {
        let v = json!(["FLT/USD", [2, 3600, 0, 0], [101], [[101, "0.5", 7]], []]);
        let l = label(v, &shapes::ASSET);
        assert_eq!(l["config"]["quorum"], 2);
        assert_eq!(l["reports"][0]["price"], "0.5");
    }

    #[test]
    fn finds_methods_by_name_or_number_and_encodes_params() {
        let m = find_method("oracle", "Report").unwrap();
        assert_eq!(find_method("oracle", &m.number.to_string()).unwrap().name, "Report");
        assert!(m.encode_params(json!(["FLT/USD", "0.52"])).unwrap().is_some());
        assert!(m.encode_params(json!(["FLT/USD", 0.52])).is_err());
        let err = find_method("oracle", "Steal").err().unwrap().to_string();
        assert!(err.contains("GetPrice"), "{err}");
        assert!(find_method("oracle", "GetAdmin").unwrap().encode_params(json!([1])).is_err());
    }

    fn every_method_listed(actor: &str, table: &[(&str, u64)]) {
        for (name, number) in table {
            assert_eq!(find_method(actor, name).unwrap().number, *number, "{actor}.{name}");
        }
        assert_eq!(methods(actor).len(), table.len() + 1, "{actor}: every method and Send");
    }

    #[test]
    fn rewards_params_in_json_and_every_method_listed() {
        every_method_listed("rewards", cloudless_actor_rewards::METHODS);
        let m = find_method("rewards", "SetPoolConfig").unwrap();
        assert!(m.encode_params(json!(["100", "1000", "0.25"])).unwrap().is_some());
        assert!(m.encode_params(json!(["100", "1000"])).is_err());
    }

    #[test]
    fn gateway_params_in_json_and_every_method_listed() {
        every_method_listed("gateway", cloudless_actor_gateway::METHODS);
        let m = find_method("gateway", "Withdraw").unwrap();
        assert!(m
            .encode_params(json!(["f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za", "1.5", ["0.01", 100]]))
            .unwrap()
            .is_some());
        assert!(m.encode_params(json!(["f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za", "1.5", null])).unwrap().is_some());
        assert!(m.encode_params(json!(["f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za", 1.5, null])).is_err());
        let t = find_method("gateway", "Transfer").unwrap();
        assert!(t.encode_params(json!(["f0100", "2", ""])).unwrap().is_some());
    }

    #[test]
    fn capacity_params_in_json_and_every_method_listed() {
        every_method_listed("capacity", cloudless_actor_capacity::METHODS);
        let unit = "01".repeat(32);
        let m = find_method("capacity", "RegisterPeer").unwrap();
        assert!(m.encode_params(json!(["0a0b", "f0100", [unit]])).unwrap().is_some());
        assert!(m.encode_params(json!(["0a0b", "f0100", ["abcd"]])).is_err(), "unit ids are 32 bytes");
    }
}
