//! Running a node with its admin endpoint until SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;

use crate::config::NodeConfig;
use crate::node::{ClusterOptions, Node, NodeOptions};
use crate::raft::RaftSettings;

/// `pursight node --config FILE`.
pub(super) async fn run_node(config: &Path, fault_injection: bool) -> anyhow::Result<()> {
    let cfg = NodeConfig::load(config)?;
    let mut opts = NodeOptions::new(&cfg.file.data_dir);
    opts.node_id = cfg.file.node_id;
    opts.advertise = cfg.listen.to_string();
    if let (Some(c), Some(m), Some((mesh_listen, advertise))) =
        (&cfg.file.cluster, &cfg.file.mesh, &cfg.mesh)
    {
        opts.advertise = advertise.clone();
        opts.cluster = Some(ClusterOptions {
            name: c.name.clone(),
            role: c.role,
            site: c.site.clone(),
            bootstrap: c.bootstrap,
            // Validated when the config was loaded.
            peers: c
                .peers
                .iter()
                .filter_map(|p| Some((p.id, p.addr.parse().ok()?)))
                .collect(),
            mesh_listen: *mesh_listen,
            tls_dir: m.tls_dir.clone(),
            admin_addr: cfg.listen.to_string(),
            admin_token: cfg.token.clone(),
            fault_injection,
        });
    } else if fault_injection {
        anyhow::bail!("--test-fault-injection needs a clustered node ([cluster] and [mesh])");
    }
    if fault_injection {
        tracing::warn!("fault injection is ON: this node is for tests only");
    }
    opts.cache_mb = cfg.file.storage.cache_mb;
    let r = &cfg.file.raft;
    opts.raft = RaftSettings {
        snapshot_every: r.snapshot_every,
        keep_after_snapshot: r.keep_after_snapshot,
        heartbeat_ms: r.heartbeat_ms,
        election_min_ms: r.election_min_ms,
        election_max_ms: r.election_max_ms,
    };
    opts.scan.sample_rows = cfg.file.scan.sample_rows;
    opts.scan.workers = cfg.file.scan.workers;
    opts.scan.queue_limit = cfg.file.scan.queue;
    if opts
        .cluster
        .as_ref()
        .is_some_and(|c| c.role == pursight_mesh::Role::Edge)
    {
        let edge = crate::edge::EdgeNode::start(opts).await?;
        tracing::info!(node_id = cfg.file.node_id, "edge node started");
        let listener = tokio::net::TcpListener::bind(cfg.listen)
            .await
            .with_context(|| format!("cannot listen on {}", cfg.listen))?;
        let addr = listener.local_addr()?;
        eprintln!(
            "pursight edge node {} ready: http://{addr} (data in {})",
            cfg.file.node_id,
            cfg.file.data_dir.display()
        );
        let app = crate::api::edge::router(edge.clone(), &cfg.token);
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        edge.shutdown().await;
        return Ok(());
    }
    let node = Node::start(opts).await?;
    tracing::info!(node_id = cfg.file.node_id, data = %cfg.file.data_dir.display(), "node started");
    serve(node, cfg.listen, &cfg.token, |addr| {
        eprintln!(
            "pursight node {} ready: http://{addr} (data in {})",
            cfg.file.node_id,
            cfg.file.data_dir.display()
        );
    })
    .await
}

/// Serves the admin endpoint on `listen` until a shutdown signal, then stops the node.
pub(super) async fn serve(
    node: Arc<Node>,
    listen: SocketAddr,
    token: &str,
    on_ready: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    on_ready(addr);
    let app = crate::api::router(node.clone(), token);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    node.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
