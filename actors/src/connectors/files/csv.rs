//! Delimited text (CSV, TSV): encoding, delimiter and header sniffed from the file's head,
//! types inferred from every row read.

use std::io::Read;
use std::path::Path;

use super::{file_sampler, open_text, unique_names};
use crate::connectors::{ColumnSchema, TableScan, text_of};
use crate::domain::SampleSize;

/// Decoded bytes looked at to pick the delimiter.
const HEAD_BYTES: u64 = 64 * 1024;
/// Columns read from one file.
const MAX_COLUMNS: usize = 1024;
/// Records looked at to decide whether the first one is a header.
const HEAD_ROWS: usize = 50;
/// Lines the delimiter is counted on.
const SNIFF_LINES: usize = 20;
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Reads a delimited file; `delimiter` forced (TSV) or sniffed.
pub(super) fn read(
    path: &Path,
    size: SampleSize,
    delimiter: Option<u8>,
) -> Result<TableScan, String> {
    let (mut text, _) = open_text(path).map_err(|e| e.to_string())?;
    let mut head = Vec::new();
    (&mut text)
        .take(HEAD_BYTES)
        .read_to_end(&mut head)
        .map_err(|e| e.to_string())?;
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&String::from_utf8_lossy(&head)));
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(std::io::Cursor::new(head).chain(text));
    let mut record = ::csv::ByteRecord::new();
    let mut first: Vec<Vec<Option<String>>> = Vec::new();
    while first.len() < HEAD_ROWS
        && reader
            .read_byte_record(&mut record)
            .map_err(|e| e.to_string())?
    {
        first.push(fields(&record));
    }
    let has_header = first
        .split_first()
        .is_none_or(|(head, rest)| looks_like_header(head, rest));
    let names: Vec<String> = if has_header {
        let header = first.first().map(Vec::as_slice).unwrap_or_default();
        unique_names(
            header
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let h = h
                        .as_deref()
                        .unwrap_or_default()
                        .trim()
                        .trim_start_matches('\u{feff}');
                    if h.is_empty() {
                        format!("column_{}", i + 1)
                    } else {
                        h.to_string()
                    }
                })
                .collect(),
        )
    } else {
        let width = first.iter().map(Vec::len).max().unwrap_or(0);
        (1..=width).map(|i| format!("column_{i}")).collect()
    };
    // Wider files keep their first columns: each column costs a profiler, and a header of
    // a million commas must not cost gigabytes.
    let mut names = names;
    names.truncate(MAX_COLUMNS);
    let n = names.len();
    let mut sampler = file_sampler(size, n);
    let mut types: Vec<TypeTracker> = (0..n).map(|_| TypeTracker::default()).collect();
    let mut take = |mut row: Vec<Option<String>>| {
        row.resize(n, None);
        for (t, v) in types.iter_mut().zip(&row) {
            t.observe(v.as_deref());
        }
        sampler.push(row);
    };
    for row in first.into_iter().skip(usize::from(has_header)) {
        take(row);
    }
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| e.to_string())?
    {
        take(fields(&record));
    }
    let columns = names
        .into_iter()
        .zip(&types)
        .map(|(name, t)| ColumnSchema::new(name, t.name(), t.nulls > 0))
        .collect();
    let rows = sampler.rows_read();
    Ok(sampler.finish_with(columns, Some(rows)))
}

/// A record's values; an empty field is the file's way of writing NULL.
fn fields(record: &::csv::ByteRecord) -> Vec<Option<String>> {
    record
        .iter()
        .map(|f| (!f.is_empty()).then(|| text_of(f)))
        .collect()
}

