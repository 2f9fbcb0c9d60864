//! Column profiles, built one value at a time so a full scan of a large table needs no
//! more memory than a sample. Statistics only: values are hashed (distinct count),
//! measured (lengths) or reduced to their shape; only numeric and temporal extremes are kept.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

use crate::domain::{Profile, ShapeShare};

/// Distinct values counted exactly (by 64-bit hash) before the estimate takes over.
const EXACT_DISTINCT: usize = 16_384;
/// Shapes tracked per column before new ones are counted as "other".
const MAX_SHAPES: usize = 512;
/// Shapes reported.
const TOP_SHAPES: usize = 5;
/// Characters of a value that make up its shape.
const SHAPE_CHARS: usize = 24;

/// What kind of extremes a column may report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    Numeric,
    /// ISO dates and times sort as text.
    Temporal,
    /// Anything else: no min/max (they would be raw values).
    None,
}

fn order_of(data_type: &str) -> Order {
    let t = data_type.to_ascii_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| t.contains(x));
    // A mix of types (`int32|string`, from documents and JSON) or an array (its values
    // are elements of different documents' arrays) has no single order.
    if has(&["interval", "|", "array<"]) {
        Order::None
    } else if has(&["date", "time", "year"]) {
        Order::Temporal
    } else if has(&[
        "int", "numeric", "decimal", "float", "double", "real", "serial", "number", "money",
    ]) && !has(&["point", "[]", "array<"])
    {
        Order::Numeric
    } else {
        Order::None
    }
}

/// HyperLogLog with 2^14 registers (0.8 % standard error) and linear counting for small
/// cardinalities, so a 1,000-row sample is counted practically exactly.
struct HyperLogLog {
    registers: Vec<u8>,
}

const HLL_P: u32 = 14;

impl HyperLogLog {
    fn new() -> Self {
        Self {
            registers: vec![0; 1 << HLL_P],
        }
    }

    fn insert(&mut self, hash: u64) {
        let idx = (hash >> (64 - HLL_P)) as usize;
        let rest = (hash << HLL_P) | (1 << (HLL_P - 1));
        let rank = rest.leading_zeros() as u8 + 1;
        if let Some(r) = self.registers.get_mut(idx)
            && rank > *r
        {
            *r = rank;
        }
    }

    fn estimate(&self) -> u64 {
        let m = self.registers.len() as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let sum: f64 = self
            .registers
            .iter()
            .map(|&r| 2f64.powi(-i32::from(r)))
            .sum();
        let raw = alpha * m * m / sum;
        let zeros = self.registers.iter().filter(|&&r| r == 0).count();
        let est = if raw <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            raw
        };
        est.round() as u64
    }
}

/// A stable 64-bit hash (SipHash with fixed keys), so estimates are reproducible.
fn hash(v: &str) -> u64 {
    let mut h =
        std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
            .build_hasher();
    h.write(v.as_bytes());
    h.finish()
}

/// The shape of a value: `A` for upper-case letters, `a` for lower-case ones, `9` for
/// digits, everything else kept; cut after [`SHAPE_CHARS`] characters.
pub fn shape(v: &str) -> String {
    let mut out = String::new();
    shape_into(v, &mut out);
    out
}

/// [`shape`] into a buffer the caller reuses (no allocation per value).
fn shape_into(v: &str, out: &mut String) {
    out.clear();
    for (i, c) in v.chars().enumerate() {
        if i == SHAPE_CHARS {
            out.push('…');
            break;
        }
        out.push(if c.is_uppercase() {
            'A'
        } else if c.is_alphabetic() {
            'a'
        } else if c.is_numeric() {
            '9'
        } else if c.is_whitespace() {
            ' '
        } else {
            c
        });
    }
}

