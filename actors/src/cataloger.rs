//! The cataloger actor: writes table assets to the replicated catalog.

use std::sync::Arc;

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};

use crate::cluster::Cluster;
use crate::domain::{CommandResult, ScanJob, ScanOutput, TableAsset};

/// Messages of the cataloger.
pub enum CatalogerMsg {
    /// Insert or replace one table as output `seq` of scan attempt `job`; replies once it
    /// is committed (or, on an edge node, safe in the outbox).
    Catalog {
        job: Box<ScanJob>,
        seq: u64,
        table: Box<TableAsset>,
        reply: RpcReplyPort<Result<(), String>>,
    },
}

/// How a refused output starts: the scan's attempt was superseded or the job ended.
pub const SUPERSEDED: &str = "superseded";

/// The cataloger actor.
pub struct CatalogerActor;

impl Actor for CatalogerActor {
    type Msg = CatalogerMsg;
    type State = Arc<dyn Cluster>;
    type Arguments = Arc<dyn Cluster>;

    async fn pre_start(
        &self,
        _myself: ActorRef<Self::Msg>,
        cluster: Self::Arguments,
    ) -> Result<Self::State, ActorProcessingErr> {
        Ok(cluster)
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        msg: Self::Msg,
        cluster: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            CatalogerMsg::Catalog {
                job,
                seq,
                table,
                reply,
            } => {
                let result = match cluster
                    .scan_output(&job, seq, ScanOutput::Table(table))
                    .await
                {
                    // Applied (or already applied: a retry).
                    Ok(CommandResult::Done | CommandResult::Scan(_)) => Ok(()),
                    Ok(CommandResult::Conflict(why)) => Err(format!("{SUPERSEDED}: {why}")),
                    Ok(other) => Err(format!("catalog refused the table: {other:?}")),
                    Err(e) => Err(e.to_string()),
                };
                let _ = reply.send(result);
            }
        }
        Ok(())
    }
}
