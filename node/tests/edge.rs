//! Edge nodes and placement with real processes: three core nodes and two edge nodes (sites
//! `plant-a` and `plant-b`) on loopback, a real PostgreSQL database as the source.
//!
//! - a source in `plant-a` is scanned on plant-a's edge node;
//! - that edge node killed mid-scan: the job moves to another node as attempt 2 under
//!   `preferred` residency, and the dead attempt's late results are refused when it returns;
//! - under `strict` residency the job waits (and says why) until the edge node is back;
//! - the edge node cut off from every core (mesh fault injection) finishes its scan into its
//!   outbox, and after the link heals the result is applied exactly once;
//! - without sites, the node measurably closer to the database (the others reach it through
//!   a delaying proxy) gets the job on round trip alone.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use pursight_chaos::proxy::DelayProxy;
use pursight_chaos::{NodeProcess, PgDatabase, eventually};
use reqwest::Method;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_pursight");
const SNAPSHOT_EVERY: u64 = 1000;

/// A PostgreSQL database (dropped at the end) with customers and `slow_views` views that
/// take 2 s each to read.
fn database(prefix: &str, slow_views: usize) -> PgDatabase {
    let mut setup = String::from(
        "CREATE TABLE customers (id int PRIMARY KEY, email text, phone text);
         INSERT INTO customers SELECT g, 'user' || g || '@example.com', '+1 415 555 ' || lpad(g::text, 4, '0')
           FROM generate_series(1, 300) g;
         CREATE FUNCTION slow_one() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM pg_sleep(2)';",
    );
    for i in 0..slow_views {
        setup.push_str(&format!("CREATE VIEW slow_{i} AS SELECT slow_one() AS x;"));
    }
    PgDatabase::create(prefix, &setup).expect("database")
}

async fn get(http: &reqwest::Client, node: &NodeProcess, path: &str) -> Option<Value> {
    let r = node
        .request(http, Method::GET, path)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .ok()?;
    r.json().await.ok()
}

async fn add_source(http: &reqwest::Client, node: &NodeProcess, body: Value) {
    let r = node
        .request(http, Method::POST, "/api/v1/sources")
        .json(&body)
        .send()
        .await
        .expect("add source");
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
}

async fn start_scan(http: &reqwest::Client, node: &NodeProcess, source: &str) -> String {
    let job: Value = node
        .request(http, Method::POST, "/api/v1/scans")
        .json(&json!({"source": source, "force": true}))
        .send()
        .await
        .expect("scan")
        .json()
        .await
        .expect("job");
    job["id"].as_str().expect("job id").to_string()
}

async fn job(http: &reqwest::Client, node: &NodeProcess, id: &str) -> Option<Value> {
    get(http, node, &format!("/api/v1/scans/{id}")).await
}

async fn wait_state(
    http: &reqwest::Client,
    node: &NodeProcess,
    id: &str,
    timeout: Duration,
    pred: impl Fn(&Value) -> bool,
    what: &str,
) -> Value {
    eventually(timeout, what, || async {
        job(http, node, id).await.filter(|j| pred(j))
    })
    .await
}

/// The edge node's own status (`GET /api/v1/edge`).
async fn edge_status(http: &reqwest::Client, edge: &NodeProcess) -> Option<Value> {
    get(http, edge, "/api/v1/edge").await
}

/// Starts `cluster init` + two core joins, all with fault injection.
async fn three_cores(http: &reqwest::Client, root: &Path) -> Vec<NodeProcess> {
    let bin = Path::new(BIN);
    let mut n1 =
        NodeProcess::init_cluster(bin, &root.join("n1"), "edge-e2e", SNAPSHOT_EVERY).expect("init");
    n1.fault_injection = true;
    n1.start().await.expect("start n1");
    let seed = n1.mesh_addr.clone().expect("mesh");
    let mut nodes = vec![n1];
    for name in ["n2", "n3"] {
        let token = nodes[0].join_token(http, "core", 600).await.expect("token");
        let mut n =
            NodeProcess::join(bin, &root.join(name), &seed, &token, SNAPSHOT_EVERY).expect("join");
        n.fault_injection = true;
        n.start().await.expect("start core");
        nodes.push(n);
    }
    eventually(Duration::from_secs(60), "three voters", || async {
        let v = get(http, &nodes[0], "/api/v1/cluster").await?;
        let voters = v["nodes"]
            .as_array()?
            .iter()
            .filter(|n| n["raft_member"] == "voter")
            .count();
        (voters == 3).then_some(())
    })
    .await;
    nodes
}

