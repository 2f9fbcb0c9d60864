//! The classifier pool: classifies the sampled columns of one table with the three tiers
//! (neighbouring columns inform each other). The work is CPU-bound: a `ractor::factory` of
//! one worker per core, each on a blocking thread, behind a bounded queue, so tables from
//! several scans (or the next table of the same scan) are classified side by side.

use std::sync::Arc;

use ractor::factory::queues::DefaultQueue;
use ractor::factory::routing::QueuerRouting;
use ractor::factory::{
    DiscardMode, DiscardSettings, Factory, FactoryArguments, FactoryMessage, Job, Worker,
    WorkerBuilder, WorkerId,
};
use ractor::{ActorProcessingErr, ActorRef, RpcReplyPort};

use crate::classify::{Classifier, ColumnSample};
use crate::domain::Classification;

/// One column handed to the classifier; the values exist only in memory.
pub struct ColumnValues {
    pub name: String,
    pub data_type: String,
    pub values: Vec<Option<String>>,
}

// Hand-written so that logging a column never prints its values.
impl std::fmt::Debug for ColumnValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ColumnValues")
            .field("name", &self.name)
            .field("data_type", &self.data_type)
            .field("values", &format_args!("<{} values>", self.values.len()))
            .finish()
    }
}

/// One table to classify, with where the answer goes: one list per column, in order. The
/// values come back too, so the caller can profile them without copying.
pub struct ClassifyRequest {
    /// The table's name (context: `products.name` is not a person's name).
    pub table: String,
    /// Its sampled columns.
    pub columns: Vec<ColumnValues>,
    /// Where the classified columns go.
    pub reply: RpcReplyPort<Classified>,
}

/// The columns handed in, and the classifications found for each.
pub type Classified = (Vec<ColumnValues>, Vec<Vec<Classification>>);

/// Messages of the classifier pool (a `ractor::factory` of classifier workers).
pub type ClassifierMsg = FactoryMessage<String, ClassifyRequest>;

/// Why a table could not be classified.
#[derive(Debug, thiserror::Error)]
pub enum ClassifyError {
    /// The pool is gone (restarting) or refused the table (its queue is full).
    #[error("the classifier is unavailable: {0}")]
    Unavailable(String),
    /// The classification stopped without an answer (it panicked, or the pool stopped).
    #[error("the classifier gave no answer (its queue was full, or it stopped)")]
    NoAnswer,
}

/// Classifies one table's columns on the pool, waiting for a worker.
pub async fn classify(
    pool: &ActorRef<ClassifierMsg>,
    table: String,
    columns: Vec<ColumnValues>,
) -> Result<Classified, ClassifyError> {
    let (tx, rx) = ractor::concurrency::oneshot();
    let request = ClassifyRequest {
        table: table.clone(),
        columns,
        reply: tx.into(),
    };
    pool.cast(FactoryMessage::Dispatch(Job::new(table, request)))
        .map_err(|e| ClassifyError::Unavailable(e.to_string()))?;
    rx.await.map_err(|_| ClassifyError::NoAnswer)
}

/// How the classifier pool is sized.
#[derive(Clone, Copy, Debug)]
pub struct PoolSize {
    /// Tables classified at once, each on its own blocking thread: one per core by
    /// default (the work is CPU-bound).
    pub workers: usize,
    /// Tables that may wait for a worker; more are refused (the scan that sent it fails
    /// with the reason).
    /// Each scan worker has at most one table in flight, so this is only reached when far
    /// more scans run than the pool was sized for.
    pub queue_limit: usize,
}

impl Default for PoolSize {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            workers: cores,
            queue_limit: 64,
        }
    }
}

/// The classifier pool: [`PoolSize::workers`] workers behind a bounded queue.
pub type ClassifierPool = Factory<String, ClassifyRequest, (), ClassifyWorker, Routing, Queue>;

type Routing = QueuerRouting<String, ClassifyRequest>;
type Queue = DefaultQueue<String, ClassifyRequest>;
/// What the pool is spawned with.
pub type ClassifierPoolArgs =
    FactoryArguments<String, ClassifyRequest, (), ClassifyWorker, Routing, Queue>;

/// The pool and its arguments, ready to spawn.
pub fn classifier_pool(
    classifier: Arc<Classifier>,
    size: PoolSize,
) -> (ClassifierPool, ClassifierPoolArgs) {
    let args = FactoryArguments::builder()
        .worker_builder(
            Box::new(WorkerFactory { classifier }) as Box<dyn WorkerBuilder<ClassifyWorker, ()>>
        )
        .num_initial_workers(size.workers.max(1))
        .router(QueuerRouting::default())
        .queue(DefaultQueue::default())
        .discard_settings(DiscardSettings::Static {
            limit: size.queue_limit.max(1),
            mode: DiscardMode::Newest,
        })
        .build();
    (ClassifierPool::default(), args)
}

struct WorkerFactory {
    classifier: Arc<Classifier>,
}

impl WorkerBuilder<ClassifyWorker, ()> for WorkerFactory {
    fn build(&mut self, _wid: WorkerId) -> (ClassifyWorker, ()) {
        (
            ClassifyWorker {
                classifier: self.classifier.clone(),
            },
            (),
        )
    }
}

/// One worker of the pool: classifies one table at a time on a blocking thread, so the
/// runtime's async workers stay free.
pub struct ClassifyWorker {
    classifier: Arc<Classifier>,
}

impl Worker for ClassifyWorker {
    type Key = String;
    type Message = ClassifyRequest;
    type Arguments = ();
    type State = ();

    async fn pre_start(
        &self,
        _wid: WorkerId,
        _factory: &ActorRef<ClassifierMsg>,
        _args: (),
    ) -> Result<(), ActorProcessingErr> {
        Ok(())
    }

    async fn handle(
        &self,
        _wid: WorkerId,
        _factory: &ActorRef<ClassifierMsg>,
        job: Job<String, ClassifyRequest>,
        _state: &mut (),
    ) -> Result<String, ActorProcessingErr> {
        let ClassifyRequest {
            table,
            columns,
            reply,
        } = job.msg;
        let classifier = self.classifier.clone();
        let out = tokio::task::spawn_blocking(move || {
            let found = classify_columns(&classifier, &table, &columns);
            (columns, found)
        })
        .await?;
        // The asker may have given up (scan cancelled); nothing to do then.
        let _ = reply.send(out);
        Ok(job.key)
    }
}

/// Classifies the columns of one table synchronously (also used by benchmarks).
pub fn classify_columns(
    classifier: &Classifier,
    table: &str,
    columns: &[ColumnValues],
) -> Vec<Vec<Classification>> {
    let samples: Vec<ColumnSample<'_>> = columns
        .iter()
        .map(|c| ColumnSample {
            name: &c.name,
            data_type: &c.data_type,
            values: &c.values,
        })
        .collect();
    let found = classifier.classify_table(table, &samples);
    let values: usize = columns.iter().map(|c| c.values.len()).sum();
    metrics::counter!("pursight_values_classified_total").increment(values as u64);
    found
}
