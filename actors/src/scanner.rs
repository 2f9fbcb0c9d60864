//! The scanner actor: runs one scan job at a time. It opens the source, lists its tables,
//! samples each one, has the classifier classify the samples, profiles them, hands the
//! table to the cluster and reports progress. Raw values never leave this node's memory.

use std::sync::Arc;
use std::time::{Duration, Instant};

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use ractor::factory::queues::DefaultQueue;
use ractor::factory::routing::QueuerRouting;
use ractor::factory::{
    DiscardHandler, DiscardMode, DiscardReason, DiscardSettings, Factory, FactoryArguments,
    FactoryMessage, Job, Worker, WorkerBuilder, WorkerId,
};
use ractor::{ActorProcessingErr, ActorRef};

use crate::classifier::{Classified, ClassifierMsg, ClassifyError, ColumnValues, classify};
use crate::cluster::{OutputAck, ScanSink};
use crate::connectors::{ColumnSchema, ConnectorRegistry, TableRef, TableScan};
use crate::domain::{
    Column, Profile, SampleSize, ScanJob, ScanOutput, ScanProgress, ScanState, TableAsset, now_ms,
};
use crate::policy::PolicyMsg;
use crate::profile::profile;
use crate::supervisor::SupervisorMsg;

/// How scans sample and report.
#[derive(Clone, Debug)]
pub struct ScanSettings {
    /// Rows sampled per table (uniformly when the table is larger), unless the source
    /// sets its own sample size.
    pub sample_rows: usize,
    /// Shortest time between two progress updates written to the cluster.
    pub progress_every: Duration,
    /// Scans that run at once on this node.
    pub workers: usize,
    /// Scans that may wait for a worker; more are refused.
    pub queue_limit: usize,
    /// Longest one table (or the listing) may take before the scan gives up on it: a hung
    /// connection or mount must not hold a worker forever.
    pub table_timeout: Duration,
}

impl Default for ScanSettings {
    fn default() -> Self {
        Self {
            sample_rows: 1000,
            progress_every: Duration::from_millis(500),
            workers: 2,
            queue_limit: 64,
            table_timeout: Duration::from_secs(30 * 60),
        }
    }
}

/// The other actors a scan talks to, handed over with each job so that a restarted peer is
/// always the current one.
#[derive(Clone)]
pub struct Pipeline {
    /// Classifies sampled columns.
    pub classifier: ActorRef<ClassifierMsg>,
    /// Checks what a scan cataloged (core nodes; an edge node has no catalog to check).
    pub policy: Option<ActorRef<PolicyMsg>>,
}

/// A scan for the pool: the job and the actors it talks to.
pub struct ScanRequest {
    pub job: ScanJob,
    pub pipeline: Pipeline,
}

/// Messages of the scanner pool (a `ractor::factory` of scan workers).
pub type ScannerMsg = FactoryMessage<String, ScanRequest>;

/// What every scan worker shares.
pub struct ScannerArgs {
    pub cluster: Arc<dyn ScanSink>,
    pub registry: ConnectorRegistry,
    pub settings: ScanSettings,
    pub supervisor: ActorRef<SupervisorMsg>,
}

/// The scanner pool: `settings.workers` workers behind a queue of at most
/// `settings.queue_limit` waiting scans; a scan beyond that is refused (failed with the
/// reason) instead of piling up.
pub type ScannerPool = Factory<String, ScanRequest, (), ScanWorker, PoolRouting, PoolQueue>;

type PoolRouting = QueuerRouting<String, ScanRequest>;
type PoolQueue = DefaultQueue<String, ScanRequest>;
/// What the pool is spawned with.
pub type ScannerPoolArgs =
    FactoryArguments<String, ScanRequest, (), ScanWorker, PoolRouting, PoolQueue>;

/// The pool and its arguments, ready to spawn.
pub fn scanner_pool(args: ScannerArgs) -> (ScannerPool, ScannerPoolArgs) {
    let workers = args.settings.workers.max(1);
    let limit = args.settings.queue_limit;
    let shared = Arc::new(args);
    let factory_args = FactoryArguments::builder()
        .worker_builder(Box::new(ScanWorkerBuilder {
            shared: shared.clone(),
        }) as Box<dyn WorkerBuilder<ScanWorker, ()>>)
        .num_initial_workers(workers)
        .router(QueuerRouting::default())
        .queue(DefaultQueue::default())
        .discard_handler(
            Arc::new(QueueFull { shared }) as Arc<dyn DiscardHandler<String, ScanRequest>>
        )
        .discard_settings(DiscardSettings::Static {
            limit,
            mode: DiscardMode::Newest,
        })
        .build();
    (ScannerPool::default(), factory_args)
}

