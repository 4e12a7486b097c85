//! Oracle state, its rules and its operations. No runtime here: everything runs natively in tests.
//!
//! Definitions (documented in the README):
//! - A report made at epoch `e` is *fresh* at epoch `now` while `now - e < report_expiry`.
//! - The *median* of n fresh prices sorted ascending is the middle one for odd n; for even n it
//!   is the lower-middle average `floor((p[n/2-1] + p[n/2]) / 2)`.
//! - A price exists only with at least `quorum` fresh reports; otherwise the median is *stale*.
//! - Every accepted report that leaves a price in place records a sample (epoch, median) in a
//!   ring of at most [`MAX_TWAP_SAMPLES`], at most one per *spacing* of
//!   `ceil(twap_window / MAX_TWAP_SAMPLES)` epochs (at least 1): a report in the last sample's own
//!   epoch replaces its median, one less than a spacing after it is not sampled. So the ring
//!   always spans the whole window, however often reporters report (audit finding, issue 34:
//!   with one sample per epoch, one reporter re-reporting every epoch shrank a long window to the
//!   last 64 epochs).
//! - The TWAP weighs each sample by the epochs it held within the window `[now - W + 1, now]`;
//!   with no sample in the window it equals the median.

use cid::Cid;
use cloudless_runtime::admin::require_admin;
use cloudless_runtime::map::Map;
use cloudless_runtime::Invariants;
use cloudless_runtime::{actor_error, amount, ActorResult, ActorState, Ctx, Effects, Fields, PRECISION};
use fvm_ipld_blockstore::Blockstore;
use fvm_ipld_encoding::tuple::*;
use fvm_shared::bigint::BigInt;
use fvm_shared::clock::ChainEpoch;
use fvm_shared::econ::TokenAmount;
use fvm_shared::ActorID;

use crate::events::*;
use crate::types::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize_tuple, Deserialize_tuple, Fields)]
pub struct State {
    pub admin: ActorID,
    /// HAMT: symbol bytes → [`Asset`].
    pub assets: Cid,
}

/// What an accepted report changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOutcome {
    /// The median after the report, when a quorum of fresh reports exists.
    pub median: Option<TokenAmount>,
}

pub fn validate_symbol(symbol: &str) -> ActorResult<()> {
    if symbol.is_empty() || symbol.len() > MAX_SYMBOL_LEN || !symbol.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(actor_error!(
            illegal_argument;
            "asset symbol {symbol:?} must be 1 to {MAX_SYMBOL_LEN} printable ASCII characters"
        ));
    }
    Ok(())
}

pub fn validate_config(config: &AssetConfig) -> ActorResult<()> {
    if config.quorum == 0 || config.quorum as usize > MAX_REPORTERS {
        return Err(actor_error!(illegal_argument; "quorum {} must be in 1..={MAX_REPORTERS}", config.quorum));
    }
    if config.report_expiry <= 0 {
        return Err(actor_error!(illegal_argument; "report_expiry {} must be positive", config.report_expiry));
    }
    if config.max_deviation > PRECISION {
        return Err(actor_error!(
            illegal_argument;
            "max_deviation {} exceeds PRECISION {PRECISION} (100%)", config.max_deviation
        ));
    }
    if config.twap_window < 0 {
        return Err(actor_error!(illegal_argument; "twap_window {} must not be negative", config.twap_window));
    }
    Ok(())
}

/// Median with the lower-middle average for even counts; `prices` must be non-empty.
pub fn median(prices: &mut [BigInt]) -> BigInt {
    prices.sort();
    let n = prices.len();
    if n % 2 == 1 {
        prices[n / 2].clone()
    } else {
        (&prices[n / 2 - 1] + &prices[n / 2]) / 2
    }
}

impl Asset {
    pub fn new(symbol: String, config: AssetConfig, reporters: Vec<ActorID>) -> ActorResult<Self> {
        validate_symbol(&symbol)?;
        validate_config(&config)?;
        let mut asset = Asset { symbol, config, reporters: Vec::new(), reports: Vec::new(), samples: Vec::new() };
        for r in reporters {
            asset.add_reporter(r)?;
        }
        Ok(asset)
    }

    pub fn is_reporter(&self, id: ActorID) -> bool {
        self.reporters.binary_search(&id).is_ok()
    }

