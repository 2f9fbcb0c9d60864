//! MongoDB through the official driver: the collections (and views) of one database or of
//! every user database, a bounded pool that reads from secondaries when there are any,
//! `maxTimeMS` on every query, `$sample` sampling, and columns inferred from the sampled
//! documents.
//!
//! A document is one row, flattened by the flattener JSON files share
//! ([`super::flatten`]): its columns are its field paths (`address.city`, `tags[]` for the
//! elements of an array, `items[].sku` inside an array of objects), each array element is a
//! whole value of its column, and the types are BSON's (`array<int32|string>`). Documents
//! are converted to the flattener's neutral form as they are read ([`fields_of`]).

use std::future::IntoFuture;
use std::time::Duration;

use futures::TryStreamExt;
use futures::future::BoxFuture;
use mongodb::bson::raw::{RawBsonRef, RawDocument};
use mongodb::bson::spec::BinarySubtype;
use mongodb::bson::{Bson, Document, doc};
use mongodb::options::{ClientOptions, ReadPreference, SelectionCriteria};
use mongodb::{Client, Collection, Cursor};

use super::flatten::{
    self, Flattener, KEEP_DEPTH, MAX_ELEMENTS, Value, Vocabulary, push_json_string,
};
use super::sample::TableSampler;
use super::sql::{self, Limits, SourceUri};
use super::{
    CLASSIFY_ROWS, Connector, ConnectorError, ConnectorFactory, MAX_VALUE_CHARS, TableRef,
    TableScan, bounded, fingerprint, text_of,
};
use crate::domain::{AssetKind, SampleSize};

/// Databases of the server itself.
const SYSTEM_DATABASES: [&str; 3] = ["admin", "local", "config"];
/// How much longer than one sampling query a full scan of one collection may run.
const FULL_SCAN_TIMEOUT_FACTOR: u32 = 20;
/// Documents per round trip (the server also caps a batch at 16 MiB).
const BATCH: u32 = 1000;
/// Documents sampled to learn the columns before a full scan streams every document.
const SCHEMA_SAMPLE: u64 = CLASSIFY_ROWS as u64;
/// Characters kept of a view's pipeline or a collection's options.
const MAX_DEFINITION_CHARS: usize = 65_536;
/// Nesting levels written of a view's pipeline or a collection's options.
const DEFINITION_DEPTH: usize = 64;
/// Time allowed on top of a call's own limits (server selection, query time) for the
/// network, so that the driver's clearer error comes first.
const SLACK: Duration = Duration::from_secs(2);

/// Opens `mongodb://user@host:port/database?...`; without a database, every database but
/// `admin`, `local` and `config`. A replica set is named by one seed host and
/// `replicaSet=NAME` (the driver finds the other members).
pub struct MongodbFactory;

impl ConnectorFactory for MongodbFactory {
    fn connect<'a>(
        &'a self,
        _source_id: &'a str,
        uri: &'a url::Url,
    ) -> BoxFuture<'a, Result<Box<dyn Connector>, ConnectorError>> {
        Box::pin(async move {
            let SourceUri {
                driver,
                limits,
                database,
            } = sql::parse(uri)?;
            let what = redact(uri);
            let secrets = secrets_of(&driver);
            let fail = |reason: String| ConnectorError::Connect {
                what: what.clone(),
                reason: scrub(reason, &secrets),
            };
            let mut options = ClientOptions::parse(driver.as_str()).await.map_err(|e| {
                ConnectorError::InvalidUri {
                    uri: what.clone(),
                    reason: scrub(e.kind.to_string(), &secrets),
                }
            })?;
            let reads = read_preference(options.selection_criteria.take());
            options.selection_criteria = Some(reads.clone());
            options.app_name = Some("pursight".into());
            options.max_pool_size = Some(limits.max_connections);
            options.connect_timeout = Some(limits.connect_timeout);
            options.server_selection_timeout = Some(limits.connect_timeout);
            let client = Client::with_options(options).map_err(|e| fail(e.kind.to_string()))?;
            // The pool connects lazily: a ping finds a wrong host, port or password now.
            within(
                limits.connect_timeout * 2 + SLACK,
                client
                    .database("admin")
                    .run_command(doc! { "ping": 1 })
                    .selection_criteria(reads),
            )
            .await
            .map_err(fail)?;
            let connector = MongoConnector {
                client,
                database,
                limits,
                secrets: secrets.clone(),
            };
            if let Some(db) = &connector.database
                // Databases appear on first write: a misspelt name would look like an empty
                // source. Users who may not list databases are not refused for it.
                && let Ok(names) = connector.database_names().await
                && !names.contains(db)
            {
                return Err(fail(format!(
                    "database `{db}` does not exist (or this user cannot see it)"
                )));
            }
            Ok(Box::new(connector) as Box<dyn Connector>)
        })
    }
}

/// The URI without its passwords, for messages and the API.
fn redact(uri: &url::Url) -> String {
    let mut u = uri.clone();
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| {
            let secret = k.eq_ignore_ascii_case("tlsCertificateKeyFilePassword");
            (
                k.into_owned(),
                if secret { "***".into() } else { v.into_owned() },
            )
        })
        .collect();
    if !pairs.is_empty() {
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    sql::redact(&u)
}

