use std::time::Duration;

use crate::state::{Command, CommandResult};
use openraft::storage::RaftStateMachine;
use openraft::testing::{StoreBuilder, Suite};
use pursight_actors::corrections::CorrectionAction;
use pursight_actors::domain::{ClassificationType, ScanJob, ScanState, Tier};
use tempfile::TempDir;

use super::log_store::LogStore;
use super::state_machine::StateMachineStore;
use super::types::{StorageError, TypeConfig};
use super::{Network, RaftNode, RaftSettings};

struct SledBuilder;

impl StoreBuilder<TypeConfig, LogStore, StateMachineStore, TempDir> for SledBuilder {
    async fn build(&self) -> Result<(TempDir, LogStore, StateMachineStore), StorageError> {
        let dir = tempfile::tempdir()
            .map_err(|e| openraft::StorageIOError::write(openraft::AnyError::new(&e)))?;
        let db = sled::open(dir.path())
            .map_err(|e| openraft::StorageIOError::write(openraft::AnyError::new(&e)))?;
        let log = LogStore::open(&db)
            .map_err(|e| openraft::StorageIOError::write(openraft::AnyError::new(&e)))?;
        let sm = StateMachineStore::open(&db)
            .map_err(|e| openraft::StorageIOError::write(openraft::AnyError::new(&e)))?;
        Ok((dir, log, sm))
    }
}

#[test]
fn sled_storage_passes_the_openraft_suite() {
    Suite::test_all(SledBuilder).expect("openraft storage suite");
}

use super::testing::reopen;
use crate::state::testing::*;

fn settings(snapshot_every: u64) -> RaftSettings {
    RaftSettings {
        snapshot_every,
        keep_after_snapshot: 0,
        heartbeat_ms: 50,
        election_min_ms: 150,
        election_max_ms: 300,
    }
}

#[tokio::test]
async fn commands_apply_their_rules_and_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let db = sled::open(dir.path()).expect("open");
        let node = RaftNode::start(&db, 1, "127.0.0.1:0", &settings(1000), Network::Standalone)
            .await
            .expect("start");
        assert!(matches!(
            node.propose(Command::PutSource(source("crm"))).await,
            Ok(CommandResult::Source(_))
        ));
        assert!(matches!(
            node.propose(Command::PutSource(source("crm"))).await,
            Ok(CommandResult::Conflict(_))
        ));
        node.propose(Command::PutTable(table("crm", "customers")))
            .await
            .expect("put table");
        node.propose(Command::PutSource(source("crm2")))
            .await
            .expect("put");
        node.propose(Command::PutTable(table("crm2", "x")))
            .await
            .expect("put table");
        // A table of an unknown source is refused.
        assert!(matches!(
            node.propose(Command::PutTable(table("nope", "t"))).await,
            Ok(CommandResult::NotFound(_))
        ));
        let job = ScanJob::queued("j1".into(), "crm".into(), false, 5);
        node.propose(Command::CreateScan(job)).await.expect("scan");
        assert_eq!(node.reader().active_scans().expect("active").len(), 1);
        node.propose(assign("j1", 1, 1, 6)).await.expect("assign");
        assert!(
            matches!(node.propose(output("j1", 1, 1, 1, ScanState::Done, 9)).await, Ok(CommandResult::Scan(j)) if j.finished_at_ms == Some(9))
        );
        assert!(node.reader().active_scans().expect("active").is_empty());
        // Terminal jobs never move again.
        assert!(matches!(
            node.propose(output("j1", 1, 1, 2, ScanState::Running, 10))
                .await,
            Ok(CommandResult::Conflict(_))
        ));
        // Removing a source removes its tables, not those of a source sharing its prefix.
        node.propose(Command::RemoveSource { id: "crm".into() })
            .await
            .expect("rm");
        assert_eq!(node.reader().tables().expect("tables").len(), 1);
        node.shutdown().await;
    }
    let db = reopen(dir.path()).await;
    let node = RaftNode::start(&db, 1, "127.0.0.1:0", &settings(1000), Network::Standalone)
        .await
        .expect("restart");
    let r = node.reader();
    assert_eq!(r.sources().expect("sources").len(), 1);
    assert_eq!(r.tables().expect("tables")[0].source, "crm2");
    assert_eq!(
        r.scan("j1").expect("scan").map(|j| j.state),
        Some(ScanState::Done)
    );
    node.shutdown().await;
}

