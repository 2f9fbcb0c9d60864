//! Parquet files: columns and row count come from the footer, values from the low-level
//! column readers, one leaf column at a time.
//!
//! Each leaf column is a table column: nested groups give dotted names (`address.city`),
//! lists `[]` (`tags[]`, `items[].sku`), maps `[].key` / `[].value`. A row's value of a
//! column inside a list is its elements joined (`"a, b"`), as for JSON. Reading leaves
//! directly (not assembled records) is what lets a sample skip the rows it does not keep.

use std::fs::File;
use std::path::Path;

use ::parquet::basic::{ConvertedType, LogicalType, Repetition, TimeUnit, Type as PhysicalType};
use ::parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use ::parquet::data_type::{ByteArray, DataType, FixedLenByteArray, Int96};
use ::parquet::errors::ParquetError;
use ::parquet::file::reader::FileReader;
use ::parquet::file::serialized_reader::SerializedFileReader;
use ::parquet::schema::types::{ColumnDescriptor, SchemaDescriptor, Type};
use rand::SeedableRng;

use super::{FileSampler, SAMPLE_SEED, file_sampler};
use crate::connectors::{ColumnSchema, MAX_VALUE_CHARS, TableScan, text_of};
use crate::domain::SampleSize;

/// Rows read per column per step of a full read: bounds the values held at once.
const BATCH: u64 = 512;
/// Bytes a list's joined value may grow to; it is cut to [`MAX_VALUE_CHARS`] anyway.
const MAX_JOINED_BYTES: usize = MAX_VALUE_CHARS * 4;
/// Longest decimal (in bytes) written out digit by digit; longer ones are not real
/// decimals and would cost quadratic time.
const MAX_DECIMAL_BYTES: usize = 64;

/// Reads a Parquet file. The decoder runs on untrusted bytes: should it panic on a
/// malformed file, the scan of this one file fails instead.
pub(super) fn read(path: &Path, size: SampleSize) -> Result<TableScan, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_file(path, size)))
        .unwrap_or_else(|_| Err("the Parquet decoder failed on malformed data".into()))
}

fn read_file(path: &Path, size: SampleSize) -> Result<TableScan, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let reader = SerializedFileReader::new(file)
        .map_err(|e| format!("not a readable Parquet file (truncated or corrupt?): {e}"))?;
    let meta = reader.metadata();
    let leaves = leaves(meta.file_metadata().schema_descr());
    let groups: Vec<u64> = meta
        .row_groups()
        .iter()
        .map(|g| u64::try_from(g.num_rows()).unwrap_or(0))
        .collect();
    let total: u64 = groups.iter().sum();
    // A small sample reads only the rows it keeps (random indices; the row count is
    // known). A large one, or a full scan, reads every row.
    let picks = match size {
        SampleSize::Rows(n) if n.saturating_mul(2) < total => pick_rows(total, n),
        _ => None,
    };
    let mut sampler = file_sampler(size, leaves.len());
    let mut start = 0u64;
    for (g, &rows) in groups.iter().enumerate() {
        let end = start + rows;
        let local: Option<Vec<usize>> = picks.as_ref().map(|p| {
            let from = p.partition_point(|&r| r < start);
            let to = p.partition_point(|&r| r < end);
            p[from..to]
                .iter()
                .filter_map(|&r| usize::try_from(r - start).ok())
                .collect()
        });
        start = end;
        if rows == 0 || leaves.is_empty() || local.as_ref().is_some_and(Vec::is_empty) {
            continue;
        }
        let group = reader.get_row_group(g).map_err(corrupt)?;
        let mut readers = (0..leaves.len())
            .map(|j| group.get_column_reader(j))
            .collect::<Result<Vec<_>, _>>()
            .map_err(corrupt)?;
        match local {
            Some(local) => {
                let cells = leaves
                    .iter()
                    .zip(&mut readers)
                    .map(|(leaf, r)| read_picked(r, leaf, &local))
                    .collect::<Result<Vec<_>, _>>()?;
                push_rows(&mut sampler, cells);
            }
            None => {
                let mut left = rows;
                while left > 0 {
                    let batch = usize::try_from(left.min(BATCH)).unwrap_or(1);
                    let cells = leaves
                        .iter()
                        .zip(&mut readers)
                        .map(|(leaf, r)| read_batch(r, leaf, batch))
                        .collect::<Result<Vec<_>, _>>()?;
                    push_rows(&mut sampler, cells);
                    left -= batch as u64;
                }
            }
        }
    }
    let columns = leaves
        .iter()
        .map(|l| ColumnSchema::new(l.name.clone(), l.data_type.clone(), l.nullable))
        .collect();
    Ok(sampler.finish_with(columns, Some(total)))
}

fn corrupt(e: ParquetError) -> String {
    format!("reading Parquet data failed: {e}")
}

/// `n` distinct row indices out of `total`, sorted; `None` when `total` does not fit
/// memory indices (then every row is read).
fn pick_rows(total: u64, n: u64) -> Option<Vec<u64>> {
    let total = usize::try_from(total).ok()?;
    let n = usize::try_from(n).ok()?.min(total);
    let mut rng = rand::rngs::StdRng::seed_from_u64(SAMPLE_SEED);
    let mut picks: Vec<u64> = rand::seq::index::sample(&mut rng, total, n)
        .into_iter()
        .map(|i| i as u64)
        .collect();
    picks.sort_unstable();
    Some(picks)
}

