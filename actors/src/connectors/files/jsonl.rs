//! JSON lines (`.jsonl`, `.ndjson`) and JSON documents (`.json`: a top-level array of
//! objects, or objects one after another). Each object is a row; nested objects become
//! dotted paths (`address.city`), array elements `tags[]`, and fields of objects inside
//! arrays `items[].sku`.
//!
//! An array's elements are joined into one value per row (`"a, b"`), not spread over
//! rows: a sampled row stays one record, so row counts, NULL ratios and the other columns
//! of the row keep their meaning. The cost: an element only classifies on its own when
//! the array has one.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::de::{self, Deserialize, MapAccess, SeqAccess, Visitor};

use super::{FileSampler, file_sampler, open_text};
use crate::connectors::{ColumnSchema, MAX_VALUE_CHARS, TableScan};
use crate::domain::SampleSize;

/// Paths (columns) kept per file; a file with more is mostly keys used as data (ids as
/// keys), which make poor columns.
const MAX_PATHS: usize = 512;
/// Containers a path may go through; deeper values are kept whole as their JSON text.
const MAX_DEPTH: usize = 8;
/// Largest record (line, or element of a `.json` array) parsed; larger ones are skipped
/// rather than loaded whole into memory.
const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;
/// Bytes an array's joined value may grow to; it is cut to [`MAX_VALUE_CHARS`] anyway.
const MAX_JOINED_BYTES: usize = MAX_VALUE_CHARS * 4;
const ARRAY_SEPARATOR: &str = ", ";

// The JSON types a path was seen with, as bits.
const BOOLEAN: u8 = 1;
const INTEGER: u8 = 2;
const NUMBER: u8 = 4;
const STRING: u8 = 8;
const OBJECT: u8 = 16;
const ARRAY: u8 = 32;

/// Reads a JSON lines file: one object per line; other lines are counted and skipped.
pub(super) fn read_lines(path: &Path, size: SampleSize) -> Result<TableScan, String> {
    let (text, _) = open_text(path).map_err(|e| e.to_string())?;
    let mut reader = BufReader::with_capacity(64 * 1024, text);
    let mut table = Table::new(size);
    let mut bad = Malformed::default();
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_RECORD_BYTES + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        number += 1;
        if line.last() != Some(&b'\n') && line.len() as u64 > MAX_RECORD_BYTES {
            skip_line(&mut reader).map_err(|e| e.to_string())?;
            bad.note(format!(
                "line {number}: longer than {MAX_RECORD_BYTES} bytes"
            ));
            continue;
        }
        let record = line.trim_ascii();
        if record.is_empty() {
            continue;
        }
        match serde_json::from_slice::<Json>(record) {
            Ok(Json::Object(fields)) => table.add(fields),
            Ok(_) => bad.note(format!("line {number}: not a JSON object")),
            Err(e) => bad.note(format!("line {number}: {e}")),
        }
    }
    table.finish(path, bad)
}

/// Reads a `.json` file: an array of objects streamed element by element, or objects one
/// after another. A syntax error ends the file (JSON cannot resynchronize), keeping the
/// rows before it.
pub(super) fn read_document(path: &Path, size: SampleSize) -> Result<TableScan, String> {
    let (text, _) = open_text(path).map_err(|e| e.to_string())?;
    let mut reader = BufReader::with_capacity(64 * 1024, text);
    let first = first_byte(&mut reader).map_err(|e| e.to_string())?;
    let mut table = Table::new(size);
    let mut bad = Malformed::default();
    let used = Cell::new(0);
    let mut de = serde_json::Deserializer::from_reader(Budget {
        inner: reader,
        used: &used,
    });
    match first {
        None => {}
        Some(b'[') => {
            let mut index = 0u64;
            let mut on_element = |element: Json| {
                index += 1;
                match element {
                    Json::Object(fields) => table.add(fields),
                    _ => bad.note(format!("element {index}: not a JSON object")),
                }
            };
            let result = serde::Deserializer::deserialize_seq(
                &mut de,
                Elements {
                    used: &used,
                    on_element: &mut on_element,
                },
            );
            if let Err(e) = result {
                bad.note(e.to_string());
            }
        }
        Some(b'{') => {
            let mut stream = de.into_iter::<Json>();
            loop {
                used.set(0);
                match stream.next() {
                    None => break,
                    Some(Ok(Json::Object(fields))) => table.add(fields),
                    Some(Ok(_)) => bad.note("a value that is not an object".into()),
                    Some(Err(e)) => {
                        bad.note(e.to_string());
                        break;
                    }
                }
            }
        }
        Some(_) => {
            return Err(
                "not a table: a `.json` file is read as an array of objects or as objects \
                 one after another"
                    .into(),
            );
        }
    }
    table.finish(path, bad)
}

