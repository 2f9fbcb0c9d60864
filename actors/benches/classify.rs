//! Classification throughput per tier, on the tables of the labelled benchmark
//! (`models/eval/benchmark.jsonl.gz`): `cargo bench -p pursight-actors --bench classify`.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pursight_actors::classify::eval::{self, BenchTable};
use pursight_actors::classify::{Classifier, Tiers};

/// Tables classified per iteration: enough to mix every kind of column.
const TABLES: usize = 40;

fn tables() -> Vec<BenchTable> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/eval/benchmark.jsonl.gz");
    let mut all = eval::load(&path).expect("benchmark file (generate with models/train/run.py)");
    all.truncate(TABLES);
    all
}

fn run(c: &Classifier, tables: &[BenchTable]) -> usize {
    let mut found = 0;
    for t in tables {
        let samples = t.samples();
        found += c
            .classify_table(&t.table, &samples)
            .iter()
            .map(Vec::len)
            .sum::<usize>();
    }
    found
}

fn per_tier(cr: &mut Criterion) {
    let tables = tables();
    let values = eval::value_count(&tables) as u64;
    let mut group = cr.benchmark_group("classify");
    group.throughput(Throughput::Elements(values));
    group.sample_size(20);
    let only = |pattern, context, model| Tiers {
        pattern,
        context,
        model,
    };
    for (name, tiers) in [
        ("pattern", only(true, false, false)),
        ("context", only(false, true, false)),
        ("model", only(false, false, true)),
        ("all", Tiers::default()),
    ] {
        let classifier = Classifier::new().expect("classifier").with_tiers(tiers);
        group.bench_function(name, |b| b.iter(|| run(&classifier, &tables)));
    }
    group.finish();
}

criterion_group!(benches, per_tier);
criterion_main!(benches);
