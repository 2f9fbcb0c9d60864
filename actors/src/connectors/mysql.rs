//! MySQL and MariaDB through sqlx: `information_schema` discovery in four queries, sessions
//! that are read-only with a statement time limit, a bounded pool, and `RAND()` sampling
//! that reads each row once without sorting.
//!
//! Queries go through the text protocol, so every value arrives as the server prints it
//! (binary columns as their raw bytes), whatever its type.

use std::collections::HashMap;

use futures::TryStreamExt;
use futures::future::BoxFuture;
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions, MySqlRow};
use sqlx::{AssertSqlSafe, ConnectOptions, Executor, MySqlPool, Row, ValueRef};

use super::sample::TableSampler;
use super::sql::{self, SourceUri, quote_mysql, redact};
use super::{
    CLASSIFY_ROWS, ColumnSchema, Connector, ConnectorError, ConnectorFactory, TableRef, TableScan,
    fingerprint, text_of,
};
use crate::domain::{AssetKind, ForeignKey, SampleSize};

/// Schemas of the server itself.
const SYSTEM_SCHEMAS: &str = "'mysql', 'information_schema', 'performance_schema', 'sys'";
/// MySQL has no `TABLESAMPLE`: a per-row coin reads each row once without sorting.
const MYSQL: sql::Dialect = sql::Dialect {
    quote: quote_mysql,
    sample_clause: |f| format!(" WHERE RAND() < {f:.8}"),
    random: "RAND",
};

/// How much longer than one sampling statement a full scan of one table may run.
const FULL_SCAN_TIMEOUT_FACTOR: u32 = 20;

/// Opens `mysql://user@host:port/database` (or `mariadb://`); without a database, every
/// non-system database the user can see.
pub struct MysqlFactory;

impl ConnectorFactory for MysqlFactory {
    fn connect<'a>(
        &'a self,
        _source_id: &'a str,
        uri: &'a url::Url,
    ) -> BoxFuture<'a, Result<Box<dyn Connector>, ConnectorError>> {
        Box::pin(async move {
            let SourceUri {
                mut driver,
                limits,
                database,
            } = sql::parse(uri)?;
            let what = redact(uri);
            let connect_err = |e: sqlx::Error| ConnectorError::Connect {
                what: what.clone(),
                reason: e.to_string(),
            };
            if driver.scheme() == "mariadb" {
                // sqlx knows the protocol as mysql; the scheme only names the server.
                let rest = driver.as_str().trim_start_matches("mariadb");
                driver = url::Url::parse(&format!("mysql{rest}")).map_err(|e| {
                    ConnectorError::InvalidUri {
                        uri: what.clone(),
                        reason: e.to_string(),
                    }
                })?;
            }
            let options = MySqlConnectOptions::from_url(&driver)
                .map_err(connect_err)?
                .statement_cache_capacity(0)
                .disable_statement_logging();
            let timeout = limits.statement_timeout;
            let pool = MySqlPoolOptions::new()
                .max_connections(limits.max_connections)
                .acquire_timeout(limits.connect_timeout)
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        let version: String = sqlx::query_scalar("SELECT VERSION()")
                            .fetch_one(&mut *conn)
                            .await?;
                        conn.execute("SET SESSION TRANSACTION READ ONLY").await?;
                        conn.execute(sqlx::raw_sql(AssertSqlSafe(time_limit_sql(
                            &version, timeout,
                        ))))
                        .await?;
                        if !is_mariadb(&version) {
                            // MySQL 8 caches table statistics for a day by default.
                            let _ = conn
                                .execute("SET SESSION information_schema_stats_expiry = 0")
                                .await;
                        }
                        Ok(())
                    })
                })
                .connect_with(options)
                .await
                .map_err(connect_err)?;
            let version: String = sqlx::query_scalar("SELECT VERSION()")
                .fetch_one(&pool)
                .await
                .map_err(connect_err)?;
            Ok(Box::new(MysqlConnector {
                pool,
                database,
                version,
                statement_timeout: timeout,
            }) as Box<dyn Connector>)
        })
    }
}

fn is_mariadb(version: &str) -> bool {
    version.to_ascii_lowercase().contains("mariadb")
}

/// The session setting that bounds statement time, in each server's dialect.
fn time_limit_sql(version: &str, limit: std::time::Duration) -> String {
    if is_mariadb(version) {
        format!(
            "SET SESSION max_statement_time = {:.3}",
            limit.as_secs_f64()
        )
    } else {
        format!("SET SESSION max_execution_time = {}", limit.as_millis())
    }
}

