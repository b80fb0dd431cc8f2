//! A fresh PostgreSQL database per test, on the server named by `GUTCHECK_TEST_DATABASE_URL`
//! (`.ci/run` starts one on loopback and sets it), so tests run in parallel without
//! seeing each other's rows. Unset, the PostgreSQL tests fail and say how to set it: CI
//! must never skip them silently.
#![allow(dead_code)] // each test file uses its own subset

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{Connection, Executor, PgConnection};

pub const ENV: &str = "GUTCHECK_TEST_DATABASE_URL";

static NEXT: AtomicU64 = AtomicU64::new(0);

pub struct TestDb {
    /// The fresh database's URL.
    pub url: String,
    pub name: String,
    admin: String,
}

/// The server's URL from the environment, or a failure that says how to get one.
pub fn server_url() -> String {
    match std::env::var(ENV) {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "{ENV} is not set. The PostgreSQL tests need a server: start one and export \
             {ENV}=postgres://postgres@127.0.0.1:5432/test (a user allowed to CREATE DATABASE). \
             `.ci/run` installs and starts one and sets it."
        ),
    }
}

/// Creates an empty database for one test.
pub async fn fresh() -> TestDb {
    let admin = server_url();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let name = format!(
        "gutcheck_test_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    let mut conn = admin_connection(&admin).await;
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap_or_else(|e| panic!("cannot create a test database on {ENV}'s server: {e}"));
    let mut url = url::Url::parse(&admin).expect("a postgres:// URL");
    url.set_path(&format!("/{name}"));
    TestDb {
        url: url.to_string(),
        name,
        admin,
    }
}

async fn admin_connection(admin: &str) -> PgConnection {
    PgConnection::connect(admin).await.unwrap_or_else(|e| {
        panic!("cannot connect to the PostgreSQL server in {ENV}: {e} (is it running?)")
    })
}

impl TestDb {
    /// The database goes away under the bot: no new connections, open ones terminated.
    pub async fn take_down(&self) {
        let mut conn = admin_connection(&self.admin).await;
        let name = &self.name;
        conn.execute(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false").as_str())
            .await
            .unwrap();
        conn.execute(
            format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            )
            .as_str(),
        )
        .await
        .unwrap();
    }

    /// Back up after `take_down`.
    pub async fn bring_up(&self) {
        let mut conn = admin_connection(&self.admin).await;
        conn.execute(format!("ALTER DATABASE {} ALLOW_CONNECTIONS true", self.name).as_str())
            .await
            .unwrap();
    }

    pub async fn drop_database(self) {
        let mut conn = admin_connection(&self.admin).await;
        let _ = conn
            .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str())
            .await;
    }
}
