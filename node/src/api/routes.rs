//! `/api/v1` handlers: thin adapters from HTTP to the node's operations.

use axum::extract::{FromRequest, FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;

use super::{ApiError, AppState};
use crate::cluster::ops::{ClusterView, Consistency, IssuedToken};
use crate::service::{AssetQuery, SourceView};
use pursight_actors::domain::SampleSize;

/// A JSON body whose rejection (malformed JSON, wrong content type) is a JSON error.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub(super) struct Body<T>(pub(super) T);

/// A query string whose rejection is a JSON error.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
struct Q<T>(T);

/// The `/api/v1` routes (auth is layered on by the caller).
pub(super) fn api_v1(fault_injection: bool) -> Router<AppState> {
    let router = Router::new()
        .route("/cluster", get(cluster))
        .route("/cluster/nodes/{id}", delete(remove_node))
        .route("/tokens", post(create_token))
        .route("/sources", get(list_sources).post(add_source))
        .route("/sources/{id}", get(get_source).delete(remove_source))
        .route("/scans", get(list_scans).post(start_scan))
        .route("/scans/{id}", get(get_scan).delete(cancel_scan))
        .route("/assets", get(list_assets))
        .route("/assets/{id}", get(get_asset))
        .route("/assets/{id}/classifications", put(correct_classifications))
        .route("/assets/{id}/meta", get(get_asset_meta).put(set_asset_meta))
        .route("/classifications/types", get(classification_types))
        .route("/audit", get(audit))
        .route("/findings", get(list_findings))
        .route("/policies", get(list_policies).post(put_policy))
        .route("/policies/settings", put(set_policy_settings))
        .route("/policies/{name}", delete(remove_policy))
        .route("/reports/compliance", get(compliance_report))
        .route("/findings/{id}", put(update_finding))
        .route("/debug/digest", get(state_digest));
    if fault_injection {
        // Exists only on nodes started with --test-fault-injection.
        router.merge(super::faults::routes())
    } else {
        router
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// `?consistency=local|linearizable` on reads.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ReadOpts {
    #[serde(default)]
    consistency: Consistency,
}

async fn cluster(State(st): State<AppState>) -> ApiResult<Json<ClusterView>> {
    Ok(Json(st.node.cluster_view().await?))
}

async fn remove_node(State(st): State<AppState>, Path(id): Path<u64>) -> ApiResult<StatusCode> {
    st.node.remove_node(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum TokenKind {
    Join,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewToken {
    kind: TokenKind,
    role: pursight_mesh::Role,
    ttl_secs: u64,
    #[serde(default)]
    site: Option<String>,
}

async fn create_token(
    State(st): State<AppState>,
    Body(req): Body<NewToken>,
) -> ApiResult<(StatusCode, Json<IssuedToken>)> {
    let TokenKind::Join = req.kind;
    let t = st
        .node
        .create_join_token(
            req.role,
            std::time::Duration::from_secs(req.ttl_secs),
            req.site,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// `"sample": 5000` or `"sample": "full"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum SampleArg {
    Rows(u64),
    Text(String),
}

impl SampleArg {
    fn parse(self) -> Result<SampleSize, ApiError> {
        let text = match self {
            SampleArg::Rows(n) => n.to_string(),
            SampleArg::Text(t) => t,
        };
        text.parse()
            .map_err(|e: String| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSource {
    id: String,
    uri: String,
    #[serde(default)]
    site: Option<String>,
    #[serde(default)]
    sample: Option<SampleArg>,
    #[serde(default)]
    residency: Option<String>,
    #[serde(default)]
    schedule: Option<String>,
}

async fn add_source(
    State(st): State<AppState>,
    Body(req): Body<NewSource>,
) -> ApiResult<(StatusCode, Json<SourceView>)> {
    let sample = req.sample.map(SampleArg::parse).transpose()?;
    let residency = req
        .residency
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e: String| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e))?
        .unwrap_or_default();
    let opts = crate::service::SourceOptions {
        site: req.site,
        sample,
        residency,
        schedule: req.schedule,
    };
    let s = st.node.add_source_with(&req.id, &req.uri, opts).await?;
    Ok((StatusCode::CREATED, Json(SourceView::from(&s))))
}

async fn list_sources(
    State(st): State<AppState>,
    Q(o): Q<ReadOpts>,
) -> ApiResult<Json<Vec<SourceView>>> {
    st.node.read_barrier(o.consistency).await?;
    Ok(Json(
        st.node.sources()?.iter().map(SourceView::from).collect(),
    ))
}

async fn get_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Q(o): Q<ReadOpts>,
) -> ApiResult<Json<SourceView>> {
    st.node.read_barrier(o.consistency).await?;
    Ok(Json(SourceView::from(&st.node.source(&id)?)))
}

async fn remove_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    st.node.remove_source(&id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewScan {
    source: String,
    /// Scan tables whose fingerprint did not change too.
    #[serde(default)]
    force: bool,
}

async fn start_scan(
    State(st): State<AppState>,
    Body(req): Body<NewScan>,
) -> ApiResult<(StatusCode, Json<pursight_actors::domain::ScanJob>)> {
    let job = st.node.start_scan(&req.source, req.force).await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

async fn cancel_scan(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<pursight_actors::domain::ScanJob>> {
    Ok(Json(st.node.cancel_scan(&id).await?))
}

async fn list_scans(
    State(st): State<AppState>,
    Q(o): Q<ReadOpts>,
) -> ApiResult<Json<Vec<pursight_actors::domain::ScanJob>>> {
    st.node.read_barrier(o.consistency).await?;
    Ok(Json(st.node.scans()?))
}

async fn get_scan(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Q(o): Q<ReadOpts>,
) -> ApiResult<Json<pursight_actors::domain::ScanJob>> {
    st.node.read_barrier(o.consistency).await?;
    Ok(Json(st.node.scan(&id)?))
}

async fn list_assets(
    State(st): State<AppState>,
    Q(q): Q<AssetQuery>,
) -> ApiResult<Json<Vec<pursight_actors::domain::TableAsset>>> {
    st.node.read_barrier(q.consistency).await?;
    Ok(Json(st.node.assets(&q)?))
}

async fn correct_classifications(
    State(st): State<AppState>,
    Path(id): Path<String>,
    body: Body<crate::service::CorrectionRequest>,
) -> ApiResult<Json<crate::service::Asset>> {
    Ok(Json(st.node.correct_classifications(&id, body.0).await?))
}

/// The meta with its version as an `ETag` (`"3"`), for `If-Match`.
fn with_etag(meta: pursight_actors::compliance::custom::AssetMeta) -> axum::response::Response {
    use axum::response::IntoResponse;
    let etag = format!("\"{}\"", meta.version);
    ([(axum::http::header::ETAG, etag)], Json(meta)).into_response()
}

async fn get_asset_meta(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Q(o): Q<ReadOpts>,
) -> ApiResult<axum::response::Response> {
    st.node.read_barrier(o.consistency).await?;
    Ok(with_etag(st.node.asset_meta(&id)?))
}

/// `If-Match: "3"` (or `3`): apply only at that version, else 412.
fn if_match(headers: &axum::http::HeaderMap) -> ApiResult<Option<u64>> {
    let Some(v) = headers.get(axum::http::header::IF_MATCH) else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|s| s.parse::<u64>().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "If-Match takes the version from the ETag, e.g. If-Match: \"3\"",
            )
        })
}

async fn set_asset_meta(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    body: Body<crate::service::AssetMetaUpdate>,
) -> ApiResult<axum::response::Response> {
    let expected = if_match(&headers)?;
    Ok(with_etag(
        st.node.set_asset_meta_if(&id, body.0, expected).await?,
    ))
}

/// This node's last applied log index and a digest of its replicated state, so replicas
/// can be compared (the chaos harness's convergence check).
async fn state_digest(State(st): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    for _ in 0..20 {
        if let Some((applied, digest)) = st
            .node
            .raft()
            .reader()
            .digest()
            .map_err(|e| ApiError::from(crate::service::ServiceError::from(e)))?
        {
            return Ok(Json(serde_json::json!({
                "node_id": st.node.id(),
                "applied": applied,
                "digest": digest,
            })));
        }
        tokio::task::yield_now().await;
    }
    Err(ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "the state changed during every attempt to hash it; ask again",
    ))
}

async fn classification_types() -> Json<Vec<pursight_actors::taxonomy::TypeInfo>> {
    Json(pursight_actors::taxonomy::all())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    #[serde(default)]
    after: u64,
    limit: Option<usize>,
    #[serde(default)]
    consistency: Consistency,
}

async fn audit(
    State(st): State<AppState>,
    Q(q): Q<AuditQuery>,
) -> ApiResult<Json<Vec<pursight_actors::audit::AuditEvent>>> {
    st.node.read_barrier(q.consistency).await?;
    Ok(Json(st.node.audit(q.after, q.limit.unwrap_or(100))?))
}

async fn list_policies(
    State(st): State<AppState>,
    Q(o): Q<ReadOpts>,
) -> ApiResult<Json<crate::service::PoliciesView>> {
    st.node.read_barrier(o.consistency).await?;
    Ok(Json(st.node.policies()?))
}

async fn put_policy(
    State(st): State<AppState>,
    body: Body<crate::service::PolicyUpload>,
) -> ApiResult<(
    StatusCode,
    Json<pursight_actors::compliance::custom::CustomPolicy>,
)> {
    Ok((StatusCode::CREATED, Json(st.node.put_policy(body.0).await?)))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ByQuery {
    by: Option<String>,
}

async fn remove_policy(
    State(st): State<AppState>,
    Path(name): Path<String>,
    Q(q): Q<ByQuery>,
) -> ApiResult<StatusCode> {
    st.node.remove_policy(&name, q.by.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_policy_settings(
    State(st): State<AppState>,
    body: Body<crate::service::PolicySettingsUpdate>,
) -> ApiResult<StatusCode> {
    st.node.set_policy_settings(body.0).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportQuery {
    framework: Option<String>,
    /// `json` (default), `md` or `html`.
    format: Option<String>,
}

async fn compliance_report(
    State(st): State<AppState>,
    Q(q): Q<ReportQuery>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    use pursight_actors::compliance::report::{html, markdown};
    let r = st.node.compliance_report(q.framework.as_deref())?;
    Ok(match q.format.as_deref().unwrap_or("json") {
        "json" => Json(r).into_response(),
        "md" => (
            [("content-type", "text/markdown; charset=utf-8")],
            markdown(&r),
        )
            .into_response(),
        "html" => ([("content-type", "text/html; charset=utf-8")], html(&r)).into_response(),
        other => {
            return Err(crate::service::ServiceError::BadRequest(format!(
                "unknown format `{other}` (json, md, html)"
            ))
            .into());
        }
    })
}

async fn list_findings(
    State(st): State<AppState>,
    Q(q): Q<crate::service::FindingQuery>,
) -> ApiResult<Json<Vec<pursight_actors::compliance::findings::Finding>>> {
    st.node.read_barrier(q.consistency).await?;
    Ok(Json(st.node.findings(&q)?))
}

async fn update_finding(
    State(st): State<AppState>,
    Path(id): Path<String>,
    body: Body<crate::service::FindingUpdate>,
) -> ApiResult<Json<pursight_actors::compliance::findings::Finding>> {
    Ok(Json(st.node.update_finding(&id, body.0).await?))
}

async fn get_asset(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Q(o): Q<ReadOpts>,
) -> ApiResult<Json<crate::service::Asset>> {
    st.node.read_barrier(o.consistency).await?;
    Ok(Json(st.node.asset(&id)?))
}