#[tokio::test]
async fn snapshots_are_built_purge_the_log_and_install_elsewhere() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sled::open(dir.path()).expect("open");
    let node = RaftNode::start(&db, 1, "127.0.0.1:0", &settings(20), Network::Standalone)
        .await
        .expect("start");
    for i in 0..60 {
        node.propose(Command::PutSource(source(&format!("s{i:02}"))))
            .await
            .expect("put");
    }
    let m = node
        .raft()
        .wait(Some(Duration::from_secs(10)))
        .metrics(
            |m| m.snapshot.is_some_and(|s| s.index >= 40) && m.purged.is_some(),
            "snapshot + purge",
        )
        .await
        .expect("snapshot built and log purged");
    assert!(
        node.log_len() < 60,
        "log was purged: {} entries left",
        node.log_len()
    );

    // Install the current snapshot into a fresh state machine and compare the state.
    let snap = node
        .raft()
        .get_snapshot()
        .await
        .expect("get")
        .expect("a snapshot");
    let other_dir = tempfile::tempdir().expect("tempdir");
    let other_db = sled::open(other_dir.path()).expect("open");
    let mut other = StateMachineStore::open(&other_db).expect("sm");
    // Something already there must be replaced, not merged.
    other
        .apply([openraft::Entry::<TypeConfig> {
            log_id: openraft::LogId::new(openraft::CommittedLeaderId::new(1, 1), 1),
            payload: openraft::EntryPayload::Normal(Command::PutSource(source("stale"))),
        }])
        .await
        .expect("apply");
    other
        .install_snapshot(&snap.meta, snap.snapshot)
        .await
        .expect("install");
    let snap_index = snap.meta.last_log_id.map(|l| l.index);
    let (applied, _) = other.applied_state().await.expect("applied");
    assert_eq!(applied.map(|l| l.index), snap_index);
    let installed: Vec<String> = other
        .reader()
        .sources()
        .expect("sources")
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert!(!installed.contains(&"stale".to_string()));
    // Every source the snapshot covers is there.
    assert!(installed.len() as u64 >= snap_index.unwrap_or(0).saturating_sub(2));
    assert!(m.snapshot.is_some());
    // And the snapshot survives as the current one.
    let current = other
        .get_current_snapshot()
        .await
        .expect("current")
        .expect("some");
    assert_eq!(current.meta.last_log_id, snap.meta.last_log_id);
    node.shutdown().await;
}

