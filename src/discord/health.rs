//! The Discord side of `/metrics` and `/healthz`: starts the ops server and answers its
//! health probe from the shard manager (which shards of this process are connected) and the
//! core serving now.

use std::net::SocketAddr;
use std::sync::Arc;

use serenity::all::{ConnectionStage, ShardManager};
use tokio::task::JoinHandle;

use super::bot::Shards;
use super::state::{Observed, Shared};
use crate::ops::{self, Health, Probe};

/// Serves `/metrics` and `/healthz` on `addr`. Metrics never stop the bot: when the address
/// is taken or a recorder cannot be installed, a warning says what to change and the bot
/// serves without them.
pub async fn start(
    addr: SocketAddr,
    shared: &Arc<Shared>,
    manager: &Arc<ShardManager>,
    shards: Shards,
) -> Option<JoinHandle<()>> {
    let handle = match ops::metrics::install() {
        Ok(handle) => handle,
        Err(e) => {
            tracing::warn!("{e}; serving without /metrics and /healthz");
            return None;
        }
    };
    let listener = match ops::server::bind(addr).await {
        Ok(listener) => listener,
        Err(e) => {
            tracing::warn!("{e}; serving without /metrics and /healthz");
            return None;
        }
    };
    let bound = listener.local_addr().unwrap_or(addr);
    tracing::info!("metrics on http://{bound}/metrics, health on http://{bound}/healthz");
    shared.observe(Observed::OpsListening(bound));
    let probe = probe(shared.clone(), manager.clone(), shards);
    Some(tokio::spawn(ops::server::serve(listener, handle, probe)))
}

fn probe(shared: Arc<Shared>, manager: Arc<ShardManager>, shards: Shards) -> Probe {
    Arc::new(move || {
        let shared = shared.clone();
        let manager = manager.clone();
        Box::pin(async move {
            let runners = manager.runners.lock().await;
            let started = runners.len();
            let connected = runners
                .values()
                .filter(|r| r.stage == ConnectionStage::Connected)
                .count();
            drop(runners);
            // A range names its shards; with autosharding, the ones started so far are all
            // this process knows of.
            let expected = match shards {
                Shards::Range { first, last, .. } => (last - first + 1) as usize,
                Shards::Auto => started,
            };
            Health {
                shards: expected,
                connected,
                faq_entries: shared.core().faq().entries.len(),
            }
        })
    })
}
