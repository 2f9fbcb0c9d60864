//! SQLite databases, read-only, through sqlx.

use futures::future::BoxFuture;
use sqlx::sqlite::{SqliteConnectOptions, SqliteRow};
use sqlx::{AssertSqlSafe, ConnectOptions, Row, SqliteConnection, TypeInfo, ValueRef};

use futures::TryStreamExt;

use super::sample::TableSampler;
use super::{
    CLASSIFY_ROWS, ColumnSchema, Connector, ConnectorError, ConnectorFactory, TableRef, TableScan,
    bounded, fingerprint, local_path,
};
use crate::domain::{AssetKind, SampleSize};

/// Opens `sqlite:///path/to/file.db`.
pub struct SqliteFactory;

impl ConnectorFactory for SqliteFactory {
    fn connect<'a>(
        &'a self,
        _source_id: &'a str,
        uri: &'a url::Url,
    ) -> BoxFuture<'a, Result<Box<dyn Connector>, ConnectorError>> {
        Box::pin(async move {
            let path = local_path(uri)?;
            let connect_err = |reason: String| ConnectorError::Connect {
                what: path.display().to_string(),
                reason,
            };
            if !path.is_file() {
                return Err(connect_err("no such file".into()));
            }
            let mut conn = SqliteConnectOptions::new()
                .filename(&path)
                .read_only(true)
                .create_if_missing(false)
                .connect()
                .await
                .map_err(|e| connect_err(e.to_string()))?;
            // Fails here, with a clear message, on a file that is not a database.
            sqlx::query("SELECT count(*) FROM sqlite_master")
                .fetch_one(&mut conn)
                .await
                .map_err(|e| connect_err(e.to_string()))?;
            let database = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "main".into());
            Ok(Box::new(SqliteConnector {
                conn,
                database,
                path,
            }) as Box<dyn Connector>)
        })
    }
}

struct SqliteConnector {
    conn: SqliteConnection,
    database: String,
    path: std::path::PathBuf,
}

impl SqliteConnector {
    /// The database file's size and modification time (and its WAL's): SQLite keeps no
    /// per-table change counters, so any write to the file changes every fingerprint.
    fn file_state(&self) -> String {
        let stat = |p: &std::path::Path| {
            std::fs::metadata(p)
                .ok()
                .map(|m| {
                    let mtime = m
                        .modified()
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map(|d| d.as_nanos())
                        .unwrap_or(0);
                    format!("{}:{mtime}", m.len())
                })
                .unwrap_or_default()
        };
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        format!("{}|{}", stat(&self.path), stat(std::path::Path::new(&wal)))
    }
}

/// Quotes an identifier for SQLite: odd names (quotes, dots, spaces) stay one identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The text form of one SQLite value; `None` for NULL. Blobs are shown only when they
/// hold UTF-8 text (a classifier has nothing to read in other bytes).
fn value_text(row: &SqliteRow, i: usize) -> Option<String> {
    let raw = row.try_get_raw(i).ok()?;
    if raw.is_null() {
        return None;
    }
    let text = match raw.type_info().name() {
        "INTEGER" => row.try_get::<i64, _>(i).ok().map(|v| v.to_string()),
        "REAL" => row.try_get::<f64, _>(i).ok().map(|v| v.to_string()),
        "TEXT" => row.try_get::<String, _>(i).ok().or_else(|| {
            row.try_get::<Vec<u8>, _>(i)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        }),
        _ => row
            .try_get::<Vec<u8>, _>(i)
            .ok()
            .map(|b| String::from_utf8(b).unwrap_or_default()),
    };
    Some(bounded(text.unwrap_or_default()))
}

