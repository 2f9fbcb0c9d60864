//! How close this node is to each source: the scheduler places scans by it.
//!
//! A network source is probed with a TCP connect and, where the protocol makes it cheap, one
//! request/reply of the database's own handshake (PostgreSQL answers an `SSLRequest` with
//! one byte, MySQL/MariaDB greets first). A bare TCP connect completes in the kernel of the
//! first hop (a proxy, a load balancer), so it would miss most of the path; the reply
//! crosses all of it. Several probes, the fastest kept, smoothed over time. A file or
//! SQLite source is "near" exactly when its path exists on this node.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::registry::SourceProximity;
use pursight_actors::domain::{Millis, Source, SourceKind, now_ms};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Probes per measurement; the fastest counts (queueing only ever adds time).
const PROBES: usize = 3;
/// Longest one probe may take before the host counts as unreachable.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// Weight of a new measurement in the smoothed round trip.
const ALPHA: f64 = 0.5;
/// How often a source is measured again.
pub const REPROBE_EVERY: Duration = Duration::from_secs(30);
/// Sources probed at once.
const PARALLEL: usize = 16;

/// Where a probe goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Tcp {
        host: String,
        port: u16,
        kind: SourceKind,
    },
    Path(std::path::PathBuf),
}

/// The probe target of a source, from its URI.
pub fn target(source: &Source) -> Result<Target, String> {
    let url = url::Url::parse(&source.uri).map_err(|e| format!("uri: {e}"))?;
    match source.kind {
        SourceKind::Sqlite | SourceKind::Files => {
            let path = percent_encoding::percent_decode_str(url.path())
                .decode_utf8_lossy()
                .into_owned();
            Ok(Target::Path(path.into()))
        }
        kind => {
            let host = url
                .host_str()
                .filter(|h| !h.is_empty())
                .ok_or("the URI has no host")?
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string();
            let port = url.port().unwrap_or(match kind {
                SourceKind::Postgres => 5432,
                SourceKind::Mysql => 3306,
                _ => 27017,
            });
            Ok(Target::Tcp { host, port, kind })
        }
    }
}

/// One probe: the time to the server's first reply (or to the connect, for protocols
/// without a cheap one).
async fn probe_once(host: &str, port: u16, kind: SourceKind) -> Result<Duration, String> {
    let start = Instant::now();
    let mut stream = TcpStream::connect((host, port))
        .await
        .map_err(|e| e.to_string())?;
    let _ = stream.set_nodelay(true);
    let mut byte = [0u8; 1];
    match kind {
        SourceKind::Postgres => {
            // SSLRequest: length 8, code 80877103; the server answers `S` or `N`.
            stream
                .write_all(&[0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])
                .await
                .map_err(|e| e.to_string())?;
            stream
                .read_exact(&mut byte)
                .await
                .map_err(|e| e.to_string())?;
        }
        SourceKind::Mysql => {
            stream
                .read_exact(&mut byte)
                .await
                .map_err(|e| e.to_string())?;
        }
        _ => {}
    }
    Ok(start.elapsed())
}

async fn measure(target: &Target) -> Result<f64, String> {
    match target {
        Target::Path(p) => match tokio::fs::metadata(p).await {
            Ok(_) => Ok(0.0),
            Err(e) => Err(format!("{}: {e}", p.display())),
        },
        Target::Tcp { host, port, kind } => {
            let mut best: Option<Duration> = None;
            let mut last_err = String::new();
            for _ in 0..PROBES {
                match tokio::time::timeout(PROBE_TIMEOUT, probe_once(host, *port, *kind)).await {
                    Ok(Ok(d)) => best = Some(best.map_or(d, |b| b.min(d))),
                    Ok(Err(e)) => last_err = e,
                    Err(_) => last_err = format!("no answer within {PROBE_TIMEOUT:?}"),
                }
            }
            best.map(|d| d.as_secs_f64() * 1000.0)
                .ok_or_else(|| format!("{host}:{port}: {last_err}"))
        }
    }
}

#[derive(Clone, Debug)]
struct Entry {
    uri: String,
    rtt_ms: Option<f64>,
    error: Option<String>,
    probed_at_ms: Millis,
}

/// This node's measurements, shared by the probing loop and the heartbeat.
#[derive(Clone, Default)]
pub struct Prober {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
}