struct ScanWorkerBuilder {
    shared: Arc<ScannerArgs>,
}

impl WorkerBuilder<ScanWorker, ()> for ScanWorkerBuilder {
    fn build(&mut self, _wid: WorkerId) -> (ScanWorker, ()) {
        (
            ScanWorker {
                shared: self.shared.clone(),
            },
            (),
        )
    }
}

/// Fails a scan the full queue had to refuse (backpressure), saying why.
struct QueueFull {
    shared: Arc<ScannerArgs>,
}

impl DiscardHandler<String, ScanRequest> for QueueFull {
    fn discard(&self, reason: DiscardReason, job: &mut Job<String, ScanRequest>) {
        let shared = self.shared.clone();
        let scan = job.msg.job.clone();
        let why = match reason {
            DiscardReason::Loadshed => format!(
                "refused: {} scans are already waiting on this node; try again later",
                shared.settings.queue_limit
            ),
            other => format!("refused by the scanner pool ({other:?})"),
        };
        tokio::spawn(async move {
            crate::supervisor::fail_job(shared.cluster.as_ref(), &scan, &why).await;
            let _ = shared.supervisor.cast(SupervisorMsg::ScanEnded {
                job_id: scan.id.clone(),
                attempt: scan.attempt,
            });
        });
    }
}

/// One worker of the scanner pool: runs one scan at a time.
pub struct ScanWorker {
    shared: Arc<ScannerArgs>,
}

impl Worker for ScanWorker {
    type Key = String;
    type Message = ScanRequest;
    type Arguments = ();
    type State = ();

    async fn pre_start(
        &self,
        _wid: WorkerId,
        _factory: &ActorRef<ScannerMsg>,
        _args: (),
    ) -> Result<(), ActorProcessingErr> {
        Ok(())
    }

    async fn handle(
        &self,
        _wid: WorkerId,
        _factory: &ActorRef<ScannerMsg>,
        job: Job<String, ScanRequest>,
        _state: &mut (),
    ) -> Result<String, ActorProcessingErr> {
        let st = self.shared.as_ref();
        let ScanRequest {
            job: scan,
            pipeline,
        } = job.msg;
        let running = metrics::gauge!("pursight_scans_running");
        running.increment(1.0);
        let mut run = ScanRun {
            cluster: st.cluster.as_ref(),
            job: &scan,
            seq: st.cluster.first_seq(&scan),
            superseded: false,
            progress: ScanProgress::default(),
            last_report: Instant::now(),
            settings: &st.settings,
        };
        // A panic in a connector (a driver bug, a hostile file) fails this scan with its
        // message; the worker, the pool and the node carry on.
        let outcome = AssertUnwindSafe(run.execute(&st.registry, &pipeline))
            .catch_unwind()
            .await;
        running.decrement(1.0);
        let outcome = match outcome {
            Ok(o) => o,
            Err(panic) => {
                let reason = panic_message(panic.as_ref());
                tracing::error!(job = %scan.id, %reason, "scan panicked");
                // The supervisor counts the crash before anyone can see the job failed.
                let _ = st.supervisor.cast(SupervisorMsg::ScanCrashed {
                    job_id: scan.id.clone(),
                    attempt: scan.attempt,
                    reason: reason.clone(),
                });
                crate::supervisor::fail_job(
                    st.cluster.as_ref(),
                    &scan,
                    &format!("scanner crashed: {reason}"),
                )
                .await;
                return Ok(job.key);
            }
        };
        let (state, error) = match outcome {
            Err(e) if e == CANCELLED || run.superseded => {
                // The cancel command already made the job terminal, or the job moved to
                // another attempt (this node's lease lapsed): nothing more to report.
                metrics::counter!("pursight_scans_total", "state" => "cancelled").increment(1);
                let _ = st.supervisor.cast(SupervisorMsg::ScanEnded {
                    job_id: scan.id.clone(),
                    attempt: scan.attempt,
                });
                return Ok(job.key);
            }
            Ok(failures) if failures.is_empty() => (ScanState::Done, None),
            Ok(failures) => (
                ScanState::Done,
                Some(format!(
                    "{} table(s) could not be read: {}",
                    failures.len(),
                    failures.join("; ")
                )),
            ),
            Err(e) => (ScanState::Failed, Some(e)),
        };
        metrics::counter!("pursight_scans_total", "state" => state.to_string()).increment(1);
        run.report(state, error).await;
        let _ = st.supervisor.cast(SupervisorMsg::ScanEnded {
            job_id: scan.id.clone(),
            attempt: scan.attempt,
        });
        Ok(job.key)
    }
}

