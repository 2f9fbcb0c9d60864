//! Printing results: readable tables by default, JSON with `--format json`.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use pursight_actors::domain::{Classification, ScanJob, TableAsset};

use crate::service::SourceView;
use serde::Serialize;

use super::Format;

/// Prints any value as pretty JSON.
pub(super) fn json<T: Serialize + ?Sized>(v: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

pub(super) fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    t
}

fn classification_text(c: &Classification) -> String {
    format!(
        "{} {} {:.2} {}",
        c.type_id,
        serde_json::to_value(c.level)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        c.confidence,
        c.evidence
    )
}

/// Sources.
pub(super) fn sources(format: Format, list: &[SourceView]) -> anyhow::Result<()> {
    if format == Format::Json {
        return json(list);
    }
    let mut t = table(&[
        "ID",
        "KIND",
        "URI",
        "SITE",
        "RESIDENCY",
        "SCHEDULE",
        "SAMPLE",
        "CREDENTIALS",
    ]);
    for s in list {
        t.add_row(vec![
            s.id.clone(),
            s.kind.to_string(),
            s.uri.clone(),
            s.site.clone().unwrap_or_default(),
            s.residency.to_string(),
            s.schedule.clone().unwrap_or_default(),
            s.sample.clone().unwrap_or_else(|| "default".into()),
            s.credentials.clone(),
        ]);
    }
    println!("{t}");
    Ok(())
}

/// A scan's progress as a bar: `scanning crm [#####.....] 12/24 tables, 48000 rows`.
pub(super) fn progress_bar(j: &ScanJob) -> String {
    const WIDTH: u32 = 24;
    let p = &j.progress;
    let filled = (p.tables_done.min(p.tables_total) * WIDTH)
        .checked_div(p.tables_total)
        .unwrap_or(0);
    let bar: String = (0..WIDTH)
        .map(|i| if i < filled { '#' } else { '.' })
        .collect();
    format!(
        "scanning {} [{bar}] {}/{} tables, {} rows read, {} sensitive columns",
        j.source, p.tables_done, p.tables_total, p.rows_read, p.sensitive_columns
    )
}

/// Scan jobs.
pub(super) fn scans(format: Format, list: &[ScanJob]) -> anyhow::Result<()> {
    if format == Format::Json {
        return json(list);
    }
    let mut t = table(&[
        "ID",
        "SOURCE",
        "STATE",
        "TABLES",
        "SKIPPED",
        "ROWS READ",
        "SENSITIVE",
        "NODE",
        "ATTEMPT",
        "WHY / ERROR",
    ]);
    for j in list {
        let p = &j.progress;
        // Where it ran and why, or why it waits, or what went wrong.
        let why = j
            .error
            .clone()
            .or_else(|| j.waiting.clone())
            .or_else(|| j.placements.last().map(|p| p.reason.clone()))
            .unwrap_or_default();
        t.add_row(vec![
            j.id.clone(),
            j.source.clone(),
            j.state.to_string(),
            format!("{}/{}", p.tables_done, p.tables_total),
            p.tables_skipped.to_string(),
            p.rows_read.to_string(),
            p.sensitive_columns.to_string(),
            j.node.map(|n| n.to_string()).unwrap_or_default(),
            j.attempt.to_string(),
            why,
        ]);
    }
    println!("{t}");
    Ok(())
}

/// One scan job as a one-line summary.
pub(super) fn scan_line(j: &ScanJob) -> String {
    let p = &j.progress;
    let mut line = format!(
        "scan {} of `{}`: {} — {}/{} tables ({} unchanged, skipped), {} columns, {} rows read, {} values sampled, {} sensitive columns",
        j.id,
        j.source,
        j.state,
        p.tables_done,
        p.tables_total,
        p.tables_skipped,
        p.columns_done,
        p.rows_read,
        p.values_sampled,
        p.sensitive_columns
    );
    if let Some(e) = &j.error {
        line.push_str(&format!(" ({e})"));
    }
    line
}