/// Builds one column's profile value by value.
pub struct ColumnProfiler {
    /// `None`: the type is learned only after reading (files); both kinds of extremes are
    /// tracked and one is chosen at the end.
    order: Option<Order>,
    rows: u64,
    nulls: u64,
    /// Made only once the exact set overflows: 16 KiB per column adds up on wide tables.
    hll: Option<HyperLogLog>,
    /// Hashes of the values seen, while there are few enough to count exactly.
    exact_distinct: Option<HashSet<u64>>,
    min_length: Option<u32>,
    max_length: Option<u32>,
    total_length: u64,
    min: Option<(f64, String)>,
    max: Option<(f64, String)>,
    min_text: Option<String>,
    max_text: Option<String>,
    shapes: HashMap<String, u64>,
    other_shapes: u64,
    shape_buf: String,
}

impl ColumnProfiler {
    /// A profiler for a column of `data_type` (the engine's type name).
    pub fn new(data_type: &str) -> Self {
        Self::with_order(Some(order_of(data_type)))
    }

    /// A profiler for a column whose type is known only once it has been read.
    pub fn untyped() -> Self {
        Self::with_order(None)
    }

    fn with_order(order: Option<Order>) -> Self {
        Self {
            order,
            rows: 0,
            nulls: 0,
            hll: None,
            exact_distinct: Some(HashSet::new()),
            min_length: None,
            max_length: None,
            total_length: 0,
            min: None,
            max: None,
            min_text: None,
            max_text: None,
            shapes: HashMap::new(),
            other_shapes: 0,
            shape_buf: String::new(),
        }
    }

    /// Counts one value (`None`: SQL NULL).
    pub fn push(&mut self, value: Option<&str>) {
        self.rows += 1;
        let Some(v) = value else {
            self.nulls += 1;
            return;
        };
        let h = hash(v);
        match (&mut self.exact_distinct, &mut self.hll) {
            (Some(set), _) => {
                set.insert(h);
                if set.len() > EXACT_DISTINCT {
                    let mut hll = HyperLogLog::new();
                    for x in set.iter() {
                        hll.insert(*x);
                    }
                    self.hll = Some(hll);
                    self.exact_distinct = None;
                }
            }
            (None, Some(hll)) => hll.insert(h),
            (None, None) => {}
        }
        let len = u32::try_from(v.chars().count()).unwrap_or(u32::MAX);
        self.min_length = Some(self.min_length.map_or(len, |m| m.min(len)));
        self.max_length = Some(self.max_length.map_or(len, |m| m.max(len)));
        self.total_length += u64::from(len);
        let (numeric, temporal) = match self.order {
            Some(Order::Numeric) => (true, false),
            Some(Order::Temporal) => (false, true),
            Some(Order::None) => (false, false),
            None => (true, true),
        };
        {
            if numeric
                && let Ok(x) = v.trim().parse::<f64>()
                && x.is_finite()
            {
                if self.min.as_ref().is_none_or(|(m, _)| x < *m) {
                    self.min = Some((x, v.trim().to_string()));
                }
                if self.max.as_ref().is_none_or(|(m, _)| x > *m) {
                    self.max = Some((x, v.trim().to_string()));
                }
            }
            if temporal {
                if self.min_text.as_deref().is_none_or(|m| v < m) {
                    self.min_text = Some(v.to_string());
                }
                if self.max_text.as_deref().is_none_or(|m| v > m) {
                    self.max_text = Some(v.to_string());
                }
            }
        }
        shape_into(v, &mut self.shape_buf);
        if let Some(n) = self.shapes.get_mut(self.shape_buf.as_str()) {
            *n += 1;
        } else if self.shapes.len() < MAX_SHAPES {
            self.shapes.insert(self.shape_buf.clone(), 1);
        } else {
            self.other_shapes += 1;
        }
    }

    /// The profile of a column found to be of `data_type` once read (see [`Self::untyped`]).
    pub fn finish_as(mut self, data_type: &str, exact: bool) -> Profile {
        self.order = Some(order_of(data_type));
        self.finish(exact)
    }