struct MysqlConnector {
    pool: MySqlPool,
    database: Option<String>,
    version: String,
    statement_timeout: std::time::Duration,
}

fn discover_err(e: sqlx::Error) -> ConnectorError {
    ConnectorError::Discover(e.to_string())
}

/// Column `i` as text (`None` for NULL).
fn text(row: &MySqlRow, i: usize) -> Option<String> {
    let raw = row.try_get_raw(i).ok()?;
    if raw.is_null() {
        return None;
    }
    row.try_get_unchecked::<&[u8], _>(i).ok().map(text_of)
}

fn text_or_empty(row: &MySqlRow, i: usize) -> String {
    text(row, i).unwrap_or_default()
}

/// A MySQL string literal.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
}

impl MysqlConnector {
    /// The `WHERE` condition selecting the source's schemas in an `information_schema` view.
    fn schema_filter(&self, column: &str) -> String {
        match &self.database {
            Some(db) => format!("{column} = {}", literal(db)),
            None => format!("{column} NOT IN ({SYSTEM_SCHEMAS})"),
        }
    }

    async fn rows(&self, sql: String) -> Result<Vec<MySqlRow>, ConnectorError> {
        sqlx::raw_sql(AssertSqlSafe(sql))
            .fetch(&self.pool)
            .try_collect()
            .await
            .map_err(discover_err)
    }
}

type Key = (String, String);

