//! What every connector does with the rows it reads: keep a bounded uniform sample for the
//! classifier (reservoir sampling) and, on a full scan, profile every row as it streams by.

use rand::{Rng, SeedableRng};

use super::{ColumnSchema, MAX_VALUE_CHARS, TableScan};
use crate::domain::SampleSize;
use crate::profile::ColumnProfiler;

/// Collects one table's rows.
pub struct TableSampler {
    columns: Vec<ColumnSchema>,
    capacity: usize,
    seen: u64,
    /// Row-major reservoir.
    rows: Vec<Vec<Option<String>>>,
    /// Present on full scans: profiles over every row.
    profilers: Option<Vec<ColumnProfiler>>,
    /// A Send generator (the thread-local one is not), seeded from the OS.
    rng: rand::rngs::StdRng,
}

impl TableSampler {
    /// A sampler for `columns`. `size` says how the source is read; `classify_rows` bounds
    /// the sample kept for classification on a full scan.
    pub fn new(columns: Vec<ColumnSchema>, size: SampleSize, classify_rows: usize) -> Self {
        let (capacity, profilers) = match size {
            SampleSize::Rows(n) => (usize::try_from(n).unwrap_or(usize::MAX), None),
            SampleSize::Full => (
                classify_rows,
                Some(
                    columns
                        .iter()
                        .map(|c| ColumnProfiler::new(&c.data_type))
                        .collect(),
                ),
            ),
        };
        Self {
            columns,
            capacity: capacity.max(1),
            seen: 0,
            rows: Vec::new(),
            profilers,
            rng: rand::rngs::StdRng::from_os_rng(),
        }
    }

    /// Rows seen so far.
    pub fn rows_read(&self) -> u64 {
        self.seen
    }

    /// Adds one row (values in column order; missing trailing values count as NULL).
    pub fn push(&mut self, mut row: Vec<Option<String>>) {
        row.resize(self.columns.len(), None);
        for v in row.iter_mut().flatten() {
            super::bound_in_place(v, MAX_VALUE_CHARS);
        }
        if let Some(ps) = &mut self.profilers {
            for (p, v) in ps.iter_mut().zip(&row) {
                p.push(v.as_deref());
            }
        }
        self.seen += 1;
        if self.rows.len() < self.capacity {
            self.rows.push(row);
        } else {
            let j = self.rng.random_range(0..self.seen);
            if let Some(slot) = usize::try_from(j).ok().and_then(|j| self.rows.get_mut(j)) {
                *slot = row;
            }
        }
    }

    /// The scan: the sample column-major, row counts, and exact profiles on a full scan.
    pub fn finish(self, row_estimate: Option<u64>) -> TableScan {
        let full = self.profilers.is_some();
        let mut values: Vec<Vec<Option<String>>> = (0..self.columns.len())
            .map(|_| Vec::with_capacity(self.rows.len()))
            .collect();
        for row in self.rows {
            for (col, v) in values.iter_mut().zip(row) {
                col.push(v);
            }
        }
        TableScan {
            columns: self.columns,
            values,
            row_count: if full { Some(self.seen) } else { row_estimate },
            rows_read: self.seen,
            profiles: self
                .profilers
                .map(|ps| ps.into_iter().map(|p| p.finish(true)).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(n: usize) -> Vec<ColumnSchema> {
        (0..n)
            .map(|i| ColumnSchema::new(format!("c{i}"), "integer", true))
            .collect()
    }

    #[test]
    fn full_scans_profile_every_row_and_keep_a_bounded_sample() {
        let mut s = TableSampler::new(cols(2), SampleSize::Full, 10);
        for i in 0..1000 {
            s.push(vec![
                Some(i.to_string()),
                (i % 2 == 0).then(|| "x".to_string()),
            ]);
        }
        let scan = s.finish(None);
        assert_eq!(scan.rows_read, 1000);
        assert_eq!(scan.row_count, Some(1000));
        assert_eq!(scan.values[0].len(), 10);
        let profiles = scan.profiles.expect("full scan profiles");
        assert_eq!(profiles[0].rows_sampled, 1000);
        assert_eq!(profiles[0].max.as_deref(), Some("999"));
        assert_eq!(profiles[1].null_ratio, 0.5);
        assert!(profiles[0].exact);
    }

    #[test]
    fn sampled_scans_keep_what_the_source_returned() {
        let mut s = TableSampler::new(cols(1), SampleSize::Rows(5), 10);
        for i in 0..3 {
            s.push(vec![Some(i.to_string()), Some("extra".into())]);
        }
        s.push(vec![]);
        let scan = s.finish(Some(77));
        assert_eq!(scan.values[0].len(), 4);
        assert_eq!(scan.values[0][3], None);
        assert_eq!(scan.row_count, Some(77));
        assert!(scan.profiles.is_none());
    }
}
