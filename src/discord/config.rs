//! Bot settings: a TOML file (see `gutcheck.example.toml`) with environment overrides, so a
//! container can run from the file in the image and change one thing with an env var.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serenity::all::{ChannelId, GatewayIntents, GuildId, Permissions};

/// Everything the adapter needs besides the token and the FAQ.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Register commands in this guild only (instant updates while developing); otherwise
    /// globally (Discord may take a while to show changes).
    pub dev_guild: Option<GuildId>,
    /// Who counts as a moderator: `/faq-reload` and dismissing anyone's passive reply.
    pub moderator_permission: Permissions,
    /// Replaces the core's disclaimer line in every embed footer when set.
    pub disclaimer: Option<String>,
    /// Appended to urgent and emergency warnings: where to get help locally.
    pub emergency_contact: Option<String>,
    pub passive: Watch,
    pub scan: Watch,
    /// Passive answers: the same entry at most once per channel within this window.
    pub channel_entry_cooldown: Duration,
    /// Passive answers: at most one per user within this window.
    pub user_cooldown: Duration,
    /// Red-flag warnings: the same (user, rule, tier) at most once within this window.
    pub warning_cooldown: Duration,
    /// Forum channels whose new threads get an answer to their first post (passive bar).
    pub forum_channels: HashSet<ChannelId>,
    /// Public `/ask` and public `/faq`: at most one per user within this window (zero: off).
    pub public_user_cooldown: Duration,
    /// Public `/ask` and public `/faq`: at most one per channel within this window.
    pub public_channel_cooldown: Duration,
    /// Answers to mentions in a server: at most one per user within this window. Red-flag
    /// warnings are never held back by it.
    pub mention_user_cooldown: Duration,
    /// How often the FAQ folder is checked for changes; `None` turns the watcher off.
    pub reload_poll: Option<Duration>,
    /// `/ask` answers only the asker unless they choose `private: false` (or this is false).
    pub ask_private: bool,
    /// The most time one message or command may take, queueing included; past it the asker
    /// is told to try again and the work's late result is dropped.
    pub reply_budget: Duration,
    /// An interaction whose answer is not ready after this long is acknowledged ("thinking")
    /// first, well inside Discord's 3-second window.
    pub defer_after: Duration,
    /// The most time a reload may take before it is reported as failed.
    pub reload_budget: Duration,
    /// Logs the text of messages and questions at debug level. Message text is health
    /// data: only for an operator debugging, never left on.
    pub log_message_text: bool,
    /// The curator loop's database: votes, unanswered questions, per-server settings.
    /// `None` runs without one (settings built in code, e.g. tests); the settings file and
    /// the environment always name one: `data/gutcheck.db` unless told otherwise.
    pub store: Option<StoreSettings>,
    /// The defaults every server starts from; `/gutcheck-config` overrides them per server.
    pub record_gaps: bool,
    pub gap_retention_days: u32,
    /// Every reload (command or watcher, success or failure) is reported here: what changed,
    /// or every problem found. Never anything a member wrote. `/gutcheck-config` sets it per
    /// server.
    pub mod_log_channel: Option<ChannelId>,
    /// Where `/metrics` and `/healthz` are served; `None` turns them off. `Settings::default`
    /// leaves them off (tests, embedding); a loaded config starts from
    /// `DEFAULT_METRICS_ADDR`.
    pub metrics_addr: Option<SocketAddr>,
    /// How log lines are written: readable text, or one JSON object per line.
    pub log_format: LogFormat,
}

/// Where the store is and how the bot talks to it.
#[derive(Debug, Clone)]
pub struct StoreSettings {
    /// `postgres://...` for a store shared by several processes; otherwise SQLite.
    /// Holds a password: never logged (see `store::redact_url`).
    pub database_url: Option<String>,
    /// Where `gutcheck.db` lives when no `database_url` is set.
    pub data_dir: PathBuf,
    /// Salt of the vote hashes; when unset, one is generated and kept in the store.
    pub vote_salt: Option<String>,
    /// The longest any one store call may take before the bot gives up on it.
    pub timeout: Duration,
    /// How often server settings and the FAQ reload generation are read from the store (so
    /// other processes' changes arrive), and expired questions purged.
    pub poll: Duration,
}

