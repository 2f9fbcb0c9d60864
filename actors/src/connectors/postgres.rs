//! PostgreSQL through sqlx: catalog discovery in three queries (however many tables),
//! read-only sessions with a statement timeout, a bounded pool, and row-level random
//! sampling (`TABLESAMPLE BERNOULLI`) of large tables.

use std::collections::HashMap;

use futures::TryStreamExt;
use futures::future::BoxFuture;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{AssertSqlSafe, ConnectOptions, Executor, PgPool, Row, ValueRef};

use super::sample::TableSampler;
use super::sql::{self, SourceUri, literal_pg, quote_pg, redact};
use super::{
    CLASSIFY_ROWS, ColumnSchema, Connector, ConnectorError, ConnectorFactory, TableRef, TableScan,
    fingerprint, text_of,
};
use crate::domain::{AssetKind, ForeignKey, SampleSize};

/// PostgreSQL's sampling: row-level `BERNOULLI` (uniform, unlike block-level `SYSTEM`).
const POSTGRES: sql::Dialect = sql::Dialect {
    quote: quote_pg,
    sample_clause: |f| format!(" TABLESAMPLE BERNOULLI ({:.6})", f * 100.0),
    random: "random",
};

/// How much longer than one sampling statement a full scan of one table may run.
const FULL_SCAN_TIMEOUT_FACTOR: u32 = 20;

/// Opens `postgres://user@host:port/database?sslmode=...`.
pub struct PostgresFactory;

impl ConnectorFactory for PostgresFactory {
    fn connect<'a>(
        &'a self,
        _source_id: &'a str,
        uri: &'a url::Url,
    ) -> BoxFuture<'a, Result<Box<dyn Connector>, ConnectorError>> {
        Box::pin(async move {
            let SourceUri { driver, limits, .. } = sql::parse(uri)?;
            let what = redact(uri);
            let connect_err = |e: sqlx::Error| ConnectorError::Connect {
                what: what.clone(),
                reason: e.to_string(),
            };
            let timeout_ms = limits.statement_timeout.as_millis().to_string();
            let options = PgConnectOptions::from_url(&driver)
                .map_err(connect_err)?
                .application_name("pursight")
                // Every session is read-only and bounded, whatever the user's role allows.
                .options([
                    ("default_transaction_read_only", "on"),
                    ("statement_timeout", timeout_ms.as_str()),
                    ("idle_in_transaction_session_timeout", "60000"),
                ])
                .disable_statement_logging();
            let pool = PgPoolOptions::new()
                .max_connections(limits.max_connections)
                .acquire_timeout(limits.connect_timeout)
                .connect_with(options)
                .await
                .map_err(connect_err)?;
            let database: String = sqlx::query_scalar("SELECT current_database()")
                .fetch_one(&pool)
                .await
                .map_err(connect_err)?;
            let encoding: String = sqlx::query_scalar("SHOW server_encoding")
                .fetch_one(&pool)
                .await
                .map_err(connect_err)?;
            // Write counters are what fingerprints rest on: a standby does not count the
            // writes it replays, and `track_counts = off` counts nothing. Then every table
            // is scanned every time rather than skipped on a stale fingerprint.
            let (in_recovery, track_counts): (bool, String) =
                sqlx::query_as("SELECT pg_is_in_recovery(), current_setting('track_counts')")
                    .fetch_one(&pool)
                    .await
                    .map_err(connect_err)?;
            Ok(Box::new(PostgresConnector {
                pool,
                database,
                // A SQL_ASCII database stores bytes unchecked: asking for UTF-8 would make
                // the server refuse to send any invalid sequence, so take the bytes as they
                // are and decode them lossily here.
                raw_bytes: encoding.eq_ignore_ascii_case("SQL_ASCII"),
                counters_trusted: !in_recovery && track_counts == "on",
                full_timeout: limits.statement_timeout * FULL_SCAN_TIMEOUT_FACTOR,
            }) as Box<dyn Connector>)
        })
    }
}

struct PostgresConnector {
    pool: PgPool,
    database: String,
    raw_bytes: bool,
    counters_trusted: bool,
    full_timeout: std::time::Duration,
}