/// Corrections hold across rescans, applying them again changes nothing, a reset undoes,
/// removing the source forgets them, and a snapshot carries corrections and audit trail.
#[tokio::test]
async fn corrections_survive_rescans_snapshots_and_go_with_their_source() {
    use ClassificationType as T;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = sled::open(dir.path()).expect("open");
    let node = RaftNode::start(&db, 1, "127.0.0.1:0", &settings(5), Network::Standalone)
        .await
        .expect("start");
    node.propose(Command::PutSource(source("crm")))
        .await
        .expect("source");
    let t = classified_table("crm", "people", &[T::City, T::LastName]);
    let id = t.id.clone();
    node.propose(Command::PutTable(t)).await.expect("table");
    node.propose(correct(
        &id,
        &[
            (T::City, CorrectionAction::Reject),
            (T::FirstName, CorrectionAction::Set),
        ],
    ))
    .await
    .expect("correct");
    let types = |node: &RaftNode| -> Vec<T> {
        node.reader()
            .table(&id)
            .expect("read")
            .expect("table")
            .columns[0]
            .classifications
            .iter()
            .map(|c| c.type_id)
            .collect()
    };
    assert_eq!(types(&node), vec![T::FirstName, T::LastName]);

    // Rescans (one of them with a different finding), and another correction: the stored
    // column is rebuilt each time, so steward entries never pile up.
    for _ in 0..3 {
        node.propose(Command::PutTable(classified_table(
            "crm",
            "people",
            &[T::City, T::LastName],
        )))
        .await
        .expect("rescan");
    }
    node.propose(correct(&id, &[(T::LastName, CorrectionAction::Confirm)]))
        .await
        .expect("confirm");
    node.propose(Command::PutTable(classified_table(
        "crm",
        "people",
        &[T::City, T::Gender],
    )))
    .await
    .expect("rescan");
    let col = node
        .reader()
        .table(&id)
        .expect("read")
        .expect("table")
        .columns[0]
        .clone();
    let got: Vec<T> = col.classifications.iter().map(|c| c.type_id).collect();
    assert_eq!(got, vec![T::FirstName, T::LastName, T::Gender]);
    for c in &col.classifications {
        let steward = c
            .explanation
            .iter()
            .filter(|e| e.tier == Tier::Steward)
            .count();
        assert!(steward <= 1, "{c:?}");
    }
    node.propose(correct(&id, &[(T::FirstName, CorrectionAction::Reset)]))
        .await
        .expect("reset");
    assert_eq!(types(&node), vec![T::LastName, T::Gender]);

    // Snapshot, then install elsewhere: corrections and the audit trail come along.
    for i in 0..10 {
        node.propose(Command::PutSource(source(&format!("pad{i}"))))
            .await
            .expect("pad");
    }
    node.raft()
        .wait(Some(Duration::from_secs(10)))
        .metrics(|m| m.snapshot.is_some(), "snapshot")
        .await
        .expect("snapshot built");
    let snap = node
        .raft()
        .get_snapshot()
        .await
        .expect("get")
        .expect("a snapshot");
    let other_dir = tempfile::tempdir().expect("tempdir");
    let other_db = sled::open(other_dir.path()).expect("open");
    let mut other = StateMachineStore::open(&other_db).expect("sm");
    other
        .install_snapshot(&snap.meta, snap.snapshot)
        .await
        .expect("install");
    let column_id = format!("{id}.who");
    let cc = other
        .reader()
        .corrections(&column_id)
        .expect("read")
        .expect("corrections installed");
    assert_eq!(cc.corrections.len(), 2);
    let audit = other.reader().audit(0, 100).expect("audit");
    assert_eq!(audit.len(), 4);
    assert!(audit.iter().zip(1..).all(|(e, seq)| e.seq == seq));

    // Removing the source takes its corrections along; the audit trail stays.
    node.propose(Command::RemoveSource { id: "crm".into() })
        .await
        .expect("remove");
    assert!(
        node.reader()
            .corrections(&column_id)
            .expect("read")
            .is_none()
    );
    assert_eq!(node.reader().audit(0, 100).expect("audit").len(), 4);
    node.shutdown().await;
}

