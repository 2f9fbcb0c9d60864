//! The root supervisor: starts the scanner pool, the classifier and (on core nodes) the
//! policy checker, and
//! restarts any of them that fails (one-for-one) within a restart budget.
//!
//! ractor's default stops a supervisor when a child exits, so the strategy is written here.
//! A scan that crashes its scanner is marked failed with the reason; the jobs queued behind
//! it go to the restarted scanner. A child that exhausts its budget stops the supervisor:
//! something is wrong beyond one bad scan, and the node reports itself not ready.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ractor::{
    Actor, ActorCell, ActorId, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent,
};

use crate::classifier::{ClassifierMsg, PoolSize, classifier_pool};
use crate::classify::Classifier;
use crate::cluster::{Catalog, ScanSink};
use crate::connectors::ConnectorRegistry;
use crate::domain::{ScanJob, ScanOutput, ScanState};
use crate::policy::{PolicyActor, PolicyMsg};
use crate::scanner::{Pipeline, ScanRequest, ScanSettings, ScannerArgs, ScannerMsg, scanner_pool};
use ractor::factory::{FactoryMessage, Job};

/// How many restarts a child may use within a window before the supervisor gives up.
#[derive(Clone, Copy, Debug)]
pub struct RestartBudget {
    pub max_restarts: usize,
    pub within: Duration,
    /// First restart delay; doubles with each restart still inside the window.
    pub backoff: Duration,
}

impl Default for RestartBudget {
    fn default() -> Self {
        Self {
            max_restarts: 5,
            within: Duration::from_secs(60),
            backoff: Duration::from_millis(50),
        }
    }
}

/// The supervised children.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Child {
    Scanner,
    Classifier,
    Policy,
}

impl Child {
    const ALL: [Child; 3] = [Child::Scanner, Child::Classifier, Child::Policy];

    fn label(self) -> &'static str {
        match self {
            Child::Scanner => "scanner",
            Child::Classifier => "classifier",
            Child::Policy => "policy_checker",
        }
    }
}

/// What the supervisor starts with.
pub struct SupervisorArgs {
    /// Where scans read their jobs and deliver their outputs.
    pub cluster: Arc<dyn ScanSink>,
    /// The catalog, on core nodes: without one no policy checker runs (an edge node's
    /// scans are checked by the core node that applies them).
    pub catalog: Option<Arc<dyn Catalog>>,
    pub registry: ConnectorRegistry,
    pub classifier: Arc<Classifier>,
    pub settings: ScanSettings,
    pub budget: RestartBudget,
}

/// Messages of the root supervisor.
pub enum SupervisorMsg {
    /// Run a job already recorded as queued in the cluster.
    StartScan(ScanJob),
    /// The scanner finished a job (done or failed) on its own.
    ScanEnded { job_id: String, attempt: u32 },
    /// The jobs (id, attempt) this node took and has not finished: its heartbeats renew
    /// their leases.
    Running(RpcReplyPort<Vec<(String, u32)>>),
    /// A scan panicked (its job is already failed): counts as a scanner restart.
    ScanCrashed {
        job_id: String,
        attempt: u32,
        reason: String,
    },
    /// Restart a child after its backoff.
    Respawn(Child),
    /// Restarts so far, per child.
    Restarts(RpcReplyPort<HashMap<&'static str, u64>>),
    /// Check these tables of `source` against the compliance packs now (a catalog change
    /// other than a scan: a steward's correction); replies once their findings are synced.
    CheckPolicies {
        source: String,
        tables: Vec<String>,
        reply: RpcReplyPort<()>,
    },
}

/// The root supervisor actor.
pub struct RootSupervisor;

/// State of the root supervisor.
pub struct SupervisorState {
    args: SupervisorArgs,
    scanner: Option<ActorRef<ScannerMsg>>,
    classifier: Option<ActorRef<ClassifierMsg>>,
    policy: Option<ActorRef<PolicyMsg>>,
    ids: HashMap<ActorId, Child>,
    recent_restarts: HashMap<Child, VecDeque<Instant>>,
    total_restarts: HashMap<&'static str, u64>,
    /// Jobs handed to the scanner, oldest (the running one) first.
    in_flight: VecDeque<ScanJob>,
    /// Jobs waiting for a restarted scanner or pipeline.
    waiting: VecDeque<ScanJob>,
}

impl SupervisorState {
    fn pipeline(&self) -> Option<Pipeline> {
        Some(Pipeline {
            classifier: self.classifier.clone()?,
            policy: match self.args.catalog {
                Some(_) => Some(self.policy.clone()?),
                None => None,
            },
        })
    }