/// The delimiter that splits the head's lines into the same number of fields (the most
/// fields wins), else the most frequent one on the first line, else a comma. Quoted
/// text is skipped, so a comma inside `"a, b"` does not count.
fn sniff_delimiter(head: &str) -> u8 {
    let mut lines: Vec<[usize; DELIMITERS.len()]> = vec![[0; DELIMITERS.len()]];
    let mut quoted = false;
    for b in head.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                if lines.len() == SNIFF_LINES {
                    break;
                }
                lines.push([0; DELIMITERS.len()]);
            }
            _ if !quoted => {
                if let (Some(i), Some(line)) =
                    (DELIMITERS.iter().position(|d| *d == b), lines.last_mut())
                {
                    line[i] += 1;
                }
            }
            _ => {}
        }
    }
    // The last line may be cut by the end of the head, or be empty after a final newline.
    if lines.len() > 1 {
        lines.pop();
    }
    let consistent = (0..DELIMITERS.len())
        .filter(|&i| lines[0][i] > 0 && lines.iter().all(|l| l[i] == lines[0][i]))
        .max_by_key(|&i| (lines[0][i], std::cmp::Reverse(i)));
    let frequent = (0..DELIMITERS.len())
        .filter(|&i| lines[0][i] > 0)
        .max_by_key(|&i| (lines[0][i], std::cmp::Reverse(i)));
    consistent.or(frequent).map_or(b',', |i| DELIMITERS[i])
}

/// What a value looks like, for telling a header from data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Empty,
    /// Numbers, dates, booleans: what column names rarely are.
    Data,
    Text,
}

fn kind(v: Option<&str>) -> Kind {
    let v = v.unwrap_or_default().trim();
    if v.is_empty() {
        Kind::Empty
    } else if is_float(v) || is_date(v) || is_timestamp(v) || is_bool(v) {
        Kind::Data
    } else {
        Kind::Text
    }
}

/// Whether the first record names the columns. Per column, with the rows below:
/// text over numbers (`age` over `42`) or a number over text (`2024` over names) says
/// header; a number over numbers, or a text value repeated below, says data. Header
/// evidence wins; with none either way a first record with any text is a header (most
/// files have one) and an all-number record is data.
fn looks_like_header(first: &[Option<String>], rest: &[Vec<Option<String>>]) -> bool {
    let (mut header, mut data) = (false, false);
    for (j, cell) in first.iter().enumerate() {
        let k = kind(cell.as_deref());
        if k == Kind::Empty {
            continue;
        }
        let below: Vec<Option<&str>> = rest
            .iter()
            .map(|r| r.get(j).and_then(|v| v.as_deref()))
            .filter(|v| kind(*v) != Kind::Empty)
            .collect();
        if below.is_empty() {
            continue;
        }
        let all_text = below.iter().all(|v| kind(*v) == Kind::Text);
        let no_text = below.iter().all(|v| kind(*v) != Kind::Text);
        match k {
            Kind::Text if no_text => header = true,
            Kind::Data if all_text => header = true,
            Kind::Data if no_text => data = true,
            Kind::Text if below.contains(&cell.as_deref()) => data = true,
            _ => {}
        }
    }
    header || (!data && first.iter().any(|c| kind(c.as_deref()) == Kind::Text))
}

/// The narrowest type every non-empty value of a column fits, learned value by value.
#[derive(Default)]
struct TypeTracker {
    present: u64,
    nulls: u64,
    not_integer: bool,
    not_float: bool,
    not_boolean: bool,
    not_date: bool,
    not_timestamp: bool,
}

impl TypeTracker {
    fn observe(&mut self, v: Option<&str>) {
        let Some(v) = v else {
            self.nulls += 1;
            return;
        };
        let v = v.trim();
        if v.is_empty() {
            return;
        }
        self.present += 1;
        self.not_integer = self.not_integer || v.parse::<i64>().is_err();
        self.not_float = self.not_float || !is_float(v);
        self.not_boolean = self.not_boolean || !is_bool(v);
        self.not_date = self.not_date || !is_date(v);
        self.not_timestamp = self.not_timestamp || !is_timestamp(v);
    }