    pub fn add_reporter(&mut self, id: ActorID) -> ActorResult<()> {
        match self.reporters.binary_search(&id) {
            Ok(_) => Err(actor_error!(illegal_state; "f0{id} already reports {}", self.symbol)),
            Err(_) if self.reporters.len() >= MAX_REPORTERS => Err(actor_error!(
                illegal_argument;
                "{} already has the maximum of {MAX_REPORTERS} reporters", self.symbol
            )),
            Err(pos) => {
                self.reporters.insert(pos, id);
                Ok(())
            }
        }
    }

    /// Removes a reporter and its report.
    pub fn remove_reporter(&mut self, id: ActorID) -> ActorResult<()> {
        let pos = self
            .reporters
            .binary_search(&id)
            .map_err(|_| actor_error!(not_found; "f0{id} is not a reporter of {}", self.symbol))?;
        self.reporters.remove(pos);
        self.reports.retain(|r| r.reporter != id);
        Ok(())
    }

    pub fn set_config(&mut self, config: AssetConfig) -> ActorResult<()> {
        validate_config(&config)?;
        self.config = config;
        Ok(())
    }

    /// Reports still fresh at `now`.
    fn fresh_reports(&self, now: ChainEpoch) -> impl Iterator<Item = &Report> {
        self.reports.iter().filter(move |r| now.saturating_sub(r.epoch) < self.config.report_expiry)
    }

    fn fresh_prices(&self, now: ChainEpoch) -> Vec<BigInt> {
        self.fresh_reports(now).map(|r| r.price.atto().clone()).collect()
    }

    /// The median and the number of fresh reports, if a quorum of them exists at `now`.
    pub fn current_median(&self, now: ChainEpoch) -> Option<(BigInt, u32)> {
        let mut prices = self.fresh_prices(now);
        if prices.len() < self.config.quorum as usize {
            return None;
        }
        let count = prices.len() as u32;
        Some((median(&mut prices), count))
    }

    /// Accepts `price` from `reporter` at `now`, replacing its previous report.
    pub fn report(&mut self, reporter: ActorID, price: TokenAmount, now: ChainEpoch) -> ActorResult<ReportOutcome> {
        if !self.is_reporter(reporter) {
            return Err(actor_error!(forbidden; "f0{reporter} is not a reporter of {}", self.symbol));
        }
        if !price.is_positive() {
            return Err(
                actor_error!(illegal_argument; "price must be positive, got {}", amount::format_decimal(&price)),
            );
        }
        if self.config.max_deviation > 0 {
            if let Some((m, _)) = self.current_median(now) {
                let distance = (price.atto() - &m).magnitude().clone();
                if BigInt::from(distance) * PRECISION > &m * self.config.max_deviation {
                    return Err(actor_error!(
                        illegal_argument;
                        "price {} deviates from the median {} by more than {}/{PRECISION}",
                        amount::format_decimal(&price),
                        amount::format_decimal(&TokenAmount::from_atto(m)),
                        self.config.max_deviation
                    ));
                }
            }
        }
        let report = Report { reporter, price, epoch: now };
        match self.reports.binary_search_by_key(&reporter, |r| r.reporter) {
            Ok(pos) => self.reports[pos] = report,
            Err(pos) => self.reports.insert(pos, report),
        }
        let median = self.current_median(now).map(|(m, _)| TokenAmount::from_atto(m));
        if let Some(m) = &median {
            self.record_sample(now, m.clone());
        }
        Ok(ReportOutcome { median })
    }

    /// Epochs between two samples: the ring of [`MAX_TWAP_SAMPLES`] spans the window.
    pub fn sample_spacing(&self) -> ChainEpoch {
        let (w, n) = (self.config.twap_window, MAX_TWAP_SAMPLES as ChainEpoch);
        (w / n + ChainEpoch::from(w % n != 0)).max(1)
    }

    /// Records the median of a report at `epoch` in the ring (the rule above; the indexer
    /// replays `median-updated` events through it).
    pub fn record_sample(&mut self, epoch: ChainEpoch, median: TokenAmount) {
        let spacing = self.sample_spacing();
        match self.samples.last_mut() {
            Some(last) if last.epoch == epoch => last.median = median,
            Some(last) if epoch.saturating_sub(last.epoch) < spacing => {}
            _ => {
                self.samples.push(Sample { epoch, median });
                if self.samples.len() > MAX_TWAP_SAMPLES {
                    self.samples.remove(0);
                }
            }
        }
    }

