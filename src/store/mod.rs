//! The curator loop's database: feedback votes, unanswered questions ("gaps"), per-server
//! settings, and the values every process of a deployment shares (the vote salt, the FAQ
//! reload generation).
//!
//! One small trait, [`Store`], with SQLite (the default: one file, WAL mode, created on first
//! use) and PostgreSQL (several processes or machines sharing one store) beside it. Nothing
//! here knows Discord, and the core never imports this module: the bot calls it through
//! [`guard::Guarded`], which bounds every call in time so a database that is down or full
//! never holds up an answer or a warning.
//!
//! Times are Unix seconds passed in by the caller, so nothing here reads the clock.

pub mod guard;
mod migrations;
mod postgres;
mod sql;
mod sqlite;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use guard::Guarded;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// The SQLite file's name inside the data directory.
pub const SQLITE_FILE: &str = "gutcheck.db";

/// How long unanswered questions are kept when a server does not say otherwise.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;

/// Where the store lives: a PostgreSQL URL, or else a SQLite file in `data_dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
}

impl Location {
    /// What to show in a log line or an error: the URL without its password.
    pub fn describe(&self) -> String {
        match &self.database_url {
            Some(url) => redact_url(url),
            None => self.data_dir.join(SQLITE_FILE).display().to_string(),
        }
    }
}

/// Opens (and migrates) the store at `location`.
pub async fn open(location: &Location) -> Result<Arc<dyn Store>, StoreError> {
    match location.database_url.as_deref() {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Arc::new(PostgresStore::connect(url).await?))
        }
        Some(url) if url.starts_with("sqlite:") => {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            Ok(Arc::new(SqliteStore::open_file(Path::new(path)).await?))
        }
        Some(other) => Err(StoreError::new(format!(
            "database_url `{}` is neither postgres://... nor sqlite:...; leave it out to use \
             {SQLITE_FILE} in data_dir",
            redact_url(other)
        ))),
        None => Ok(Arc::new(SqliteStore::open_dir(&location.data_dir).await?)),
    }
}

/// `postgres://user:secret@host/db` as `postgres://user:***@host/db`: URLs go in logs and
/// errors, passwords never do.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        // Unparsable: keep only the scheme, since anything after it may hold a secret.
        Err(_) => format!("{}://…", url.split("://").next().unwrap_or("?")),
    }
}

/// A database failure as a sentence for the operator. Never holds a password or message text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(String);

impl StoreError {
    pub fn new(message: impl Into<String>) -> StoreError {
        StoreError(message.into())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// One "Helpful" / "Not helpful" click. `voter` is a salted hash of (user, message)
/// ([`voter_hash`]), so the store can refuse a second vote without knowing who voted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    pub voter: String,
    pub message_id: u64,
    pub guild_id: Option<u64>,
    pub entry_id: String,
    pub helpful: bool,
    pub at: i64,
}

/// What a vote did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteOutcome {
    /// The first vote of this person on this answer.
    Counted,
    /// This person had voted the other way; their vote now counts this way.
    Changed,
    /// The same vote again: nothing changed.
    AlreadyCounted,
}

/// Votes for one entry in one server (`guild_id` is `None` for direct messages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedbackCount {
    pub entry_id: String,
    pub guild_id: Option<u64>,
    pub helpful: u64,
    pub not_helpful: u64,
}

/// Why a question was kept as unanswered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapReason {
    /// Addressed to the bot, and the bot abstained.
    Abstained,
    /// Answered, and the asker found the answer not helpful.
    NotHelpful,
}

impl GapReason {
    fn as_str(self) -> &'static str {
        match self {
            GapReason::Abstained => "abstained",
            GapReason::NotHelpful => "not_helpful",
        }
    }

    fn parse(text: &str) -> GapReason {
        match text {
            "not_helpful" => GapReason::NotHelpful,
            _ => GapReason::Abstained,
        }
    }
}

/// An FAQ entry the question came close to, and how close (the engine's score).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub entry_id: String,
    pub score: f32,
}

/// One unanswered question. `text` is the cleaned message (mentions, links and code
/// stripped): health data, kept only until `expires_at`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// Assigned by the store; ignored by [`Store::add_gap`].
    pub id: i64,
    pub guild_id: u64,
    pub channel_id: u64,
    pub text: String,
    pub reason: GapReason,
    /// Closest first.
    pub candidates: Vec<Candidate>,
    pub asked_at: i64,
    pub expires_at: i64,
}