fn discover_err(e: sqlx::Error) -> ConnectorError {
    ConnectorError::Discover(e.to_string())
}

const TABLES_SQL: &str = r#"
SELECT c.oid::int8, n.nspname::text, c.relname::text, c.relkind::text,
       c.reltuples::float8, obj_description(c.oid, 'pg_class'),
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END,
       (coalesce(s.n_tup_ins, 0) + coalesce(s.n_tup_upd, 0) + coalesce(s.n_tup_del, 0))::int8,
       coalesce(s.n_live_tup, 0)::int8,
       c.relfilenode::int8,
       CASE WHEN c.relkind = 'p' THEN
         (SELECT sum(pc.reltuples) FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhrelid
          WHERE i.inhparent = c.oid AND pc.reltuples > 0)::float8 END
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
ORDER BY n.nspname, c.relname"#;

const COLUMNS_SQL: &str = r#"
SELECT a.attrelid::int8, a.attname::text, format_type(a.atttypid, a.atttypmod),
       a.attnotnull, pg_get_expr(d.adbin, d.adrelid), col_description(a.attrelid, a.attnum)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
ORDER BY a.attrelid, a.attnum"#;

const KEYS_SQL: &str = r#"
SELECT con.conrelid::int8, con.contype::text, con.conname::text,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
             ORDER BY k.ord),
       fn.nspname::text, fc.relname::text,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num
             ORDER BY k.ord)
FROM pg_constraint con
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'f')
ORDER BY con.conrelid, con.conname"#;

impl Connector for PostgresConnector {
    fn list_tables(&mut self) -> BoxFuture<'_, Result<Vec<TableRef>, ConnectorError>> {
        Box::pin(async move {
            let tables = sqlx::query(TABLES_SQL)
                .fetch_all(&self.pool)
                .await
                .map_err(discover_err)?;
            let mut columns: HashMap<i64, Vec<ColumnSchema>> = HashMap::new();
            for r in sqlx::query(COLUMNS_SQL)
                .fetch_all(&self.pool)
                .await
                .map_err(discover_err)?
            {
                let oid: i64 = r.try_get(0).map_err(discover_err)?;
                let not_null: bool = r.try_get(3).map_err(discover_err)?;
                columns.entry(oid).or_default().push(ColumnSchema {
                    name: r.try_get(1).map_err(discover_err)?,
                    data_type: r.try_get(2).map_err(discover_err)?,
                    nullable: !not_null,
                    default: r.try_get(4).map_err(discover_err)?,
                    comment: r.try_get(5).map_err(discover_err)?,
                });
            }
            let mut pks: HashMap<i64, Vec<String>> = HashMap::new();
            let mut fks: HashMap<i64, Vec<ForeignKey>> = HashMap::new();
            for r in sqlx::query(KEYS_SQL)
                .fetch_all(&self.pool)
                .await
                .map_err(discover_err)?
            {
                let oid: i64 = r.try_get(0).map_err(discover_err)?;
                let kind: String = r.try_get(1).map_err(discover_err)?;
                let cols: Vec<String> = r.try_get(3).map_err(discover_err)?;
                if kind == "p" {
                    pks.insert(oid, cols);
                } else {
                    fks.entry(oid).or_default().push(ForeignKey {
                        name: r.try_get(2).map_err(discover_err)?,
                        columns: cols,
                        references_schema: r
                            .try_get::<Option<String>, _>(4)
                            .map_err(discover_err)?
                            .unwrap_or_default(),
                        references_table: r
                            .try_get::<Option<String>, _>(5)
                            .map_err(discover_err)?
                            .unwrap_or_default(),
                        references_columns: r.try_get(6).map_err(discover_err)?,
                    });
                }
            }
            tables
                .iter()
                .map(|r| self.table_ref(r, &mut columns, &mut pks, &mut fks))
                .collect()
        })
    }

    fn scan_table<'a>(
        &'a mut self,
        table: &'a TableRef,
        size: SampleSize,
    ) -> BoxFuture<'a, Result<TableScan, ConnectorError>> {
        Box::pin(async move {
            let read_err = sql::read_error(table);
            let samplable = matches!(table.kind, AssetKind::Table | AssetKind::MaterializedView);
            let query = sql::read_query(table, size, samplable, &POSTGRES);
            let mut tx = self.pool.begin().await.map_err(read_err)?;
            if self.raw_bytes {
                tx.execute("SET LOCAL client_encoding = 'SQL_ASCII'")
                    .await
                    .map_err(read_err)?;
            }
            if size == SampleSize::Full {
                let ms = self.full_timeout.as_millis();
                tx.execute(sqlx::raw_sql(AssertSqlSafe(format!(
                    "SET LOCAL statement_timeout = {}",
                    literal_pg(&format!("{ms}ms"))
                ))))
                .await
                .map_err(read_err)?;
            }
            let mut sampler = TableSampler::new(table.columns.clone(), size, CLASSIFY_ROWS);
            {
                // The simple-query protocol returns every value as text, whatever its type.
                let mut rows = sqlx::raw_sql(AssertSqlSafe(query)).fetch(&mut *tx);
                while let Some(row) = rows.try_next().await.map_err(read_err)? {
                    sampler.push(row_text(&row));
                }
            }
            tx.rollback().await.map_err(read_err)?;
            Ok(sampler.finish(table.row_estimate))
        })
    }
}

