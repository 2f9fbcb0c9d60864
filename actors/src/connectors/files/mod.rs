//! Directories of data files (or one file): each CSV/TSV, JSON lines / JSON array or
//! Parquet file is a table. Rows are sampled uniformly in one pass (reservoir sampling, or
//! random row indices where the file knows its row count), and every row is profiled on a
//! full scan.
//!
//! Text formats are decoded to UTF-8 first (see [`open_text`]), so the parsers never meet
//! invalid bytes and no value is lost to an encoding error.

mod csv;
mod jsonl;
mod parquet;

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use futures::future::BoxFuture;

use super::{
    CLASSIFY_ROWS, Connector, ConnectorError, ConnectorFactory, TableRef, TableSampler, TableScan,
    fingerprint, local_path,
};
use crate::domain::{AssetKind, SampleSize};

/// How deep a directory is walked for files.
const MAX_DEPTH: usize = 4;

/// Seed of every file sample: two scans of an unchanged file see the same rows, so their
/// classifications do not flicker.
const SAMPLE_SEED: u64 = 0x5eed;

/// Raw bytes looked at to sniff a text file's encoding.
const SNIFF_BYTES: usize = 64 * 1024;

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

/// The kinds of file read as tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// `.csv`: delimiter sniffed.
    Csv,
    /// `.tsv`: tab-delimited.
    Tsv,
    /// `.jsonl`, `.ndjson`: one object per line.
    JsonLines,
    /// `.json`: a top-level array of objects (or objects one after another).
    Json,
    Parquet,
}