    /// Time-weighted average of the recorded medians over the window ending at `now`.
    pub fn twap(&self, now: ChainEpoch, median: &BigInt) -> BigInt {
        let window = self.config.twap_window;
        if window == 0 {
            return median.clone();
        }
        let start = now.saturating_sub(window) + 1;
        let (mut weighted, mut total) = (BigInt::from(0), 0i64);
        for (i, s) in self.samples.iter().enumerate() {
            let end = self.samples.get(i + 1).map_or(now + 1, |next| next.epoch);
            let held = end.min(now + 1) - s.epoch.max(start);
            if held > 0 {
                weighted += s.median.atto() * held;
                total += held;
            }
        }
        if total == 0 {
            median.clone()
        } else {
            weighted / total
        }
    }

    /// `GetPrice`: USR_ILLEGAL_STATE without a quorum of fresh reports.
    pub fn price(&self, now: ChainEpoch) -> ActorResult<PriceInfo> {
        let (m, fresh) = self.current_median(now).ok_or_else(|| {
            actor_error!(
                illegal_state;
                "{} has fewer than {} fresh reports: no price", self.symbol, self.config.quorum
            )
        })?;
        let updated_epoch = self.fresh_reports(now).map(|r| r.epoch).max().unwrap_or(now);
        let twap = self.twap(now, &m);
        Ok(PriceInfo {
            median: TokenAmount::from_atto(m),
            updated_epoch,
            fresh_reports: fresh,
            twap: TokenAmount::from_atto(twap),
        })
    }

    pub fn check_invariants(&self, errors: &mut Vec<String>) {
        let sym = &self.symbol;
        if validate_symbol(sym).is_err() {
            errors.push(format!("{sym}: invalid symbol"));
        }
        if let Err(e) = validate_config(&self.config) {
            errors.push(format!("{sym}: {}", e.msg()));
        }
        if self.reporters.len() > MAX_REPORTERS || !self.reporters.windows(2).all(|w| w[0] < w[1]) {
            errors.push(format!("{sym}: reporters not sorted, unique and at most {MAX_REPORTERS}"));
        }
        if !self.reports.windows(2).all(|w| w[0].reporter < w[1].reporter) {
            errors.push(format!("{sym}: reports not one per reporter in order"));
        }
        for r in &self.reports {
            if !self.is_reporter(r.reporter) {
                errors.push(format!("{sym}: report from non-reporter f0{}", r.reporter));
            }
            if !r.price.is_positive() {
                errors.push(format!("{sym}: non-positive price from f0{}", r.reporter));
            }
        }
        if self.samples.len() > MAX_TWAP_SAMPLES || !self.samples.windows(2).all(|w| w[0].epoch < w[1].epoch) {
            errors.push(format!("{sym}: samples not ascending by epoch and at most {MAX_TWAP_SAMPLES}"));
        }
    }
}

impl State {
    pub fn new<BS: Blockstore>(store: &BS, admin: ActorID, assets: Vec<Asset>) -> ActorResult<Self> {
        let mut st = State { admin, assets: Map::<BS, Asset>::empty(store, "assets").flush()? };
        for asset in assets {
            st.add_asset(store, asset)?;
        }
        Ok(st)
    }

