//! The compliance report: controls with pass/fail, the findings behind them, risk per
//! asset, source and estate, and the open-findings trend, as JSON, Markdown or one
//! self-contained HTML file.
//!
//! Risk (0–100), per asset:
//! - sensitivity = Σ over its classified columns of weight(sensitivity) × level factor,
//!   with weights low 1, moderate 2, high 4, critical 8 and levels high 1, medium 0.6,
//!   low 0.3;
//! - volume = 1 + log10(1 + rows);
//! - exposure = 1.5 when the source is reached without TLS or without credentials, else 1;
//! - findings = Σ over unresolved findings of critical 10, high 5, medium 2, low 1
//!   (accepted risks count half);
//! - raw = sensitivity × volume × exposure + findings; risk = 100 × (1 − e^(−raw / 50)).
//!
//! A source's and the estate's risk apply the same curve to their riskiest asset's raw
//! score plus a tenth of all the others', so many small exposures add up without one
//! large catalog always reading 100.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::findings::{Finding, FindingState};
use super::{Rule, Severity};
use crate::domain::{Level, Millis, Source, TableAsset};
use crate::taxonomy::{self, Sensitivity};

const DAY_MS: u64 = 86_400_000;
/// Days of history in the trend.
const TREND_DAYS: u64 = 30;

/// Whether a control holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    Pass,
    /// Only accepted risks are open.
    Accepted,
    Fail,
}

/// One rule as a control in the report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Control {
    pub rule_id: String,
    pub framework: String,
    pub control: String,
    pub title: String,
    pub severity: Severity,
    pub status: ControlStatus,
    pub open_findings: usize,
    pub remediation: String,
}

/// Risk of one asset or source.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Risk {
    pub id: String,
    pub risk: f64,
    pub open_findings: usize,
}

/// Open findings at the end of one day.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrendPoint {
    pub day_start_ms: Millis,
    pub open: usize,
}

/// The whole report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    pub generated_at_ms: Millis,
    /// `None`: every framework.
    pub framework: Option<String>,
    pub estate_risk: f64,
    pub controls_passed: usize,
    pub controls_failed: usize,
    pub controls: Vec<Control>,
    pub findings_by_severity: BTreeMap<String, usize>,
    pub sources: Vec<Risk>,
    /// The riskiest assets, at most 20.
    pub assets: Vec<Risk>,
    /// Unresolved first, most severe first.
    pub findings: Vec<Finding>,
    /// Per finding id on a column: the column's classifications with their masked
    /// evidence (`CREDIT_CARD_NUMBER high 4111********1111`).
    pub evidence: BTreeMap<String, String>,
    pub trend: Vec<TrendPoint>,
}

fn unresolved(f: &Finding) -> bool {
    f.state != FindingState::Resolved
}

fn severity_weight(s: Severity) -> f64 {
    match s {
        Severity::Critical => 10.0,
        Severity::High => 5.0,
        Severity::Medium => 2.0,
        Severity::Low => 1.0,
    }
}

fn curve(raw: f64) -> f64 {
    ((100.0 * (1.0 - (-raw / 50.0).exp())) * 10.0).round() / 10.0
}

/// Riskiest raw score plus a tenth of the rest.
fn combine(raws: &[f64]) -> f64 {
    let max = raws.iter().copied().fold(0.0, f64::max);
    max + 0.1 * (raws.iter().sum::<f64>() - max)
}

