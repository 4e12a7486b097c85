//! Gas griefing: the largest legal input of every method whose cost grows with its input, as
//! Wasm in the FVM with our kernel, on a world filled to the limits those inputs name (64
//! reporters with 64 TWAP samples, a peer with 64 units, 64 peers, 1,024 offers, 100 outbox
//! entries). Each message must stay under the 10 G block gas limit and be charged (a refusal
//! pays its gas too). Prints the table docs/reliability.md shows; fails if a row reaches the
//! block limit. Methods with fixed-size params are covered by the soak's largest gas per method
//! (`make soak`); SubmitProofs, MatchDeal(Auto), ConfirmWithdrawals and the rewards messages by
//! their own benches. `make bench` (or `cargo bench -p cloudless-host --bench limits`).

use cloudless_actor_capacity as capacity;
use cloudless_actor_gateway as gateway;
use cloudless_actor_market as market;
use cloudless_actor_oracle as oracle;
use cloudless_host::node::BLOCK_GAS_LIMIT;
use cloudless_runtime::bytes::Bytes32;
use cloudless_testing::{assert_ok, cid_of, Harness};
use fvm_ipld_encoding::RawBytes;
use fvm_shared::address::Address;
use fvm_shared::econ::TokenAmount;
use fvm_shared::error::ExitCode;
use serde::Serialize;

const REPORTERS: usize = oracle::MAX_REPORTERS;
const PEERS: usize = market::MAX_OFFER_PEERS;
const PERIOD: i64 = 10;
/// Providers that fill one token's offer index between them.
const OFFER_PROVIDERS: usize = market::MAX_OFFERS_PER_TOKEN / market::MAX_OFFERS_PER_PROVIDER;

fn config() -> String {
    let mut accounts = String::new();
    let mut names: Vec<String> = ["admin", "relayer", "provider", "owner", "user"].map(String::from).to_vec();
    names.extend((0..REPORTERS).map(|i| format!("r{i}")));
    // Providers of the rest of the full offer index (16 offers each, the most one keeps).
    // x64 offers the 1,025th, refused because the index is full.
    names.extend((1..=OFFER_PROVIDERS).map(|i| format!("x{i}")));
    for n in &names {
        accounts += &format!("[[accounts]]\nname = \"{n}\"\nbalance = \"10000000\"\n");
    }
    let reporters: Vec<String> = (0..REPORTERS).map(|i| format!("\"r{i}\"")).collect();
    format!(
        r#"
[network]
name = "limits"
period_length = {PERIOD}
{accounts}
[actors.oracle]
admin = "admin"
[[actors.oracle.assets]]
symbol = "FLT/USD"
quorum = 1
report_expiry = 100000
twap_window = 100000
reporters = [{}]

[actors.capacity]
admin = "admin"
flt_collateral_per_unit = "1"
difficulty = "7f{}"

[actors.rewards]
admin = "admin"
balance = "1000"

[actors.gateway]
admin = "admin"
authority = "relayer"

[actors.market]
admin = "admin"
"#,
        reporters.join(", "),
        "ff".repeat(31)
    )
}

struct Row {
    method: String,
    input: String,
    gas: u64,
    exit: ExitCode,
}

struct World {
    h: Harness,
    rows: Vec<Row>,
}

fn unit(peer: usize, k: usize) -> Bytes32 {
    let mut b = [0u8; 32];
    b[..8].copy_from_slice(&(peer as u64).to_be_bytes());
    b[8..16].copy_from_slice(&(k as u64).to_be_bytes());
    b[31] = 1;
    Bytes32(b)
}

impl World {
    fn send<P: Serialize>(&mut self, from: &str, to: &str, method: u64, p: &P, value: u64) -> fvm::executor::ApplyRet {
        let to = self.h.address(to);
        let params = RawBytes::serialize(p).unwrap();
        self.h.send_raw(from, to, method, params, TokenAmount::from_whole(value))
    }

    fn ok<P: Serialize>(&mut self, from: &str, to: &str, method: u64, p: &P) -> RawBytes {
        let ret = self.send(from, to, method, p, 0);
        assert_ok(&ret);
        ret.msg_receipt.return_data
    }

