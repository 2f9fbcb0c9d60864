//! Directories of CSV/TSV files (or one file): each file is a table, its header the columns.
//! Rows are sampled uniformly in one pass (reservoir sampling), which also counts them.

use std::path::{Path, PathBuf};

use futures::future::BoxFuture;
use rand::{Rng, SeedableRng};

use super::{
    CLASSIFY_ROWS, ColumnSchema, Connector, ConnectorError, ConnectorFactory, TableRef, TableScan,
    bounded, fingerprint, local_path,
};
use crate::domain::{AssetKind, SampleSize};
use crate::profile::ColumnProfiler;

/// How deep a directory is walked for files.
const MAX_DEPTH: usize = 4;

/// Opens `file:///dir` or `file:///dir/one.csv`.
pub struct FilesFactory;

impl ConnectorFactory for FilesFactory {
    fn connect<'a>(
        &'a self,
        _source_id: &'a str,
        uri: &'a url::Url,
    ) -> BoxFuture<'a, Result<Box<dyn Connector>, ConnectorError>> {
        Box::pin(async move {
            let root = local_path(uri)?;
            let meta = std::fs::metadata(&root).map_err(|e| ConnectorError::Connect {
                what: root.display().to_string(),
                reason: e.to_string(),
            })?;
            let database = if meta.is_dir() {
                &root
            } else {
                root.parent().unwrap_or(&root)
            }
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "files".into());
            Ok(Box::new(FilesConnector { root, database }) as Box<dyn Connector>)
        })
    }
}

struct FilesConnector {
    root: PathBuf,
    database: String,
}

fn is_table_file(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("csv" | "tsv")
    )
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let ft = e.file_type()?;
        if ft.is_dir() && depth < MAX_DEPTH {
            walk(&path, depth + 1, out)?;
        } else if ft.is_file() && is_table_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Picks the delimiter from the extension, else from the header line.
fn delimiter(path: &Path, first_line: &[u8]) -> u8 {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"))
    {
        return b'\t';
    }
    [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| first_line.iter().filter(|b| *b == d).count())
        .unwrap_or(b',')
}

/// The narrowest type every non-empty sampled value fits.
fn infer_type(values: &[Option<String>]) -> &'static str {
    let mut present = values
        .iter()
        .flatten()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .peekable();
    if present.peek().is_none() {
        return "text";
    }
    let all = |f: &dyn Fn(&str) -> bool| {
        values
            .iter()
            .flatten()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .all(f)
    };
    if all(&|v| v.parse::<i64>().is_ok()) {
        "integer"
    } else if all(&|v| v.parse::<f64>().is_ok()) {
        "float"
    } else if all(&|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "false")) {
        "boolean"
    } else if all(&is_date) {
        "date"
    } else if all(&|v| v.len() >= 16 && v.get(..10).is_some_and(is_date)) {
        "timestamp"
    } else {
        "text"
    }
}

fn is_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Reads one file: header, row count and a uniform sample (of `Rows(n)` rows, or of
/// [`CLASSIFY_ROWS`] with every row profiled for `Full`).
fn read_file(path: &Path, size: SampleSize) -> Result<TableScan, String> {
    let sample_rows = match size {
        SampleSize::Rows(n) => usize::try_from(n).unwrap_or(usize::MAX),
        SampleSize::Full => CLASSIFY_ROWS,
    };
    let bytes_head = {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(|e| e.to_string())?;
        let mut buf = vec![0u8; 8192];
        let n = f.read(&mut buf).map_err(|e| e.to_string())?;
        buf.truncate(n);
        buf
    };
    let first_line = bytes_head.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(path, first_line))
        .flexible(true)
        .from_path(path)
        .map_err(|e| e.to_string())?;
    let header: Vec<String> = reader
        .byte_headers()
        .map_err(|e| e.to_string())?
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_string();
            if h.is_empty() {
                format!("column_{}", i + 1)
            } else {
                h
            }
        })
        .collect();
    // Seeded so that two scans of the same file see the same sample.
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
    let mut sample: Vec<Vec<Option<String>>> = Vec::with_capacity(sample_rows.min(65_536));
    let mut profilers: Option<Vec<ColumnProfiler>> = (size == SampleSize::Full)
        .then(|| header.iter().map(|_| ColumnProfiler::untyped()).collect());
    let mut seen: u64 = 0;
    let mut record = csv::ByteRecord::new();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| e.to_string())?
    {
        seen += 1;
        if let Some(ps) = &mut profilers {
            for (i, p) in ps.iter_mut().enumerate() {
                let v = record
                    .get(i)
                    .map(|v| bounded(String::from_utf8_lossy(v).into_owned()))
                    .filter(|s| !s.is_empty());
                p.push(v.as_deref());
            }
        }
        let slot = if sample.len() < sample_rows {
            Some(sample.len())
        } else {
            let j = rng.random_range(0..seen);
            (j < sample_rows as u64).then_some(j as usize)
        };
        if let Some(slot) = slot {
            let row: Vec<Option<String>> = (0..header.len())
                .map(|i| {
                    record.get(i).and_then(|v| {
                        let s = bounded(String::from_utf8_lossy(v).into_owned());
                        // An empty CSV field is the file's way of writing NULL.
                        (!s.is_empty()).then_some(s)
                    })
                })
                .collect();
            if slot == sample.len() {
                sample.push(row);
            } else {
                sample[slot] = row;
            }
        }
    }
    let mut values: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(sample.len()); header.len()];
    for row in sample {
        for (col, v) in values.iter_mut().zip(row) {
            col.push(v);
        }
    }
    let columns: Vec<ColumnSchema> = header
        .into_iter()
        .zip(&values)
        .map(|(name, vals)| {
            ColumnSchema::new(name, infer_type(vals), vals.iter().any(Option::is_none))
        })
        .collect();
    let profiles = profilers.map(|ps| {
        ps.into_iter()
            .zip(&columns)
            .map(|(p, c)| p.finish_as(&c.data_type, true))
            .collect()
    });
    Ok(TableScan {
        columns,
        values,
        row_count: Some(seen),
        rows_read: seen,
        profiles,
    })
}

