//! An edge node's admin endpoint: health, metrics and its own status. It holds no
//! catalog, so the rest of the API is a core node's; the answer says so.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;

use super::ApiError;
use crate::edge::{EdgeNode, EdgeStatus};

#[derive(Clone)]
struct EdgeState {
    edge: Arc<EdgeNode>,
}

impl super::faults::FaultControl for EdgeState {
    fn faults(&self) -> Option<&pursight_mesh::Faults> {
        self.edge.faults()
    }
}

/// The edge node's router.
pub fn router(edge: Arc<EdgeNode>, token: &str) -> Router {
    let fault_injection = edge.faults().is_some();
    let token: Arc<str> = Arc::from(token);
    let mut api = Router::new().route("/edge", get(status));
    if fault_injection {
        api = api.merge(super::faults::routes());
    }
    let api = api
        .route_layer(middleware::from_fn_with_state(token, super::require_token))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "edge_node",
                "this is an edge node: it serves /healthz, /readyz, /metrics and \
                 /api/v1/edge; use a core node's endpoint for the rest of the API",
            )
        });
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(super::metrics))
        .nest("/api/v1", api)
        .fallback(|| async { ApiError::not_found("no such route") })
        .layer(middleware::from_fn(super::track))
        .with_state(EdgeState { edge })
}

async fn readyz(State(st): State<EdgeState>) -> Response {
    match st.edge.readiness() {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {why}\n"),
        )
            .into_response(),
    }
}

async fn status(State(st): State<EdgeState>) -> Json<EdgeStatus> {
    Json(st.edge.status().await)
}
