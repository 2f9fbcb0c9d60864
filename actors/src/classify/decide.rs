//! The decision: per column, the three tiers' evidence becomes a short list of types with a
//! confidence, a level and an explanation of what each tier contributed.
//!
//! The rules, in order:
//! 1. a boolean column holds no sensitive type;
//! 2. a pattern hit starts at its pattern confidence (share of values that validate ×
//!    the recognizer's precision);
//! 3. the model proposes its own types (names, places, special categories) at its mean
//!    probability, and pushes back on shape-only pattern hits when it clearly sees
//!    something else;
//! 4. the column name raises a type it names, proposes a type alone (at most medium
//!    confidence, and only when the values have a compatible shape), and lowers every
//!    type when it carries a negative word (`email_verified`) or names another type;
//! 5. types below [`REPORT_AT`] or far below the best are dropped.

use crate::domain::{Classification, ClassificationType, Contribution, Level, Tier};

use super::context::{MatchKind, NameContext};
use super::mask;

/// Confidence below which a type is not reported.
pub const REPORT_AT: f64 = 0.3;
/// Types more than this below the best one are dropped.
const KEEP_WITHIN: f64 = 0.25;
/// At most this many types per column.
const MAX_TYPES: usize = 3;
/// Share of a context score that a matching name adds to an existing candidate's gap to 1.
const CONTEXT_BOOST: f64 = 0.6;
/// A name alone proposes a type at this share of its context score, when the values have
/// the type's shape: medium (0.68) for a whole name, low for a word of the name (0.56) or a
/// compound (0.45). Weak hints alone propose nothing.
const CONTEXT_ALONE: f64 = 0.75;
/// Model probability from which the model proposes a type the column name also names.
const MODEL_PROPOSES_NAMED_AT: f32 = 0.3;
/// Model probability from which the model proposes a type on its own.
const MODEL_PROPOSES_AT: f32 = 0.45;
/// Share of distinct values below which a column cannot hold identifiers of individuals
/// (full names, usernames, street addresses) on the model's word alone: a status or
/// brand column repeats a handful of values.
const MIN_VARIETY: f64 = 0.3;
/// A weak recognizer (precision under [`WEAK_PRECISION`]) needs this share of validated
/// values, or the column name's support: random 8-letter codes pass the BIC country check
/// a third of the time.
const WEAK_NEEDS_RATIO: f64 = 0.8;
const WEAK_PRECISION: f64 = 0.8;
/// Model probability from which the model overrules a shape-only pattern.
const MODEL_OVERRULES_AT: f32 = 0.6;
/// What is left of a person-name candidate in the bare `name` column of a table about
/// things (capitalised product names look like people's names to the model).
const THING_TABLE: f64 = 0.4;
/// Share of values that must have a compatible shape for a name alone to propose a type.
const COMPATIBLE_SHARE: f64 = 0.7;

/// What tier 1 found for one type over a column.
#[derive(Clone, Debug, PartialEq)]
pub struct PatternHit {
    pub type_id: ClassificationType,
    /// Non-empty values that passed the shape and the validator.
    pub matches: usize,
    pub non_empty: usize,
    /// Its pattern confidence.
    pub confidence: f64,
    /// Accepted values passed a checksum.
    pub checksummed: bool,
    pub base_precision: f64,
    /// One match, masked.
    pub evidence: String,
}

impl PatternHit {
    /// The hit in words, for explanations.
    pub fn detail(&self) -> String {
        format!(
            "{} of {} values {}",
            self.matches,
            self.non_empty,
            super::describe::check(self.type_id)
        )
    }
}

/// The model's column-level verdict: mean probability per class over distinct values.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelVerdict {
    /// `None` is the model's "not sensitive" class.
    pub probabilities: Vec<(Option<ClassificationType>, f32)>,
    pub values: usize,
}

impl ModelVerdict {
    /// The mean probability of one class (`None`: not sensitive).
    pub fn p(&self, t: Option<ClassificationType>) -> f32 {
        self.probabilities
            .iter()
            .find(|(c, _)| *c == t)
            .map_or(0.0, |(_, p)| *p)
    }

    fn knows(&self, t: ClassificationType) -> bool {
        self.probabilities.iter().any(|(c, _)| *c == Some(t))
    }

