//! A fake Discord on 127.0.0.1: REST (axum) and gateway (tokio-tungstenite), enough of both
//! for serenity + poise to connect, register commands, receive events and reply.
//!
//! Every REST request is recorded; tests wait for the one they expect through a watch
//! channel, never by sleeping. Payloads are built from complete objects (see `fixtures`)
//! because serenity drops an event it cannot deserialize with nothing but a log line.
#![allow(dead_code)] // each test file uses its own subset

pub mod fixtures;
mod gateway;
mod rest;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message as WsMessage;

pub const APP_ID: u64 = 900_000_000_000_000_001;
pub const BOT_USER_ID: u64 = 900_000_000_000_000_002;
pub const GUILD_ID: u64 = 900_000_000_000_000_100;

/// One REST call the bot made.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Starting at `/api/v10/`.
    pub path: String,
    pub body: Value,
    pub authorized: bool,
    /// What the fake answered (429 when a rate limit was injected).
    pub status: u16,
    pub at: Instant,
}

/// An injected rate limit: the next `count` requests matching `method` and starting with
/// `path` get a 429 asking to wait `retry_after` seconds.
#[derive(Debug, Clone)]
pub struct RateLimit {
    pub method: String,
    pub path: String,
    pub count: usize,
    pub retry_after: f64,
}

/// One IDENTIFY the gateway accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Identify {
    pub shard: [u32; 2],
    pub intents: u64,
}

pub(crate) struct Session {
    pub shard: [u32; 2],
    pub seq: AtomicU64,
    pub tx: mpsc::UnboundedSender<WsMessage>,
}

pub(crate) struct State {
    pub token: String,
    pub gateway_url: String,
    pub recommended_shards: u32,
    pub requests: Mutex<Vec<Request>>,
    pub identifies: Mutex<Vec<Identify>>,
    pub sessions: Mutex<Vec<Arc<Session>>>,
    /// Bumped on every recorded request or identify, so waiters re-check.
    pub changed: watch::Sender<u64>,
    pub next_id: AtomicU64,
    pub heartbeat_ms: u64,
    /// When each heartbeat (op 1) arrived.
    pub heartbeats: Mutex<Vec<Instant>>,
    pub rate_limits: Mutex<Vec<RateLimit>>,
    /// Channels `GET /channels/{id}` knows (threads, forum posts, their parents).
    pub channels: Mutex<std::collections::HashMap<u64, Value>>,
    pub resumes: AtomicU64,
    /// (channel, id) of every message the bot created with `POST /channels/{id}/messages`.
    pub posted: Mutex<Vec<(u64, u64)>>,
}

impl State {
    pub fn bump(&self) {
        self.changed.send_modify(|n| *n += 1);
    }

    /// Snowflakes for messages and commands the fake creates; distinct from fixture ids.
    pub fn fresh_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }
}

pub struct FakeDiscord {
    state: Arc<State>,
    pub rest_url: String,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// How long a test waits for something the bot should do promptly. Generous for a loaded
/// 2-core machine; a passing run never comes close.
pub const WAIT: Duration = Duration::from_secs(20);

impl FakeDiscord {
    /// Starts REST and gateway on ephemeral loopback ports. `recommended_shards` is what
    /// `GET /gateway/bot` answers, which autosharding follows.
    pub async fn start(token: &str, recommended_shards: u32) -> FakeDiscord {
        FakeDiscord::start_with(token, recommended_shards, 41_250).await
    }

    /// As `start`, with the heartbeat interval HELLO asks for.
    pub async fn start_with(
        token: &str,
        recommended_shards: u32,
        heartbeat_ms: u64,
    ) -> FakeDiscord {
        let rest = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let rest_url = format!("http://{}", rest.local_addr().unwrap());
        let gateway_url = format!("ws://{}", ws.local_addr().unwrap());
        let (changed, _) = watch::channel(0);
        let state = Arc::new(State {
            token: token.to_string(),
            gateway_url,
            recommended_shards,
            requests: Mutex::new(Vec::new()),
            identifies: Mutex::new(Vec::new()),
            sessions: Mutex::new(Vec::new()),
            changed,
            next_id: AtomicU64::new(800_000_000_000_000_000),
            heartbeat_ms,
            heartbeats: Mutex::new(Vec::new()),
            rate_limits: Mutex::new(Vec::new()),
            channels: Mutex::new(std::collections::HashMap::new()),
            resumes: AtomicU64::new(0),
            posted: Mutex::new(Vec::new()),
        });
        let tasks = vec![
            tokio::spawn(rest::serve(rest, state.clone())),
            tokio::spawn(gateway::serve(ws, state.clone())),
        ];
        FakeDiscord {
            state,
            rest_url,
            tasks,
        }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.requests.lock().unwrap().clone()
    }

    pub fn identifies(&self) -> Vec<Identify> {
        self.state.identifies.lock().unwrap().clone()
    }

