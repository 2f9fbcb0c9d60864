//! `pursight cluster init|status|remove`, `pursight token create`, `pursight join`.

use anyhow::{Context, anyhow};
use reqwest::Method;
use serde_json::{Value, json};

use super::client::Client;
use super::{ClusterCmd, Format, Global, JoinArgs, TokenCmd, output, serve};
use crate::cluster::init::{InitOptions, init};
use crate::cluster::join::{JoinOptions, join};

fn client(g: &Global, what: &str) -> anyhow::Result<Client> {
    let endpoint = g.endpoint.as_deref().ok_or_else(|| {
        anyhow!("`{what}` talks to a running node: pass --endpoint (or set PURSIGHT_ENDPOINT)")
    })?;
    Client::new(endpoint, g.token.as_deref())
}

pub(super) async fn run_cluster(g: &Global, cmd: ClusterCmd) -> anyhow::Result<()> {
    match cmd {
        ClusterCmd::Init {
            name,
            out,
            mesh_listen,
            advertise,
            admin_listen,
            site,
        } => {
            let done = init(&InitOptions {
                name,
                out: out.clone(),
                mesh_listen,
                mesh_advertise: advertise,
                admin_listen,
                site,
            })?;
            match g.format {
                Format::Json => output::json(&done),
                Format::Table | Format::Md | Format::Html => {
                    println!("cluster created in {}", out.display());
                    println!("  config:          {}", done.config.display());
                    println!("  admin token:     {}", done.admin_token_file.display());
                    println!("  CA fingerprint:  {}", done.ca_fingerprint);
                    println!(
                        "start it with:     pursight node --config {}",
                        done.config.display()
                    );
                    Ok(())
                }
            }
        }
        ClusterCmd::Status => {
            let c = client(g, "cluster status")?;
            let view: Value = c.get("/cluster").await?;
            match g.format {
                Format::Json => output::json(&view),
                Format::Table | Format::Md | Format::Html => print_status(&view),
            }
        }
        ClusterCmd::Remove { node } => {
            let c = client(g, "cluster remove")?;
            c.send(Method::DELETE, &format!("/cluster/nodes/{node}"), None)
                .await?;
            println!("node {node} removed");
            Ok(())
        }
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn print_status(view: &Value) -> anyhow::Result<()> {
    println!(
        "cluster {}  leader {}  term {}  (asked node {}, {})",
        text(&view["name"]),
        text(&view["leader"]),
        text(&view["term"]),
        text(&view["node_id"]),
        if view["ready"].as_bool() == Some(true) {
            "ready"
        } else {
            "not ready"
        }
    );
    let mut t = output::table(&[
        "node", "role", "raft", "state", "health", "site", "applied", "term", "rtt ms", "jobs",
        "outbox", "mesh", "admin",
    ]);
    for n in view["nodes"].as_array().into_iter().flatten() {
        let s = &n["status"];
        let r = &n["report"];
        let jobs = match (r["running"].as_array(), r["capacity"].as_u64()) {
            (Some(running), Some(cap)) => format!("{}/{cap}", running.len()),
            _ => "-".into(),
        };
        t.add_row(vec![
            text(&n["id"]),
            text(&n["role"]),
            text(&n["raft_member"]),
            if s.is_null() {
                "unreachable".into()
            } else {
                text(&s["state"])
            },
            text(&n["health"]),
            text(&n["site"]),
            text(&s["last_applied"]),
            text(&s["term"]),
            n["rtt_ms"]
                .as_f64()
                .map(|r| format!("{r:.2}"))
                .unwrap_or_else(|| "-".into()),
            jobs,
            text(&r["outbox"]),
            text(&n["mesh_addr"]),
            text(&n["admin_addr"]),
        ]);
    }
    println!("{t}");
    print_proximity(view);
    print_placements(view);
    Ok(())
}

/// Each node's measured round trip to each source (ms), sources in rows.
fn print_proximity(view: &Value) {
    let nodes: Vec<&Value> = view["nodes"].as_array().into_iter().flatten().collect();
    let mut sources: Vec<String> = nodes
        .iter()
        .flat_map(|n| n["report"]["sources"].as_array().into_iter().flatten())
        .filter_map(|p| p["source"].as_str().map(String::from))
        .collect();
    sources.sort();
    sources.dedup();
    if sources.is_empty() {
        return;
    }
    let mut header = vec!["source rtt ms".to_string()];
    header.extend(nodes.iter().map(|n| format!("node {}", text(&n["id"]))));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = output::table(&header);
    for src in &sources {
        let mut row = vec![src.clone()];
        for n in &nodes {
            let p = n["report"]["sources"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["source"].as_str() == Some(src));
            row.push(match p {
                Some(p) => p["rtt_ms"]
                    .as_f64()
                    .map(|r| format!("{r:.2}"))
                    .unwrap_or_else(|| "unreachable".into()),
                None => "-".into(),
            });
        }
        t.add_row(row);
    }
    println!("{t}");
}

/// Where the recent scans ran, or why they wait.
fn print_placements(view: &Value) {
    let scans: Vec<&Value> = view["recent_scans"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    if scans.is_empty() {
        return;
    }
    let mut t = output::table(&["scan", "source", "state", "node", "attempt", "why"]);
    for s in scans {
        let why = if s["waiting"].is_null() {
            s["placements"]
                .as_array()
                .and_then(|p| p.last())
                .map(|p| text(&p["reason"]))
                .unwrap_or_else(|| "-".into())
        } else {
            format!("waiting: {}", text(&s["waiting"]))
        };
        t.add_row(vec![
            text(&s["id"]),
            text(&s["source"]),
            text(&s["state"]),
            text(&s["node"]),
            text(&s["attempt"]),
            why,
        ]);
    }
    println!("{t}");
}

pub(super) async fn run_token(g: &Global, cmd: TokenCmd) -> anyhow::Result<()> {
    let TokenCmd::Create {
        join: _,
        role,
        ttl,
        site,
    } = cmd;
    let c = client(g, "token create")?;
    let role: pursight_mesh::Role = role.into();
    let (_, issued) = c
        .send(
            Method::POST,
            "/tokens",
            Some(json!({"kind": "join", "role": role, "ttl_secs": ttl.as_secs(), "site": site})),
        )
        .await?;
    match g.format {
        Format::Json => output::json(&issued),
        Format::Table | Format::Md | Format::Html => {
            // The token alone on stdout, so `T=$(pursight token create --join)` works.
            println!("{}", text(&issued["token"]));
            eprintln!(
                "join token for a {} node, single use, expires in {}s",
                text(&issued["role"]),
                ttl.as_secs()
            );
            Ok(())
        }
    }
}

pub(super) async fn run_join(g: &Global, args: JoinArgs) -> anyhow::Result<()> {
    let dir = g
        .data
        .clone()
        .ok_or_else(|| anyhow!("`join` needs --data DIR: the folder for the new node"))?;
    let config = join(&JoinOptions {
        token: args.token,
        seed: args.seed.clone(),
        dir: dir.clone(),
        mesh_listen: args.mesh_listen,
        mesh_advertise: args.advertise,
        admin_listen: args.admin_listen,
        site: args.site,
        role: args.role.map(Into::into),
    })
    .await
    .with_context(|| format!("joining through {}", args.seed))?;
    eprintln!("joined: config in {}", config.display());
    if args.no_start {
        println!("start it with: pursight node --config {}", config.display());
        return Ok(());
    }
    serve::run_node(&config, false).await
}