/// Hands rows to the sampler from column-major cells.
fn push_rows(sampler: &mut FileSampler, cells: Vec<Vec<Option<String>>>) {
    let rows = cells.first().map_or(0, Vec::len);
    let mut columns: Vec<_> = cells.into_iter().map(Vec::into_iter).collect();
    for _ in 0..rows {
        sampler.push(columns.iter_mut().map(|c| c.next().flatten()).collect());
    }
}

/// One leaf column and how its values become text.
struct Leaf {
    name: String,
    data_type: String,
    nullable: bool,
    max_def: i16,
    max_rep: i16,
    conv: Conv,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Millis,
    Micros,
    Nanos,
}

impl Unit {
    fn of(u: &TimeUnit) -> Self {
        match u {
            TimeUnit::MILLIS => Self::Millis,
            TimeUnit::MICROS => Self::Micros,
            TimeUnit::NANOS => Self::Nanos,
        }
    }

    fn per_second(self) -> i64 {
        match self {
            Self::Millis => 1_000,
            Self::Micros => 1_000_000,
            Self::Nanos => 1_000_000_000,
        }
    }

    fn digits(self) -> usize {
        match self {
            Self::Millis => 3,
            Self::Micros => 6,
            Self::Nanos => 9,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Millis => "ms",
            Self::Micros => "us",
            Self::Nanos => "ns",
        }
    }
}

/// How a physical value is written as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Conv {
    /// Numbers and booleans as they are; bytes as (lossy) UTF-8.
    Plain,
    Unsigned,
    Date,
    Time(Unit),
    Timestamp(Unit, bool),
    Decimal(i32),
    Uuid,
    Float16,
    Interval,
}

/// The leaf columns of `schema`, named by their place in the nested schema.
fn leaves(schema: &SchemaDescriptor) -> Vec<Leaf> {
    let mut names = Vec::new();
    for field in schema.root_schema().get_fields() {
        name_fields(field, &[], field.name().to_string(), false, &mut names);
    }
    schema
        .columns()
        .iter()
        .enumerate()
        .map(|(i, col)| {
            let raw = col.path().parts();
            // The walk above visits leaves in the schema's column order; should a schema
            // it does not understand break that, the raw path still names the column.
            let name = names
                .get(i)
                .filter(|(parts, _)| parts.as_slice() == raw)
                .map_or_else(|| raw.join("."), |(_, n)| n.clone());
            let (base, conv) = describe(col);
            let data_type = if col.max_rep_level() > 0 {
                format!("array<{base}>")
            } else {
                base
            };
            Leaf {
                name,
                data_type,
                // Any optional or repeated level above the value: it can be missing.
                nullable: col.max_def_level() > 0,
                max_def: col.max_def_level(),
                max_rep: col.max_rep_level(),
                conv,
            }
        })
        .collect()
}

/// Names the leaves under `t` (whose display name is `display`), with their raw paths.
/// `element`: `t` is a list's element, its repetition already shown as `[]`.
fn name_fields(
    t: &Type,
    parent: &[String],
    display: String,
    element: bool,
    out: &mut Vec<(Vec<String>, String)>,
) {
    let mut raw = parent.to_vec();
    raw.push(t.name().to_string());
    let info = t.get_basic_info();
    let repeated = info.has_repetition() && info.repetition() == Repetition::REPEATED;
    // A repeated field outside a LIST is a list too (the legacy two-level form).
    let display = if repeated && !element {
        format!("{display}[]")
    } else {
        display
    };
    if t.is_primitive() {
        out.push((raw, display));
        return;
    }
    let fields = t.get_fields();
    let is_list = matches!(info.logical_type_ref(), Some(LogicalType::List))
        || info.converted_type() == ConvertedType::LIST;
    let is_map = matches!(info.logical_type_ref(), Some(LogicalType::Map))
        || matches!(
            info.converted_type(),
            ConvertedType::MAP | ConvertedType::MAP_KEY_VALUE
        );
    if let [inner] = fields
        && (is_list || is_map)
        && inner.get_basic_info().has_repetition()
        && inner.get_basic_info().repetition() == Repetition::REPEATED
    {
        let list = format!("{display}[]");
        match inner.get_fields() {
            // Three-level list (`tags.list.element`): the element is named as the list.
            [item]
                if is_list
                    && inner.is_group()
                    && inner.name() != "array"
                    && inner.name() != format!("{}_tuple", t.name()) =>
            {
                let mut inner_raw = raw.clone();
                inner_raw.push(inner.name().to_string());
                name_fields(item, &inner_raw, list, true, out);
            }
            // Two-level list, or a map's key/value group: the repeated field is the element.
            _ => name_fields(inner, &raw, list, true, out),
        }
        return;
    }
    for f in fields {
        name_fields(f, &raw, format!("{display}.{}", f.name()), false, out);
    }
}