impl Connector for MysqlConnector {
    fn list_tables(&mut self) -> BoxFuture<'_, Result<Vec<TableRef>, ConnectorError>> {
        Box::pin(async move {
            let now = self.rows("SELECT UNIX_TIMESTAMP(NOW())".into()).await?;
            let now: f64 = now
                .first()
                .and_then(|r| text(r, 0))
                .and_then(|t| t.parse().ok())
                .unwrap_or(0.0);
            let tables = self
                .rows(format!(
                    "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_ROWS, TABLE_COMMENT, \
                     UNIX_TIMESTAMP(UPDATE_TIME), UNIX_TIMESTAMP(CREATE_TIME), DATA_LENGTH \
                     FROM information_schema.TABLES WHERE {} ORDER BY TABLE_SCHEMA, TABLE_NAME",
                    self.schema_filter("TABLE_SCHEMA")
                ))
                .await?;
            let mut columns: HashMap<Key, Vec<ColumnSchema>> = HashMap::new();
            for r in self
                .rows(format!(
                    "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, \
                     COLUMN_DEFAULT, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE {} \
                     ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION",
                    self.schema_filter("TABLE_SCHEMA")
                ))
                .await?
            {
                columns
                    .entry((text_or_empty(&r, 0), text_or_empty(&r, 1)))
                    .or_default()
                    .push(ColumnSchema {
                        name: text_or_empty(&r, 2),
                        data_type: text_or_empty(&r, 3),
                        nullable: text(&r, 4).as_deref() == Some("YES"),
                        default: text(&r, 5),
                        comment: text(&r, 6).filter(|c| !c.is_empty()),
                    });
            }
            let mut views: HashMap<Key, String> = HashMap::new();
            for r in self
                .rows(format!(
                    "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS \
                     WHERE {}",
                    self.schema_filter("TABLE_SCHEMA")
                ))
                .await?
            {
                views.insert(
                    (text_or_empty(&r, 0), text_or_empty(&r, 1)),
                    text_or_empty(&r, 2),
                );
            }
            let mut pks: HashMap<Key, Vec<String>> = HashMap::new();
            let mut fks: HashMap<Key, Vec<ForeignKey>> = HashMap::new();
            for r in self
                .rows(format!(
                    "SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, \
                     REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME \
                     FROM information_schema.KEY_COLUMN_USAGE WHERE {} \
                     ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
                    self.schema_filter("TABLE_SCHEMA")
                ))
                .await?
            {
                let key = (text_or_empty(&r, 0), text_or_empty(&r, 1));
                let constraint = text_or_empty(&r, 2);
                let column = text_or_empty(&r, 3);
                if constraint == "PRIMARY" {
                    pks.entry(key).or_default().push(column);
                } else if let Some(ref_table) = text(&r, 5) {
                    let list = fks.entry(key).or_default();
                    if list.last().is_none_or(|f| f.name != constraint) {
                        list.push(ForeignKey {
                            name: constraint,
                            columns: Vec::new(),
                            references_schema: text_or_empty(&r, 4),
                            references_table: ref_table,
                            references_columns: Vec::new(),
                        });
                    }
                    if let Some(f) = list.last_mut() {
                        f.columns.push(column);
                        f.references_columns.push(text_or_empty(&r, 6));
                    }
                }
            }
            let mut out = Vec::with_capacity(tables.len());
            for r in &tables {
                let schema = text_or_empty(r, 0);
                let name = text_or_empty(r, 1);
                let key = (schema.clone(), name.clone());
                let kind = if text(r, 2).as_deref() == Some("VIEW") {
                    AssetKind::View
                } else {
                    AssetKind::Table
                };
                let mut t = TableRef::new(
                    schema.clone(),
                    schema.clone(),
                    name.clone(),
                    kind,
                    format!("{}.{}", quote_mysql(&schema), quote_mysql(&name)),
                );
                t.columns = columns.remove(&key).unwrap_or_default();
                t.primary_key = pks.remove(&key).unwrap_or_default();
                t.foreign_keys = fks.remove(&key).unwrap_or_default();
                t.definition = views.remove(&key);
                t.comment = text(r, 4).filter(|c| !c.is_empty() && kind != AssetKind::View);
                t.row_estimate = text(r, 3).and_then(|n| n.parse().ok());
                let updated: Option<f64> = text(r, 5).and_then(|n| n.parse().ok());
                // UPDATE_TIME has one-second resolution and is unknown after a server
                // restart: a table changed within the last seconds, or of unknown age, is
                // always scanned.
                if kind == AssetKind::Table
                    && let Some(u) = updated.filter(|u| now - u > 2.0)
                {
                    let schema_sig: String = t
                        .columns
                        .iter()
                        .map(|c| format!("{}:{}:{}", c.name, c.data_type, c.nullable))
                        .collect::<Vec<_>>()
                        .join(",");
                    t.fingerprint = Some(fingerprint(&[
                        &schema_sig,
                        &u.to_string(),
                        &text_or_empty(r, 6),
                        &text_or_empty(r, 3),
                        &text_or_empty(r, 7),
                    ]));
                }
                out.push(t);
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
            let read_err = sql::read_error(table);
            let query = sql::read_query(table, size, table.kind == AssetKind::Table, &MYSQL);
            let mut conn = self.pool.acquire().await.map_err(read_err)?;
            if size == SampleSize::Full {
                let longer = self.statement_timeout * FULL_SCAN_TIMEOUT_FACTOR;
                conn.execute(sqlx::raw_sql(AssertSqlSafe(time_limit_sql(
                    &self.version,
                    longer,
                ))))
                .await
                .map_err(read_err)?;
            }
            let mut sampler = TableSampler::new(table.columns.clone(), size, CLASSIFY_ROWS);
            let result = async {
                conn.execute("START TRANSACTION READ ONLY").await?;
                {
                    let mut rows = sqlx::raw_sql(AssertSqlSafe(query)).fetch(&mut *conn);
                    while let Some(row) = rows.try_next().await? {
                        sampler.push((0..row.len()).map(|i| text(&row, i)).collect());
                    }
                }
                conn.execute("COMMIT").await?;
                Ok::<_, sqlx::Error>(())
            }
            .await;
            if size == SampleSize::Full {
                // Back to the normal limit before the connection returns to the pool.
                let _ = conn
                    .execute(sqlx::raw_sql(AssertSqlSafe(time_limit_sql(
                        &self.version,
                        self.statement_timeout,
                    ))))
                    .await;
            }
            result.map_err(read_err)?;
            Ok(sampler.finish(table.row_estimate))
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::connectors::ConnectorRegistry;

    const SERVER: &str = "mysql://root@127.0.0.1:3306";

    /// A fresh database on the local MariaDB server, dropped when the guard goes.
    pub(crate) struct TestDb {
        pub name: String,
    }

    impl TestDb {
        pub(crate) async fn create(setup: &str) -> Self {
            let name = format!(
                "pursight_t_{}_{:08x}",
                std::process::id(),
                rand::random::<u32>()
            );
            let admin = MySqlPoolOptions::new()
                .max_connections(1)
                .connect(SERVER)
                .await
                .expect("the test MariaDB server on 127.0.0.1:3306");
            sqlx::raw_sql(AssertSqlSafe(format!(
                "CREATE DATABASE `{name}` CHARACTER SET utf8mb4"
            )))
            .execute(&admin)
            .await
            .expect("create database");
            admin.close().await;
            let db = Self { name };
            db.exec(setup).await;
            db
        }

        pub(crate) fn uri(&self) -> String {
            format!("{SERVER}/{}", self.name)
        }

        pub(crate) async fn exec(&self, sql: &str) {
            let db = MySqlPoolOptions::new()
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
            let _ = std::process::Command::new("mariadb")
                .args(["-h", "127.0.0.1", "-u", "root", "-e"])
                .arg(format!("DROP DATABASE IF EXISTS `{}`", self.name))
                .output();
        }
    }

    pub(crate) const SCHEMA: &str = r#"
        CREATE TABLE customers (
            id INT AUTO_INCREMENT PRIMARY KEY,
            email VARCHAR(200) NOT NULL COMMENT 'work e-mail',
            `select` INT DEFAULT 42,
            `naïve ``quoted`` name` VARCHAR(80),
            balance DECIMAL(12,2),
            big BIGINT UNSIGNED,
            ratio DOUBLE,
            born DATE,
            seen_at DATETIME(3),
            feeling ENUM('sad','ok','happy'),
            flags SET('a','b'),
            active BOOLEAN,
            doc JSON,
            photo BLOB,
            notes LONGTEXT,
            always_null TEXT
        ) ENGINE=InnoDB COMMENT='people who buy';
        CREATE TABLE `order lines` (
            customer_id INT,
            line_no INT,
            amount DOUBLE,
            PRIMARY KEY (customer_id, line_no),
            CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customers(id)
        ) ENGINE=InnoDB;
        CREATE TABLE empty_one (x INT);
        SET SESSION max_recursive_iterations = 100000;
        INSERT INTO customers (email, `select`, `naïve ``quoted`` name`, balance, big, ratio, born, seen_at, feeling, flags, active, doc, photo, notes)
        WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 3000)
        SELECT CONCAT('user', n, '@example.com'), n % 7, CONCAT('Name ', n), n * 1.25,
               18446744073709551615 - n, n / 3, DATE_ADD('1970-01-01', INTERVAL n DAY),
               '2024-05-06 07:08:09.123', 'ok', 'a,b', n % 2, JSON_OBJECT('k', n),
               X'00FF', IF(n = 1, REPEAT('x', 1000000), NULL)
        FROM g;
        INSERT INTO `order lines` SELECT id, 1, id * 0.5 FROM customers;
        CREATE VIEW big_spenders AS SELECT email FROM customers WHERE balance > 100;
        CREATE VIEW slow AS SELECT SLEEP(3) AS z;
        ANALYZE TABLE customers, `order lines`;
    "#;

    async fn connect(uri: &str) -> Box<dyn Connector> {
        ConnectorRegistry::default()
            .connect("my", uri)
            .await
            .expect("connect")
    }

    #[tokio::test]
    async fn discovers_types_keys_views_comments_and_odd_names() {
        let db = TestDb::create(SCHEMA).await;
        let mut c = connect(&db.uri()).await;
        let tables = c.list_tables().await.expect("list");
        let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "big_spenders",
                "customers",
                "empty_one",
                "order lines",
                "slow"
            ]
        );
        let customers = &tables[1];
        assert_eq!(customers.database, db.name);
        assert_eq!(customers.comment.as_deref(), Some("people who buy"));
        assert_eq!(customers.primary_key, ["id"]);
        assert!(customers.row_estimate.is_some_and(|n| n > 2000));
        let col = |n: &str| {
            customers
                .columns
                .iter()
                .find(|c| c.name == n)
                .unwrap_or_else(|| panic!("column {n}"))
        };
        assert_eq!(col("id").data_type, "int(11)");
        assert!(!col("email").nullable);
        assert_eq!(col("email").comment.as_deref(), Some("work e-mail"));
        assert_eq!(col("select").default.as_deref(), Some("42"));
        assert_eq!(col("naïve `quoted` name").data_type, "varchar(80)");
        assert_eq!(col("big").data_type, "bigint(20) unsigned");
        assert_eq!(col("feeling").data_type, "enum('sad','ok','happy')");
        assert_eq!(customers.columns.len(), 16);
        let lines = &tables[3];
        assert_eq!(lines.primary_key, ["customer_id", "line_no"]);
        assert_eq!(lines.foreign_keys.len(), 1);
        assert_eq!(lines.foreign_keys[0].name, "fk_customer");
        assert_eq!(lines.foreign_keys[0].references_table, "customers");
        let view = &tables[0];
        assert_eq!(view.kind, AssetKind::View);
        assert!(
            view.definition
                .as_deref()
                .is_some_and(|d| d.contains("balance"))
        );
    }

