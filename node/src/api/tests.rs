//! The router driven with `oneshot` against a real node (Raft on sled in a temp folder).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::node::{Node, NodeOptions};

const TOKEN: &str = "test-token-0123456789";

struct Fixture {
    _dir: tempfile::TempDir,
    node: Arc<Node>,
    csv_dir: std::path::PathBuf,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv_dir = dir.path().join("exports");
    std::fs::create_dir_all(&csv_dir).expect("mkdir");
    let mut csv = String::from("id,email,card\n");
    for i in 0..50 {
        csv.push_str(&format!("{i},user{i}@example.com,4111111111111111\n"));
    }
    std::fs::write(csv_dir.join("people.csv"), csv).expect("write");
    let node = Node::start(NodeOptions::new(dir.path().join("data")))
        .await
        .expect("node");
    Fixture {
        _dir: dir,
        node,
        csv_dir,
    }
}

async fn call(
    f: &Fixture,
    method: &str,
    uri: &str,
    body: Option<&str>,
    auth: bool,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if auth {
        req = req.header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .expect("request");
    let resp = super::router(f.node.clone(), TOKEN)
        .oneshot(req)
        .await
        .expect("response");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, value)
}

fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("<no error code>")
}

#[tokio::test]
async fn health_and_metrics_are_open_the_api_is_not() {
    let f = fixture().await;
    assert_eq!(
        call(&f, "GET", "/healthz", None, false).await.0,
        StatusCode::OK
    );
    let (s, body) = call(&f, "GET", "/readyz", None, false).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, body) = call(&f, "GET", "/api/v1/sources", None, false).await;
    assert_eq!(
        (s, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    let req = Request::get("/api/v1/sources")
        .header(header::AUTHORIZATION, "Bearer wrong-token-0123456")
        .body(Body::empty())
        .expect("req");
    let resp = super::router(f.node.clone(), TOKEN)
        .oneshot(req)
        .await
        .expect("resp");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // Unknown routes are JSON errors too, inside and outside /api/v1.
    let (s, body) = call(&f, "GET", "/nope", None, false).await;
    assert_eq!((s, error_code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    let (s, body) = call(&f, "GET", "/api/v1/nope", None, true).await;
    assert_eq!((s, error_code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    let (s, body) = call(&f, "PUT", "/api/v1/sources", Some("{}"), true).await;
    assert_eq!(
        (s, error_code(&body)),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    let (s, m) = call(&f, "GET", "/metrics", None, false).await;
    assert_eq!(s, StatusCode::OK);
    let text = m.as_str().unwrap_or_default();
    assert!(text.contains("pursight_http_requests_total"), "{text}");
    assert!(text.contains("pursight_raft_commit_seconds"), "{text}");
    f.node.shutdown().await;
}

#[tokio::test]
async fn bad_requests_get_one_clear_json_error() {
    let f = fixture().await;
    let cases: [(&str, &str, Option<&str>, StatusCode); 7] = [
        (
            "POST",
            "/api/v1/sources",
            Some("{not json"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "POST",
            "/api/v1/sources",
            Some(r#"{"id": "x"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "POST",
            "/api/v1/sources",
            Some(r#"{"id": "a b", "uri": "sqlite:///x.db"}"#),
            StatusCode::BAD_REQUEST,
        ),
        (
            "POST",
            "/api/v1/sources",
            Some(r#"{"id": "x", "uri": "gopher://x"}"#),
            StatusCode::BAD_REQUEST,
        ),
        (
            "POST",
            "/api/v1/scans",
            Some(r#"{"source": "missing"}"#),
            StatusCode::NOT_FOUND,
        ),
        (
            "GET",
            "/api/v1/assets?classification=NOT_A_TYPE",
            None,
            StatusCode::BAD_REQUEST,
        ),
        ("GET", "/api/v1/scans/nope", None, StatusCode::NOT_FOUND),
    ];
    for (method, uri, body, want) in cases {
        let (s, v) = call(&f, method, uri, body, true).await;
        assert_eq!(s, want, "{method} {uri} {body:?} -> {v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{v}"
        );
    }
    // A JSON body without the JSON content type.
    let req = Request::post("/api/v1/sources")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::from(r#"{"id":"x","uri":"file:///tmp"}"#))
        .expect("req");
    let resp = super::router(f.node.clone(), TOKEN)
        .oneshot(req)
        .await
        .expect("resp");
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A giant body is refused, not buffered.
    let giant = format!(r#"{{"id": "x", "uri": "{}"}}"#, "a".repeat(2 * 1024 * 1024));
    let (s, _) = call(&f, "POST", "/api/v1/sources", Some(&giant), true).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    f.node.shutdown().await;
}

#[tokio::test]
async fn add_scan_and_browse_assets() {
    let f = fixture().await;
    let uri = format!("file://{}", f.csv_dir.display());
    let (s, v) = call(
        &f,
        "POST",
        "/api/v1/sources",
        Some(&json!({"id": "exports", "uri": uri}).to_string()),
        true,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = call(
        &f,
        "POST",
        "/api/v1/sources",
        Some(&json!({"id": "exports", "uri": uri}).to_string()),
        true,
    )
    .await;
    assert_eq!((s, error_code(&v)), (StatusCode::CONFLICT, "conflict"));
    let (s, job) = call(
        &f,
        "POST",
        "/api/v1/scans",
        Some(r#"{"source": "exports"}"#),
        true,
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{job}");
    let id = job["id"].as_str().expect("job id").to_string();
    let done = f.node.wait_scan(&id, |_| {}).await.expect("scan");
    assert_eq!(
        done.state,
        pursight_actors::domain::ScanState::Done,
        "{done:?}"
    );
    let (s, job) = call(&f, "GET", &format!("/api/v1/scans/{id}"), None, true).await;
    assert_eq!((s, job["state"].as_str()), (StatusCode::OK, Some("done")));
    assert_eq!(job["progress"]["tables_done"], 1);

    let (s, assets) = call(
        &f,
        "GET",
        "/api/v1/assets?classification=CREDIT_CARD_NUMBER",
        None,
        true,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let tables = assets.as_array().expect("list");
    assert_eq!(tables.len(), 1, "{assets}");
    let table_id = tables[0]["id"].as_str().expect("id");
    assert_eq!(table_id, "exports.exports.files.people");
    let (s, t) = call(&f, "GET", &format!("/api/v1/assets/{table_id}"), None, true).await;
    assert_eq!(s, StatusCode::OK);
    let email = t["columns"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "email"))
        .expect("email column");
    assert_eq!(email["classifications"][0]["type"], "EMAIL_ADDRESS");
    assert_eq!(email["profile"]["rows_sampled"], 50);
    let evidence = email["classifications"][0]["evidence"]
        .as_str()
        .unwrap_or_default();
    assert!(
        evidence.contains('*') && !evidence.starts_with("user"),
        "raw value leaked: {evidence}"
    );
    // A column by its own id.
    let (s, c) = call(
        &f,
        "GET",
        &format!("/api/v1/assets/{table_id}.card"),
        None,
        true,
    )
    .await;
    assert_eq!((s, c["kind"].as_str()), (StatusCode::OK, Some("column")));
    assert_eq!(c["classifications"][0]["evidence"], "4111********1111");
    // Nothing matches an unrelated search; the id column is not sensitive.
    let (_, none) = call(&f, "GET", "/api/v1/assets?query=zzz", None, true).await;
    assert_eq!(none.as_array().map(Vec::len), Some(0));
    let idc = t["columns"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "id"))
        .expect("id column");
    assert_eq!(idc["classifications"].as_array().map(Vec::len), Some(0));
    // Removing the source removes its assets.
    let (s, _) = call(&f, "DELETE", "/api/v1/sources/exports", None, true).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, after) = call(&f, "GET", "/api/v1/assets", None, true).await;
    assert_eq!(after.as_array().map(Vec::len), Some(0));
    let (_, cluster) = call(&f, "GET", "/api/v1/cluster", None, true).await;
    assert_eq!(cluster["leader"], 1);
    assert_eq!(cluster["nodes"][0]["raft_member"], "voter");
    assert_eq!(cluster["nodes"][0]["health"], "up");
    assert_eq!(cluster["ready"], true);
    f.node.shutdown().await;
}