impl Default for StoreSettings {
    fn default() -> StoreSettings {
        StoreSettings {
            database_url: None,
            data_dir: PathBuf::from("data"),
            vote_salt: None,
            timeout: Duration::from_millis(1500),
            poll: Duration::from_secs(10),
        }
    }
}

/// Loopback: the counters are for the operator, not for the network.
pub const DEFAULT_METRICS_ADDR: &str = "127.0.0.1:9464";

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Readable lines for a terminal or journald.
    #[default]
    Text,
    /// One JSON object per line, for log shippers (Loki, Elasticsearch, CloudWatch).
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<LogFormat, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err(format!("unknown log format `{text}`: use text or json")),
        }
    }
}

/// A metrics address as written in the config, the env or on the command line: `HOST:PORT`,
/// or `off` (also `none`, `false`, empty) for no metrics server.
pub fn parse_metrics_addr(text: &str) -> Result<Option<SocketAddr>, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "off" | "none" | "false" => Ok(None),
        _ => text.trim().parse().map(Some).map_err(|_| {
            format!(
                "`{text}` is not a metrics address: write IP:PORT (e.g. {DEFAULT_METRICS_ADDR}) or off"
            )
        }),
    }
}

impl StoreSettings {
    pub fn location(&self) -> crate::store::Location {
        crate::store::Location {
            database_url: self.database_url.clone(),
            data_dir: self.data_dir.clone(),
        }
    }
}

/// Where a message-based feature is on: listed channels, or every channel of listed guilds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Watch {
    pub guilds: HashSet<GuildId>,
    pub channels: HashSet<ChannelId>,
}

impl Watch {
    /// Whether a message in `channel` is covered. A thread or forum post passes its parent
    /// channel as `parent`, and inherits that channel's setting.
    pub fn covers(
        &self,
        guild: Option<GuildId>,
        channel: ChannelId,
        parent: Option<ChannelId>,
    ) -> bool {
        self.channels.contains(&channel)
            || parent.is_some_and(|p| self.channels.contains(&p))
            || guild.is_some_and(|g| self.guilds.contains(&g))
    }

    pub fn is_empty(&self) -> bool {
        self.guilds.is_empty() && self.channels.is_empty()
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            dev_guild: None,
            moderator_permission: Permissions::MANAGE_MESSAGES,
            disclaimer: None,
            emergency_contact: None,
            passive: Watch::default(),
            scan: Watch::default(),
            channel_entry_cooldown: Duration::from_secs(30 * 60),
            user_cooldown: Duration::from_secs(5 * 60),
            warning_cooldown: Duration::from_secs(6 * 60 * 60),
            forum_channels: HashSet::new(),
            public_user_cooldown: Duration::from_secs(60),
            public_channel_cooldown: Duration::from_secs(15),
            mention_user_cooldown: Duration::from_secs(30),
            reload_poll: Some(Duration::from_secs(5)),
            ask_private: true,
            reply_budget: Duration::from_secs(10),
            defer_after: Duration::from_millis(1500),
            reload_budget: Duration::from_secs(60),
            log_message_text: false,
            store: None,
            record_gaps: false,
            gap_retention_days: crate::store::DEFAULT_RETENTION_DAYS,
            mod_log_channel: None,
            metrics_addr: None,
            log_format: LogFormat::Text,
        }
    }
}