/// The type name of a leaf (its logical type, else its physical one) and its text form.
fn describe(col: &ColumnDescriptor) -> (String, Conv) {
    use Conv::*;
    let logical = match col.logical_type_ref() {
        Some(LogicalType::String) => Some(("string".to_string(), Plain)),
        Some(LogicalType::Enum) => Some(("enum".into(), Plain)),
        Some(LogicalType::Json) => Some(("json".into(), Plain)),
        Some(LogicalType::Bson) => Some(("bson".into(), Plain)),
        Some(LogicalType::Uuid) => Some(("uuid".into(), Uuid)),
        Some(LogicalType::Date) => Some(("date".into(), Date)),
        Some(LogicalType::Float16) => Some(("float16".into(), Float16)),
        Some(LogicalType::Unknown) => Some(("null".into(), Plain)),
        Some(LogicalType::Time(t)) => {
            let unit = Unit::of(&t.unit);
            Some((format!("time({})", unit.name()), Time(unit)))
        }
        Some(LogicalType::Timestamp(t)) => {
            let unit = Unit::of(&t.unit);
            let utc = t.is_adjusted_to_u_t_c;
            let zone = if utc { ", utc" } else { "" };
            Some((
                format!("timestamp({}{zone})", unit.name()),
                Timestamp(unit, utc),
            ))
        }
        Some(LogicalType::Decimal(d)) => Some((
            format!("decimal({},{})", d.precision, d.scale),
            Decimal(d.scale),
        )),
        Some(LogicalType::Integer(i)) => Some(if i.is_signed {
            (format!("int{}", i.bit_width), Plain)
        } else {
            (format!("uint{}", i.bit_width), Unsigned)
        }),
        _ => None,
    };
    if let Some(found) = logical {
        return found;
    }
    // Files from older writers carry only the converted type.
    let converted = match col.converted_type() {
        ConvertedType::UTF8 => Some(("string", Plain)),
        ConvertedType::ENUM => Some(("enum", Plain)),
        ConvertedType::JSON => Some(("json", Plain)),
        ConvertedType::BSON => Some(("bson", Plain)),
        ConvertedType::DATE => Some(("date", Date)),
        ConvertedType::TIME_MILLIS => Some(("time(ms)", Time(Unit::Millis))),
        ConvertedType::TIME_MICROS => Some(("time(us)", Time(Unit::Micros))),
        // The legacy timestamps are UTC by definition.
        ConvertedType::TIMESTAMP_MILLIS => {
            Some(("timestamp(ms, utc)", Timestamp(Unit::Millis, true)))
        }
        ConvertedType::TIMESTAMP_MICROS => {
            Some(("timestamp(us, utc)", Timestamp(Unit::Micros, true)))
        }
        ConvertedType::UINT_8 => Some(("uint8", Unsigned)),
        ConvertedType::UINT_16 => Some(("uint16", Unsigned)),
        ConvertedType::UINT_32 => Some(("uint32", Unsigned)),
        ConvertedType::UINT_64 => Some(("uint64", Unsigned)),
        ConvertedType::INT_8 => Some(("int8", Plain)),
        ConvertedType::INT_16 => Some(("int16", Plain)),
        ConvertedType::INT_32 => Some(("int32", Plain)),
        ConvertedType::INT_64 => Some(("int64", Plain)),
        ConvertedType::INTERVAL => Some(("interval", Interval)),
        ConvertedType::DECIMAL => {
            return (
                format!("decimal({},{})", col.type_precision(), col.type_scale()),
                Decimal(col.type_scale()),
            );
        }
        _ => None,
    };
    if let Some((name, conv)) = converted {
        return (name.to_string(), conv);
    }
    let name = match col.physical_type() {
        PhysicalType::BOOLEAN => "boolean".to_string(),
        PhysicalType::INT32 => "int32".into(),
        PhysicalType::INT64 => "int64".into(),
        // Legacy nanosecond timestamps (Impala, older Spark).
        PhysicalType::INT96 => "timestamp(int96)".into(),
        PhysicalType::FLOAT => "float".into(),
        PhysicalType::DOUBLE => "double".into(),
        PhysicalType::BYTE_ARRAY => "binary".into(),
        PhysicalType::FIXED_LEN_BYTE_ARRAY => format!("binary({})", col.type_length()),
    };
    (name, Plain)
}

/// Reads `n` whole records of one column as text, one cell per record.
fn read_batch(r: &mut ColumnReader, leaf: &Leaf, n: usize) -> Result<Vec<Option<String>>, String> {
    let mut out = Vec::with_capacity(n);
    let got = read_records(r, leaf, n, &mut out).map_err(corrupt)?;
    if got != n || out.len() != n {
        return Err(short(leaf));
    }
    Ok(out)
}

/// Reads the records at `picks` (sorted, distinct, within the row group), skipping the
/// others undecoded where the format allows.
fn read_picked(
    r: &mut ColumnReader,
    leaf: &Leaf,
    picks: &[usize],
) -> Result<Vec<Option<String>>, String> {
    let mut out = Vec::with_capacity(picks.len());
    let mut pos = 0;
    for &p in picks {
        let gap = p.saturating_sub(pos);
        if gap > 0 && skip_records(r, gap).map_err(corrupt)? != gap {
            return Err(short(leaf));
        }
        if read_records(r, leaf, 1, &mut out).map_err(corrupt)? != 1 {
            return Err(short(leaf));
        }
        pos = p + 1;
    }
    Ok(out)
}

fn short(leaf: &Leaf) -> String {
    format!(
        "column `{}` has fewer values than its row group's row count (corrupt file?)",
        leaf.name
    )
}

