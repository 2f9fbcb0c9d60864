//! The Raft network: RPC over the QUIC mesh ([`MeshNetworkFactory`]), or none at all for a
//! standalone node ([`NoPeersFactory`]).
//!
//! A standalone single-voter cluster never sends an RPC; if openraft ever asks (a membership
//! that names other nodes), the answer is the truth: the peer is unreachable.

use std::time::Duration;

use openraft::BasicNode;
use openraft::error::{
    InstallSnapshotError, NetworkError, PayloadTooLarge, RPCError, RaftError, RemoteError, Timeout,
    Unreachable,
};
use openraft::network::{RPCOption, RPCTypes, RaftNetwork, RaftNetworkFactory};
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, InstallSnapshotResponse,
    VoteRequest, VoteResponse,
};
use pursight_mesh::{CallError, FrameError};

use super::types::TypeConfig;
use crate::cluster::NodeMesh;
use crate::cluster::rpc::{PeerRequest, PeerResponse};

/// Hands out [`NoPeers`] connections.
#[derive(Clone, Default)]
pub struct NoPeersFactory;

/// A connection to a peer this node cannot reach.
pub struct NoPeers {
    target: u64,
}

impl NoPeers {
    fn unreachable<E: std::error::Error>(&self) -> RPCError<u64, BasicNode, E> {
        RPCError::Unreachable(Unreachable::new(&std::io::Error::new(
            std::io::ErrorKind::NotConnected,
            format!(
                "node {} is not reachable: this node runs without a mesh",
                self.target
            ),
        )))
    }
}

impl RaftNetworkFactory<TypeConfig> for NoPeersFactory {
    type Network = NoPeers;

    async fn new_client(&mut self, target: u64, _node: &BasicNode) -> Self::Network {
        NoPeers { target }
    }
}

impl RaftNetwork<TypeConfig> for NoPeers {
    async fn append_entries(
        &mut self,
        _rpc: AppendEntriesRequest<TypeConfig>,
        _option: RPCOption,
    ) -> Result<AppendEntriesResponse<u64>, RPCError<u64, BasicNode, RaftError<u64>>> {
        Err(self.unreachable())
    }

    async fn install_snapshot(
        &mut self,
        _rpc: InstallSnapshotRequest<TypeConfig>,
        _option: RPCOption,
    ) -> Result<
        InstallSnapshotResponse<u64>,
        RPCError<u64, BasicNode, RaftError<u64, InstallSnapshotError>>,
    > {
        Err(self.unreachable())
    }

    async fn vote(
        &mut self,
        _rpc: VoteRequest<u64>,
        _option: RPCOption,
    ) -> Result<VoteResponse<u64>, RPCError<u64, BasicNode, RaftError<u64>>> {
        Err(self.unreachable())
    }
}

/// Hands out connections to peers over the mesh.
#[derive(Clone)]
pub struct MeshNetworkFactory {
    mesh: NodeMesh,
}

impl MeshNetworkFactory {
    pub fn new(mesh: NodeMesh) -> Self {
        Self { mesh }
    }
}

/// Raft's view of one peer: calls over the shared mesh connection to it.
pub struct MeshPeer {
    mesh: NodeMesh,
    target: u64,
}

impl RaftNetworkFactory<TypeConfig> for MeshNetworkFactory {
    type Network = MeshPeer;

    async fn new_client(&mut self, target: u64, node: &BasicNode) -> Self::Network {
        // The membership is where peer addresses come from; a bad one leaves the peer
        // unknown to the mesh, and calls fail as unreachable (logged once here).
        match node.addr.parse() {
            Ok(addr) => self.mesh.set_peer(target, addr),
            Err(e) => {
                tracing::warn!(target, addr = %node.addr, error = %e, "bad peer address in the membership")
            }
        }
        MeshPeer {
            mesh: self.mesh.clone(),
            target,
        }
    }
}

impl MeshPeer {
    /// One RPC; transport failures become the `RPCError` openraft retries on. A request
    /// too large for one frame becomes `PayloadTooLarge`, so openraft sends fewer entries
    /// (`entries`: how many this one carried).
    async fn call<E: std::error::Error>(
        &self,
        action: RPCTypes,
        req: PeerRequest,
        ttl: Duration,
        entries: u64,
    ) -> Result<PeerResponse, RPCError<u64, BasicNode, E>> {
        self.mesh
            .call(self.target, &req, ttl)
            .await
            .map_err(|e| match e {
                CallError::Frame(FrameError::TooLarge { .. }) if entries > 1 => {
                    RPCError::PayloadTooLarge(PayloadTooLarge::new_entries_hint(entries / 2))
                }
                CallError::Timeout(_) => RPCError::Timeout(Timeout {
                    action,
                    id: self.mesh.node_id(),
                    target: self.target,
                    timeout: ttl,
                }),
                CallError::Unreachable(_) | CallError::Injected => {
                    RPCError::Unreachable(Unreachable::new(&e))
                }
                other => RPCError::Network(NetworkError::new(&other)),
            })
    }

    fn unexpected<E: std::error::Error>(&self, got: &PeerResponse) -> RPCError<u64, BasicNode, E> {
        RPCError::Network(NetworkError::new(&std::io::Error::other(format!(
            "node {} answered with an unexpected message: {got:?}",
            self.target
        ))))
    }

    fn remote<E: std::error::Error>(&self, e: E) -> RPCError<u64, BasicNode, E> {
        RPCError::RemoteError(RemoteError::new(self.target, e))
    }
}

impl RaftNetwork<TypeConfig> for MeshPeer {
    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<AppendEntriesResponse<u64>, RPCError<u64, BasicNode, RaftError<u64>>> {
        let ttl = option.hard_ttl();
        let entries = rpc.entries.len() as u64;
        match self
            .call(
                RPCTypes::AppendEntries,
                PeerRequest::AppendEntries(rpc),
                ttl,
                entries,
            )
            .await?
        {
            PeerResponse::AppendEntries(r) => r.map_err(|e| self.remote(e)),
            other => Err(self.unexpected(&other)),
        }
    }

    async fn install_snapshot(
        &mut self,
        rpc: InstallSnapshotRequest<TypeConfig>,
        option: RPCOption,
    ) -> Result<
        InstallSnapshotResponse<u64>,
        RPCError<u64, BasicNode, RaftError<u64, InstallSnapshotError>>,
    > {
        let ttl = option.hard_ttl();
        match self
            .call(
                RPCTypes::InstallSnapshot,
                PeerRequest::InstallSnapshot(rpc),
                ttl,
                0,
            )
            .await?
        {
            PeerResponse::InstallSnapshot(r) => r.map_err(|e| self.remote(e)),
            other => Err(self.unexpected(&other)),
        }
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest<u64>,
        option: RPCOption,
    ) -> Result<VoteResponse<u64>, RPCError<u64, BasicNode, RaftError<u64>>> {
        let ttl = option.hard_ttl();
        match self
            .call(RPCTypes::Vote, PeerRequest::Vote(rpc), ttl, 0)
            .await?
        {
            PeerResponse::Vote(r) => r.map_err(|e| self.remote(e)),
            other => Err(self.unexpected(&other)),
        }
    }
}
