//! The cluster as an edge node's actors see it: no replicated state, a cache of what the
//! last sync brought (its jobs, their sources, the catalog's fingerprints), and an outbox
//! that every scan output goes to.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use pursight_actors::cluster::{ClusterError, KnownTable, OutputAck, ScanSink};
use pursight_actors::domain::{ScanJob, ScanOutput, Source, now_ms};
use tokio::sync::Notify;

use super::outbox::Outbox;
use super::wire::{EdgeSyncReply, OutboxItem};

/// What the last syncs told this edge node.
#[derive(Default)]
struct Cache {
    jobs: HashMap<String, ScanJob>,
    sources: HashMap<String, Source>,
    known: HashMap<String, Vec<KnownTable>>,
    /// Attempts the cluster refused an output of: their scans stop.
    superseded: HashSet<(String, u32)>,
}

/// An edge node's [`ScanSink`] (it holds no catalog, so it is no `Catalog`).
pub struct EdgeLink {
    id: u64,
    outbox: Arc<Outbox>,
    cache: Mutex<Cache>,
    /// Wakes the deliverer when an output is waiting.
    pub(super) delivery: Notify,
}

impl EdgeLink {
    pub fn new(id: u64, outbox: Arc<Outbox>) -> EdgeLink {
        EdgeLink {
            id,
            outbox,
            cache: Mutex::new(Cache::default()),
            delivery: Notify::new(),
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// Takes in a sync's answer; returns the assigned jobs.
    pub fn absorb(&self, reply: EdgeSyncReply) -> Vec<ScanJob> {
        let mut cache = self.cache();
        cache.sources = reply
            .sources
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
        for job in reply.jobs {
            cache.jobs.insert(job.id.clone(), job);
        }
        let mut assigned = Vec::new();
        for a in reply.assignments {
            cache.sources.insert(a.source.id.clone(), a.source);
            cache.known.insert(a.job.source.clone(), a.known);
            cache.jobs.insert(a.job.id.clone(), a.job.clone());
            assigned.push(a.job);
        }
        assigned
    }

    /// Every source the cluster knows, for the prober.
    pub fn sources(&self) -> Vec<Source> {
        self.cache().sources.values().cloned().collect()
    }

    /// Jobs worth asking about: those this node holds or has outputs of.
    pub fn watched(&self, running: &[(String, u32)]) -> Vec<String> {
        let cache = self.cache();
        let mut ids: Vec<String> = running.iter().map(|(j, _)| j.clone()).collect();
        ids.extend(self.outbox.pending_jobs().into_iter().map(|(j, _)| j));
        ids.extend(
            cache
                .jobs
                .values()
                .filter(|j| !j.state.is_terminal())
                .map(|j| j.id.clone()),
        );
        ids.sort();
        ids.dedup();
        ids
    }

    /// Drops what no longer matters: ended jobs nobody runs and that have no outputs left.
    pub fn prune(&self, running: &[(String, u32)]) {
        let pending = self.outbox.pending_jobs();
        let mut cache = self.cache();
        cache.jobs.retain(|id, j| {
            !j.state.is_terminal()
                || running.iter().any(|(r, _)| r == id)
                || pending.iter().any(|(p, _)| p == id)
        });
        let jobs: HashSet<String> = cache.jobs.keys().cloned().collect();
        cache.superseded.retain(|(id, _)| jobs.contains(id));
    }

    /// The cluster refused an output of `job`'s attempt: that scan stops.
    pub fn supersede(&self, job: &str, attempt: u32) {
        self.cache().superseded.insert((job.to_string(), attempt));
    }

    fn is_superseded(&self, job: &str, attempt: u32) -> Option<String> {
        let cache = self.cache();
        if cache.superseded.contains(&(job.to_string(), attempt)) {
            return Some(format!(
                "scan `{job}` attempt {attempt}: the cluster refused its results"
            ));
        }
        let current = cache.jobs.get(job)?;
        if current.attempt != attempt || current.node != Some(self.id) {
            return Some(format!(
                "scan `{job}` attempt {attempt} was superseded by attempt {}",
                current.attempt
            ));
        }
        current
            .state
            .is_terminal()
            .then(|| format!("scan `{job}` is {}", current.state))
    }
}

impl ScanSink for EdgeLink {
    fn scan_output(
        &self,
        job: &str,
        attempt: u32,
        seq: u64,
        output: ScanOutput,
    ) -> BoxFuture<'_, Result<OutputAck, ClusterError>> {
        let item = OutboxItem {
            job: job.to_string(),
            attempt,
            seq,
            output,
            at_ms: now_ms(),
        };
        let superseded = self.is_superseded(job, attempt);
        Box::pin(async move {
            if let Some(why) = superseded {
                return Ok(OutputAck::Superseded(why));
            }
            self.outbox
                .push(&item)
                .await
                .map_err(|e| ClusterError::Storage(e.to_string()))?;
            self.delivery.notify_one();
            Ok(OutputAck::Applied)
        })
    }

    fn first_seq(&self, job: &ScanJob) -> u64 {
        let applied = self
            .cache()
            .jobs
            .get(&job.id)
            .filter(|j| j.attempt == job.attempt)
            .map_or(0, |j| j.applied_seq);
        let written = self.outbox.max_seq(&job.id, job.attempt);
        match applied.max(written) {
            0 => 0,
            last => last.saturating_add(pursight_actors::cluster::RERUN_SEQ_MARGIN),
        }
    }

    fn source(&self, id: &str) -> Result<Option<Source>, ClusterError> {
        Ok(self.cache().sources.get(id).cloned())
    }

    fn known_tables(&self, source: &str) -> Result<Vec<KnownTable>, ClusterError> {
        Ok(self.cache().known.get(source).cloned().unwrap_or_default())
    }

    fn scan(&self, id: &str) -> Result<Option<ScanJob>, ClusterError> {
        let cache = self.cache();
        let Some(job) = cache.jobs.get(id) else {
            return Ok(None);
        };
        let mut job = job.clone();
        // A refused attempt reads as cancelled, so its scan stops at the next table.
        if cache.superseded.contains(&(job.id.clone(), job.attempt)) {
            job.state = pursight_actors::domain::ScanState::Cancelled;
        }
        Ok(Some(job))
    }

    fn node_id(&self) -> u64 {
        self.id
    }
}
