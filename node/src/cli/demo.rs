//! `pursight demo`: the whole job on the bundled sample company.
//!
//! The samples ship inside the binary (SQL text and CSV files from `config/samples/`) and
//! are built into `<data>/samples/` on first run: a SQLite database and a folder of files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use pursight_actors::domain::{ClassificationType, Level, TableAsset};
use pursight_actors::policy::exposure;
use serde::Serialize;
use sqlx::ConnectOptions;

use super::{Format, Global, client, output, serve};

const COMPANY_SQL: &str = include_str!("../../../config/samples/company.sql");
const FILES: [(&str, &str); 3] = [
    (
        "employees.csv",
        include_str!("../../../config/samples/files/employees.csv"),
    ),
    (
        "vendors.csv",
        include_str!("../../../config/samples/files/vendors.csv"),
    ),
    (
        "inventory.csv",
        include_str!("../../../config/samples/files/inventory.csv"),
    ),
];

/// Builds the sample database and files under `dir` unless they are already there.
pub(crate) async fn materialize_samples(dir: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    let files = dir.join("files");
    std::fs::create_dir_all(&files).with_context(|| format!("creating {}", files.display()))?;
    for (name, text) in FILES {
        let p = files.join(name);
        if !p.exists() {
            std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))?;
        }
    }
    let db = dir.join("northwind.db");
    if !db.exists() {
        // Built under a temporary name and renamed, so an interrupted first run never
        // leaves a half-built database behind.
        let tmp = dir.join("northwind.db.partial");
        let _ = std::fs::remove_file(&tmp);
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&tmp)
            .create_if_missing(true)
            .connect()
            .await
            .context("creating the sample database")?;
        sqlx::raw_sql(COMPANY_SQL)
            .execute(&mut conn)
            .await
            .context("loading the sample database")?;
        sqlx::Connection::close(conn).await?;
        std::fs::rename(&tmp, &db)?;
    }
    Ok((db, files))
}

#[derive(Serialize)]
struct Finding<'a> {
    asset: String,
    #[serde(rename = "type")]
    type_id: ClassificationType,
    confidence: f64,
    level: Level,
    evidence: &'a str,
}

pub(super) async fn run(g: &Global, serve_after: bool, listen: &str) -> anyhow::Result<()> {
    let node = client::open_embedded(g).await?;
    let api = client::Client::in_process(node.clone());
    let samples = node.data_dir().join("samples");
    let (db, files) = materialize_samples(&samples).await?;
    let mut all: Vec<TableAsset> = Vec::new();
    for (id, scheme, path) in [
        ("northwind_db", "sqlite", db),
        ("northwind_files", "file", files),
    ] {
        let uri = format!("{scheme}://{}", path.display());
        let id = api.ensure_source(&uri, Some(id), None).await?;
        all.extend(
            api.scan(&id, g.format, false, false)
                .await?
                .unwrap_or_default(),
        );
    }
    let findings: Vec<Finding> = all
        .iter()
        .flat_map(|t| {
            t.columns.iter().flat_map(move |c| {
                c.classifications.iter().map(move |x| Finding {
                    asset: t.column_id(&c.name),
                    type_id: x.type_id,
                    confidence: x.confidence,
                    level: x.level,
                    evidence: &x.evidence,
                })
            })
        })
        .collect();
    let report = node.compliance_report(None)?;
    let report_path = node.data_dir().join("compliance-report.html");
    std::fs::write(
        &report_path,
        pursight_actors::compliance::report::html(&report),
    )
    .with_context(|| format!("writing {}", report_path.display()))?;
    if g.format == Format::Json {
        output::json(&serde_json::json!({
            "sources": node.sources()?,
            "tables": all,
            "sensitive_columns": findings,
            "exposure": exposure(&all),
            "estate_risk": report.estate_risk,
            "top_findings": report.findings.iter().take(10).collect::<Vec<_>>(),
            "report": report_path,
        }))?;
    } else {
        print_summary(&node.sources()?.len(), &all, &findings);
        print_findings(&report, &report_path);
    }
    if serve_after {
        let token = format!("{:032x}", rand::random::<u128>());
        let addr = listen
            .parse()
            .with_context(|| format!("invalid --listen `{listen}`"))?;
        serve::serve(node, addr, &token, |addr| {
            println!("\nServing the demo node (Ctrl-C to stop):");
            println!("  health   http://{addr}/healthz");
            println!("  metrics  http://{addr}/metrics");
            println!("  API      http://{addr}/api/v1/assets   (Authorization: Bearer {token})");
            println!("  CLI      PURSIGHT_ENDPOINT=http://{addr} PURSIGHT_TOKEN={token} pursight catalog search");
        })
        .await
    } else {
        node.shutdown().await;
        Ok(())
    }
}

/// The most severe compliance findings, and where the full report is.
fn print_findings(report: &pursight_actors::compliance::report::Report, path: &Path) {
    let open: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.state != pursight_actors::compliance::findings::FindingState::Resolved)
        .collect();
    println!(
        "\nCompliance: estate risk {:.1}/100, {} controls failing of {}, {} open findings; the most severe:",
        report.estate_risk,
        report.controls_failed,
        report.controls.len(),
        open.len()
    );
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec!["SEVERITY", "CONTROL", "WHERE", "FINDING"]);
    for f in open.iter().take(8) {
        let place = match &f.column {
            Some(c) => format!("{}.{c}", f.asset_id),
            None => f.asset_id.clone(),
        };
        t.add_row(vec![
            serde_json::to_value(f.severity)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            f.control.clone(),
            place,
            f.title.clone(),
        ]);
    }
    println!("{t}");
    println!("Full report (one HTML file): {}", path.display());
}

fn print_summary(sources: &usize, tables: &[TableAsset], findings: &[Finding]) {
    let columns: usize = tables.iter().map(|t| t.columns.len()).sum();
    println!("\nPurSight demo: Northwind Outfitters (fictional sample company)");
    println!(
        "{sources} sources, {} tables, {columns} columns scanned, {} sensitive columns\n",
        tables.len(),
        findings
            .iter()
            .map(|f| &f.asset)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
    let mut by_type: BTreeMap<ClassificationType, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_type.entry(f.type_id).or_default().push(f);
    }
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec![
            "TYPE",
            "COLUMN",
            "LEVEL",
            "CONFIDENCE",
            "EVIDENCE (masked)",
        ]);
    for (ty, fs) in &by_type {
        for f in fs {
            t.add_row(vec![
                ty.as_str().to_string(),
                f.asset.clone(),
                format!("{:?}", f.level).to_lowercase(),
                format!("{:.2}", f.confidence),
                f.evidence.to_string(),
            ]);
        }
    }
    println!("{t}");
    let exp = exposure(tables);
    let line: Vec<String> = exp.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    println!("\nSensitive columns by framework: {}", line.join(", "));
    let clean: Vec<&str> = tables
        .iter()
        .filter(|t| t.sensitive_types().is_empty())
        .map(|t| t.id.as_str())
        .collect();
    println!("Tables with nothing sensitive: {}", clean.join(", "));
}
