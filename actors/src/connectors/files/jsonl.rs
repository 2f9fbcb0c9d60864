//! JSON lines (`.jsonl`, `.ndjson`) and JSON documents (`.json`: a top-level array of
//! objects, or objects one after another). Each object is a row, flattened by the
//! flattener MongoDB shares ([`crate::connectors::flatten`], which states the rules):
//! nested objects become dotted paths (`address.city`), array elements `tags[]`, fields of
//! objects inside arrays `items[].sku`, and each array element is a whole value of its
//! column, so an array of e-mail addresses classifies as e-mail addresses here and in a
//! collection alike.

use std::cell::Cell;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::de::{self, Deserialize, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{FileSampler, file_sampler, open_text};
use crate::connectors::TableScan;
use crate::connectors::flatten::{self, Flattener, KEEP_DEPTH, MAX_ELEMENTS, Value, Vocabulary};
use crate::domain::SampleSize;

/// Largest record (line, or element of a `.json` array) parsed; larger ones are skipped
/// rather than loaded whole into memory.
const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;

// The JSON types, as the flattener's kinds.
const BOOLEAN: u8 = 0;
const INTEGER: u8 = 1;
const NUMBER: u8 = 2;
const STRING: u8 = 3;
const OBJECT: u8 = 4;
const ARRAY: u8 = 5;

const JSON_TYPES: Vocabulary = Vocabulary {
    object: OBJECT,
    array: ARRAY,
    name: json_type,
};

/// The name of the JSON types seen (bit `k`: kind `k`), e.g. `integer|string`.
fn json_type(kinds: u32) -> String {
    let seen = |k: u8| kinds & (1 << k) != 0;
    [
        (BOOLEAN, "boolean"),
        (INTEGER, "integer"),
        (NUMBER, "number"),
        (STRING, "string"),
        (OBJECT, "object"),
        (ARRAY, "array"),
    ]
    .into_iter()
    // An integer is a number: integers and fractions together are numbers.
    .filter(|&(k, _)| seen(k) && !(k == INTEGER && seen(NUMBER)))
    .map(|(_, name)| name)
    .collect::<Vec<_>>()
    .join("|")
}

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
        match serde_json::from_slice::<Record>(record) {
            Ok(Record(Value::Object(fields))) => table.add(&fields),
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
            let mut on_element = |element: Value| {
                index += 1;
                match element {
                    Value::Object(fields) => table.add(&fields),
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
            let mut stream = de.into_iter::<Record>();
            loop {
                used.set(0);
                match stream.next() {
                    None => break,
                    Some(Ok(Record(Value::Object(fields)))) => table.add(&fields),
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
    on_element: &'a mut dyn FnMut(Value),
}

impl<'de> Visitor<'de> for Elements<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of JSON objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            self.used.set(0);
            match seq.next_element_seed(Level(0))? {
                Some(element) => (self.on_element)(element),
                None => return Ok(()),
            }
        }
    }
}

/// One record (a top-level value) as the flattener's [`Value`].
struct Record(Value);

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Level(0).deserialize(d).map(Record)
    }
}

/// Reads a value as the flattener's [`Value`], at the level given (a record is level 0,
/// its fields' values level 1), keeping object keys in file order (columns come in the
/// file's order). What the flattener never reads is skipped, not loaded: elements past
/// [`MAX_ELEMENTS`], the inside of containers at [`KEEP_DEPTH`].
#[derive(Clone, Copy)]
struct Level(usize);