/// Tables with their columns, profiles and classifications.
pub(super) fn tables(format: Format, list: &[TableAsset]) -> anyhow::Result<()> {
    if format == Format::Json {
        return json(list);
    }
    if list.is_empty() {
        println!("no tables");
    }
    for ta in list {
        let rows = ta
            .row_count
            .map(|r| format!(", {r} rows"))
            .unwrap_or_default();
        println!("\n{} ({:?}{rows})", ta.id, ta.kind);
        let mut t = table(&[
            "COLUMN",
            "TYPE",
            "SAMPLED",
            "NULL %",
            "DISTINCT",
            "CLASSIFICATIONS",
        ]);
        for c in &ta.columns {
            let classes: Vec<String> = c.classifications.iter().map(classification_text).collect();
            t.add_row(vec![
                c.name.clone(),
                c.data_type.clone(),
                c.profile.rows_sampled.to_string(),
                format!("{:.1}", c.profile.null_ratio * 100.0),
                c.profile.distinct_estimate.to_string(),
                classes.join("\n"),
            ]);
        }
        println!("{t}");
    }
    Ok(())
}

/// One column with its classifications and why each was found.
pub(super) fn column(format: Format, c: &crate::service::ColumnAsset) -> anyhow::Result<()> {
    if format == Format::Json {
        return json(c);
    }
    let p = &c.column.profile;
    println!("{} ({}, in {})", c.id, c.column.data_type, c.table);
    println!(
        "profile: {} rows sampled, {:.1}% null, ~{} distinct",
        p.rows_sampled,
        p.null_ratio * 100.0,
        p.distinct_estimate
    );
    if c.column.classifications.is_empty() {
        println!("no sensitive type found");
    }
    let mut t = table(&["TYPE", "LEVEL", "CONFIDENCE", "EVIDENCE", "WHY"]);
    for x in &c.column.classifications {
        let why: Vec<String> = x
            .explanation
            .iter()
            .map(|e| {
                let tier = serde_json::to_value(e.tier)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default();
                format!("{tier} {:+.2}: {}", e.score, e.detail)
            })
            .collect();
        t.add_row(vec![
            x.type_id.to_string(),
            serde_json::to_value(x.level)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            format!("{:.2}", x.confidence),
            x.evidence.clone(),
            why.join("\n"),
        ]);
    }
    if !c.column.classifications.is_empty() {
        println!("{t}");
    }
    Ok(())
}

/// The compliance report in the asked format, to stdout or a file.
pub(super) fn report(
    format: Format,
    r: &pursight_actors::compliance::report::Report,
    out: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use pursight_actors::compliance::report::{html, markdown};
    let text = match format {
        Format::Json => serde_json::to_string_pretty(r)? + "\n",
        Format::Html => html(r),
        Format::Table | Format::Md => markdown(r),
    };
    match out {
        Some(path) => {
            std::fs::write(path, text)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            eprintln!("report written to {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}

/// Compliance findings, most severe first.
pub(super) fn findings(
    format: Format,
    list: &[pursight_actors::compliance::findings::Finding],
) -> anyhow::Result<()> {
    if format == Format::Json {
        return json(list);
    }
    let word = |v: serde_json::Result<serde_json::Value>| {
        v.ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    };
    let mut t = table(&["SEVERITY", "CONTROL", "STATE", "ASSET", "COLUMN", "FINDING"]);
    for f in list {
        t.add_row(vec![
            word(serde_json::to_value(f.severity)),
            f.control.clone(),
            f.state.to_string(),
            f.asset_id.clone(),
            f.column.clone().unwrap_or_default(),
            format!("{}\n{}", f.title, f.message),
        ]);
    }
    println!("{t}");
    let open = list
        .iter()
        .filter(|f| f.state != pursight_actors::compliance::findings::FindingState::Resolved)
        .count();
    println!("{} finding(s), {open} not resolved", list.len());
    Ok(())
}

/// A short list of tables (catalog search).
pub(super) fn table_list(format: Format, list: &[TableAsset]) -> anyhow::Result<()> {
    if format == Format::Json {
        return json(list);
    }
    let mut t = table(&["ASSET", "KIND", "ROWS", "COLUMNS", "SENSITIVE TYPES"]);
    for ta in list {
        let types: Vec<&str> = ta.sensitive_types().iter().map(|t| t.as_str()).collect();
        t.add_row(vec![
            ta.id.clone(),
            format!("{:?}", ta.kind).to_lowercase(),
            ta.row_count.map(|r| r.to_string()).unwrap_or_default(),
            ta.columns.len().to_string(),
            types.join(", "),
        ]);
    }
    println!("{t}");
    println!("{} table(s)", list.len());
    Ok(())
}
