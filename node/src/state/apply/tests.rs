//! Every command family's rules, on the in-memory tables (no sled, no Raft).

use pursight_actors::compliance::custom::CustomPolicy;
use pursight_actors::compliance::findings::FindingAction;
use pursight_actors::compliance::{Severity, Violation};
use pursight_actors::corrections::CorrectionAction;
use pursight_actors::domain::{ClassificationType as T, ScanJob, ScanOutput, ScanState};
use pursight_actors::jobs::LEASE_MS;
use pursight_mesh::Role;

use crate::registry::{JoinToken, NodeRecord, TokenRefusal};
use crate::state::testing::*;
use crate::state::{Command, CommandResult};

fn job(id: &str, source: &str) -> ScanJob {
    ScanJob::queued(id.into(), source.into(), false, 1)
}

fn meta(table_id: &str, owner: &str, if_version: Option<u64>) -> Command {
    Command::SetAssetMeta {
        table_id: table_id.into(),
        column: None,
        owner: Some(owner.into()),
        tags: vec![("retention".into(), Some("1y".into()))],
        if_version,
        by: "ana".into(),
        at_ms: 9,
    }
}

fn violation(rule: &str, column: Option<&str>) -> Violation {
    Violation {
        rule_id: rule.into(),
        framework: "gdpr".into(),
        control: "Art. 5".into(),
        severity: Severity::Medium,
        title: "t".into(),
        remediation: "r".into(),
        column: column.map(str::to_string),
        message: "m".into(),
    }
}

fn findings(asset: &str, violations: Vec<Violation>, at_ms: u64) -> Command {
    Command::SyncFindings {
        asset_id: asset.into(),
        source: "crm".into(),
        violations,
        skipped_rules: vec![],
        at_ms,
    }
}

fn is_conflict(r: &CommandResult) -> bool {
    matches!(r, CommandResult::Conflict(_))
}

#[test]
fn sources_are_unique_and_take_what_is_under_them_when_removed() {
    let mut s = MemState::default();
    assert!(matches!(
        s.run(Command::PutSource(source("crm"))),
        CommandResult::Source(_)
    ));
    assert!(is_conflict(&s.run(Command::PutSource(source("crm")))));
    // A source whose id extends the other's keeps its assets when the other goes.
    s.run(Command::PutSource(source("crm2")));
    let t = classified_table("crm", "people", &[T::PersonName]);
    let other = classified_table("crm2", "people", &[T::PersonName]);
    s.run(Command::PutTable(t.clone()));
    s.run(Command::PutTable(other.clone()));
    s.run(correct(
        &t.id,
        &[(T::PersonName, CorrectionAction::Confirm)],
    ));
    s.run(correct(
        &other.id,
        &[(T::PersonName, CorrectionAction::Confirm)],
    ));
    s.run(meta(&t.id, "ana", None));
    s.run(findings(&t.id, vec![violation("r1", None)], 10));

    assert_eq!(
        s.run(Command::RemoveSource { id: "crm".into() }),
        CommandResult::Done
    );
    let r = s.read();
    assert!(r.source("crm").expect("read").is_none());
    assert!(r.tables_of("crm").expect("read").is_empty());
    assert!(r.corrections(&t.column_id("who")).expect("read").is_none());
    assert!(r.asset_meta(&t.id).expect("read").is_none());
    assert!(r.findings().expect("read").is_empty());
    assert_eq!(r.tables_of("crm2").expect("read").len(), 1);
    assert!(
        r.corrections(&other.column_id("who"))
            .expect("read")
            .is_some()
    );
    // The audit trail keeps the history of what went.
    assert!(r.audit(0, 100).expect("read").len() >= 3);
    assert!(matches!(
        s.run(Command::RemoveSource { id: "crm".into() }),
        CommandResult::NotFound(_)
    ));
}

#[test]
fn tables_need_their_source_keep_dropped_columns_and_corrections() {
    let mut s = MemState::default();
    let t = classified_table("crm", "people", &[T::PersonName, T::City]);
    assert!(matches!(
        s.run(Command::PutTable(t.clone())),
        CommandResult::NotFound(_)
    ));
    s.run(Command::PutSource(source("crm")));
    s.run(Command::PutTable(t.clone()));
    s.run(correct(&t.id, &[(T::City, CorrectionAction::Reject)]));
    // A rescan finds the type again: the correction holds.
    s.run(Command::PutTable(t.clone()));
    let stored = s.read().table(&t.id).expect("read").expect("table");
    let types: Vec<T> = stored.columns[0]
        .classifications
        .iter()
        .map(|c| c.type_id)
        .collect();
    assert_eq!(types, [T::PersonName]);
    // A rescan without the column keeps it, marked deleted.
    let mut rescan = table("crm", "people");
    rescan.scanned_at_ms = 77;
    s.run(Command::PutTable(rescan));
    let stored = s.read().table(&t.id).expect("read").expect("table");
    assert_eq!(stored.columns.len(), 1);
    assert_eq!(stored.columns[0].deleted_at_ms, Some(77));
}