    /// The profile; `exact` when every row of the table was pushed.
    pub fn finish(self, exact: bool) -> Profile {
        let non_null = self.rows - self.nulls;
        let ratio = |n: u64, of: u64| {
            if of == 0 {
                0.0
            } else {
                ((n as f64 / of as f64) * 10_000.0).round() / 10_000.0
            }
        };
        let mut shapes: Vec<(String, u64)> = self.shapes.into_iter().collect();
        shapes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let (min, max) = match self.order {
            Some(Order::Numeric) => (self.min.map(|m| m.1), self.max.map(|m| m.1)),
            Some(Order::Temporal) => (self.min_text, self.max_text),
            Some(Order::None) | None => (None, None),
        };
        Profile {
            rows_sampled: self.rows,
            null_ratio: ratio(self.nulls, self.rows),
            distinct_estimate: match &self.exact_distinct {
                _ if non_null == 0 => 0,
                Some(set) => set.len() as u64,
                None => self
                    .hll
                    .as_ref()
                    .map_or(0, HyperLogLog::estimate)
                    .clamp(1, non_null),
            },
            min_length: self.min_length,
            max_length: self.max_length,
            mean_length: (non_null > 0)
                .then(|| ((self.total_length as f64 / non_null as f64) * 100.0).round() / 100.0),
            min,
            max,
            shapes: shapes
                .into_iter()
                .take(TOP_SHAPES)
                .map(|(shape, n)| ShapeShare {
                    shape,
                    ratio: ratio(n, non_null),
                })
                .collect(),
            exact,
        }
    }
}

/// Profiles one column's sampled values.
pub fn profile(values: &[Option<String>], data_type: &str, exact: bool) -> Profile {
    let mut p = ColumnProfiler::new(data_type);
    for v in values {
        p.push(v.as_deref());
    }
    p.finish(exact)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(v: &[&str]) -> Vec<Option<String>> {
        v.iter().map(|s| Some(s.to_string())).collect()
    }

    #[test]
    fn counts_nulls_distinct_lengths_and_shapes() {
        let v = vec![
            Some("ab".to_string()),
            None,
            Some("ab".into()),
            Some("héllo".into()),
        ];
        let p = profile(&v, "text", false);
        assert_eq!(p.rows_sampled, 4);
        assert_eq!(p.null_ratio, 0.25);
        assert_eq!(p.distinct_estimate, 2);
        assert_eq!((p.min_length, p.max_length), (Some(2), Some(5)));
        assert_eq!(p.mean_length, Some(3.0));
        assert_eq!(p.shapes[0].shape, "aa");
        assert!((p.shapes[0].ratio - 0.6667).abs() < 1e-9);
        assert_eq!((p.min, p.max), (None, None), "text extremes are raw values");
        let empty = profile(&[], "text", true);
        assert_eq!((empty.null_ratio, empty.distinct_estimate), (0.0, 0));
    }

    #[test]
    fn numeric_and_temporal_columns_report_extremes() {
        let p = profile(&some(&["10", "-2.5", "7", "x"]), "numeric(10,2)", false);
        assert_eq!(
            (p.min.as_deref(), p.max.as_deref()),
            (Some("-2.5"), Some("10"))
        );
        let d = profile(
            &some(&["2024-03-01", "1999-12-31", "2024-01-15"]),
            "date",
            false,
        );
        assert_eq!(
            (d.min.as_deref(), d.max.as_deref()),
            (Some("1999-12-31"), Some("2024-03-01"))
        );
        assert_eq!(shape("Main St 12-b"), "Aaaa Aa 99-a");
    }

    #[test]
    fn distinct_estimates_are_close_at_scale() {
        let mut p = ColumnProfiler::new("text");
        for i in 0..200_000u32 {
            p.push(Some(&format!("value-{}", i % 100_000)));
        }
        let est = p.finish(true).distinct_estimate as f64;
        assert!((est - 100_000.0).abs() / 100_000.0 < 0.03, "estimate {est}");
        let mut small = ColumnProfiler::new("text");
        for i in 0..1000u32 {
            small.push(Some(&format!("v{i}")));
        }
        assert_eq!(small.finish(false).distinct_estimate, 1000);
    }
}