impl PostgresConnector {
    fn table_ref(
        &self,
        r: &PgRow,
        columns: &mut HashMap<i64, Vec<ColumnSchema>>,
        pks: &mut HashMap<i64, Vec<String>>,
        fks: &mut HashMap<i64, Vec<ForeignKey>>,
    ) -> Result<TableRef, ConnectorError> {
        let oid: i64 = r.try_get(0).map_err(discover_err)?;
        let schema: String = r.try_get(1).map_err(discover_err)?;
        let name: String = r.try_get(2).map_err(discover_err)?;
        let relkind: String = r.try_get(3).map_err(discover_err)?;
        let reltuples: f64 = r.try_get(4).map_err(discover_err)?;
        let changes: i64 = r.try_get(7).map_err(discover_err)?;
        let live: i64 = r.try_get(8).map_err(discover_err)?;
        let filenode: i64 = r.try_get(9).map_err(discover_err)?;
        let kind = match relkind.as_str() {
            "v" => AssetKind::View,
            "m" => AssetKind::MaterializedView,
            _ => AssetKind::Table,
        };
        let mut t = TableRef::new(
            self.database.clone(),
            schema.clone(),
            name.clone(),
            kind,
            format!("{}.{}", quote_pg(&schema), quote_pg(&name)),
        );
        t.columns = columns.remove(&oid).unwrap_or_default();
        t.primary_key = pks.remove(&oid).unwrap_or_default();
        t.foreign_keys = fks.remove(&oid).unwrap_or_default();
        t.comment = r.try_get(5).map_err(discover_err)?;
        t.definition = r.try_get(6).map_err(discover_err)?;
        let partitions: Option<f64> = r.try_get(10).map_err(discover_err)?;
        // -1: never vacuumed or analysed (PostgreSQL 14+); fall back to the live-tuple count.
        // A partitioned table holds no rows itself: its partitions' estimates add up.
        t.row_estimate = if let Some(p) = partitions {
            Some(p.round() as u64)
        } else if reltuples >= 0.0 {
            Some(reltuples.round() as u64)
        } else {
            u64::try_from(live).ok().filter(|n| *n > 0)
        };
        let schema_sig: String = t
            .columns
            .iter()
            .map(|c| format!("{}:{}:{}", c.name, c.data_type, c.nullable))
            .collect::<Vec<_>>()
            .join(",");
        // Write counters and the storage file change with every insert, update, delete,
        // truncate or rewrite. Views, partitioned tables (writes are counted on their
        // partitions) and foreign tables (their data is remote) have none, so they are
        // always read.
        let counted = matches!(relkind.as_str(), "r" | "m");
        t.fingerprint = (counted && self.counters_trusted).then(|| {
            fingerprint(&[
                &relkind,
                &schema_sig,
                &changes.to_string(),
                &live.to_string(),
                &filenode.to_string(),
            ])
        });
        Ok(t)
    }
}

