//! The classifier actor: classifies the sampled columns of one table with the three tiers
//! (neighbouring columns inform each other). The work is CPU-bound, so it runs on a
//! blocking thread and the actor's mailbox stays responsive.

use std::sync::Arc;

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};

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

/// Messages of the classifier.
pub enum ClassifierMsg {
    /// Classify every column; the reply has one list per column, in order. The values come
    /// back too, so the caller can profile them without copying.
    Classify {
        /// The table's name (context: `products.name` is not a person's name).
        table: String,
        columns: Vec<ColumnValues>,
        reply: RpcReplyPort<(Vec<ColumnValues>, Vec<Vec<Classification>>)>,
    },
}

/// The classifier actor.
pub struct ClassifierActor;

impl Actor for ClassifierActor {
    type Msg = ClassifierMsg;
    type State = Arc<Classifier>;
    type Arguments = Arc<Classifier>;

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        classifier: Self::Arguments,
    ) -> Result<Self::State, ActorProcessingErr> {
        Ok(classifier)
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        msg: Self::Msg,
        classifier: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            ClassifierMsg::Classify {
                table,
                columns,
                reply,
            } => {
                let classifier = classifier.clone();
                let out = tokio::task::spawn_blocking(move || {
                    let found = classify_columns(&classifier, &table, &columns);
                    (columns, found)
                })
                .await?;
                // The asker may have given up (scan cancelled); nothing to do then.
                let _ = reply.send(out);
            }
        }
        Ok(())
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
