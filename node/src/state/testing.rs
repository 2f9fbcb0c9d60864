//! Builders of commands and records for the state's tests (the rules' unit tests, the
//! property test, the Raft tests), so none of them keeps a copy.

use pursight_actors::corrections::CorrectionAction;
use pursight_actors::domain::{
    AssetKind, Classification, ClassificationType, Column, Level, ScanProgress, ScanState, Source,
    SourceKind, TableAsset, Tier,
};

use super::apply::apply;
use super::tables::{MemTables, TableRead, Tx};
use super::{Command, CommandResult, Reader};

/// The state in memory, applying commands the way the node does on sled.
#[derive(Default)]
pub(crate) struct MemState(pub(crate) MemTables);

impl MemState {
    /// Applies one command and commits its writes.
    pub(crate) fn run(&mut self, cmd: Command) -> CommandResult {
        let (result, writes) = {
            let base: &dyn TableRead = &self.0;
            let mut tx = Tx::new(base);
            let result = apply(&cmd, &mut tx).expect("apply");
            (result, tx.into_writes())
        };
        self.0.commit(writes);
        result
    }

    /// A reader over the current state.
    pub(crate) fn read(&self) -> Reader<&MemTables> {
        Reader::new(&self.0)
    }
}

pub(crate) fn assign(id: &str, node: u64, attempt: u32, at_ms: u64) -> Command {
    Command::AssignScan {
        id: id.into(),
        attempt,
        node,
        lease_ms: pursight_actors::jobs::LEASE_MS,
        placement: pursight_actors::domain::Placement {
            attempt,
            node,
            at_ms,
            site: None,
            in_site: false,
            rtt_ms: None,
            reason: "test".into(),
        },
        at_ms,
    }
}

pub(crate) fn output(
    id: &str,
    node: u64,
    attempt: u32,
    seq: u64,
    state: ScanState,
    at_ms: u64,
) -> Command {
    Command::ScanOutput {
        id: id.into(),
        attempt,
        node,
        seq,
        output: pursight_actors::domain::ScanOutput::State {
            state,
            progress: ScanProgress::default(),
            error: None,
        },
        at_ms,
    }
}

pub(crate) fn source(id: &str) -> Source {
    Source {
        id: id.into(),
        kind: SourceKind::Sqlite,
        uri: format!("sqlite:///tmp/{id}.db"),
        site: None,
        residency: Default::default(),
        schedule: None,
        created_at_ms: 1,
        sample: None,
        sealed_password: None,
    }
}

pub(crate) fn table(source: &str, name: &str) -> TableAsset {
    TableAsset {
        id: TableAsset::make_id(source, "db", "main", name),
        name: name.into(),
        kind: AssetKind::Table,
        source: source.into(),
        database: "db".into(),
        schema: "main".into(),
        row_count: Some(3),
        columns: vec![],
        scan_id: "s1".into(),
        scanned_at_ms: 2,
        comment: None,
        definition: None,
        primary_key: vec![],
        foreign_keys: vec![],
        fingerprint: None,
        deleted_at_ms: None,
    }
}

pub(crate) fn classified_table(
    source: &str,
    name: &str,
    types: &[ClassificationType],
) -> TableAsset {
    let mut t = table(source, name);
    t.columns = vec![Column {
        name: "who".into(),
        data_type: "text".into(),
        nullable: true,
        classifications: types
            .iter()
            .map(|ty| Classification {
                type_id: *ty,
                confidence: 0.8,
                level: Level::Medium,
                tiers: vec![Tier::Model],
                evidence: "A***".into(),
                explanation: vec![],
            })
            .collect(),
        profile: Default::default(),
        default: None,
        comment: None,
        deleted_at_ms: None,
    }];
    t
}

pub(crate) fn correct(
    table_id: &str,
    changes: &[(ClassificationType, CorrectionAction)],
) -> Command {
    Command::CorrectClassifications {
        table_id: table_id.into(),
        column: "who".into(),
        corrections: changes.to_vec(),
        by: "alice".into(),
        reason: None,
        at_ms: 5,
    }
}

/// Table output of a scan attempt.
pub(crate) fn table_output(id: &str, node: u64, attempt: u32, seq: u64, t: TableAsset) -> Command {
    Command::ScanOutput {
        id: id.into(),
        attempt,
        node,
        seq,
        output: pursight_actors::domain::ScanOutput::Table(Box::new(t)),
        at_ms: 50,
    }
}

pub(crate) fn heartbeat(id: u64, at_ms: u64, running: &[(&str, u32)]) -> Command {
    Command::NodeHeartbeat {
        id,
        version: "test".into(),
        at_ms,
        report: crate::registry::NodeReport {
            capacity: 2,
            running: running.iter().map(|(j, a)| (j.to_string(), *a)).collect(),
            taken_at_ms: at_ms,
            complete: true,
            ..Default::default()
        },
    }
}