/// Node ids whose health is `up` in the cluster view.
async fn up_nodes(http: &reqwest::Client, core: &NodeProcess) -> Vec<u64> {
    let Some(v) = get(http, core, "/api/v1/cluster").await else {
        return Vec::new();
    };
    v["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["health"] == "up")
        .filter_map(|n| n["id"].as_u64())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edge_nodes_scan_their_site_survive_kills_and_partitions_and_deliver_once() {
    let root = tempfile::tempdir().expect("tempdir");
    let http = reqwest::Client::new();
    let bin = Path::new(BIN);
    let db = database("pursight_edge", 3);
    let mut cores = three_cores(&http, root.path()).await;
    let seed = cores[0].mesh_addr.clone().expect("mesh");

    // An edge token names its site; `join --role` refuses a token for another role before
    // spending it.
    let core_token = cores[0]
        .join_token(&http, "core", 600)
        .await
        .expect("token");
    let wrong = NodeProcess::join_as(
        bin,
        &root.path().join("wrong"),
        &seed,
        &core_token,
        Some("edge"),
        SNAPSHOT_EVERY,
    );
    assert!(
        matches!(&wrong, Err(e) if e.to_string().contains("not spent")),
        "{:?}",
        wrong.err()
    );
    let mut edges = Vec::new();
    for (name, site) in [("edge-a", "plant-a"), ("edge-b", "plant-b")] {
        let token = cores[0]
            .join_token_in(&http, "edge", Some(site), 600)
            .await
            .expect("edge token");
        let mut e = NodeProcess::join_as(
            bin,
            &root.path().join(name),
            &seed,
            &token,
            Some("edge"),
            SNAPSHOT_EVERY,
        )
        .expect("edge join");
        e.fault_injection = true;
        e.start().await.expect("start edge");
        edges.push(e);
    }
    // Edge ids from the registry, by site.
    let view = eventually(Duration::from_secs(30), "edges up", || async {
        let v = get(&http, &cores[0], "/api/v1/cluster").await?;
        let up = v["nodes"]
            .as_array()?
            .iter()
            .filter(|n| n["role"] == "edge" && n["health"] == "up")
            .count();
        (up == 2).then_some(v)
    })
    .await;
    let edge_id = |site: &str| -> u64 {
        view["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|n| n["site"] == site)
            .and_then(|n| n["id"].as_u64())
            .expect("edge id")
    };
    let (edge_a, edge_b) = (edge_id("plant-a"), edge_id("plant-b"));
    assert!(
        view["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|n| n["role"] != "edge" || n["raft_member"] == "none"),
        "edge nodes are not Raft members: {view}"
    );
    // An edge node serves its status, and points elsewhere for the catalog.
    let st = edge_status(&http, &edges[0]).await.expect("edge status");
    assert_eq!(st["node_id"].as_u64(), Some(edge_a));
    let r = edges[0]
        .request(&http, Method::GET, "/api/v1/assets")
        .send()
        .await
        .expect("edge api");
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.json::<Value>().await.expect("json")["error"]["code"],
        "edge_node"
    );

    // 1. A source in plant-a is scanned on plant-a's edge node.
    add_source(
        &http,
        &cores[1],
        json!({"id": "erp_a", "uri": db.uri(), "site": "plant-a"}),
    )
    .await;
    let id = start_scan(&http, &cores[1], "erp_a").await;
    let done = wait_state(
        &http,
        &cores[2],
        &id,
        Duration::from_secs(60),
        |j| j["state"] == "done",
        "scan in site",
    )
    .await;
    assert_eq!(done["node"].as_u64(), Some(edge_a), "{done}");
    assert_eq!(done["placements"][0]["in_site"], true, "{done}");
    assert!(
        done["placements"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("same site")),
        "{done}"
    );
    // The catalog (on a core) has what the edge node found, with masked evidence only.
    let assets = eventually(Duration::from_secs(20), "cataloged tables", || async {
        let a = get(&http, &cores[0], "/api/v1/assets?source=erp_a").await?;
        (a.as_array()?.len() >= 4).then_some(a)
    })
    .await;
    let customers = assets
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["name"] == "customers")
        .expect("customers");
    assert_eq!(customers["scan_id"].as_str(), Some(id.as_str()));
    let text = customers.to_string();
    assert!(text.contains("EMAIL_ADDRESS"), "{text}");
    assert!(
        !text.contains("user17@example.com"),
        "raw values left the site"
    );
    // The core that applied the edge node's results checked its policies.
    eventually(
        Duration::from_secs(30),
        "findings of the edge scan",
        || async {
            let f = get(&http, &cores[0], "/api/v1/findings?source=erp_a").await?;
            (!f.as_array()?.is_empty()).then_some(())
        },
    )
    .await;

    // 2. The edge node killed mid-scan: under `preferred` the job moves on as attempt 2.
    // Its link is cut first, so some of its outputs are still in its outbox when it dies.
    let id = start_scan(&http, &cores[0], "erp_a").await;
    wait_state(
        &http,
        &cores[0],
        &id,
        Duration::from_secs(30),
        |j| j["state"] == "running" && j["node"].as_u64() == Some(edge_a),
        "running on the edge",
    )
    .await;
    for core in 1..=3u64 {
        edges[0].set_link(&http, core, true).await.expect("cut");
    }
    eventually(
        Duration::from_secs(30),
        "outputs held in the outbox",
        || async {
            let s = edge_status(&http, &edges[0]).await?;
            (s["outbox"].as_u64()? > 0).then_some(())
        },
    )
    .await;
    edges[0].kill9().expect("kill edge-a");
    let moved = wait_state(
        &http,
        &cores[0],
        &id,
        Duration::from_secs(90),
        |j| j["state"] == "done",
        "moved scan done",
    )
    .await;
    assert_eq!(moved["attempt"], 2, "{moved}");
    assert_ne!(moved["node"].as_u64(), Some(edge_a), "{moved}");
    let last = &moved["placements"][1];
    assert_eq!(last["in_site"], false, "{moved}");
    let reason = last["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("lease of node") && reason.contains("preferred residency"),
        "{reason}"
    );

    // 3. `strict`: with plant-a's only node down the job waits, and says why.
    add_source(
        &http,
        &cores[0],
        json!({"id": "erp_strict", "uri": db.uri(), "site": "plant-a", "residency": "strict"}),
    )
    .await;
    let strict = start_scan(&http, &cores[0], "erp_strict").await;
    let waiting = wait_state(
        &http,
        &cores[1],
        &strict,
        Duration::from_secs(30),
        |j| j["waiting"].is_string(),
        "strict wait",
    )
    .await;
    assert_eq!(waiting["state"], "queued", "{waiting}");
    assert!(
        waiting["waiting"]
            .as_str()
            .is_some_and(|w| w.contains("strict residency") && w.contains("plant-a")),
        "{waiting}"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    let still = job(&http, &cores[0], &strict).await.expect("job");
    assert_eq!(
        still["state"], "queued",
        "a strict scan left its site: {still}"
    );
    // The edge node comes back: the scan runs there, and the dead attempt's results that
    // were still in its outbox are refused, not applied.
    edges[0].start().await.expect("restart edge-a");
    let done = wait_state(
        &http,
        &cores[0],
        &strict,
        Duration::from_secs(60),
        |j| j["state"] == "done",
        "strict scan done",
    )
    .await;
    assert_eq!(done["node"].as_u64(), Some(edge_a), "{done}");
    assert!(done["waiting"].is_null(), "{done}");
    let st = eventually(Duration::from_secs(30), "stale outputs refused", || async {
        let s = edge_status(&http, &edges[0]).await?;
        (s["refused"].as_u64()? > 0 && s["outbox"].as_u64()? == 0).then_some(s)
    })
    .await;
    assert!(st["refused"].as_u64().is_some_and(|r| r >= 1), "{st}");

    // 4. Partition: plant-a's edge node cut off from every core finishes its scan into its
    // outbox; once the link heals the result is applied once.
    let part = start_scan(&http, &cores[0], "erp_strict").await;
    wait_state(
        &http,
        &cores[0],
        &part,
        Duration::from_secs(30),
        |j| j["state"] == "running" && j["node"].as_u64() == Some(edge_a),
        "running before the cut",
    )
    .await;
    for core in 1..=3u64 {
        edges[0].set_link(&http, core, true).await.expect("cut");
    }
    let cut = eventually(
        Duration::from_secs(60),
        "scan finished while cut off",
        || async {
            let s = edge_status(&http, &edges[0]).await?;
            let idle = s["running"].as_array()?.is_empty();
            (idle && s["outbox"].as_u64()? > 0 && s["last_error"].is_string()).then_some(s)
        },
    )
    .await;
    let held = cut["outbox"].as_u64().expect("outbox");
    // Meanwhile the cluster still waits for attempt 1: nothing arrived, nothing moved.
    let during = job(&http, &cores[1], &part).await.expect("job");
    assert_eq!(during["attempt"], 1, "{during}");
    assert_ne!(during["state"], "done", "{during}");
    let before = edge_status(&http, &edges[0]).await.expect("status");
    let count = |s: &Value, k: &str| s[k].as_u64().unwrap_or(0);
    edges[0].heal(&http).await.expect("heal");
    let done = wait_state(
        &http,
        &cores[2],
        &part,
        Duration::from_secs(60),
        |j| j["state"] == "done",
        "result after heal",
    )
    .await;
    assert_eq!(
        (done["node"].as_u64(), done["attempt"].as_u64()),
        (Some(edge_a), Some(1)),
        "{done}"
    );
    assert!(done["error"].is_null(), "{done}");
    let after = eventually(Duration::from_secs(20), "outbox drained", || async {
        let s = edge_status(&http, &edges[0]).await?;
        (s["outbox"].as_u64()? == 0).then_some(s)
    })
    .await;
    // Every held output was delivered once and applied, none refused (the cluster applies
    // an output once per job, attempt and sequence number; redeliveries are unit-tested).
    assert_eq!(
        count(&after, "delivered") - count(&before, "delivered"),
        held,
        "{after}"
    );
    assert_eq!(
        count(&after, "refused"),
        count(&before, "refused"),
        "{after}"
    );
    let tables = get(&http, &cores[0], "/api/v1/assets?source=erp_strict")
        .await
        .expect("assets");
    assert!(
        tables
            .as_array()
            .into_iter()
            .flatten()
            .all(|t| t["scan_id"].as_str() == Some(part.as_str())),
        "every table comes from the partitioned scan: {tables}"
    );

    // The cluster view shows sites, round trips and where the scans ran.
    let v = get(&http, &cores[0], "/api/v1/cluster")
        .await
        .expect("view");
    let sites: Vec<&str> = v["sites"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["site"].as_str())
        .collect();
    assert!(
        sites.contains(&"plant-a") && sites.contains(&"plant-b"),
        "{v}"
    );
    assert!(
        v["recent_scans"].as_array().is_some_and(|s| s.len() >= 4),
        "{v}"
    );
    let edge_b_view = v["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|n| n["id"].as_u64() == Some(edge_b))
        .expect("edge b");
    assert!(
        edge_b_view["report"]["sources"]
            .as_array()
            .is_some_and(|s| s.iter().any(|p| p["rtt_ms"].is_number())),
        "edge nodes report their round trips: {edge_b_view}"
    );
    let out = Command::new(BIN)
        .args([
            "--endpoint",
            &cores[0].url,
            "--token",
            &cores[0].token,
            "cluster",
            "status",
        ])
        .output()
        .expect("cluster status");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("source rtt ms") && text.contains("same site"),
        "{text}"
    );

    for n in cores.iter_mut().chain(edges.iter_mut()) {
        assert!(
            !n.log().contains("panicked"),
            "a node panicked:\n{}",
            n.log()
        );
        n.terminate().expect("stop");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_node_closest_to_the_source_gets_the_scan_on_round_trip_alone() {
    let root = tempfile::tempdir().expect("tempdir");
    let http = reqwest::Client::new();
    let db = database("pursight_rtt", 0);
    let mut cores = three_cores(&http, root.path()).await;
    // Every node reaches the database through the proxy; only node 2's connections pass
    // without delay (25 ms each way for the others).
    let proxy = DelayProxy::start(
        "127.0.0.1:5432".parse().expect("addr"),
        Duration::from_millis(25),
    )
    .await
    .expect("proxy");
    proxy.set_near(cores[1].pid().expect("pid"));
    add_source(
        &http,
        &cores[0],
        json!({"id": "far_db", "uri": db.uri_via(&proxy.addr.to_string())}),
    )
    .await;
    // Every node has measured it; node 2 is measurably closer.
    let rtts = eventually(Duration::from_secs(40), "round trips measured", || async {
        let v = get(&http, &cores[0], "/api/v1/cluster").await?;
        let mut rtts = Vec::new();
        for n in v["nodes"].as_array()? {
            let p = n["report"]["sources"]
                .as_array()?
                .iter()
                .find(|p| p["source"] == "far_db")?;
            rtts.push((n["id"].as_u64()?, p["rtt_ms"].as_f64()?));
        }
        (rtts.len() == 3).then_some(rtts)
    })
    .await;
    let near = rtts
        .iter()
        .find(|(id, _)| *id == 2)
        .map(|(_, r)| *r)
        .expect("node 2");
    assert!(
        rtts.iter().all(|(id, r)| *id == 2 || *r > near + 30.0),
        "node 2 is not measurably closer: {rtts:?}"
    );
    assert_eq!(up_nodes(&http, &cores[0]).await.len(), 3);
    for _ in 0..2 {
        let id = start_scan(&http, &cores[0], "far_db").await;
        let done = wait_state(
            &http,
            &cores[0],
            &id,
            Duration::from_secs(60),
            |j| j["state"] == "done",
            "scan",
        )
        .await;
        assert_eq!(done["node"].as_u64(), Some(2), "{done}");
        let reason = done["placements"][0]["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("rtt"), "{reason}");
    }
    for n in &mut cores {
        n.terminate().expect("stop");
    }
}
