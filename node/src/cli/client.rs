//! The one CLI backend: every catalog, source, scan and compliance command is a request to
//! the admin API, sent over HTTP to `--endpoint` or, without one, to the embedded node's own
//! router in-process (tower `oneshot`, no socket). A command therefore behaves the same in
//! both modes by construction.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use pursight_actors::connectors::redact_uri;
use pursight_actors::domain::{SampleSize, ScanJob, ScanState, TableAsset};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::{CatalogCmd, Cmd, Format, Global, ScansCmd, SourceCmd, output, source_id_from_uri};
use crate::node::Node;
use crate::service::{SourceView, stored_uri};
use pursight_actors::compliance::findings::Finding;

/// Largest answer read from the in-process router (a whole catalog fits).
const MAX_ANSWER_BYTES: usize = 256 * 1024 * 1024;

/// Where requests go.
enum Transport {
    /// A running node's admin endpoint.
    Http { http: reqwest::Client, base: String },
    /// The embedded node's router, called in-process.
    InProcess(axum::Router),
}

pub(super) struct Client {
    transport: Transport,
    token: String,
}

impl Client {
    pub(super) fn new(endpoint: &str, token: Option<&str>) -> anyhow::Result<Self> {
        let token = token.filter(|t| !t.is_empty()).ok_or_else(|| {
            anyhow!("--endpoint needs a token: pass --token or set PURSIGHT_TOKEN")
        })?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self {
            transport: Transport::Http {
                http,
                base: endpoint.trim_end_matches('/').to_string(),
            },
            token: token.to_string(),
        })
    }

    /// A client of the embedded node: its router with a token made for this process only.
    pub(super) fn in_process(node: Arc<Node>) -> Self {
        let token = crate::cluster::token::random_hex(24);
        Self {
            transport: Transport::InProcess(crate::api::router(node, &token)),
            token,
        }
    }

    /// Whether requests go to another process (`--endpoint`).
    pub(super) fn is_remote(&self) -> bool {
        matches!(self.transport, Transport::Http { .. })
    }

    /// Sends a request; a non-2xx answer becomes its JSON error message.
    pub(super) async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let (status, text) = match &self.transport {
            Transport::Http { http, base } => {
                let url = format!("{base}/api/v1{path}");
                let mut req = http.request(method, &url).bearer_auth(&self.token);
                if let Some(b) = body {
                    req = req.json(&b);
                }
                let resp = req
                    .send()
                    .await
                    .with_context(|| format!("cannot reach {base}"))?;
                (resp.status(), resp.text().await?)
            }
            Transport::InProcess(router) => {
                let mut req = axum::http::Request::builder()
                    .method(method)
                    .uri(format!("/api/v1{path}"))
                    .header(
                        axum::http::header::AUTHORIZATION,
                        format!("Bearer {}", self.token),
                    );
                let body = match body {
                    Some(b) => {
                        req = req.header(axum::http::header::CONTENT_TYPE, "application/json");
                        axum::body::Body::from(serde_json::to_vec(&b)?)
                    }
                    None => axum::body::Body::empty(),
                };
                let resp = router.clone().oneshot(req.body(body)?).await?;
                let status = resp.status();
                let bytes = axum::body::to_bytes(resp.into_body(), MAX_ANSWER_BYTES).await?;
                (status, String::from_utf8_lossy(&bytes).into_owned())
            }
        };
        let value: Value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        if !status.is_success() {
            let msg = value["error"]["message"]
                .as_str()
                .map(String::from)
                .unwrap_or_else(|| value.to_string());
            bail!("{msg} (HTTP {})", status.as_u16());
        }
        Ok((status, value))
    }

    pub(super) async fn get<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let (_, v) = self.send(Method::GET, path, None).await?;
        Ok(serde_json::from_value(v)?)
    }

    /// Makes sure `source` (a URI or a registered id) is registered; returns its id.
    pub(super) async fn ensure_source(
        &self,
        source: &str,
        name: Option<&str>,
        sample: Option<SampleSize>,
    ) -> anyhow::Result<String> {
        if !source.contains("://") {
            return Ok(source.to_string());
        }
        let id = name
            .map(String::from)
            .unwrap_or_else(|| source_id_from_uri(source));
        match self
            .get::<SourceView>(&format!("/sources/{}", enc(&id)))
            .await
        {
            Ok(s) if s.uri == redact_uri(&stored_uri(source)) => {}
            Ok(s) => bail!(
                "source `{id}` is already registered for {}; pass --name to register {} under another id",
                s.uri,
                redact_uri(source)
            ),
            Err(_) => {
                let body =
                    json!({"id": id, "uri": source, "sample": sample.map(|s| s.to_string())});
                self.send(Method::POST, "/sources", Some(body)).await?;
            }
        }
        Ok(id)
    }

    /// Starts a scan of source `id`; unless `no_wait`, shows progress on stderr until it
    /// ends and returns the tables it saw (`None` when not waiting).
    pub(super) async fn scan(
        &self,
        id: &str,
        format: Format,
        force: bool,
        no_wait: bool,
    ) -> anyhow::Result<Option<Vec<TableAsset>>> {
        let (_, v) = self
            .send(
                Method::POST,
                "/scans",
                Some(json!({"source": id, "force": force})),
            )
            .await?;
        let mut job: ScanJob = serde_json::from_value(v)?;
        if no_wait {
            if format == Format::Json {
                output::json(&job)?;
            } else {
                println!("{}", output::scan_line(&job));
            }
            return Ok(None);
        }
        let interactive = format == Format::Table;
        while !job.state.is_terminal() {
            tokio::time::sleep(Duration::from_millis(200)).await;
            job = self.get(&format!("/scans/{}", enc(&job.id))).await?;
            if interactive {
                eprint!("\r{}   ", output::progress_bar(&job));
            }
        }
        if interactive {
            eprintln!();
        }
        eprintln!("{}", output::scan_line(&job));
        if job.state == ScanState::Failed {
            bail!("scan failed: {}", job.error.unwrap_or_default());
        }
        let tables: Vec<TableAsset> = self.get(&format!("/assets?source={}", enc(id))).await?;
        // Only what this scan saw: tables dropped from the source since an earlier scan
        // stay in the catalog but are not part of this result.
        Ok(Some(
            tables
                .into_iter()
                .filter(|t| t.deleted_at_ms.is_none())
                .collect(),
        ))
    }
}

