//! Three real `pursight` processes on loopback form a cluster: `cluster init`, two joins,
//! writes through a follower read back linearizably elsewhere, `kill -9` of the leader, a
//! new leader taking writes, and the killed node catching up by snapshot. Join tokens are
//! single use and expire; a peer from another CA gets nothing.

use std::path::Path;
use std::time::{Duration, Instant};

use pursight_chaos::{NodeProcess, eventually, run_cli};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_pursight");
/// Small, so a node that misses a few dozen writes must catch up from a snapshot.
const SNAPSHOT_EVERY: u64 = 40;

async fn cluster_view(http: &reqwest::Client, node: &NodeProcess) -> Option<Value> {
    let r = node
        .request(http, Method::GET, "/api/v1/cluster")
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .ok()?;
    r.json().await.ok()
}

async fn add_source(
    http: &reqwest::Client,
    node: &NodeProcess,
    id: &str,
) -> Result<StatusCode, reqwest::Error> {
    let r = node
        .request(http, Method::POST, "/api/v1/sources")
        .json(&json!({"id": id, "uri": "file:///nonexistent/pursight-test"}))
        .timeout(Duration::from_secs(15))
        .send()
        .await?;
    Ok(r.status())
}

fn voters(view: &Value) -> usize {
    view["nodes"]
        .as_array()
        .map(|n| n.iter().filter(|n| n["raft_member"] == "voter").count())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_replicate_fail_over_and_catch_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let http = reqwest::Client::new();
    let bin = Path::new(BIN);

    let mut n1 = NodeProcess::init_cluster(bin, &dir.path().join("n1"), "e2e", SNAPSHOT_EVERY)
        .expect("init");
    n1.fault_injection = true;
    n1.start().await.expect("start n1");
    let seed = n1.mesh_addr.clone().expect("mesh addr");

    let mut nodes = vec![n1];
    for name in ["n2", "n3"] {
        let token = nodes[0]
            .join_token(&http, "core", 600)
            .await
            .expect("token");
        let mut n = NodeProcess::join(bin, &dir.path().join(name), &seed, &token, SNAPSHOT_EVERY)
            .expect("join");
        n.fault_injection = true;
        n.start().await.expect("start joined node");
        nodes.push(n);
    }
    eventually(Duration::from_secs(60), "three voters", || async {
        let v = cluster_view(&http, &nodes[0]).await?;
        (voters(&v) == 3).then_some(())
    })
    .await;

    // A write through a follower, read back linearizably on the third node.
    let view = cluster_view(&http, &nodes[0]).await.expect("view");
    let leader = view["leader"].as_u64().expect("leader") as usize;
    let follower = (0..3).find(|i| i + 1 != leader).expect("follower");
    let third = (0..3)
        .find(|i| i + 1 != leader && *i != follower)
        .expect("third");
    assert_eq!(
        add_source(&http, &nodes[follower], "via_follower")
            .await
            .expect("write"),
        StatusCode::CREATED
    );
    // Read-your-writes: the follower that took the write serves it locally at once.
    let own = nodes[follower]
        .request(&http, Method::GET, "/api/v1/sources/via_follower")
        .send()
        .await
        .expect("local read");
    assert_eq!(
        own.status(),
        StatusCode::OK,
        "the writer's node sees its write"
    );
    let r = nodes[third]
        .request(
            &http,
            Method::GET,
            "/api/v1/sources/via_follower?consistency=linearizable",
        )
        .send()
        .await
        .expect("read");
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "linearizable read on node {}",
        third + 1
    );
    let bad = nodes[third]
        .request(&http, Method::GET, "/api/v1/sources?consistency=sometimes")
        .send()
        .await
        .expect("read");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // The cluster view names every node with its own applied index and an RTT.
    let view = cluster_view(&http, &nodes[third]).await.expect("view");
    for n in view["nodes"].as_array().expect("nodes") {
        assert!(n["status"]["last_applied"].is_u64(), "{n}");
        assert_eq!(n["health"], "up", "{n}");
    }

    // kill -9 the leader; the others elect a new one and take writes again.
    let old = leader - 1;
    nodes[old].kill9().expect("kill");
    let survivor = (0..3).find(|i| *i != old).expect("survivor");
    let failover = Instant::now();
    eventually(
        Duration::from_secs(30),
        "a write after failover",
        || async {
            let s = add_source(&http, &nodes[survivor], "after_failover")
                .await
                .ok()?;
            // A retry of a write that committed before its answer got lost says conflict.
            (s == StatusCode::CREATED || s == StatusCode::CONFLICT).then_some(())
        },
    )
    .await;
    eprintln!(
        "failover: first write accepted {:?} after kill -9",
        failover.elapsed()
    );
    let view = cluster_view(&http, &nodes[survivor]).await.expect("view");
    let new_leader = view["leader"].as_u64().expect("new leader");
    assert_ne!(new_leader as usize, leader, "a new leader");

    // Enough writes while it is down that the log it needs is purged: it must install a
    // snapshot to catch up.
    for i in 0..(3 * SNAPSHOT_EVERY) {
        let s = add_source(&http, &nodes[survivor], &format!("while_down_{i}"))
            .await
            .expect("write");
        assert_eq!(s, StatusCode::CREATED);
    }
    let view = cluster_view(&http, &nodes[survivor]).await.expect("view");
    let target = view["raft"]["last_applied"].as_u64().expect("applied");
    assert!(
        view["raft"]["purged_index"].as_u64().unwrap_or(0) > 0,
        "log purged: {view}"
    );

    nodes[old].start().await.expect("restart the old leader");
    eventually(
        Duration::from_secs(60),
        "the restarted node to catch up",
        || async {
            let v = cluster_view(&http, &nodes[old]).await?;
            let applied = v["raft"]["last_applied"].as_u64()?;
            (applied >= target).then_some(())
        },
    )
    .await;
    let sources: Value = nodes[old]
        .get_json(&http, "/api/v1/sources")
        .await
        .expect("local read");
    let ids: Vec<&str> = sources
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(ids.contains(&"via_follower") && ids.contains(&"after_failover"));
    let down = ids.iter().filter(|i| i.starts_with("while_down_")).count();
    assert_eq!(
        down as u64,
        3 * SNAPSHOT_EVERY,
        "every write made while it was down"
    );
    let log = nodes[old].log();
    assert!(
        log.to_lowercase().contains("snapshot"),
        "expected a snapshot install in the restarted node's log"
    );

    // Join tokens: single use and expiring; refusals are logged by the seed.
    let leader_now = cluster_view(&http, &nodes[survivor]).await.expect("view")["leader"]
        .as_u64()
        .expect("leader") as usize;
    let seed_node = &nodes[leader_now - 1];
    let seed = seed_node.mesh_addr.clone().expect("mesh");
    let token = seed_node
        .join_token(&http, "replica", 600)
        .await
        .expect("token");
    let mut n4 = NodeProcess::join(bin, &dir.path().join("n4"), &seed, &token, SNAPSHOT_EVERY)
        .expect("first use of a token");
    let reused = NodeProcess::join(bin, &dir.path().join("n5"), &seed, &token, SNAPSHOT_EVERY);
    let err = reused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("already used"), "reused token: {err}");
    let short = seed_node
        .join_token(&http, "replica", 1)
        .await
        .expect("token");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let expired = NodeProcess::join(bin, &dir.path().join("n6"), &seed, &short, SNAPSHOT_EVERY);
    let err = expired.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("expired"), "expired token: {err}");
    let garbage = run_cli(
        bin,
        &[
            "--data",
            &dir.path().join("n7").to_string_lossy(),
            "join",
            "--token",
            "psj1.nope",
            "--seed",
            &seed,
        ],
    );
    assert!(garbage.is_err());
    let seed_log = seed_node.log();
    assert!(seed_log.contains("refused join"), "seed logs refusals");
    assert!(seed_log.contains("already used") && seed_log.contains("expired"));

    // The replica joins as a learner and gets the state.
    n4.start().await.expect("start replica");
    eventually(
        Duration::from_secs(60),
        "the replica to be a learner",
        || async {
            let v = cluster_view(&http, &nodes[survivor]).await?;
            let n = v["nodes"]
                .as_array()?
                .iter()
                .find(|n| n["id"] == 4)?
                .clone();
            (n["raft_member"] == "learner" && n["role"] == "replica").then_some(())
        },
    )
    .await;

    // Removing the replica takes it out of the Raft group and marks it removed.
    let r = nodes[survivor]
        .request(&http, Method::DELETE, "/api/v1/cluster/nodes/4")
        .send()
        .await
        .expect("remove");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let v = cluster_view(&http, &nodes[survivor]).await.expect("view");
    let n = v["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["id"] == 4)
        .cloned()
        .expect("node 4 still listed");
    assert_eq!(n["raft_member"], "none");
    assert_eq!(n["health"], "removed");
    n4.kill9().expect("stop replica");
    let r = nodes[survivor]
        .request(&http, Method::DELETE, "/api/v1/cluster/nodes/99")
        .send()
        .await
        .expect("remove unknown");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // A partition through the test-only fault injection: the leader cut off from both
    // peers loses its leadership to them; healing brings it back as a follower.
    let view = cluster_view(&http, &nodes[survivor]).await.expect("view");
    let cut = view["leader"].as_u64().expect("leader") as usize - 1;
    let others: Vec<usize> = (0..3).filter(|i| *i != cut).collect();
    for (from, to) in others
        .iter()
        .map(|o| (cut, *o))
        .chain(others.iter().map(|o| (*o, cut)))
    {
        let r = nodes[from]
            .request(&http, Method::PUT, "/api/v1/test/faults")
            .json(&json!({"peer": to + 1, "drop": true, "delay_ms": 0, "loss": 0.0}))
            .send()
            .await
            .expect("inject");
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    eventually(
        Duration::from_secs(30),
        "a write on the majority side",
        || async {
            let s = add_source(&http, &nodes[others[0]], "during_partition")
                .await
                .ok()?;
            (s == StatusCode::CREATED || s == StatusCode::CONFLICT).then_some(())
        },
    )
    .await;
    let majority_leader = cluster_view(&http, &nodes[others[1]]).await.expect("view")["leader"]
        .as_u64()
        .expect("leader") as usize
        - 1;
    assert_ne!(
        majority_leader, cut,
        "the isolated node does not lead the majority"
    );
    for n in &nodes {
        let r = n
            .request(&http, Method::DELETE, "/api/v1/test/faults")
            .send()
            .await
            .expect("heal");
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    let r = nodes[cut]
        .request(
            &http,
            Method::GET,
            "/api/v1/sources/during_partition?consistency=linearizable",
        )
        .send()
        .await
        .expect("read after heal");
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the healed node sees the majority's write"
    );

    // Nothing panicked anywhere.
    for n in &nodes {
        assert!(!n.log().contains("panicked"), "{}", n.log());
    }
}

/// A process holding a certificate from another cluster's CA is refused by the mesh, and
/// the refusal is in the node's log; the node keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_from_another_ca_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let http = reqwest::Client::new();
    let bin = Path::new(BIN);
    let mut n1 =
        NodeProcess::init_cluster(bin, &dir.path().join("good"), "good", 1000).expect("init");
    n1.start().await.expect("start");
    // A second cluster's node 1 (never started): same id, wrong CA.
    let other =
        NodeProcess::init_cluster(bin, &dir.path().join("evil"), "evil", 1000).expect("init");
    let identity =
        pursight_mesh::Identity::load(&other.dir().join("tls")).expect("foreign identity");
    let mesh = pursight_mesh::Mesh::start(
        pursight_mesh::MeshConfig::new("127.0.0.1:0".parse().expect("addr")),
        identity,
        std::sync::Arc::new(Nothing),
    )
    .await
    .expect("foreign mesh");
    let addr = n1.mesh_addr.clone().expect("mesh").parse().expect("addr");
    mesh.set_peer(1, addr);
    let res = mesh.call(1, &(), Duration::from_secs(3)).await;
    assert!(res.is_err(), "a foreign certificate got an answer");
    mesh.shutdown().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = n1.log();
    assert!(
        log.contains("refused") || log.contains("certificate"),
        "the refusal is logged:\n{log}"
    );
    let v = cluster_view(&http, &n1).await.expect("still serving");
    assert_eq!(v["ready"], true);
    // Fault injection does not exist without the test flag.
    let r = n1
        .request(&http, Method::GET, "/api/v1/test/faults")
        .send()
        .await
        .expect("GET");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// A service that answers nothing of interest: the foreign peer only needs to dial.
struct Nothing;

impl pursight_mesh::Service for Nothing {
    type Request = ();
    type Response = ();
    type JoinRequest = ();
    type JoinResponse = ();

    async fn handle(&self, _from: u64, _req: ()) {}

    async fn join(&self, _remote: std::net::SocketAddr, _req: ()) -> Result<(), String> {
        Err("no".into())
    }
}
