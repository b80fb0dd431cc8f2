//! `/metrics` (Prometheus text format) and `/healthz` on one address. Loopback by default:
//! the counters say how many people asked about what, which is for the operator alone.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;

/// What `/healthz` checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// Shards this process runs (0 before the gateway said how many).
    pub shards: usize,
    /// Of those, the ones connected to the gateway.
    pub connected: usize,
    /// Entries in the FAQ being served (a core exists only over a FAQ that loaded).
    pub faq_entries: usize,
}

impl Health {
    /// Healthy: every shard of this process connected and a FAQ with entries serving.
    pub fn ok(&self) -> bool {
        self.shards > 0 && self.connected == self.shards && self.faq_entries > 0
    }

    /// The body of `/healthz`: the verdict, then what it was decided from.
    pub fn report(&self) -> String {
        format!(
            "{}\nshards connected: {}/{}\nFAQ loaded: {} entries\n",
            if self.ok() { "ok" } else { "unhealthy" },
            self.connected,
            self.shards,
            self.faq_entries
        )
    }
}

/// Asks the running bot how it is; called on every `/healthz` and `/metrics` request.
pub type Probe = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Health> + Send>> + Send + Sync>;

#[derive(Clone)]
struct Ops {
    metrics: PrometheusHandle,
    probe: Probe,
}

/// Binds `addr`; the caller logs and reports the bound address (port 0 picks one).
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, String> {
    TcpListener::bind(addr).await.map_err(|e| {
        format!(
            "cannot serve metrics on {addr}: {e}. Choose another address with --metrics-addr \
             (or `metrics_addr` in the config), or turn metrics off with --metrics-addr off"
        )
    })
}

/// Serves `/metrics` and `/healthz` on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, metrics: PrometheusHandle, probe: Probe) {
    // Histogram samples wait in the recorder until upkeep drains them: drained on every
    // scrape, and on this timer when nobody scrapes.
    let upkeep = metrics.clone();
    let _upkeep = AbortOnDrop(tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    }));
    let app = Router::new()
        .route("/metrics", get(scrape))
        .route("/healthz", get(healthz))
        .with_state(Ops { metrics, probe });
    if let Err(e) = axum::serve(listener, app).await {
        tracing::warn!("the metrics server stopped: {e}");
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn scrape(State(ops): State<Ops>) -> impl IntoResponse {
    let health = (ops.probe)().await;
    super::metrics::health(health.shards, health.connected, health.faq_entries);
    ops.metrics.run_upkeep();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        ops.metrics.render(),
    )
}

async fn healthz(State(ops): State<Ops>) -> impl IntoResponse {
    let health = (ops.probe)().await;
    let status = if health.ok() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, health.report())
}

#[cfg(test)]
mod tests {
    use super::Health;

    #[test]
    fn healthy_only_with_every_shard_connected_and_a_faq() {
        let up = Health {
            shards: 2,
            connected: 2,
            faq_entries: 40,
        };
        assert!(up.ok());
        assert!(up.report().starts_with("ok\nshards connected: 2/2\n"));
        assert!(
            !Health {
                connected: 1,
                ..up.clone()
            }
            .ok()
        );
        assert!(
            !Health {
                shards: 0,
                connected: 0,
                ..up
            }
            .ok()
        );
    }
}