    #[tokio::test]
    async fn samples_profiles_and_full_scans_match_sql() {
        let db = TestDb::create(SCHEMA).await;
        let mut c = connect(&db.uri()).await;
        let tables = c.list_tables().await.expect("list");
        let customers = tables
            .iter()
            .find(|t| t.name == "customers")
            .expect("customers");
        let scan = c
            .scan_table(customers, SampleSize::Rows(500))
            .await
            .expect("sample");
        let idx = |n: &str| scan.columns.iter().position(|c| c.name == n).expect("col");
        let got = scan.values[0].len();
        assert!((200..=500).contains(&got), "sampled {got} rows");
        assert!(scan.values[idx("always_null")].iter().all(Option::is_none));
        // Binary bytes (0x00 0xff: invalid UTF-8) are read lossily.
        assert!(
            scan.values[idx("photo")]
                .iter()
                .flatten()
                .all(|p| p == "\u{0}\u{fffd}")
        );
        let full = c
            .scan_table(customers, SampleSize::Full)
            .await
            .expect("full");
        assert_eq!(full.rows_read, 3000);
        let profiles = full.profiles.expect("profiles");
        let p = |n: &str| &profiles[idx(n)];
        assert_eq!(p("select").distinct_estimate, 7);
        assert_eq!(p("email").distinct_estimate, 3000);
        assert_eq!(p("balance").min.as_deref(), Some("1.25"));
        assert_eq!(p("balance").max.as_deref(), Some("3750.00"));
        assert_eq!(p("born").max.as_deref(), Some("1978-03-20"));
        assert_eq!(p("always_null").null_ratio, 1.0);
        assert_eq!(
            p("notes").max_length,
            Some(crate::connectors::MAX_VALUE_CHARS as u32)
        );
        let lines = tables
            .iter()
            .find(|t| t.name == "order lines")
            .expect("odd");
        let l = c
            .scan_table(lines, SampleSize::Rows(10))
            .await
            .expect("odd name");
        assert_eq!(l.values[0].len(), 10);
        let empty = tables
            .iter()
            .find(|t| t.name == "empty_one")
            .expect("empty");
        assert_eq!(
            c.scan_table(empty, SampleSize::Full)
                .await
                .expect("empty")
                .rows_read,
            0
        );
    }

