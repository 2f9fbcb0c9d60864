//! The disk format: a data folder written by an earlier build opens with this one, through
//! the real binary. `fixtures/datadir-v4/` was written by the build before the state
//! machine was split by command family (`pursight demo`, then two steward corrections):
//! two sources, eight tables, two finished scans, 31 findings, two corrections audited.

use std::path::Path;

use openraft::EntryPayload;
use pursight_chaos::run_cli;
use pursight_node::raft::types::Entry;
use pursight_node::state::apply::apply;
use pursight_node::state::codec::decode;
use pursight_node::state::tables::{MemTables, SledTables, TableRead, Tx, digest};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_pursight");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn json(data: &Path, args: &[&str]) -> Value {
    let data = data.display().to_string();
    let args: Vec<&str> = ["--data", data.as_str(), "--format", "json"]
        .into_iter()
        .chain(args.iter().copied())
        .collect();
    let out = run_cli(Path::new(BIN), &args).expect("pursight");
    serde_json::from_str(&out).expect("json output")
}

#[test]
fn a_data_folder_of_the_previous_build_opens() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A copy: opening a folder writes to it (heartbeats, the node's registration).
    let data = dir.path().join("data");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/datadir-v4");
    copy_dir(&fixture, &data);

    let sources = json(&data, &["source", "list"]);
    let ids: Vec<&str> = sources
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(ids, ["northwind_db", "northwind_files"]);

    let tables = json(&data, &["catalog", "search", ""]);
    assert_eq!(tables.as_array().expect("list").len(), 8);

    let scans = json(&data, &["scans", "list"]);
    let scans = scans.as_array().expect("list");
    assert_eq!(scans.len(), 2);
    assert!(scans.iter().all(|s| s["state"] == "done"), "{scans:?}");

    let findings = json(&data, &["findings"]);
    assert_eq!(findings.as_array().expect("list").len(), 31);

    // The stewards' corrections: stored, applied to the column, and audited.
    let email = json(
        &data,
        &[
            "catalog",
            "show",
            "northwind_db.northwind.main.customers.email",
        ],
    );
    let text = email.to_string();
    assert!(text.contains("EMAIL_ADDRESS"), "{text}");
    assert!(text.contains("confirmed by admin"), "{text}");
    let first = json(
        &data,
        &[
            "catalog",
            "show",
            "northwind_db.northwind.main.customers.first_name",
        ],
    );
    assert!(
        !first.to_string().contains("FIRST_NAME"),
        "the rejected type stays rejected: {first}"
    );
}

/// The previous build's whole log, replayed through this build's rules, gives exactly the
/// state (every table, byte for byte) that the previous build stored: the rules and the
/// disk format did not change.
#[test]
fn the_previous_builds_log_replays_to_the_state_it_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/datadir-v4");
    copy_dir(&fixture, dir.path());
    let db = sled::open(dir.path().join("state")).expect("open the fixture");
    let stored = SledTables::open(&db).expect("tables");
    let applied = stored.applied_index().expect("applied index");
    let mut replayed = MemTables::default();
    // openraft starts the log at index 0 (the first membership).
    for (next, kv) in (0u64..).zip(db.open_tree("raft_log").expect("log").iter()) {
        let (_, bytes) = kv.expect("read the log");
        let entry: Entry = decode(&bytes).expect("decode an entry");
        // The whole history is there (no snapshot purged it), in order.
        assert_eq!(entry.log_id.index, next, "a gap in the fixture's log");
        if entry.log_id.index > applied {
            break;
        }
        if let EntryPayload::Normal(cmd) = entry.payload {
            let base: &dyn TableRead = &replayed;
            let mut tx = Tx::new(base);
            apply(&cmd, &mut tx).expect("apply");
            let writes = tx.into_writes();
            replayed.commit(writes);
        }
    }
    assert!(
        applied >= 30,
        "the fixture holds a real history ({applied} entries)"
    );
    assert_eq!(
        digest(&replayed).expect("digest"),
        digest(&stored).expect("digest")
    );
}
