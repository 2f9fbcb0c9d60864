//! An edge node's outbox: scan outputs written to sled (and flushed) before the scan takes
//! them as done, removed only once a core node answered for them. A WAN outage or a restart
//! in between loses nothing; a delivery whose answer was lost is sent again and the cluster
//! applies it once (by job, attempt and sequence number).

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::wire::OutboxItem;
use crate::state::codec::{decode, encode};

/// Why the outbox could not take or give an item.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("outbox storage: {0}")]
    Storage(#[from] sled::Error),
    #[error("outbox record: {0}")]
    Codec(#[from] crate::state::codec::CodecError),
    #[error("outbox flush: {0}")]
    Flush(String),
}

/// The outbox, in tree `outbox` keyed by a big-endian sequence (delivery order).
pub struct Outbox {
    db: sled::Db,
    tree: sled::Tree,
    next: AtomicU64,
    /// Items per (job, attempt) still waiting: those jobs' leases are renewed.
    pending: Mutex<BTreeMap<(String, u32), u64>>,
    /// The highest output number written per (job, attempt).
    max_seq: Mutex<HashMap<(String, u32), u64>>,
}

impl Outbox {
    pub fn open(db: &sled::Db) -> Result<Outbox, OutboxError> {
        let tree = db.open_tree("outbox")?;
        let next = match tree.last()? {
            Some((k, _)) => key_of(&k).saturating_add(1),
            None => 1,
        };
        let mut pending = BTreeMap::new();
        let mut max_seq: HashMap<(String, u32), u64> = HashMap::new();
        for kv in tree.iter() {
            let (_, v) = kv?;
            let item: OutboxItem = decode(&v)?;
            let seq = max_seq.entry((item.job.clone(), item.attempt)).or_default();
            *seq = (*seq).max(item.seq);
            *pending.entry((item.job, item.attempt)).or_default() += 1;
        }
        Ok(Outbox {
            db: db.clone(),
            tree,
            next: AtomicU64::new(next),
            pending: Mutex::new(pending),
            max_seq: Mutex::new(max_seq),
        })
    }

    /// Flushes sled on a blocking thread (sled buffers writes for up to 500 ms otherwise).
    async fn flush(&self) -> Result<(), OutboxError> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || db.flush())
            .await
            .map_err(|e| OutboxError::Flush(e.to_string()))??;
        Ok(())
    }

    /// Stores an item durably; returns once it is on disk.
    pub async fn push(&self, item: &OutboxItem) -> Result<(), OutboxError> {
        let bytes = encode(item)?;
        let k = (item.job.clone(), item.attempt);
        // Counted before the item can be seen (and acknowledged) by the deliverer.
        {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            *pending.entry(k.clone()).or_default() += 1;
            let mut max = self.max_seq.lock().unwrap_or_else(|e| e.into_inner());
            let seq = max.entry(k.clone()).or_default();
            *seq = (*seq).max(item.seq);
        }
        let key = self.next.fetch_add(1, Ordering::SeqCst);
        if let Err(e) = self.tree.insert(key.to_be_bytes(), bytes) {
            self.forget(&k);
            return Err(e.into());
        }
        self.flush().await?;
        metrics::gauge!("pursight_edge_outbox_items").increment(1.0);
        Ok(())
    }

    fn forget(&self, k: &(String, u32)) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = pending.get_mut(k) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                pending.remove(k);
            }
        }
    }

    /// The highest output number written for (job, attempt) (since start, or still in the
    /// outbox): a rerun of the attempt numbers after it.
    pub fn max_seq(&self, job: &str, attempt: u32) -> u64 {
        let max = self.max_seq.lock().unwrap_or_else(|e| e.into_inner());
        max.get(&(job.to_string(), attempt)).copied().unwrap_or(0)
    }

    /// The oldest items, at most `max_items` and about `max_bytes` (at least one).
    pub fn peek(
        &self,
        max_items: usize,
        max_bytes: usize,
    ) -> Result<Vec<(u64, OutboxItem)>, OutboxError> {
        let mut out = Vec::new();
        let mut bytes = 0usize;
        for kv in self.tree.iter() {
            let (k, v) = kv?;
            if !out.is_empty() && (out.len() >= max_items || bytes + v.len() > max_bytes) {
                break;
            }
            bytes += v.len();
            out.push((key_of(&k), decode(&v)?));
        }
        Ok(out)
    }

    /// Forgets delivered items (the cluster answered for them).
    pub async fn ack(&self, items: &[(u64, OutboxItem)]) -> Result<(), OutboxError> {
        for (key, _) in items {
            self.tree.remove(key.to_be_bytes())?;
        }
        self.flush().await?;
        for (_, item) in items {
            self.forget(&(item.job.clone(), item.attempt));
        }
        metrics::gauge!("pursight_edge_outbox_items").set(self.tree.len() as f64);
        Ok(())
    }

    /// Items waiting.
    pub fn len(&self) -> u64 {
        self.tree.len() as u64
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }

    /// The (job, attempt) pairs with items waiting.
    pub fn pending_jobs(&self) -> Vec<(String, u32)> {
        let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.keys().cloned().collect()
    }
}

fn key_of(k: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    let n = k.len().min(8);
    b[8 - n..].copy_from_slice(&k[k.len() - n..]);
    u64::from_be_bytes(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pursight_actors::domain::{ScanOutput, ScanProgress, ScanState};

    fn item(job: &str, seq: u64) -> OutboxItem {
        OutboxItem {
            job: job.into(),
            attempt: 1,
            seq,
            output: ScanOutput::State {
                state: ScanState::Running,
                progress: ScanProgress::default(),
                error: None,
            },
            at_ms: seq,
        }
    }

    #[tokio::test]
    async fn items_survive_a_reopen_in_order_until_acknowledged() {
        let dir = tempfile::TempDir::new().expect("dir");
        {
            let db = sled::open(dir.path()).expect("open");
            let ob = Outbox::open(&db).expect("outbox");
            for seq in 1..=5 {
                ob.push(&item(if seq < 4 { "a" } else { "b" }, seq))
                    .await
                    .expect("push");
            }
            let first = ob.peek(2, usize::MAX).expect("peek");
            assert_eq!(first.iter().map(|(_, i)| i.seq).collect::<Vec<_>>(), [1, 2]);
            ob.ack(&first).await.expect("ack");
            assert_eq!(ob.len(), 3);
        }
        // The process dies here; the rest is on disk.
        let db = crate::raft::testing::reopen(dir.path()).await;
        let ob = Outbox::open(&db).expect("outbox");
        assert_eq!(
            ob.pending_jobs(),
            [("a".to_string(), 1), ("b".to_string(), 1)]
        );
        let rest = ob.peek(10, 1).expect("peek");
        assert_eq!(rest.len(), 1, "the byte budget still lets one through");
        let rest = ob.peek(10, usize::MAX).expect("peek");
        assert_eq!(
            rest.iter().map(|(_, i)| i.seq).collect::<Vec<_>>(),
            [3, 4, 5]
        );
        ob.push(&item("c", 6)).await.expect("push after reopen");
        let all = ob.peek(10, usize::MAX).expect("peek");
        assert_eq!(all.last().map(|(_, i)| i.seq), Some(6), "new items go last");
        ob.ack(&all).await.expect("ack");
        assert_eq!((ob.len(), ob.pending_jobs().len()), (0, 0));
    }
}