impl<'de> DeserializeSeed<'de> for Level {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Level {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Literal(BOOLEAN, v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Literal(INTEGER, v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Literal(INTEGER, v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // JSON has no NaN or infinity; serde_json never hands one over.
        Ok(serde_json::Number::from_f64(v)
            .map_or(Value::Null, |n| Value::Literal(NUMBER, n.to_string())))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Text(STRING, v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Text(STRING, v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let keep = if self.0 < KEEP_DEPTH { MAX_ELEMENTS } else { 0 };
        let mut items = Vec::new();
        while items.len() < keep {
            match seq.next_element_seed(Level(self.0 + 1))? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut fields = Vec::new();
        if self.0 >= KEEP_DEPTH {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Value::Object(fields));
        }
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Level(self.0 + 1))?;
            fields.push((key, value));
        }
        Ok(Value::Object(fields))
    }
}

/// The rows of one file, flattened.
struct Table {
    flat: Flattener,
    sampler: FileSampler,
}

impl Table {
    fn new(size: SampleSize) -> Self {
        Self {
            flat: Flattener::new(JSON_TYPES),
            sampler: file_sampler(size, 0),
        }
    }

    /// Adds one object. Its cells sit at their path index, which never changes as paths
    /// are learned; [`Self::finish`] puts the columns in order.
    fn add(&mut self, fields: &[(String, Value)]) {
        let found = self.flat.observe(fields);
        let mut row = vec![None; self.flat.paths()];
        for (i, text) in found {
            if let Some(cell) = row.get_mut(i) {
                *cell = Some(text);
            }
        }
        self.sampler.widen(row.len());
        self.sampler.push(row);
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
        if self.flat.refused() > 0 {
            tracing::warn!(
                file = %path.display(),
                kept = flatten::MAX_PATHS,
                dropped_values = self.flat.refused(),
                "JSON file has more paths than are kept as columns"
            );
        }
        // One column per path index (objects holding paths too), then only the columns,
        // in column order.
        let every: Vec<usize> = (0..self.flat.paths()).collect();
        let scan = self
            .sampler
            .finish_with(self.flat.columns(&every), Some(rows));
        Ok(select(scan, &self.flat.order()))
    }
}

/// The columns of `scan` at the indexes of `order`, in that order.
fn select(scan: TableScan, order: &[usize]) -> TableScan {
    fn pick<T>(items: Vec<T>, order: &[usize]) -> Vec<T> {
        let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
        order
            .iter()
            .filter_map(|&i| slots.get_mut(i).and_then(Option::take))
            .collect()
    }
    TableScan {
        columns: pick(scan.columns, order),
        values: pick(scan.values, order),
        profiles: scan.profiles.map(|p| pick(p, order)),
        ..scan
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
        // Each element is a value of its own: the first document gives its first.
        assert_eq!(column(&scan, "tags[]"), [Some("a"), None, Some("c")]);
        assert_eq!(column(&scan, "items[].sku"), [Some("X1"), None, None]);
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
        // The seven objects above `a.b.c.d.e.f.g.h` are paths too.
        let kept = flatten::MAX_PATHS - 7;
        assert_eq!(scan.columns.len(), kept);
        assert_eq!(
            (
                scan.columns[0].name.as_str(),
                scan.columns[0].data_type.as_str()
            ),
            ("a.b.c.d.e.f.g.h", "object")
        );
        assert_eq!(scan.values[0][0].as_deref(), Some(r#"{"i":{"j":1}}"#));
        assert!(scan.columns.iter().all(|c| c.name != "last"));
        assert_eq!(scan.profiles.as_ref().map(Vec::len), Some(kept));
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
        // The second document gives its second element.
        assert_eq!(column(&scan, "b.c[]")[1], Some("2.5"));
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
    fn parsing_skips_what_the_flattener_never_reads() {
        let mut deep = String::from("1");
        for _ in 0..KEEP_DEPTH + 5 {
            deep = format!(r#"{{"d": {deep}}}"#);
        }
        let long: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        let text = format!(r#"{{"long": [{}], "d": {deep}}}"#, long.join(","));
        let Ok(Record(Value::Object(fields))) = serde_json::from_str(&text) else {
            panic!("an object");
        };
        assert!(matches!(&fields[0].1, Value::Array(a) if a.len() == MAX_ELEMENTS));
        // Objects down to KEEP_DEPTH levels, then an empty one.
        let (mut v, mut levels) = (&fields[1].1, 1);
        while let Value::Object(f) = v
            && let Some((_, inner)) = f.first()
        {
            (v, levels) = (inner, levels + 1);
        }
        assert_eq!(levels, KEEP_DEPTH);
        assert!(matches!(v, Value::Object(f) if f.is_empty()));
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