/// The password as it may appear in a driver's message (encoded in the URI, or decoded).
fn secrets_of(driver: &url::Url) -> Vec<String> {
    let Some(encoded) = driver.password() else {
        return Vec::new();
    };
    let decoded = url::form_urlencoded::parse(format!("x={encoded}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    // Passwords too short to mask without garbling every message are left alone.
    [encoded.to_string(), decoded]
        .into_iter()
        .filter(|s| s.chars().count() >= 4)
        .collect()
}

/// A driver message without the source's password, should the driver ever quote the URI.
fn scrub(message: String, secrets: &[String]) -> String {
    secrets
        .iter()
        .fold(message, |m, s| m.replace(s.as_str(), "***"))
}

/// Scans read from secondaries whenever there is one: a read preference in the URI is
/// kept only when it also avoids the primary (`secondary`, or `secondaryPreferred` with
/// tags such as analytics nodes).
fn read_preference(from_uri: Option<SelectionCriteria>) -> SelectionCriteria {
    match from_uri {
        Some(SelectionCriteria::ReadPreference(
            rp @ (ReadPreference::Secondary { .. } | ReadPreference::SecondaryPreferred { .. }),
        )) => SelectionCriteria::ReadPreference(rp),
        _ => {
            SelectionCriteria::ReadPreference(ReadPreference::SecondaryPreferred { options: None })
        }
    }
}

/// Runs one call to the server, bounded even when the server stops answering without
/// closing the connection (the driver sets no read timeout on an open connection).
async fn within<T, F>(limit: Duration, call: F) -> Result<T, String>
where
    F: IntoFuture<Output = mongodb::error::Result<T>>,
{
    match tokio::time::timeout(limit, call).await {
        Ok(Ok(v)) => Ok(v),
        // The kind alone: the error's own text adds empty label and source fields.
        Ok(Err(e)) => Err(e.kind.to_string()),
        Err(_) => Err(format!("no answer within {} ms", limit.as_millis())),
    }
}

struct MongoConnector {
    client: Client,
    database: Option<String>,
    limits: Limits,
    secrets: Vec<String>,
}

/// What `listCollections` says about one collection or view.
struct CollectionInfo {
    name: String,
    view: bool,
    /// Creation options (capped, validator, collation...), as text.
    options: String,
    /// Changes when the collection is dropped and created again.
    uuid: String,
    /// A view's source and pipeline.
    definition: Option<String>,
}

impl MongoConnector {
    /// The limit of one call whose query may run `query` on the server: selecting a server
    /// (at most the connect timeout), the query, the network.
    fn guard_for(&self, query: Duration) -> Duration {
        self.limits.connect_timeout + query + SLACK
    }

    fn guard(&self) -> Duration {
        self.guard_for(self.limits.statement_timeout)
    }

    fn discover_err(&self, reason: String) -> ConnectorError {
        ConnectorError::Discover(scrub(reason, &self.secrets))
    }

    async fn database_names(&self) -> Result<Vec<String>, String> {
        within(
            self.guard(),
            self.client.list_database_names().authorized_databases(true),
        )
        .await
    }

    /// The databases to catalog: the one in the URI, else every non-system one.
    async fn databases(&self) -> Result<Vec<String>, ConnectorError> {
        if let Some(db) = &self.database {
            return Ok(vec![db.clone()]);
        }
        let mut names: Vec<String> = self
            .database_names()
            .await
            .map_err(|e| self.discover_err(e))?
            .into_iter()
            .filter(|n| !SYSTEM_DATABASES.contains(&n.as_str()))
            .collect();
        names.sort();
        Ok(names)
    }

    /// Collections and views of `db`, by name. Read as plain documents: servers (and
    /// servers that only speak the protocol) differ in the details of what they report.
    async fn collections(&self, db: &str) -> Result<Vec<CollectionInfo>, String> {
        let mut cursor = within(
            self.guard(),
            self.client
                .database(db)
                .run_cursor_command(doc! { "listCollections": 1 })
                .selection_criteria(read_preference(None)),
        )
        .await?;
        let mut out = Vec::new();
        while within(self.guard(), cursor.advance()).await? {
            out.extend(collection_info(cursor.current()));
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// The id of the server process that counts writes (with the election that made it
    /// primary), when the member that answers is
    /// the one taking them (primary, standalone, or a mongos in front of shard primaries)
    /// and it reports one (MongoDB 4.4+). Write counters restart with the process, so the
    /// process id belongs in every fingerprint built from them.
    async fn write_counting_process(&self) -> Option<String> {
        let hello = within(
            self.guard(),
            self.client
                .database("admin")
                .run_command(doc! { "hello": 1 })
                .selection_criteria(primary_preferred()),
        )
        .await
        .ok()?;
        let writable = hello.get_bool("isWritablePrimary").unwrap_or(false)
            || hello.get_str("msg").is_ok_and(|m| m == "isdbgrid");
        if !writable {
            return None;
        }
        let version = hello.get_document("topologyVersion").ok()?;
        let process = version.get_object_id("processId").ok()?.to_hex();
        // A member does not count the writes it replicated while another one was primary:
        // after a failover and failback its counters look unchanged, but the election id
        // is new.
        let election = hello
            .get_object_id("electionId")
            .map(|o| o.to_hex())
            .unwrap_or_default();
        Some(format!("{process}:{election}"))
    }

    /// Per shard: documents and write operations on the collection since the process
    /// started. `None` when the server does not count writes.
    async fn write_stats(&self, coll: &Collection<Document>) -> Option<String> {
        let mut cursor = within(
            self.guard(),
            coll.aggregate([doc! {
                "$collStats": { "latencyStats": { "histograms": false }, "count": {} }
            }])
            // Secondaries do not count the writes they replicate: ask the primary. A
            // metadata lookup, it costs the primary nothing.
            .selection_criteria(primary_preferred())
            .max_time(self.limits.statement_timeout),
        )
        .await
        .ok()?;
        let mut parts = Vec::new();
        while let Some(d) = within(self.guard(), cursor.try_next()).await.ok()? {
            let writes = d
                .get_document("latencyStats")
                .and_then(|l| l.get_document("writes"))
                .ok()
                .and_then(|w| w.get("ops"))
                .and_then(number)?;
            let count = d.get("count").and_then(number).unwrap_or(0);
            parts.push(format!(
                "{}:{count}:{writes}",
                d.get_str("shard").unwrap_or("")
            ));
        }
        parts.sort();
        (!parts.is_empty()).then(|| parts.join(","))
    }

    async fn table_ref(&self, db: &str, info: CollectionInfo, process: Option<&str>) -> TableRef {
        let kind = if info.view {
            AssetKind::View
        } else {
            AssetKind::Collection
        };
        let mut t = TableRef::new(db, db, &info.name, kind, format!("{db}.{}", info.name));
        if info.view {
            // A view's data lives in other collections: no count, no fingerprint.
            t.definition = info.definition;
            return t;
        }
        t.primary_key = vec!["_id".into()];
        let coll = self.client.database(db).collection::<Document>(&info.name);
        // Collection metadata, no scan; unknown (None) where the server cannot tell.
        t.row_estimate = within(
            self.guard(),
            coll.estimated_document_count()
                .max_time(self.limits.statement_timeout),
        )
        .await
        .ok();
        // Count and options alone miss updates in place: the fingerprint needs the write
        // counter, and without one the collection is always scanned.
        if let Some(process) = process
            && let Some(stats) = self.write_stats(&coll).await
        {
            t.fingerprint = Some(fingerprint(&[
                "collection",
                &info.options,
                &info.uuid,
                process,
                &stats,
            ]));
        }
        t
    }

    /// The documents of a `Rows(n)` sample: `$sample` on a collection larger than `n` (or
    /// of unknown size), else a plain read; a view is read up to `n` documents, as
    /// evaluating it whole could cost anything.
    async fn sample_cursor(
        &self,
        coll: &Collection<Document>,
        table: &TableRef,
        n: u64,
    ) -> Result<Cursor<Document>, String> {
        let limit = i64::try_from(n).unwrap_or(i64::MAX);
        let sample = table.kind != AssetKind::View && table.row_estimate.is_none_or(|e| e > n);
        if sample {
            within(
                self.guard(),
                coll.aggregate([doc! { "$sample": { "size": limit } }])
                    .batch_size(BATCH)
                    .max_time(self.limits.statement_timeout),
            )
            .await
        } else {
            within(
                self.guard(),
                coll.find(doc! {})
                    .limit(limit)
                    .batch_size(BATCH)
                    .max_time(self.limits.statement_timeout),
            )
            .await
        }
    }

    async fn scan_sample(
        &self,
        coll: &Collection<Document>,
        table: &TableRef,
        n: u64,
    ) -> Result<TableScan, String> {
        if n == 0 {
            return Ok(
                TableSampler::new(Vec::new(), SampleSize::Rows(n), CLASSIFY_ROWS)
                    .finish(table.row_estimate),
            );
        }
        let mut schema = Flattener::new(BSON_TYPES);
        let mut rows = Vec::new();
        let mut cursor = self.sample_cursor(coll, table, n).await?;
        // The columns are known only once every sampled document is read: keep the
        // sample's values (as the sampler would) until then.
        while (rows.len() as u64) < n && within(self.guard(), cursor.advance()).await? {
            rows.push(observe(&mut schema, cursor.current())?);
        }
        let order = schema.order();
        let positions = schema.positions(&order);
        let mut sampler =
            TableSampler::new(schema.columns(&order), SampleSize::Rows(n), CLASSIFY_ROWS);
        for row in rows {
            sampler.push(flatten::dense(row, &positions, order.len()));
        }
        Ok(sampler.finish(table.row_estimate))
    }

    /// Every document, streamed: columns from a sample first, then one pass profiling
    /// each path. Documents outside the sample may have paths it lacked; then the pass
    /// is made once more with them, so every path read gets an exact profile.
    async fn scan_full(
        &self,
        coll: &Collection<Document>,
        table: &TableRef,
    ) -> Result<TableScan, String> {
        let mut schema = Flattener::new(BSON_TYPES);
        {
            let mut cursor = self.sample_cursor(coll, table, SCHEMA_SAMPLE).await?;
            while within(self.guard(), cursor.advance()).await? {
                observe(&mut schema, cursor.current())?;
            }
        }
        let limit = self.limits.statement_timeout * FULL_SCAN_TIMEOUT_FACTOR;
        let guard = self.guard_for(limit);
        let mut pass = 0;
        loop {
            pass += 1;
            let known = schema.paths();
            let order = schema.order();
            let positions = schema.positions(&order);
            let mut sampler =
                TableSampler::new(schema.columns(&order), SampleSize::Full, CLASSIFY_ROWS);
            let mut cursor =
                within(guard, coll.find(doc! {}).batch_size(BATCH).max_time(limit)).await?;
            while within(guard, cursor.advance()).await? {
                let row = observe(&mut schema, cursor.current())?;
                sampler.push(flatten::dense(row, &positions, order.len()));
            }
            // Still new paths on a second pass: documents changing under the scan. Their
            // paths wait for the next scan.
            if schema.paths() == known || pass == 2 {
                let mut scan = sampler.finish(None);
                // Every document was seen: these types and nullabilities are exact.
                scan.columns = schema.columns(&order);
                return Ok(scan);
            }
        }
    }
}

/// One entry of `listCollections`; `None` for the server's own collections (system.views,
/// system.profile, the buckets behind time series) and entries without a name.
fn collection_info(spec: &RawDocument) -> Option<CollectionInfo> {
    let name = spec.get_str("name").ok()?;
    if name.starts_with("system.") {
        return None;
    }
    let view = spec.get_str("type").is_ok_and(|t| t == "view");
    let options = spec.get_document("options").ok();
    let definition = options.filter(|_| view).map(|o| {
        let mut def = String::from("{\"viewOn\": ");
        match o.get("viewOn") {
            Ok(Some(v)) => render(v, &mut def, MAX_DEFINITION_CHARS, DEFINITION_DEPTH),
            _ => def.push_str("null"),
        }
        def.push_str(", \"pipeline\": ");
        match o.get("pipeline") {
            Ok(Some(p)) => render(p, &mut def, MAX_DEFINITION_CHARS, DEFINITION_DEPTH),
            _ => def.push_str("[]"),
        }
        def.push('}');
        def
    });
    let mut options_text = String::new();
    if let Some(o) = options {
        render(
            RawBsonRef::Document(o),
            &mut options_text,
            MAX_DEFINITION_CHARS,
            DEFINITION_DEPTH,
        );
    }
    let uuid = match spec.get_document("info").and_then(|i| i.get("uuid")) {
        Ok(Some(u)) => value_text(u).unwrap_or_default(),
        _ => String::new(),
    };
    Some(CollectionInfo {
        name: name.to_string(),
        view,
        options: options_text,
        uuid,
        definition,
    })
}

fn primary_preferred() -> SelectionCriteria {
    SelectionCriteria::ReadPreference(ReadPreference::PrimaryPreferred { options: None })
}

/// A count as the server sends it (int32, int64 or double).
fn number(b: &Bson) -> Option<u64> {
    match b {
        Bson::Int32(n) => u64::try_from(*n).ok(),
        Bson::Int64(n) => u64::try_from(*n).ok(),
        Bson::Double(x) if *x >= 0.0 && x.is_finite() => Some(*x as u64),
        _ => None,
    }
}

impl Connector for MongoConnector {
    fn list_tables(&mut self) -> BoxFuture<'_, Result<Vec<TableRef>, ConnectorError>> {
        Box::pin(async move {
            let databases = self.databases().await?;
            let process = self.write_counting_process().await;
            let mut out = Vec::new();
            let mut first_failure = None;
            for db in &databases {
                match self.collections(db).await {
                    Ok(infos) => {
                        for info in infos {
                            out.push(self.table_ref(db, info, process.as_deref()).await);
                        }
                    }
                    // A named database must be readable; among all of them, one this user
                    // may not list is skipped, unless none could be listed.
                    Err(e) if self.database.is_none() && databases.len() > 1 => {
                        let error = scrub(e.clone(), &self.secrets);
                        tracing::warn!(database = %db, %error, "cannot list collections");
                        first_failure.get_or_insert(format!("database `{db}`: {e}"));
                    }
                    Err(e) => return Err(self.discover_err(format!("database `{db}`: {e}"))),
                }
            }
            if out.is_empty()
                && let Some(e) = first_failure
            {
                return Err(self.discover_err(e));
            }
            Ok(out)
        })
    }

    fn scan_table<'a>(
        &'a mut self,
        table: &'a TableRef,
        size: SampleSize,
    ) -> BoxFuture<'a, Result<TableScan, ConnectorError>> {
        Box::pin(async move {
            let coll = self
                .client
                .database(&table.database)
                .collection::<Document>(&table.name);
            let result = match size {
                SampleSize::Rows(n) => self.scan_sample(&coll, table, n).await,
                SampleSize::Full => self.scan_full(&coll, table).await,
            };
            result.map_err(|reason| ConnectorError::Read {
                table: format!("{}.{}", table.database, table.name),
                reason: scrub(reason, &self.secrets),
            })
        })
    }
}

/// BSON types by the names the catalog shows (MongoDB's `$type` aliases, with the widths
/// of integers spelt out). Null and undefined are not types here: they make a path
/// nullable.
const KINDS: [&str; 19] = [
    "double",
    "string",
    "object",
    "array",
    "binary",
    "objectId",
    "bool",
    "date",
    "regex",
    "dbPointer",
    "javascript",
    "symbol",
    "javascriptWithScope",
    "int32",
    "timestamp",
    "int64",
    "decimal128",
    "minKey",
    "maxKey",
];

/// Index of a non-null value's type in [`KINDS`]; `None` for null and undefined.
fn kind_of(v: RawBsonRef<'_>) -> Option<u8> {
    Some(match v {
        RawBsonRef::Double(_) => 0,
        RawBsonRef::String(_) => 1,
        RawBsonRef::Document(_) => 2,
        RawBsonRef::Array(_) => 3,
        RawBsonRef::Binary(_) => 4,
        RawBsonRef::ObjectId(_) => 5,
        RawBsonRef::Boolean(_) => 6,
        RawBsonRef::DateTime(_) => 7,
        RawBsonRef::RegularExpression(_) => 8,
        RawBsonRef::DbPointer(_) => 9,
        RawBsonRef::JavaScriptCode(_) => 10,
        RawBsonRef::Symbol(_) => 11,
        RawBsonRef::JavaScriptCodeWithScope(_) => 12,
        RawBsonRef::Int32(_) => 13,
        RawBsonRef::Timestamp(_) => 14,
        RawBsonRef::Int64(_) => 15,
        RawBsonRef::Decimal128(_) => 16,
        RawBsonRef::MinKey => 17,
        RawBsonRef::MaxKey => 18,
        RawBsonRef::Null | RawBsonRef::Undefined => return None,
    })
}

/// BSON's type names for the flattener (an object and an array are `KINDS[2]` and `[3]`).
const BSON_TYPES: Vocabulary = Vocabulary {
    object: 2,
    array: 3,
    name: bson_type,
};

/// The names of the BSON types seen (bit `k`: `KINDS[k]`), sorted: `int32|string`.
fn bson_type(kinds: u32) -> String {
    let mut names: Vec<&str> = KINDS
        .iter()
        .enumerate()
        .filter(|(k, _)| kinds & (1 << k) != 0)
        .map(|(_, n)| *n)
        .collect();
    names.sort_unstable();
    names.join("|")
}

/// Learns from one document: its row, by path index.
fn observe(schema: &mut Flattener, doc: &RawDocument) -> Result<Vec<(usize, String)>, String> {
    Ok(schema.observe(&fields_of(doc, 1)?))
}

/// A document's fields (values `level` levels down) in the flattener's neutral form, with
/// its bounds applied as they are read: no more is converted than the flattener reads.
fn fields_of(doc: &RawDocument, level: usize) -> Result<Vec<(String, Value)>, String> {
    let mut fields = Vec::new();
    for element in doc {
        let (key, value) = element.map_err(|e| format!("malformed document: {e}"))?;
        fields.push((
            flatten::key(key.as_str()).to_string(),
            value_of(value, level)?,
        ));
    }
    Ok(fields)
}

/// One value in neutral form: numbers and booleans are literals (bare in JSON text), other
/// scalars their text as [`value_text`] writes it.
fn value_of(v: RawBsonRef<'_>, level: usize) -> Result<Value, String> {
    Ok(match v {
        RawBsonRef::Document(d) if level < KEEP_DEPTH => Value::Object(fields_of(d, level + 1)?),
        RawBsonRef::Array(a) if level < KEEP_DEPTH => {
            let mut items = Vec::new();
            for element in a.into_iter().take(MAX_ELEMENTS) {
                let element = element.map_err(|e| format!("malformed array: {e}"))?;
                items.push(value_of(element, level + 1)?);
            }
            Value::Array(items)
        }
        // Nothing reads inside these (see `KEEP_DEPTH`).
        RawBsonRef::Document(_) => Value::Object(Vec::new()),
        RawBsonRef::Array(_) => Value::Array(Vec::new()),
        _ => match (kind_of(v), value_text(v)) {
            (Some(kind), Some(text)) => match v {
                RawBsonRef::Boolean(_)
                | RawBsonRef::Int32(_)
                | RawBsonRef::Int64(_)
                | RawBsonRef::Double(_)
                | RawBsonRef::Decimal128(_) => Value::Literal(kind, text),
                _ => Value::Text(kind, text),
            },
            _ => Value::Null,
        },
    })
}

/// Earliest and latest dates that print as ISO-8601 with a four-digit year.
const MIN_ISO_MILLIS: i64 = -62_167_219_200_000;
const MAX_ISO_MILLIS: i64 = 253_402_300_799_999;

/// A date as ISO-8601 (UTC); milliseconds since the epoch outside years 0..=9999.
fn iso_date(millis: i64) -> String {
    if (MIN_ISO_MILLIS..=MAX_ISO_MILLIS).contains(&millis) {
        mongodb::bson::DateTime::from_millis(millis)
            .try_to_rfc3339_string()
            .unwrap_or_else(|_| millis.to_string())
    } else {
        millis.to_string()
    }
}

/// A double as the shell prints it, in exponent form when plain digits would be long.
fn double_text(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if x == 0.0 || (1e-6..1e15).contains(&x.abs()) {
        x.to_string()
    } else {
        format!("{x:e}")
    }
}

/// The text of one value: ObjectIds in hex, dates in ISO-8601, numbers as written, UUIDs
/// hyphenated, other binary as lossy text, objects and arrays as compact JSON; cut to
/// [`MAX_VALUE_CHARS`]. `None` for null and undefined.
fn value_text(v: RawBsonRef<'_>) -> Option<String> {
    Some(match v {
        RawBsonRef::Null | RawBsonRef::Undefined => return None,
        RawBsonRef::Double(x) => double_text(x),
        RawBsonRef::String(s) | RawBsonRef::JavaScriptCode(s) | RawBsonRef::Symbol(s) => {
            text_of(s.as_bytes())
        }
        RawBsonRef::JavaScriptCodeWithScope(c) => text_of(c.code.as_bytes()),
        RawBsonRef::Document(_) | RawBsonRef::Array(_) => {
            let mut out = String::new();
            render(v, &mut out, MAX_VALUE_CHARS, flatten::MAX_DEPTH);
            bounded(out)
        }
        RawBsonRef::Boolean(b) => b.to_string(),
        RawBsonRef::RegularExpression(r) => {
            bounded(format!("/{}/{}", r.pattern.as_str(), r.options.as_str()))
        }
        RawBsonRef::Int32(n) => n.to_string(),
        RawBsonRef::Int64(n) => n.to_string(),
        RawBsonRef::Timestamp(t) => iso_date(i64::from(t.time) * 1000),
        RawBsonRef::Binary(b) => match (b.subtype, <[u8; 16]>::try_from(b.bytes)) {
            (BinarySubtype::Uuid | BinarySubtype::UuidOld, Ok(u)) => uuid_text(&u),
            _ => text_of(b.bytes),
        },
        RawBsonRef::ObjectId(o) => o.to_hex(),
        RawBsonRef::DateTime(d) => iso_date(d.timestamp_millis()),
        RawBsonRef::Decimal128(d) => d.to_string(),
        RawBsonRef::MinKey => "MinKey".into(),
        RawBsonRef::MaxKey => "MaxKey".into(),
        RawBsonRef::DbPointer(_) => "DBPointer".into(),
    })
}

fn uuid_text(b: &[u8; 16]) -> String {
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Writes `v` as compact JSON (extended types as their text), stopping once `out` holds
/// `max` bytes, and writing `…` for what is nested deeper than `depth` levels: never more
/// work (or recursion) than the budget.
fn render(v: RawBsonRef<'_>, out: &mut String, max: usize, depth: usize) {
    if out.len() >= max {
        return;
    }
    match v {
        RawBsonRef::Document(d) => {
            if depth == 0 {
                out.push_str("{…}");
                return;
            }
            out.push('{');
            for (n, element) in d.into_iter().enumerate() {
                if out.len() >= max {
                    return;
                }
                let Ok((key, value)) = element else {
                    return;
                };
                if n > 0 {
                    out.push_str(", ");
                }
                push_json_string(out, key.as_str(), max);
                out.push_str(": ");
                render(value, out, max, depth - 1);
            }
            out.push('}');
        }
        RawBsonRef::Array(a) => {
            if depth == 0 {
                out.push_str("[…]");
                return;
            }
            out.push('[');
            for (n, element) in a.into_iter().enumerate() {
                if out.len() >= max {
                    return;
                }
                let Ok(value) = element else {
                    return;
                };
                if n > 0 {
                    out.push_str(", ");
                }
                render(value, out, max, depth - 1);
            }
            out.push(']');
        }
        RawBsonRef::Null | RawBsonRef::Undefined => out.push_str("null"),
        RawBsonRef::Boolean(_)
        | RawBsonRef::Int32(_)
        | RawBsonRef::Int64(_)
        | RawBsonRef::Double(_)
        | RawBsonRef::Decimal128(_) => out.push_str(&value_text(v).unwrap_or_default()),
        other => push_json_string(out, &value_text(other).unwrap_or_default(), max),
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;
    use std::time::Instant;

    use mongodb::bson::oid::ObjectId;
    use mongodb::bson::{Binary, DateTime, JavaScriptCodeWithScope, RawDocumentBuf, Regex};

    use super::*;
    use crate::connectors::flatten::{MAX_DEPTH, MAX_KEY_CHARS, MAX_PATHS};
    use crate::connectors::{ColumnSchema, ConnectorRegistry, source_kind};
    use crate::domain::{ClassificationType, SourceKind};

    /// The script that installs and starts the test server (nx-27017, a MongoDB
    /// wire-protocol server on SQLite); CI sources it before the tests.
    fn script() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/mongo.sh")
    }

    /// Runs the script: the URI of the server it keeps in `state` (the shared one when
    /// `None`), started if it was not running.
    fn start_server(state: Option<&Path>) -> String {
        let mut cmd = std::process::Command::new("bash");
        cmd.arg(script()).env_remove("PURSIGHT_MONGO_STATE");
        if let Some(s) = state {
            cmd.env("PURSIGHT_MONGO_STATE", s);
        }
        let out = cmd.output().expect("run .ci/mongo.sh");
        assert!(
            out.status.success(),
            ".ci/mongo.sh failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .expect("the script prints the server's URI")
            .trim()
            .to_string()
    }

    /// The test server: `PURSIGHT_TEST_MONGO_URI` when CI started it, else started here the
    /// same way, so that `cargo test` on a fresh machine runs these tests for real.
    fn server() -> String {
        static URI: OnceLock<String> = OnceLock::new();
        URI.get_or_init(|| {
            std::env::var("PURSIGHT_TEST_MONGO_URI")
                .ok()
                .filter(|u| !u.trim().is_empty())
                .map(|u| u.trim().trim_end_matches('/').to_string())
                .unwrap_or_else(|| start_server(None))
        })
        .clone()
    }

    /// A uniquely named database on a test server, filled with `collections`.
    struct TestDb {
        name: String,
        server: String,
        client: Client,
    }

    impl TestDb {
        async fn create(server: String, collections: Vec<(&str, Vec<Document>)>) -> Self {
            let name = format!(
                "pursight_t_{}_{:08x}",
                std::process::id(),
                rand::random::<u32>()
            );
            let client = Client::with_uri_str(&server)
                .await
                .expect("client for the test server");
            let db = client.database(&name);
            for (coll, docs) in collections {
                if docs.is_empty() {
                    db.create_collection(coll).await.expect("create collection");
                    continue;
                }
                for chunk in docs.chunks(1000) {
                    db.collection::<Document>(coll)
                        .insert_many(chunk.to_vec())
                        .await
                        .expect("insert");
                }
            }
            Self {
                name,
                server,
                client,
            }
        }

        fn uri(&self, query: &str) -> String {
            format!("{}/{}{query}", self.server, self.name)
        }

        async fn drop_db(self) {
            let _ = self.client.database(&self.name).drop().await;
        }
    }

    async fn connect(uri: &str) -> Box<dyn Connector> {
        ConnectorRegistry::default()
            .connect("mongo", uri)
            .await
            .expect("connect")
    }

    fn raw(d: Document) -> RawDocumentBuf {
        RawDocumentBuf::try_from(&d).expect("raw document")
    }

    /// Columns and the single row of values inferred from `docs`.
    fn infer(docs: &[Document]) -> (Vec<ColumnSchema>, Vec<Vec<Option<String>>>) {
        let mut schema = Flattener::new(BSON_TYPES);
        let rows: Vec<_> = docs
            .iter()
            .map(|d| observe(&mut schema, &raw(d.clone())).expect("observe"))
            .collect();
        let order = schema.order();
        let positions = schema.positions(&order);
        let rows = rows
            .into_iter()
            .map(|r| flatten::dense(r, &positions, order.len()))
            .collect();
        (schema.columns(&order), rows)
    }

    fn column<'a>(cols: &'a [ColumnSchema], name: &str) -> &'a ColumnSchema {
        cols.iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no column {name} in {cols:?}"))
    }

    fn person(i: i32) -> Document {
        let age = if i % 2 == 0 {
            Bson::Int32(20 + i)
        } else {
            Bson::String(format!("{i} years"))
        };
        let mut d = doc! {
            "name": format!("Person {i}"),
            "email": format!("user{i}@example.com"),
            "age": age,
            "address": { "city": "Paris", "geo": { "lat": 48.85, "lng": 2.35 } },
            "emails": [format!("p{i}@example.org"), format!("q{i}@example.org")],
            "items": [{ "sku": format!("S{i}"), "qty": i }, { "sku": "T", "note": "second" }],
            "always_null": Bson::Null,
            "born": DateTime::from_millis(642_902_400_000 + i64::from(i) * 86_400_000),
            "photo": Binary { subtype: BinarySubtype::Generic, bytes: vec![0x00, 0xff, b'a'] },
            "ville_ünï": "東京 🚀",
            "matrix": [[1, 2], [3]],
            "active": i % 2 == 0,
            "score": f64::from(i) * 1.5,
        };
        if i % 3 != 0 {
            d.insert("tags", vec!["red", "green"]);
        }
        match i % 3 {
            0 => {
                d.insert("nickname", Bson::Null);
            }
            1 => {}
            _ => {
                d.insert("nickname", "nick");
            }
        }
        if i == 0 {
            d.insert("notes", "é".repeat(1_000_000));
        }
        d
    }

    fn order(i: i32) -> Document {
        let mut d = doc! { "qty": i % 7, "email": format!("buyer{i}@example.com") };
        if i % 2 == 0 {
            d.insert("half", "x");
        }
        if i == 1234 {
            d.insert("rare", "only here");
        }
        d
    }

    #[test]
    fn paths_types_and_nullability_are_inferred_from_documents() {
        let docs: Vec<Document> = (0..6).map(person).collect();
        let (cols, rows) = infer(&docs);
        let t = |n: &str| column(&cols, n).data_type.clone();
        let nullable = |n: &str| column(&cols, n).nullable;
        assert_eq!(t("name"), "string");
        assert_eq!(t("age"), "int32|string");
        assert_eq!(t("address.geo.lat"), "double");
        assert_eq!(t("tags[]"), "array<string>");
        assert_eq!(t("emails[]"), "array<string>");
        assert_eq!(t("items[].sku"), "array<string>");
        assert_eq!(t("items[].qty"), "array<int32>");
        assert_eq!(t("matrix[][]"), "array<int32>");
        assert_eq!(t("born"), "date");
        assert_eq!(t("photo"), "binary");
        assert_eq!(t("active"), "bool");
        assert_eq!(t("always_null"), "null");
        assert_eq!(t("nickname"), "string");
        assert!(!nullable("name") && !nullable("age") && !nullable("items[].note"));
        assert!(nullable("tags[]") && nullable("nickname") && nullable("always_null"));
        assert!(nullable("notes"));
        // Each path after its parent, siblings as first seen, later paths after them.
        let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
        let at = |n: &str| names.iter().position(|x| *x == n).expect("column");
        // Objects and arrays are not columns: their values are.
        for container in ["address", "address.geo", "items[]", "matrix[]"] {
            assert!(!names.contains(&container), "{container} in {names:?}");
        }
        assert_eq!(
            &names[at("address.city")..=at("address.geo.lng")],
            ["address.city", "address.geo.lat", "address.geo.lng"]
        );
        assert!(at("name") < at("email") && at("notes") < at("tags[]"));
        // Values: one per document; document `n` gives value `n mod k` of its `k`.
        let v = |r: usize, n: &str| rows[r][at(n)].clone();
        assert_eq!(v(1, "age").as_deref(), Some("1 years"));
        assert_eq!(v(2, "age").as_deref(), Some("22"));
        assert_eq!(v(0, "emails[]").as_deref(), Some("p0@example.org"));
        assert_eq!(v(1, "emails[]").as_deref(), Some("q1@example.org"));
        assert_eq!(v(0, "items[].sku").as_deref(), Some("S0"));
        assert_eq!(v(1, "items[].sku").as_deref(), Some("T"));
        assert_eq!(v(1, "items[].note").as_deref(), Some("second"));
        assert_eq!(v(1, "matrix[][]").as_deref(), Some("2"));
        assert_eq!(v(2, "matrix[][]").as_deref(), Some("3"));
        assert_eq!(v(0, "born").as_deref(), Some("1990-05-17T00:00:00Z"));
        assert_eq!(v(0, "photo").as_deref(), Some("\0\u{fffd}a"));
        assert_eq!(v(0, "score").as_deref(), Some("0"));
        assert_eq!(v(3, "score").as_deref(), Some("4.5"));
        assert_eq!(v(0, "nickname"), None);
        assert_eq!(v(0, "ville_ünï").as_deref(), Some("東京 🚀"));
        assert_eq!(
            v(0, "notes").map(|n| n.chars().count()),
            Some(MAX_VALUE_CHARS)
        );
    }

    #[test]
    fn every_bson_type_has_a_name_and_a_text() {
        let uuid = Binary {
            subtype: BinarySubtype::Uuid,
            bytes: (0u8..16).collect(),
        };
        let rx = Regex {
            pattern: "^a.*".try_into().expect("cstr"),
            options: "i".try_into().expect("cstr"),
        };
        let jsw = JavaScriptCodeWithScope {
            code: "x".into(),
            scope: doc! {},
        };
        let d = doc! {
            "_id": ObjectId::parse_str("65a1b2c3d4e5f60718293a4b").expect("oid"),
            "dec": "12.340".parse::<mongodb::bson::Decimal128>().expect("decimal"),
            "big": 9_007_199_254_740_993_i64,
            "huge": 1e300,
            "tiny": 1.5e-9,
            "nan": f64::NAN,
            "rx": rx,
            "ts": Bson::Timestamp(mongodb::bson::Timestamp { time: 1_700_000_000, increment: 3 }),
            "js": Bson::JavaScriptCode("return 1".into()),
            "jsw": jsw,
            "sym": Bson::Symbol("s".into()),
            "min": Bson::MinKey,
            "max": Bson::MaxKey,
            "undef": Bson::Undefined,
            "uuid": uuid,
            "ancient": DateTime::from_millis(MIN_ISO_MILLIS - 1),
            "future": DateTime::from_millis(MAX_ISO_MILLIS),
            "quote": "say \"hi\"\n",
            "obj": { "q": "a\"b", "n": Bson::Null, "d": DateTime::from_millis(0) },
        };
        let (cols, rows) = infer(&[d]);
        let got: Vec<(&str, &str, Option<&str>)> = cols
            .iter()
            .zip(&rows[0])
            .map(|(c, v)| (c.name.as_str(), c.data_type.as_str(), v.as_deref()))
            .collect();
        let expected: Vec<(&str, &str, Option<&str>)> = vec![
            ("_id", "objectId", Some("65a1b2c3d4e5f60718293a4b")),
            ("dec", "decimal128", Some("12.340")),
            ("big", "int64", Some("9007199254740993")),
            ("huge", "double", Some("1e300")),
            ("tiny", "double", Some("1.5e-9")),
            ("nan", "double", Some("NaN")),
            ("rx", "regex", Some("/^a.*/i")),
            ("ts", "timestamp", Some("2023-11-14T22:13:20Z")),
            ("js", "javascript", Some("return 1")),
            ("jsw", "javascriptWithScope", Some("x")),
            ("sym", "symbol", Some("s")),
            ("min", "minKey", Some("MinKey")),
            ("max", "maxKey", Some("MaxKey")),
            ("undef", "null", None),
            (
                "uuid",
                "binary",
                Some("00010203-0405-0607-0809-0a0b0c0d0e0f"),
            ),
            ("ancient", "date", Some("-62167219200001")),
            ("future", "date", Some("9999-12-31T23:59:59.999Z")),
            ("quote", "string", Some("say \"hi\"\n")),
            ("obj.q", "string", Some("a\"b")),
            ("obj.n", "null", None),
            ("obj.d", "date", Some("1970-01-01T00:00:00Z")),
        ];
        assert_eq!(got, expected);
    }

    #[test]
    fn hostile_documents_stay_bounded() {
        // Endless distinct keys: the schema stops growing at MAX_PATHS.
        let mut wide = Document::new();
        for i in 0..(MAX_PATHS + 200) {
            wide.insert(format!("f{i}"), i as i64);
        }
        let (cols, rows) = infer(&[wide]);
        assert_eq!(cols.len(), MAX_PATHS);
        assert_eq!(rows[0].len(), MAX_PATHS);
        // Deep nesting: walked to MAX_DEPTH, the rest kept whole as the last level's text.
        let mut deep = doc! { "leaf": "x" };
        for _ in 0..40 {
            deep = doc! { "d": deep };
        }
        let (cols, rows) = infer(&[deep]);
        let deepest = cols.last().expect("columns");
        assert_eq!(cols.len(), 1, "the objects above it are not columns");
        assert_eq!(deepest.name.split('.').count(), MAX_DEPTH);
        assert_eq!(deepest.data_type, "object");
        assert!(
            rows[0]
                .last()
                .cloned()
                .flatten()
                .is_some_and(|v| v.contains("{…}"))
        );
        // A long array: types from its first elements only; a giant key is cut.
        let mut long: Vec<Bson> = (0..10_000).map(Bson::Int32).collect();
        long.push(Bson::String("late".into()));
        let key = "k".repeat(10_000);
        let (cols, _) = infer(&[doc! { "long": long, key: 1 }]);
        assert_eq!(column(&cols, "long[]").data_type, "array<int32>");
        assert_eq!(cols[1].name.chars().count(), MAX_KEY_CHARS);
        // A giant object renders to a bounded text.
        let mut big = Document::new();
        for i in 0..5_000 {
            big.insert(format!("field{i}"), "y".repeat(100));
        }
        // At the depth limit, where it is kept whole.
        let mut nested = doc! { "big": big };
        for _ in 0..MAX_DEPTH - 1 {
            nested = doc! { "o": nested };
        }
        let (cols, rows) = infer(&[nested]);
        assert_eq!(cols[0].data_type, "object");
        let text = rows[0][0].clone().expect("object text");
        assert!(text.len() <= MAX_VALUE_CHARS + 200, "{}", text.len());
    }

    #[test]
    fn malformed_bytes_are_an_error_not_a_panic() {
        let good = raw(doc! { "a": "text", "b": { "c": 1 } });
        let mut bytes = good.as_bytes().to_vec();
        // Break the nested document's length prefix, past the outer checks.
        let pos = bytes.iter().position(|b| *b == b'c').expect("key c");
        bytes[pos - 5] = 0x7f;
        let doc = RawDocument::from_bytes(&bytes).expect("the outer frame is intact");
        let err = observe(&mut Flattener::new(BSON_TYPES), doc).expect_err("an error");
        assert!(err.contains("malformed"), "{err}");
    }

    #[test]
    fn views_options_and_server_collections_from_list_collections() {
        let view = raw(doc! {
            "name": "adults",
            "type": "view",
            "options": {
                "viewOn": "people",
                "pipeline": [
                    { "$match": { "age": { "$gte": 18 } } },
                    { "$project": { "email": 1 } }
                ]
            },
            "info": { "readOnly": true }
        });
        let info = collection_info(&view).expect("a view");
        assert!(info.view);
        assert_eq!(
            info.definition.as_deref(),
            Some(
                r#"{"viewOn": "people", "pipeline": [{"$match": {"age": {"$gte": 18}}}, {"$project": {"email": 1}}]}"#
            )
        );
        let capped = raw(doc! {
            "name": "events",
            "type": "collection",
            "options": { "capped": true, "size": 4096 },
            "info": {
                "readOnly": false,
                "uuid": Binary { subtype: BinarySubtype::Uuid, bytes: vec![7; 16] }
            }
        });
        let info = collection_info(&capped).expect("a collection");
        assert!(!info.view && info.definition.is_none());
        assert_eq!(info.options, r#"{"capped": true, "size": 4096}"#);
        assert_eq!(info.uuid, "07070707-0707-0707-0707-070707070707");
        assert!(
            collection_info(&raw(doc! { "name": "system.views", "type": "collection" })).is_none()
        );
        assert!(collection_info(&raw(doc! { "type": "collection" })).is_none());
    }

    #[test]
    fn uris_secrets_and_read_preferences() {
        assert!(matches!(
            source_kind("mongodb://h:27017/db"),
            Ok(SourceKind::Mongodb)
        ));
        let uri = url::Url::parse(
            "mongodb://scan:pa%3Ass@db.example:27017/sales?authSource=admin&max_connections=3\
             &statement_timeout_ms=700&tlsCertificateKeyFilePassword=k3y",
        )
        .expect("uri");
        let p = sql::parse(&uri).expect("parse");
        assert_eq!(p.database.as_deref(), Some("sales"));
        assert_eq!(p.limits.max_connections, 3);
        assert_eq!(p.limits.statement_timeout, Duration::from_millis(700));
        assert!(!p.driver.as_str().contains("max_connections"));
        let shown = redact(&uri);
        assert!(
            !shown.contains("pa%3Ass") && !shown.contains("k3y"),
            "{shown}"
        );
        let secrets = secrets_of(&p.driver);
        assert_eq!(
            scrub("auth failed for pa:ss / pa%3Ass".into(), &secrets),
            "auth failed for *** / ***"
        );
        let kept = read_preference(Some(SelectionCriteria::ReadPreference(
            ReadPreference::Secondary { options: None },
        )));
        assert!(matches!(
            kept,
            SelectionCriteria::ReadPreference(ReadPreference::Secondary { .. })
        ));
        for asked in [
            None,
            Some(SelectionCriteria::ReadPreference(ReadPreference::Primary)),
            Some(SelectionCriteria::ReadPreference(ReadPreference::Nearest {
                options: None,
            })),
        ] {
            assert!(matches!(
                read_preference(asked),
                SelectionCriteria::ReadPreference(ReadPreference::SecondaryPreferred { .. })
            ));
        }
        // Source URIs are URLs: several hosts do not parse as one, so a replica set is
        // named by a seed host and `replicaSet`.
        assert!(crate::connectors::parse_uri("mongodb://a:27017,b:27017/db").is_err());
        assert_eq!(number(&Bson::Int64(7)), Some(7));
        assert_eq!(number(&Bson::Double(-1.0)), None);
    }

    #[tokio::test]
    async fn mongodb_discovers_collections_and_infers_their_columns() {
        let db = TestDb::create(
            server(),
            vec![
                ("people", (0..40).map(person).collect()),
                ("orders", (0..300).map(order).collect()),
                ("empty", Vec::new()),
            ],
        )
        .await;
        let mut c = connect(&db.uri("")).await;
        let tables = c.list_tables().await.expect("list");
        let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["empty", "orders", "people"]);
        let people = &tables[2];
        assert_eq!(people.kind, AssetKind::Collection);
        assert_eq!(
            (people.database.as_str(), people.schema.as_str()),
            (db.name.as_str(), db.name.as_str())
        );
        assert_eq!(people.primary_key, ["_id"]);
        assert_eq!(people.row_estimate, Some(40));
        assert_eq!(tables[1].row_estimate, Some(300));
        assert!(
            people.columns.is_empty(),
            "columns come from reading documents"
        );
        // This server counts no writes: it cannot tell a change, so nothing is skipped.
        assert!(tables.iter().all(|t| t.fingerprint.is_none()));

        let scan = c
            .scan_table(people, SampleSize::Rows(100))
            .await
            .expect("scan");
        assert_eq!(scan.rows_read, 40);
        assert_eq!(scan.row_count, Some(40));
        let cols = &scan.columns;
        assert_eq!(cols[0].name, "_id");
        assert_eq!(cols[0].data_type, "objectId");
        assert!(!cols[0].nullable);
        let t = |n: &str| column(cols, n).data_type.clone();
        assert_eq!(t("age"), "int32|string");
        assert_eq!(t("address.geo.lat"), "double");
        assert_eq!(t("tags[]"), "array<string>");
        assert_eq!(t("items[].qty"), "array<int32>");
        assert_eq!(t("matrix[][]"), "array<int32>");
        assert_eq!(t("born"), "date");
        assert_eq!(t("always_null"), "null");
        assert!(column(cols, "nickname").nullable && column(cols, "tags[]").nullable);
        assert!(!column(cols, "email").nullable && !column(cols, "items[].sku").nullable);
        let idx = |n: &str| cols.iter().position(|c| c.name == n).expect("column");
        let values = |n: &str| {
            scan.values[idx(n)]
                .iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(values("_id").len(), 40);
        assert!(values("_id").iter().all(|v| v.len() == 24));
        // Every element is a whole address, and both positions of the arrays are drawn.
        let emails = values("emails[]");
        assert_eq!(emails.len(), 40);
        assert!(emails.iter().all(|v| v.ends_with("@example.org")));
        assert!(emails.iter().any(|v| v.starts_with('p')));
        assert!(emails.iter().any(|v| v.starts_with('q')));
        assert!(
            values("born")
                .iter()
                .all(|v| v.starts_with("19") && v.ends_with('Z'))
        );
        assert_eq!(values("ville_ünï"), vec!["東京 🚀".to_string(); 40]);
        assert_eq!(values("always_null").len(), 0);
        assert_eq!(values("nickname").len(), 13);
        let notes = values("notes");
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].chars().count(), MAX_VALUE_CHARS);

        let empty = c
            .scan_table(&tables[0], SampleSize::Rows(10))
            .await
            .expect("empty");
        assert_eq!((empty.rows_read, empty.columns.len()), (0, 0));

        // Without a database in the URI: every user database, never the server's own.
        let mut all = connect(&db.server).await;
        let every = all.list_tables().await.expect("list all");
        assert!(
            every
                .iter()
                .any(|t| t.database == db.name && t.name == "people")
        );
        assert!(
            every
                .iter()
                .all(|t| !SYSTEM_DATABASES.contains(&t.database.as_str()))
        );
        db.drop_db().await;
    }

    #[tokio::test]
    async fn mongodb_samples_are_bounded_and_full_scans_profile_every_document() {
        let db = TestDb::create(server(), vec![("orders", (0..3000).map(order).collect())]).await;
        let mut c = connect(&db.uri("?max_connections=1")).await;
        let tables = c.list_tables().await.expect("list");
        let orders = &tables[0];
        assert_eq!(orders.row_estimate, Some(3000));
        let sample = c
            .scan_table(orders, SampleSize::Rows(100))
            .await
            .expect("sample");
        assert_eq!(sample.rows_read, 100);
        assert!(sample.values.iter().all(|v| v.len() == 100));
        assert!(sample.profiles.is_none());
        assert_eq!(sample.row_count, Some(3000));
        let whole = c
            .scan_table(orders, SampleSize::Rows(5000))
            .await
            .expect("small enough to read whole");
        assert_eq!(whole.rows_read, 3000);

        let full = c.scan_table(orders, SampleSize::Full).await.expect("full");
        assert_eq!(full.rows_read, 3000);
        assert_eq!(full.row_count, Some(3000));
        assert!(full.values.iter().all(|v| v.len() == CLASSIFY_ROWS));
        let idx = |n: &str| {
            full.columns
                .iter()
                .position(|c| c.name == n)
                .unwrap_or_else(|| panic!("column {n} in {:?}", full.columns))
        };
        // Present in one document of 3000: found whether or not the schema sample had it.
        let rare = &full.columns[idx("rare")];
        assert!(rare.nullable);
        assert!(!full.columns[idx("qty")].nullable && full.columns[idx("half")].nullable);
        let profiles = full.profiles.expect("full scans profile every document");
        assert_eq!(profiles.len(), full.columns.len());
        let p = |n: &str| &profiles[idx(n)];
        assert_eq!(p("qty").rows_sampled, 3000);
        assert_eq!(p("qty").distinct_estimate, 7);
        assert_eq!(p("qty").min.as_deref(), Some("0"));
        assert_eq!(p("qty").max.as_deref(), Some("6"));
        assert_eq!(p("email").distinct_estimate, 3000);
        assert_eq!(p("_id").distinct_estimate, 3000);
        assert_eq!(p("half").null_ratio, 0.5);
        assert_eq!(p("rare").rows_sampled, 3000);
        assert_eq!(p("rare").distinct_estimate, 1);
        assert!(p("rare").null_ratio > 0.999);
        assert!(p("email").exact);

        // A stale estimate makes the schema sample the first documents in natural order,
        // which lack `rare`: the second pass must still find and profile it.
        let mut stale = orders.clone();
        stale.row_estimate = Some(1);
        let again = c.scan_table(&stale, SampleSize::Full).await.expect("full");
        let at = again
            .columns
            .iter()
            .position(|c| c.name == "rare")
            .expect("rare found by the second pass");
        let profiles = again.profiles.expect("profiles");
        assert_eq!(profiles[at].rows_sampled, 3000);
        assert_eq!(profiles[at].distinct_estimate, 1);
        assert_eq!(again.rows_read, 3000);
        db.drop_db().await;
    }

    /// The same customers as JSON lines, for a `.jsonl` file and for a collection: single
    /// e-mails, arrays of e-mails, an array of objects, a field some documents lack.
    fn customers() -> Vec<String> {
        (0..30)
            .map(|i| {
                let address = if i % 5 == 0 {
                    String::new()
                } else {
                    format!(r#""address": {{"city": "Lyon", "zip": "6900{}"}}, "#, i % 10)
                };
                format!(
                    r#"{{"_id": "c{i:03}", "name": "Customer {i}", "email": "user{i}@example.com", "emails": ["a{i}@example.com", "b{i}@example.org"], {address}"contacts": [{{"kind": "phone", "value": "+33 6 12 34 {i:02} 78"}}, {{"kind": "mail", "value": "c{i}@example.net"}}], "age": {}, "note": null}}"#,
                    20 + i
                )
            })
            .collect()
    }

    /// The `.jsonl` file of `lines`, read by the files connector.
    async fn scan_json_lines(lines: &[String]) -> TableScan {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("customers.jsonl"), lines.join("\n")).expect("write");
        let mut c = connect_to(&format!("file://{}", dir.path().display())).await;
        let tables = c.list_tables().await.expect("list files");
        c.scan_table(&tables[0], SampleSize::Rows(100))
            .await
            .expect("scan file")
    }

    async fn connect_to(uri: &str) -> Box<dyn Connector> {
        ConnectorRegistry::default()
            .connect("src", uri)
            .await
            .expect("connect")
    }

    /// Asserts that the file's scan and the collection's (`columns`, `values`) have the same
    /// columns, values and classifications; the types differ only in their names.
    fn assert_read_alike(
        file: &TableScan,
        columns: &[ColumnSchema],
        values: &[Vec<Option<String>>],
    ) {
        let shape = |cols: &[ColumnSchema]| -> Vec<(String, bool)> {
            cols.iter().map(|c| (c.name.clone(), c.nullable)).collect()
        };
        assert_eq!(shape(&file.columns), shape(columns));
        assert_eq!(file.values, values);
        let t = |cols: &[ColumnSchema], n: &str| column(cols, n).data_type.clone();
        for n in ["emails[]", "contacts[].value"] {
            assert_eq!(t(&file.columns, n), "array<string>");
            assert_eq!(t(columns, n), "array<string>");
        }
        assert_eq!(
            (t(&file.columns, "age"), t(columns, "age")),
            ("integer".into(), "int32".into())
        );

        let classifier = crate::classify::Classifier::new().expect("classifier");
        let classify = |cols: &[ColumnSchema], values: &[Vec<Option<String>>]| {
            let samples: Vec<crate::classify::ColumnSample<'_>> = cols
                .iter()
                .zip(values)
                .map(|(c, v)| crate::classify::ColumnSample {
                    name: &c.name,
                    data_type: &c.data_type,
                    values: v,
                })
                .collect();
            classifier
                .classify_table("customers", &samples)
                .into_iter()
                .zip(cols)
                .map(|(found, c)| {
                    (
                        c.name.clone(),
                        found.iter().map(|f| f.type_id).collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let from_file = classify(&file.columns, &file.values);
        assert_eq!(from_file, classify(columns, values));
        // A column of e-mail arrays classifies as a column of single e-mails.
        let of = |n: &str| {
            from_file
                .iter()
                .find(|(c, _)| c == n)
                .map(|(_, t)| t.clone())
        };
        assert_eq!(of("email"), Some(vec![ClassificationType::EmailAddress]));
        assert_eq!(of("emails[]"), of("email"));
    }

    #[tokio::test]
    async fn json_lines_and_converted_bson_flatten_alike() {
        let lines = customers();
        let file = scan_json_lines(&lines).await;
        // No server: the documents converted the way a scan converts them.
        let docs: Vec<Document> = lines
            .iter()
            .map(|l| serde_json::from_str(l).expect("a BSON document"))
            .collect();
        let (columns, rows) = infer(&docs);
        let mut values = vec![Vec::new(); columns.len()];
        for row in rows {
            for (c, v) in values.iter_mut().zip(row) {
                c.push(v);
            }
        }
        assert_read_alike(&file, &columns, &values);
    }

    #[tokio::test]
    async fn mongodb_and_json_lines_give_the_same_columns_and_classifications() {
        let lines = customers();
        let docs: Vec<Document> = lines
            .iter()
            .map(|l| serde_json::from_str(l).expect("a BSON document"))
            .collect();
        let db = TestDb::create(server(), vec![("customers", docs)]).await;
        let mut c = connect(&db.uri("")).await;
        let tables = c.list_tables().await.expect("list");
        // Fewer documents than asked for: read whole, in insertion order, as the file is.
        let scan = c
            .scan_table(&tables[0], SampleSize::Rows(100))
            .await
            .expect("scan");
        db.drop_db().await;
        let file = scan_json_lines(&lines).await;
        assert_eq!((file.rows_read, scan.rows_read), (30, 30));
        assert_read_alike(&file, &scan.columns, &scan.values);
    }

    /// A server of this test's own, ended (by its process id) when the guard goes.
    struct PrivateServer {
        state: tempfile::TempDir,
        uri: String,
    }

    impl PrivateServer {
        fn start() -> Self {
            let state = tempfile::tempdir().expect("state dir");
            let uri = start_server(Some(state.path()));
            Self { state, uri }
        }

        fn kill(&self) {
            if let Ok(pid) = std::fs::read_to_string(self.state.path().join("nx.pid")) {
                // Already gone when the test killed it itself.
                let _ = std::process::Command::new("kill")
                    .args(["-9", pid.trim()])
                    .stderr(std::process::Stdio::null())
                    .status();
            }
        }
    }

    impl Drop for PrivateServer {
        fn drop(&mut self) {
            self.kill();
        }
    }

    #[tokio::test]
    async fn mongodb_bad_targets_and_a_dropped_server_are_clear_errors() {
        let reg = ConnectorRegistry::default();
        let err = |r: Result<Box<dyn Connector>, ConnectorError>| r.err().expect("an error");
        let started = Instant::now();
        let e = err(reg
            .connect("m", "mongodb://127.0.0.1:1/?connect_timeout_ms=1500")
            .await);
        assert!(matches!(e, ConnectorError::Connect { .. }), "{e}");
        assert!(e.to_string().contains("127.0.0.1:1"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(10));

        let hostport = server().trim_start_matches("mongodb://").to_string();
        let e = err(reg
            .connect(
                "m",
                &format!(
                    "mongodb://pursight:Sup3rSecret@{hostport}/?authSource=admin\
                     &connect_timeout_ms=3000"
                ),
            )
            .await);
        assert!(matches!(e, ConnectorError::Connect { .. }), "{e}");
        assert!(!e.to_string().contains("Sup3rSecret"), "{e}");

        let e = err(reg
            .connect("m", &format!("{}/no_such_db_pursight", server()))
            .await);
        assert!(e.to_string().contains("no_such_db_pursight"), "{e}");
        let e = err(reg
            .connect("m", &format!("{}/?readPreference=sometimes", server()))
            .await);
        assert!(matches!(e, ConnectorError::InvalidUri { .. }), "{e}");
        let e = err(reg
            .connect(
                "m",
                &format!("{}/?password_env=PURSIGHT_NO_SUCH_VAR_9C1", server()),
            )
            .await);
        assert!(e.to_string().contains("PURSIGHT_NO_SUCH_VAR_9C1"), "{e}");

        // A server that goes away between listing and reading, and one that dies mid-scan.
        let private = PrivateServer::start();
        let docs: Vec<Document> = (0..20_000)
            .map(|i| doc! { "i": i, "pad": "p".repeat(200) })
            .collect();
        let db = TestDb::create(private.uri.clone(), vec![("big", docs)]).await;
        let mut c = connect(&db.uri("?connect_timeout_ms=1500&statement_timeout_ms=3000")).await;
        let tables = c.list_tables().await.expect("list");
        let killer = {
            let pid = std::fs::read_to_string(private.state.path().join("nx.pid")).expect("pid");
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                let _ = std::process::Command::new("kill")
                    .args(["-9", pid.trim()])
                    .status();
            })
        };
        let started = Instant::now();
        let mid = c.scan_table(&tables[0], SampleSize::Full).await;
        killer.await.expect("killer");
        assert!(
            matches!(mid, Err(ConnectorError::Read { .. })),
            "a scan across the server's death: {:?}",
            mid.map(|s| s.rows_read)
        );
        let after = c.scan_table(&tables[0], SampleSize::Rows(10)).await;
        let e = after.expect_err("the server is gone");
        assert!(matches!(e, ConnectorError::Read { .. }), "{e}");
        assert!(e.to_string().contains("big"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(30));
    }
}
