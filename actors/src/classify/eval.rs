//! Evaluation of the classifier on a labelled benchmark (`models/eval/benchmark.jsonl.gz`,
//! written by `models/train/make_benchmark.py`): per-type precision, recall and F1, macro
//! F1, the false-positive rate on non-sensitive columns, precision per confidence level,
//! and throughput.
//!
//! Scoring: a column's prediction is its most confident reported type (or none). For a
//! type T, a true positive is a column labelled T predicted T; a false positive a column
//! predicted T labelled otherwise (or unlabelled); a false negative a column labelled T
//! predicted otherwise. Macro F1 averages F1 over the types that occur in the labels.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Classifier, ColumnSample};
use crate::domain::{ClassificationType, Level};

/// One labelled table of the benchmark.
#[derive(Clone, Debug, Deserialize)]
pub struct BenchTable {
    pub table: String,
    #[serde(default)]
    pub locale: String,
    pub columns: Vec<BenchColumn>,
}

impl BenchTable {
    /// The table's columns as the classifier takes them.
    pub fn samples(&self) -> Vec<ColumnSample<'_>> {
        self.columns
            .iter()
            .map(|c| ColumnSample {
                name: &c.name,
                data_type: &c.data_type,
                values: &c.values,
            })
            .collect()
    }
}

/// One labelled column.
#[derive(Clone, Debug, Deserialize)]
pub struct BenchColumn {
    pub name: String,
    #[serde(default)]
    pub data_type: String,
    /// The true type; `None` for a non-sensitive column.
    pub label: Option<ClassificationType>,
    /// How the column is named: clear, abbreviated, unnamed, misleading.
    #[serde(default)]
    pub naming: String,
    pub values: Vec<Option<String>>,
}

/// Why the benchmark could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {0}: {1}")]
    Io(String, std::io::Error),
    #[error("{0}, line {1}: {2}")]
    Parse(String, usize, serde_json::Error),
}

/// Reads a benchmark file: JSON lines, gzip-compressed when the name ends in `.gz`.
pub fn load(path: &Path) -> Result<Vec<BenchTable>, EvalError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| EvalError::Io(shown.clone(), e))?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut out = Vec::new();
    for (i, line) in BufReader::new(reader).lines().enumerate() {
        let line = line.map_err(|e| EvalError::Io(shown.clone(), e))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line).map_err(|e| EvalError::Parse(shown.clone(), i + 1, e))?,
        );
    }
    Ok(out)
}

/// The prediction for one column.
#[derive(Clone, Debug, Serialize)]
pub struct Prediction {
    pub table: String,
    pub column: String,
    pub naming: String,
    pub label: Option<ClassificationType>,
    pub predicted: Option<ClassificationType>,
    pub confidence: Option<f64>,
    pub level: Option<Level>,
    /// Every reported type, most confident first.
    pub types: Vec<ClassificationType>,
}

/// Scores per type.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TypeScore {
    pub support: usize,
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Precision of the top prediction at one confidence level.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LevelScore {
    pub predictions: usize,
    pub correct: usize,
    pub precision: f64,
}

/// The whole evaluation.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub tables: usize,
    pub columns: usize,
    pub values: usize,
    pub per_type: BTreeMap<ClassificationType, TypeScore>,
    pub macro_f1: f64,
    /// Share of columns predicted exactly right (type or none).
    pub accuracy: f64,
    pub non_sensitive_columns: usize,
    pub false_positive_columns: usize,
    /// Share of non-sensitive columns that got a type.
    pub false_positive_rate: f64,
    pub per_level: BTreeMap<String, LevelScore>,
    /// Macro F1 per column naming (clear, abbreviated, unnamed, misleading).
    pub per_naming: BTreeMap<String, f64>,
    /// Classification CPU time, one thread.
    pub seconds: f64,
    pub values_per_second: f64,
}

/// Classifies every table of the benchmark; returns the predictions and the CPU time this
/// thread spent classifying (excluding loading), so other work on the machine does not
/// count.
pub fn predict(classifier: &Classifier, tables: &[BenchTable]) -> (Vec<Prediction>, f64) {
    let mut out = Vec::new();
    let mut seconds = 0.0;
    for t in tables {
        let samples = t.samples();
        let start = cpu_time::ThreadTime::now();
        let found = classifier.classify_table(&t.table, &samples);
        seconds += start.elapsed().as_secs_f64();
        for (c, f) in t.columns.iter().zip(found) {
            let top = f.first();
            out.push(Prediction {
                table: t.table.clone(),
                column: c.name.clone(),
                naming: c.naming.clone(),
                label: c.label,
                predicted: top.map(|x| x.type_id),
                confidence: top.map(|x| x.confidence),
                level: top.map(|x| x.level),
                types: f.iter().map(|x| x.type_id).collect(),
            });
        }
    }
    (out, seconds)
}

