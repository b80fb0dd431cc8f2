//! The bot's side of the curator loop: the store behind its guard, each server's effective
//! settings (the file's, overridden by `/gutcheck-config`), the vote salt, the answers a
//! "Not helpful" may turn into an unanswered question, and the reload generation.
//!
//! Nothing here is on the path of an answer or a warning: server settings are read from
//! memory (refreshed in the background by `poll`), and every write runs in its own task.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serenity::all::{ChannelId, GuildId};

use super::config::{Settings, Watch};
use super::render::Style;
use crate::store::{self, Candidate, Guarded, GuildConfig};

/// What one server runs with: the file's settings with that server's overrides applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Effective {
    pub style: Style,
    pub passive: Watch,
    pub scan: Watch,
    pub channel_entry_cooldown: Duration,
    pub user_cooldown: Duration,
    pub warning_cooldown: Duration,
    pub record_gaps: bool,
    pub gap_retention_days: u32,
    pub mod_log_channel: Option<ChannelId>,
}

/// The file's settings for `guild`, with the server's own where it set them. A server's
/// channel list replaces the file's lists for that server only.
pub fn effective(settings: &Settings, config: Option<&GuildConfig>) -> Effective {
    let default = GuildConfig::default();
    let c = config.unwrap_or(&default);
    let watch = |own: &Option<Vec<u64>>, file: &Watch| match own {
        Some(channels) => Watch {
            guilds: Default::default(),
            channels: channels.iter().copied().map(ChannelId::new).collect(),
        },
        None => file.clone(),
    };
    let secs = |own: Option<u64>, file: Duration| own.map_or(file, Duration::from_secs);
    Effective {
        style: Style {
            disclaimer: settings.disclaimer.clone(),
            emergency_contact: c
                .emergency_contact
                .clone()
                .or_else(|| settings.emergency_contact.clone()),
            // Set by `Shared::effective`: it knows whether votes can be stored.
            feedback: false,
        },
        passive: watch(&c.passive_channels, &settings.passive),
        scan: watch(&c.scan_channels, &settings.scan),
        channel_entry_cooldown: secs(
            c.channel_entry_cooldown_secs,
            settings.channel_entry_cooldown,
        ),
        user_cooldown: secs(c.user_cooldown_secs, settings.user_cooldown),
        warning_cooldown: secs(c.warning_cooldown_secs, settings.warning_cooldown),
        record_gaps: c.record_gaps.unwrap_or(settings.record_gaps),
        gap_retention_days: c.gap_retention_days.unwrap_or(settings.gap_retention_days),
        mod_log_channel: c
            .mod_log_channel
            .map(ChannelId::new)
            .or(settings.mod_log_channel),
    }
}

/// A question answered in a server that records gaps, kept in memory (never in the store)
/// only until someone finds the answer "Not helpful" or it ages out.
#[derive(Debug, Clone)]
pub struct Asked {
    pub guild: u64,
    pub channel: u64,
    pub text: String,
    pub candidates: Vec<Candidate>,
    pub at: i64,
}

/// How many answered questions are remembered for a "Not helpful", and for how long.
const ASKED_RECORDS: usize = 10_000;
const ASKED_FOR_SECS: i64 = 24 * 60 * 60;

pub struct Curator {
    store: Option<Guarded>,
    configured_salt: Option<String>,
    salt: tokio::sync::OnceCell<String>,
    configs: RwLock<HashMap<u64, GuildConfig>>,
    asked: Mutex<HashMap<u64, Asked>>,
    /// The reload generation this process has caught up with (`i64::MIN`: not read yet).
    generation: AtomicI64,
}

impl Curator {
    pub fn new(store: Option<Guarded>, settings: &Settings) -> Curator {
        Curator {
            store,
            configured_salt: settings.store.as_ref().and_then(|s| s.vote_salt.clone()),
            salt: tokio::sync::OnceCell::new(),
            configs: RwLock::new(HashMap::new()),
            asked: Mutex::new(HashMap::new()),
            generation: AtomicI64::new(i64::MIN),
        }
    }

    /// Message Content when a server set passive or scanned channels of its own (read at
    /// start: a server that sets its first channels later needs the intent from the file,
    /// or a restart).
    pub fn intents(&self) -> serenity::all::GatewayIntents {
        let watching = self.configs.read().unwrap().values().any(|c| {
            c.passive_channels.as_ref().is_some_and(|l| !l.is_empty())
                || c.scan_channels.as_ref().is_some_and(|l| !l.is_empty())
        });
        if watching {
            serenity::all::GatewayIntents::MESSAGE_CONTENT
        } else {
            serenity::all::GatewayIntents::empty()
        }
    }

    /// The guarded store, if one was opened.
    pub fn store(&self) -> Option<&Guarded> {
        self.store.as_ref()
    }

    /// Every mod-log channel a server set with `/gutcheck-config`.
    pub fn mod_log_channels(&self) -> Vec<ChannelId> {
        let configs = self.configs.read().unwrap();
        configs
            .values()
            .filter_map(|c| c.mod_log_channel.map(ChannelId::new))
            .collect()
    }

    pub fn config(&self, guild: Option<GuildId>) -> Option<GuildConfig> {
        let guild = guild?;
        self.configs.read().unwrap().get(&guild.get()).cloned()
    }

