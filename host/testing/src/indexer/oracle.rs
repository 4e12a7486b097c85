//! What the indexer rebuilds of the oracle: every asset with its reporters, reports and TWAP samples.

use super::prelude::*;

use cloudless_actor_oracle as oracle;

#[derive(Default)]
pub struct OracleView {
    admin: ActorID,
    assets: BTreeMap<String, oracle::Asset>,
}

impl IndexView for OracleView {
    fn from_state(node: &Node, id: ActorID) -> anyhow::Result<Self> {
        use cloudless_runtime::map::Map;
        let st: oracle::State = node.actor_state(id)?;
        let mut v = OracleView { admin: st.admin, ..Default::default() };
        walk(
            Map::<_, oracle::Asset>::load(node.store(), &st.assets, "assets")
                .and_then(|m| m.for_each(|_, a| drop(v.assets.insert(a.symbol.clone(), a.clone())))),
            "assets",
        )?;
        Ok(v)
    }

    fn apply(&mut self, _at: &At, t: &str, e: &ActorEvent) -> anyhow::Result<()> {
        use oracle::*;
        match t {
            "admin-transferred" => self.admin = ev::<AdminTransferred>(e)?.to,
            "asset-added" | "asset-config-set" => {
                let a: AssetChanged = ev(e)?;
                let config = AssetConfig {
                    quorum: a.quorum,
                    report_expiry: a.report_expiry,
                    max_deviation: a.max_deviation,
                    twap_window: a.twap_window,
                };
                let fresh = || Asset {
                    symbol: a.asset.clone(),
                    config: config.clone(),
                    reporters: vec![],
                    reports: vec![],
                    samples: vec![],
                };
                self.assets.entry(a.asset.clone()).or_insert_with(fresh).config = config.clone();
            }
            "reporter-added" => {
                let r: ReporterChanged = ev(e)?;
                let asset = get(&mut self.assets, "asset", &r.asset)?;
                if let Err(pos) = asset.reporters.binary_search(&r.reporter) {
                    asset.reporters.insert(pos, r.reporter);
                }
            }
            "reporter-removed" => {
                let r: ReporterChanged = ev(e)?;
                let asset = get(&mut self.assets, "asset", &r.asset)?;
                asset.reporters.retain(|x| *x != r.reporter);
                asset.reports.retain(|x| x.reporter != r.reporter);
            }
            "price-reported" => {
                let p: PriceReported = ev(e)?;
                let asset = get(&mut self.assets, "asset", &p.asset)?;
                let report = Report { reporter: p.reporter, price: p.price, epoch: p.epoch };
                match asset.reports.binary_search_by_key(&p.reporter, |r| r.reporter) {
                    Ok(pos) => asset.reports[pos] = report,
                    Err(pos) => asset.reports.insert(pos, report),
                }
            }
            "median-updated" => {
                let m: MedianUpdated = ev(e)?;
                get(&mut self.assets, "asset", &m.asset)?.record_sample(m.epoch, m.median);
            }
            other => bail!("the indexer does not know oracle event {other}"),
        }
        Ok(())
    }

    fn diff(&self, real: &Self, _at: &At, out: &mut Vec<String>) {
        diff("admin", &self.admin, &real.admin, out);
        diff_map("assets", &self.assets, &real.assets, out);
    }
}
