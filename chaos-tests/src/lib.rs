//! Drives real `pursight` processes the way an operator does: write a config, start the
//! binary, wait until `/readyz` answers, talk HTTP, `kill -9`, restart.
//!
//! The binary comes from `PURSIGHT_BIN` or the path the caller passes (tests in the node
//! crate pass `CARGO_BIN_EXE_pursight`).

pub mod checks;
pub mod history;
pub mod linearizable;
pub mod nemesis;
pub mod proxy;
pub mod run;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Why a node process could not be driven.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("node did not become ready within {0:?}; its log:\n{1}")]
    NotReady(Duration, String),
    #[error("http: {0}")]
    Http(#[from] reqwest::Error),
    #[error("`pursight {0}` failed: {1}")]
    Command(String, String),
}

/// A free loopback port (bound then released; good enough for tests on one machine).
pub fn free_port() -> Result<u16, HarnessError> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One `pursight node` process with its own data folder and config.
pub struct NodeProcess {
    bin: PathBuf,
    dir: PathBuf,
    child: Option<Child>,
    /// Base URL of the admin endpoint.
    pub url: String,
    /// The admin bearer token.
    pub token: String,
    /// The QUIC mesh address, for clustered nodes.
    pub mesh_addr: Option<String>,
    /// Start with `--test-fault-injection`.
    pub fault_injection: bool,
}

/// Runs a `pursight` command to completion; its stderr is the error on failure.
pub fn run_cli(bin: &Path, args: &[&str]) -> Result<String, HarnessError> {
    let out = Command::new(bin).args(args).output()?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(HarnessError::Command(
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ))
    }
}

/// Sets the snapshot cadence in a generated `node.toml`.
fn tune_snapshots(dir: &Path, snapshot_every: u64, keep: u64) -> Result<(), HarnessError> {
    let path = dir.join("node.toml");
    let text = std::fs::read_to_string(&path)?;
    let tuned: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("snapshot_every =") {
                format!("snapshot_every = {snapshot_every}")
            } else if l.starts_with("keep_after_snapshot =") {
                format!("keep_after_snapshot = {keep}")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&path, tuned.join("\n") + "\n")?;
    Ok(())
}

impl NodeProcess {
    /// Writes a config for a one-node cluster in `dir` (data in `dir/data`) that snapshots
    /// (and purges its log) every `snapshot_every` entries.
    pub fn configure(bin: &Path, dir: &Path, snapshot_every: u64) -> Result<Self, HarnessError> {
        let port = free_port()?;
        let token = format!("test-token-{port:05}-0123456789");
        std::fs::create_dir_all(dir)?;
        std::fs::write(
            dir.join("node.toml"),
            format!(
                "version = 1\nnode_id = 1\ndata_dir = \"data\"\n\n[admin]\nlisten = \"127.0.0.1:{port}\"\ntoken = \"{token}\"\n\n[raft]\nsnapshot_every = {snapshot_every}\nkeep_after_snapshot = 50\n"
            ),
        )?;
        Ok(Self {
            bin: bin.to_path_buf(),
            dir: dir.to_path_buf(),
            child: None,
            url: format!("http://127.0.0.1:{port}"),
            token,
            mesh_addr: None,
            fault_injection: false,
        })
    }

    /// `pursight cluster init` into `dir`: the first node of a new cluster (not started).
    pub fn init_cluster(
        bin: &Path,
        dir: &Path,
        name: &str,
        snapshot_every: u64,
    ) -> Result<Self, HarnessError> {
        let (admin, mesh) = (free_port()?, free_port()?);
        let (admin, mesh) = (format!("127.0.0.1:{admin}"), format!("127.0.0.1:{mesh}"));
        let out = dir.to_string_lossy().into_owned();
        run_cli(
            bin,
            &[
                "cluster",
                "init",
                "--name",
                name,
                "--out",
                &out,
                "--mesh-listen",
                &mesh,
                "--admin-listen",
                &admin,
            ],
        )?;
        Self::clustered(bin, dir, &admin, mesh, snapshot_every)
    }

