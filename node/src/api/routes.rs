//! `/api/v1` handlers: thin adapters from HTTP to the node's operations.

use axum::extract::{FromRequest, FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::{ApiError, AppState};
use crate::service::AssetQuery;

/// A JSON body whose rejection (malformed JSON, wrong content type) is a JSON error.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
struct Body<T>(T);

/// A query string whose rejection is a JSON error.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
struct Q<T>(T);

/// The `/api/v1` routes (auth is layered on by the caller).
pub(super) fn api_v1() -> Router<AppState> {
    Router::new()
        .route("/cluster", get(cluster))
        .route("/sources", get(list_sources).post(add_source))
        .route("/sources/{id}", get(get_source).delete(remove_source))
        .route("/scans", get(list_scans).post(start_scan))
        .route("/scans/{id}", get(get_scan))
        .route("/assets", get(list_assets))
        .route("/assets/{id}", get(get_asset))
}

type ApiResult<T> = Result<T, ApiError>;

#[derive(Serialize)]
struct ClusterView {
    cluster: crate::raft::ClusterStatus,
    ready: bool,
    version: &'static str,
}

async fn cluster(State(st): State<AppState>) -> Json<ClusterView> {
    Json(ClusterView {
        cluster: st.node.raft().status(),
        ready: st.node.readiness().is_ok(),
        version: env!("CARGO_PKG_VERSION"),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSource {
    id: String,
    uri: String,
    #[serde(default)]
    site: Option<String>,
}

async fn add_source(
    State(st): State<AppState>,
    Body(req): Body<NewSource>,
) -> ApiResult<(StatusCode, Json<pursight_actors::domain::Source>)> {
    let s = st.node.add_source(&req.id, &req.uri, req.site).await?;
    Ok((StatusCode::CREATED, Json(s)))
}

async fn list_sources(
    State(st): State<AppState>,
) -> ApiResult<Json<Vec<pursight_actors::domain::Source>>> {
    Ok(Json(st.node.sources()?))
}

async fn get_source(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<pursight_actors::domain::Source>> {
    Ok(Json(st.node.source(&id)?))
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
}

async fn start_scan(
    State(st): State<AppState>,
    Body(req): Body<NewScan>,
) -> ApiResult<(StatusCode, Json<pursight_actors::domain::ScanJob>)> {
    let job = st.node.start_scan(&req.source).await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

async fn list_scans(
    State(st): State<AppState>,
) -> ApiResult<Json<Vec<pursight_actors::domain::ScanJob>>> {
    Ok(Json(st.node.scans()?))
}

async fn get_scan(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<pursight_actors::domain::ScanJob>> {
    Ok(Json(st.node.scan(&id)?))
}

async fn list_assets(
    State(st): State<AppState>,
    Q(q): Q<AssetQuery>,
) -> ApiResult<Json<Vec<pursight_actors::domain::TableAsset>>> {
    Ok(Json(st.node.assets(&q)?))
}

async fn get_asset(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<crate::service::Asset>> {
    Ok(Json(st.node.asset(&id)?))
}
