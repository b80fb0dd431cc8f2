//! The bot's only way to the store: every call bounded by a short timeout, and a failing
//! database logged once (when it starts failing, and once when it answers again), never per
//! message. Callers treat `None` as "not stored" and go on: answers and warnings never wait
//! for the database.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{Store, StoreError};

pub struct Guarded {
    store: Arc<dyn Store>,
    timeout: Duration,
    /// What the logs call this database (a URL without its password, or a file path).
    shown: String,
    healthy: AtomicBool,
}

impl Guarded {
    pub fn new(store: Arc<dyn Store>, timeout: Duration, shown: String) -> Guarded {
        Guarded {
            store,
            timeout,
            shown,
            healthy: AtomicBool::new(true),
        }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Runs one store call within the timeout. `None` when it failed or took too long.
    pub async fn call<'a, T, F, Fut>(&'a self, call: F) -> Option<T>
    where
        F: FnOnce(&'a dyn Store) -> Fut,
        Fut: Future<Output = Result<T, StoreError>>,
    {
        let outcome = match tokio::time::timeout(self.timeout, call(self.store.as_ref())).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::new(format!(
                "no answer within {} ms",
                self.timeout.as_millis()
            ))),
        };
        match outcome {
            Ok(value) => {
                if !self.healthy.swap(true, Ordering::SeqCst) {
                    tracing::info!(database = %self.shown, "the database answers again");
                }
                Some(value)
            }
            Err(error) => {
                if self.healthy.swap(false, Ordering::SeqCst) {
                    tracing::warn!(
                        database = %self.shown,
                        "the database is failing ({error}); answers and warnings go on, but \
                         votes, unanswered questions and settings changes are not saved until \
                         it recovers (logged once)"
                    );
                }
                None
            }
        }
    }

    /// Whether the last call succeeded.
    pub fn is_healthy(&self) -> bool {
        self.healthy.load(Ordering::SeqCst)
    }
}