    /// `pursight join --no-start` into `dir` through `seed` (a mesh address) with a join
    /// token: the node gets its certificate and config but is not started.
    pub fn join(
        bin: &Path,
        dir: &Path,
        seed: &str,
        join_token: &str,
        snapshot_every: u64,
    ) -> Result<Self, HarnessError> {
        Self::join_as(bin, dir, seed, join_token, None, snapshot_every)
    }

    /// `join` with `--role` (the role the token must be for: `edge` for an edge node).
    pub fn join_as(
        bin: &Path,
        dir: &Path,
        seed: &str,
        join_token: &str,
        role: Option<&str>,
        snapshot_every: u64,
    ) -> Result<Self, HarnessError> {
        let (admin, mesh) = (free_port()?, free_port()?);
        let (admin, mesh) = (format!("127.0.0.1:{admin}"), format!("127.0.0.1:{mesh}"));
        let data = dir.to_string_lossy().into_owned();
        let mut args = vec![
            "--data",
            &data,
            "join",
            "--token",
            join_token,
            "--seed",
            seed,
            "--mesh-listen",
            &mesh,
            "--admin-listen",
            &admin,
            "--no-start",
        ];
        if let Some(role) = role {
            args.extend(["--role", role]);
        }
        run_cli(bin, &args)?;
        Self::clustered(bin, dir, &admin, mesh, snapshot_every)
    }

    /// A node `cluster init` or `join` wrote into `dir`, tuned for tests.
    fn clustered(
        bin: &Path,
        dir: &Path,
        admin: &str,
        mesh: String,
        snapshot_every: u64,
    ) -> Result<Self, HarnessError> {
        tune_snapshots(dir, snapshot_every, snapshot_every / 4)?;
        let token = std::fs::read_to_string(dir.join("admin.token"))?
            .trim()
            .to_string();
        Ok(Self {
            bin: bin.to_path_buf(),
            dir: dir.to_path_buf(),
            child: None,
            url: format!("http://{admin}"),
            token,
            mesh_addr: Some(mesh),
            fault_injection: false,
        })
    }

    /// Asks this node for a join token (`role`: core or replica).
    pub async fn join_token(
        &self,
        http: &reqwest::Client,
        role: &str,
        ttl_secs: u64,
    ) -> Result<String, HarnessError> {
        self.join_token_in(http, role, None, ttl_secs).await
    }