impl Connector for FilesConnector {
    fn list_tables(&mut self) -> BoxFuture<'_, Result<Vec<TableRef>, ConnectorError>> {
        Box::pin(async move {
            let root = self.root.clone();
            let files = tokio::task::spawn_blocking(move || {
                let mut out = Vec::new();
                if root.is_dir() {
                    walk(&root, 0, &mut out)?;
                } else {
                    out.push(root);
                }
                Ok::<_, std::io::Error>(out)
            })
            .await
            .map_err(|e| ConnectorError::Discover(e.to_string()))?
            .map_err(|e| ConnectorError::Discover(e.to_string()))?;
            Ok(files
                .into_iter()
                .map(|p| {
                    let rel = p
                        .strip_prefix(&self.root)
                        .ok()
                        .and_then(|r| r.parent())
                        .map(|d| d.to_string_lossy().replace('/', "_"));
                    let mut t = TableRef::new(
                        self.database.clone(),
                        rel.filter(|r| !r.is_empty())
                            .unwrap_or_else(|| "files".into()),
                        p.file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        AssetKind::File,
                        p.to_string_lossy().into_owned(),
                    );
                    // Size and modification time: a rewritten file is scanned again.
                    t.fingerprint = std::fs::metadata(&p).ok().map(|m| {
                        let mtime = m
                            .modified()
                            .ok()
                            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                            .map(|d| d.as_nanos())
                            .unwrap_or(0);
                        fingerprint(&[&m.len().to_string(), &mtime.to_string()])
                    });
                    t
                })
                .collect())
        })
    }

    fn scan_table<'a>(
        &'a mut self,
        table: &'a TableRef,
        size: SampleSize,
    ) -> BoxFuture<'a, Result<TableScan, ConnectorError>> {
        Box::pin(async move {
            let path = PathBuf::from(&table.locator);
            tokio::task::spawn_blocking(move || read_file(&path, size))
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r)
                .map_err(|reason| ConnectorError::Read {
                    table: table.name.clone(),
                    reason,
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::connectors::ConnectorRegistry;

    #[tokio::test]
    async fn samples_uniformly_counts_rows_and_infers_types() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut csv = String::from("\u{feff}id;email;joined;score;\n");
        for i in 0..1000 {
            csv.push_str(&format!(
                "{i};user{i}@example.com;2024-01-{:02};{}.5;\n",
                i % 28 + 1,
                i
            ));
        }
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        std::fs::write(dir.path().join("sub/people.csv"), csv).expect("write");
        std::fs::write(dir.path().join("notes.txt"), "ignored").expect("write");
        std::fs::write(
            dir.path().join("bad.csv"),
            b"name\n\xff\xfe\n\"unterminated",
        )
        .expect("write");
        let reg = ConnectorRegistry::default();
        let mut c = reg
            .connect("f", &format!("file://{}", dir.path().display()))
            .await
            .expect("connect");
        let tables = c.list_tables().await.expect("list");
        assert_eq!(
            tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["bad", "people"]
        );
        assert_eq!(tables[1].schema, "sub");
        let scan = c
            .scan_table(&tables[1], crate::domain::SampleSize::Rows(100))
            .await
            .expect("scan");
        assert_eq!(scan.row_count, Some(1000));
        let names: Vec<_> = scan
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.data_type.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("id", "integer"),
                ("email", "text"),
                ("joined", "date"),
                ("score", "float"),
                ("column_5", "text")
            ]
        );
        assert_eq!(scan.values[0].len(), 100);
        // Uniform, not the first 100 rows.
        let max_id = scan.values[0]
            .iter()
            .flatten()
            .filter_map(|v| v.parse::<u32>().ok())
            .max();
        assert!(max_id.is_some_and(|m| m > 500), "{max_id:?}");
        assert!(scan.columns[4].nullable);
        // Invalid UTF-8 and a broken quote still give a result, not a panic.
        let bad = c
            .scan_table(&tables[0], crate::domain::SampleSize::Rows(10))
            .await
            .expect("scan bad");
        assert!(
            bad.values[0][0]
                .as_deref()
                .is_some_and(|v| v.contains('\u{fffd}'))
        );
    }

    #[test]
    fn type_inference_never_slices_inside_a_character() {
        // Byte 10 falls inside `é`: slicing there would panic.
        let v = vec![
            Some("aaaaaaaaaéaaaaaaaa".to_string()),
            Some("2024-01-15 10:22:03".into()),
        ];
        assert_eq!(super::infer_type(&v), "text");
        let ts = vec![Some("2024-01-15 10:22:03".to_string())];
        assert_eq!(super::infer_type(&ts), "timestamp");
    }

    #[tokio::test]
    async fn a_missing_directory_is_a_clear_error() {
        let reg = ConnectorRegistry::default();
        let err = reg
            .connect("f", "file:///definitely/not/here")
            .await
            .err()
            .expect("error");
        assert!(err.to_string().contains("/definitely/not/here"), "{err}");
    }
}