fn f1_of(tp: usize, fp: usize, fn_: usize) -> (f64, f64, f64) {
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let p = ratio(tp, tp + fp);
    let r = ratio(tp, tp + fn_);
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

fn per_type(preds: &[&Prediction]) -> BTreeMap<ClassificationType, TypeScore> {
    let mut m: BTreeMap<ClassificationType, TypeScore> = BTreeMap::new();
    for p in preds {
        if let Some(l) = p.label {
            let s = m.entry(l).or_default();
            s.support += 1;
            if p.predicted == Some(l) {
                s.tp += 1;
            } else {
                s.fn_ += 1;
            }
        }
        if let Some(t) = p.predicted
            && p.label != Some(t)
        {
            m.entry(t).or_default().fp += 1;
        }
    }
    for s in m.values_mut() {
        (s.precision, s.recall, s.f1) = f1_of(s.tp, s.fp, s.fn_);
    }
    m
}

fn macro_f1(scores: &BTreeMap<ClassificationType, TypeScore>) -> f64 {
    let present: Vec<f64> = scores
        .values()
        .filter(|s| s.support > 0)
        .map(|s| s.f1)
        .collect();
    if present.is_empty() {
        0.0
    } else {
        present.iter().sum::<f64>() / present.len() as f64
    }
}

/// Scores predictions against their labels.
pub fn score(preds: &[Prediction], values: usize, seconds: f64) -> Report {
    let all: Vec<&Prediction> = preds.iter().collect();
    let per_type_scores = per_type(&all);
    let non_sensitive = preds.iter().filter(|p| p.label.is_none()).count();
    let fp_columns = preds
        .iter()
        .filter(|p| p.label.is_none() && p.predicted.is_some())
        .count();
    let mut per_level: BTreeMap<String, LevelScore> = BTreeMap::new();
    for p in preds {
        if let Some(level) = p.level {
            let key = serde_json::to_value(level)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            let s = per_level.entry(key).or_default();
            s.predictions += 1;
            if p.predicted == p.label {
                s.correct += 1;
            }
        }
    }
    for s in per_level.values_mut() {
        s.precision = s.correct as f64 / s.predictions.max(1) as f64;
    }
    let mut namings: BTreeMap<String, Vec<&Prediction>> = BTreeMap::new();
    for p in preds {
        namings.entry(p.naming.clone()).or_default().push(p);
    }
    let per_naming = namings
        .into_iter()
        .map(|(k, v)| (k, macro_f1(&per_type(&v))))
        .collect();
    let tables = preds
        .iter()
        .map(|p| p.table.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    Report {
        tables,
        columns: preds.len(),
        values,
        macro_f1: macro_f1(&per_type_scores),
        per_type: per_type_scores,
        accuracy: preds.iter().filter(|p| p.predicted == p.label).count() as f64
            / preds.len().max(1) as f64,
        non_sensitive_columns: non_sensitive,
        false_positive_columns: fp_columns,
        false_positive_rate: fp_columns as f64 / non_sensitive.max(1) as f64,
        per_level,
        per_naming,
        seconds,
        values_per_second: if seconds > 0.0 {
            values as f64 / seconds
        } else {
            0.0
        },
    }
}

/// Number of non-null values in the benchmark (the unit of throughput figures).
pub fn value_count(tables: &[BenchTable]) -> usize {
    tables
        .iter()
        .flat_map(|t| &t.columns)
        .map(|c| c.values.iter().flatten().count())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClassificationType as T;

    fn p(label: Option<T>, predicted: Option<T>) -> Prediction {
        Prediction {
            table: "t".into(),
            column: "c".into(),
            naming: "clear".into(),
            label,
            predicted,
            confidence: predicted.map(|_| 0.9),
            level: predicted.map(|_| Level::High),
            types: predicted.into_iter().collect(),
        }
    }

    #[test]
    fn scores_follow_the_definitions() {
        let preds = vec![
            p(Some(T::EmailAddress), Some(T::EmailAddress)),
            p(Some(T::EmailAddress), None),
            p(None, Some(T::EmailAddress)),
            p(None, None),
            p(Some(T::City), Some(T::City)),
        ];
        let r = score(&preds, 500, 0.5);
        let e = &r.per_type[&T::EmailAddress];
        assert_eq!((e.tp, e.fp, e.fn_, e.support), (1, 1, 1, 2));
        assert!((e.f1 - 0.5).abs() < 1e-9);
        assert!((r.macro_f1 - 0.75).abs() < 1e-9);
        assert!((r.false_positive_rate - 0.5).abs() < 1e-9);
        assert_eq!(r.values_per_second, 1000.0);
        assert_eq!(r.per_level["high"].predictions, 3);
    }
}