    /// Replaces every server's settings with what the store holds (another process may have
    /// changed them). Returns the servers whose settings changed.
    pub fn replace_configs(&self, fresh: Vec<(u64, GuildConfig)>) -> Vec<u64> {
        let fresh: HashMap<u64, GuildConfig> = fresh.into_iter().collect();
        let mut configs = self.configs.write().unwrap();
        let mut changed: Vec<u64> = fresh
            .iter()
            .filter(|(g, c)| configs.get(g) != Some(c))
            .map(|(g, _)| *g)
            .collect();
        changed.extend(configs.keys().filter(|g| !fresh.contains_key(g)).copied());
        *configs = fresh;
        changed
    }

    /// Saves one server's settings, then serves them. `false` when the store failed: the
    /// server keeps its previous settings.
    pub async fn save_config(&self, guild: u64, config: GuildConfig) -> bool {
        let Some(store) = &self.store else {
            return false;
        };
        let saved = store
            .call(|s| s.set_guild_config(guild, &config, unix_now()))
            .await
            .is_some();
        if saved {
            self.configs.write().unwrap().insert(guild, config);
        }
        saved
    }

    /// The salt of the vote hashes: the settings' own, or the one kept in the store.
    pub async fn salt(&self) -> Option<String> {
        if let Some(salt) = &self.configured_salt {
            return Some(salt.clone());
        }
        let store = self.store.as_ref()?;
        self.salt
            .get_or_try_init(|| async { store.call(|s| s.salt()).await.ok_or(()) })
            .await
            .ok()
            .cloned()
    }

    /// Remembers an answered question so a later "Not helpful" can keep it.
    pub fn remember_answer(&self, message: u64, asked: Asked) {
        let mut map = self.asked.lock().unwrap();
        if map.len() >= ASKED_RECORDS {
            let cutoff = asked.at - ASKED_FOR_SECS;
            map.retain(|_, a| a.at >= cutoff);
            if map.len() >= ASKED_RECORDS {
                map.clear();
            }
        }
        map.insert(message, asked);
    }

    /// The question behind an answer message, taken out of memory.
    pub fn take_answer(&self, message: u64) -> Option<Asked> {
        self.asked.lock().unwrap().remove(&message)
    }

    /// Forgets remembered questions of `guild` (recording turned off, or purged).
    pub fn forget_guild(&self, guild: u64) {
        self.asked.lock().unwrap().retain(|_, a| a.guild != guild);
    }

    /// The generation this process has seen; `None` before the first read.
    pub fn seen_generation(&self) -> Option<i64> {
        let g = self.generation.load(Ordering::SeqCst);
        (g != i64::MIN).then_some(g)
    }

    pub fn set_generation(&self, generation: i64) {
        self.generation.store(generation, Ordering::SeqCst);
    }
}

/// Unix seconds for records and retention. The adapter reads the clock; the store does not.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Opens the store named in the settings, guarded. A store that cannot be opened is logged
/// and the bot runs without the curator loop rather than not at all.
pub async fn open_store(settings: &Settings) -> Option<Guarded> {
    let store_settings = settings.store.as_ref()?;
    let location = store_settings.location();
    let shown = location.describe();
    match tokio::time::timeout(Duration::from_secs(15), store::open(&location)).await {
        Ok(Ok(opened)) => {
            tracing::info!(database = %shown, backend = opened.backend(), "store open");
            Some(Guarded::new(opened, store_settings.timeout, shown))
        }
        Ok(Err(e)) => {
            tracing::error!(
                "{e}; the bot runs without votes, unanswered questions and server settings"
            );
            None
        }
        Err(_) => {
            tracing::error!(
                database = %shown,
                "the database did not answer within 15 s; the bot runs without votes, \
                 unanswered questions and server settings"
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_overrides_the_file_only_where_it_says_so() {
        let mut settings = Settings::default();
        settings.passive.channels.insert(ChannelId::new(1));
        settings.emergency_contact = Some("file".into());
        let plain = effective(&settings, None);
        assert!(plain.passive.covers(None, ChannelId::new(1), None));
        assert!(!plain.record_gaps);
        let own = GuildConfig {
            passive_channels: Some(vec![2]),
            user_cooldown_secs: Some(7),
            record_gaps: Some(true),
            ..GuildConfig::default()
        };
        let e = effective(&settings, Some(&own));
        assert!(!e.passive.covers(None, ChannelId::new(1), None));
        assert!(e.passive.covers(None, ChannelId::new(2), None));
        assert_eq!(e.user_cooldown, Duration::from_secs(7));
        assert_eq!(e.style.emergency_contact.as_deref(), Some("file"));
        assert!(e.record_gaps);
        assert_eq!(e.gap_retention_days, 30);
    }

    #[test]
    fn replacing_configs_reports_what_changed() {
        let curator = Curator::new(None, &Settings::default());
        let on = GuildConfig {
            record_gaps: Some(true),
            ..GuildConfig::default()
        };
        assert_eq!(curator.replace_configs(vec![(5, on.clone())]), vec![5]);
        assert!(curator.replace_configs(vec![(5, on)]).is_empty());
        assert_eq!(curator.replace_configs(vec![]), vec![5]);
    }
}