    /// Waits until `check` finds something in the state, or panics with `what` after `limit`.
    async fn wait_until<T>(
        &self,
        what: &str,
        limit: Duration,
        mut check: impl FnMut(&State) -> Option<T>,
    ) -> T {
        let mut rx = self.state.changed.subscribe();
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            rx.borrow_and_update();
            if let Some(found) = check(&self.state) {
                return found;
            }
            if tokio::time::timeout_at(deadline, rx.changed())
                .await
                .is_err()
            {
                let seen: Vec<String> = self
                    .requests()
                    .iter()
                    .map(|r| format!("{} {}", r.method, r.path))
                    .collect();
                panic!("timed out waiting for {what}; requests seen: {seen:#?}");
            }
        }
    }

    /// The first recorded request matching `method` and `pred` at or after index `from`.
    pub async fn wait_request(
        &self,
        from: usize,
        method: &str,
        pred: impl Fn(&Request) -> bool,
    ) -> Request {
        self.wait_until(&format!("a {method} request"), WAIT, |s| {
            let requests = s.requests.lock().unwrap();
            requests
                .iter()
                .skip(from)
                .find(|r| r.method == method && pred(r))
                .cloned()
        })
        .await
    }

    /// Fails fast when the bot's HTTP client does not talk to the fake: a request that went
    /// to the real Discord would never show up here.
    pub async fn wait_first_request(&self, limit: Duration) {
        self.wait_until("the first REST request to reach the fake", limit, |s| {
            (!s.requests.lock().unwrap().is_empty()).then_some(())
        })
        .await
    }

    /// The next `count` requests matching `method` and `path` (a prefix) get a 429.
    pub fn rate_limit(&self, method: &str, path: &str, count: usize, retry_after: f64) {
        self.state.rate_limits.lock().unwrap().push(RateLimit {
            method: method.to_string(),
            path: path.to_string(),
            count,
            retry_after,
        });
    }

    /// Makes `GET /channels/{id}` answer with `channel`.
    pub fn add_channel(&self, channel: Value) {
        let id = channel["id"].as_str().unwrap().parse().unwrap();
        self.state.channels.lock().unwrap().insert(id, channel);
    }

    pub fn heartbeats(&self) -> Vec<Instant> {
        self.state.heartbeats.lock().unwrap().clone()
    }

    /// Waits until `check` holds for the fake (any state a test can read), or panics.
    pub async fn wait_until_public(&self, what: &str, check: impl Fn(&FakeDiscord) -> bool) {
        self.wait_until(what, WAIT, |_| check(self).then_some(()))
            .await
    }

    pub fn resumes(&self) -> u64 {
        self.state.resumes.load(Ordering::Relaxed)
    }

    /// Closes the gateway connection of `shard` with a resumable close code, as Discord does
    /// when it restarts a gateway node.
    pub fn close_gateway(&self, shard: u32) {
        let sessions = self.state.sessions.lock().unwrap();
        let session = sessions.iter().rev().find(|s| s.shard[0] == shard).unwrap();
        let _ = session.tx.send(WsMessage::Close(Some(
            tokio_tungstenite::tungstenite::protocol::CloseFrame {
                code: tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode::Library(
                    4000,
                ),
                reason: "Unknown error.".into(),
            },
        )));
    }

    /// Sends raw text as a gateway frame on the session of `shard` (malformed payloads).
    pub fn send_raw(&self, shard: u32, text: String) {
        let sessions = self.state.sessions.lock().unwrap();
        let session = sessions.iter().rev().find(|s| s.shard[0] == shard).unwrap();
        session.tx.send(WsMessage::Text(text)).unwrap();
    }

    /// The id the fake gave the last message the bot posted in `channel`.
    pub fn last_posted_in(&self, channel: u64) -> Option<u64> {
        let posted = self.state.posted.lock().unwrap();
        posted
            .iter()
            .rev()
            .find(|(c, _)| *c == channel)
            .map(|(_, id)| *id)
    }

    pub fn request_count(&self) -> usize {
        self.state.requests.lock().unwrap().len()
    }

    pub async fn wait_identified(&self, shards: usize) -> Vec<Identify> {
        self.wait_until(&format!("{shards} IDENTIFY"), WAIT, |s| {
            let ids = s.identifies.lock().unwrap();
            (ids.len() >= shards).then(|| ids.clone())
        })
        .await
    }

    /// Sends a dispatch event on the session of `shard` (shard 0 when there is only one).
    pub fn dispatch(&self, shard: u32, event: &str, data: Value) {
        let sessions = self.state.sessions.lock().unwrap();
        let session = sessions
            .iter()
            .rev()
            .find(|s| s.shard[0] == shard)
            .unwrap_or_else(|| panic!("no gateway session for shard {shard}"));
        let seq = session.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let frame = serde_json::json!({"op": 0, "t": event, "s": seq, "d": data});
        session
            .tx
            .send(WsMessage::Text(frame.to_string()))
            .expect("the gateway session is gone");
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}