/// The first byte that is not whitespace (left unread), `None` for a blank file.
fn first_byte(reader: &mut impl BufRead) -> std::io::Result<Option<u8>> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        let (skip, found) = match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => (i, buf.get(i).copied()),
            None => (buf.len(), None),
        };
        reader.consume(skip);
        if found.is_some() {
            return Ok(found);
        }
    }
}

/// Consumes the rest of an overlong line.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|b| *b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// Records that could not be read: how many, and why the first one failed.
#[derive(Default)]
struct Malformed {
    count: u64,
    first: Option<String>,
}

impl Malformed {
    fn note(&mut self, why: String) {
        self.count += 1;
        self.first.get_or_insert(why);
    }
}

/// Errors a read once one record has taken more than [`MAX_RECORD_BYTES`] (the count is
/// reset before each record), so one giant element cannot exhaust memory.
struct Budget<'a, R> {
    inner: R,
    used: &'a Cell<u64>,
}

impl<R: Read> Read for Budget<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.used.set(self.used.get() + n as u64);
        if self.used.get() > MAX_RECORD_BYTES {
            return Err(std::io::Error::other(format!(
                "a record is longer than {MAX_RECORD_BYTES} bytes"
            )));
        }
        Ok(n)
    }
}

/// Visits a top-level array, handing each element on as soon as it is parsed.
struct Elements<'a> {
    used: &'a Cell<u64>,
    on_element: &'a mut dyn FnMut(Json),
}

impl<'de> Visitor<'de> for Elements<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of JSON objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            self.used.set(0);
            match seq.next_element::<Json>()? {
                Some(element) => (self.on_element)(element),
                None => return Ok(()),
            }
        }
    }
}

/// A JSON value with object keys in file order (`serde_json::Value` sorts them unless
/// the `preserve_order` feature is on, and columns should come in the file's order).
#[derive(Debug)]
enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        // JSON has no NaN or infinity; serde_json never hands one over.
        Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut fields = Vec::new();
        while let Some(field) = map.next_entry::<String, Json>()? {
            fields.push(field);
        }
        Ok(Json::Object(fields))
    }
}

/// One flattened path.
struct Column {
    name: String,
    /// JSON types seen, as bits.
    types: u8,
    /// Seen inside an array: its values are element lists.
    in_array: bool,
    /// Rows with a value.
    present: u64,
}

impl Column {
    fn data_type(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        for (bit, name) in [
            (BOOLEAN, "boolean"),
            (INTEGER, "integer"),
            (NUMBER, "number"),
            (STRING, "string"),
            (OBJECT, "object"),
            (ARRAY, "array"),
        ] {
            // An integer is a number: integers and fractions together are numbers.
            if self.types & bit != 0 && !(bit == INTEGER && self.types & NUMBER != 0) {
                parts.push(name);
            }
        }
        let base = if parts.is_empty() {
            "null".to_string()
        } else {
            parts.join("|")
        };
        if self.in_array {
            format!("array<{base}>")
        } else {
            base
        }
    }
}

/// The rows of one file, flattened, with the columns in the order first seen.
struct Table {
    index: HashMap<String, usize>,
    columns: Vec<Column>,
    /// Values dropped because their path came after [`MAX_PATHS`] others.
    refused: u64,
    sampler: FileSampler,
}

impl Table {
    fn new(size: SampleSize) -> Self {
        Self {
            index: HashMap::new(),
            columns: Vec::new(),
            refused: 0,
            sampler: file_sampler(size, 0),
        }
    }

    fn add(&mut self, fields: Vec<(String, Json)>) {
        let mut row = Vec::new();
        for (key, value) in &fields {
            self.flatten(value, key.clone(), false, 1, &mut row);
        }
        for (c, v) in self.columns.iter_mut().zip(&row) {
            if v.is_some() {
                c.present += 1;
            }
        }
        self.sampler.widen(self.columns.len());
        self.sampler.push(row);
    }

