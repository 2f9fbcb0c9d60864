//! `/api/v1/test/faults`: the mesh's fault injection, on nodes started with
//! `--test-fault-injection` only (core and edge nodes alike).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::ApiError;
use super::routes::Body;

/// Router state that reaches the mesh's fault injection.
pub(crate) trait FaultControl: Clone + Send + Sync + 'static {
    fn faults(&self) -> Option<&pursight_mesh::Faults>;
}

pub(super) fn routes<S: FaultControl>() -> Router<S> {
    Router::new().route(
        "/test/faults",
        get(list_faults::<S>)
            .put(set_fault::<S>)
            .delete(clear_faults::<S>),
    )
}

fn faults<S: FaultControl>(st: &S) -> Result<&pursight_mesh::Faults, ApiError> {
    st.faults()
        .ok_or_else(|| ApiError::not_found("fault injection is off"))
}

async fn list_faults<S: FaultControl>(
    State(st): State<S>,
) -> Result<Json<std::collections::BTreeMap<u64, pursight_mesh::LinkFault>>, ApiError> {
    Ok(Json(faults(&st)?.all()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewFault {
    peer: u64,
    #[serde(flatten)]
    fault: pursight_mesh::LinkFault,
}

async fn set_fault<S: FaultControl>(
    State(st): State<S>,
    Body(req): Body<NewFault>,
) -> Result<StatusCode, ApiError> {
    if !(0.0..=1.0).contains(&req.fault.loss) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
            "loss must be between 0 and 1",
        ));
    }
    tracing::warn!(peer = req.peer, fault = ?req.fault, "fault injected");
    faults(&st)?.set(req.peer, req.fault);
    Ok(StatusCode::NO_CONTENT)
}

async fn clear_faults<S: FaultControl>(State(st): State<S>) -> Result<StatusCode, ApiError> {
    faults(&st)?.clear_all();
    tracing::warn!("faults cleared");
    Ok(StatusCode::NO_CONTENT)
}
