//! What a run did, as the checkers read it: every operation with its invocation and
//! completion time, the node it went to and its outcome, written as JSON lines.

use serde::{Deserialize, Serialize};

/// One operation of a workload client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub id: u64,
    pub client: u32,
    /// The node the request went to.
    pub node: u64,
    pub kind: OpKind,
    /// Milliseconds since the run started.
    pub invoke_ms: u64,
    /// `None`: no answer (the outcome is unknown).
    pub complete_ms: Option<u64>,
    pub outcome: Outcome,
}

/// What an operation asked for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum OpKind {
    /// Read a register (a tag of a catalog entry), linearizably.
    Read { key: String },
    /// Set a register unconditionally.
    Write { key: String, value: String },
    /// Set a register only at version `expect` (`If-Match`).
    Cas {
        key: String,
        expect: u64,
        value: String,
    },
    /// Register a source (an acknowledged one must exist at the end).
    AddSource { id: String },
    /// A scan, from queueing to its end; the outcome carries what the cluster reported.
    Scan { source: String },
    /// A change of the policy settings.
    Policy { disabled: Vec<String> },
}

/// How an operation ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Done. For a read, the version and value seen; for a write or CAS, the version it
    /// made; for a scan, what its job reported.
    Ok {
        #[serde(default)]
        version: Option<u64>,
        #[serde(default)]
        value: Option<String>,
        #[serde(default)]
        scan: Option<ScanResult>,
    },
    /// Definitely not done (refused: a failed CAS, a bad request).
    Fail { reason: String },
    /// May or may not have happened (a timeout, a lost connection, an unknown outcome).
    Unknown { reason: String },
}

/// A scan job as the cluster reported it at its end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScanResult {
    pub job: String,
    pub state: String,
    pub attempt: u64,
    pub applied_seq: u64,
    pub outputs_applied: u64,
    pub node: Option<u64>,
}

impl Op {
    /// The register this operation touches, if any.
    pub fn key(&self) -> Option<&str> {
        match &self.kind {
            OpKind::Read { key } | OpKind::Write { key, .. } | OpKind::Cas { key, .. } => Some(key),
            _ => None,
        }
    }

    pub fn is_ok(&self) -> bool {
        matches!(self.outcome, Outcome::Ok { .. })
    }
}

/// Writes a history as JSON lines.
pub fn write_jsonl(path: &std::path::Path, ops: &[Op]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    for op in ops {
        serde_json::to_writer(&mut f, op)?;
        f.write_all(b"\n")?;
    }
    f.flush()
}

/// Reads a history written by [`write_jsonl`].
pub fn read_jsonl(path: &std::path::Path) -> std::io::Result<Vec<Op>> {
    let text = std::fs::read_to_string(path)?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(std::io::Error::other))
        .collect()
}