/// The raw (uncurved) risk of one asset.
fn raw_risk(t: &TableAsset, source: Option<&Source>, findings: &[&Finding]) -> f64 {
    let sensitivity: f64 = t
        .columns
        .iter()
        .filter(|c| c.deleted_at_ms.is_none())
        .flat_map(|c| &c.classifications)
        .map(|x| {
            let w = match taxonomy::info(x.type_id).sensitivity {
                Sensitivity::Low => 1.0,
                Sensitivity::Moderate => 2.0,
                Sensitivity::High => 4.0,
                Sensitivity::Critical => 8.0,
            };
            let l = match x.level {
                Level::High => 1.0,
                Level::Medium => 0.6,
                Level::Low => 0.3,
            };
            w * l
        })
        .sum();
    let volume = 1.0 + (1.0 + t.row_count.unwrap_or(0) as f64).log10();
    let exposure = match source {
        Some(s)
            if super::input::tls(s) == Some(false) || super::input::credentials(s) == "none" =>
        {
            1.5
        }
        _ => 1.0,
    };
    let penalty: f64 = findings
        .iter()
        .map(|f| {
            let w = severity_weight(f.severity);
            if f.state == FindingState::AcceptedRisk {
                w / 2.0
            } else {
                w
            }
        })
        .sum();
    sensitivity * volume * exposure + penalty
}

/// Builds the report from the catalog, the findings and the rules.
pub fn build(
    framework: Option<&str>,
    rules: &[Rule],
    tables: &[TableAsset],
    sources: &[Source],
    findings: &[Finding],
    now_ms: Millis,
) -> Report {
    let in_scope = |fw: &str| framework.is_none_or(|x| x.eq_ignore_ascii_case(fw));
    let mut findings: Vec<Finding> = findings
        .iter()
        .filter(|f| in_scope(&f.framework))
        .cloned()
        .collect();
    findings.sort_by(|a, b| {
        unresolved(b)
            .cmp(&unresolved(a))
            .then(b.severity.cmp(&a.severity))
            .then(a.id.cmp(&b.id))
    });
    let controls: Vec<Control> = rules
        .iter()
        .filter(|r| in_scope(&r.meta.framework))
        .map(|r| {
            let open: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.rule_id == r.meta.id && unresolved(f))
                .collect();
            let status = if open.is_empty() {
                ControlStatus::Pass
            } else if open.iter().all(|f| f.state == FindingState::AcceptedRisk) {
                ControlStatus::Accepted
            } else {
                ControlStatus::Fail
            };
            Control {
                rule_id: r.meta.id.clone(),
                framework: r.meta.framework.clone(),
                control: r.meta.control.clone(),
                title: r.meta.title.clone(),
                severity: r.meta.severity,
                status,
                open_findings: open.len(),
                remediation: r.meta.remediation.clone(),
            }
        })
        .collect();

    let mut by_severity: BTreeMap<String, usize> = BTreeMap::new();
    for f in findings.iter().filter(|f| unresolved(f)) {
        let key = serde_json::to_value(f.severity)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        *by_severity.entry(key).or_default() += 1;
    }

    let mut assets = Vec::new();
    let mut per_source: BTreeMap<String, (Vec<f64>, usize)> = BTreeMap::new();
    let mut estate = Vec::new();
    for t in tables.iter().filter(|t| t.deleted_at_ms.is_none()) {
        let fs: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.asset_id == t.id && unresolved(f))
            .collect();
        let raw = raw_risk(t, sources.iter().find(|s| s.id == t.source), &fs);
        estate.push(raw);
        let e = per_source.entry(t.source.clone()).or_default();
        e.0.push(raw);
        e.1 += fs.len();
        assets.push(Risk {
            id: t.id.clone(),
            risk: curve(raw),
            open_findings: fs.len(),
        });
    }
    assets.sort_by(|a, b| b.risk.total_cmp(&a.risk).then(a.id.cmp(&b.id)));
    assets.truncate(20);
    let mut sources_risk: Vec<Risk> = per_source
        .into_iter()
        .map(|(id, (raws, open))| Risk {
            id,
            risk: curve(combine(&raws)),
            open_findings: open,
        })
        .collect();
    sources_risk.sort_by(|a, b| b.risk.total_cmp(&a.risk).then(a.id.cmp(&b.id)));

    let today = now_ms / DAY_MS * DAY_MS;
    let trend = (0..TREND_DAYS)
        .rev()
        .map(|d| {
            let start = today.saturating_sub(d * DAY_MS);
            let end = start + DAY_MS;
            let open = findings
                .iter()
                .filter(|f| f.first_seen_ms < end && f.resolved_at_ms.is_none_or(|r| r >= end))
                .count();
            TrendPoint {
                day_start_ms: start,
                open,
            }
        })
        .collect();

    let mut evidence = BTreeMap::new();
    for f in &findings {
        let Some(col) = &f.column else { continue };
        let Some(c) = tables
            .iter()
            .find(|t| t.id == f.asset_id)
            .and_then(|t| t.columns.iter().find(|c| &c.name == col))
        else {
            continue;
        };
        let text: Vec<String> = c
            .classifications
            .iter()
            .map(|x| format!("{} {} {}", x.type_id, word(x.level), x.evidence))
            .collect();
        if !text.is_empty() {
            evidence.insert(f.id.clone(), text.join("; "));
        }
    }
    Report {
        generated_at_ms: now_ms,
        framework: framework.map(str::to_string),
        estate_risk: curve(combine(&estate)),
        controls_passed: controls
            .iter()
            .filter(|c| c.status != ControlStatus::Fail)
            .count(),
        controls_failed: controls
            .iter()
            .filter(|c| c.status == ControlStatus::Fail)
            .count(),
        controls,
        findings_by_severity: by_severity,
        sources: sources_risk,
        assets,
        findings,
        evidence,
        trend,
    }
}

