//! Versioned migrations, compiled into the binary (one folder per back end, since their SQL
//! dialects differ), and run with sqlx's migrator on every open: a new file here is a new
//! version, applied once, in order, under the migrator's lock.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

/// (version, description, SQL), in version order.
type Files = &'static [(i64, &'static str, &'static str)];

pub const SQLITE: Files = &[(
    1,
    "curator",
    include_str!("migrations/sqlite/0001_curator.sql"),
)];

pub const POSTGRES: Files = &[(
    1,
    "curator",
    include_str!("migrations/postgres/0001_curator.sql"),
)];

#[derive(Debug)]
struct Embedded(Files);

impl MigrationSource<'static> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 'static>> {
        let migrations = self
            .0
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    Cow::Borrowed(sql),
                    false,
                )
            })
            .collect();
        Box::pin(async move { Ok(migrations) })
    }
}

pub async fn migrator(files: Files) -> Migrator {
    Migrator::new(Embedded(files))
        .await
        .expect("embedded migrations always resolve")
}