fn skip_records(r: &mut ColumnReader, n: usize) -> Result<usize, ParquetError> {
    match r {
        ColumnReader::BoolColumnReader(r) => r.skip_records(n),
        ColumnReader::Int32ColumnReader(r) => r.skip_records(n),
        ColumnReader::Int64ColumnReader(r) => r.skip_records(n),
        ColumnReader::Int96ColumnReader(r) => r.skip_records(n),
        ColumnReader::FloatColumnReader(r) => r.skip_records(n),
        ColumnReader::DoubleColumnReader(r) => r.skip_records(n),
        ColumnReader::ByteArrayColumnReader(r) => r.skip_records(n),
        ColumnReader::FixedLenByteArrayColumnReader(r) => r.skip_records(n),
    }
}

fn read_records(
    r: &mut ColumnReader,
    leaf: &Leaf,
    n: usize,
    out: &mut Vec<Option<String>>,
) -> Result<usize, ParquetError> {
    match r {
        ColumnReader::BoolColumnReader(r) => read_typed(r, leaf, n, out),
        ColumnReader::Int32ColumnReader(r) => read_typed(r, leaf, n, out),
        ColumnReader::Int64ColumnReader(r) => read_typed(r, leaf, n, out),
        ColumnReader::Int96ColumnReader(r) => read_typed(r, leaf, n, out),
        ColumnReader::FloatColumnReader(r) => read_typed(r, leaf, n, out),
        ColumnReader::DoubleColumnReader(r) => read_typed(r, leaf, n, out),
        ColumnReader::ByteArrayColumnReader(r) => read_typed(r, leaf, n, out),
        ColumnReader::FixedLenByteArrayColumnReader(r) => read_typed(r, leaf, n, out),
    }
}

/// Reads up to `n` records and turns the levels back into one cell per record: a value
/// is present where its definition level is the maximum; a repetition level of 0 starts
/// a record.
fn read_typed<T: DataType>(
    r: &mut ColumnReaderImpl<T>,
    leaf: &Leaf,
    n: usize,
    out: &mut Vec<Option<String>>,
) -> Result<usize, ParquetError>
where
    T::T: Text,
{
    let mut defs = Vec::new();
    let mut reps = Vec::new();
    let mut values: Vec<T::T> = Vec::new();
    let (records, _, _) = r.read_records(n, Some(&mut defs), Some(&mut reps), &mut values)?;
    let mut values = values.iter();
    if leaf.max_rep == 0 {
        if leaf.max_def == 0 {
            out.extend(values.map(|v| Some(text(v, leaf.conv))));
        } else {
            for &d in &defs {
                let v = if d == leaf.max_def {
                    values.next()
                } else {
                    None
                };
                out.push(v.map(|v| text(v, leaf.conv)));
            }
        }
    } else {
        for (&d, &rep) in defs.iter().zip(&reps) {
            if rep == 0 {
                out.push(None);
            }
            if d == leaf.max_def
                && let (Some(v), Some(cell)) = (values.next(), out.last_mut())
            {
                match cell {
                    Some(joined) if joined.len() < MAX_JOINED_BYTES => {
                        joined.push_str(", ");
                        v.write(leaf.conv, joined);
                    }
                    Some(_) => {}
                    None => *cell = Some(text(v, leaf.conv)),
                }
            }
        }
    }
    Ok(records)
}

fn text(v: &impl Text, conv: Conv) -> String {
    let mut s = String::new();
    v.write(conv, &mut s);
    s
}

/// Writes a physical value as text.
trait Text {
    fn write(&self, conv: Conv, out: &mut String);
}