    /// The most probable sensitive class and its probability.
    fn best_sensitive(&self) -> Option<(ClassificationType, f32)> {
        self.probabilities
            .iter()
            .filter_map(|(c, p)| c.map(|c| (c, *p)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    fn runner_up(&self, t: ClassificationType) -> Option<(Option<ClassificationType>, f32)> {
        self.probabilities
            .iter()
            .filter(|(c, _)| *c != Some(t))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .copied()
    }
}

/// Everything known about one column when deciding.
pub struct ColumnEvidence<'a> {
    pub name: &'a str,
    pub data_type: &'a str,
    /// Trimmed non-empty values.
    pub values: &'a [&'a str],
    pub hits: &'a [PatternHit],
    pub context: &'a NameContext,
    pub model: Option<&'a ModelVerdict>,
}

struct Candidate {
    type_id: ClassificationType,
    confidence: f64,
    evidence: String,
    explanation: Vec<Contribution>,
}

impl Candidate {
    fn adjust(&mut self, tier: Tier, factor: f64, detail: String) {
        let before = self.confidence;
        self.confidence = (self.confidence * factor).clamp(0.0, 1.0);
        self.explanation.push(Contribution {
            tier,
            score: round2(self.confidence - before),
            detail,
        });
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Model types that identify one person each, so a column of them varies.
fn identifies_individuals(t: ClassificationType) -> bool {
    use ClassificationType as T;
    matches!(t, T::PersonName | T::Username | T::StreetAddress)
}

/// Whether a declared type is numeric (`integer`, `numeric(10,2)`, `double precision`...),
/// by whole words so `point` or `interval` do not count.
fn is_numeric_type(data_type: &str) -> bool {
    const NUMERIC: &[&str] = &[
        "int",
        "integer",
        "bigint",
        "smallint",
        "tinyint",
        "mediumint",
        "int2",
        "int4",
        "int8",
        "numeric",
        "decimal",
        "float",
        "float4",
        "float8",
        "double",
        "real",
        "number",
        "serial",
        "bigserial",
        "smallserial",
        "money",
    ];
    data_type
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| NUMERIC.contains(&w))
}

fn is_boolean_type(data_type: &str) -> bool {
    let t = data_type.to_ascii_lowercase();
    t == "bool" || t == "boolean" || t == "bit" || t == "tinyint(1)"
}

/// Decides the classifications of one column.
pub fn decide(col: &ColumnEvidence<'_>) -> Vec<Classification> {
    if col.values.is_empty() || is_boolean_type(col.data_type) {
        return Vec::new();
    }
    let mut cands: Vec<Candidate> = Vec::new();

    let ctx = col.context;
    let named = |t: ClassificationType| ctx.for_type(t).is_some();

    // 2. Patterns.
    for h in col.hits {
        let ratio = h.matches as f64 / h.non_empty.max(1) as f64;
        if h.base_precision < WEAK_PRECISION && ratio < WEAK_NEEDS_RATIO && !named(h.type_id) {
            continue;
        }
        cands.push(Candidate {
            type_id: h.type_id,
            confidence: h.confidence,
            evidence: h.evidence.clone(),
            explanation: vec![Contribution {
                tier: Tier::Pattern,
                score: h.confidence,
                detail: h.detail(),
            }],
        });
    }

    // 3. The model.
    let variety = {
        let mut seen = std::collections::HashSet::new();
        col.values.iter().filter(|v| seen.insert(**v)).count() as f64 / col.values.len() as f64
    };
    let numeric = is_numeric_type(col.data_type);
    if let Some(m) = col.model {
        for &(class, p) in &m.probabilities {
            let Some(t) = class else { continue };
            let is_named = named(t);
            let enough = if is_named {
                p >= MODEL_PROPOSES_NAMED_AT
            } else {
                p >= MODEL_PROPOSES_AT
                    // Numbers and short codes look like postal codes to any model.
                    && !numeric
                    && t != ClassificationType::PostalCode
                    && (!identifies_individuals(t) || variety >= MIN_VARIETY)
            };
            if !enough || cands.iter().any(|c| c.type_id == t) {
                continue;
            }
            let runner = m
                .runner_up(t)
                .map(|(c, q)| {
                    format!(
                        "; next {} {q:.2}",
                        c.map_or("not sensitive", ClassificationType::as_str)
                    )
                })
                .unwrap_or_default();
            cands.push(Candidate {
                type_id: t,
                confidence: round2(f64::from(p)),
                evidence: first_masked(t, col.values),
                explanation: vec![Contribution {
                    tier: Tier::Model,
                    score: round2(f64::from(p)),
                    detail: format!(
                        "mean probability {p:.2} over {} distinct values{runner}",
                        m.values
                    ),
                }],
            });
        }
        if let Some((seen, p)) = m.best_sensitive()
            && p >= MODEL_OVERRULES_AT
        {
            for c in cands
                .iter_mut()
                .filter(|c| c.type_id != seen && !m.knows(c.type_id))
            {
                let shape_only = col
                    .hits
                    .iter()
                    .any(|h| h.type_id == c.type_id && !h.checksummed && h.base_precision < 0.9);
                if shape_only {
                    c.adjust(
                        Tier::Model,
                        0.6,
                        format!("the model reads these values as {seen} ({p:.2})"),
                    );
                }
            }
        }
    }

    // 4. The column name.
    for m in &ctx.matches {
        let t = m.type_id;
        if m.kind == MatchKind::Weak && !cands.iter().any(|c| c.type_id == t) {
            // A weak hint alone is never reported; it only raises what others found.
            continue;
        }
        let score = m.kind.score();
        let said = format!(
            "column name `{}` matches {} keyword `{}` ({})",
            col.name,
            m.lang,
            m.keyword,
            kind_word(m.kind)
        );
        if let Some(c) = cands.iter_mut().find(|c| c.type_id == t) {
            let before = c.confidence;
            c.confidence = (c.confidence + (1.0 - c.confidence) * score * CONTEXT_BOOST).min(0.99);
            c.explanation.push(Contribution {
                tier: Tier::Context,
                score: round2(c.confidence - before),
                detail: said,
            });
        } else if compatible(t, col.values) {
            let mut confidence = score * CONTEXT_ALONE;
            let mut detail = said;
            // The model knows this type and says the values are not it.
            if let Some(v) = col.model
                && v.knows(t)
                && v.p(Some(t)) < 0.05
            {
                confidence *= 0.5;
                detail.push_str(&format!(
                    "; the model disagrees ({} {:.2})",
                    t.as_str(),
                    v.p(Some(t))
                ));
            }
            cands.push(Candidate {
                type_id: t,
                confidence: round2(confidence),
                evidence: first_masked(t, col.values),
                explanation: vec![Contribution {
                    tier: Tier::Context,
                    score: round2(confidence),
                    detail,
                }],
            });
        }
    }
    if let Some(word) = &ctx.negative {
        for c in &mut cands {
            c.adjust(
                Tier::Context,
                0.5,
                format!("column name word `{word}` describes something about the value"),
            );
        }
    }
    if let Some(table) = &ctx.names_a_thing {
        for c in cands.iter_mut().filter(|c| {
            matches!(
                c.type_id,
                ClassificationType::PersonName
                    | ClassificationType::FirstName
                    | ClassificationType::LastName
            )
        }) {
            c.adjust(
                Tier::Context,
                THING_TABLE,
                format!("`{}` is the name of what table `{table}` holds", col.name),
            );
        }
    }
    // A name that clearly says one type lowers the others' shape-only evidence.
    if let Some(best) = ctx.best().filter(|m| m.kind >= MatchKind::Partial) {
        for c in cands.iter_mut().filter(|c| {
            c.type_id != best.type_id && ctx.for_type(c.type_id).is_none() && {
                !col.hits
                    .iter()
                    .any(|h| h.type_id == c.type_id && h.checksummed)
            }
        }) {
            c.adjust(
                Tier::Context,
                0.8,
                format!("column name points at {} instead", best.type_id),
            );
        }
    }

    // 5. Report.
    let best = cands.iter().map(|c| c.confidence).fold(0.0, f64::max);
    cands.retain(|c| c.confidence >= REPORT_AT && c.confidence + KEEP_WITHIN >= best);
    cands.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.type_id.cmp(&b.type_id))
    });
    cands.truncate(MAX_TYPES);
    cands
        .into_iter()
        .map(|c| {
            let confidence = round2(c.confidence);
            let mut tiers: Vec<Tier> = Vec::new();
            for e in c.explanation.iter().filter(|e| e.score > 0.0) {
                if !tiers.contains(&e.tier) {
                    tiers.push(e.tier);
                }
            }
            Classification {
                type_id: c.type_id,
                confidence,
                level: Level::from_confidence(confidence),
                tiers,
                evidence: c.evidence,
                explanation: c.explanation,
            }
        })
        .collect()
}

