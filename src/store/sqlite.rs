//! The default store: one SQLite file (`gutcheck.db` in the data directory), created on first
//! use, in WAL mode so the bot's writes never block its reads. One process owns it; several
//! processes or machines share a PostgreSQL store instead.

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use super::{SQLITE_FILE, StoreError, migrations, sql};

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens `gutcheck.db` in `dir`, creating the folder and the file when missing.
    pub async fn open_dir(dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::new(format!(
                "cannot create the data directory {}: {e} (set data_dir in the settings to a \
                 folder the bot may write)",
                dir.display()
            ))
        })?;
        SqliteStore::open_file(&dir.join(SQLITE_FILE)).await
    }

    pub async fn open_file(path: &Path) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // A locked database fails fast: callers would rather skip a write than wait.
            .busy_timeout(Duration::from_millis(250));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(2))
            .connect_with(options)
            .await
            .map_err(|e| {
                StoreError::new(format!(
                    "cannot open the SQLite database {}: {e} (is the folder writable?)",
                    path.display()
                ))
            })?;
        migrations::migrator(migrations::SQLITE)
            .await
            .run(&pool)
            .await
            .map_err(|e| {
                StoreError::new(format!(
                    "cannot bring the SQLite database {} up to date: {e}",
                    path.display()
                ))
            })?;
        Ok(SqliteStore { pool })
    }
}

sql::impl_store!(SqliteStore, "sqlite");
