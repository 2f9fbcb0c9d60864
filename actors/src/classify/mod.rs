//! Classification of sampled columns in three tiers:
//! - tier 1, [`PatternClassifier`]: regular expressions plus validators (checksums, ranges,
//!   country tables), one pass per value;
//! - tier 2, [`context`]: what the column's name and its neighbours say;
//! - tier 3, the column model (`pursight-models`), for what has no pattern;
//!
//! combined by [`decide`] into types with a confidence, a level and an explanation, by the
//! [`Classifier`] every node runs. [`eval`] scores it on the labelled benchmark.
//!
//! Sampled values stay in memory; only masked evidence (see [`mask`]) leaves this module.

pub mod context;
pub mod decide;
mod describe;
mod engine;
pub mod eval;
mod mask;
mod recognizers;
mod validators;

pub use engine::{Classifier, ClassifierError, MODEL_VALUES, Tiers};
pub use mask::mask;

use crate::domain::{Classification, Contribution, Level, Tier};
use decide::PatternHit;
use recognizers::Recognizers;

/// Minimum share of non-empty values that must match for a type to be reported.
const MIN_RATIO: f64 = 0.3;
/// Types whose ratio is within this of the best one are kept alongside it.
const RATIO_TIE: f64 = 0.1;
/// Below this many non-empty values, confidence is scaled down.
const SMALL_SAMPLE: usize = 5;
/// A non-checksummed type is dropped when at least this share of its matches also pass a
/// reported checksummed type (NHS numbers written `943 476 5919` also look like phones).
const DOMINATED_SHARE: f64 = 0.8;

/// Sampled values of one column; `None` is SQL NULL. Values live only in memory.
#[derive(Clone, Copy)]
pub struct ColumnSample<'a> {
    /// Column name (not used by this tier; the context tier reads it).
    pub name: &'a str,
    /// Declared type as the source reports it (not used by this tier).
    pub data_type: &'a str,
    /// The sampled values.
    pub values: &'a [Option<String>],
}

// Hand-written so that logging a sample never prints the raw values.
impl std::fmt::Debug for ColumnSample<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ColumnSample")
            .field("name", &self.name)
            .field("data_type", &self.data_type)
            .field("values", &format_args!("<{} values>", self.values.len()))
            .finish()
    }
}

/// Classifies columns from their values with compiled recognizers; cheap to share (`Arc`).
#[derive(Debug)]
pub struct PatternClassifier {
    recognizers: Recognizers,
}

impl Default for PatternClassifier {
    fn default() -> Self {
        Self::new()
    }
}

/// Per-recognizer tallies over one column.
#[derive(Clone, Copy, Default)]
struct Tally {
    matches: usize,
    /// Index (into the non-empty values) of the first match, for the evidence.
    first: Option<usize>,
}

impl PatternClassifier {
    /// Compiles every recognizer once.
    pub fn new() -> Self {
        Self {
            recognizers: Recognizers::new(),
        }
    }

    /// Sensitive types found in the column by this tier alone, most confident first.
    pub fn classify(&self, sample: &ColumnSample<'_>) -> Vec<Classification> {
        let values: Vec<&str> = sample
            .values
            .iter()
            .flatten()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        self.hits(&values)
            .into_iter()
            .map(|h| Classification {
                type_id: h.type_id,
                confidence: h.confidence,
                level: Level::from_confidence(h.confidence),
                tiers: vec![Tier::Pattern],
                explanation: vec![Contribution {
                    tier: Tier::Pattern,
                    score: h.confidence,
                    detail: h.detail(),
                }],
                evidence: h.evidence,
            })
            .collect()
    }

    /// What this tier finds in a column's trimmed, non-empty values: the types whose
    /// share of validated values qualifies, most confident first.
    pub fn hits(&self, values: &[&str]) -> Vec<PatternHit> {
        if values.is_empty() {
            return Vec::new();
        }

        // One bit per recognizer per value, so overlaps between types can be counted; one
        // multi-pattern pass per value names the candidates whose validators then run.
        let masks: Vec<u64> = values
            .iter()
            .map(|v| self.recognizers.match_mask(v))
            .collect();
        let mut tallies = vec![Tally::default(); self.recognizers.len()];
        for (vi, m) in masks.iter().enumerate() {
            for (ri, t) in tallies.iter_mut().enumerate() {
                if m & (1u64 << ri) != 0 {
                    t.matches += 1;
                    t.first.get_or_insert(vi);
                }
            }
        }

        let n = values.len();
        let ratio = |ri: usize| tallies[ri].matches as f64 / n as f64;
        let qualifies = |ri: usize| tallies[ri].matches > 0 && ratio(ri) >= MIN_RATIO;
        let mut kept: Vec<usize> = (0..self.recognizers.len())
            .filter(|&ri| !self.recognizers[ri].fallback_only && qualifies(ri))
            .collect();
        if kept.is_empty() {
            kept = (0..self.recognizers.len())
                .filter(|&ri| self.recognizers[ri].fallback_only && qualifies(ri))
                .collect();
        }

        // A shape-only match mostly covered by checksum-validated values is that other type.
        let dominated = |ri: usize| {
            !self.recognizers[ri].checksummed
                && kept.iter().any(|&ci| {
                    self.recognizers[ci].checksummed && {
                        let both = masks
                            .iter()
                            .filter(|m| *m & (1u64 << ri) != 0 && *m & (1u64 << ci) != 0)
                            .count();
                        both as f64 >= DOMINATED_SHARE * tallies[ri].matches as f64
                    }
                })
        };
        let kept: Vec<usize> = kept.iter().copied().filter(|&ri| !dominated(ri)).collect();

        let best = kept.iter().map(|&ri| ratio(ri)).fold(0.0, f64::max);
        let mut out: Vec<PatternHit> = kept
            .into_iter()
            .filter(|&ri| ratio(ri) + RATIO_TIE + 1e-9 >= best)
            .filter_map(|ri| {
                let r = &self.recognizers[ri];
                let evidence_value = values.get(tallies[ri].first?)?;
                Some(PatternHit {
                    type_id: r.type_id,
                    matches: tallies[ri].matches,
                    non_empty: n,
                    confidence: confidence(ratio(ri), r.base_precision, n),
                    checksummed: r.checksummed,
                    base_precision: r.base_precision,
                    evidence: mask(r.type_id, evidence_value),
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then_with(|| a.type_id.cmp(&b.type_id))
        });
        out
    }
}

/// ratio × precision, scaled by (n + 5) / 10 below [`SMALL_SAMPLE`] values (one value is
/// weak evidence), clamped to [0, 1] and rounded to 2 decimals.
fn confidence(ratio: f64, precision: f64, non_empty: usize) -> f64 {
    let small = if non_empty < SMALL_SAMPLE {
        (non_empty as f64 + 5.0) / 10.0
    } else {
        1.0
    };
    let c = (ratio * precision * small).clamp(0.0, 1.0);
    (c * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests;