fn kind_word(k: MatchKind) -> &'static str {
    match k {
        MatchKind::Exact => "whole name",
        MatchKind::Partial => "word of the name",
        MatchKind::Compound => "inside a compound word",
        MatchKind::Weak => "weak hint",
    }
}

/// Evidence for a type no validator checked: the first value with the type's shape.
fn first_masked(t: ClassificationType, values: &[&str]) -> String {
    let fits = fits(t);
    values
        .iter()
        .find(|v| fits(v))
        .or(values.first())
        .map(|v| mask(t, v))
        .unwrap_or_default()
}

/// Whether enough values have a shape the named type can take, so a name alone does not
/// label a column of something else (`dob` holding free text).
fn compatible(t: ClassificationType, values: &[&str]) -> bool {
    let fits = fits(t);
    let good = values.iter().filter(|v| fits(v)).count();
    good as f64 >= COMPATIBLE_SHARE * values.len() as f64
}

/// The loose shape of a type's values.
fn fits(t: ClassificationType) -> fn(&str) -> bool {
    use ClassificationType as T;
    match t {
        T::DateOfBirth => looks_like_date,
        T::EmailAddress => |v| v.contains('@'),
        T::PhoneNumber => |v| digits(v) >= 6 && digits(v) <= 15,
        T::CreditCardNumber => |v| (12..=19).contains(&(digits(v) + stars(v))),
        T::IpAddress => |v| v.contains('.') || v.contains(':'),
        T::MacAddress => |v| {
            v.len() >= 12
                && v.chars()
                    .all(|c| c.is_ascii_hexdigit() || ":-.".contains(c))
        },
        T::Url => |v| v.contains('.') || v.contains('/'),
        T::GeoCoordinates => {
            |v| v.chars().filter(|c| c.is_ascii_digit()).count() >= 4 && v.contains('.')
        }
        T::PostalCode => |v| {
            (3..=10).contains(&v.chars().count())
                && digits(v) > 0
                && v.chars()
                    .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
        },
        T::Gender => |v| v.chars().count() <= 24 && v.chars().any(char::is_alphabetic),
        T::PersonName
        | T::FirstName
        | T::LastName
        | T::City
        | T::Country
        | T::StreetAddress
        | T::Religion
        | T::EthnicGroup
        | T::HealthCondition
        | T::Username => |v| v.chars().any(char::is_alphabetic),
        T::PasswordHash | T::ApiKeyOrSecret => |v| v.chars().count() >= 16 && !v.contains(' '),
        // Ids and codes: short, mostly alphanumeric, with a digit.
        _ => |v| {
            (4..=24).contains(&v.chars().count())
                && digits(v) > 0
                && v.chars().all(|c| c.is_alphanumeric() || " -./".contains(c))
        },
    }
}