fn show_asset(format: super::Format, v: Value) -> anyhow::Result<()> {
    match serde_json::from_value::<crate::service::Asset>(v.clone()) {
        Ok(crate::service::Asset::Table(t)) => output::tables(format, &[t]),
        Ok(crate::service::Asset::Column(col)) => output::column(format, &col),
        Err(_) => output::json(&v),
    }
}

/// Everything but RFC 3986 unreserved characters is escaped: right for path segments
/// (where `+` would stay a plus and a space must be `%20`) and for query values alike.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
}

/// Runs a command on the embedded node (no `--endpoint`), through its own router.
pub(super) async fn run_embedded(g: &Global, cmd: Cmd) -> anyhow::Result<()> {
    let node = open_embedded(g).await?;
    let result = run_with(g, &Client::in_process(node.clone()), cmd).await;
    node.shutdown().await;
    result
}

/// Opens the embedded node on the data folder of `g`.
pub(super) async fn open_embedded(g: &Global) -> anyhow::Result<Arc<Node>> {
    let dir = g.data.clone().unwrap_or_else(super::default_data_dir);
    Ok(Node::start(crate::node::NodeOptions::new(&dir)).await?)
}

/// Runs a command against a running node's admin endpoint.
pub(super) async fn run(g: &Global, endpoint: &str, cmd: Cmd) -> anyhow::Result<()> {
    run_with(g, &Client::new(endpoint, g.token.as_deref())?, cmd).await
}

async fn run_with(g: &Global, c: &Client, cmd: Cmd) -> anyhow::Result<()> {
    match cmd {
        Cmd::Scan {
            source,
            name,
            no_wait,
            force,
            sample,
        } => {
            let id = c.ensure_source(&source, name.as_deref(), sample).await?;
            // The embedded node stops when the command ends: it always waits.
            let no_wait = no_wait && c.is_remote();
            match c.scan(&id, g.format, force, no_wait).await? {
                Some(tables) => output::tables(g.format, &tables),
                None => Ok(()),
            }
        }
        Cmd::Source(SourceCmd::Add {
            id,
            uri,
            site,
            sample,
            residency,
            schedule,
        }) => {
            let body = json!({"id": id, "uri": uri, "site": site,
                "sample": sample.map(|s| s.to_string()),
                "residency": residency.to_string(), "schedule": schedule});
            let (_, v) = c.send(Method::POST, "/sources", Some(body)).await?;
            output::sources(g.format, &[serde_json::from_value(v)?])
        }
        Cmd::Source(SourceCmd::List) => {
            output::sources(g.format, &c.get::<Vec<SourceView>>("/sources").await?)
        }
        Cmd::Source(SourceCmd::Rm { id }) => {
            c.send(Method::DELETE, &format!("/sources/{}", enc(&id)), None)
                .await?;
            eprintln!("removed source `{id}`");
            Ok(())
        }
        Cmd::Catalog(CatalogCmd::Search {
            query,
            classification,
            source,
        }) => {
            let path = format!(
                "/assets?query={}&classification={}&source={}",
                enc(&query),
                enc(classification.as_deref().unwrap_or("")),
                enc(source.as_deref().unwrap_or(""))
            );
            output::table_list(g.format, &c.get::<Vec<TableAsset>>(&path).await?)
        }
        Cmd::Catalog(CatalogCmd::Show { asset }) => {
            let v: Value = c.get(&format!("/assets/{}", enc(&asset))).await?;
            show_asset(g.format, v)
        }
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
            let path = format!("/assets/{}/classifications", enc(&asset));
            let (_, v) = c
                .send(Method::PUT, &path, Some(serde_json::to_value(&req)?))
                .await?;
            show_asset(g.format, v)
        }
        Cmd::Report { framework, out } => {
            let path = format!(
                "/reports/compliance?framework={}",
                enc(framework.as_deref().unwrap_or(""))
            );
            let r: pursight_actors::compliance::report::Report = c.get(&path).await?;
            output::report(g.format, &r, out.as_deref())
        }
        Cmd::Findings {
            framework,
            state,
            source,
        } => {
            let path = format!(
                "/findings?framework={}&state={}&source={}",
                enc(framework.as_deref().unwrap_or("")),
                enc(state.as_deref().unwrap_or("")),
                enc(source.as_deref().unwrap_or(""))
            );
            output::findings(g.format, &c.get::<Vec<Finding>>(&path).await?)
        }
        Cmd::Scans(ScansCmd::List) => {
            output::scans(g.format, &c.get::<Vec<ScanJob>>("/scans").await?)
        }
        Cmd::Scans(ScansCmd::Show { id }) => {
            output::scans(g.format, &[c.get(&format!("/scans/{}", enc(&id))).await?])
        }
        Cmd::Scans(ScansCmd::Cancel { id }) => {
            let (_, v) = c
                .send(Method::DELETE, &format!("/scans/{}", enc(&id)), None)
                .await?;
            output::scans(g.format, &[serde_json::from_value(v)?])
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