    fn dispatch(&mut self, job: ScanJob) {
        match (self.scanner.as_ref(), self.pipeline()) {
            (Some(scanner), Some(pipeline)) => {
                let request = ScanRequest {
                    job: job.clone(),
                    pipeline,
                };
                if scanner
                    .cast(FactoryMessage::Dispatch(Job::new(job.id.clone(), request)))
                    .is_ok()
                {
                    self.in_flight.push_back(job);
                } else {
                    self.waiting.push_back(job);
                }
            }
            _ => self.waiting.push_back(job),
        }
    }
}

async fn spawn_child(
    myself: &ActorRef<SupervisorMsg>,
    st: &mut SupervisorState,
    child: Child,
) -> Result<(), ActorProcessingErr> {
    let cell: ActorCell = myself.get_cell();
    let id = match child {
        Child::Scanner => {
            let args = ScannerArgs {
                cluster: st.args.cluster.clone(),
                registry: st.args.registry.clone(),
                settings: st.args.settings.clone(),
                supervisor: myself.clone(),
            };
            let (pool, pool_args) = scanner_pool(args);
            let (r, _) = Actor::spawn_linked(None, pool, pool_args, cell).await?;
            let id = r.get_id();
            st.scanner = Some(r);
            id
        }
        Child::Classifier => {
            let (pool, args) = classifier_pool(st.args.classifier.clone(), PoolSize::default());
            let (r, _) = Actor::spawn_linked(None, pool, args, cell).await?;
            let id = r.get_id();
            st.classifier = Some(r);
            id
        }
        Child::Policy => {
            let Some(catalog) = st.args.catalog.clone() else {
                return Ok(());
            };
            let (r, _) = Actor::spawn_linked(None, PolicyActor, catalog, cell).await?;
            let id = r.get_id();
            st.policy = Some(r);
            id
        }
    };
    st.ids.insert(id, child);
    Ok(())
}

impl Actor for RootSupervisor {
    type Msg = SupervisorMsg;
    type State = SupervisorState;
    type Arguments = SupervisorArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: SupervisorArgs,
    ) -> Result<SupervisorState, ActorProcessingErr> {
        let mut st = SupervisorState {
            args,
            scanner: None,
            classifier: None,
            policy: None,
            ids: HashMap::new(),
            recent_restarts: HashMap::new(),
            total_restarts: HashMap::new(),
            in_flight: VecDeque::new(),
            waiting: VecDeque::new(),
        };
        for child in Child::ALL {
            spawn_child(&myself, &mut st, child).await?;
        }
        Ok(st)
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        msg: Self::Msg,
        st: &mut SupervisorState,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            SupervisorMsg::StartScan(job) => st.dispatch(job),
            SupervisorMsg::CheckPolicies {
                source,
                tables,
                reply,
            } => {
                // Without a running checker the reply is dropped and the caller is told.
                if let Some(policy) = &st.policy {
                    let _ = policy.cast(PolicyMsg::Cataloged {
                        source,
                        tables,
                        gone: Vec::new(),
                        reply,
                    });
                }
            }
            SupervisorMsg::ScanEnded { job_id, attempt } => st
                .in_flight
                .retain(|j| j.id != job_id || j.attempt != attempt),
            SupervisorMsg::Running(reply) => {
                let jobs = st.in_flight.iter().chain(&st.waiting);
                let _ = reply.send(jobs.map(|j| (j.id.clone(), j.attempt)).collect());
            }
            SupervisorMsg::ScanCrashed {
                job_id,
                attempt,
                reason,
            } => {
                st.in_flight
                    .retain(|j| j.id != job_id || j.attempt != attempt);
                tracing::error!(actor = "scanner", %reason, "scan worker crashed");
                metrics::counter!("pursight_actor_restarts_total", "actor" => "scanner")
                    .increment(1);
                *st.total_restarts.entry("scanner").or_default() += 1;
                if let Some(why) = over_budget(st, Child::Scanner) {
                    tracing::error!("{why}");
                    myself.stop(Some(why));
                }
            }
            SupervisorMsg::Respawn(child) => {
                spawn_child(&myself, st, child).await?;
                tracing::info!(actor = child.label(), "restarted");
                for job in std::mem::take(&mut st.waiting) {
                    st.dispatch(job);
                }
            }
            SupervisorMsg::Restarts(reply) => {
                let _ = reply.send(st.total_restarts.clone());
            }
        }
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<Self::Msg>,
        evt: SupervisionEvent,
        st: &mut SupervisorState,
    ) -> Result<(), ActorProcessingErr> {
        let (cell, reason) = match evt {
            SupervisionEvent::ActorFailed(cell, err) => (cell, format!("{err}")),
            SupervisionEvent::ActorTerminated(cell, _, reason) => {
                (cell, reason.unwrap_or_else(|| "stopped".into()))
            }
            _ => return Ok(()),
        };
        let Some(child) = st.ids.remove(&cell.get_id()) else {
            return Ok(());
        };
        tracing::error!(actor = child.label(), %reason, "actor exited; restarting");
        metrics::counter!("pursight_actor_restarts_total", "actor" => child.label()).increment(1);
        *st.total_restarts.entry(child.label()).or_default() += 1;
        match child {
            Child::Scanner => {
                st.scanner = None;
                // The pool itself died (a worker's scan panic is caught and never gets
                // here): which of its jobs were running is unknown, so all run again on
                // the new pool; a scan is idempotent.
                st.waiting.extend(st.in_flight.drain(..));
            }
            Child::Classifier => st.classifier = None,
            Child::Policy => st.policy = None,
        }
        if let Some(why) = over_budget(st, child) {
            tracing::error!("{why}");
            myself.stop(Some(why));
            return Ok(());
        }
        let earlier = st.recent_restarts.get(&child).map_or(0, VecDeque::len);
        let delay = st.args.budget.backoff * 2u32.saturating_pow(earlier.saturating_sub(1) as u32);
        myself.send_after(delay, move || SupervisorMsg::Respawn(child));
        Ok(())
    }
}

