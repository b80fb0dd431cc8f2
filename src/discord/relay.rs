//! The REST relay used with `--api-base`. serenity turns its rate limiter off when requests
//! go to an API base (the limiter's own requests would skip the base), and it keeps neither
//! the status headers nor the body of a 429, so it cannot wait the delay Discord asks for.
//! serenity therefore talks to this relay on 127.0.0.1, and the relay forwards each request
//! to the API base; on a 429 it waits the `Retry-After` Discord gave (header, or
//! `retry_after` in the body) and sends the request again, a bounded number of times.
//!
//! It logs neither paths (interaction tokens are part of them) nor bodies.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

/// Retries of one request after a 429.
const MAX_RETRIES: u32 = 3;
/// A single wait longer than this is not waited out: the 429 goes back to serenity.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// Checks an API base before the token is sent anywhere: `https://`, or `http://` to this
/// machine only (the token would cross the network in clear text).
pub fn check_api_base(base: &str) -> Result<reqwest::Url, String> {
    let url =
        reqwest::Url::parse(base).map_err(|e| format!("--api-base `{base}` is not a URL ({e})"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(format!(
            "--api-base `{base}` is plain http:// to another machine: the bot token would cross \
             the network unencrypted. Use https://, or http:// to 127.0.0.1 or localhost only."
        )),
        _ => Err(format!(
            "--api-base `{base}` must be an https:// URL (or http:// to this machine)"
        )),
    }
}

struct Upstream {
    base: String,
    client: reqwest::Client,
}

/// A running relay: serenity's API base is `url`; dropping it stops the relay.
pub struct Relay {
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a relay to `upstream` on an ephemeral loopback port.
pub async fn start(upstream: &reqwest::Url) -> Result<Relay, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot open the local API relay: {e}"))?;
    let url = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let client = reqwest::Client::builder()
        // A redirect could carry the Authorization header somewhere else.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
    let state = Arc::new(Upstream {
        base: upstream.as_str().trim_end_matches('/').to_string(),
        client,
    });
    let app = axum::Router::new().fallback(forward).with_state(state);
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("the local API relay stopped: {e}");
        }
    });
    Ok(Relay { url, task })
}

/// Headers that belong to one connection, not to the request.
fn hop_by_hop(name: &HeaderName) -> bool {
    [
        header::CONNECTION,
        header::HOST,
        header::CONTENT_LENGTH,
        header::TRANSFER_ENCODING,
        header::UPGRADE,
    ]
    .contains(name)
}

async fn forward(
    State(upstream): State<Arc<Upstream>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let url = format!("{}{path}", upstream.base);
    let mut attempt = 0;
    loop {
        let mut request = upstream
            .client
            .request(method.clone(), &url)
            .body(body.clone());
        for (name, value) in headers.iter().filter(|(n, _)| !hop_by_hop(n)) {
            request = request.header(name, value);
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!("the Discord API could not be reached: {}", e.without_url());
                return (
                    StatusCode::BAD_GATEWAY,
                    "the Discord API could not be reached",
                )
                    .into_response();
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap_or_default();
        if status == StatusCode::TOO_MANY_REQUESTS && attempt < MAX_RETRIES {
            let wait = retry_after(&headers, &bytes);
            if let Some(wait) = wait.filter(|w| *w <= MAX_WAIT) {
                attempt += 1;
                tracing::warn!(
                    ?wait,
                    attempt,
                    "Discord rate limit (429): waiting as asked, then sending again"
                );
                tokio::time::sleep(wait).await;
                continue;
            }
        }
        let mut out = Response::new(Body::from(bytes));
        *out.status_mut() = status;
        for (name, value) in headers.iter().filter(|(n, _)| !hop_by_hop(n)) {
            out.headers_mut().append(name, value.clone());
        }
        return out;
    }
}

/// The delay a 429 asks for: the `Retry-After` header (seconds), else `retry_after` in the
/// JSON body; a 429 that says neither is waited 1 s.
fn retry_after(headers: &HeaderMap, body: &[u8]) -> Option<Duration> {
    let from_header = headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok());
    let from_body = || {
        serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v["retry_after"].as_f64())
    };
    let secs = from_header.or_else(from_body).unwrap_or(1.0);
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_this_machine() {
        assert!(check_api_base("https://proxy.example.org").is_ok());
        assert!(check_api_base("http://127.0.0.1:3000").is_ok());
        assert!(check_api_base("http://[::1]:3000").is_ok());
        assert!(check_api_base("http://localhost:3000/").is_ok());
        let e = check_api_base("http://10.0.0.5:3000").unwrap_err();
        assert!(e.contains("unencrypted"), "{e}");
        assert!(check_api_base("http://127.0.0.1.example.org").is_err());
        assert!(check_api_base("ftp://127.0.0.1").is_err());
        assert!(check_api_base("discord.com").is_err());
    }

    #[test]
    fn the_delay_comes_from_the_header_or_the_body() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            retry_after(&headers, br#"{"retry_after": 0.25}"#),
            Some(Duration::from_millis(250))
        );
        headers.insert(header::RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&headers, b""), Some(Duration::from_secs(2)));
    }
}