    fn load_assets<'s, BS: Blockstore>(&self, store: &'s BS) -> ActorResult<Map<'s, BS, Asset>> {
        Map::load(store, &self.assets, "assets")
    }

    pub fn get_asset<BS: Blockstore>(&self, store: &BS, symbol: &str) -> ActorResult<Asset> {
        self.load_assets(store)?
            .get(symbol.as_bytes())?
            .ok_or_else(|| actor_error!(not_found; "unknown asset {symbol:?}"))
    }

    /// Stores an existing asset after a change.
    pub fn put_asset<BS: Blockstore>(&mut self, store: &BS, asset: Asset) -> ActorResult<()> {
        let mut map = self.load_assets(store)?;
        map.set(&asset.symbol.clone().into_bytes(), asset)?;
        self.assets = map.flush()?;
        Ok(())
    }

    pub fn add_asset<BS: Blockstore>(&mut self, store: &BS, asset: Asset) -> ActorResult<()> {
        let mut map = self.load_assets(store)?;
        let symbol = asset.symbol.clone();
        if !map.set_if_absent(symbol.as_bytes(), asset)? {
            return Err(actor_error!(illegal_state; "asset {symbol:?} already exists"));
        }
        self.assets = map.flush()?;
        Ok(())
    }

    /// Every asset, in symbol order.
    pub fn assets<BS: Blockstore>(&self, store: &BS) -> ActorResult<Vec<Asset>> {
        let mut assets = Vec::new();
        self.load_assets(store)?.for_each(|_, asset| assets.push(asset.clone()))?;
        assets.sort_by(|a, b| a.symbol.cmp(&b.symbol));
        Ok(assets)
    }

    // --- operations ----------------------------------------------------------------------------

    /// `Report`: the caller's price for `asset`, replacing its previous report.
    pub fn report<BS: Blockstore>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        p: ReportParams,
        fx: &mut Effects,
    ) -> ActorResult<()> {
        let mut asset = self.get_asset(store, &p.asset)?;
        let outcome = asset.report(ctx.caller, p.price.clone(), ctx.epoch)?;
        self.put_asset(store, asset)?;
        let epoch = ctx.epoch;
        fx.emit(&PriceReported { asset: p.asset.clone(), reporter: ctx.caller, price: p.price, epoch })?;
        if let Some(median) = outcome.median {
            fx.emit(&MedianUpdated { asset: p.asset, median, epoch })?;
        }
        Ok(())
    }

    /// `SetAssetConfig` (admin).
    pub fn set_asset_config<BS: Blockstore>(
        &mut self,
        store: &BS,
        ctx: &Ctx,
        p: SetAssetConfigParams,
        fx: &mut Effects,
    ) -> ActorResult<()> {
        require_admin(self, ctx)?;
        let mut asset = self.get_asset(store, &p.asset)?;
        asset.set_config(p.config)?;
        fx.emit_as("asset-config-set", &AssetChanged::of(&asset))?;
        self.put_asset(store, asset)
    }

    /// `AddReporter` / `RemoveReporter` (admin): `change` the asset's reporter set, with its event.
    pub fn change_reporter<BS: Blockstore>(
        &mut self,
        store: &BS,
        asset: &str,
        reporter: ActorID,
        event_type: &str,
        change: fn(&mut Asset, ActorID) -> ActorResult<()>,
        fx: &mut Effects,
    ) -> ActorResult<()> {
        let mut a = self.get_asset(store, asset)?;
        change(&mut a, reporter)?;
        self.put_asset(store, a)?;
        fx.emit_as(event_type, &ReporterChanged { asset: asset.to_string(), reporter })
    }
}

cloudless_runtime::impl_admin!(State, admin, "oracle admin");

/// The oracle keeps no clock: reports carry their own epochs.
impl ActorState for State {}

/// `asset-added`, then `reporter-added` for each of its reporters.
pub fn asset_added_events(asset: &Asset, fx: &mut Effects) -> ActorResult<()> {
    fx.emit_as("asset-added", &AssetChanged::of(asset))?;
    for r in &asset.reporters {
        fx.emit_as("reporter-added", &ReporterChanged { asset: asset.symbol.clone(), reporter: *r })?;
    }
    Ok(())
}

impl Invariants for State {
    /// Read-only check of every invariant; returns the list of violations (empty when sound).
    fn check_state_invariants<BS: Blockstore>(&self, store: &BS, _balance: &TokenAmount) -> Vec<String> {
        let mut errors = Vec::new();
        let map = match self.load_assets(store) {
            Ok(map) => map,
            Err(e) => return vec![e.to_string()],
        };
        let walked = map.for_each(|key, asset| {
            if key != asset.symbol.as_bytes() {
                errors.push(format!("asset {:?} stored under key {:?}", asset.symbol, key));
            }
            asset.check_invariants(&mut errors);
        });
        if let Err(e) = walked {
            errors.push(e.msg().to_string());
        }
        errors
    }
}
