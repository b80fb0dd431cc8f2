//! The gateway half: HELLO, IDENTIFY -> READY, heartbeat ACKs, and dispatches pushed by tests.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::{Identify, Session, State, fixtures};

pub async fn serve(listener: tokio::net::TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(connection(stream, state.clone()));
    }
}

async fn connection(stream: tokio::net::TcpStream, state: Arc<State>) {
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<WsMessage>();
    tokio::spawn(async move {
        while let Some(frame) = rx.recv().await {
            let closing = matches!(frame, WsMessage::Close(_));
            if sink.send(frame).await.is_err() || closing {
                break;
            }
        }
    });
    // Long by default: most tests never wait on a heartbeat; the ones that watch the bot's
    // pulse ask for a short one.
    let hello = json!({"op": 10, "d": {"heartbeat_interval": state.heartbeat_ms}});
    let _ = tx.send(WsMessage::Text(hello.to_string()));

    while let Some(Ok(frame)) = source.next().await {
        let WsMessage::Text(text) = frame else {
            continue;
        };
        let Ok(payload) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        match payload["op"].as_u64() {
            Some(1) => {
                state
                    .heartbeats
                    .lock()
                    .unwrap()
                    .push(std::time::Instant::now());
                let _ = tx.send(WsMessage::Text(json!({"op": 11}).to_string()));
            }
            Some(6) => {
                // RESUME: the session goes on over this connection.
                let d = &payload["d"];
                let shard: u32 = d["session_id"]
                    .as_str()
                    .and_then(|s| s.strip_prefix("session-"))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                let total = state
                    .sessions
                    .lock()
                    .unwrap()
                    .iter()
                    .find(|s| s.shard[0] == shard)
                    .map_or(1, |s| s.shard[1]);
                let seq = d["seq"].as_u64().unwrap_or(1);
                let session = Arc::new(Session {
                    shard: [shard, total],
                    seq: AtomicU64::new(seq + 1),
                    tx: tx.clone(),
                });
                let resumed = json!({"op": 0, "t": "RESUMED", "s": seq + 1, "d": {}});
                let _ = tx.send(WsMessage::Text(resumed.to_string()));
                state.sessions.lock().unwrap().push(session);
                state
                    .resumes
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                state.bump();
            }
            Some(2) => {
                let d = &payload["d"];
                if d["token"].as_str().map(|t| t.trim_start_matches("Bot "))
                    != Some(state.token.as_str())
                {
                    let _ = tx.send(WsMessage::Close(Some(CloseFrame {
                        code: CloseCode::Library(4004),
                        reason: "Authentication failed.".into(),
                    })));
                    return;
                }
                let shard = [
                    d["shard"][0].as_u64().unwrap_or(0) as u32,
                    d["shard"][1].as_u64().unwrap_or(1) as u32,
                ];
                let session = Arc::new(Session {
                    shard,
                    seq: AtomicU64::new(1),
                    tx: tx.clone(),
                });
                let ready = json!({
                    "op": 0, "t": "READY", "s": 1,
                    "d": fixtures::ready(shard, &state.gateway_url)
                });
                let _ = tx.send(WsMessage::Text(ready.to_string()));
                state.sessions.lock().unwrap().push(session);
                state.identifies.lock().unwrap().push(Identify {
                    shard,
                    intents: d["intents"].as_u64().unwrap_or(0),
                });
                state.bump();
            }
            _ => {}
        }
    }
}