#[tokio::test]
async fn scan_attempts_are_leased_applied_once_and_stale_ones_refused() {
    use crate::registry::NodeRecord;
    use pursight_actors::jobs::LEASE_MS;
    let dir = TempDir::new().expect("tempdir");
    let db = reopen(dir.path()).await;
    let node = RaftNode::start(&db, 1, "127.0.0.1:0", &settings(1000), Network::Standalone)
        .await
        .expect("start");
    node.propose(Command::PutSource(source("crm")))
        .await
        .expect("source");
    for id in [4, 5] {
        let rec = NodeRecord {
            id,
            role: pursight_mesh::Role::Edge,
            site: Some("a".into()),
            mesh_addr: "127.0.0.1:1".into(),
            admin_addr: "127.0.0.1:2".into(),
            version: "test".into(),
            joined_at_ms: 0,
            last_heartbeat_ms: Some(0),
            removed_at_ms: None,
        };
        node.propose(Command::RegisterNode(rec))
            .await
            .expect("node");
    }
    let job = ScanJob::queued("j".into(), "crm".into(), false, 0);
    node.propose(Command::CreateScan(job)).await.expect("scan");
    // Attempt 1 on node 4; a second placement while the lease holds is refused.
    assert!(matches!(
        node.propose(assign("j", 4, 1, 10)).await,
        Ok(CommandResult::Scan(_))
    ));
    assert!(matches!(
        node.propose(assign("j", 5, 2, 11)).await,
        Ok(CommandResult::Conflict(_))
    ));
    assert!(matches!(
        node.propose(output("j", 4, 1, 1, ScanState::Running, 20))
            .await,
        Ok(CommandResult::Scan(_))
    ));
    // Node 4 heartbeats with the job: the lease moves on.
    node.propose(heartbeat(4, 10_000, &[("j", 1)]))
        .await
        .expect("hb");
    let j = node.reader().scan("j").expect("read").expect("job");
    assert_eq!(j.lease_until_ms, Some(10_000 + LEASE_MS));
    // A table outside the job's source, or of another scan, is refused.
    let mut other = table("crm2", "x");
    other.scan_id = "j".into();
    other.source = "crm".into();
    assert!(matches!(
        node.propose(table_output("j", 4, 1, 2, other)).await,
        Ok(CommandResult::Conflict(_))
    ));
    // Its table arrives, then again (an outbox retry): stored once.
    let mut t = table("crm", "customers");
    t.scan_id = "j".into();
    assert!(matches!(
        node.propose(table_output("j", 4, 1, 2, t.clone())).await,
        Ok(CommandResult::Scan(j)) if j.applied_seq == 2
    ));
    assert_eq!(
        node.propose(table_output("j", 4, 1, 2, t.clone()))
            .await
            .expect("dup"),
        CommandResult::Done
    );
    // Node 4 goes silent; after the lease the job moves to node 5 as attempt 2.
    assert!(matches!(
        node.propose(assign("j", 5, 2, 10_000 + LEASE_MS)).await,
        Ok(CommandResult::Scan(j)) if j.node == Some(5) && j.attempt == 2 && j.applied_seq == 0
    ));
    // Node 4's late results are refused; node 5's apply.
    assert!(matches!(
        node.propose(table_output("j", 4, 1, 3, t.clone())).await,
        Ok(CommandResult::Conflict(why)) if why.contains("superseded")
    ));
    assert!(matches!(
        node.propose(output("j", 5, 2, 1, ScanState::Done, 40_000)).await,
        Ok(CommandResult::Scan(j)) if j.state == ScanState::Done
    ));
    assert_eq!(node.reader().tables().expect("tables").len(), 1);

    // A node that restarted lists no job: its running one loses its lease at once.
    let job = ScanJob::queued("k".into(), "crm".into(), false, 0);
    node.propose(Command::CreateScan(job)).await.expect("scan");
    node.propose(assign("k", 5, 1, 50_000))
        .await
        .expect("assign");
    node.propose(output("k", 5, 1, 1, ScanState::Running, 50_001))
        .await
        .expect("running");
    node.propose(heartbeat(5, 50_100, &[])).await.expect("hb");
    let k = node.reader().scan("k").expect("read").expect("job");
    assert!(k.lease_expired(50_100), "{k:?}");

    // A scheduled scan starts once per due time, whichever leader proposes it.
    let mut s = ScanJob::queued("s1".into(), "crm".into(), false, 0);
    s.scheduled_at_ms = Some(60_000);
    let start = |job: ScanJob| Command::StartScheduledScan {
        job,
        due_ms: 60_000,
    };
    assert!(matches!(
        node.propose(start(s.clone())).await,
        Ok(CommandResult::Scan(_))
    ));
    s.id = "s2".into();
    assert!(matches!(
        node.propose(start(s)).await,
        Ok(CommandResult::Conflict(_))
    ));
    assert_eq!(
        node.reader().schedule_last("crm").expect("last"),
        Some(60_000)
    );
    node.shutdown().await;
}
