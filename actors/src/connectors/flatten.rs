//! The one flattener of document sources (JSON lines and JSON files, MongoDB): documents in
//! a small neutral form ([`Value`]), each source converting its own, become rows of columns.
//!
//! - A document is one row. Its columns are the paths of its values: `address.city` inside
//!   objects, `tags[]` for the elements of an array, `items[].sku` inside an array of
//!   objects, `matrix[][]` inside arrays of arrays. An object or array is not a column of
//!   its own, its values are. A key containing a dot shares its column with the nested path
//!   it spells; a field that is an array in some documents and a scalar in others is two
//!   columns (`tags` and `tags[]`).
//! - A null field is still a column (nullable); a null element is no element; an empty
//!   array or object adds nothing; of a key repeated outside arrays, the last one wins.
//! - Types are the source's own names ([`Vocabulary`]); a path inside an array is
//!   `array<…>`, as its documents hold a list of such values.
//! - Bounds, whatever the input: [`MAX_DEPTH`] levels (deeper containers are kept whole as
//!   JSON text), [`MAX_ELEMENTS`] elements per array, [`MAX_PATHS`] paths per table,
//!   [`MAX_KEY_CHARS`] per key, [`MAX_VALUE_CHARS`] per value (the stricter of the two
//!   flatteners this one replaced, wherever they differed).
//!
//! Arrays: every element (of the first [`MAX_ELEMENTS`]) is a value of the array's column,
//! whole: `"emails": ["a@x.com", "b@y.com"]` gives `emails[]` the values `a@x.com` and
//! `b@y.com`, so a column of e-mail arrays is a column of e-mail addresses and classifies
//! as one, from a file or a collection alike. Elements joined into one text would pass no
//! validator (`a@x.com, b@y.com` is not an address); the first element alone would hide
//! the others.
//!
//! A sampled row holds one value per column (`TableScan::values[c][r]`) and stands for one
//! document, so that row counts, NULL ratios and profiles keep counting documents. So the
//! document numbered `n` (from 0, in read order) gives a column value `n mod k` of its `k`
//! values there: over a sample every position of the arrays is drawn, and the same
//! documents read in the same order give the same rows.

use std::collections::HashMap;

use super::{ColumnSchema, MAX_VALUE_CHARS};

/// Levels a path may go through; a container deeper is kept whole as its JSON text.
pub(super) const MAX_DEPTH: usize = 8;
/// Levels written of a container kept whole (`{…}` below them).
const RENDER_DEPTH: usize = 8;
/// Levels a source must convert: nothing reads inside a container deeper than this, so a
/// converter may leave it empty.
pub(super) const KEEP_DEPTH: usize = MAX_DEPTH + RENDER_DEPTH;
/// Elements of one array read (and values of one column per document).
pub(super) const MAX_ELEMENTS: usize = 16;
/// Paths (columns and the objects and arrays above them) tracked per table: a source with
/// endless distinct keys (ids used as keys) cannot grow the schema without bound.
pub(super) const MAX_PATHS: usize = 512;
/// Characters kept of one key.
pub(super) const MAX_KEY_CHARS: usize = 128;

/// A document's value in neutral form. `kind` indexes the source's [`Vocabulary`].
#[derive(Debug)]
pub(super) enum Value {
    Null,
    /// A number or boolean: its text, written bare in JSON.
    Literal(u8, String),
    /// Any other scalar (strings, dates, ids): its text, quoted in JSON.
    Text(u8, String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

/// A source's type names.
#[derive(Clone, Copy, Debug)]
pub(super) struct Vocabulary {
    /// Kinds of a container kept whole (past [`MAX_DEPTH`]).
    pub object: u8,
    pub array: u8,
    /// The name of a set of kinds (bit `k`: kind `k` seen); empty for none.
    pub name: fn(u32) -> String,
}

/// A key cut to [`MAX_KEY_CHARS`], on a character boundary.
pub(super) fn key(k: &str) -> &str {
    match k.char_indices().nth(MAX_KEY_CHARS) {
        Some((cut, _)) => &k[..cut],
        None => k,
    }
}

/// What the documents read so far say about one path.
struct Node {
    name: String,
    /// Paths inside it, in the order first seen.
    children: Vec<usize>,
    /// A value (or a null) was found here, not just a container: a column.
    column: bool,
    in_array: bool,
    /// Bit `k` set: a value of kind `k` was seen.
    types: u32,
    /// Documents with a value here.
    present: u64,
}

/// Where a value sits: its parent path's index, whether an array holds it, its level
/// (top-level fields are level 1).
#[derive(Clone, Copy)]
struct Place {
    parent: Option<usize>,
    in_array: bool,
    depth: usize,
}

/// One document's walk: the current path, and the values found per path index.
struct Walk<'a> {
    path: String,
    cells: Vec<Vec<&'a Value>>,
}

/// Columns learned from documents, in a stable order (each path after its parent,
/// siblings in the order first seen), with their types and nullability.
pub(super) struct Flattener {
    vocabulary: Vocabulary,
    nodes: Vec<Node>,
    index: HashMap<String, usize>,
    roots: Vec<usize>,
    docs: u64,
    refused: u64,
}

impl Flattener {
    pub(super) fn new(vocabulary: Vocabulary) -> Self {
        Self {
            vocabulary,
            nodes: Vec::new(),
            index: HashMap::new(),
            roots: Vec::new(),
            docs: 0,
            refused: 0,
        }
    }

