//! The shared store: PostgreSQL, for a deployment whose shard processes run on several
//! machines and must see one set of votes, settings and reload generation.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use super::{StoreError, migrations, redact_url, sql};

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) and migrates it.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let shown = redact_url(url);
        let pool = PgPoolOptions::new()
            .max_connections(5)
            .acquire_timeout(Duration::from_secs(3))
            .connect(url)
            .await
            .map_err(|e| {
                StoreError::new(format!(
                    "cannot connect to PostgreSQL at {shown}: {e} (is the server running, and \
                     does database_url name an existing database and a user allowed in?)"
                ))
            })?;
        migrations::migrator(migrations::POSTGRES)
            .await
            .run(&pool)
            .await
            .map_err(|e| {
                StoreError::new(format!(
                    "cannot bring the PostgreSQL database at {shown} up to date: {e}"
                ))
            })?;
        Ok(PostgresStore { pool })
    }
}

sql::impl_store!(PostgresStore, "postgres");