    /// Sends one measured message and records its row; `expect` is its exit code.
    fn row<P: Serialize>(&mut self, from: &str, to: &str, method: &str, input: &str, p: &P, expect: ExitCode) {
        let code = self.h.node.code_name_at(&self.h.address(to)).unwrap();
        let number = cloudless_host::abi::find_method(&code, method).unwrap().number;
        let ret = self.send(from, to, number, p, 0);
        let why = ret.failure_info.as_ref().map(|f| f.to_string()).unwrap_or_default();
        assert_eq!(ret.msg_receipt.exit_code, expect, "{to}.{method}: {why}");
        let gas = ret.msg_receipt.gas_used;
        assert!(gas > 0 && gas < BLOCK_GAS_LIMIT, "{to}.{method} used {gas} gas");
        self.rows.push(Row { method: format!("{to}.{method}"), input: input.into(), gas, exit: expect });
    }
}

fn main() {
    let h = Harness::new(&config(), cloudless_bundle::BUNDLE_CAR).unwrap().unchecked();
    let mut w = World { h, rows: Vec::new() };
    let reporters: Vec<Address> = (0..REPORTERS).map(|i| w.h.address(&format!("r{i}"))).collect();

    // --- oracle: 64 reporters, 64 fresh reports, 64 TWAP samples --------------------------------
    let asset = oracle::AssetParams {
        symbol: "X".repeat(oracle::MAX_SYMBOL_LEN),
        config: oracle::AssetConfig { quorum: 1, report_expiry: 100_000, max_deviation: 0, twap_window: 100_000 },
        reporters: reporters.clone(),
    };
    w.row("admin", "oracle", "AddAsset", "64 reporters, 32-byte symbol", &asset, ExitCode::OK);
    for i in 0..REPORTERS - 1 {
        let p =
            oracle::ReportParams { asset: "FLT/USD".into(), price: TokenAmount::from_atto(10u128.pow(18) + i as u128) };
        w.ok(&format!("r{i}"), "oracle", oracle::METHOD_REPORT, &p);
    }
    let last = oracle::ReportParams { asset: "FLT/USD".into(), price: TokenAmount::from_whole(1) };
    w.row(
        &format!("r{}", REPORTERS - 1),
        "oracle",
        "Report",
        "64th fresh report, 64 TWAP samples",
        &last,
        ExitCode::OK,
    );
    let q = oracle::AssetQuery { asset: "FLT/USD".into() };
    w.row("user", "oracle", "GetPrice", "median of 64, TWAP of 64", &q, ExitCode::OK);

    // --- capacity: long names, a peer of 64 units, 64 peers ------------------------------------
    let provider = capacity::ProviderParams { name: "n".repeat(capacity::MAX_NAME_LEN), metadata: cid_of(b"m") };
    w.row("provider", "capacity", "RegisterProvider", "128-byte name", &provider, ExitCode::OK);
    let p = capacity::ProviderQuery { provider: w.h.address("provider") };
    w.ok("admin", "capacity", capacity::METHOD_APPROVE_PROVIDER, &p);
    let owner = w.h.address("owner");
    let peer_id = |i: usize| {
        let mut id = vec![b'p'; capacity::MAX_PEER_ID_LEN];
        id[..8].copy_from_slice(&(i as u64).to_be_bytes());
        id
    };
    let full: Vec<Bytes32> = (0..capacity::MAX_UNITS_PER_PEER).map(|k| unit(0, k)).collect();
    let reg = capacity::RegisterPeerParams { peer_id: peer_id(0), owner, units: full.clone() };
    w.row("provider", "capacity", "RegisterPeer", "64-byte id, 64 units", &reg, ExitCode::OK);
    for i in 1..PEERS {
        let reg = capacity::RegisterPeerParams { peer_id: peer_id(i), owner, units: vec![unit(i, 0)] };
        w.ok("provider", "capacity", capacity::METHOD_REGISTER_PEER, &reg);
    }
    let remove = capacity::UnitsParams { peer_id: peer_id(0), units: full[1..].to_vec() };
    w.row("provider", "capacity", "RemoveUnits", "63 units", &remove, ExitCode::OK);
    let add = capacity::UnitsParams { peer_id: peer_id(0), units: full[1..].to_vec() };
    w.row("provider", "capacity", "AddUnits", "63 units (peer of 64)", &add, ExitCode::OK);
    let q = capacity::UnitsQuery { units: full.clone() };
    w.row("user", "capacity", "GetUnitsInfo", "64 units", &q, ExitCode::OK);
    let q = capacity::PeersQuery { peers: (0..capacity::MAX_QUERY_ITEMS).map(peer_id).collect() };
    w.row("user", "capacity", "GetPeersInfo", "64 peers (one of 64 units)", &q, ExitCode::OK);
    let q = capacity::PeerQuery { peer_id: peer_id(0) };
    w.row("user", "capacity", "GetPeer", "a peer of 64 units", &q, ExitCode::OK);
    // Commitments: the 64-unit peer's, then 15 one-unit peers', deposited together.
    let mut ids = Vec::new();
    let mut collateral = TokenAmount::default();
    for i in 0..capacity::MAX_DEPOSIT_COMMITMENTS {
        let c = capacity::CreateCommitmentParams {
            peer_id: peer_id(i),
            duration: capacity::MAX_DURATION,
            delegator: None,
            delegator_reward_rate: 1,
        };
        let ret = w.ok("provider", "capacity", capacity::METHOD_CREATE_COMMITMENT, &c);
        let cc: capacity::CreateCommitmentReturn = ret.deserialize().unwrap();
        let units = if i == 0 { capacity::MAX_UNITS_PER_PEER } else { 1 };
        collateral += cc.collateral_per_unit * units as u64;
        ids.push(cc.id);
    }
    let dep = capacity::DepositParams { ids: ids.clone() };
    let number = capacity::METHOD_DEPOSIT_COLLATERAL;
    let capacity_addr = w.h.address("capacity");
    let ret = w.h.send_raw("provider", capacity_addr, number, RawBytes::serialize(&dep).unwrap(), collateral);
    assert_ok(&ret);
    w.rows.push(Row {
        method: "capacity.DepositCollateral".into(),
        input: "16 commitments, 79 units".into(),
        gas: ret.msg_receipt.gas_used,
        exit: ExitCode::OK,
    });
    // 128 missed periods of the 64-unit commitment, settled in one message.
    let start = w.h.node.epoch();
    w.h.node.set_epoch(start + PERIOD * (capacity::MAX_SETTLE_PERIODS as i64 + 3)).unwrap();
    let settle = capacity::SettleParams { id: ids[0], max_periods: capacity::MAX_SETTLE_PERIODS };
    w.row("user", "capacity", "SettleCommitment", "128 missed periods, 64 units", &settle, ExitCode::OK);
    let q = capacity::CommitmentQuery { id: ids[1] };
    w.row("user", "capacity", "GetCommitment", "131 periods unsettled", &q, ExitCode::OK);

    // --- market: 1,024 offers, an offer of 64 peers and 16 effectors, the largest deal ----------
    let effectors: Vec<_> = (0..market::MAX_EFFECTORS).map(|i| cid_of(&[i as u8])).collect();
    let offer = market::OfferParams {
        min_price: gateway::micro_usdc(1),
        token: None,
        effectors: effectors.clone(),
        peers: (0..PEERS).map(peer_id).collect(),
        min_version: 1,
        max_version: 1,
    };
    w.row("provider", "market", "RegisterOffer", "64 peers, 16 effectors", &offer, ExitCode::OK);
    let update = market::UpdateOfferParams { offer: 0, params: offer.clone() };
    w.row("provider", "market", "UpdateOffer", "64 peers, 16 effectors", &update, ExitCode::OK);
    // One more peer per offer (a peer is in one offer at a time), 16 offers per provider.
    let mut small = market::OfferParams { effectors: vec![], ..offer.clone() };
    for k in 1..=market::MAX_OFFERS_PER_TOKEN {
        let name = match k / market::MAX_OFFERS_PER_PROVIDER {
            0 => "provider".to_string(),
            n => format!("x{n}"),
        };
        if k >= market::MAX_OFFERS_PER_PROVIDER && k % market::MAX_OFFERS_PER_PROVIDER == 0 {
            let p = capacity::ProviderParams { name: name.clone(), metadata: cid_of(b"m") };
            w.ok(&name, "capacity", capacity::METHOD_REGISTER_PROVIDER, &p);
            let q = capacity::ProviderQuery { provider: w.h.address(&name) };
            w.ok("admin", "capacity", capacity::METHOD_APPROVE_PROVIDER, &q);
        }
        let i = PEERS + k - 1;
        let reg = capacity::RegisterPeerParams { peer_id: peer_id(i), owner, units: vec![unit(i, 0)] };
        w.ok(&name, "capacity", capacity::METHOD_REGISTER_PEER, &reg);
        small.peers = vec![peer_id(i)];
        if k + 1 < market::MAX_OFFERS_PER_TOKEN {
            w.ok(&name, "market", market::METHOD_REGISTER_OFFER, &small);
        } else if k + 1 == market::MAX_OFFERS_PER_TOKEN {
            w.row(&name, "market", "RegisterOffer", "the 1,024th offer of a token", &small, ExitCode::OK);
        } else {
            // Offer 1,025 (x64's first): the index is full.
            let over = w.send(&name, "market", market::METHOD_REGISTER_OFFER, &small, 0);
            assert_eq!(over.msg_receipt.exit_code, ExitCode::USR_ILLEGAL_STATE, "offer 1,025 is refused");
        }
    }
    let q = market::TokenQuery { token: None };
    w.row("user", "market", "GetOfferIndex", "1,024 offers", &q, ExitCode::OK);
    // Offer 512 (x32's first) moves from the middle of the full index to its end, then leaves.
    let k = market::MAX_OFFERS_PER_TOKEN / 2;
    let name = format!("x{}", k / market::MAX_OFFERS_PER_PROVIDER);
    let params =
        market::OfferParams { min_price: gateway::micro_usdc(2), peers: vec![peer_id(PEERS + k - 1)], ..small };
    let update = market::UpdateOfferParams { offer: k as u64, params };
    w.row(&name, "market", "UpdateOffer", "a new price in a full index", &update, ExitCode::OK);
    let q = market::OfferQuery { offer: k as u64 };
    w.row(&name, "market", "RemoveOffer", "from a full index", &q, ExitCode::OK);
    let deal = market::CreateDealParams {
        app: cid_of(b"app"),
        input_data: Some(cid_of(b"input")),
        token: None,
        min_workers: 1,
        target_workers: market::MAX_TARGET_WORKERS,
        max_workers_per_provider: market::MAX_TARGET_WORKERS,
        price: gateway::micro_usdc(1),
        effectors,
        access: market::Access::Whitelist,
        access_list: reporters[..market::MAX_ACCESS_LIST].to_vec(),
        protocol_version: 1,
        verifying_key: vec![],
        require_results: false,
    };
    w.row("user", "market", "CreateDeal", "64 workers, 16 effectors, 64-entry access list", &deal, ExitCode::OK);

    // --- gateway: 100 outbox entries, large operator data --------------------------------------
    let dep = gateway::DepositParams {
        nonce: 0,
        parent_sender: cloudless_host::keys::Key::dev("parent").address(),
        recipient: w.h.address("user"),
        amount: gateway::micro_usdc(1_000_000_000),
    };
    w.ok("relayer", "gateway", gateway::METHOD_APPLY_DEPOSIT, &dep);
    for _ in 0..gateway::MAX_OUTBOX_PAGE {
        let p = gateway::WithdrawParams {
            parent_recipient: cloudless_host::keys::Key::dev("parent").address(),
            amount: gateway::micro_usdc(1),
            fast: None,
        };
        w.ok("user", "gateway", gateway::METHOD_WITHDRAW, &p);
    }
    let page = gateway::OutboxPageParams { from_nonce: 0, limit: gateway::MAX_OUTBOX_PAGE };
    w.row("user", "gateway", "GetOutbox", "a page of 100 entries", &page, ExitCode::OK);
    let p = gateway::TransferParams {
        to: w.h.address("owner"),
        amount: gateway::micro_usdc(1),
        operator_data: vec![7; gateway::MAX_OPERATOR_DATA],
    };
    w.row("user", "gateway", "Transfer", "64 KiB operator data to an account", &p, ExitCode::OK);
    let to_market = gateway::TransferParams { to: w.h.address("market"), ..p.clone() };
    let input = "64 KiB operator data to the market (its hook refuses)";
    w.row("user", "gateway", "Transfer", input, &to_market, ExitCode::USR_FORBIDDEN);
    let over = gateway::TransferParams { operator_data: vec![7; 1024 * 1024], ..p };
    w.row("user", "gateway", "Transfer", "1 MiB operator data (refused first)", &over, ExitCode::USR_ILLEGAL_ARGUMENT);

    println!("{:<30} {:<58} {:>15} {:>8}  exit", "message", "largest legal input", "gas", "of 10 G");
    for r in &w.rows {
        let share = r.gas as f64 / BLOCK_GAS_LIMIT as f64;
        println!("{:<30} {:<58} {:>15} {:>8.4}  {}", r.method, r.input, r.gas, share, r.exit);
    }
    let worst = w.rows.iter().max_by_key(|r| r.gas).unwrap();
    println!("\nlargest: {} ({}) at {} gas", worst.method, worst.input, worst.gas);
}