    /// Paths tracked (columns and containers); path indexes are below it.
    pub(super) fn paths(&self) -> usize {
        self.nodes.len()
    }

    /// Values dropped because their path came after [`MAX_PATHS`] others.
    pub(super) fn refused(&self) -> u64 {
        self.refused
    }

    /// Learns from one document and returns its row: one text per path index with values
    /// (of several, the one the module doc says).
    pub(super) fn observe(&mut self, fields: &[(String, Value)]) -> Vec<(usize, String)> {
        let ordinal = self.docs;
        self.docs += 1;
        let mut walk = Walk {
            path: String::new(),
            cells: Vec::new(),
        };
        let top = Place {
            parent: None,
            in_array: false,
            depth: 1,
        };
        self.fields(fields, top, &mut walk);
        let mut row = Vec::new();
        for (i, values) in walk.cells.iter().enumerate() {
            let Some(node) = self.nodes.get_mut(i).filter(|_| !values.is_empty()) else {
                continue;
            };
            node.present += 1;
            let pick = usize::try_from(ordinal % values.len() as u64).unwrap_or(0);
            if let Some(v) = values.get(pick) {
                row.push((i, text(v)));
            }
        }
        row
    }

    fn fields<'a>(&mut self, fields: &'a [(String, Value)], at: Place, walk: &mut Walk<'a>) {
        for (k, v) in fields {
            let len = walk.path.len();
            if len > 0 {
                walk.path.push('.');
            }
            walk.path.push_str(key(k));
            self.value(v, at, false, walk);
            walk.path.truncate(len);
        }
    }