    /// Puts `value`, found at `path` (`depth` containers deep), into `row`.
    fn flatten(
        &mut self,
        value: &Json,
        path: String,
        in_array: bool,
        depth: usize,
        row: &mut Vec<Option<String>>,
    ) {
        match value {
            Json::Object(fields) if depth < MAX_DEPTH => {
                for (key, v) in fields {
                    self.flatten(v, format!("{path}.{key}"), in_array, depth + 1, row);
                }
            }
            Json::Array(items) if depth < MAX_DEPTH => {
                // An empty array adds nothing: the paths below it are NULL in this row.
                let path = format!("{path}[]");
                for item in items {
                    self.flatten(item, path.clone(), true, depth + 1, row);
                }
            }
            Json::Object(_) | Json::Array(_) => {
                let mut text = String::new();
                compact(value, &mut text);
                let t = if matches!(value, Json::Object(_)) {
                    OBJECT
                } else {
                    ARRAY
                };
                self.put(&path, t, text, in_array, row);
            }
            // A key that is always null is still a column; a null list element is not.
            Json::Null if !in_array => {
                self.column(&path, false);
            }
            Json::Null => {}
            Json::Bool(b) => self.put(&path, BOOLEAN, b.to_string(), in_array, row),
            Json::Number(n) => {
                let t = if n.is_f64() { NUMBER } else { INTEGER };
                self.put(&path, t, n.to_string(), in_array, row);
            }
            Json::String(s) => self.put(&path, STRING, s.clone(), in_array, row),
        }
    }

    /// The index of `path`'s column, added if there is room.
    fn column(&mut self, path: &str, in_array: bool) -> Option<usize> {
        if let Some(&i) = self.index.get(path) {
            if let Some(c) = self.columns.get_mut(i) {
                c.in_array |= in_array;
            }
            return Some(i);
        }
        if self.columns.len() >= MAX_PATHS {
            self.refused += 1;
            return None;
        }
        let i = self.columns.len();
        self.columns.push(Column {
            name: path.to_string(),
            types: 0,
            in_array,
            present: 0,
        });
        self.index.insert(path.to_string(), i);
        Some(i)
    }

    fn put(
        &mut self,
        path: &str,
        t: u8,
        text: String,
        in_array: bool,
        row: &mut Vec<Option<String>>,
    ) {
        let Some(i) = self.column(path, in_array) else {
            return;
        };
        if let Some(c) = self.columns.get_mut(i) {
            c.types |= t;
        }
        if row.len() <= i {
            row.resize(i + 1, None);
        }
        match &mut row[i] {
            Some(joined) if in_array => {
                if joined.len() < MAX_JOINED_BYTES {
                    joined.push_str(ARRAY_SEPARATOR);
                    joined.push_str(&text);
                }
            }
            // A repeated key outside arrays: the last one wins, as in most parsers.
            slot => *slot = Some(text),
        }
    }

    fn finish(self, path: &Path, bad: Malformed) -> Result<TableScan, String> {
        let rows = self.sampler.rows_read();
        if rows == 0 && bad.count > 0 {
            return Err(format!(
                "no JSON object could be read: {} malformed record(s), the first at {}",
                bad.count,
                bad.first.unwrap_or_default()
            ));
        }
        if bad.count > 0 {
            tracing::debug!(
                file = %path.display(),
                malformed = bad.count,
                "skipped malformed JSON records"
            );
        }
        if self.refused > 0 {
            tracing::warn!(
                file = %path.display(),
                kept = MAX_PATHS,
                dropped_values = self.refused,
                "JSON file has more paths than are kept as columns"
            );
        }
        let columns = self
            .columns
            .iter()
            .map(|c| ColumnSchema::new(c.name.clone(), c.data_type(), c.present < rows))
            .collect();
        Ok(self.sampler.finish_with(columns, Some(rows)))
    }
}