fn word<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// Escapes text for HTML (and keeps Markdown table cells on one line).
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('|', "&#124;")
        .replace('\n', " ")
}

/// One finding's cells (escaped): severity, state, control, asset, column, what, evidence.
fn finding_cells(r: &Report, f: &Finding) -> [String; 7] {
    [
        word(f.severity),
        f.state.to_string(),
        esc(&f.control),
        esc(&f.asset_id),
        esc(f.column.as_deref().unwrap_or("")),
        format!("{}: {}", esc(&f.title), esc(&f.message)),
        esc(r.evidence.get(&f.id).map_or("", String::as_str)),
    ]
}

/// The report as Markdown.
pub fn markdown(r: &Report) -> String {
    let mut s = String::new();
    let scope = r.framework.as_deref().unwrap_or("all frameworks");
    s.push_str(&format!("# PurSight compliance report: {scope}\n\n"));
    s.push_str(&format!(
        "Estate risk **{:.1} / 100** · controls passing {} · failing {} · unresolved findings {}\n\n",
        r.estate_risk,
        r.controls_passed,
        r.controls_failed,
        r.findings.iter().filter(|f| unresolved(f)).count()
    ));
    s.push_str("## Controls\n\n| status | control | rule | severity | open findings |\n|---|---|---|---|---:|\n");
    for c in &r.controls {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            word(c.status),
            esc(&c.control),
            esc(&c.title),
            word(c.severity),
            c.open_findings
        ));
    }
    s.push_str("\n## Risk by source\n\n| source | risk | open findings |\n|---|---:|---:|\n");
    for x in &r.sources {
        s.push_str(&format!(
            "| {} | {:.1} | {} |\n",
            esc(&x.id),
            x.risk,
            x.open_findings
        ));
    }
    s.push_str("\n## Findings\n\n| severity | state | control | asset | column | finding | evidence (masked) |\n|---|---|---|---|---|---|---|\n");
    for f in &r.findings {
        s.push_str(&format!("| {} |\n", finding_cells(r, f).join(" | ")));
    }
    s
}