#[test]
fn scan_jobs_are_placed_once_and_outputs_applied_once() {
    let mut s = MemState::default();
    assert!(matches!(
        s.run(Command::CreateScan(job("s1", "crm"))),
        CommandResult::NotFound(_)
    ));
    s.run(Command::PutSource(source("crm")));
    assert!(matches!(
        s.run(Command::CreateScan(job("s1", "crm"))),
        CommandResult::Scan(_)
    ));
    assert!(is_conflict(&s.run(Command::CreateScan(job("s1", "crm")))));
    assert!(matches!(
        s.run(assign("s1", 4, 1, 10)),
        CommandResult::Scan(_)
    ));
    assert!(is_conflict(&s.run(assign("s1", 5, 1, 10))), "placed once");
    // Outputs: from the wrong node refused, applied once per seq.
    assert!(is_conflict(&s.run(output(
        "s1",
        5,
        1,
        1,
        ScanState::Running,
        20
    ))));
    assert!(matches!(
        s.run(output("s1", 4, 1, 1, ScanState::Running, 20)),
        CommandResult::Scan(_)
    ));
    assert_eq!(
        s.run(output("s1", 4, 1, 1, ScanState::Running, 20)),
        CommandResult::Done
    );
    // A table outside the job's source is refused.
    s.run(Command::PutSource(source("hr")));
    let mut foreign = table("hr", "pay");
    foreign.scan_id = "s1".into();
    assert!(is_conflict(&s.run(table_output("s1", 4, 1, 2, foreign))));
    assert!(matches!(
        s.run(table_output("s1", 4, 1, 3, table("crm", "people"))),
        CommandResult::Scan(_)
    ));
    assert!(
        s.read()
            .table(&table("crm", "people").id)
            .expect("read")
            .is_some()
    );
    // Tables the source lost are marked deleted (only the job's own).
    let gone = ScanOutput::TablesDeleted {
        ids: vec![table("crm", "people").id],
    };
    s.run(Command::ScanOutput {
        id: "s1".into(),
        attempt: 1,
        node: 4,
        seq: 4,
        output: gone,
        at_ms: 60,
    });
    let t = s
        .read()
        .table(&table("crm", "people").id)
        .expect("read")
        .expect("table");
    assert_eq!(t.deleted_at_ms, Some(60));
    // A heartbeat listing the job renews its lease; one that lost it ends the lease.
    s.run(Command::RegisterNode(NodeRecord::starting(
        4,
        Role::Core,
        None,
        "m".into(),
        "a".into(),
    )));
    s.run(heartbeat(4, 1_000, &[("s1", 1)]));
    let j = s.read().scan("s1").expect("read").expect("job");
    assert_eq!(j.lease_until_ms, Some(1_000 + LEASE_MS));
    s.run(heartbeat(4, 2_000, &[]));
    let j = s.read().scan("s1").expect("read").expect("job");
    assert_eq!(j.lease_until_ms, Some(2_000));
    assert_eq!(s.read().active_scans().expect("read").len(), 1);
    // Cancelled: terminal, out of the active index, never changes again.
    assert!(matches!(
        s.run(Command::CancelScan {
            id: "s1".into(),
            at_ms: 3_000
        }),
        CommandResult::Scan(_)
    ));
    assert!(s.read().active_scans().expect("read").is_empty());
    assert!(is_conflict(&s.run(Command::CancelScan {
        id: "s1".into(),
        at_ms: 3_001
    })));
    assert!(is_conflict(&s.run(output(
        "s1",
        4,
        1,
        9,
        ScanState::Done,
        3_002
    ))));
}

#[test]
fn a_scheduled_scan_starts_once_per_due_time() {
    let mut s = MemState::default();
    s.run(Command::PutSource(source("crm")));
    let start = |id: &str, due_ms| Command::StartScheduledScan {
        job: job(id, "crm"),
        due_ms,
    };
    assert!(matches!(s.run(start("s1", 100)), CommandResult::Scan(_)));
    assert!(is_conflict(&s.run(start("s2", 100))));
    assert!(is_conflict(&s.run(start("s2", 50))));
    assert!(matches!(s.run(start("s2", 200)), CommandResult::Scan(_)));
    assert_eq!(s.read().schedule_last("crm").expect("read"), Some(200));
}