/// The file as written; every key optional, unknown keys rejected so a typo is reported.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    dev_guild: Option<u64>,
    moderator_permission: Option<String>,
    disclaimer: Option<String>,
    emergency_contact: Option<String>,
    #[serde(default)]
    passive: WatchFile,
    #[serde(default)]
    scan: ScanFile,
    #[serde(default)]
    forum_channels: Vec<u64>,
    #[serde(default)]
    cooldowns: CooldownsFile,
    reload_poll_secs: Option<u64>,
    ask_private: Option<bool>,
    reply_budget_secs: Option<u64>,
    log_message_text: Option<bool>,
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    vote_salt: Option<String>,
    store_poll_secs: Option<u64>,
    mod_log_channel: Option<u64>,
    metrics_addr: Option<String>,
    log_format: Option<String>,
    #[serde(default)]
    gaps: GapsFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GapsFile {
    record: Option<bool>,
    retention_days: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WatchFile {
    #[serde(default)]
    guilds: Vec<u64>,
    #[serde(default)]
    channels: Vec<u64>,
    channel_entry_cooldown_secs: Option<u64>,
    user_cooldown_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CooldownsFile {
    public_user_secs: Option<u64>,
    public_channel_secs: Option<u64>,
    mention_user_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScanFile {
    #[serde(default)]
    guilds: Vec<u64>,
    #[serde(default)]
    channels: Vec<u64>,
    warning_cooldown_secs: Option<u64>,
}

/// The environment variables that override the file, in the order they are applied.
pub const ENV_VARS: [&str; 26] = [
    "GUTCHECK_DEV_GUILD",
    "GUTCHECK_MODERATOR_PERMISSION",
    "GUTCHECK_DISCLAIMER",
    "GUTCHECK_EMERGENCY_CONTACT",
    "GUTCHECK_PASSIVE_GUILDS",
    "GUTCHECK_PASSIVE_CHANNELS",
    "GUTCHECK_SCAN_GUILDS",
    "GUTCHECK_SCAN_CHANNELS",
    "GUTCHECK_CHANNEL_ENTRY_COOLDOWN_SECS",
    "GUTCHECK_USER_COOLDOWN_SECS",
    "GUTCHECK_WARNING_COOLDOWN_SECS",
    "GUTCHECK_FORUM_CHANNELS",
    "GUTCHECK_PUBLIC_USER_COOLDOWN_SECS",
    "GUTCHECK_PUBLIC_CHANNEL_COOLDOWN_SECS",
    "GUTCHECK_MENTION_COOLDOWN_SECS",
    "GUTCHECK_RELOAD_POLL_SECS",
    "GUTCHECK_ASK_PRIVATE",
    "GUTCHECK_REPLY_BUDGET_SECS",
    "GUTCHECK_LOG_MESSAGE_TEXT",
    "GUTCHECK_DATABASE_URL",
    "GUTCHECK_DATA_DIR",
    "GUTCHECK_VOTE_SALT",
    "GUTCHECK_RECORD_GAPS",
    "GUTCHECK_MOD_LOG_CHANNEL",
    "GUTCHECK_METRICS_ADDR",
    "GUTCHECK_LOG_FORMAT",
];

impl Settings {
    /// Reads `path` (when given) and applies the process environment on top.
    pub fn load(path: Option<&Path>) -> Result<Settings, String> {
        let text = match path {
            Some(p) => Some(std::fs::read_to_string(p).map_err(|e| {
                format!(
                    "cannot read the config file {}: {e} (see gutcheck.example.toml)",
                    p.display()
                )
            })?),
            None => None,
        };
        let origin = path.map(|p| p.display().to_string()).unwrap_or_default();
        Settings::from_parts(text.as_deref(), &origin, |k| std::env::var(k).ok())
    }

    /// The pure part of `load`: file text plus an environment lookup.
    pub fn from_parts(
        text: Option<&str>,
        origin: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, String> {
        let file: File = match text {
            Some(t) => toml::from_str(t).map_err(|e| format!("{origin}: {e}"))?,
            None => File::default(),
        };
        let mut s = Settings {
            dev_guild: file.dev_guild.map(GuildId::new),
            ..Settings::default()
        };
        if let Some(p) = &file.moderator_permission {
            s.moderator_permission = parse_permission(p).map_err(|e| format!("{origin}: {e}"))?;
        }
        s.disclaimer = file.disclaimer.filter(|d| !d.trim().is_empty());
        s.emergency_contact = file.emergency_contact.filter(|d| !d.trim().is_empty());
        s.passive = Watch {
            guilds: file.passive.guilds.into_iter().map(GuildId::new).collect(),
            channels: file
                .passive
                .channels
                .into_iter()
                .map(ChannelId::new)
                .collect(),
        };
        s.scan = Watch {
            guilds: file.scan.guilds.into_iter().map(GuildId::new).collect(),
            channels: file.scan.channels.into_iter().map(ChannelId::new).collect(),
        };
        if let Some(secs) = file.passive.channel_entry_cooldown_secs {
            s.channel_entry_cooldown = Duration::from_secs(secs);
        }
        if let Some(secs) = file.passive.user_cooldown_secs {
            s.user_cooldown = Duration::from_secs(secs);
        }
        if let Some(secs) = file.scan.warning_cooldown_secs {
            s.warning_cooldown = Duration::from_secs(secs);
        }
        s.forum_channels = file
            .forum_channels
            .into_iter()
            .map(ChannelId::new)
            .collect();
        let cooldowns = &file.cooldowns;
        if let Some(secs) = cooldowns.public_user_secs {
            s.public_user_cooldown = Duration::from_secs(secs);
        }
        if let Some(secs) = cooldowns.public_channel_secs {
            s.public_channel_cooldown = Duration::from_secs(secs);
        }
        if let Some(secs) = cooldowns.mention_user_secs {
            s.mention_user_cooldown = Duration::from_secs(secs);
        }
        if let Some(secs) = file.reload_poll_secs {
            s.reload_poll = (secs > 0).then(|| Duration::from_secs(secs));
        }
        if let Some(private) = file.ask_private {
            s.ask_private = private;
        }
        if let Some(secs) = file.reply_budget_secs {
            s.reply_budget = Duration::from_secs(secs.max(1));
        }
        if let Some(on) = file.log_message_text {
            s.log_message_text = on;
        }
        let mut store = StoreSettings {
            database_url: file.database_url.filter(|u| !u.trim().is_empty()),
            vote_salt: file.vote_salt.filter(|v| !v.trim().is_empty()),
            ..StoreSettings::default()
        };
        if let Some(dir) = file.data_dir {
            store.data_dir = dir;
        }
        if let Some(secs) = file.store_poll_secs {
            store.poll = Duration::from_secs(secs.max(1));
        }
        s.store = Some(store);
        s.mod_log_channel = file.mod_log_channel.map(ChannelId::new);
        if let Some(on) = file.gaps.record {
            s.record_gaps = on;
        }
        if let Some(days) = file.gaps.retention_days {
            s.gap_retention_days = check_retention(days).map_err(|e| format!("{origin}: {e}"))?;
        }
        s.metrics_addr =
            parse_metrics_addr(file.metrics_addr.as_deref().unwrap_or(DEFAULT_METRICS_ADDR))
                .map_err(|e| format!("{origin}: {e}"))?;
        if let Some(format) = &file.log_format {
            s.log_format = format.parse().map_err(|e| format!("{origin}: {e}"))?;
        }
        s.apply_env(env)?;
        Ok(s)
    }

    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        let get = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let bad = |k: &str, e: String| format!("environment variable {k}: {e}");
        if let Some(v) = get("GUTCHECK_DEV_GUILD") {
            self.dev_guild = Some(GuildId::new(
                parse_id(&v).map_err(|e| bad("GUTCHECK_DEV_GUILD", e))?,
            ));
        }
        if let Some(v) = get("GUTCHECK_MODERATOR_PERMISSION") {
            self.moderator_permission =
                parse_permission(&v).map_err(|e| bad("GUTCHECK_MODERATOR_PERMISSION", e))?;
        }
        if let Some(v) = get("GUTCHECK_MOD_LOG_CHANNEL") {
            self.mod_log_channel = Some(ChannelId::new(
                parse_id(&v).map_err(|e| bad("GUTCHECK_MOD_LOG_CHANNEL", e))?,
            ));
        }
        // Read unfiltered: an empty GUTCHECK_METRICS_ADDR turns metrics off.
        if let Some(v) = env("GUTCHECK_METRICS_ADDR") {
            self.metrics_addr =
                parse_metrics_addr(&v).map_err(|e| bad("GUTCHECK_METRICS_ADDR", e))?;
        }
        if let Some(v) = get("GUTCHECK_LOG_FORMAT") {
            self.log_format = v.parse().map_err(|e| bad("GUTCHECK_LOG_FORMAT", e))?;
        }
        if let Some(v) = get("GUTCHECK_DISCLAIMER") {
            self.disclaimer = Some(v);
        }
        if let Some(v) = get("GUTCHECK_EMERGENCY_CONTACT") {
            self.emergency_contact = Some(v);
        }
        let ids = |k: &str| -> Result<Option<Vec<u64>>, String> {
            get(k)
                .map(|v| {
                    v.split(',')
                        .map(|id| parse_id(id).map_err(|e| bad(k, e)))
                        .collect()
                })
                .transpose()
        };
        if let Some(v) = ids("GUTCHECK_PASSIVE_GUILDS")? {
            self.passive.guilds = v.into_iter().map(GuildId::new).collect();
        }
        if let Some(v) = ids("GUTCHECK_PASSIVE_CHANNELS")? {
            self.passive.channels = v.into_iter().map(ChannelId::new).collect();
        }
        if let Some(v) = ids("GUTCHECK_SCAN_GUILDS")? {
            self.scan.guilds = v.into_iter().map(GuildId::new).collect();
        }
        if let Some(v) = ids("GUTCHECK_SCAN_CHANNELS")? {
            self.scan.channels = v.into_iter().map(ChannelId::new).collect();
        }
        if let Some(v) = ids("GUTCHECK_FORUM_CHANNELS")? {
            self.forum_channels = v.into_iter().map(ChannelId::new).collect();
        }
        let secs = |k: &str| -> Result<Option<u64>, String> {
            get(k)
                .map(|v| {
                    v.trim()
                        .parse::<u64>()
                        .map_err(|_| bad(k, format!("`{v}` is not a whole number of seconds")))
                })
                .transpose()
        };
        if let Some(n) = secs("GUTCHECK_CHANNEL_ENTRY_COOLDOWN_SECS")? {
            self.channel_entry_cooldown = Duration::from_secs(n);
        }
        if let Some(n) = secs("GUTCHECK_USER_COOLDOWN_SECS")? {
            self.user_cooldown = Duration::from_secs(n);
        }
        if let Some(n) = secs("GUTCHECK_WARNING_COOLDOWN_SECS")? {
            self.warning_cooldown = Duration::from_secs(n);
        }
        if let Some(n) = secs("GUTCHECK_PUBLIC_USER_COOLDOWN_SECS")? {
            self.public_user_cooldown = Duration::from_secs(n);
        }
        if let Some(n) = secs("GUTCHECK_PUBLIC_CHANNEL_COOLDOWN_SECS")? {
            self.public_channel_cooldown = Duration::from_secs(n);
        }
        if let Some(n) = secs("GUTCHECK_MENTION_COOLDOWN_SECS")? {
            self.mention_user_cooldown = Duration::from_secs(n);
        }
        if let Some(n) = secs("GUTCHECK_RELOAD_POLL_SECS")? {
            self.reload_poll = (n > 0).then(|| Duration::from_secs(n));
        }
        if let Some(n) = secs("GUTCHECK_REPLY_BUDGET_SECS")? {
            self.reply_budget = Duration::from_secs(n.max(1));
        }
        let flag = |k: &str| -> Result<Option<bool>, String> {
            get(k)
                .map(|v| match v.trim().to_ascii_lowercase().as_str() {
                    "1" | "true" | "yes" | "on" => Ok(true),
                    "0" | "false" | "no" | "off" => Ok(false),
                    _ => Err(bad(k, format!("`{v}` is not true or false"))),
                })
                .transpose()
        };
        if let Some(on) = flag("GUTCHECK_ASK_PRIVATE")? {
            self.ask_private = on;
        }
        if let Some(on) = flag("GUTCHECK_LOG_MESSAGE_TEXT")? {
            self.log_message_text = on;
        }
        let store = self.store.get_or_insert_with(StoreSettings::default);
        if let Some(url) = get("GUTCHECK_DATABASE_URL") {
            store.database_url = Some(url);
        }
        if let Some(dir) = get("GUTCHECK_DATA_DIR") {
            store.data_dir = PathBuf::from(dir);
        }
        if let Some(salt) = get("GUTCHECK_VOTE_SALT") {
            store.vote_salt = Some(salt);
        }
        if let Some(on) = flag("GUTCHECK_RECORD_GAPS")? {
            self.record_gaps = on;
        }
        if let Some(v) = get("GUTCHECK_MOD_LOG_CHANNEL") {
            self.mod_log_channel = Some(ChannelId::new(
                parse_id(&v).map_err(|e| bad("GUTCHECK_MOD_LOG_CHANNEL", e))?,
            ));
        }
        Ok(())
    }

    /// Only what is used: interactions need no intent; messages are needed for mentions
    /// (Discord sends a mention's content without the privileged intent), and message
    /// content only when the bot reads every message in passive or scanned channels.
    pub fn intents(&self) -> GatewayIntents {
        let mut intents = GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
        if self.reads_all_messages() {
            intents |= GatewayIntents::MESSAGE_CONTENT;
        }
        intents
    }

    pub fn reads_all_messages(&self) -> bool {
        !self.passive.is_empty() || !self.scan.is_empty() || !self.forum_channels.is_empty()
    }

    /// Poise's cooldown settings for public `/ask` and public `/faq`.
    pub fn public_cooldown(&self) -> poise::CooldownConfig {
        let on = |d: Duration| (!d.is_zero()).then_some(d);
        poise::CooldownConfig {
            user: on(self.public_user_cooldown),
            channel: on(self.public_channel_cooldown),
            ..Default::default()
        }
    }
}

/// Unanswered questions are kept at least a day and at most a year.
pub fn check_retention(days: u32) -> Result<u32, String> {
    if (1..=365).contains(&days) {
        Ok(days)
    } else {
        Err(format!(
            "gap retention of {days} days is out of range: choose 1 to 365 days (default {})",
            crate::store::DEFAULT_RETENTION_DAYS
        ))
    }
}

fn parse_id(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(format!(
            "`{}` is not a Discord id (enable Developer Mode in Discord, then right-click > Copy ID)",
            text.trim()
        )),
    }
}

/// Accepts Discord's permission names as the API spells them (`MANAGE_MESSAGES`), any case.
fn parse_permission(text: &str) -> Result<Permissions, String> {
    let name = text.trim().to_ascii_uppercase().replace([' ', '-'], "_");
    Permissions::from_name(&name).ok_or_else(|| {
        format!(
            "unknown permission `{text}`: use a name such as MANAGE_MESSAGES, MANAGE_GUILD or \
             MODERATE_MEMBERS"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_read_no_message_content() {
        let s = Settings::from_parts(None, "", no_env).unwrap();
        assert!(!s.intents().contains(GatewayIntents::MESSAGE_CONTENT));
        assert_eq!(s.moderator_permission, Permissions::MANAGE_MESSAGES);
    }

    #[test]
    fn file_then_env_override() {
        let text = r#"
            moderator_permission = "manage_guild"
            emergency_contact = "UK: call 999"
            [passive]
            channels = [11, 12]
            user_cooldown_secs = 60
            [scan]
            guilds = [5]
        "#;
        let env = |k: &str| match k {
            "GUTCHECK_PASSIVE_CHANNELS" => Some("13".to_string()),
            "GUTCHECK_WARNING_COOLDOWN_SECS" => Some("10".to_string()),
            _ => None,
        };
        let s = Settings::from_parts(Some(text), "t.toml", env).unwrap();
        assert_eq!(s.moderator_permission, Permissions::MANAGE_GUILD);
        assert_eq!(s.emergency_contact.as_deref(), Some("UK: call 999"));
        assert_eq!(s.passive.channels, HashSet::from([ChannelId::new(13)]));
        assert_eq!(s.user_cooldown, Duration::from_secs(60));
        assert_eq!(s.warning_cooldown, Duration::from_secs(10));
        assert!(
            s.scan
                .covers(Some(GuildId::new(5)), ChannelId::new(99), None)
        );
        assert!(
            s.passive
                .covers(None, ChannelId::new(77), Some(ChannelId::new(13)))
        );
        assert!(
            !s.passive
                .covers(None, ChannelId::new(77), Some(ChannelId::new(12)))
        );
        assert!(s.intents().contains(GatewayIntents::MESSAGE_CONTENT));
    }

    #[test]
    fn forums_and_cooldowns_from_file_and_env() {
        let text = r#"
            forum_channels = [44]
            [cooldowns]
            public_user_secs = 0
            public_channel_secs = 7
        "#;
        let env = |k: &str| (k == "GUTCHECK_MENTION_COOLDOWN_SECS").then(|| "9".to_string());
        let s = Settings::from_parts(Some(text), "t.toml", env).unwrap();
        assert_eq!(s.forum_channels, HashSet::from([ChannelId::new(44)]));
        assert_eq!(s.mention_user_cooldown, Duration::from_secs(9));
        let poise = s.public_cooldown();
        assert_eq!(poise.user, None, "zero turns a cooldown off");
        assert_eq!(poise.channel, Some(Duration::from_secs(7)));
        assert!(
            s.intents().contains(GatewayIntents::MESSAGE_CONTENT),
            "a forum's first posts need message content"
        );
        let e =
            Settings::from_parts(Some("[cooldowns]\npublic_user = 3"), "b", no_env).unwrap_err();
        assert!(e.contains("public_user"), "{e}");
    }

    #[test]
    fn the_example_config_parses() {
        let text = include_str!("../../gutcheck.example.toml");
        let s = Settings::from_parts(Some(text), "gutcheck.example.toml", no_env).unwrap();
        assert!(s.emergency_contact.is_some());
        assert!(
            !s.reads_all_messages(),
            "the example turns nothing on by itself"
        );
    }

    #[test]
    fn the_store_and_gaps_settings_read_from_file_and_env() {
        assert!(
            Settings::default().store.is_none(),
            "code-built settings have no database"
        );
        let text = r#"
            data_dir = "/var/lib/gutcheck"
            mod_log_channel = 77
            [gaps]
            record = true
            retention_days = 7
        "#;
        let env =
            |k: &str| (k == "GUTCHECK_DATABASE_URL").then(|| "postgres://u:p@h/db".to_string());
        let s = Settings::from_parts(Some(text), "t.toml", env).unwrap();
        let store = s.store.unwrap();
        assert_eq!(store.data_dir, PathBuf::from("/var/lib/gutcheck"));
        assert_eq!(store.database_url.as_deref(), Some("postgres://u:p@h/db"));
        assert!(s.record_gaps);
        assert_eq!(s.gap_retention_days, 7);
        assert_eq!(s.mod_log_channel, Some(ChannelId::new(77)));
        let plain = Settings::from_parts(None, "", no_env).unwrap();
        assert_eq!(plain.store.unwrap().data_dir, PathBuf::from("data"));
        assert!(!plain.record_gaps, "off unless turned on");
        let e =
            Settings::from_parts(Some("[gaps]\nretention_days = 0"), "b.toml", no_env).unwrap_err();
        assert!(e.starts_with("b.toml:") && e.contains("1 to 365"), "{e}");
    }

    #[test]
    fn mod_log_metrics_and_log_format_from_file_and_env() {
        let s = Settings::from_parts(None, "", no_env).unwrap();
        assert_eq!(s.metrics_addr, Some(DEFAULT_METRICS_ADDR.parse().unwrap()));
        assert_eq!(s.log_format, LogFormat::Text);
        assert_eq!(s.mod_log_channel, None);
        let text = "mod_log_channel = 77\nmetrics_addr = \"off\"\nlog_format = \"json\"\n";
        let s = Settings::from_parts(Some(text), "b.toml", no_env).unwrap();
        assert_eq!(s.mod_log_channel, Some(ChannelId::new(77)));
        assert_eq!(s.metrics_addr, None);
        assert_eq!(s.log_format, LogFormat::Json);
        let env = |k: &str| match k {
            "GUTCHECK_METRICS_ADDR" => Some("127.0.0.1:9999".to_string()),
            "GUTCHECK_MOD_LOG_CHANNEL" => Some("78".to_string()),
            "GUTCHECK_LOG_FORMAT" => Some("text".to_string()),
            _ => None,
        };
        let s = Settings::from_parts(Some(text), "b.toml", env).unwrap();
        assert_eq!(s.metrics_addr, Some("127.0.0.1:9999".parse().unwrap()));
        assert_eq!(s.mod_log_channel, Some(ChannelId::new(78)));
        assert_eq!(s.log_format, LogFormat::Text);
        let e =
            Settings::from_parts(Some("metrics_addr = \"localhost\""), "b", no_env).unwrap_err();
        assert!(e.contains("`localhost` is not a metrics address"), "{e}");
        let e = Settings::from_parts(Some("log_format = \"xml\""), "b", no_env).unwrap_err();
        assert!(e.contains("unknown log format `xml`"), "{e}");
    }

    #[test]
    fn mistakes_are_reported_with_their_origin() {
        let e = Settings::from_parts(Some("passiv = 1"), "bot.toml", no_env).unwrap_err();
        assert!(e.starts_with("bot.toml:"), "{e}");
        let e =
            Settings::from_parts(Some("moderator_permission = \"boss\""), "b", no_env).unwrap_err();
        assert!(e.contains("unknown permission `boss`"), "{e}");
        let env = |k: &str| (k == "GUTCHECK_SCAN_CHANNELS").then(|| "12,abc".to_string());
        let e = Settings::from_parts(None, "", env).unwrap_err();
        assert!(
            e.contains("GUTCHECK_SCAN_CHANNELS") && e.contains("`abc`"),
            "{e}"
        );
    }
}
