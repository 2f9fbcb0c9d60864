//! The three-tier classifier: patterns and validators, context, and the column model,
//! combined per table by [`decide`](super::decide).

use std::collections::HashSet;

use pursight_models::{ColumnModel, ModelError};

use super::context::{ContextDictionary, ContextError, MatchKind, NameContext};
use super::decide::{self, ColumnEvidence, ModelVerdict};
use super::{ColumnSample, PatternClassifier};
use crate::domain::{Classification, ClassificationType};

/// Distinct values of a column the model looks at: enough for a stable mean, and a
/// bounded cost per column whatever the sample size.
pub const MODEL_VALUES: usize = 64;
/// A pattern hit at least this confident makes the model unnecessary for the column.
const PATTERN_SETTLES_AT: f64 = 0.85;

/// Which tiers run; all of them by default (benchmarks and evaluation switch them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tiers {
    pub pattern: bool,
    pub context: bool,
    pub model: bool,
}

impl Default for Tiers {
    fn default() -> Self {
        Self {
            pattern: true,
            context: true,
            model: true,
        }
    }
}

/// Why the classifier could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClassifierError {
    #[error(transparent)]
    Context(#[from] ContextError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("the column model has a class `{0}` that is not a classification type")]
    UnknownModelClass(String),
}

/// The classifier every node runs; cheap to share (`Arc`), safe to use from many threads.
#[derive(Debug)]
pub struct Classifier {
    patterns: PatternClassifier,
    context: ContextDictionary,
    model: Option<(ColumnModel, Vec<Option<ClassificationType>>)>,
    tiers: Tiers,
}

