//! The admin HTTP endpoint: health, metrics, and the `/api/v1` REST API (JSON).
//!
//! Health and metrics are open; every `/api/v1` route needs the node's bearer token. Every
//! error, including unknown routes and malformed JSON, is `{"error": {"code", "message"}}`.

pub mod edge;
mod error;
mod faults;
mod routes;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use error::ApiError;

use crate::node::Node;

/// Largest request body accepted.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    pub node: Arc<Node>,
    pub token: Arc<str>,
}

impl faults::FaultControl for AppState {
    fn faults(&self) -> Option<&pursight_mesh::Faults> {
        self.node.raft().mesh().and_then(|m| m.faults())
    }
}

/// Builds the router.
pub fn router(node: Arc<Node>, token: &str) -> Router {
    let fault_injection = node.raft().mesh().and_then(|m| m.faults()).is_some();
    let state = AppState {
        node,
        token: Arc::from(token),
    };
    let api = routes::api_v1(fault_injection)
        .route_layer(middleware::from_fn_with_state(
            state.token.clone(),
            require_token,
        ))
        .fallback(|| async { ApiError::not_found("no such API route") });
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .nest("/api/v1", api)
        .fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "method not allowed on this route",
            )
        })
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(track))
        .with_state(state)
}

async fn readyz(State(st): State<AppState>) -> Response {
    match st.node.readiness() {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {why}\n"),
        )
            .into_response(),
    }
}

pub(crate) async fn metrics() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::metrics::render(),
    )
        .into_response()
}

/// Constant-time comparison so the token cannot be guessed byte by byte from timings.
fn token_matches(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

pub(crate) async fn require_token(
    State(token): State<Arc<str>>,
    req: Request,
    next: Next,
) -> Response {
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(t) if token_matches(t.trim().as_bytes(), token.as_bytes()) => next.run(req).await,
        Some(_) => {
            ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "invalid token").into_response()
        }
        None => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing bearer token (Authorization: Bearer <token>)",
        )
        .into_response(),
    }
}

/// Counts requests and their latency by route and status.
pub(crate) async fn track(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    metrics::counter!("pursight_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("pursight_http_request_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    resp
}

#[cfg(test)]
mod tests;