impl Text for bool {
    fn write(&self, _: Conv, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl Text for i32 {
    fn write(&self, conv: Conv, out: &mut String) {
        let v = i64::from(*self);
        match conv {
            Conv::Date => out.push_str(&iso_date(v)),
            Conv::Time(unit) => out.push_str(&time_of_day(v, unit)),
            Conv::Decimal(scale) => out.push_str(&decimal(i128::from(v), scale)),
            // Unsigned values are stored in the same bits.
            Conv::Unsigned => out.push_str(&u32::from_ne_bytes(self.to_ne_bytes()).to_string()),
            _ => out.push_str(&v.to_string()),
        }
    }
}

impl Text for i64 {
    fn write(&self, conv: Conv, out: &mut String) {
        let v = *self;
        match conv {
            Conv::Timestamp(unit, utc) => {
                let per_day = unit.per_second() * 86_400;
                out.push_str(&datetime(
                    v.div_euclid(per_day),
                    v.rem_euclid(per_day),
                    unit,
                    utc,
                ));
            }
            Conv::Time(unit) => out.push_str(&time_of_day(v, unit)),
            Conv::Decimal(scale) => out.push_str(&decimal(i128::from(v), scale)),
            Conv::Unsigned => out.push_str(&u64::from_ne_bytes(v.to_ne_bytes()).to_string()),
            _ => out.push_str(&v.to_string()),
        }
    }
}

impl Text for Int96 {
    /// Nanoseconds of the day in the first 8 bytes, the Julian day in the last 4.
    fn write(&self, _: Conv, out: &mut String) {
        let d = self.data();
        let (Some(&lo), Some(&hi), Some(&day)) = (d.first(), d.get(1), d.get(2)) else {
            return;
        };
        let nanos = i64::try_from((u64::from(hi) << 32) | u64::from(lo)).unwrap_or(0);
        let per_day = Unit::Nanos.per_second() * 86_400;
        let days = i64::from(day) - 2_440_588 + nanos.div_euclid(per_day);
        out.push_str(&datetime(
            days,
            nanos.rem_euclid(per_day),
            Unit::Nanos,
            false,
        ));
    }
}

impl Text for f32 {
    fn write(&self, _: Conv, out: &mut String) {
        out.push_str(&float(*self, f64::from(*self)));
    }
}

impl Text for f64 {
    fn write(&self, _: Conv, out: &mut String) {
        out.push_str(&float(*self, *self));
    }
}

impl Text for ByteArray {
    fn write(&self, conv: Conv, out: &mut String) {
        bytes_text(self.data(), conv, out);
    }
}

impl Text for FixedLenByteArray {
    fn write(&self, conv: Conv, out: &mut String) {
        bytes_text(self.data(), conv, out);
    }
}

fn bytes_text(b: &[u8], conv: Conv, out: &mut String) {
    match conv {
        Conv::Decimal(scale) => out.push_str(&decimal_bytes(b, scale)),
        Conv::Uuid if b.len() == 16 => {
            for (i, byte) in b.iter().enumerate() {
                if matches!(i, 4 | 6 | 8 | 10) {
                    out.push('-');
                }
                out.push_str(&format!("{byte:02x}"));
            }
        }
        Conv::Float16 if b.len() == 2 => {
            let v = f16(u16::from_le_bytes([b[0], b[1]]));
            out.push_str(&float(v, f64::from(v)));
        }
        // Months, days and milliseconds, little-endian.
        Conv::Interval if b.len() == 12 => {
            let part = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
            out.push_str(&format!(
                "{} months {} days {} ms",
                part(0),
                part(4),
                part(8)
            ));
        }
        _ => out.push_str(&text_of(b)),
    }
}

/// A float as text: plain notation, but exponent notation where plain would be long.
fn float<F: std::fmt::Display + std::fmt::LowerExp>(v: F, magnitude: f64) -> String {
    let a = magnitude.abs();
    if a.is_finite() && a != 0.0 && !(1e-5..1e16).contains(&a) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// An IEEE half-precision float.
fn f16(bits: u16) -> f32 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let frac = f32::from(bits & 0x3ff);
    match exp {
        0 => sign * frac * 2f32.powi(-24),
        31 if frac == 0.0 => sign * f32::INFINITY,
        31 => f32::NAN,
        e => sign * (1.0 + frac / 1024.0) * 2f32.powi(e - 15),
    }
}

/// `days` since 1970-01-01 as an ISO date (proleptic Gregorian).
fn iso_date(days: i64) -> String {
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    if (0..=9999).contains(&y) {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:+05}-{m:02}-{d:02}")
    }
}

/// `HH:MM:SS.fff…` of `v` units since midnight.
fn time_of_day(v: i64, unit: Unit) -> String {
    let per = unit.per_second();
    let (secs, frac) = (v.div_euclid(per), v.rem_euclid(per));
    format!(
        "{:02}:{:02}:{:02}.{frac:0w$}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        w = unit.digits()
    )
}

/// An ISO timestamp of `days` since the epoch and `time` units into that day. The
/// fraction always has the unit's digits, so timestamps sort as text.
fn datetime(days: i64, time: i64, unit: Unit, utc: bool) -> String {
    format!(
        "{}T{}{}",
        iso_date(days),
        time_of_day(time, unit),
        if utc { "Z" } else { "" }
    )
}

/// An unscaled integer as an exact decimal with `scale` digits after the point.
fn decimal(unscaled: i128, scale: i32) -> String {
    place_point(unscaled < 0, unscaled.unsigned_abs().to_string(), scale)
}

/// A big-endian two's-complement unscaled integer as an exact decimal.
fn decimal_bytes(be: &[u8], scale: i32) -> String {
    let negative = be.first().is_some_and(|b| b & 0x80 != 0);
    if be.len() <= 16 {
        let mut buf = [if negative { 0xff } else { 0 }; 16];
        buf[16 - be.len()..].copy_from_slice(be);
        return decimal(i128::from_be_bytes(buf), scale);
    }
    if be.len() > MAX_DECIMAL_BYTES {
        return format!("(decimal of {} bytes)", be.len());
    }
    let mut magnitude = be.to_vec();
    if negative {
        // Two's complement: invert and add one.
        let mut carry = true;
        for b in magnitude.iter_mut().rev() {
            *b = !*b;
            if carry {
                let (v, c) = b.overflowing_add(1);
                *b = v;
                carry = c;
            }
        }
    }
    // Long division by ten, digit by digit: at most MAX_DECIMAL_BYTES wide.
    let mut digits = Vec::new();
    while magnitude.iter().any(|b| *b != 0) {
        let mut rem = 0u32;
        for b in magnitude.iter_mut() {
            let cur = rem * 256 + u32::from(*b);
            *b = u8::try_from(cur / 10).unwrap_or(0);
            rem = cur % 10;
        }
        digits.push(char::from(b'0' + u8::try_from(rem).unwrap_or(0)));
    }
    let digits: String = if digits.is_empty() {
        "0".into()
    } else {
        digits.iter().rev().collect()
    };
    place_point(negative, digits, scale)
}

fn place_point(negative: bool, digits: String, scale: i32) -> String {
    let mut s = match usize::try_from(scale) {
        Ok(0) => digits,
        Ok(scale) => {
            let padded = format!("{digits:0>width$}", width = scale + 1);
            let (int, frac) = padded.split_at(padded.len() - scale);
            format!("{int}.{frac}")
        }
        // A negative scale multiplies by a power of ten.
        Err(_) if digits == "0" => digits,
        Err(_) => digits + &"0".repeat(scale.unsigned_abs() as usize),
    };
    if negative && s.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        s.insert(0, '-');
    }
    s
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ::parquet::basic::{Compression, GzipLevel, ZstdLevel};
    use ::parquet::data_type::ByteArrayType;
    use ::parquet::data_type::{BoolType, DoubleType, FixedLenByteArrayType, Int32Type, Int64Type};
    use ::parquet::file::properties::WriterProperties;
    use ::parquet::file::writer::{SerializedFileWriter, SerializedRowGroupWriter};
    use ::parquet::schema::parser::parse_message_type;

