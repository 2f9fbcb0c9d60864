//! Property: any sequence of commands gives the same results and the same state (digest)
//! applied by the Raft state machine on sled as applied to the in-memory tables.

use openraft::storage::RaftStateMachine;
use openraft::{CommittedLeaderId, EntryPayload, LogId};
use proptest::prelude::*;
use pursight_actors::compliance::custom::CustomPolicy;
use pursight_actors::compliance::findings::{FindingAction, finding_id};
use pursight_actors::compliance::{Severity, Violation};
use pursight_actors::corrections::CorrectionAction;
use pursight_actors::domain::{ClassificationType as T, ScanJob, ScanOutput, ScanState};
use pursight_mesh::Role;

use super::state_machine::StateMachineStore;
use super::types::Entry;
use crate::registry::{JoinToken, NodeRecord};
use crate::state::Command;
use crate::state::testing::*;

const SOURCES: [&str; 2] = ["a", "b"];
const TABLES: [&str; 2] = ["t1", "t2"];
const SCANS: [&str; 2] = ["s1", "s2"];
const TYPES: [T; 3] = [T::EmailAddress, T::PersonName, T::City];

fn table_id(s: usize, t: usize) -> String {
    table(SOURCES[s], TABLES[t]).id
}

fn violation(rule: usize, column: bool) -> Violation {
    Violation {
        rule_id: format!("r{rule}"),
        framework: "gdpr".into(),
        control: "c".into(),
        severity: Severity::Low,
        title: "t".into(),
        remediation: "r".into(),
        column: column.then(|| "who".to_string()),
        message: "m".into(),
    }
}