impl Format {
    /// The format of `p` by its extension; `None`: not a table (ignored).
    fn of(p: &Path) -> Option<Self> {
        let ext = p.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => Self::Csv,
            "tsv" => Self::Tsv,
            "jsonl" | "ndjson" => Self::JsonLines,
            "json" => Self::Json,
            "parquet" => Self::Parquet,
            _ => return None,
        })
    }
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let ft = e.file_type()?;
        if ft.is_dir() && depth < MAX_DEPTH {
            walk(&path, depth + 1, out)?;
        } else if ft.is_file() && Format::of(&path).is_some() {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads one file: its columns, row count and a uniform sample (of `Rows(n)` rows, or of
/// [`CLASSIFY_ROWS`] with every row profiled for `Full`).
fn read_file(path: &Path, size: SampleSize) -> Result<TableScan, String> {
    match Format::of(path) {
        Some(Format::Csv) => csv::read(path, size, None),
        Some(Format::Tsv) => csv::read(path, size, Some(b'\t')),
        Some(Format::JsonLines) => jsonl::read_lines(path, size),
        Some(Format::Json) => jsonl::read_document(path, size),
        Some(Format::Parquet) => parquet::read(path, size),
        // A single file named by the URI may have any extension: read it as delimited text,
        // as this connector always has.
        None => csv::read(path, size, None),
    }
}

/// Files' sampler: the same reservoir and profiles as every source, with a fixed seed (see
/// [`SAMPLE_SEED`]) and columns learned while reading (JSON adds them as it goes; CSV and
/// JSON know their types only at the end).
type FileSampler = TableSampler;

fn file_sampler(size: SampleSize, columns: usize) -> FileSampler {
    TableSampler::untyped(columns, size, CLASSIFY_ROWS, SAMPLE_SEED)
}

/// Column names made unique (`name`, `name_2`, …): a duplicate would give two columns the
/// same asset id.
fn unique_names(names: Vec<String>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    names
        .into_iter()
        .map(|n| {
            let mut name = n.clone();
            let mut k = 2;
            while taken.contains(&name) {
                name = format!("{n}_{k}");
                k += 1;
            }
            taken.insert(name.clone());
            name
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Text encodings

/// Encodings text files are decoded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    /// UTF-8; a byte that is not part of valid UTF-8 is decoded as Windows-1252, so a
    /// stray Latin-1 value in a UTF-8 file keeps its text.
    Utf8,
    Utf16Le,
    Utf16Be,
    /// Every byte is one character. Chosen when the file's head is not valid UTF-8.
    Windows1252,
}

/// Picks the encoding from a byte-order mark, else from whether `head` is valid UTF-8
/// (a sequence cut by the end of a partial head is not held against it). Returns the
/// encoding and the length of the BOM to skip.
fn sniff_encoding(head: &[u8], whole_file: bool) -> (Encoding, usize) {
    if head.starts_with(&[0xef, 0xbb, 0xbf]) {
        return (Encoding::Utf8, 3);
    }
    if head.starts_with(&[0xff, 0xfe]) {
        return (Encoding::Utf16Le, 2);
    }
    if head.starts_with(&[0xfe, 0xff]) {
        return (Encoding::Utf16Be, 2);
    }
    match std::str::from_utf8(head) {
        Ok(_) => (Encoding::Utf8, 0),
        Err(e) if e.error_len().is_none() && !whole_file => (Encoding::Utf8, 0),
        Err(_) => (Encoding::Windows1252, 0),
    }
}

/// The characters of Windows-1252 bytes 0x80–0x9F; its five unassigned bytes map to the
/// C1 controls of the same value, as browsers do, so no byte is ever lost.
const CP1252_HIGH: [char; 32] = [
    '\u{20ac}', '\u{81}', '\u{201a}', '\u{192}', '\u{201e}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{2c6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8d}', '\u{17d}', '\u{8f}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{2dc}', '\u{2122}', '\u{161}', '\u{203a}', '\u{153}', '\u{9d}', '\u{17e}', '\u{178}',
];

fn cp1252(b: u8) -> char {
    match b {
        0x80..=0x9f => CP1252_HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// A file's bytes as UTF-8, decoded on the fly: what CSV and JSON parsers read.
type TextReader = Decoder<std::io::Chain<std::io::Cursor<Vec<u8>>, std::fs::File>>;

/// Opens `path` as text: encoding sniffed from its head, BOM dropped.
fn open_text(path: &Path) -> std::io::Result<(TextReader, Encoding)> {
    let mut file = std::fs::File::open(path)?;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    let (encoding, bom) = sniff_encoding(&head, head.len() < SNIFF_BYTES);
    head.drain(..bom);
    let inner = std::io::Cursor::new(head).chain(file);
    Ok((Decoder::new(inner, encoding), encoding))
}

/// Reads bytes in `encoding` and yields valid UTF-8.
struct Decoder<R> {
    inner: R,
    encoding: Encoding,
    /// Raw bytes not decoded yet (a sequence cut by a read boundary).
    pending: Vec<u8>,
    /// Decoded bytes not handed out yet, from `pos`.
    out: Vec<u8>,
    pos: usize,
    eof: bool,
}

impl<R: Read> Decoder<R> {
    fn new(inner: R, encoding: Encoding) -> Self {
        Self {
            inner,
            encoding,
            pending: Vec::new(),
            out: Vec::new(),
            pos: 0,
            eof: false,
        }
    }

    /// Decodes what `pending` holds into `out`, keeping back an incomplete trailing
    /// sequence until more bytes (or the end) come.
    fn decode(&mut self) {
        let (pending, out, eof) = (&mut self.pending, &mut self.out, self.eof);
        match self.encoding {
            Encoding::Windows1252 => {
                for &b in pending.iter() {
                    push_char(out, cp1252(b));
                }
                pending.clear();
            }
            Encoding::Utf8 => {
                let mut i = 0;
                while i < pending.len() {
                    match std::str::from_utf8(&pending[i..]) {
                        Ok(s) => {
                            out.extend_from_slice(s.as_bytes());
                            i = pending.len();
                        }
                        Err(e) => {
                            let valid = e.valid_up_to();
                            out.extend_from_slice(&pending[i..i + valid]);
                            i += valid;
                            let bad = match e.error_len() {
                                Some(n) => n,
                                // Cut by the read boundary: wait for the rest.
                                None if !eof => break,
                                None => pending.len() - i,
                            };
                            for &b in &pending[i..i + bad] {
                                push_char(out, cp1252(b));
                            }
                            i += bad;
                        }
                    }
                }
                pending.drain(..i);
            }
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let le = self.encoding == Encoding::Utf16Le;
                let mut units: Vec<u16> = pending
                    .chunks_exact(2)
                    .map(|p| {
                        let pair = [p[0], p[1]];
                        if le {
                            u16::from_le_bytes(pair)
                        } else {
                            u16::from_be_bytes(pair)
                        }
                    })
                    .collect();
                // A high surrogate at the end may be completed by the next read.
                if !eof && units.last().is_some_and(|u| (0xd800..0xdc00).contains(u)) {
                    units.pop();
                }
                for c in char::decode_utf16(units.iter().copied()) {
                    push_char(out, c.unwrap_or(char::REPLACEMENT_CHARACTER));
                }
                pending.drain(..units.len() * 2);
                if eof && !pending.is_empty() {
                    // An odd trailing byte.
                    push_char(out, char::REPLACEMENT_CHARACTER);
                    pending.clear();
                }
            }
        }
    }
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.pos);
                buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            if self.eof {
                return Ok(0);
            }
            self.out.clear();
            self.pos = 0;
            let mut chunk = [0u8; 16 * 1024];
            let n = match self.inner.read(&mut chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.eof = true;
            } else {
                self.pending.extend_from_slice(&chunk[..n]);
            }
            self.decode();
        }
    }
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
            // `people.csv` and `people.parquet` side by side: the first (in name order)
            // keeps the stem, the others their whole file name, so their ids differ.
            let mut taken: HashSet<(String, String)> = HashSet::new();
            Ok(files
                .into_iter()
                .map(|p| {
                    let rel = p
                        .strip_prefix(&self.root)
                        .ok()
                        .and_then(|r| r.parent())
                        .map(|d| d.to_string_lossy().replace('/', "_"));
                    let schema = rel
                        .filter(|r| !r.is_empty())
                        .unwrap_or_else(|| "files".into());
                    let stem = p
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    // The stem, else the file name, else a numbered name: two files never
                    // share a table id (one would overwrite the other in the catalog).
                    let file_name = p
                        .file_name()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_else(|| stem.clone());
                    let mut name = stem.clone();
                    let mut n = 1;
                    while !taken.insert((schema.clone(), name.clone())) {
                        n += 1;
                        name = if n == 2 {
                            file_name.clone()
                        } else {
                            format!("{file_name}~{n}")
                        };
                    }
                    let mut t = TableRef::new(
                        self.database.clone(),
                        schema,
                        name,
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
    use std::io::Read;

    use super::*;
    use crate::connectors::{ColumnSchema, ConnectorRegistry};

    fn decode_all(bytes: &[u8], encoding: Encoding, chunk: usize) -> String {
        /// Hands out at most `chunk` bytes per read, to cut sequences at read boundaries.
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = String::new();
        Decoder::new(Trickle(bytes, chunk), encoding)
            .read_to_string(&mut out)
            .expect("decoded text is UTF-8");
        out
    }

    #[test]
    fn decoding_keeps_every_character_across_read_boundaries() {
        let text = "a€é😀z";
        let mut le = Vec::new();
        let mut be = Vec::new();
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        for chunk in [1, 2, 3, 7] {
            assert_eq!(decode_all(text.as_bytes(), Encoding::Utf8, chunk), text);
            assert_eq!(decode_all(&le, Encoding::Utf16Le, chunk), text);
            assert_eq!(decode_all(&be, Encoding::Utf16Be, chunk), text);
        }
        // Invalid UTF-8 bytes keep their Windows-1252 meaning; a cut sequence at the end too.
        assert_eq!(
            decode_all(b"caf\xe9 \x80 ok \xe2\x82", Encoding::Utf8, 2),
            "café € ok â\u{201a}"
        );
        assert_eq!(
            decode_all(b"M\xfcller \x81", Encoding::Windows1252, 4),
            "Müller \u{81}"
        );
        // A lone surrogate and an odd trailing byte become replacement characters.
        assert_eq!(
            decode_all(&[0x00, 0xd8, 0x41, 0x00, 0x42], Encoding::Utf16Le, 1),
            "\u{fffd}A\u{fffd}"
        );
        assert_eq!(sniff_encoding(b"\xef\xbb\xbfa", true), (Encoding::Utf8, 3));
        assert_eq!(
            sniff_encoding(b"\xff\xfea\x00", true),
            (Encoding::Utf16Le, 2)
        );
        assert_eq!(
            sniff_encoding(b"\xfe\xff\x00a", true),
            (Encoding::Utf16Be, 2)
        );
        assert_eq!(sniff_encoding(b"ab\xc3", false), (Encoding::Utf8, 0));
        assert_eq!(sniff_encoding(b"ab\xc3", true), (Encoding::Windows1252, 0));
        assert_eq!(
            sniff_encoding(b"M\xfcller", false),
            (Encoding::Windows1252, 0)
        );
    }

    #[test]
    fn the_sampler_widens_and_profiles_every_row() {
        let mut s = file_sampler(SampleSize::Full, 1);
        for i in 0..2000 {
            if i == 1000 {
                s.widen(2);
            }
            s.push(vec![Some(i.to_string()), Some("x".into())]);
        }
        let cols = vec![
            ColumnSchema::new("a", "integer", false),
            ColumnSchema::new("b", "string", true),
        ];
        let scan = s.finish_with(cols, Some(2000));
        assert_eq!((scan.rows_read, scan.row_count), (2000, Some(2000)));
        assert_eq!(scan.values[0].len(), CLASSIFY_ROWS);
        assert_eq!(scan.values[1].len(), CLASSIFY_ROWS);
        let profiles = scan.profiles.expect("profiles");
        assert_eq!(profiles[0].max.as_deref(), Some("1999"));
        assert_eq!(profiles[1].null_ratio, 0.5);
        assert_eq!(profiles[1].rows_sampled, 2000);
    }

    #[tokio::test]
    async fn lists_every_format_and_keeps_names_unique() {
        let dir = tempfile::tempdir().expect("tempdir");
        for f in [
            "a.csv",
            "a.parquet",
            "b.jsonl",
            "c.ndjson",
            "d.json",
            "e.tsv",
            "notes.txt",
            "f.xlsx",
        ] {
            std::fs::write(dir.path().join(f), "x").expect("write");
        }
        let reg = ConnectorRegistry::default();
        let mut c = reg
            .connect("f", &format!("file://{}", dir.path().display()))
            .await
            .expect("connect");
        let tables = c.list_tables().await.expect("list");
        assert_eq!(
            tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["a", "a.parquet", "b", "c", "d", "e"]
        );
        assert!(tables.iter().all(|t| t.fingerprint.is_some()));
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