impl Prober {
    /// What was measured, for the heartbeat.
    pub fn report(&self) -> Vec<SourceProximity> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<SourceProximity> = entries
            .iter()
            .map(|(id, e)| SourceProximity {
                source: id.clone(),
                rtt_ms: e.rtt_ms,
                error: e.error.clone(),
                probed_at_ms: e.probed_at_ms,
            })
            .collect();
        out.sort_by(|a, b| a.source.cmp(&b.source));
        out
    }

    /// Probes the sources not measured in the last [`REPROBE_EVERY`] (or whose URI
    /// changed), forgets removed ones.
    pub async fn probe(&self, sources: &[Source]) {
        let now = now_ms();
        let due: Vec<Source> = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.retain(|id, _| sources.iter().any(|s| s.id == *id));
            sources
                .iter()
                .filter(|s| {
                    entries.get(&s.id).is_none_or(|e| {
                        e.uri != s.uri
                            || now.saturating_sub(e.probed_at_ms)
                                >= REPROBE_EVERY.as_millis() as u64
                    })
                })
                .cloned()
                .collect()
        };
        for chunk in due.chunks(PARALLEL) {
            let results = futures::future::join_all(chunk.iter().map(|s| async move {
                let r = match target(s) {
                    Ok(t) => measure(&t).await,
                    Err(e) => Err(e),
                };
                (s, r)
            }))
            .await;
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            for (s, r) in results {
                let old = entries.get(&s.id).filter(|e| e.uri == s.uri).cloned();
                let entry = match r {
                    Ok(ms) => Entry {
                        uri: s.uri.clone(),
                        rtt_ms: Some(match old.and_then(|o| o.rtt_ms) {
                            Some(prev) => prev * (1.0 - ALPHA) + ms * ALPHA,
                            None => ms,
                        }),
                        error: None,
                        probed_at_ms: now_ms(),
                    },
                    Err(e) => {
                        tracing::debug!(source = %s.id, error = %e, "source unreachable from here");
                        Entry {
                            uri: s.uri.clone(),
                            rtt_ms: None,
                            error: Some(e),
                            probed_at_ms: now_ms(),
                        }
                    }
                };
                metrics::gauge!("pursight_source_rtt_seconds", "source" => s.id.clone())
                    .set(entry.rtt_ms.map_or(-1.0, |ms| ms / 1000.0));
                entries.insert(s.id.clone(), entry);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(kind: SourceKind, uri: &str) -> Source {
        Source {
            id: "s".into(),
            kind,
            uri: uri.into(),
            site: None,
            residency: Default::default(),
            schedule: None,
            created_at_ms: 0,
            sample: None,
            sealed_password: None,
        }
    }

    #[test]
    fn targets_come_from_the_uri_with_default_ports() {
        assert_eq!(
            target(&source(
                SourceKind::Postgres,
                "postgres://u@db.plant:6543/erp"
            )),
            Ok(Target::Tcp {
                host: "db.plant".into(),
                port: 6543,
                kind: SourceKind::Postgres
            })
        );
        assert!(matches!(
            target(&source(SourceKind::Mysql, "mysql://root@[::1]/shop")),
            Ok(Target::Tcp { ref host, port: 3306, .. }) if host == "::1"
        ));
        assert_eq!(
            target(&source(SourceKind::Files, "file:///srv/share%20x")),
            Ok(Target::Path("/srv/share x".into()))
        );
        assert!(target(&source(SourceKind::Postgres, "postgres:///db")).is_err());
    }

    #[tokio::test]
    async fn unreachable_hosts_and_missing_paths_are_reported_not_measured() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("port");
        let p = Prober::default();
        let mut a = source(
            SourceKind::Postgres,
            &format!("postgres://127.0.0.1:{port}/x"),
        );
        a.id = "closed".into();
        let mut b = source(SourceKind::Files, "file:///definitely/not/here");
        b.id = "missing".into();
        let mut c = source(SourceKind::Files, "file:///");
        c.id = "root".into();
        p.probe(&[a, b, c]).await;
        let r = p.report();
        assert_eq!(r.len(), 3);
        assert!(r[0].rtt_ms.is_none() && r[0].error.is_some(), "{r:?}");
        assert!(r[1].rtt_ms.is_none() && r[1].error.is_some(), "{r:?}");
        assert_eq!(r[2].rtt_ms, Some(0.0));
    }
}
