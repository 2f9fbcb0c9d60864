//! A TCP proxy that delays traffic, for making one database "far" from some nodes.
//!
//! Every node on this machine reaches the source at the same address, so the proxy tells
//! them apart by process: the peer's socket is looked up in `/proc/net/tcp*` and matched
//! to the file descriptors of the processes listed as near (Linux only; elsewhere every
//! connection counts as far). Near connections pass straight through; far ones have every
//! chunk held for `delay` in each direction, so a request/reply costs `2 × delay` more.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// A running proxy; stops when dropped.
pub struct DelayProxy {
    pub addr: SocketAddr,
    near: Arc<Mutex<HashSet<u32>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for DelayProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl DelayProxy {
    /// Listens on a free loopback port and forwards to `target`.
    pub async fn start(target: SocketAddr, delay: Duration) -> std::io::Result<DelayProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let near: Arc<Mutex<HashSet<u32>>> = Arc::default();
        let near_in = near.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, peer)) = listener.accept().await {
                let near = near_in.lock().map(|n| n.clone()).unwrap_or_default();
                tokio::spawn(async move {
                    let far = !peer_is(peer, &near);
                    let Ok(server) = TcpStream::connect(target).await else {
                        return;
                    };
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    let d = if far { delay } else { Duration::ZERO };
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    tokio::join!(pump(cr, sw, d), pump(sr, cw, d));
                });
            }
        });
        Ok(DelayProxy { addr, near, task })
    }

    /// Connections from process `pid` pass without delay.
    pub fn set_near(&self, pid: u32) {
        if let Ok(mut n) = self.near.lock() {
            n.insert(pid);
        }
    }
}

/// Copies `from` to `to`, each chunk `delay` late (latency, not throughput).
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    delay: Duration,
) {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let writer = async move {
        while let Some((due, chunk)) = rx.recv().await {
            tokio::time::sleep_until(due).await;
            if to.write_all(&chunk).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    };
    let reader = async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match from.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx
                        .send((Instant::now() + delay, buf[..n].to_vec()))
                        .is_err()
                    {
                        break;
                    }
                }
            }
        }
    };
    tokio::join!(reader, writer);
}

/// Whether the socket at `peer` (a local address) belongs to one of `pids`.
fn peer_is(peer: SocketAddr, pids: &HashSet<u32>) -> bool {
    if pids.is_empty() {
        return false;
    }
    let Some(inode) = socket_inode(peer) else {
        return false;
    };
    let wanted = format!("socket:[{inode}]");
    pids.iter().any(|pid| {
        std::fs::read_dir(format!("/proc/{pid}/fd"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| l.to_string_lossy() == wanted))
    })
}

/// The inode of the TCP socket bound to `addr`, from `/proc/net/tcp` (IPv4 loopback).
fn socket_inode(addr: SocketAddr) -> Option<String> {
    let SocketAddr::V4(v4) = addr else {
        return None;
    };
    // /proc/net/tcp prints the address as the u32 in host byte order, in hex.
    let ip = u32::from_ne_bytes(v4.ip().octets());
    let local = format!("{ip:08X}:{:04X}", v4.port());
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    table.lines().skip(1).find_map(|line| {
        let cols: Vec<&str> = line.split_whitespace().collect();
        (cols.get(1) == Some(&local.as_str()))
            .then(|| cols.get(9).map(|s| s.to_string()))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn far_connections_are_delayed_and_near_ones_are_not() {
        let echo = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let target = echo.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((mut s, _)) = echo.accept().await {
                tokio::spawn(async move {
                    let mut b = [0u8; 1];
                    while s.read_exact(&mut b).await.is_ok() {
                        if s.write_all(&b).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        // Wide margins: a loaded machine may add tens of ms to a loopback round trip.
        let proxy = DelayProxy::start(target, Duration::from_millis(150))
            .await
            .expect("proxy");
        let round_trip = |addr| async move {
            let mut s = TcpStream::connect(addr).await.expect("connect");
            let t = std::time::Instant::now();
            s.write_all(b"x").await.expect("write");
            let mut b = [0u8; 1];
            s.read_exact(&mut b).await.expect("read");
            t.elapsed()
        };
        assert!(round_trip(proxy.addr).await >= Duration::from_millis(300));
        // This test process is near: its connections pass at once.
        proxy.set_near(std::process::id());
        assert!(round_trip(proxy.addr).await < Duration::from_millis(150));
    }
}