    use super::*;
    use crate::connectors::CLASSIFY_ROWS;

    const SCHEMA: &str = "
        message person {
          required int64 id;
          optional binary email (STRING);
          optional group address {
            optional binary city (STRING);
            optional int32 zip;
          }
          optional group tags (LIST) {
            repeated group list {
              optional binary element (STRING);
            }
          }
          optional group items (LIST) {
            repeated group list {
              optional group element {
                optional binary sku (STRING);
                optional int32 qty;
              }
            }
          }
          optional int32 born (DATE);
          optional int64 seen_at (TIMESTAMP(MILLIS,true));
          optional int64 amount (DECIMAL(12,2));
          optional fixed_len_byte_array(16) big (DECIMAL(38,4));
          optional double score;
          required boolean active;
        }";

    /// One column's values and levels, as the writer takes them.
    struct Col<T> {
        values: Vec<T>,
        defs: Vec<i16>,
        reps: Vec<i16>,
    }

    impl<T> Default for Col<T> {
        fn default() -> Self {
            Self {
                values: Vec::new(),
                defs: Vec::new(),
                reps: Vec::new(),
            }
        }
    }

    impl<T> Col<T> {
        fn put(&mut self, v: Option<T>, def: i16, rep: i16) {
            self.values.extend(v);
            self.defs.push(def);
            self.reps.push(rep);
        }
    }

    #[derive(Default)]
    struct People {
        id: Col<i64>,
        email: Col<ByteArray>,
        city: Col<ByteArray>,
        zip: Col<i32>,
        tags: Col<ByteArray>,
        sku: Col<ByteArray>,
        qty: Col<i32>,
        born: Col<i32>,
        seen_at: Col<i64>,
        amount: Col<i64>,
        big: Col<FixedLenByteArray>,
        score: Col<f64>,
        active: Col<bool>,
    }

    /// Row `i`: every tenth email NULL, every seventh address NULL, lists of 0–3 tags
    /// (every thirteenth list NULL, the third tag NULL) and 0–2 items.
    fn people(rows: std::ops::Range<i64>) -> People {
        let mut p = People::default();
        for i in rows {
            p.id.put(Some(i), 0, 0);
            if i % 10 == 0 {
                p.email.put(None, 0, 0);
            } else {
                p.email
                    .put(Some(format!("user{i}@example.com").as_str().into()), 1, 0);
            }
            if i % 7 == 0 {
                p.city.put(None, 0, 0);
                p.zip.put(None, 0, 0);
            } else {
                if i % 5 == 0 {
                    p.city.put(None, 1, 0);
                } else {
                    p.city.put(Some("Zürich".into()), 2, 0);
                }
                p.zip.put(Some(8000 + (i % 100) as i32), 2, 0);
            }
            if i % 13 == 0 {
                p.tags.put(None, 0, 0);
            } else if i % 4 == 0 {
                p.tags.put(None, 1, 0);
            } else {
                for e in 0..i % 4 {
                    let rep = i16::from(e > 0);
                    if e == 2 {
                        p.tags.put(None, 2, rep);
                    } else {
                        p.tags.put(Some(format!("t{e}").as_str().into()), 3, rep);
                    }
                }
            }
            if i % 3 == 0 {
                p.sku.put(None, 1, 0);
                p.qty.put(None, 1, 0);
            } else {
                for e in 0..i % 3 {
                    let rep = i16::from(e > 0);
                    p.sku
                        .put(Some(format!("SKU-{i}-{e}").as_str().into()), 4, rep);
                    if e == 1 {
                        p.qty.put(None, 3, rep);
                    } else {
                        p.qty.put(Some(e as i32 + 1), 4, rep);
                    }
                }
            }
            if i % 11 == 0 {
                p.born.put(None, 0, 0);
            } else {
                p.born.put(Some(i as i32 - 5000), 1, 0);
            }
            p.seen_at.put(Some(1_700_000_000_000 + i * 1000), 1, 0);
            p.amount.put(Some(i * 101 - 50_000), 1, 0);
            let big = i128::from(i) * 10i128.pow(20) + 1;
            p.big.put(
                Some(ByteArray::from(big.to_be_bytes().to_vec()).into()),
                1,
                0,
            );
            p.score.put(Some(i as f64 / 4.0), 1, 0);
            p.active.put(Some(i % 2 == 0), 0, 0);
        }
        p
    }

    fn write_col<T: DataType>(group: &mut SerializedRowGroupWriter<'_, File>, col: &Col<T::T>) {
        let mut w = group
            .next_column()
            .expect("column")
            .expect("one more column");
        let typed = w.typed::<T>();
        let d = typed.get_descriptor().clone();
        typed
            .write_batch(
                &col.values,
                (d.max_def_level() > 0).then_some(col.defs.as_slice()),
                (d.max_rep_level() > 0).then_some(col.reps.as_slice()),
            )
            .expect("write batch");
        w.close().expect("close column");
    }