    /// Records `value`, found at `walk.path` (an array's element when `element`), and walks
    /// inside it.
    fn value<'a>(&mut self, value: &'a Value, at: Place, element: bool, walk: &mut Walk<'a>) {
        match value {
            Value::Object(fields) if at.depth < MAX_DEPTH => {
                if fields.is_empty() {
                    return;
                }
                if let Some(node) = self.node(&walk.path, at) {
                    let inside = Place {
                        parent: Some(node),
                        depth: at.depth + 1,
                        ..at
                    };
                    self.fields(fields, inside, walk);
                }
            }
            Value::Array(items) if at.depth < MAX_DEPTH => {
                // The elements share one path, a child of the array's parent.
                let len = walk.path.len();
                walk.path.push_str("[]");
                let inside = Place {
                    in_array: true,
                    depth: at.depth + 1,
                    ..at
                };
                for item in items.iter().take(MAX_ELEMENTS) {
                    self.value(item, inside, true, walk);
                }
                walk.path.truncate(len);
            }
            Value::Null if element => {}
            Value::Null => {
                if let Some(i) = self.node(&walk.path, at)
                    && let Some(n) = self.nodes.get_mut(i)
                {
                    n.column = true;
                }
            }
            Value::Object(_) => self.put(self.vocabulary.object, value, at, walk),
            Value::Array(_) => self.put(self.vocabulary.array, value, at, walk),
            Value::Literal(k, _) | Value::Text(k, _) => self.put(*k, value, at, walk),
        }
    }

    fn put<'a>(&mut self, kind: u8, value: &'a Value, at: Place, walk: &mut Walk<'a>) {
        let Some(i) = self.node(&walk.path, at) else {
            return;
        };
        if let Some(n) = self.nodes.get_mut(i) {
            n.column = true;
            n.types |= 1u32.checked_shl(u32::from(kind)).unwrap_or(0);
        }
        if walk.cells.len() <= i {
            walk.cells.resize_with(i + 1, Vec::new);
        }
        if let Some(values) = walk.cells.get_mut(i) {
            // A key repeated outside arrays (or spelt with dots and nested): the last one
            // wins, as in most parsers.
            if !at.in_array {
                values.clear();
            }
            if values.len() < MAX_ELEMENTS {
                values.push(value);
            }
        }
    }

    /// The index of `path`, added when new and there is room.
    fn node(&mut self, path: &str, at: Place) -> Option<usize> {
        if let Some(&i) = self.index.get(path) {
            if let Some(n) = self.nodes.get_mut(i) {
                n.in_array |= at.in_array;
            }
            return Some(i);
        }
        if self.nodes.len() >= MAX_PATHS {
            self.refused += 1;
            return None;
        }
        let i = self.nodes.len();
        self.nodes.push(Node {
            name: path.to_string(),
            children: Vec::new(),
            column: false,
            in_array: at.in_array,
            types: 0,
            present: 0,
        });
        self.index.insert(path.to_string(), i);
        match at.parent.and_then(|p| self.nodes.get_mut(p)) {
            Some(p) => p.children.push(i),
            None => self.roots.push(i),
        }
        Some(i)
    }

    /// Path indexes of the columns, in column order: depth first, each path after its
    /// parent, siblings in the order first seen.
    pub(super) fn order(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            let Some(n) = self.nodes.get(i) else {
                continue;
            };
            if n.column {
                out.push(i);
            }
            stack.extend(n.children.iter().rev().copied());
        }
        out
    }

    /// Column position of each path index (`None`: not a column of `order`).
    pub(super) fn positions(&self, order: &[usize]) -> Vec<Option<usize>> {
        let mut out = vec![None; self.nodes.len()];
        for (pos, &i) in order.iter().enumerate() {
            if let Some(slot) = out.get_mut(i) {
                *slot = Some(pos);
            }
        }
        out
    }

    /// The columns at the path indexes of `order`.
    pub(super) fn columns(&self, order: &[usize]) -> Vec<ColumnSchema> {
        order
            .iter()
            .filter_map(|&i| self.nodes.get(i))
            .map(|n| {
                let types = (self.vocabulary.name)(n.types);
                let data_type = match (n.in_array, types.is_empty()) {
                    (true, true) => "array".to_string(),
                    (true, false) => format!("array<{types}>"),
                    (false, true) => "null".to_string(),
                    (false, false) => types,
                };
                ColumnSchema::new(&n.name, data_type, n.present < self.docs)
            })
            .collect()
    }
}

/// A row of [`Flattener::observe`] as `width` cells, by `positions` (path index to column).
pub(super) fn dense(
    row: Vec<(usize, String)>,
    positions: &[Option<usize>],
    width: usize,
) -> Vec<Option<String>> {
    let mut out = vec![None; width];
    for (i, v) in row {
        // Paths found after the columns were fixed are not part of this pass.
        if let Some(Some(p)) = positions.get(i)
            && let Some(slot) = out.get_mut(*p)
        {
            *slot = Some(v);
        }
    }
    out
}

/// The sampled text of a value, cut to [`MAX_VALUE_CHARS`].
fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Literal(_, t) | Value::Text(_, t) => cut(t),
        Value::Object(_) | Value::Array(_) => {
            let mut out = String::new();
            render(v, &mut out, RENDER_DEPTH);
            cut(&out)
        }
    }
}

fn cut(s: &str) -> String {
    match s.char_indices().nth(MAX_VALUE_CHARS) {
        Some((end, _)) => s[..end].to_string(),
        None => s.to_string(),
    }
}

/// Writes `v` as compact JSON, stopping once `out` holds [`MAX_VALUE_CHARS`] bytes and
/// writing `…` for what lies deeper than `depth` levels: never more work than the budget.
fn render(v: &Value, out: &mut String, depth: usize) {
    if out.len() >= MAX_VALUE_CHARS {
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Literal(_, t) => out.push_str(t),
        Value::Text(_, t) => push_json_string(out, t, MAX_VALUE_CHARS),
        Value::Array(_) | Value::Object(_) if depth == 0 => {
            out.push_str(if matches!(v, Value::Array(_)) {
                "[…]"
            } else {
                "{…}"
            });
        }
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if out.len() >= MAX_VALUE_CHARS {
                    return;
                }
                if n > 0 {
                    out.push(',');
                }
                render(item, out, depth - 1);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            for (n, (k, item)) in fields.iter().enumerate() {
                if out.len() >= MAX_VALUE_CHARS {
                    return;
                }
                if n > 0 {
                    out.push(',');
                }
                push_json_string(out, key(k), MAX_VALUE_CHARS);
                out.push(':');
                render(item, out, depth - 1);
            }
            out.push('}');
        }
    }
}