    #[tokio::test]
    async fn timeouts_killed_connections_and_bad_credentials_are_clear_errors() {
        let db = TestDb::create(SCHEMA).await;
        let mut c = connect(&format!("{}?statement_timeout_ms=300", db.uri())).await;
        let tables = c.list_tables().await.expect("list");
        let slow = tables.iter().find(|t| t.name == "slow").expect("slow");
        let err = c.scan_table(slow, SampleSize::Rows(5)).await.err();
        assert!(err.is_some_and(|e| matches!(e, ConnectorError::Read { .. })));
        let mut c = connect(&db.uri()).await;
        let killer = tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            let pool = MySqlPoolOptions::new()
                .connect(SERVER)
                .await
                .expect("connect");
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%`slow`%' AND ID <> CONNECTION_ID()",
            )
            .fetch_all(&pool)
            .await
            .expect("processlist");
            for id in ids {
                let _ = sqlx::raw_sql(AssertSqlSafe(format!("KILL {id}")))
                    .execute(&pool)
                    .await;
            }
        });
        let err = c.scan_table(slow, SampleSize::Rows(5)).await.err();
        killer.await.expect("killer");
        assert!(err.is_some_and(|e| matches!(e, ConnectorError::Read { .. })));
        let user = format!("pst_{:08x}", rand::random::<u32>());
        db.exec(&format!(
            "CREATE USER '{user}'@'%' IDENTIFIED BY 'right-password'; GRANT SELECT ON `{}`.* TO '{user}'@'%';",
            db.name
        ))
        .await;
        let reg = ConnectorRegistry::default();
        let good = reg
            .connect(
                "my",
                &format!("mysql://{user}:right-password@127.0.0.1:3306/{}", db.name),
            )
            .await;
        assert!(good.is_ok());
        for (uri, needle) in [
            (
                format!("mysql://{user}:wrong@127.0.0.1:3306/{}", db.name),
                "Access denied",
            ),
            (
                "mysql://root@127.0.0.1:1/x?connect_timeout_ms=2000".to_string(),
                "cannot open",
            ),
        ] {
            let err = reg
                .connect("my", &uri)
                .await
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(needle), "{uri}: {err}");
            assert!(!err.contains("wrong"), "the password leaked into: {err}");
        }
        db.exec(&format!("DROP USER '{user}'@'%'")).await;
    }
}