/// Commands over a small universe of ids, so that they meet: the same sources, tables,
/// jobs, nodes and findings come up again and again.
fn command() -> impl Strategy<Value = Command> {
    let src = 0..SOURCES.len();
    let tbl = 0..TABLES.len();
    let scan = 0..SCANS.len();
    let node = 1u64..4;
    let at = 0u64..100_000;
    prop_oneof![
        src.clone()
            .prop_map(|s| Command::PutSource(source(SOURCES[s]))),
        src.clone().prop_map(|s| Command::RemoveSource {
            id: SOURCES[s].into()
        }),
        (scan.clone(), src.clone()).prop_map(|(j, s)| Command::CreateScan(ScanJob::queued(
            SCANS[j].into(),
            SOURCES[s].into(),
            false,
            1
        ))),
        (scan.clone(), src.clone(), at.clone()).prop_map(|(j, s, due_ms)| {
            Command::StartScheduledScan {
                job: ScanJob::queued(SCANS[j].into(), SOURCES[s].into(), false, 1),
                due_ms,
            }
        }),
        (scan.clone(), node.clone(), 1u32..3, at.clone())
            .prop_map(|(j, n, a, t)| assign(SCANS[j], n, a, t)),
        (
            scan.clone(),
            node.clone(),
            0u32..3,
            0u64..5,
            0usize..4,
            at.clone()
        )
            .prop_map(|(j, n, a, seq, st, t)| {
                let state = [
                    ScanState::Running,
                    ScanState::Done,
                    ScanState::Failed,
                    ScanState::Queued,
                ][st];
                output(SCANS[j], n, a, seq, state, t)
            }),
        (
            scan.clone(),
            node.clone(),
            0u32..3,
            0u64..5,
            src.clone(),
            tbl.clone()
        )
            .prop_map(|(j, n, a, seq, s, t)| {
                let mut tab = classified_table(SOURCES[s], TABLES[t], &TYPES[..2]);
                tab.scan_id = SCANS[j].into();
                table_output(SCANS[j], n, a, seq, tab)
            }),
        (
            scan.clone(),
            node.clone(),
            0u32..3,
            0u64..5,
            src.clone(),
            tbl.clone()
        )
            .prop_map(|(j, n, a, seq, s, t)| Command::ScanOutput {
                id: SCANS[j].into(),
                attempt: a,
                node: n,
                seq,
                output: ScanOutput::TablesDeleted {
                    ids: vec![table_id(s, t)]
                },
                at_ms: 9,
            }),
        (scan.clone(), at.clone()).prop_map(|(j, t)| Command::CancelScan {
            id: SCANS[j].into(),
            at_ms: t
        }),
        (
            scan.clone(),
            proptest::option::of(Just("waiting".to_string()))
        )
            .prop_map(|(j, reason)| Command::ScanWaiting {
                id: SCANS[j].into(),
                reason
            }),
        (
            src.clone(),
            tbl.clone(),
            proptest::sample::subsequence(TYPES.to_vec(), 0..3)
        )
            .prop_map(|(s, t, types)| Command::PutTable(classified_table(
                SOURCES[s], TABLES[t], &types
            ))),
        (src.clone(), tbl.clone(), 0usize..3, 0usize..4).prop_map(|(s, t, ty, act)| {
            let action = [
                CorrectionAction::Confirm,
                CorrectionAction::Reject,
                CorrectionAction::Set,
                CorrectionAction::Reset,
            ][act];
            correct(&table_id(s, t), &[(TYPES[ty], action)])
        }),
        (node.clone(), 0u64..50).prop_map(|(n, joined)| Command::RegisterNode(NodeRecord {
            joined_at_ms: joined,
            ..NodeRecord::starting(n, Role::Core, None, format!("m{n}"), "a".into())
        })),
        (
            node.clone(),
            at.clone(),
            proptest::sample::subsequence(vec![0usize, 1], 0..2)
        )
            .prop_map(|(n, t, jobs)| {
                let running: Vec<(&str, u32)> = jobs.iter().map(|j| (SCANS[*j], 1)).collect();
                heartbeat(n, t, &running)
            }),
        (node.clone(), at.clone()).prop_map(|(id, at_ms)| Command::RemoveNode { id, at_ms }),
        (0usize..2, 0u64..200).prop_map(|(i, expires)| Command::CreateJoinToken(JoinToken {
            id: format!("k{i}"),
            secret_sha256: "ab".repeat(32),
            role: Role::Core,
            site: None,
            created_at_ms: 0,
            expires_at_ms: expires,
            used_by: None,
        })),
        (0usize..2, 0u64..200).prop_map(|(i, at_ms)| Command::ConsumeJoinToken {
            id: format!("k{i}"),
            secret_sha256: "ab".repeat(32),
            at_ms,
        }),
        (
            src.clone(),
            tbl.clone(),
            proptest::sample::subsequence(vec![(0, true), (1, false)], 0..2)
        )
            .prop_map(|(s, t, vs)| Command::SyncFindings {
                asset_id: table_id(s, t),
                source: SOURCES[s].into(),
                violations: vs.into_iter().map(|(r, c)| violation(r, c)).collect(),
                skipped_rules: vec![],
                at_ms: 20,
            }),
        (src.clone(), tbl.clone(), 0usize..2, 0usize..3).prop_map(|(s, t, rule, act)| {
            let column = (rule == 0).then_some("who");
            Command::UpdateFinding {
                id: finding_id(&table_id(s, t), &format!("r{rule}"), column),
                action: [
                    FindingAction::Acknowledge,
                    FindingAction::Reopen,
                    FindingAction::AcceptRisk {
                        until_ms: 99,
                        reason: "ok".into(),
                    },
                ][act]
                    .clone(),
                by: "cy".into(),
                at_ms: 30,
            }
        }),
        (
            src.clone(),
            tbl.clone(),
            any::<bool>(),
            proptest::option::of(0u64..3)
        )
            .prop_map(|(s, t, column, if_version)| Command::SetAssetMeta {
                table_id: table_id(s, t),
                column: column.then(|| "who".to_string()),
                owner: Some("ana".into()),
                tags: vec![("retention".into(), Some("1y".into()))],
                if_version,
                by: "ana".into(),
                at_ms: 40,
            }),
        (0usize..2).prop_map(|i| Command::PutPolicy {
            policy: CustomPolicy {
                name: format!("p{i}"),
                text: "package x".into(),
                version: 0,
                by: "ana".into(),
                at_ms: 1,
            }
        }),
        (0usize..2).prop_map(|i| Command::RemovePolicy {
            name: format!("p{i}"),
            by: "ana".into(),
            at_ms: 2
        }),
        any::<bool>().prop_map(|off| Command::SetPolicySettings {
            params_json: "{}".into(),
            disabled_frameworks: if off { vec!["pci-dss".into()] } else { vec![] },
            by: "ana".into(),
            at_ms: 3,
        }),
    ]
}

fn entry(index: u64, cmd: Command) -> Entry {
    Entry {
        log_id: LogId::new(CommittedLeaderId::new(1, 1), index),
        payload: EntryPayload::Normal(cmd),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn sled_and_memory_apply_alike(cmds in proptest::collection::vec(command(), 1..48)) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        let db = sled::open(dir.path()).expect("sled");
        let mut sm = StateMachineStore::open(&db).expect("store");
        let mut mem = MemState::default();
        for (i, cmd) in cmds.into_iter().enumerate() {
            let expected = mem.run(cmd.clone());
            let got = rt
                .block_on(sm.apply([entry(i as u64 + 1, cmd.clone())]))
                .expect("apply on sled");
            prop_assert_eq!(&got, &vec![expected], "{:?}", cmd);
        }
        prop_assert_eq!(
            sm.reader().tables_digest().expect("sled digest"),
            mem.read().tables_digest().expect("memory digest")
        );
    }
}