/// The text of a panic payload.
fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic without a message".into())
}

/// How this build reads and classifies tables, in the skip fingerprint: bump it when a
/// change alters what a scan of an unchanged table would catalog (the version alone does
/// not move between releases), so every table is read once more after the upgrade.
/// 2: one document flattener for JSON files and MongoDB.
const CATALOG_REVISION: u32 = 2;

/// The outcome of a scan stopped by a user.
const CANCELLED: &str = "cancelled";
/// How long a scan waits for the policy check of what it cataloged.
const POLICY_CHECK_TIMEOUT_MS: u64 = 120_000;

struct ScanRun<'a> {
    cluster: &'a dyn ScanSink,
    job: &'a ScanJob,
    /// The last output number of this attempt.
    seq: u64,
    /// The cluster refused an output: the job was cancelled or given to another attempt.
    superseded: bool,
    progress: ScanProgress,
    last_report: Instant,
    settings: &'a ScanSettings,
}

impl ScanRun<'_> {
    /// The next output number of this attempt.
    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Writes the job's state; a failure to write is logged, the scan goes on (a refusal
    /// stops it at the next table).
    async fn report(&mut self, state: ScanState, error: Option<String>) {
        self.last_report = Instant::now();
        let output = ScanOutput::State {
            state,
            progress: self.progress.clone(),
            error,
        };
        let seq = self.next_seq();
        match self
            .cluster
            .scan_output(&self.job.id, self.job.attempt, seq, output)
            .await
        {
            Ok(OutputAck::Superseded(why)) => {
                tracing::info!(job = %self.job.id, attempt = self.job.attempt, %why, "scan superseded");
                self.superseded = true;
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(job = %self.job.id, error = %e, "could not record scan progress")
            }
        }
    }

    /// Delivers a catalog output of this attempt; the scan stops when the cluster
    /// refuses it (the attempt was superseded).
    async fn deliver(&mut self, output: ScanOutput) -> Result<(), String> {
        let seq = self.next_seq();
        match self
            .cluster
            .scan_output(&self.job.id, self.job.attempt, seq, output)
            .await
        {
            Ok(OutputAck::Applied | OutputAck::Duplicate) => Ok(()),
            Ok(OutputAck::Superseded(why)) => {
                tracing::info!(job = %self.job.id, attempt = self.job.attempt, %why, "scan superseded");
                self.superseded = true;
                Err(CANCELLED.into())
            }
            Err(e) => Err(e.to_string()),
        }
    }

    /// Resolves once the job is cancelled (polled: the state is local and cheap to read).
    async fn until_cancelled(&self) {
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            if self.cancelled() {
                return;
            }
        }
    }

    /// Whether the job was cancelled, ended, or given to another attempt since it started.
    fn cancelled(&self) -> bool {
        self.superseded
            || matches!(self.cluster.scan(&self.job.id), Ok(Some(j))
                if j.state.is_terminal()
                    || j.attempt != self.job.attempt
                    || j.node != Some(self.cluster.node_id()))
    }

    /// Runs the scan; `Ok` carries the tables that could not be read.
    async fn execute(
        &mut self,
        registry: &ConnectorRegistry,
        pipeline: &Pipeline,
    ) -> Result<Vec<String>, String> {
        if self.cancelled() {
            return Err(CANCELLED.into());
        }
        self.report(ScanState::Running, None).await;
        let source = self
            .cluster
            .source(&self.job.source)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("source `{}` no longer exists", self.job.source))?;
        let mut conn = registry
            .connect_source(&source)
            .await
            .map_err(|e| e.to_string())?;
        let tables = tokio::time::timeout(self.settings.table_timeout, conn.list_tables())
            .await
            .map_err(|_| {
                format!(
                    "listing tables gave no answer within {:?}",
                    self.settings.table_timeout
                )
            })?
            .map_err(|e| e.to_string())?;
        let size = source
            .sample
            .unwrap_or(SampleSize::Rows(self.settings.sample_rows as u64));
        let known: std::collections::HashMap<String, crate::cluster::KnownTable> = self
            .cluster
            .known_tables(&source.id)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|t| (t.id.clone(), t))
            .collect();
        self.progress.tables_total = u32::try_from(tables.len()).unwrap_or(u32::MAX);
        self.report(ScanState::Running, None).await;
        let mut failures = Vec::new();
        let mut cataloged = Vec::with_capacity(tables.len());
        let mut found = std::collections::HashSet::with_capacity(tables.len());
        // At most one table waits for the classifier while the next one is read: reading
        // (the source, the network) and classifying (CPU) overlap, and memory holds at
        // most two tables' samples.
        let mut in_flight: Option<InFlight> = None;
        for t in &tables {
            if self.cancelled() {
                return Err(CANCELLED.into());
            }
            let id = TableAsset::make_id(&source.id, &t.database, &t.schema, &t.name);
            found.insert(id.clone());
            // What a skip relies on: the source's state, and how it was cataloged (this
            // build's classifier and the sample size), so an upgrade or a bigger sample
            // re-reads unchanged tables once.
            let fingerprint = t.fingerprint.as_ref().map(|f| {
                format!(
                    "{f}|{}|r{CATALOG_REVISION}|{size}",
                    env!("CARGO_PKG_VERSION")
                )
            });
            let unchanged = !self.job.force
                && fingerprint.is_some()
                && known
                    .get(&id)
                    .is_some_and(|k| k.fingerprint == fingerprint && !k.deleted);
            if unchanged {
                self.progress.tables_skipped += 1;
                metrics::counter!("pursight_scan_tables_total", "outcome" => "skipped")
                    .increment(1);
                self.progress.tables_done += 1;
                continue;
            }
            let timeout = self.settings.table_timeout;
            let read = tokio::select! {
                r = tokio::time::timeout(timeout, conn.scan_table(t, size)) => {
                    r.unwrap_or_else(|_| Err(crate::connectors::ConnectorError::Read {
                        table: t.name.clone(),
                        reason: format!("no answer within {timeout:?}"),
                    }))
                }
                // Dropping the read cancels the statement on the source.
                () = self.until_cancelled() => return Err(CANCELLED.into()),
            };
            match read {
                Ok(scan) => {
                    self.progress.rows_read += scan.rows_read;
                    metrics::counter!("pursight_scan_rows_read_total").increment(scan.rows_read);
                    metrics::counter!("pursight_scan_tables_total", "outcome" => "scanned")
                        .increment(1);
                    // Classified on the pool while the next table is read.
                    let next = InFlight::start(pipeline, t, scan, fingerprint);
                    if let Some(done) = in_flight.replace(next) {
                        cataloged.push(self.complete(&source.id, done).await?);
                    }
                }
                Err(e) => {
                    failures.push(e.to_string());
                    self.progress.tables_done += 1;
                }
            }
            if self.last_report.elapsed() >= self.settings.progress_every {
                self.report(ScanState::Running, None).await;
            }
        }
        if let Some(done) = in_flight.take() {
            cataloged.push(self.complete(&source.id, done).await?);
        }
        if failures.len() == tables.len() && !tables.is_empty() {
            return Err(format!("no table could be read: {}", failures.join("; ")));
        }
        // Tables the source no longer has stay in the catalog, marked deleted.
        let gone: Vec<String> = known
            .values()
            .filter(|k| !k.deleted && !found.contains(&k.id))
            .map(|k| k.id.clone())
            .collect();
        if !gone.is_empty() {
            self.deliver(ScanOutput::TablesDeleted { ids: gone.clone() })
                .await?;
        }
        let Some(policy) = &pipeline.policy else {
            return Ok(failures);
        };
        // The scan ends once its findings are up to date, so `pursight findings` right
        // after `pursight scan` sees them. A failed check does not fail the scan.
        let checked = ractor::call_t!(
            policy,
            |reply| PolicyMsg::Cataloged {
                source: source.id.clone(),
                tables: cataloged,
                gone,
                reply,
            },
            POLICY_CHECK_TIMEOUT_MS
        );
        if let Err(e) = checked {
            tracing::warn!(source = %source.id, error = %e, "policy check did not finish");
        }
        Ok(failures)
    }

    /// Waits for a table's classification, builds its asset and delivers it; returns its
    /// id.
    async fn complete(&mut self, source: &str, done: InFlight) -> Result<String, String> {
        let InFlight {
            table: t,
            schema,
            row_count,
            profiles,
            fingerprint,
            mut classified,
        } = done;
        let (inputs, found) = (&mut classified.0)
            .await
            .map_err(|e| format!("classifier crashed: {e}"))?
            .map_err(|e| e.to_string())?;
        let mut profiles = profiles.map(Vec::into_iter);
        let columns: Vec<Column> = schema
            .into_iter()
            .zip(inputs.iter().zip(found))
            .map(|(c, (input, classifications))| {
                self.progress.values_sampled += input.values.len() as u64;
                let exact = row_count == Some(input.values.len() as u64);
                let mut profile = profiles
                    .as_mut()
                    .and_then(Iterator::next)
                    .unwrap_or_else(|| profile(&input.values, &c.data_type, exact));
                // The extremes of a sensitive column (a birth date, a card number stored
                // as a number) would be raw values.
                if !classifications.is_empty() {
                    profile.min = None;
                    profile.max = None;
                }
                Column {
                    name: c.name,
                    data_type: c.data_type,
                    nullable: c.nullable,
                    classifications,
                    profile,
                    default: c.default,
                    comment: c.comment,
                    deleted_at_ms: None,
                }
            })
            .collect();
        self.progress.columns_done += columns.len() as u32;
        self.progress.sensitive_columns += columns
            .iter()
            .filter(|c| !c.classifications.is_empty())
            .count() as u32;
        self.progress.tables_done += 1;
        let asset = TableAsset {
            id: TableAsset::make_id(source, &t.database, &t.schema, &t.name),
            name: t.name.clone(),
            kind: t.kind,
            source: source.to_string(),
            database: t.database.clone(),
            schema: t.schema.clone(),
            row_count,
            columns,
            scan_id: self.job.id.clone(),
            scanned_at_ms: now_ms(),
            comment: t.comment.clone(),
            definition: t.definition.clone(),
            primary_key: t.primary_key.clone(),
            foreign_keys: t.foreign_keys.clone(),
            fingerprint,
            deleted_at_ms: None,
        };
        let id = asset.id.clone();
        self.deliver(ScanOutput::Table(Box::new(asset))).await?;
        Ok(id)
    }
}

