//! Inline SVG charts for the devnet report: line charts over periods and horizontal bars.
//! Plain text output, no scripts; coordinates are display-only.

const PALETTE: [&str; 10] =
    ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d"];

/// One line: a value per period (none where it has no value).
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A round step near `span / 5` (1, 2 or 5 × 10^k).
fn nice_step(span: f64) -> f64 {
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let unit = raw / mag;
    mag * if unit <= 1.0 {
        1.0
    } else if unit <= 2.0 {
        2.0
    } else if unit <= 5.0 {
        5.0
    } else {
        10.0
    }
}

fn label(v: f64) -> String {
    if v.abs() >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if v.abs() >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

const W: f64 = 560.0;
const H: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 40.0;

/// A line chart of `series` over `periods`, with a legend below the title.
pub fn line_chart(title: &str, unit: &str, periods: &[f64], series: &[Series]) -> String {
    let legend_rows = series.len().div_ceil(3);
    let top = TOP + 16.0 * legend_rows as f64 + 10.0;
    let height = H + 16.0 * legend_rows as f64 + 10.0;
    let values: Vec<f64> = series.iter().flat_map(|s| s.values.iter().flatten().copied()).collect();
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height}" viewBox="0 0 {W} {height}" role="img"><rect width="100%" height="100%" fill="#fff" stroke="#ddd"/><text x="12" y="20" font-size="14" font-weight="600">{}</text>"##,
        esc(title)
    );
    for (i, s) in series.iter().enumerate() {
        let (x, y) = (12.0 + (i % 3) as f64 * 180.0, TOP + 2.0 + 16.0 * (i / 3) as f64);
        out.push_str(&format!(
            r##"<rect x="{x}" y="{}" width="12" height="4" fill="{}"/><text x="{}" y="{y}" font-size="11">{}</text>"##,
            y - 6.0,
            PALETTE[i % PALETTE.len()],
            x + 16.0,
            esc(&s.name)
        ));
    }
    if values.is_empty() || periods.is_empty() {
        out.push_str(&format!(
            r##"<text x="{}" y="{}" font-size="12" fill="#57606a">no data</text></svg>"##,
            W / 2.0 - 24.0,
            height / 2.0
        ));
        return out;
    }
    let (mut lo, mut hi) = values.iter().fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    lo = lo.min(0.0);
    if hi <= lo {
        hi = lo + 1.0;
    }
    let step = nice_step(hi - lo);
    let hi = (hi / step).ceil() * step;
    let lo = (lo / step).floor() * step;
    let (x0, x1) = (periods[0], *periods.last().unwrap_or(&periods[0]));
    let px = |x: f64| LEFT + if x1 > x0 { (x - x0) / (x1 - x0) * (W - LEFT - RIGHT) } else { (W - LEFT - RIGHT) / 2.0 };
    let py = |y: f64| top + (hi - y) / (hi - lo) * (height - top - BOTTOM);
    let mut y = lo;
    while y <= hi + step / 2.0 {
        out.push_str(&format!(
            r##"<line x1="{LEFT}" x2="{}" y1="{py:.1}" y2="{py:.1}" stroke="#eee"/><text x="{}" y="{:.1}" font-size="10" text-anchor="end" fill="#57606a">{}</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            py(y) + 3.0,
            label(y),
            py = py(y)
        ));
        y += step;
    }
    for p in periods {
        out.push_str(&format!(
            r##"<text x="{:.1}" y="{}" font-size="10" text-anchor="middle" fill="#57606a">{}</text>"##,
            px(*p),
            height - BOTTOM + 14.0,
            label(*p)
        ));
    }
    out.push_str(&format!(
        r##"<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#57606a">period</text><text x="12" y="{}" font-size="10" fill="#57606a">{}</text>"##,
        LEFT + (W - LEFT - RIGHT) / 2.0,
        height - 8.0,
        top - 6.0,
        esc(unit)
    ));
    for (i, s) in series.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let points: Vec<String> = periods
            .iter()
            .zip(&s.values)
            .filter_map(|(x, v)| v.map(|v| format!("{:.1},{:.1}", px(*x), py(v))))
            .collect();
        out.push_str(&format!(
            r##"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}"/>"##,
            points.join(" ")
        ));
        for pt in &points {
            let (x, y) = pt.split_once(',').unwrap_or(("0", "0"));
            out.push_str(&format!(r##"<circle cx="{x}" cy="{y}" r="2.5" fill="{color}"/>"##));
        }
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars, one per `(label, value)`, largest scale at the right.
pub fn bar_chart(title: &str, unit: &str, bars: &[(String, f64)]) -> String {
    let row = 18.0;
    let label_w = 300.0;
    let width = 1000.0;
    let height = TOP + 20.0 + row * bars.len().max(1) as f64;
    let max = bars.iter().map(|b| b.1).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img"><rect width="100%" height="100%" fill="#fff" stroke="#ddd"/><text x="12" y="20" font-size="14" font-weight="600">{}</text>"##,
        esc(title)
    );
    for (i, (name, v)) in bars.iter().enumerate() {
        let y = TOP + row * i as f64;
        let w = v / max * (width - label_w - 110.0);
        out.push_str(&format!(
            r##"<text x="{}" y="{:.1}" font-size="11" text-anchor="end">{}</text><rect x="{label_w}" y="{:.1}" width="{w:.1}" height="{}" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#57606a">{} {}</text>"##,
            label_w - 6.0,
            y + 12.0,
            esc(name),
            y + 2.0,
            row - 5.0,
            PALETTE[0],
            label_w + w + 6.0,
            y + 12.0,
            label(*v),
            esc(unit)
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_well_formed_and_escape_text() {
        let s = Series { name: "a<b".into(), values: vec![Some(1.0), None, Some(3.5)] };
        let chart = line_chart("t & u", "FLT", &[0.0, 1.0, 2.0], &[s]);
        assert!(chart.starts_with("<svg") && chart.ends_with("</svg>"));
        assert!(chart.contains("a&lt;b") && chart.contains("t &amp; u"));
        assert_eq!(chart.matches("<circle").count(), 2);
        let empty = line_chart("none", "x", &[], &[]);
        assert!(empty.contains("no data"));
        let bars = bar_chart("gas", "G", &[("x".into(), 2.0), ("y".into(), 0.0)]);
        assert_eq!(bars.matches("<rect").count(), 3);
        assert_eq!(nice_step(10.0), 2.0);
        assert_eq!(label(1500000.0), "1.5M");
    }
}