    fn name(&self) -> &'static str {
        if self.present == 0 {
            "text"
        } else if !self.not_integer {
            "integer"
        } else if !self.not_float {
            "float"
        } else if !self.not_boolean {
            "boolean"
        } else if !self.not_date {
            "date"
        } else if !self.not_timestamp {
            "timestamp"
        } else {
            "text"
        }
    }
}

/// A number; `inf`, `nan` and the like only as whole words, not as any text `f64` takes.
fn is_float(v: &str) -> bool {
    v.parse::<f64>().is_ok()
        && (v.bytes().any(|b| b.is_ascii_digit())
            || matches!(
                v.trim_start_matches(['+', '-'])
                    .to_ascii_lowercase()
                    .as_str(),
                "nan" | "inf" | "infinity"
            ))
}

fn is_bool(v: &str) -> bool {
    v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")
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

fn is_timestamp(v: &str) -> bool {
    v.len() >= 16 && v.get(..10).is_some_and(is_date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::ConnectorRegistry;
    use crate::domain::SampleSize;

    fn scan(dir: &Path, name: &str, bytes: &[u8], size: SampleSize) -> TableScan {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        super::super::read_file(&path, size).expect("scan")
    }

    fn columns(scan: &TableScan) -> Vec<(&str, &str, bool)> {
        scan.columns
            .iter()
            .map(|c| (c.name.as_str(), c.data_type.as_str(), c.nullable))
            .collect()
    }

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
            .scan_table(&tables[1], SampleSize::Rows(100))
            .await
            .expect("scan");
        assert_eq!((scan.row_count, scan.rows_read), (Some(1000), 1000));
        assert_eq!(
            columns(&scan),
            [
                ("id", "integer", false),
                ("email", "text", false),
                ("joined", "date", false),
                ("score", "float", false),
                ("column_5", "text", true)
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
        // Latin-1 bytes and a broken quote still give a result, not a panic.
        let bad = c
            .scan_table(&tables[0], SampleSize::Rows(10))
            .await
            .expect("scan bad");
        assert_eq!(bad.values[0][0].as_deref(), Some("ÿþ"));
    }

    #[test]
    fn sniffs_semicolon_tab_and_pipe_delimiters() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (d, name) in [(";", "semi.csv"), ("\t", "tab.csv"), ("|", "pipe.csv")] {
            // A comma in a quoted value must not win over the real delimiter.
            let text = format!(
                "name{d}city{d}amount\n\"Doe, Jane\"{d}Paris{d}1,5\n\"Roe, Rick\"{d}Oslo{d}2,5\n"
            );
            let s = scan(dir.path(), name, text.as_bytes(), SampleSize::Rows(10));
            assert_eq!(
                columns(&s),
                [
                    ("name", "text", false),
                    ("city", "text", false),
                    ("amount", "text", false)
                ],
                "{name}"
            );
            assert_eq!(s.values[0][0].as_deref(), Some("Doe, Jane"), "{name}");
            assert_eq!(s.values[2][1].as_deref(), Some("2,5"), "{name}");
        }
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(sniff_delimiter("one column\nx\n"), b',');
    }

    #[test]
    fn reads_utf16_with_a_bom_and_latin1() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = "name\tcity\nJosé\tZürich\n😀\t東京\n";
        for (name, le) in [("le.tsv", true), ("be.tsv", false)] {
            let mut bytes = if le {
                vec![0xff, 0xfe]
            } else {
                vec![0xfe, 0xff]
            };
            for u in text.encode_utf16() {
                bytes.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            let s = scan(dir.path(), name, &bytes, SampleSize::Full);
            assert_eq!(
                columns(&s),
                [("name", "text", false), ("city", "text", false)],
                "{name}"
            );
            assert_eq!(s.values[0][0].as_deref(), Some("José"));
            assert_eq!(s.values[1][1].as_deref(), Some("東京"));
            assert_eq!(s.rows_read, 2);
        }
        // Windows-1252: é, ü and the euro sign; nothing replaced.
        let s = scan(
            dir.path(),
            "latin1.csv",
            b"name,price\nRen\xe9 M\xfcller,\x80 5\n",
            SampleSize::Rows(10),
        );
        assert_eq!(s.values[0][0].as_deref(), Some("René Müller"));
        assert_eq!(s.values[1][0].as_deref(), Some("€ 5"));
    }

    #[test]
    fn a_headerless_file_gets_numbered_columns_and_keeps_its_first_row() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = String::new();
        for i in 0..50 {
            text.push_str(&format!("{i},{}.25,2024-02-{:02}\n", i * 3, i % 28 + 1));
        }
        let s = scan(dir.path(), "nums.csv", text.as_bytes(), SampleSize::Full);
        assert_eq!(
            columns(&s),
            [
                ("column_1", "integer", false),
                ("column_2", "float", false),
                ("column_3", "date", false)
            ]
        );
        assert_eq!((s.rows_read, s.row_count), (50, Some(50)));
        let profiles = s.profiles.expect("full scan profiles");
        assert_eq!(
            profiles[0].min.as_deref(),
            Some("0"),
            "the first row is data"
        );
        assert_eq!(profiles[0].rows_sampled, 50);
        // Text header over numbers, a year header over text, a text first row repeated
        // below, and a header-only file.
        let rows = |v: &[&[&str]]| -> Vec<Vec<Option<String>>> {
            v.iter()
                .map(|r| r.iter().map(|c| Some(c.to_string())).collect())
                .collect()
        };
        let h = |v: &[&[&str]]| {
            let r = rows(v);
            looks_like_header(&r[0], &r[1..])
        };
        assert!(h(&[&["id", "n"], &["1", "2"]]));
        assert!(h(&[&["region", "2024"], &["north", "x"]]));
        assert!(!h(&[
            &["active", "x"],
            &["inactive", "y"],
            &["active", "z"]
        ]));
        assert!(!h(&[&["1", "2.5"]]));
        assert!(h(&[&["name", "email"]]));
    }

    #[test]
    fn the_demo_samples_keep_their_headers() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/samples/files");
        for (file, first) in [
            ("employees.csv", "employee_id"),
            ("inventory.csv", "sku"),
            ("vendors.csv", "vendor_id"),
        ] {
            let s = super::super::read_file(&dir.join(file), SampleSize::Rows(5)).expect(file);
            assert_eq!(s.columns[0].name, first, "{file}");
            assert!(s.columns.iter().all(|c| !c.name.starts_with("column_")));
        }
    }

    #[test]
    fn a_giant_header_keeps_a_bounded_number_of_columns() {
        let dir = tempfile::tempdir().expect("tempdir");
        let header: Vec<String> = (0..5000).map(|i| format!("c{i}")).collect();
        let row: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
        let text = format!("{}\n{}\n", header.join(","), row.join(","));
        let t = scan(dir.path(), "wide.csv", text.as_bytes(), SampleSize::Full);
        assert_eq!(t.columns.len(), MAX_COLUMNS);
        assert_eq!(t.rows_read, 1);
    }

    #[test]
    fn type_inference_never_slices_inside_a_character() {
        // Byte 10 falls inside `é`: slicing there would panic.
        let mut t = TypeTracker::default();
        t.observe(Some("aaaaaaaaaéaaaaaaaa"));
        t.observe(Some("2024-01-15 10:22:03"));
        assert_eq!(t.name(), "text");
        let mut ts = TypeTracker::default();
        ts.observe(Some("2024-01-15 10:22:03"));
        ts.observe(None);
        assert_eq!(ts.name(), "timestamp");
        assert_eq!(ts.nulls, 1);
        let mut words = TypeTracker::default();
        words.observe(Some("infinite"));
        words.observe(Some("nan"));
        assert_eq!(words.name(), "text");
    }
}