fn digits(v: &str) -> usize {
    v.chars().filter(char::is_ascii_digit).count()
}

fn stars(v: &str) -> usize {
    v.chars()
        .filter(|c| *c == '*' || *c == 'X' || *c == 'x')
        .count()
}

/// `1985-03-12`, `12/03/1985`, `12.03.1985`, optionally followed by a time, with a year
/// between 1900 and 2100.
fn looks_like_date(v: &str) -> bool {
    let date = v.split([' ', 'T']).next().unwrap_or("");
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return false;
    };
    let num = |s: &str| -> Option<u32> {
        (s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (Some(a), Some(b), Some(c)) = (num(a), num(b), num(c)) else {
        return false;
    };
    let year_ok = |y: u32| (1900..=2100).contains(&y);
    let day_month_ok =
        |x: u32, y: u32| (1..=31).contains(&x) && (1..=31).contains(&y) && (x <= 12 || y <= 12);
    (year_ok(a) && day_month_ok(b, c)) || (year_ok(c) && day_month_ok(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_recognised_in_common_forms() {
        for v in [
            "1985-03-12",
            "12/03/1985",
            "12.03.1985",
            "1985-03-12 00:00:00",
            "1985-03-12T00:00:00Z",
        ] {
            assert!(looks_like_date(v), "{v}");
        }
        for v in ["1985", "12-34", "abc", "2024-13-45", "99.99.99", ""] {
            assert!(!looks_like_date(v), "{v}");
        }
    }

    #[test]
    fn boolean_columns_hold_nothing() {
        let ctx = NameContext::default();
        let values = ["true", "false"];
        let out = decide(&ColumnEvidence {
            name: "email_verified",
            data_type: "boolean",
            values: &values,
            hits: &[],
            context: &ctx,
            model: None,
        });
        assert!(out.is_empty());
    }
}
