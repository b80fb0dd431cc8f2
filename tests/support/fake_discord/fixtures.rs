//! Complete Discord objects. Each builder checks its output with serenity's own types, so a
//! fixture serenity would silently drop fails here, loudly, instead of timing out a test.

use serde_json::{Value, json};
use serenity::all as s;

use super::{APP_ID, BOT_USER_ID, GUILD_ID};

pub const TIMESTAMP: &str = "2026-11-21T12:00:00.000000+00:00";

/// Parses `value` as `T` or panics with serde's reason and the payload.
pub fn checked<T: serde::de::DeserializeOwned>(value: Value) -> Value {
    if let Err(e) = serde_json::from_value::<T>(value.clone()) {
        panic!(
            "fixture is not a valid {}: {e}\n{value:#}",
            std::any::type_name::<T>()
        );
    }
    value
}

pub fn user(id: u64, name: &str, bot: bool) -> Value {
    checked::<s::User>(json!({
        "id": id.to_string(), "username": name, "discriminator": "0",
        "global_name": name, "avatar": null, "bot": bot, "public_flags": 0, "flags": 0,
    }))
}

pub fn bot_user() -> Value {
    user(BOT_USER_ID, "gutcheck", true)
}

/// A guild member as interactions carry it: `permissions` are the resolved permissions in
/// the channel, which is what the bot checks for moderators.
pub fn member(user_id: u64, name: &str, permissions: u64) -> Value {
    checked::<s::Member>(json!({
        "user": user(user_id, name, false), "nick": null, "avatar": null, "roles": [],
        "joined_at": TIMESTAMP, "premium_since": null, "deaf": false, "mute": false,
        "flags": 0, "pending": false, "permissions": permissions.to_string(),
        "communication_disabled_until": null,
    }))
}

pub fn application() -> Value {
    checked::<s::CurrentApplicationInfo>(json!({
        "id": APP_ID.to_string(), "name": "gutcheck", "icon": null,
        "description": "", "rpc_origins": [], "bot_public": true,
        "bot_require_code_grant": false, "owner": user(1, "owner", false),
        "verify_key": "00", "team": null, "flags": 0,
    }))
}

pub fn ready(shard: [u32; 2], gateway_url: &str) -> Value {
    checked::<s::Ready>(json!({
        "v": 10, "user": bot_user(), "guilds": [{"id": GUILD_ID.to_string(), "unavailable": true}],
        "session_id": format!("session-{}", shard[0]),
        "resume_gateway_url": gateway_url, "shard": shard,
        "application": {"id": APP_ID.to_string(), "flags": 0},
    }))
}

/// Who writes a message or uses a command in a test.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub id: u64,
    pub name: &'static str,
    pub bot: bool,
    /// Resolved channel permissions (interactions carry them).
    pub permissions: u64,
}

impl Person {
    pub fn user(&self) -> Value {
        user(self.id, self.name, self.bot)
    }
    pub fn member(&self) -> Value {
        member(self.id, self.name, self.permissions)
    }
}

/// A guild channel as `GET /channels/{id}` returns it. `kind`: 0 text, 11 public thread,
/// 15 forum; a thread's `parent` is its channel (or forum).
pub fn channel(id: u64, kind: u8, parent: Option<u64>) -> Value {
    let mut value = json!({
        "id": id.to_string(), "type": kind, "guild_id": GUILD_ID.to_string(),
        "name": format!("channel-{id}"), "position": 0, "permission_overwrites": [],
        "nsfw": false, "parent_id": parent.map(|p| p.to_string()),
    });
    if kind == 11 {
        value["thread_metadata"] = json!({
            "archived": false, "auto_archive_duration": 1440,
            "archive_timestamp": TIMESTAMP, "locked": false,
        });
        value["owner_id"] = json!("501");
        value["member_count"] = json!(1);
        value["message_count"] = json!(1);
    }
    checked::<s::GuildChannel>(value)
}

/// A MESSAGE_CREATE payload in the test guild.
pub fn message(id: u64, channel: u64, author: Person, content: &str, mentions: &[Value]) -> Value {
    let mut member = author.member();
    member.as_object_mut().unwrap().remove("user");
    checked::<s::Message>(json!({
        "id": id.to_string(), "channel_id": channel.to_string(),
        "guild_id": GUILD_ID.to_string(), "author": author.user(), "member": member,
        "content": content, "timestamp": TIMESTAMP, "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": mentions, "mention_roles": [],
        "attachments": [], "embeds": [], "pinned": false, "type": 0, "flags": 0,
        "components": [],
    }))
}