/// The report as one self-contained HTML file (inline CSS and SVG charts, no scripts).
pub fn html(r: &Report) -> String {
    let scope = esc(r.framework.as_deref().unwrap_or("all frameworks"));
    let mut s = String::new();
    s.push_str(&format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>PurSight compliance report: {scope}</title>\
<style>body{{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;margin:1em 0}}\
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}th{{background:#f4f4f4}}\
.fail{{color:#b00020;font-weight:600}}.pass{{color:#1b7f3b}}.accepted{{color:#a66a00}}\
.card{{display:inline-block;border:1px solid #ddd;border-radius:6px;padding:10px 16px;margin-right:12px}}\
.big{{font-size:28px;font-weight:700}}</style></head><body>"
    ));
    s.push_str(&format!("<h1>PurSight compliance report: {scope}</h1>"));
    let unresolved_count = r.findings.iter().filter(|f| unresolved(f)).count();
    for (label, value) in [
        ("estate risk / 100", format!("{:.1}", r.estate_risk)),
        ("controls passing", r.controls_passed.to_string()),
        ("controls failing", r.controls_failed.to_string()),
        ("unresolved findings", unresolved_count.to_string()),
    ] {
        s.push_str(&format!(
            "<div class=\"card\"><div class=\"big\">{value}</div>{label}</div>"
        ));
    }
    // Findings by severity: horizontal bars.
    s.push_str("<h2>Unresolved findings by severity</h2>");
    let max = r
        .findings_by_severity
        .values()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    s.push_str(
        "<svg width=\"520\" height=\"110\" role=\"img\" aria-label=\"findings by severity\">",
    );
    for (i, sev) in ["critical", "high", "medium", "low"].iter().enumerate() {
        let n = r.findings_by_severity.get(*sev).copied().unwrap_or(0);
        let w = 400 * n / max;
        let y = i * 26;
        let color = ["#b00020", "#e65100", "#f9a825", "#607d8b"][i];
        s.push_str(&format!(
            "<text x=\"0\" y=\"{}\">{sev}</text><rect x=\"70\" y=\"{y}\" width=\"{w}\" height=\"18\" fill=\"{color}\"/><text x=\"{}\" y=\"{}\">{n}</text>",
            y + 14,
            75 + w,
            y + 14
        ));
    }
    s.push_str("</svg>");
    // Trend: open findings per day.
    s.push_str("<h2>Open findings, last 30 days</h2>");
    let tmax = r.trend.iter().map(|t| t.open).max().unwrap_or(0).max(1);
    let points: Vec<String> = r
        .trend
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{},{}", 10 + i * 17, 110 - 100 * t.open / tmax))
        .collect();
    s.push_str(&format!(
        "<svg width=\"530\" height=\"120\" role=\"img\" aria-label=\"open findings trend\"><polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\" points=\"{}\"/><text x=\"10\" y=\"12\">max {tmax}</text></svg>",
        points.join(" ")
    ));
    s.push_str("<h2>Controls</h2><table><tr><th>status</th><th>control</th><th>rule</th><th>severity</th><th>open</th><th>remediation</th></tr>");
    for c in &r.controls {
        let st = word(c.status);
        s.push_str(&format!(
            "<tr><td class=\"{st}\">{st}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.control),
            esc(&c.title),
            word(c.severity),
            c.open_findings,
            esc(&c.remediation)
        ));
    }
    s.push_str("</table><h2>Risk by source</h2><table><tr><th>source</th><th>risk</th><th>open findings</th></tr>");
    for x in &r.sources {
        s.push_str(&format!(
            "<tr><td>{}</td><td>{:.1}</td><td>{}</td></tr>",
            esc(&x.id),
            x.risk,
            x.open_findings
        ));
    }
    s.push_str("</table><h2>Findings</h2><table><tr><th>severity</th><th>state</th><th>control</th><th>asset</th><th>column</th><th>finding</th><th>evidence (masked)</th></tr>");
    for f in &r.findings {
        s.push_str(&format!(
            "<tr><td>{}</td></tr>",
            finding_cells(r, f).join("</td><td>")
        ));
    }
    s.push_str("</table><p>Evidence is masked at the source; this report holds names, types and rules, never data values.</p></body></html>\n");
    s
}
