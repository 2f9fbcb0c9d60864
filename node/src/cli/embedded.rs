//! Commands on the embedded node (no `--endpoint`).

use std::io::Write;
use std::sync::Arc;

use super::{
    CatalogCmd, Cmd, Format, Global, ScansCmd, SourceCmd, default_data_dir, output,
    source_id_from_uri,
};
use crate::node::{Node, NodeOptions};
use crate::service::{Asset, AssetQuery, SourceView, stored_uri};
use pursight_actors::connectors::redact_uri;
use pursight_actors::domain::SampleSize;

/// Opens the embedded node on the data folder of `g`.
pub(super) async fn open(g: &Global) -> anyhow::Result<Arc<Node>> {
    let dir = g.data.clone().unwrap_or_else(default_data_dir);
    Ok(Node::start(NodeOptions::new(&dir)).await?)
}

pub(super) async fn run(g: &Global, cmd: Cmd) -> anyhow::Result<()> {
    let node = open(g).await?;
    let result = dispatch(g, &node, cmd).await;
    node.shutdown().await;
    result
}

async fn dispatch(g: &Global, node: &Arc<Node>, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::Scan {
            source,
            name,
            force,
            sample,
            ..
        } => {
            let id = ensure_source(node, &source, name.as_deref(), sample).await?;
            let tables = scan_and_wait(node, &id, g.format, force).await?;
            output::tables(g.format, &tables)
        }
        Cmd::Source(SourceCmd::Add {
            id,
            uri,
            site,
            sample,
            residency,
            schedule,
        }) => {
            let opts = crate::service::SourceOptions {
                site,
                sample,
                residency,
                schedule,
            };
            let s = node.add_source_with(&id, &uri, opts).await?;
            output::sources(g.format, &[SourceView::from(&s)])
        }
        Cmd::Source(SourceCmd::List) => output::sources(
            g.format,
            &node
                .sources()?
                .iter()
                .map(SourceView::from)
                .collect::<Vec<_>>(),
        ),
        Cmd::Source(SourceCmd::Rm { id }) => {
            node.remove_source(&id).await?;
            eprintln!("removed source `{id}`");
            Ok(())
        }
        Cmd::Catalog(CatalogCmd::Search {
            query,
            classification,
            source,
        }) => {
            let q = AssetQuery {
                query: Some(query),
                classification,
                source,
                consistency: Default::default(),
            };
            output::table_list(g.format, &node.assets(&q)?)
        }
        Cmd::Catalog(CatalogCmd::Show { asset }) => match node.asset(&asset)? {
            Asset::Table(t) => output::tables(g.format, &[t]),
            Asset::Column(c) => output::column(g.format, &c),
        },
        Cmd::Catalog(CatalogCmd::Correct {
            asset,
            confirm,
            reject,
            set,
            reset,
            by,
            reason,
        }) => {
            let req = super::correction_request(&confirm, &reject, &set, &reset, &by, reason)?;
            match node.correct_classifications(&asset, req).await? {
                Asset::Column(c) => output::column(g.format, &c),
                Asset::Table(t) => output::tables(g.format, &[t]),
            }
        }
        Cmd::Report { framework, out } => output::report(
            g.format,
            &node.compliance_report(framework.as_deref())?,
            out.as_deref(),
        ),
        Cmd::Findings {
            framework,
            state,
            source,
        } => {
            let q = crate::service::FindingQuery {
                framework,
                state,
                source,
                consistency: Default::default(),
            };
            output::findings(g.format, &node.findings(&q)?)
        }
        Cmd::Scans(ScansCmd::List) => output::scans(g.format, &node.scans()?),
        Cmd::Scans(ScansCmd::Show { id }) => output::scans(g.format, &[node.scan(&id)?]),
        Cmd::Scans(ScansCmd::Cancel { id }) => {
            output::scans(g.format, &[node.cancel_scan(&id).await?])
        }
        Cmd::Demo { .. }
        | Cmd::Node { .. }
        | Cmd::Cluster(_)
        | Cmd::Token(_)
        | Cmd::Join(_)
        | Cmd::Classify(_) => {
            unreachable!("handled by cli::run")
        }
    }
}

/// Makes sure `source` (a URI or a registered id) is registered; returns its id.
pub(super) async fn ensure_source(
    node: &Node,
    source: &str,
    name: Option<&str>,
    sample: Option<SampleSize>,
) -> anyhow::Result<String> {
    if !source.contains("://") {
        node.source(source)?;
        return Ok(source.to_string());
    }
    let id = name
        .map(String::from)
        .unwrap_or_else(|| source_id_from_uri(source));
    match node.source(&id) {
        Ok(existing) if existing.uri == stored_uri(source) => Ok(id),
        Ok(existing) => anyhow::bail!(
            "source `{id}` is already registered for {}; pass --name to register {} under another id",
            redact_uri(&existing.uri),
            redact_uri(source)
        ),
        Err(_) => Ok(node.add_source(&id, source, None, sample).await?.id),
    }
}

/// Scans a source, showing progress on stderr, and returns its tables.
pub(super) async fn scan_and_wait(
    node: &Node,
    id: &str,
    format: Format,
    force: bool,
) -> anyhow::Result<Vec<pursight_actors::domain::TableAsset>> {
    let job = node.start_scan(id, force).await?;
    let interactive = format == Format::Table;
    let done = node
        .wait_scan(&job.id, |j| {
            if interactive {
                eprint!("\r{}   ", output::progress_bar(j));
                let _ = std::io::stderr().flush();
            }
        })
        .await?;
    if interactive {
        eprintln!();
    }
    eprintln!("{}", output::scan_line(&done));
    if done.state == pursight_actors::domain::ScanState::Failed {
        anyhow::bail!("scan failed: {}", done.error.unwrap_or_default());
    }
    let tables = node.assets(&AssetQuery {
        source: Some(id.to_string()),
        ..Default::default()
    })?;
    // Only what this scan saw: tables dropped from the source since an earlier scan stay in
    // the catalog but are not part of this result.
    Ok(tables
        .into_iter()
        .filter(|t| t.deleted_at_ms.is_none())
        .collect())
}