/// Compact JSON text of a value kept whole (past [`MAX_DEPTH`]), cut once it is long
/// enough to be bounded anyway.
fn compact(value: &Json, out: &mut String) {
    if out.len() > MAX_JOINED_BYTES {
        return;
    }
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(&n.to_string()),
        Json::String(s) => out.push_str(&serde_json::Value::from(s.as_str()).to_string()),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                compact(item, out);
            }
            out.push(']');
        }
        Json::Object(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::from(k.as_str()).to_string());
                out.push(':');
                compact(v, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::CLASSIFY_ROWS;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    fn columns(scan: &TableScan) -> Vec<(&str, &str, bool)> {
        scan.columns
            .iter()
            .map(|c| (c.name.as_str(), c.data_type.as_str(), c.nullable))
            .collect()
    }

    fn column<'a>(scan: &'a TableScan, name: &str) -> Vec<Option<&'a str>> {
        let i = scan
            .columns
            .iter()
            .position(|c| c.name == name)
            .expect("column");
        scan.values[i].iter().map(|v| v.as_deref()).collect()
    }

    #[test]
    fn flattens_nested_objects_and_arrays_and_skips_malformed_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = Vec::new();
        text.extend_from_slice(
            br#"{"id": 1, "name": "Ann", "address": {"city": "Paris", "geo": {"lat": 48.85}}, "tags": ["a", "b"], "items": [{"sku": "X1", "qty": 2}, {"sku": "X2"}], "code": 7}"#,
        );
        text.extend_from_slice(b"\n\n");
        text.extend_from_slice(
            br#"{"id": 2, "name": null, "address": {"city": "Oslo"}, "tags": [], "code": "B7", "ok": true}"#,
        );
        text.extend_from_slice(b"\nnot json at {\n[1, 2]\r\n");
        // Invalid UTF-8 (Latin-1 ö) must not cost the line.
        text.extend_from_slice(b"{\"id\": 3, \"name\": \"Bj\xf6rn\", \"tags\": [\"c\"], \"items\": [], \"code\": 9}\r\n");
        let path = write(dir.path(), "people.jsonl", &text);
        let scan = super::super::read_file(&path, SampleSize::Rows(100)).expect("scan");
        assert_eq!(
            columns(&scan),
            [
                ("id", "integer", false),
                ("name", "string", true),
                ("address.city", "string", true),
                ("address.geo.lat", "number", true),
                ("tags[]", "array<string>", true),
                ("items[].sku", "array<string>", true),
                ("items[].qty", "array<integer>", true),
                ("code", "integer|string", false),
                ("ok", "boolean", true),
            ]
        );
        assert_eq!((scan.rows_read, scan.row_count), (3, Some(3)));
        assert_eq!(scan.values[0].len(), 3);
        assert_eq!(column(&scan, "name"), [Some("Ann"), None, Some("Björn")]);
        assert_eq!(column(&scan, "tags[]"), [Some("a, b"), None, Some("c")]);
        assert_eq!(column(&scan, "items[].sku"), [Some("X1, X2"), None, None]);
        assert_eq!(column(&scan, "address.geo.lat")[0], Some("48.85"));
        assert_eq!(column(&scan, "ok"), [None, Some("true"), None]);
    }

    #[test]
    fn bounds_depth_and_paths() {
        let dir = tempfile::tempdir().expect("tempdir");
        let deep = r#"{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"j":1}}}}}}}}}}"#;
        let mut wide = String::from("{");
        for i in 0..600 {
            wide.push_str(&format!("\"k{i}\": {i},"));
        }
        wide.push_str("\"last\": 1}");
        let path = write(
            dir.path(),
            "shapes.ndjson",
            format!("{deep}\n{wide}\n").as_bytes(),
        );
        let scan = super::super::read_file(&path, SampleSize::Full).expect("scan");
        assert_eq!(scan.columns.len(), MAX_PATHS);
        assert_eq!(
            (
                scan.columns[0].name.as_str(),
                scan.columns[0].data_type.as_str()
            ),
            ("a.b.c.d.e.f.g.h", "object")
        );
        assert_eq!(scan.values[0][0].as_deref(), Some(r#"{"i":{"j":1}}"#));
        assert!(scan.columns.iter().all(|c| c.name != "last"));
        assert_eq!(scan.profiles.as_ref().map(Vec::len), Some(MAX_PATHS));
    }

    #[test]
    fn reads_json_arrays_and_object_streams() {
        let dir = tempfile::tempdir().expect("tempdir");
        let array = write(
            dir.path(),
            "a.json",
            br#" [ {"a": 1}, {"a": "x", "b": {"c": [1, 2.5]}}, 5, {"a": 3} ] "#,
        );
        let scan = super::super::read_file(&array, SampleSize::Rows(10)).expect("array");
        assert_eq!(
            columns(&scan),
            [
                ("a", "integer|string", false),
                ("b.c[]", "array<number>", true)
            ]
        );
        assert_eq!(scan.rows_read, 3);
        assert_eq!(column(&scan, "b.c[]")[1], Some("1, 2.5"));
        // A broken tail keeps the rows before it.
        let cut = write(dir.path(), "cut.json", br#"[{"a": 1}, {"a": 2}, {"a": "#);
        let scan = super::super::read_file(&cut, SampleSize::Rows(10)).expect("cut");
        assert_eq!(scan.rows_read, 2);
        // Objects one after another, pretty-printed.
        let stream = write(
            dir.path(),
            "s.json",
            b"{\n  \"a\": {\"b\": true}\n}\n{\"a\": {\"b\": false}}",
        );
        let scan = super::super::read_file(&stream, SampleSize::Rows(10)).expect("stream");
        assert_eq!(columns(&scan), [("a.b", "boolean", false)]);
        assert_eq!(scan.rows_read, 2);
        // Not a table, and nothing readable: clear errors.
        let scalar = write(dir.path(), "n.json", b"42");
        let err = super::super::read_file(&scalar, SampleSize::Rows(10)).expect_err("scalar");
        assert!(err.contains("array of objects"), "{err}");
        let junk = write(dir.path(), "junk.jsonl", b"nope\n{\"a\": \n[]\n");
        let err = super::super::read_file(&junk, SampleSize::Rows(10)).expect_err("junk");
        assert!(err.contains("3 malformed"), "{err}");
        assert!(err.contains("line 1"), "{err}");
        let empty = write(dir.path(), "e.jsonl", b"\n\n");
        let scan = super::super::read_file(&empty, SampleSize::Rows(10)).expect("empty");
        assert_eq!((scan.rows_read, scan.columns.len()), (0, 0));
    }

    #[test]
    fn oversized_records_are_skipped_not_loaded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = b"{\"a\": 1}\n{\"a\": \"".to_vec();
        text.resize(text.len() + MAX_RECORD_BYTES as usize, b'x');
        text.extend_from_slice(b"\"}\n{\"a\": 2}\n");
        let path = write(dir.path(), "big.jsonl", &text);
        let scan = super::super::read_file(&path, SampleSize::Rows(10)).expect("scan");
        assert_eq!(column(&scan, "a"), [Some("1"), Some("2")]);
        // The same bound inside a `.json` document, by bytes read per record.
        let used = Cell::new(MAX_RECORD_BYTES - 2);
        let mut budget = Budget {
            inner: &b"12345"[..],
            used: &used,
        };
        let err = budget.read(&mut [0u8; 8]).expect_err("over budget");
        assert!(err.to_string().contains("longer than"), "{err}");
    }

    #[test]
    fn full_scans_profile_every_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = String::new();
        for i in 0..3000 {
            if i % 3 == 0 {
                text.push_str(&format!("{{\"n\": {i}}}\n"));
            } else {
                text.push_str(&format!(
                    "{{\"n\": {i}, \"email\": \"u{i}@example.com\"}}\n"
                ));
            }
        }
        let path = write(dir.path(), "big.jsonl", text.as_bytes());
        let scan = super::super::read_file(&path, SampleSize::Full).expect("scan");
        assert_eq!((scan.rows_read, scan.row_count), (3000, Some(3000)));
        assert_eq!(scan.values[0].len(), CLASSIFY_ROWS);
        let p = scan.profiles.expect("profiles");
        assert_eq!(p[0].rows_sampled, 3000);
        assert_eq!(p[0].max.as_deref(), Some("2999"));
        assert_eq!(p[1].null_ratio, 0.3333);
        assert!(p[1].exact);
        let again = super::super::read_file(&path, SampleSize::Rows(50)).expect("again");
        let twice = super::super::read_file(&path, SampleSize::Rows(50)).expect("twice");
        assert_eq!(again.values, twice.values, "the sample is reproducible");
    }
}