/// Records a restart of `child`; `Some(reason)` when it exceeds the restart budget.
fn over_budget(st: &mut SupervisorState, child: Child) -> Option<String> {
    let now = Instant::now();
    let recent = st.recent_restarts.entry(child).or_default();
    recent.retain(|t| now.duration_since(*t) < st.args.budget.within);
    if recent.len() >= st.args.budget.max_restarts {
        return Some(format!(
            "{} failed {} times within {:?}; giving up",
            child.label(),
            recent.len() + 1,
            st.args.budget.within
        ));
    }
    recent.push_back(now);
    None
}

pub(crate) async fn fail_job(cluster: &dyn ScanSink, job: &ScanJob, reason: &str) {
    let output = ScanOutput::State {
        state: ScanState::Failed,
        progress: Default::default(),
        error: Some(reason.to_string()),
    };
    metrics::counter!("pursight_scans_total", "state" => "failed").increment(1);
    // The last output of the attempt, whatever the scan reported before it crashed.
    if let Err(e) = cluster
        .scan_output(&job.id, job.attempt, FINAL_SEQ, output)
        .await
    {
        tracing::error!(job = %job.id, error = %e, "could not mark the crashed scan failed");
    }
}

/// The sequence number of an attempt's forced end (a crash, a refusal): after any output
/// the scan itself could have numbered.
pub const FINAL_SEQ: u64 = u64::MAX;