    /// A join token for `role` in `site` (an edge node's token names its site).
    pub async fn join_token_in(
        &self,
        http: &reqwest::Client,
        role: &str,
        site: Option<&str>,
        ttl_secs: u64,
    ) -> Result<String, HarnessError> {
        let v: serde_json::Value = self
            .request(http, reqwest::Method::POST, "/api/v1/tokens")
            .json(&serde_json::json!({"kind": "join", "role": role, "ttl_secs": ttl_secs, "site": site}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(v["token"].as_str().unwrap_or_default().to_string())
    }

    /// The node's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the process runs (as far as this harness started it).
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    fn log_path(&self) -> PathBuf {
        self.dir.join("node.log")
    }

    /// Starts the process and waits until `/readyz` says ready.
    pub async fn start(&mut self) -> Result<(), HarnessError> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())?;
        // With setpriv, a node dies with the harness however the harness dies (even
        // `kill -9`): no process is left behind.
        let setpriv = Path::new("/usr/bin/setpriv");
        let mut cmd = if setpriv.exists() {
            let mut c = Command::new(setpriv);
            c.args(["--pdeathsig", "KILL", "--"]).arg(&self.bin);
            c
        } else {
            Command::new(&self.bin)
        };
        cmd.arg("node")
            .arg("--config")
            .arg(self.dir.join("node.toml"))
            .arg("--log")
            .arg("info");
        if self.fault_injection {
            cmd.arg("--test-fault-injection");
        }
        let child = cmd.stdout(Stdio::null()).stderr(log).spawn()?;
        self.child = Some(child);
        let timeout = Duration::from_secs(30);
        let started = Instant::now();
        let http = reqwest::Client::new();
        while started.elapsed() < timeout {
            if let Ok(r) = http.get(format!("{}/readyz", self.url)).send().await
                && r.status().is_success()
            {
                return Ok(());
            }
            if let Some(c) = self.child.as_mut()
                && c.try_wait()?.is_some()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(HarnessError::NotReady(timeout, self.log()))
    }

    /// SIGSTOP (`resume` sends SIGCONT): the process freezes without dying.
    pub fn pause(&self) -> Result<(), HarnessError> {
        self.signal("-STOP")
    }

    /// SIGCONT after `pause`.
    pub fn resume(&self) -> Result<(), HarnessError> {
        self.signal("-CONT")
    }

    fn signal(&self, sig: &str) -> Result<(), HarnessError> {
        if let Some(pid) = self.pid() {
            Command::new("kill")
                .arg(sig)
                .arg(pid.to_string())
                .status()?;
        }
        Ok(())
    }

    /// Deletes the node's data folder (its identity and config stay): it must rejoin from
    /// the others. Only while it is stopped.
    pub fn wipe_data(&self) -> Result<(), HarnessError> {
        let data = self.dir.join("data");
        if data.exists() {
            std::fs::remove_dir_all(&data)?;
        }
        Ok(())
    }

    /// The node id in its `node.toml`.
    pub fn node_id(&self) -> Option<u64> {
        let text = std::fs::read_to_string(self.dir.join("node.toml")).ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix("node_id = "))
            .and_then(|v| v.trim().parse().ok())
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Cuts (or, with `drop = false`, restores) this node's mesh link to `peer`, in both
    /// directions as this node sees them (needs `--test-fault-injection`).
    pub async fn set_link(
        &self,
        http: &reqwest::Client,
        peer: u64,
        drop: bool,
    ) -> Result<(), HarnessError> {
        self.request(http, reqwest::Method::PUT, "/api/v1/test/faults")
            .json(&serde_json::json!({"peer": peer, "drop": drop, "delay_ms": 0, "loss": 0.0}))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    /// Clears every injected fault of this node.
    pub async fn heal(&self, http: &reqwest::Client) -> Result<(), HarnessError> {
        self.request(http, reqwest::Method::DELETE, "/api/v1/test/faults")
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    /// The process's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// `kill -9`: no chance to flush or clean up.
    pub fn kill9(&mut self) -> Result<(), HarnessError> {
        if let Some(mut c) = self.child.take() {
            c.kill()?;
            c.wait()?;
        }
        Ok(())
    }

    /// SIGTERM and wait: a clean stop.
    pub fn terminate(&mut self) -> Result<(), HarnessError> {
        if let Some(mut c) = self.child.take() {
            Command::new("kill")
                .arg("-TERM")
                .arg(c.id().to_string())
                .status()?;
            c.wait()?;
        }
        Ok(())
    }

    /// An authenticated GET whose JSON body is returned (any status).
    pub async fn get_json(
        &self,
        http: &reqwest::Client,
        path: &str,
    ) -> Result<serde_json::Value, HarnessError> {
        Ok(self
            .request(http, reqwest::Method::GET, path)
            .send()
            .await?
            .json()
            .await?)
    }

    /// Registers a source through the API (201 expected).
    pub async fn add_source(
        &self,
        http: &reqwest::Client,
        id: &str,
        uri: &str,
    ) -> Result<(), HarnessError> {
        let r = self
            .request(http, reqwest::Method::POST, "/api/v1/sources")
            .json(&serde_json::json!({"id": id, "uri": uri}))
            .send()
            .await?;
        if r.status() != reqwest::StatusCode::CREATED {
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            return Err(HarnessError::Command(
                format!("add source {id}"),
                format!("{status}: {body}"),
            ));
        }
        Ok(())
    }

    /// Queues a scan of `source` and polls until it is done; a failed or cancelled scan,
    /// or one still running after 30 s, is an error.
    pub async fn scan_and_wait(
        &self,
        http: &reqwest::Client,
        source: &str,
        force: bool,
    ) -> Result<serde_json::Value, HarnessError> {
        let job: serde_json::Value = self
            .request(http, reqwest::Method::POST, "/api/v1/scans")
            .json(&serde_json::json!({"source": source, "force": force}))
            .send()
            .await?
            .json()
            .await?;
        let id = job["id"].as_str().unwrap_or_default().to_string();
        for _ in 0..600 {
            let j = self.get_json(http, &format!("/api/v1/scans/{id}")).await?;
            match j["state"].as_str() {
                Some("done") => return Ok(j),
                Some("failed") | Some("cancelled") => {
                    return Err(HarnessError::Command(
                        format!("scan {source}"),
                        j.to_string(),
                    ));
                }
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        Err(HarnessError::Command(
            format!("scan {source}"),
            "still running after 30 s".into(),
        ))
    }

    /// An authenticated request builder.
    pub fn request(
        &self,
        http: &reqwest::Client,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        http.request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.token)
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.kill9();
    }
}

/// Polls `f` until it returns `Some`, every 100 ms; panics after `timeout` naming `what`
/// (a test helper).
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(started.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A database on the local PostgreSQL server for one test, dropped (`WITH (FORCE)`) when
/// this value is.
pub struct PgDatabase {
    pub name: String,
}

impl PgDatabase {
    /// Creates `<prefix>_<pid>_<random>` and runs `setup` in it.
    pub fn create(prefix: &str, setup: &str) -> Result<PgDatabase, HarnessError> {
        let name = format!(
            "{prefix}_{}_{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        psql("postgres", &format!("CREATE DATABASE {name}"))?;
        let db = PgDatabase { name };
        psql(&db.name, setup)?;
        Ok(db)
    }

    /// Its URI on the local server.
    pub fn uri(&self) -> String {
        self.uri_via("127.0.0.1:5432")
    }

    /// Its URI through another address (a proxy).
    pub fn uri_via(&self, host: &str) -> String {
        format!("postgres://postgres@{host}/{}", self.name)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let _ = psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

/// Runs SQL on the local PostgreSQL server (127.0.0.1:5432, user `postgres`, trust auth)
/// through `psql`, stopping at the first error.
pub fn psql(db: &str, sql: &str) -> Result<(), HarnessError> {
    let out = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", db])
        .args(["-v", "ON_ERROR_STOP=1", "-qc", sql])
        .output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(HarnessError::Command(
            format!("psql -d {db}"),
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ))
    }
}

/// The first value `sql` returns on the local PostgreSQL server, as text.
pub fn psql_value(db: &str, sql: &str) -> Result<String, HarnessError> {
    let out = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", db])
        .args(["-v", "ON_ERROR_STOP=1", "-tAc", sql])
        .output()?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(HarnessError::Command(
            format!("psql -d {db}"),
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ))
    }
}

/// Polls `sql` on the local PostgreSQL server until it returns `want` (server statistics
/// and background work land asynchronously); `false` after `timeout`.
pub async fn psql_until(db: &str, sql: &str, want: &str, timeout: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if psql_value(db, sql).is_ok_and(|v| v == want) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// Runs SQL on the local MariaDB server (127.0.0.1:3306, `root` without password).
pub fn mariadb(sql: &str) -> Result<(), HarnessError> {
    let out = Command::new("mariadb")
        .args(["-h", "127.0.0.1", "-u", "root", "-e", sql])
        .output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(HarnessError::Command(
            "mariadb".into(),
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ))
    }
}
