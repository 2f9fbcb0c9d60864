//! Column profiles computed from sampled values. Values are hashed to count distinct ones,
//! never kept.

use std::collections::HashSet;
use std::hash::BuildHasher;

use crate::domain::Profile;

/// Profiles one column's sampled values.
pub fn profile(values: &[Option<String>]) -> Profile {
    let rows = values.len() as u64;
    let nulls = values.iter().filter(|v| v.is_none()).count() as u64;
    let hasher = std::collections::hash_map::RandomState::new();
    let mut distinct = HashSet::with_capacity(values.len());
    let mut min_length: Option<u32> = None;
    let mut max_length: Option<u32> = None;
    for v in values.iter().flatten() {
        distinct.insert(hasher.hash_one(v));
        let len = u32::try_from(v.chars().count()).unwrap_or(u32::MAX);
        min_length = Some(min_length.map_or(len, |m| m.min(len)));
        max_length = Some(max_length.map_or(len, |m| m.max(len)));
    }
    Profile {
        rows_sampled: rows,
        null_ratio: if rows == 0 {
            0.0
        } else {
            ((nulls as f64 / rows as f64) * 10_000.0).round() / 10_000.0
        },
        distinct_estimate: distinct.len() as u64,
        min_length,
        max_length,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_nulls_distinct_and_lengths() {
        let v = vec![
            Some("ab".to_string()),
            None,
            Some("ab".into()),
            Some("héllo".into()),
        ];
        let p = profile(&v);
        assert_eq!(p.rows_sampled, 4);
        assert_eq!(p.null_ratio, 0.25);
        assert_eq!(p.distinct_estimate, 2);
        assert_eq!((p.min_length, p.max_length), (Some(2), Some(5)));
        assert_eq!(profile(&[]).null_ratio, 0.0);
    }
}