    fn write_people(path: &Path, rows: i64, per_group: i64, compression: Compression) {
        let schema = Arc::new(parse_message_type(SCHEMA).expect("schema"));
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(compression)
                // Several pages per column chunk, so skipping crosses page boundaries.
                .set_write_batch_size(100)
                .set_data_page_row_count_limit(700)
                .build(),
        );
        let file = File::create(path).expect("create");
        let mut writer = SerializedFileWriter::new(file, schema, props).expect("writer");
        let mut start = 0;
        while start < rows {
            let end = (start + per_group).min(rows);
            let p = people(start..end);
            let mut g = writer.next_row_group().expect("row group");
            write_col::<Int64Type>(&mut g, &p.id);
            write_col::<ByteArrayType>(&mut g, &p.email);
            write_col::<ByteArrayType>(&mut g, &p.city);
            write_col::<Int32Type>(&mut g, &p.zip);
            write_col::<ByteArrayType>(&mut g, &p.tags);
            write_col::<ByteArrayType>(&mut g, &p.sku);
            write_col::<Int32Type>(&mut g, &p.qty);
            write_col::<Int32Type>(&mut g, &p.born);
            write_col::<Int64Type>(&mut g, &p.seen_at);
            write_col::<Int64Type>(&mut g, &p.amount);
            write_col::<FixedLenByteArrayType>(&mut g, &p.big);
            write_col::<DoubleType>(&mut g, &p.score);
            write_col::<BoolType>(&mut g, &p.active);
            g.close().expect("close row group");
            start = end;
        }
        writer.close().expect("close file");
    }

    fn column<'a>(scan: &'a TableScan, name: &str) -> &'a [Option<String>] {
        let i = scan
            .columns
            .iter()
            .position(|c| c.name == name)
            .expect("column");
        &scan.values[i]
    }

    #[test]
    fn reads_nested_parquet_sampled_and_in_full() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("people.parquet");
        write_people(&path, 10_000, 2_500, Compression::SNAPPY);

        let scan = super::super::read_file(&path, SampleSize::Rows(100)).expect("sample");
        let cols: Vec<_> = scan
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.data_type.as_str(), c.nullable))
            .collect();
        assert_eq!(
            cols,
            [
                ("id", "int64", false),
                ("email", "string", true),
                ("address.city", "string", true),
                ("address.zip", "int32", true),
                ("tags[]", "array<string>", true),
                ("items[].sku", "array<string>", true),
                ("items[].qty", "array<int32>", true),
                ("born", "date", true),
                ("seen_at", "timestamp(ms, utc)", true),
                ("amount", "decimal(12,2)", true),
                ("big", "decimal(38,4)", true),
                ("score", "double", true),
                ("active", "boolean", false),
            ]
        );
        assert_eq!((scan.row_count, scan.rows_read), (Some(10_000), 100));
        assert!(scan.profiles.is_none());
        assert!(scan.values.iter().all(|c| c.len() == 100));
        let ids: Vec<i64> = column(&scan, "id")
            .iter()
            .flatten()
            .filter_map(|v| v.parse().ok())
            .collect();
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), 100);
        // Uniform over the file, not its first rows.
        assert!(ids.iter().any(|&i| i > 7_500), "{ids:?}");
        assert!(ids.iter().any(|&i| i < 2_500), "{ids:?}");
        // Every sampled row's values belong to that row, whatever was skipped.
        for (r, &id) in ids.iter().enumerate() {
            let cell = |name: &str| column(&scan, name)[r].as_deref();
            let want_email = (id % 10 != 0).then(|| format!("user{id}@example.com"));
            assert_eq!(cell("email"), want_email.as_deref(), "row {id}");
            let tags = match id % 4 {
                _ if id % 13 == 0 => None,
                0 => None,
                1 => Some("t0"),
                2 => Some("t0, t1"),
                _ => Some("t0, t1"),
            };
            assert_eq!(cell("tags[]"), tags, "row {id}");
            let skus = match id % 3 {
                0 => None,
                1 => Some(format!("SKU-{id}-0")),
                _ => Some(format!("SKU-{id}-0, SKU-{id}-1")),
            };
            assert_eq!(cell("items[].sku"), skus.as_deref(), "row {id}");
            assert_eq!(
                cell("items[].qty"),
                (id % 3 != 0).then_some("1"),
                "row {id}"
            );
            assert_eq!(cell("score"), Some((id as f64 / 4.0).to_string().as_str()));
        }
        // Same sample on the next scan.
        let again = super::super::read_file(&path, SampleSize::Rows(100)).expect("again");
        assert_eq!(again.values, scan.values);

        let full = super::super::read_file(&path, SampleSize::Full).expect("full");
        assert_eq!((full.row_count, full.rows_read), (Some(10_000), 10_000));
        assert!(full.values.iter().all(|c| c.len() == CLASSIFY_ROWS));
        let profiles = full.profiles.as_ref().expect("full profiles");
        let at = |name: &str| {
            full.columns
                .iter()
                .position(|c| c.name == name)
                .expect("column")
        };
        let id = &profiles[at("id")];
        assert_eq!((id.rows_sampled, id.distinct_estimate), (10_000, 10_000));
        assert_eq!(
            (id.min.as_deref(), id.max.as_deref()),
            (Some("0"), Some("9999"))
        );
        assert!(id.exact);
        assert_eq!(profiles[at("email")].null_ratio, 0.1);
        assert_eq!(
            profiles[at("born")].min.as_deref(),
            Some("1956-04-25"),
            "day -4999"
        );
        assert_eq!(profiles[at("amount")].min.as_deref(), Some("-500.00"));
        assert_eq!(profiles[at("amount")].max.as_deref(), Some("9598.99"));
        assert_eq!(
            profiles[at("tags[]")].min,
            None,
            "no extremes of joined lists"
        );
        // The values of a sampled row line up.
        let (r, id) = column(&full, "id")
            .iter()
            .enumerate()
            .find_map(|(r, v)| Some((r, v.as_deref()?.parse::<i64>().ok()?)).filter(|x| x.1 > 0))
            .expect("a row");
        let cell = |name: &str| column(&full, name)[r].as_deref();
        let amount = id * 101 - 50_000;
        let cents = format!("{:02}", amount.rem_euclid(100));
        let want = format!(
            "{}{}.{cents}",
            if amount < 0 { "-" } else { "" },
            (amount / 100).abs()
        );
        assert_eq!(cell("amount"), Some(want.as_str()), "id {id}");
        assert_eq!(
            cell("big"),
            Some(format!("{id}0000000000000000.0001").as_str())
        );
        assert!(
            cell("seen_at").is_some_and(|t| t.starts_with("2023-11-1") && t.ends_with(".000Z")),
            "{:?}",
            cell("seen_at")
        );
    }

    #[test]
    fn zstd_and_gzip_files_are_readable() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, c) in [
            ("z.parquet", Compression::ZSTD(ZstdLevel::default())),
            ("g.parquet", Compression::GZIP(GzipLevel::default())),
            ("u.parquet", Compression::UNCOMPRESSED),
        ] {
            let path = dir.path().join(name);
            write_people(&path, 300, 300, c);
            let scan = super::super::read_file(&path, SampleSize::Rows(1000)).expect(name);
            assert_eq!((scan.row_count, scan.rows_read), (Some(300), 300), "{name}");
        }
    }

    #[test]
    fn a_truncated_or_damaged_file_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.parquet");
        write_people(&path, 2_000, 1_000, Compression::SNAPPY);
        let bytes = std::fs::read(&path).expect("read");
        for cut in [0, 3, 8, bytes.len() / 2, bytes.len() - 1] {
            std::fs::write(&path, &bytes[..cut]).expect("write");
            let err = super::super::read_file(&path, SampleSize::Full).expect_err("truncated");
            assert!(err.contains("Parquet"), "{cut}: {err}");
        }
        // Footer intact, pages damaged: an error, not a panic.
        let mut damaged = bytes.clone();
        for b in damaged.iter_mut().skip(4).step_by(97).take(200) {
            *b ^= 0x5a;
        }
        std::fs::write(&path, &damaged).expect("write");
        let err = super::super::read_file(&path, SampleSize::Full).expect_err("damaged");
        assert!(err.contains("Parquet"), "{err}");
    }

    #[test]
    fn values_are_written_exactly() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(-1), "1969-12-31");
        assert_eq!(iso_date(19_782), "2024-02-29");
        assert_eq!(iso_date(-719_529), "-0001-12-31");
        assert_eq!(
            datetime(0, 1_500, Unit::Millis, true),
            "1970-01-01T00:00:01.500Z"
        );
        assert_eq!(time_of_day(3_661_000_001, Unit::Micros), "01:01:01.000001");
        assert_eq!(decimal(-5, 2), "-0.05");
        assert_eq!(decimal(12_345, 0), "12345");
        assert_eq!(decimal(7, -2), "700");
        assert_eq!(decimal(0, -2), "0");
        assert_eq!(decimal_bytes(&[0xff, 0xfe], 1), "-0.2");
        assert_eq!(decimal_bytes(&[], 1), "0.0");
        // Wider than i128: 2^136 and its negation.
        let mut big = vec![0u8; 18];
        big[0] = 1;
        assert_eq!(
            decimal_bytes(&big, 3),
            "87112285931760246646623899502532662132.736"
        );
        let mut neg = vec![0u8; 18];
        neg[0] = 0xff;
        assert_eq!(
            decimal_bytes(&neg, 0),
            "-87112285931760246646623899502532662132736"
        );
        assert_eq!(float(0.1f32, 0.1), "0.1");
        assert_eq!(float(1e20, 1e20), "1e20");
        assert_eq!(f16(0x3c00), 1.0);
        assert_eq!(f16(0xc000), -2.0);
        let mut uuid = String::new();
        bytes_text(&[0xab; 16], Conv::Uuid, &mut uuid);
        assert_eq!(uuid, "abababab-abab-abab-abab-abababababab");
        let mut int96 = String::new();
        let mut v = Int96::new();
        // Julian day 2440589 (1970-01-02), one hour.
        let nanos: u64 = 3_600_000_000_000;
        v.set_data(nanos as u32, (nanos >> 32) as u32, 2_440_589);
        v.write(Conv::Plain, &mut int96);
        assert_eq!(int96, "1970-01-02T01:00:00.000000000");
        let mut unsigned = String::new();
        (-1i32).write(Conv::Unsigned, &mut unsigned);
        assert_eq!(unsigned, "4294967295");
    }
}
