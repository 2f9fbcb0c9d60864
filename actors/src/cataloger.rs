//! The cataloger actor: writes table assets to the replicated catalog.

use std::sync::Arc;

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};

use crate::cluster::Cluster;
use crate::domain::{Command, CommandResult, TableAsset};

/// Messages of the cataloger.
pub enum CatalogerMsg {
    /// Insert or replace one table; replies once it is committed.
    Catalog {
        table: Box<TableAsset>,
        reply: RpcReplyPort<Result<(), String>>,
    },
}

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
            CatalogerMsg::Catalog { table, reply } => {
                let result = match cluster.propose(Command::PutTable(*table)).await {
                    Ok(CommandResult::Done) => Ok(()),
                    Ok(other) => Err(format!("catalog refused the table: {other:?}")),
                    Err(e) => Err(e.to_string()),
                };
                let _ = reply.send(result);
            }
        }
        Ok(())
    }
}