impl Classifier {
    /// All three tiers, with the dictionary and the model built into the binary.
    pub fn new() -> Result<Self, ClassifierError> {
        let model = ColumnModel::embedded()?;
        let classes = model
            .classes()
            .iter()
            .map(|c| {
                if c == "NONE" {
                    Ok(None)
                } else {
                    c.parse()
                        .map(Some)
                        .map_err(|_| ClassifierError::UnknownModelClass(c.clone()))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            patterns: PatternClassifier::new(),
            context: ContextDictionary::embedded()?,
            model: Some((model, classes)),
            tiers: Tiers::default(),
        })
    }

    /// The same classifier with only some tiers running.
    pub fn with_tiers(mut self, tiers: Tiers) -> Self {
        self.tiers = tiers;
        self
    }

    pub fn tiers(&self) -> Tiers {
        self.tiers
    }

    /// The loaded model, for reporting its manifest.
    pub fn model(&self) -> Option<&ColumnModel> {
        self.model.as_ref().map(|(m, _)| m)
    }

    /// Classifies the sampled columns of one table (neighbours and the table's name inform
    /// each other); one list per column, in order.
    pub fn classify_table(
        &self,
        table: &str,
        columns: &[ColumnSample<'_>],
    ) -> Vec<Vec<Classification>> {
        let values: Vec<Vec<&str>> = columns
            .iter()
            .map(|c| {
                c.values
                    .iter()
                    .flatten()
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty())
                    .collect()
            })
            .collect();
        let hits: Vec<_> = values
            .iter()
            .map(|v| {
                if self.tiers.pattern {
                    self.patterns.hits(v)
                } else {
                    Vec::new()
                }
            })
            .collect();
        let thing_table = self.tiers.context && self.context.is_thing_table(table);
        let contexts: Vec<NameContext> = columns
            .iter()
            .map(|c| {
                if !self.tiers.context {
                    return NameContext::default();
                }
                let mut ctx = self.context.analyse(c.name);
                // `products.name` is the product's name.
                if thing_table
                    && ctx
                        .for_type(ClassificationType::PersonName)
                        .is_some_and(|m| m.is_bare())
                {
                    ctx.forget(ClassificationType::PersonName);
                    ctx.names_a_thing = Some(table.to_string());
                }
                ctx
            })
            .collect();
        let verdicts: Vec<Option<ModelVerdict>> = (0..columns.len())
            .map(|i| {
                let settled = hits[i].iter().any(|h| h.confidence >= PATTERN_SETTLES_AT);
                if self.tiers.model && !settled && self.model_may_help(&values[i], &contexts[i]) {
                    self.model_verdict(&values[i])
                } else {
                    None
                }
            })
            .collect();
        let first_name_at: Vec<usize> = (0..columns.len())
            .filter(|&i| {
                contexts[i]
                    .best()
                    .is_some_and(|m| m.type_id == ClassificationType::FirstName)
            })
            .collect();
        // `vorname` + `name`: beside a first-name column, a bare name is the family name
        // (unless the values are full names).
        let mut contexts = contexts;
        for (i, ctx) in contexts.iter_mut().enumerate() {
            let full_names = verdicts[i]
                .as_ref()
                .is_some_and(|v| v.p(Some(ClassificationType::PersonName)) >= 0.5);
            if first_name_at.iter().any(|&j| j != i)
                && !full_names
                && ctx
                    .for_type(ClassificationType::PersonName)
                    .is_some_and(|m| m.kind != MatchKind::Weak)
            {
                ctx.retype(ClassificationType::PersonName, ClassificationType::LastName);
            }
        }
        (0..columns.len())
            .map(|i| {
                decide::decide(&ColumnEvidence {
                    name: columns[i].name,
                    data_type: columns[i].data_type,
                    values: &values[i],
                    hits: &hits[i],
                    context: &contexts[i],
                    model: verdicts[i].as_ref(),
                })
            })
            .collect()
    }

    /// Classifies one column on its own.
    pub fn classify(&self, column: &ColumnSample<'_>) -> Vec<Classification> {
        self.classify_table("", std::slice::from_ref(column))
            .pop()
            .unwrap_or_default()
    }

    /// Whether the model can add anything: its classes are words, except postal codes,
    /// which it may only propose when the name says so. Skipping ids, amounts, dates and
    /// timestamps keeps the model's cost to the columns that need it.
    fn model_may_help(&self, values: &[&str], context: &NameContext) -> bool {
        let Some((_, classes)) = &self.model else {
            return false;
        };
        values.iter().any(|v| v.chars().any(char::is_alphabetic))
            || context
                .matches
                .iter()
                .any(|m| classes.contains(&Some(m.type_id)))
    }

    /// The model's mean probabilities over up to [`MODEL_VALUES`] distinct values.
    fn model_verdict(&self, values: &[&str]) -> Option<ModelVerdict> {
        let (model, classes) = self.model.as_ref()?;
        let mut seen = HashSet::new();
        let distinct: Vec<&str> = values
            .iter()
            .copied()
            .filter(|v| seen.insert(*v))
            .take(MODEL_VALUES)
            .collect();
        if distinct.is_empty() {
            return None;
        }
        match model.predict_mean(&distinct) {
            Ok(p) => Some(ModelVerdict {
                probabilities: classes.iter().copied().zip(p).collect(),
                values: distinct.len(),
            }),
            Err(e) => {
                // The model was verified at load; a failure here is a bug, not a reason
                // to fail the scan: the other tiers still decide.
                tracing::warn!(error = %e, "column model failed; classifying without it");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClassificationType as T;

    fn col<'a>(
        name: &'a str,
        data_type: &'a str,
        values: &'a [Option<String>],
    ) -> ColumnSample<'a> {
        ColumnSample {
            name,
            data_type,
            values,
        }
    }

    fn values(v: &[&str]) -> Vec<Option<String>> {
        v.iter().map(|s| Some(s.to_string())).collect()
    }

    fn top(found: &[Classification]) -> Option<T> {
        found.first().map(|c| c.type_id)
    }

    #[test]
    fn neighbours_and_the_table_name_are_context() {
        let c = Classifier::new().expect("classifier");
        let first = values(&[
            "Anna", "Lukas", "Marie", "Jonas", "Sophie", "Felix", "Emma", "Paul",
        ]);
        let last = values(&[
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
        ]);
        let found = c.classify_table(
            "kunden",
            &[col("vorname", "text", &first), col("name", "text", &last)],
        );
        assert_eq!(top(&found[0]), Some(T::FirstName), "{:?}", found[0]);
        assert_eq!(top(&found[1]), Some(T::LastName), "{:?}", found[1]);
        assert!(
            found[1][0].explanation.iter().all(|e| e.score >= 0.0),
            "no rule contradicts the remap: {:?}",
            found[1][0].explanation
        );

        let products = values(&["Trail Jacket", "Rain Poncho", "Wool Socks", "Camp Stove"]);
        let found = c.classify_table("products", &[col("name", "text", &products)]);
        assert!(found[0].is_empty(), "{:?}", found[0]);
    }

    #[test]
    fn decoys_stay_clean_and_unnamed_columns_are_found_by_value() {
        let c = Classifier::new().expect("classifier");
        let flags = values(&["true", "false", "true", "true"]);
        let cities = values(&[
            "Berlin",
            "Hamburg",
            "München",
            "Köln",
            "Frankfurt am Main",
            "Stuttgart",
            "Leipzig",
            "Dresden",
            "Hannover",
            "Nürnberg",
        ]);
        let years = values(&["1984", "1991", "2003", "1977", "1969"]);
        let found = c.classify_table(
            "t",
            &[
                col("email_verified", "boolean", &flags),
                col("col_a", "varchar", &cities),
                col("birth_year", "integer", &years),
            ],
        );
        assert!(found[0].is_empty(), "{:?}", found[0]);
        assert_eq!(top(&found[1]), Some(T::City), "{:?}", found[1]);
        assert!(found[1][0].tiers.contains(&crate::domain::Tier::Model));
        assert!(found[2].is_empty(), "{:?}", found[2]);
    }
}
