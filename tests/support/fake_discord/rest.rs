//! The REST half: one handler that records every call and answers the routes serenity and
//! poise use with complete objects.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::fixtures;
use super::{APP_ID, Request, State};

pub async fn serve(listener: tokio::net::TcpListener, state: Arc<State>) {
    let app = axum::Router::new().fallback(handle).with_state(state);
    axum::serve(listener, app).await.unwrap();
}

async fn handle(
    Extract(state): Extract<Arc<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let authorized = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bot {}", state.token));
    let body: Value = if body.is_empty() {
        Value::Null
    } else {
        // Multipart bodies (attachments) are not used by the bot; keep them as text.
        serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()))
    };
    let path = uri.path().to_string();
    let limited = take_rate_limit(&state, &method, &path);
    let response = if let Some(retry_after) = limited {
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(json!({
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": false
            })),
        )
            .into_response();
        response
            .headers_mut()
            .insert("retry-after", retry_after.to_string().parse().unwrap());
        response
    } else if authorized {
        route(&state, &method, &path, &body)
    } else {
        (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"message": "401: Unauthorized", "code": 0})),
        )
            .into_response()
    };
    state.requests.lock().unwrap().push(Request {
        method: method.to_string(),
        path,
        body,
        authorized,
        status: response.status().as_u16(),
        at: std::time::Instant::now(),
    });
    state.bump();
    response
}

/// Consumes one injected rate limit matching the request, if any: its delay in seconds.
fn take_rate_limit(state: &State, method: &Method, path: &str) -> Option<f64> {
    let mut limits = state.rate_limits.lock().unwrap();
    let limit = limits
        .iter_mut()
        .find(|l| l.count > 0 && l.method == method.as_str() && path.starts_with(&l.path))?;
    limit.count -= 1;
    Some(limit.retry_after)
}

fn route(state: &State, method: &Method, path: &str, body: &Value) -> Response {
    let Some(rest) = path.strip_prefix("/api/v10/") else {
        return not_found();
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let ok = |v: Value| (StatusCode::OK, axum::Json(v)).into_response();
    match (method.as_str(), parts.as_slice()) {
        ("GET", ["gateway"]) => ok(json!({"url": state.gateway_url})),
        ("GET", ["gateway", "bot"]) => ok(json!({
            "url": state.gateway_url,
            "shards": state.recommended_shards,
            "session_start_limit": {
                "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1
            }
        })),
        ("GET", ["oauth2", "applications", "@me"]) => ok(fixtures::application()),
        ("GET", ["users", "@me"]) => ok(fixtures::bot_user()),
        ("GET", ["channels", channel]) => {
            let known = channel
                .parse::<u64>()
                .ok()
                .and_then(|id| state.channels.lock().unwrap().get(&id).cloned());
            match known {
                Some(c) => ok(c),
                None => not_found(),
            }
        }
        ("PUT", ["applications", _, "commands"]) => ok(registered(state, body, None)),
        ("PUT", ["applications", _, "guilds", guild, "commands"]) => {
            ok(registered(state, body, Some(guild)))
        }
        ("POST", ["channels", channel, "messages"]) => {
            let channel: u64 = channel.parse().unwrap_or(0);
            let id = state.fresh_id();
            state.posted.lock().unwrap().push((channel, id));
            ok(fixtures::bot_message(id, channel, body))
        }
        ("PATCH", ["channels", channel, "messages", id]) => ok(fixtures::bot_message(
            id.parse().unwrap_or(0),
            channel.parse().unwrap_or(0),
            body,
        )),
        ("DELETE", ["channels", _, "messages", _]) => no_content(),
        ("POST", ["interactions", _, _, "callback"]) => no_content(),
        ("GET" | "PATCH", ["webhooks", _, _, "messages", _]) => {
            ok(fixtures::bot_message(state.fresh_id(), 1, body))
        }
        ("DELETE", ["webhooks", _, _, "messages", _]) => no_content(),
        ("POST", ["webhooks", _, _]) => ok(fixtures::bot_message(state.fresh_id(), 1, body)),
        _ => not_found(),
    }
}

/// Echoes a bulk overwrite as Discord does: every command gets ids and a version.
fn registered(state: &State, body: &Value, guild: Option<&str>) -> Value {
    let commands = body.as_array().cloned().unwrap_or_default();
    Value::Array(
        commands
            .into_iter()
            .map(|mut c| {
                let id = state.fresh_id().to_string();
                let obj = c.as_object_mut().expect("a command object");
                obj.insert("id".into(), json!(id));
                obj.insert("application_id".into(), json!(APP_ID.to_string()));
                obj.insert("version".into(), json!(id));
                obj.entry("type").or_insert(json!(1));
                // Context-menu commands are sent without one; Discord answers with "".
                obj.entry("description").or_insert(json!(""));
                if let Some(g) = guild {
                    obj.insert("guild_id".into(), json!(g));
                }
                c
            })
            .collect(),
    )
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({"message": "404: Not Found", "code": 0})),
    )
        .into_response()
}