/// Appends `s` as a JSON string, stopping at `max` bytes of `out`.
pub(crate) fn push_json_string(out: &mut String, s: &str, max: usize) {
    out.push('"');
    for c in s.chars() {
        if out.len() >= max {
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const TYPES: Vocabulary = Vocabulary {
        object: 2,
        array: 3,
        name: |kinds| {
            let names = ["string", "number", "object", "array"].into_iter();
            let seen = names.enumerate().filter(|(k, _)| kinds & (1 << k) != 0);
            seen.map(|(_, n)| n).collect::<Vec<_>>().join("|")
        },
    };

    /// A JSON value in neutral form (keys in sorted order: serde_json's without
    /// `preserve_order`).
    fn v(j: serde_json::Value) -> Value {
        match j {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::String(s) => Value::Text(0, s),
            serde_json::Value::Number(n) => Value::Literal(1, n.to_string()),
            serde_json::Value::Bool(b) => Value::Literal(1, b.to_string()),
            serde_json::Value::Array(a) => Value::Array(a.into_iter().map(v).collect()),
            serde_json::Value::Object(o) => {
                Value::Object(o.into_iter().map(|(k, x)| (k, v(x))).collect())
            }
        }
    }

    fn doc(j: serde_json::Value) -> Vec<(String, Value)> {
        match v(j) {
            Value::Object(f) => f,
            _ => Vec::new(),
        }
    }

    /// Columns as `name type nullable?` and the rows of `docs`.
    fn flatten(docs: Vec<serde_json::Value>) -> (Vec<String>, Vec<Vec<Option<String>>>) {
        let mut f = Flattener::new(TYPES);
        let rows: Vec<_> = docs.into_iter().map(|d| f.observe(&doc(d))).collect();
        let order = f.order();
        let positions = f.positions(&order);
        let cols = f.columns(&order).into_iter();
        let cols = cols.map(|c| {
            format!(
                "{} {}{}",
                c.name,
                c.data_type,
                if c.nullable { "?" } else { "" }
            )
        });
        let rows = rows.into_iter().map(|r| dense(r, &positions, order.len()));
        (cols.collect(), rows.collect())
    }

    fn values(rows: &[Vec<Option<String>>], c: usize) -> Vec<String> {
        rows.iter()
            .map(|r| r[c].clone().unwrap_or_default())
            .collect()
    }

    #[test]
    fn nested_objects_become_dotted_columns_in_a_stable_order() {
        let (cols, rows) = flatten(vec![
            json!({"a": {"b": 3}, "a.b": 1, "address": {"city": "Paris"}, "gone": null, "id": 1, "o": {}, "x": []}),
            json!({"a": {"b": 2}, "address": {"city": "Oslo", "zip": "75001"}, "id": "x"}),
        ]);
        // A later field joins its parent's columns; a dotted key is the path it spells (the
        // last of the two wins); an empty object or array adds nothing; a null is a column.
        let want = [
            "a.b number",
            "address.city string",
            "address.zip string?",
            "gone null?",
            "id string|number",
        ];
        assert_eq!(cols, want);
        assert_eq!(values(&rows, 0), ["1", "2"]);
        assert_eq!(values(&rows, 1), ["Paris", "Oslo"]);
    }

    #[test]
    fn each_element_of_an_array_of_scalars_is_a_value_of_its_column() {
        let docs = (0..4)
            .map(|i| {
                let tags = if i == 3 { json!("solo") } else { json!(["t"]) };
                json!({"emails": [format!("a{i}@x.com"), null, format!("b{i}@y.com")], "tags": tags})
            })
            .collect();
        let (cols, rows) = flatten(docs);
        assert_eq!(
            cols,
            [
                "emails[] array<string>",
                "tags[] array<string>?",
                "tags string?"
            ]
        );
        // Document `n` gives value `n mod k`: whole addresses, every position drawn, never
        // joined; a null element is no element.
        assert_eq!(
            values(&rows, 0),
            ["a0@x.com", "b1@y.com", "a2@x.com", "b3@y.com"]
        );
        // At most MAX_ELEMENTS elements of an array are read.
        let (_, rows) = flatten(
            (0..40)
                .map(|_| json!({"n": (0..100).collect::<Vec<_>>()}))
                .collect(),
        );
        let want: Vec<String> = (0..40).map(|i| (i % MAX_ELEMENTS).to_string()).collect();
        assert_eq!(values(&rows, 0), want);
    }

    #[test]
    fn arrays_of_objects_and_of_arrays_flatten_each_element() {
        let docs = (0..3)
            .map(|i| json!({"items": [{"qty": i, "sku": format!("S{i}")}, {"sku": "T"}], "m": [[1, 2], [3]]}))
            .collect();
        let (cols, rows) = flatten(docs);
        assert_eq!(
            cols,
            [
                "items[].qty array<number>",
                "items[].sku array<string>",
                "m[][] array<number>"
            ]
        );
        assert_eq!(values(&rows, 0), ["0", "1", "2"]);
        assert_eq!(values(&rows, 1), ["S0", "T", "S2"]);
        assert_eq!(values(&rows, 2), ["1", "2", "3"]);
        // Arrays of arrays: still at most MAX_ELEMENTS values of one column per document.
        let square: Vec<Vec<usize>> = (0..100)
            .map(|j| (0..100).map(|k| j * 100 + k).collect())
            .collect();
        let (_, rows) = flatten(
            (0..=MAX_ELEMENTS + 1)
                .map(|_| json!({"m": square}))
                .collect(),
        );
        // Document 17 gives value 17 mod 16 of the first inner array, not of the second.
        assert_eq!(rows[MAX_ELEMENTS + 1][0].as_deref(), Some("1"));
    }

    #[test]
    fn deep_values_are_kept_whole_and_bounded() {
        let mut deep = Value::Text(0, "leaf".into());
        for _ in 0..1000 {
            deep = Value::Object(vec![("d".into(), deep)]);
        }
        let mut f = Flattener::new(TYPES);
        let row = f.observe(&[("d".into(), deep)]);
        let cols = f.columns(&f.order());
        assert_eq!(cols.len(), 1);
        assert_eq!(
            (cols[0].name.split('.').count(), cols[0].data_type.as_str()),
            (MAX_DEPTH, "object")
        );
        let open = r#"{"d":"#.repeat(RENDER_DEPTH);
        assert_eq!(row[0].1, format!("{open}{{…}}{}", "}".repeat(RENDER_DEPTH)));
        // A value kept whole is compact JSON, escaped.
        let mut shallow = json!({"n": null, "q": "a\"b\n", "x": [1]});
        for _ in 0..MAX_DEPTH {
            shallow = json!({ "o": shallow });
        }
        let (_, rows) = flatten(vec![shallow]);
        assert_eq!(
            rows[0][0].as_deref(),
            Some(r#"{"n":null,"q":"a\"b\n","x":[1]}"#)
        );
    }

    #[test]
    fn paths_are_bounded_with_the_objects_above_them() {
        let mut fields = vec![("o".to_string(), v(json!({ "p": 1 })))];
        fields.extend((0..MAX_PATHS + 100).map(|i| (format!("k{i}"), v(json!(i)))));
        let mut f = Flattener::new(TYPES);
        let row = f.observe(&fields);
        assert_eq!(f.paths(), MAX_PATHS);
        assert_eq!(
            (f.order().len(), row.len()),
            (MAX_PATHS - 1, MAX_PATHS - 1),
            "`o` is no column"
        );
        // `o`, `o.p` and 510 keys fit: the other 102 values are dropped.
        assert_eq!(f.refused(), 102);
        // Known paths still take values once the table is full.
        let row = f.observe(&doc(json!({"k0": 7, "new": 1})));
        assert_eq!(row, [(2, "7".to_string())]);
    }

    #[test]
    fn hostile_values_neither_panic_nor_grow_without_bound() {
        let long_key = "k".repeat(MAX_KEY_CHARS * 10);
        let big: serde_json::Map<_, _> = (0..5_000)
            .map(|i| (format!("f{i}"), json!("y".repeat(100))))
            .collect();
        let mut kept = serde_json::Value::Object(big);
        for _ in 0..MAX_DEPTH - 1 {
            kept = json!({ "o": kept });
        }
        let fields = vec![
            (
                long_key.clone(),
                Value::Text(0, "é".repeat(MAX_VALUE_CHARS * 3)),
            ),
            // Kinds past the 32 a type set holds are ignored, not a shift overflow.
            ("odd".into(), Value::Literal(200, "1".into())),
            ("big".into(), v(kept)),
        ];
        let mut f = Flattener::new(TYPES);
        let row = f.observe(&fields);
        let cols = f.columns(&f.order());
        assert_eq!(cols[0].name.chars().count(), MAX_KEY_CHARS);
        assert_eq!(row[0].1.chars().count(), MAX_VALUE_CHARS);
        assert_eq!(cols[1].data_type, "null");
        assert!(row[2].1.len() <= MAX_VALUE_CHARS + 8, "{}", row[2].1.len());
        assert_eq!((key(&long_key).len(), key("ünï")), (MAX_KEY_CHARS, "ünï"));
    }
}