#[test]
fn the_registry_merges_registrations_and_tokens_are_single_use() {
    let mut s = MemState::default();
    let rec = |addr: &str, joined| NodeRecord {
        joined_at_ms: joined,
        ..NodeRecord::starting(2, Role::Core, None, addr.into(), "a".into())
    };
    assert!(matches!(
        s.run(heartbeat(2, 5, &[])),
        CommandResult::NotFound(_)
    ));
    s.run(Command::RegisterNode(rec("m1", 10)));
    s.run(heartbeat(2, 50, &[]));
    s.run(Command::RegisterNode(rec("m2", 99)));
    let n = s.read().node(2).expect("read").expect("node");
    assert_eq!(
        (n.mesh_addr.as_str(), n.joined_at_ms, n.last_heartbeat_ms),
        ("m2", 10, Some(50))
    );
    assert_eq!(
        s.run(Command::RemoveNode { id: 2, at_ms: 60 }),
        CommandResult::Done
    );
    assert!(
        is_conflict(&s.run(Command::RegisterNode(rec("m3", 1)))),
        "removal is final"
    );
    assert!(is_conflict(&s.run(heartbeat(2, 70, &[]))));

    let token = |id: &str| JoinToken {
        id: id.into(),
        secret_sha256: "ab".repeat(32),
        role: Role::Edge,
        site: Some("plant-a".into()),
        created_at_ms: 0,
        expires_at_ms: 1_000,
        used_by: None,
    };
    let spend = |id: &str, at_ms| Command::ConsumeJoinToken {
        id: id.into(),
        secret_sha256: "ab".repeat(32),
        at_ms,
    };
    assert_eq!(
        s.run(Command::CreateJoinToken(token("t1"))),
        CommandResult::Done
    );
    assert!(is_conflict(&s.run(Command::CreateJoinToken(token("t1")))));
    assert_eq!(
        s.run(spend("t1", 5)),
        CommandResult::Joined {
            node_id: 2,
            role: Role::Edge,
            site: Some("plant-a".into())
        }
    );
    assert_eq!(
        s.run(spend("t1", 6)),
        CommandResult::TokenRefused(TokenRefusal::Used(2))
    );
    assert_eq!(
        s.run(spend("nope", 6)),
        CommandResult::TokenRefused(TokenRefusal::Unknown)
    );
    s.run(Command::CreateJoinToken(token("t2")));
    assert_eq!(
        s.run(spend("t2", 1_000)),
        CommandResult::TokenRefused(TokenRefusal::Expired)
    );
    s.run(Command::CreateJoinToken(token("t3")));
    assert!(matches!(
        s.run(spend("t3", 7)),
        CommandResult::Joined { node_id: 3, .. }
    ));
}

#[test]
fn governance_changes_are_versioned_and_audited_without_gaps() {
    let mut s = MemState::default();
    s.run(Command::PutSource(source("crm")));
    let t = classified_table("crm", "people", &[T::PersonName]);
    assert!(matches!(
        s.run(meta(&t.id, "ana", None)),
        CommandResult::NotFound(_)
    ));
    s.run(Command::PutTable(t.clone()));
    assert!(matches!(s.run(meta(&t.id, "ana", Some(0))), CommandResult::Meta(m) if m.version == 1));
    assert_eq!(
        s.run(meta(&t.id, "bo", Some(0))),
        CommandResult::VersionMismatch { current: 1 }
    );
    let column_meta = Command::SetAssetMeta {
        table_id: t.id.clone(),
        column: Some("missing".into()),
        owner: None,
        tags: vec![],
        if_version: None,
        by: "ana".into(),
        at_ms: 9,
    };
    assert!(matches!(s.run(column_meta), CommandResult::NotFound(_)));

    let policy = CustomPolicy {
        name: "p1".into(),
        text: "package x".into(),
        version: 0,
        by: "ana".into(),
        at_ms: 1,
    };
    s.run(Command::PutPolicy {
        policy: policy.clone(),
    });
    s.run(Command::PutPolicy { policy });
    assert_eq!(s.read().custom_policies().expect("read")[0].version, 2);
    s.run(Command::SetPolicySettings {
        params_json: "{}".into(),
        disabled_frameworks: vec!["pci-dss".into()],
        by: "ana".into(),
        at_ms: 3,
    });
    assert_eq!(s.read().policy_settings().expect("read").revision, 3);
    let remove = || Command::RemovePolicy {
        name: "p1".into(),
        by: "ana".into(),
        at_ms: 4,
    };
    assert_eq!(s.run(remove()), CommandResult::Done);
    assert!(matches!(s.run(remove()), CommandResult::NotFound(_)));

    // Findings: synced from violations, acted on, resolved when the violation goes.
    assert!(matches!(
        s.run(findings("crm.nope", vec![violation("r1", None)], 10)),
        CommandResult::NotFound(_)
    ));
    s.run(findings(&t.id, vec![violation("r1", Some("who"))], 10));
    let f = s.read().findings().expect("read");
    assert_eq!(f.len(), 1);
    let act = |action| Command::UpdateFinding {
        id: f[0].id.clone(),
        action,
        by: "cy".into(),
        at_ms: 11,
    };
    assert_eq!(s.run(act(FindingAction::Acknowledge)), CommandResult::Done);
    s.run(findings(&t.id, vec![], 12));
    assert!(
        is_conflict(&s.run(act(FindingAction::Reopen))),
        "a resolved finding stays resolved"
    );

    let trail = s.read().audit(0, 1_000).expect("read");
    let seqs: Vec<u64> = trail.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=trail.len() as u64).collect::<Vec<_>>());
    assert!(
        trail
            .iter()
            .any(|e| e.action == "policy.put" && e.detail == "version 2")
    );
    assert_eq!(
        s.read()
            .audit(2, 2)
            .expect("read")
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        [3, 4]
    );
}