/// The text of every value of a row read with the simple-query protocol.
fn row_text(row: &PgRow) -> Vec<Option<String>> {
    (0..row.len())
        .map(|i| {
            let raw = row.try_get_raw(i).ok()?;
            if raw.is_null() {
                return None;
            }
            Some(raw.as_bytes().map(text_of).unwrap_or_default())
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::connectors::ConnectorRegistry;

    const SERVER: &str = "postgres://postgres@127.0.0.1:5432";

    /// A fresh database on the local server, dropped when the guard goes.
    pub(crate) struct TestDb {
        pub name: String,
    }

    impl TestDb {
        pub(crate) async fn create(encoding: &str, setup: &str) -> Self {
            let name = format!(
                "pursight_t_{}_{:08x}",
                std::process::id(),
                rand::random::<u32>()
            );
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .connect(&format!("{SERVER}/postgres"))
                .await
                .expect("the test PostgreSQL server on 127.0.0.1:5432");
            sqlx::raw_sql(AssertSqlSafe(format!(
                "CREATE DATABASE {name} ENCODING '{encoding}' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
            )))
            .execute(&admin)
            .await
            .expect("create database");
            admin.close().await;
            let db = PgPoolOptions::new()
                .max_connections(1)
                .connect(&format!("{SERVER}/{name}"))
                .await
                .expect("connect");
            sqlx::raw_sql(AssertSqlSafe(setup.to_string()))
                .execute(&db)
                .await
                .expect("setup");
            db.close().await;
            Self { name }
        }

        pub(crate) fn uri(&self) -> String {
            format!("{SERVER}/{}", self.name)
        }

        pub(crate) async fn exec(&self, sql: &str) {
            let db = PgPoolOptions::new()
                .max_connections(1)
                .connect(&self.uri())
                .await
                .expect("connect");
            sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
                .execute(&db)
                .await
                .expect("exec");
            db.close().await;
        }
    }

    impl Drop for TestDb {
        fn drop(&mut self) {
            let _ = std::process::Command::new("psql")
                .args([
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-d",
                    "postgres",
                    "-qc",
                    &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
                ])
                .output();
        }
    }

    pub(crate) const SCHEMA: &str = r#"
        CREATE SCHEMA "Sales Dept";
        CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
        CREATE TABLE customers (
            id serial PRIMARY KEY,
            email text NOT NULL,
            "select" integer DEFAULT 42,
            "naïve ""quoted"" name" varchar(80),
            balance numeric(12,2),
            born date,
            seen_at timestamptz DEFAULT now(),
            tags text[],
            doc jsonb,
            addr inet,
            uid uuid,
            feeling mood,
            photo bytea,
            notes text,
            always_null text
        );
        COMMENT ON TABLE customers IS 'people who buy';
        COMMENT ON COLUMN customers.email IS 'work e-mail';
        CREATE TABLE "Sales Dept"."order lines" (
            customer_id integer REFERENCES customers(id),
            line_no integer,
            amount double precision,
            PRIMARY KEY (customer_id, line_no)
        );
        CREATE TABLE empty_one (x int);
        CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
        CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        INSERT INTO events SELECT g, DATE '2024-01-01' + (g % 300) FROM generate_series(1, 500) g;
        INSERT INTO customers (email, "select", "naïve ""quoted"" name", balance, born, tags, doc, addr, uid, feeling, photo, notes)
        SELECT 'user' || g || '@example.com', g % 7, 'Name ' || g, (g * 1.25)::numeric(12,2),
               DATE '1970-01-01' + g, ARRAY['a', 'b'], jsonb_build_object('k', g),
               '10.0.0.1'::inet, gen_random_uuid(), 'ok', '\x00ff'::bytea,
               CASE WHEN g = 1 THEN repeat('x', 1000000) ELSE NULL END
        FROM generate_series(1, 3000) g;
        INSERT INTO "Sales Dept"."order lines" SELECT g, 1, g * 0.5 FROM generate_series(1, 3000) g;
        CREATE VIEW big_spenders AS SELECT email FROM customers WHERE balance > 100;
        CREATE MATERIALIZED VIEW emails AS SELECT email FROM customers;
        CREATE FUNCTION slow_one() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM pg_sleep(3)';
        CREATE VIEW slow AS SELECT slow_one() AS x;
        ANALYZE;
    "#;

    async fn connect(uri: &str) -> Box<dyn Connector> {
        ConnectorRegistry::default()
            .connect("pg", uri)
            .await
            .expect("connect")
    }

    #[tokio::test]
    async fn discovers_types_keys_views_comments_and_odd_names() {
        let db = TestDb::create("UTF8", SCHEMA).await;
        let mut c = connect(&db.uri()).await;
        let tables = c.list_tables().await.expect("list");
        let names: Vec<String> = tables
            .iter()
            .map(|t| format!("{}.{}", t.schema, t.name))
            .collect();
        assert_eq!(
            names,
            [
                "Sales Dept.order lines",
                "public.big_spenders",
                "public.customers",
                "public.emails",
                "public.empty_one",
                "public.events",
                "public.slow"
            ]
        );
        let customers = &tables[2];
        assert_eq!(customers.database, db.name);
        assert_eq!(customers.comment.as_deref(), Some("people who buy"));
        assert_eq!(customers.primary_key, ["id"]);
        assert_eq!(customers.row_estimate, Some(3000));
        assert!(customers.fingerprint.is_some());
        let col = |n: &str| {
            customers
                .columns
                .iter()
                .find(|c| c.name == n)
                .unwrap_or_else(|| panic!("column {n}"))
        };
        assert_eq!(col("id").data_type, "integer");
        assert!(
            col("id")
                .default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval"))
        );
        assert!(!col("email").nullable);
        assert_eq!(col("email").comment.as_deref(), Some("work e-mail"));
        assert_eq!(col("select").default.as_deref(), Some("42"));
        assert_eq!(
            col("naïve \"quoted\" name").data_type,
            "character varying(80)"
        );
        assert_eq!(col("balance").data_type, "numeric(12,2)");
        assert_eq!(col("seen_at").data_type, "timestamp with time zone");
        assert_eq!(col("tags").data_type, "text[]");
        assert_eq!(col("feeling").data_type, "mood");
        assert_eq!(customers.columns.len(), 15);
        let lines = &tables[0];
        assert_eq!(lines.primary_key, ["customer_id", "line_no"]);
        assert_eq!(lines.foreign_keys.len(), 1);
        assert_eq!(lines.foreign_keys[0].references_table, "customers");
        assert_eq!(lines.foreign_keys[0].references_columns, ["id"]);
        let view = &tables[1];
        assert_eq!(view.kind, AssetKind::View);
        assert!(
            view.definition
                .as_deref()
                .is_some_and(|d| d.contains("balance > "))
        );
        assert!(view.fingerprint.is_none(), "a view's data lives elsewhere");
        assert_eq!(tables[3].kind, AssetKind::MaterializedView);
        // A partitioned table: its partitions' rows, no fingerprint (it is always read).
        let events = &tables[5];
        assert_eq!(events.row_estimate, Some(500));
        assert!(events.fingerprint.is_none());
    }

    #[tokio::test]
    async fn samples_profiles_and_full_scans_match_sql() {
        let db = TestDb::create("UTF8", SCHEMA).await;
        let mut c = connect(&db.uri()).await;
        let tables = c.list_tables().await.expect("list");
        let customers = tables
            .iter()
            .find(|t| t.name == "customers")
            .expect("customers");
        let scan = c
            .scan_table(customers, SampleSize::Rows(1000))
            .await
            .expect("sample");
        let idx = |n: &str| scan.columns.iter().position(|c| c.name == n).expect("col");
        // BERNOULLI returns about 1.5x the ask; the reservoir keeps a uniform sample of it.
        let got = scan.values[0].len();
        assert!((500..=1000).contains(&got), "sampled {got} rows");
        assert!(
            scan.values[idx("email")]
                .iter()
                .flatten()
                .all(|e| e.ends_with("@example.com"))
        );
        assert!(scan.values[idx("always_null")].iter().all(Option::is_none));
        // Binary comes as text, huge values are bounded.
        assert!(
            scan.values[idx("photo")]
                .iter()
                .flatten()
                .all(|p| p == "\\x00ff")
        );
        let full = c
            .scan_table(customers, SampleSize::Full)
            .await
            .expect("full");
        assert_eq!(full.rows_read, 3000);
        assert_eq!(full.row_count, Some(3000));
        let notes = full.values[idx("notes")].iter().flatten().next();
        if let Some(n) = notes {
            assert_eq!(n.chars().count(), crate::connectors::MAX_VALUE_CHARS);
        }
        let profiles = full.profiles.expect("full profiles");
        let p = |n: &str| &profiles[idx(n)];
        // The same figures computed by SQL on the server.
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect(&db.uri())
            .await
            .expect("connect");
        let row = sqlx::query(
            r#"SELECT count(DISTINCT "select"), count(DISTINCT email), min(balance)::text,
                      max(balance)::text, min(born)::text, max(born)::text,
                      avg((notes IS NULL)::int)::float8, avg((always_null IS NULL)::int)::float8,
                      count(DISTINCT "naïve ""quoted"" name")
               FROM customers"#,
        )
        .fetch_one(&pool)
        .await
        .expect("exact figures");
        let int = |i: usize| row.try_get::<i64, _>(i).expect("count") as u64;
        let text = |i: usize| row.try_get::<String, _>(i).expect("text");
        let real = |i: usize| row.try_get::<f64, _>(i).expect("ratio");
        assert_eq!(p("select").distinct_estimate, int(0));
        assert_eq!(p("email").distinct_estimate, int(1));
        assert_eq!(p("balance").min.as_deref(), Some(text(2).as_str()));
        assert_eq!(p("balance").max.as_deref(), Some(text(3).as_str()));
        assert_eq!(p("born").min.as_deref(), Some(text(4).as_str()));
        assert_eq!(p("born").max.as_deref(), Some(text(5).as_str()));
        assert!((p("notes").null_ratio - real(6)).abs() < 1e-3);
        assert!((p("always_null").null_ratio - real(7)).abs() < 1e-9);
        assert_eq!(p("naïve \"quoted\" name").distinct_estimate, int(8));
        pool.close().await;
        // On the 1,000-row sample, the distinct count is exact for what was sampled.
        let sampled_emails = scan.values[idx("email")].iter().flatten().count() as u64;
        assert_eq!(
            crate::profile::profile(&scan.values[idx("email")], "text", false).distinct_estimate,
            sampled_emails
        );
        assert_eq!(p("email").min, None, "no raw text extremes");
        assert!(p("email").exact);
        assert!(p("email").shapes[0].shape.contains('@'));
        let empty = tables
            .iter()
            .find(|t| t.name == "empty_one")
            .expect("empty");
        let e = c
            .scan_table(empty, SampleSize::Rows(1000))
            .await
            .expect("empty");
        assert_eq!(e.rows_read, 0);
        let lines = tables
            .iter()
            .find(|t| t.name == "order lines")
            .expect("odd");
        let l = c
            .scan_table(lines, SampleSize::Rows(100))
            .await
            .expect("odd name");
        assert_eq!(l.values[0].len(), 100, "sampled more, kept a uniform 100");
        // Uniform over the whole table, not the first rows in storage order.
        let ids: Vec<u64> = l.values[0]
            .iter()
            .flatten()
            .filter_map(|v| v.parse().ok())
            .collect();
        assert!(
            ids.iter().any(|i| *i > 2500) && ids.iter().any(|i| *i < 500),
            "{ids:?}"
        );
    }

    #[tokio::test]
    async fn statement_timeouts_dropped_connections_and_bad_targets_are_clear_errors() {
        let db = TestDb::create("UTF8", SCHEMA).await;
        let mut c = connect(&format!("{}?statement_timeout_ms=300", db.uri())).await;
        let tables = c.list_tables().await.expect("list");
        let slow = tables.iter().find(|t| t.name == "slow").expect("slow view");
        let err = c
            .scan_table(slow, SampleSize::Rows(10))
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("statement timeout"), "{err}");
        // A connection killed mid-statement.
        let mut c = connect(&db.uri()).await;
        let killer = {
            let uri = db.uri();
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                let pool = PgPoolOptions::new().connect(&uri).await.expect("connect");
                sqlx::raw_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE application_name = 'pursight' AND pid <> pg_backend_pid()",
                )
                .execute(&pool)
                .await
                .expect("terminate");
            })
        };
        let err = c.scan_table(slow, SampleSize::Rows(10)).await.err();
        killer.await.expect("killer");
        assert!(err.is_some_and(|e| matches!(e, ConnectorError::Read { .. })));
        let reg = ConnectorRegistry::default();
        for (uri, needle) in [
            (
                "postgres://postgres@127.0.0.1:1/x?connect_timeout_ms=2000",
                "cannot open",
            ),
            (
                "postgres://no_such_role@127.0.0.1:5432/postgres",
                "no_such_role",
            ),
            (
                "postgres://postgres@127.0.0.1:5432/no_such_db_pursight",
                "no_such_db",
            ),
        ] {
            let err = reg
                .connect("pg", uri)
                .await
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(needle), "{uri}: {err}");
        }
    }

    #[tokio::test]
    async fn fingerprints_change_with_data_and_schema_only() {
        let db = TestDb::create("UTF8", SCHEMA).await;
        let fingerprints = || async {
            let mut c = connect(&db.uri()).await;
            c.list_tables()
                .await
                .expect("list")
                .into_iter()
                .map(|t| (t.name, t.fingerprint))
                .collect::<std::collections::BTreeMap<_, _>>()
        };
        // Write counters reach the shared statistics once the writing session has ended.
        let counters_show = |sql: &'static str| {
            let uri = db.uri();
            async move {
                let pool = PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&uri)
                    .await
                    .expect("connect");
                for _ in 0..200 {
                    let ok: bool = sqlx::query_scalar(sql)
                        .fetch_one(&pool)
                        .await
                        .expect("stats");
                    if ok {
                        return;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                panic!("statistics never showed: {sql}");
            }
        };
        counters_show(
            "SELECT n_tup_ins = 3000 FROM pg_stat_all_tables WHERE relname = 'customers'",
        )
        .await;
        let before = fingerprints().await;
        assert_eq!(
            before,
            fingerprints().await,
            "nothing changed, nothing differs"
        );
        db.exec("UPDATE customers SET notes = 'changed' WHERE id = 2")
            .await;
        db.exec(r#"ALTER TABLE "Sales Dept"."order lines" ADD COLUMN memo text"#)
            .await;
        counters_show("SELECT n_tup_upd > 0 FROM pg_stat_all_tables WHERE relname = 'customers'")
            .await;
        let after = fingerprints().await;
        assert_ne!(before["customers"], after["customers"], "data change");
        assert_ne!(before["order lines"], after["order lines"], "schema change");
        assert_eq!(before["empty_one"], after["empty_one"]);
    }

    #[tokio::test]
    async fn invalid_utf8_in_a_sql_ascii_database_is_read_lossily() {
        let db = TestDb::create(
            "SQL_ASCII",
            r"CREATE TABLE t (v text); INSERT INTO t VALUES (E'ok\xff\xfe'), ('plain');",
        )
        .await;
        let mut c = connect(&db.uri()).await;
        let tables = c.list_tables().await.expect("list");
        let scan = c
            .scan_table(&tables[0], SampleSize::Rows(10))
            .await
            .expect("scan");
        let mut v: Vec<String> = scan.values[0].iter().flatten().cloned().collect();
        v.sort();
        assert_eq!(v[0], "ok\u{fffd}\u{fffd}");
        assert_eq!(v[1], "plain");
    }
}