/// A table read from its source whose sampled columns are with the classifier pool.
struct InFlight {
    table: TableRef,
    schema: Vec<ColumnSchema>,
    row_count: Option<u64>,
    profiles: Option<Vec<Profile>>,
    fingerprint: Option<String>,
    classified: Classifying,
}

/// The classification of an in-flight table; a scan that stops early (cancelled, failed)
/// drops it, and the work it no longer wants stops with it.
struct Classifying(tokio::task::JoinHandle<Result<Classified, ClassifyError>>);

impl Drop for Classifying {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl InFlight {
    /// Hands a table's samples to the classifier pool; the work goes on while the scan
    /// reads the next table.
    fn start(
        pipeline: &Pipeline,
        t: &TableRef,
        scan: TableScan,
        fingerprint: Option<String>,
    ) -> InFlight {
        let TableScan {
            columns: schema,
            values,
            row_count,
            rows_read: _,
            profiles,
        } = scan;
        let inputs: Vec<ColumnValues> = schema
            .iter()
            .zip(values.into_iter().chain(std::iter::repeat_with(Vec::new)))
            .map(|(c, v)| ColumnValues {
                name: c.name.clone(),
                data_type: c.data_type.clone(),
                values: v,
            })
            .collect();
        let pool = pipeline.classifier.clone();
        let name = t.name.clone();
        InFlight {
            table: t.clone(),
            schema,
            row_count,
            profiles,
            fingerprint,
            classified: Classifying(tokio::spawn(
                async move { classify(&pool, name, inputs).await },
            )),
        }
    }
}