/// What Discord answers to a message the bot created or edited: the body it sent, completed.
pub fn bot_message(id: u64, channel: u64, body: &Value) -> Value {
    let mut message = json!({
        "id": id.to_string(), "channel_id": channel.to_string(), "author": bot_user(),
        "content": body["content"].as_str().unwrap_or(""), "timestamp": TIMESTAMP,
        "edited_timestamp": null, "tts": false, "mention_everyone": false, "mentions": [],
        "mention_roles": [], "attachments": [], "embeds": body.get("embeds").cloned().unwrap_or(json!([])),
        "pinned": false, "type": 0, "flags": body.get("flags").cloned().unwrap_or(json!(0)),
        "components": body.get("components").cloned().unwrap_or(json!([])),
    });
    if serde_json::from_value::<s::Message>(message.clone()).is_err() {
        // What the bot sent is checked by the tests themselves; the echo only has to parse.
        message["embeds"] = json!([]);
        message["components"] = json!([]);
    }
    checked::<s::Message>(message)
}

fn interaction_base(kind: u8, id: u64, channel: u64, by: Person, data: Value) -> Value {
    json!({
        "id": id.to_string(), "application_id": APP_ID.to_string(), "type": kind,
        "data": data, "guild_id": GUILD_ID.to_string(), "channel_id": channel.to_string(),
        "channel": {"id": channel.to_string(), "type": 0, "name": "help"},
        "member": by.member(), "token": format!("token-{id}"), "version": 1,
        "app_permissions": "2147483647", "locale": "en-GB", "guild_locale": "en-US",
        "entitlements": [], "authorizing_integration_owners": {"0": GUILD_ID.to_string()},
        "context": 0, "attachment_size_limit": 8_388_608,
    })
}

/// A slash command use. `options` are (name, option type, value) as Discord sends them.
pub fn command(
    id: u64,
    channel: u64,
    by: Person,
    name: &str,
    options: &[(&str, u8, Value)],
    resolved: Value,
) -> Value {
    let options: Vec<Value> = options
        .iter()
        .map(|(n, t, v)| json!({"name": n, "type": t, "value": v}))
        .collect();
    let data = json!({
        "id": "700000000000000001", "name": name, "type": 1, "options": options,
        "resolved": resolved,
    });
    checked::<s::Interaction>(interaction_base(2, id, channel, by, data))
}

/// A subcommand use (`/name sub`), with the subcommand's own options.
#[allow(dead_code)] // not every test file that includes the fake uses it
pub fn subcommand(
    id: u64,
    channel: u64,
    by: Person,
    name: &str,
    sub: &str,
    options: &[(&str, u8, Value)],
) -> Value {
    let options: Vec<Value> = options
        .iter()
        .map(|(n, t, v)| json!({"name": n, "type": t, "value": v}))
        .collect();
    let data = json!({
        "id": "700000000000000001", "name": name, "type": 1,
        "options": [{"name": sub, "type": 1, "options": options}],
        "resolved": {},
    });
    checked::<s::Interaction>(interaction_base(2, id, channel, by, data))
}

/// An autocomplete request while `by` types `partial` into option `option` of `name`.
pub fn autocomplete(
    id: u64,
    channel: u64,
    by: Person,
    name: &str,
    option: &str,
    partial: &str,
) -> Value {
    let data = json!({
        "id": "700000000000000001", "name": name, "type": 1,
        "options": [{"name": option, "type": 3, "value": partial, "focused": true}],
    });
    checked::<s::Interaction>(interaction_base(4, id, channel, by, data))
}

/// A button click on `message` (a message the bot sent, as the fake echoed it).
pub fn button(id: u64, channel: u64, by: Person, custom_id: &str, message: Value) -> Value {
    let mut value = interaction_base(
        3,
        id,
        channel,
        by,
        json!({"custom_id": custom_id, "component_type": 2}),
    );
    value["message"] = message;
    checked::<s::Interaction>(value)
}

/// A message context-menu command ("Apps > NAME" on a message): Discord sends the selected
/// message itself in `data.resolved.messages`, content included, whatever the intents.
pub fn message_command(id: u64, channel: u64, by: Person, name: &str, target: Value) -> Value {
    let target_id = target["id"]
        .as_str()
        .expect("a message with an id")
        .to_string();
    let data = json!({
        "id": "700000000000000002", "name": name, "type": 3, "target_id": target_id,
        "resolved": {"messages": {target_id.clone(): target}},
    });
    checked::<s::Interaction>(interaction_base(2, id, channel, by, data))
}
