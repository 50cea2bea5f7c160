//! `/healthz` and `/readyz`, for a load balancer or an orchestrator: no token needed, nothing
//! about the leads in the answer.
//!
//! `/healthz` says the process is up and serving HTTP: restart it when this fails. `/readyz` says
//! its store answers too: send it requests only while this succeeds. A server whose database is
//! restarting is healthy but not ready, and becomes ready again by itself.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::{ApiError, AppState};

/// The paths, beside the API's `ROUTES`.
pub const HEALTH_ROUTES: [(&str, &str); 2] = [("GET", "/healthz"), ("GET", "/readyz")];

pub(super) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(HEALTH_ROUTES[0].1, get(healthz))
        .route(HEALTH_ROUTES[1].1, get(readyz))
        .layer(axum::middleware::from_fn(super::log_request))
        .with_state(state)
}

fn ok(status: &str) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        format!(r#"{{"status":"{status}"}}"#),
    )
        .into_response()
}

async fn healthz() -> Response {
    ok("ok")
}

async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    let backend = Arc::clone(&state.backend);
    match tokio::task::spawn_blocking(move || backend.ready()).await {
        Ok(Ok(())) => ok("ready"),
        Ok(Err(fault)) => ApiError::fault(fault).into_response(),
        Err(_) => ApiError::internal("the readiness check stopped").into_response(),
    }
}
