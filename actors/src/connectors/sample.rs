//! What every connector does with the rows it reads: keep a bounded uniform sample for the
//! classifier (reservoir sampling) and, on a full scan, profile every row as it streams by.

use rand::{Rng, SeedableRng};

use super::{ColumnSchema, MAX_VALUE_CHARS, TableScan};
use crate::domain::SampleSize;
use crate::profile::ColumnProfiler;

/// Collects one table's rows.
pub struct TableSampler {
    /// Declared columns (empty when they are learned while reading, as for files).
    columns: Vec<ColumnSchema>,
    /// Values kept per row.
    width: usize,
    capacity: usize,
    seen: u64,
    /// Row-major reservoir.
    rows: Vec<Vec<Option<String>>>,
    /// Present on full scans: profiles over every row.
    profilers: Option<Vec<ColumnProfiler>>,
    /// A Send generator (the thread-local one is not), seeded from the OS, or fixed for
    /// sources that must give the same sample twice (files).
    rng: rand::rngs::StdRng,
}

fn capacity_of(size: SampleSize, classify_rows: usize) -> usize {
    match size {
        SampleSize::Rows(n) => usize::try_from(n).unwrap_or(usize::MAX),
        SampleSize::Full => classify_rows,
    }
    .max(1)
}

impl TableSampler {
    /// A sampler for `columns`. `size` says how the source is read; `classify_rows` bounds
    /// the sample kept for classification on a full scan.
    pub fn new(columns: Vec<ColumnSchema>, size: SampleSize, classify_rows: usize) -> Self {
        let profilers = (size == SampleSize::Full).then(|| {
            columns
                .iter()
                .map(|c| ColumnProfiler::new(&c.data_type))
                .collect()
        });
        Self {
            width: columns.len(),
            columns,
            capacity: capacity_of(size, classify_rows),
            seen: 0,
            rows: Vec::new(),
            profilers,
            rng: rand::rngs::StdRng::from_os_rng(),
        }
    }

    /// A sampler for `width` columns whose types are learned while reading (more may
    /// appear: [`Self::widen`]), with a fixed `seed` so the same input gives the same
    /// sample. Finish it with [`Self::finish_with`].
    pub fn untyped(width: usize, size: SampleSize, classify_rows: usize, seed: u64) -> Self {
        Self {
            columns: Vec::new(),
            width,
            capacity: capacity_of(size, classify_rows),
            seen: 0,
            rows: Vec::new(),
            profilers: (size == SampleSize::Full)
                .then(|| (0..width).map(|_| ColumnProfiler::untyped()).collect()),
            rng: rand::rngs::StdRng::seed_from_u64(seed),
        }
    }

    /// Widens the table to `width` columns; rows already seen are NULL in the new ones.
    pub fn widen(&mut self, width: usize) {
        if width <= self.width {
            return;
        }
        if let Some(ps) = &mut self.profilers {
            for _ in self.width..width {
                let mut p = ColumnProfiler::untyped();
                for _ in 0..self.seen {
                    p.push(None);
                }
                ps.push(p);
            }
        }
        self.width = width;
    }

    /// Rows seen so far.
    pub fn rows_read(&self) -> u64 {
        self.seen
    }

    /// Adds one row (values in column order; missing trailing values count as NULL, values
    /// past the known columns are dropped).
    pub fn push(&mut self, mut row: Vec<Option<String>>) {
        row.resize(self.width, None);
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

    /// The scan of a sampler made with [`Self::new`]: the sample column-major, row
    /// counts, and exact profiles on a full scan.
    pub fn finish(mut self, row_estimate: Option<u64>) -> TableScan {
        let columns = std::mem::take(&mut self.columns);
        let row_count = if self.profilers.is_some() {
            Some(self.seen)
        } else {
            row_estimate
        };
        self.finish_with(columns, row_count)
    }

    /// The scan of `columns` (as learned while reading; their types decide the profiles'
    /// extremes) with `row_count` rows.
    pub fn finish_with(self, columns: Vec<ColumnSchema>, row_count: Option<u64>) -> TableScan {
        let mut values: Vec<Vec<Option<String>>> = (0..columns.len())
            .map(|_| Vec::with_capacity(self.rows.len()))
            .collect();
        for mut row in self.rows {
            row.resize(columns.len(), None);
            for (col, v) in values.iter_mut().zip(row) {
                col.push(v);
            }
        }
        let profiles = self.profilers.map(|ps| {
            ps.into_iter()
                .zip(&columns)
                .map(|(p, c)| p.finish_as(&c.data_type, true))
                .collect()
        });
        TableScan {
            columns,
            values,
            row_count,
            rows_read: self.seen,
            profiles,
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