impl Connector for SqliteConnector {
    fn list_tables(&mut self) -> BoxFuture<'_, Result<Vec<TableRef>, ConnectorError>> {
        Box::pin(async move {
            let file_state = self.file_state();
            let rows = sqlx::query(
                "SELECT name, type, sql FROM sqlite_master \
                 WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
                 ORDER BY name",
            )
            .fetch_all(&mut self.conn)
            .await
            .map_err(|e| ConnectorError::Discover(e.to_string()))?;
            rows.iter()
                .map(|r| {
                    let name: String = r
                        .try_get(0)
                        .map_err(|e| ConnectorError::Discover(e.to_string()))?;
                    let kind: String = r
                        .try_get(1)
                        .map_err(|e| ConnectorError::Discover(e.to_string()))?;
                    let sql: Option<String> = r.try_get(2).ok().flatten();
                    let kind = if kind == "view" {
                        AssetKind::View
                    } else {
                        AssetKind::Table
                    };
                    let mut t =
                        TableRef::new(self.database.clone(), "main", name.clone(), kind, name);
                    t.fingerprint = Some(fingerprint(&[&file_state, sql.as_deref().unwrap_or("")]));
                    if kind == AssetKind::View {
                        t.definition = sql;
                    }
                    Ok(t)
                })
                .collect()
        })
    }

    fn scan_table<'a>(
        &'a mut self,
        table: &'a TableRef,
        size: SampleSize,
    ) -> BoxFuture<'a, Result<TableScan, ConnectorError>> {
        Box::pin(async move {
            let read_err = |e: sqlx::Error| ConnectorError::Read {
                table: table.name.clone(),
                reason: e.to_string(),
            };
            let info =
                sqlx::query(r#"SELECT name, type, "notnull", pk FROM pragma_table_info(?1)"#)
                    .bind(&table.locator)
                    .fetch_all(&mut self.conn)
                    .await
                    .map_err(read_err)?;
            let mut columns = Vec::with_capacity(info.len());
            for r in &info {
                let name: String = r.try_get(0).map_err(read_err)?;
                let data_type: String = r.try_get(1).map_err(read_err)?;
                let not_null: i64 = r.try_get(2).map_err(read_err)?;
                let pk: i64 = r.try_get(3).map_err(read_err)?;
                columns.push(ColumnSchema::new(
                    name,
                    if data_type.is_empty() {
                        "any".into()
                    } else {
                        data_type.to_lowercase()
                    },
                    not_null == 0 && pk == 0,
                ));
            }
            let quoted = quote_ident(&table.locator);
            let row_count: i64 = // Identifiers are quoted by quote_ident; values are never spliced in.
            sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {quoted}")))
                .fetch_one(&mut self.conn)
                .await
                .map_err(read_err)?;
            let row_count = u64::try_from(row_count).unwrap_or(0);
            if columns.is_empty() {
                return Ok(TableScan {
                    columns,
                    row_count: Some(row_count),
                    ..TableScan::default()
                });
            }
            let select: Vec<String> = columns.iter().map(|c| quote_ident(&c.name)).collect();
            // Uniform sample when the table is larger than the sample, whole table otherwise.
            let limit = match size {
                SampleSize::Rows(n) if row_count > n => format!(" ORDER BY random() LIMIT {n}"),
                _ => String::new(),
            };
            let sql = format!("SELECT {} FROM {quoted}{limit}", select.join(", "));
            let mut sampler = TableSampler::new(columns, size, CLASSIFY_ROWS);
            let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut self.conn);
            while let Some(row) = rows.try_next().await.map_err(read_err)? {
                sampler.push(
                    (0..row.columns().len())
                        .map(|i| value_text(&row, i))
                        .collect(),
                );
            }
            Ok(sampler.finish(Some(row_count)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::ConnectorRegistry;

    async fn make_db(dir: &std::path::Path) -> std::path::PathBuf {
        let path = dir.join("odd.db");
        let mut conn = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .connect()
            .await
            .expect("create");
        sqlx::raw_sql(
            r#"CREATE TABLE "we""ird.tab" ("e mail" TEXT NOT NULL, n INTEGER, r REAL, b BLOB);
               INSERT INTO "we""ird.tab" VALUES ('a@example.com', 1, 1.5, x'00ff'), ('b@example.com', NULL, 2.5, 'text');
               INSERT INTO "we""ird.tab" VALUES (CAST(x'ff61' AS TEXT), 3, NULL, NULL);
               CREATE VIEW v AS SELECT n FROM "we""ird.tab";"#,
        )
        .execute(&mut conn)
        .await
        .expect("seed");
        path
    }

    #[tokio::test]
    async fn reads_odd_identifiers_types_and_invalid_utf8() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = make_db(dir.path()).await;
        let reg = ConnectorRegistry::default();
        let mut c = reg
            .connect("s", &format!("sqlite://{}", path.display()))
            .await
            .expect("connect");
        let tables = c.list_tables().await.expect("list");
        assert_eq!(
            tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["v", "we\"ird.tab"]
        );
        assert_eq!(tables[0].kind, AssetKind::View);
        let scan = c
            .scan_table(&tables[1], SampleSize::Rows(10))
            .await
            .expect("scan");
        assert_eq!(scan.row_count, Some(3));
        assert_eq!(scan.columns[0], ColumnSchema::new("e mail", "text", false));
        assert_eq!(scan.values[0].len(), 3);
        assert_eq!(scan.values[1][1], None);
        assert_eq!(scan.values[2][0].as_deref(), Some("1.5"));
        // Invalid UTF-8 text is read lossily, never a failure.
        assert!(
            scan.values[0][2]
                .as_deref()
                .is_some_and(|s| s.contains('\u{fffd}'))
        );
        // Samples are bounded.
        assert_eq!(
            c.scan_table(&tables[1], SampleSize::Rows(2))
                .await
                .expect("scan")
                .values[0]
                .len(),
            2
        );
    }

    #[tokio::test]
    async fn missing_and_corrupt_files_are_clear_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let reg = ConnectorRegistry::default();
        let missing = dir.path().join("nope.db");
        let err = reg
            .connect("s", &format!("sqlite://{}", missing.display()))
            .await
            .err()
            .expect("error");
        assert!(err.to_string().contains("no such file"), "{err}");
        let corrupt = dir.path().join("corrupt.db");
        std::fs::write(
            &corrupt,
            b"this is not a database at all, just text padding it out ....",
        )
        .expect("write");
        let err = reg
            .connect("s", &format!("sqlite://{}", corrupt.display()))
            .await
            .err()
            .expect("error");
        assert!(err.to_string().contains("not a database"), "{err}");
    }
}