/// One server's own settings. Every `None` falls back to the settings file, so the file
/// stays the default for every server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GuildConfig {
    pub emergency_contact: Option<String>,
    /// Replaces the file's passive channels and servers for this server when set.
    pub passive_channels: Option<Vec<u64>>,
    /// Replaces the file's scanned channels and servers for this server when set.
    pub scan_channels: Option<Vec<u64>>,
    pub channel_entry_cooldown_secs: Option<u64>,
    pub user_cooldown_secs: Option<u64>,
    pub warning_cooldown_secs: Option<u64>,
    /// Keep unanswered questions (off unless a moderator turns it on).
    pub record_gaps: Option<bool>,
    pub gap_retention_days: Option<u32>,
    pub mod_log_channel: Option<u64>,
}

/// The database behind the curator loop. Every method is one short statement or
/// transaction; callers in the bot wrap them in [`Guarded`].
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// The vote salt kept in the store, created on first use and then shared by every
    /// process (used when the settings do not give one).
    async fn salt(&self) -> Result<String, StoreError>;
    /// Records a vote: one per `voter`; a different vote replaces theirs.
    async fn vote(&self, vote: &Vote) -> Result<VoteOutcome, StoreError>;
    /// Vote counts per entry and server; one server's when `guild` is given.
    async fn feedback(&self, guild: Option<u64>) -> Result<Vec<FeedbackCount>, StoreError>;
    async fn add_gap(&self, gap: &Gap) -> Result<(), StoreError>;
    /// Unanswered questions, oldest first; one server's when `guild` is given.
    async fn gaps(&self, guild: Option<u64>) -> Result<Vec<Gap>, StoreError>;
    /// Deletes unanswered questions (one server's, or all); returns how many.
    async fn purge_gaps(&self, guild: Option<u64>) -> Result<u64, StoreError>;
    /// Deletes every question whose retention ended before `now`; returns how many.
    async fn purge_expired(&self, now: i64) -> Result<u64, StoreError>;
    async fn guild_configs(&self) -> Result<Vec<(u64, GuildConfig)>, StoreError>;
    async fn set_guild_config(
        &self,
        guild: u64,
        config: &GuildConfig,
        now: i64,
    ) -> Result<(), StoreError>;
    /// The FAQ reload generation every process watches.
    async fn generation(&self) -> Result<i64, StoreError>;
    /// Marks a successful reload; returns the new generation.
    async fn bump_generation(&self) -> Result<i64, StoreError>;
}

/// The hash that stands for "this person's vote on this answer": SHA-256 of the salt, the
/// user and the message, hex. Without the salt it cannot be traced back to a user id.
pub fn voter_hash(salt: &str, user: u64, message: u64) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update(b"\0");
    hasher.update(user.to_le_bytes());
    hasher.update(message.to_le_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh random salt (32 bytes, hex) for a new store.
fn new_salt() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        StoreError::new(format!(
            "cannot make a vote salt: the system's random source failed ({e})"
        ))
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Discord ids fit in 63 bits; the databases store them as signed 64-bit integers.
fn to_db(id: u64) -> i64 {
    id as i64
}

fn from_db(id: i64) -> u64 {
    id as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_leave_a_url() {
        let shown = redact_url("postgres://bot:hunter2@db.example:5432/gutcheck");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("bot:***@db.example"), "{shown}");
        assert_eq!(
            redact_url("postgres://localhost/test"),
            "postgres://localhost/test"
        );
        assert!(!redact_url("postgres://a:b@c d/%%").contains(":b@"));
    }

    #[test]
    fn a_voter_hash_depends_on_salt_user_and_message() {
        let h = voter_hash("salt", 1, 2);
        assert_eq!(h.len(), 64);
        assert_ne!(h, voter_hash("other", 1, 2));
        assert_ne!(h, voter_hash("salt", 2, 2));
        assert_ne!(h, voter_hash("salt", 1, 3));
        assert_eq!(h, voter_hash("salt", 1, 2));
    }

    #[test]
    fn a_guild_config_round_trips_and_ignores_what_it_does_not_know() {
        let config = GuildConfig {
            record_gaps: Some(true),
            passive_channels: Some(vec![1, 2]),
            ..GuildConfig::default()
        };
        let text = serde_json::to_string(&config).unwrap();
        assert_eq!(serde_json::from_str::<GuildConfig>(&text).unwrap(), config);
        let older: GuildConfig =
            serde_json::from_str(r#"{"record_gaps":false,"added_later":1}"#).unwrap();
        assert_eq!(older.record_gaps, Some(false));
    }
}
