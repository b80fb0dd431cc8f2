//! What every handler shares: the swappable core, settings, cooldowns, and an optional
//! observer that hears every decision (tests wait on it instead of sleeping; it is also the
//! one place a deployment could count what the bot does).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwap;
use serenity::all::{ChannelId, Http};
use tokio::sync::mpsc;

use super::config::Settings;
use super::cooldown::{Held, Passive, Window};
use super::core::{Core, Loader};
use super::curator::{Curator, Effective, effective};
use super::publishing::{self, Reloaded};
use super::render::Style;
use crate::faq::Tier;
use crate::ops::metrics;
use crate::triage::cooldown::Cooldown;

/// Something the adapter decided, reported to the observer.
#[derive(Debug, Clone, PartialEq)]
pub enum Observed {
    /// What happened to one incoming message.
    Message { id: u64, outcome: Outcome },
    /// A reload finished; `Err` holds every problem found.
    Reload {
        trigger: Trigger,
        result: Result<String, Vec<String>>,
    },
    /// An unanswered question was handed to the store; `saved` is false when the store
    /// failed (the question is then lost, never retried from memory).
    GapKept { guild: u64, saved: bool },
    /// `/metrics` and `/healthz` are being served on this address.
    OpsListening(SocketAddr),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A reply was sent: the warning tier shown (if any) and the entry answered (if any).
    Replied {
        warned: Option<Tier>,
        answered: Option<String>,
    },
    Ignored(Skip),
    /// The engine did not finish within the reply budget; `notified` when the writer was
    /// told (they addressed the bot).
    OverBudget {
        notified: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Written by a bot or a webhook (including gutcheck itself).
    Bot,
    /// Not a mention, not a DM, not a passive or scanned channel.
    NotWatched,
    /// Nothing to say: no answer over the bar and no red flag.
    NothingToSay,
    /// An answer was found but a passive cooldown held it back.
    Cooldown(Held),
    /// A red flag matched but the same warning went to this user recently.
    WarningCooldown,
    /// A mention (with no red flag) from someone the bot answered in public just now.
    MentionCooldown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Command,
    Watcher,
    /// Another process of the deployment reloaded (the store's generation changed).
    Shared,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Command => "command",
            Trigger::Watcher => "watcher",
            Trigger::Shared => "shared",
        }
    }
}

impl Outcome {
    /// A closed label for metrics.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Replied { .. } => "replied",
            Outcome::Ignored(Skip::Bot) => "ignored_bot",
            Outcome::Ignored(Skip::NotWatched) => "not_watched",
            Outcome::Ignored(Skip::NothingToSay) => "nothing_to_say",
            Outcome::Ignored(Skip::Cooldown(_)) => "cooldown",
            Outcome::Ignored(Skip::WarningCooldown) => "warning_cooldown",
            Outcome::Ignored(Skip::MentionCooldown) => "mention_cooldown",
            Outcome::OverBudget { .. } => "over_budget",
        }
    }
}

/// Warning-cooldown memory bound: enough for every active member of a large server.
const WARNING_RECORDS: usize = 100_000;

/// The engine did not finish in time, or its job panicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overrun {
    OverBudget,
    Crashed,
}

/// Thread-to-parent memory bound; cleared when full (a lookup is one REST call).
const PARENT_RECORDS: usize = 50_000;

pub struct Shared {
    core: ArcSwap<Box<dyn Core>>,
    /// Engine jobs running or queued at once: more would only queue inside the blocking
    /// pool, where no budget could drop them.
    engine_slots: Arc<tokio::sync::Semaphore>,
    /// Channel id to its parent when it is a thread or forum post, `None` otherwise.
    pub parents: Mutex<std::collections::HashMap<u64, Option<u64>>>,
    loader: Loader,
    pub settings: Settings,
    /// The settings file's wording; a server's own is `effective(guild).style`.
    pub style: Style,
    /// Passive pacing per server (0: direct messages), with that server's windows.
    passive: Mutex<std::collections::HashMap<u64, Passive>>,
    /// Triage's policy per server: (user, rule, tier), never holding back an escalation.
    warnings: Mutex<std::collections::HashMap<u64, Cooldown>>,
    /// Public answers to mentions, per member.
    pub mentions: Mutex<Window<u64>>,
    /// Votes, unanswered questions, server settings and the shared reload generation.
    pub curator: Arc<Curator>,
    /// The origin of the seconds the warning cooldown counts in.
    pub started: Instant,
    /// One reload at a time: two would race to swap and report out of order.
    reloading: tokio::sync::Mutex<()>,
    observer: Option<mpsc::UnboundedSender<Observed>>,
    /// Discord's REST client, set once the client exists: reload reports go to the mod log
    /// whichever path (command or watcher) triggered them.
    http: OnceLock<Arc<Http>>,
}

impl Shared {
    pub fn new(
        settings: Settings,
        core: Box<dyn Core>,
        loader: Loader,
        curator: Curator,
        observer: Option<mpsc::UnboundedSender<Observed>>,
    ) -> Shared {
        let slots = std::thread::available_parallelism().map_or(2, |n| n.get());
        Shared {
            core: ArcSwap::from_pointee(core),
            engine_slots: Arc::new(tokio::sync::Semaphore::new(slots)),
            parents: Mutex::new(std::collections::HashMap::new()),
            loader,
            style: Style {
                disclaimer: settings.disclaimer.clone(),
                emergency_contact: settings.emergency_contact.clone(),
                feedback: curator.store().is_some(),
            },
            passive: Mutex::new(std::collections::HashMap::new()),
            warnings: Mutex::new(std::collections::HashMap::new()),
            mentions: Mutex::new(Window::new(settings.mention_user_cooldown)),
            curator: Arc::new(curator),
            started: Instant::now(),
            settings,
            reloading: tokio::sync::Mutex::new(()),
            observer,
            http: OnceLock::new(),
        }
    }

    /// The core serving right now. Callers keep this `Arc` for the whole request, so a swap
    /// in the middle never changes the FAQ under them.
    pub fn core(&self) -> Arc<Box<dyn Core>> {
        self.core.load_full()
    }

    /// Runs `job` on the serving core off the async workers (the blocking pool, at most one
    /// job per core), within the reply budget. Engine work is CPU-bound and may be slow: on a
    /// worker it would stall heartbeats and every other message.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&dyn Core) -> T + Send + 'static,
    ) -> Result<T, Overrun> {
        let core = self.core();
        let slots = self.engine_slots.clone();
        let work = async move {
            let slot = slots.acquire_owned().await.map_err(|_| Overrun::Crashed)?;
            tokio::task::spawn_blocking(move || {
                let _slot = slot;
                job(core.as_ref().as_ref())
            })
            .await
            .map_err(|_| Overrun::Crashed)
        };
        match tokio::time::timeout(self.settings.reply_budget, work).await {
            Ok(result) => result,
            Err(_) => {
                tracing::warn!(
                    budget = ?self.settings.reply_budget,
                    "engine work over budget: the reply was dropped"
                );
                Err(Overrun::OverBudget)
            }
        }
    }

    /// What `guild` runs with: the file's settings and the server's own (from memory).
    pub fn effective(&self, guild: Option<u64>) -> Effective {
        let config = self.curator.config(guild.map(serenity::all::GuildId::new));
        let mut e = effective(&self.settings, config.as_ref());
        e.style.feedback = self.style.feedback;
        e
    }

    /// Takes a passive answer's place in `guild`'s windows, or says which one held it.
    pub fn take_passive(
        &self,
        guild: Option<u64>,
        rules: &Effective,
        channel: u64,
        entry: &str,
        user: u64,
        now: Instant,
    ) -> Result<(), Held> {
        let mut all = self.passive.lock().unwrap();
        all.entry(guild.unwrap_or(0))
            .or_insert_with(|| Passive::new(rules.channel_entry_cooldown, rules.user_cooldown))
            .take(channel, entry, user, now)
    }

    /// The warnings `user` has not had recently in `guild` (triage's cooldown policy).
    pub fn filter_warnings(
        &self,
        guild: Option<u64>,
        rules: &Effective,
        user: u64,
        hits: Vec<crate::reply::RedFlagHit>,
        now: Instant,
    ) -> Vec<crate::reply::RedFlagHit> {
        let secs = now.saturating_duration_since(self.started).as_secs();
        let mut all = self.warnings.lock().unwrap();
        all.entry(guild.unwrap_or(0))
            .or_insert_with(|| Cooldown::new(rules.warning_cooldown.as_secs(), WARNING_RECORDS))
            .filter(user, hits, secs)
    }

    /// A server's settings changed: its windows start again with the new lengths.
    pub fn reset_cooldowns(&self, guild: u64) {
        self.passive.lock().unwrap().remove(&guild);
        self.warnings.lock().unwrap().remove(&guild);
    }

    /// Remembers a channel's parent (or that it has none), within a bounded memory.
    pub fn remember_parent(&self, channel: u64, parent: Option<u64>) {
        let mut parents = self.parents.lock().unwrap();
        if parents.len() >= PARENT_RECORDS {
            parents.clear();
        }
        parents.insert(channel, parent);
    }

    /// Gives the reload path the REST client it posts mod-log reports with.
    pub fn attach_http(&self, http: Arc<Http>) {
        let _ = self.http.set(http);
    }

    /// Where reload reports go. The store's per-server mod-log channels join this list when
    /// it is wired in; today it is the `mod_log_channel` setting.
    /// Where reload reports go: the settings file's mod-log channel and every server's own
    /// (the FAQ serves every server, so each server's moderators hear of a reload), once each.
    pub fn mod_log_channels(&self) -> Vec<ChannelId> {
        let mut channels: Vec<ChannelId> = self.settings.mod_log_channel.into_iter().collect();
        channels.extend(self.curator.mod_log_channels());
        channels.sort();
        channels.dedup();
        channels
    }

    /// Counts the event (metrics), then hands it to the observer: a test that heard an event
    /// may read the counters it moved.
    pub fn observe(&self, event: Observed) {
        if let Observed::Message { outcome, .. } = &event {
            metrics::message(outcome.label());
            if let Outcome::Replied {
                warned: Some(tier), ..
            } = outcome
            {
                metrics::warning(*tier);
            }
        }
        if let Some(tx) = &self.observer {
            let _ = tx.send(event);
        }
    }

    /// Builds a new core off the async runtime and swaps it in; on any error the old one
    /// keeps serving. Returns the new FAQ's summary or every problem found.
    pub async fn reload(&self, trigger: Trigger) -> Result<String, Vec<String>> {
        self.reload_report(trigger)
            .await
            .map(|(summary, _diff)| summary)
    }

    /// As `reload`, with what changed (by id). Every reload is counted, logged and posted to
    /// the mod log before the observer hears of it.
    pub async fn reload_report(&self, trigger: Trigger) -> Reloaded {
        let _one_at_a_time = self.reloading.lock().await;
        let result = self.build_and_swap().await;
        metrics::reload(trigger.as_str(), result.is_ok());
        // A reload asked for here reaches the deployment's other processes through the
        // store; one that came from the store (`Trigger::Shared`) must not bounce back.
        if result.is_ok() && trigger == Trigger::Command {
            self.announce_reload().await;
        }
        match &result {
            Ok((summary, _)) => tracing::info!(?trigger, "FAQ reloaded: {summary}"),
            // The full list goes to the log for moderators; it holds file paths and
            // messages about the FAQ, never anything a user wrote.
            Err(errors) => tracing::warn!(
                ?trigger,
                "FAQ reload failed, still serving the previous FAQ ({} problems):\n{}",
                errors.len(),
                errors.join("\n")
            ),
        }
        self.report_to_mod_log(trigger, &result).await;
        self.observe(Observed::Reload {
            trigger,
            result: result.clone().map(|(summary, _)| summary),
        });
        result
    }

    async fn build_and_swap(&self) -> Reloaded {
        let loader = self.loader.clone();
        let serving = self.core();
        // The summary and the diff are made in the blocking job too: nothing about the core
        // runs on a worker.
        let build = tokio::task::spawn_blocking(move || {
            loader().map(|core| {
                let summary = core.faq().summary_line();
                let diff = crate::publish::diff::diff(serving.faq(), core.faq());
                (core, summary, diff)
            })
        });
        let budget = self.settings.reload_budget;
        let built = match tokio::time::timeout(budget, build).await {
            Ok(joined) => joined.unwrap_or_else(|_| Err(vec!["the reload crashed".to_string()])),
            // The late build is dropped when it ends; the next reload may start now.
            Err(_) => Err(vec![format!(
                "the reload took longer than {} s and was abandoned (is a FAQ file on a stalled \
                 disk?)",
                budget.as_secs()
            )]),
        };
        built.map(|(core, summary, diff)| {
            self.core.store(Arc::new(core));
            (summary, diff)
        })
    }

    async fn report_to_mod_log(&self, trigger: Trigger, result: &Reloaded) {
        // The process that reloaded first has posted it; its followers stay quiet, or the
        // mod log would hear the same reload once per process.
        if trigger == Trigger::Shared {
            return;
        }
        let Some(http) = self.http.get() else {
            return;
        };
        let (notice, attachment) = publishing::reload_notice(trigger, result);
        for channel in self.mod_log_channels() {
            publishing::post_to_mod_log(http, channel, &notice, attachment.as_deref()).await;
        }
    }
}

impl Shared {
    /// Tells every other process of the deployment that the FAQ was reloaded: the store's
    /// generation goes up, and each process's `poll_store` reloads its own copy. This one is
    /// already current, so it records the new generation as seen.
    pub async fn announce_reload(&self) {
        let Some(store) = self.curator.store() else {
            return;
        };
        if let Some(generation) = store.call(|s| s.bump_generation()).await {
            self.curator.set_generation(generation);
        }
    }
}

/// Every `every`: reads each server's settings and the reload generation from the store
/// (another process may have changed them), and deletes unanswered questions whose
/// retention ended. Runs once at start too, before the first message.
pub async fn poll_store(shared: Arc<Shared>, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        sync_store(&shared).await;
    }
}

/// One round of `poll_store`.
pub async fn sync_store(shared: &Shared) {
    let Some(store) = shared.curator.store() else {
        return;
    };
    if let Some(configs) = store.call(|s| s.guild_configs()).await {
        for guild in shared.curator.replace_configs(configs) {
            shared.reset_cooldowns(guild);
        }
    }
    if let Some(generation) = store.call(|s| s.generation()).await {
        match shared.curator.seen_generation() {
            None => shared.curator.set_generation(generation),
            Some(seen) if seen != generation => {
                shared.curator.set_generation(generation);
                let _ = shared.reload(Trigger::Shared).await;
            }
            Some(_) => {}
        }
    }
    let now = super::curator::unix_now();
    if let Some(purged) = store.call(|s| s.purge_expired(now)).await
        && purged > 0
    {
        tracing::info!(purged, "unanswered questions past their retention deleted");
    }
}

/// Size and modification time of every file under `dir`, sorted: cheap to take every few
/// seconds, and any edit, addition or removal changes it.
fn stamp(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&d) else {
            continue;
        };
        for item in read.flatten() {
            let path = item.path();
            match item.metadata() {
                Ok(m) if m.is_dir() => stack.push(path),
                Ok(m) => out.push((path, m.len(), m.modified().ok())),
                Err(_) => {}
            }
        }
    }
    out.sort();
    out
}

/// What the FAQ watcher compares against: the folder and its stamp, taken before the bot
/// connects, so an edit made once the bot is ready is always seen as a change (a stamp taken
/// later, by the watcher's first poll, could already include it).
pub struct WatchStart {
    dir: PathBuf,
    last: Vec<(PathBuf, u64, Option<SystemTime>)>,
}

impl WatchStart {
    pub async fn take(shared: &Shared) -> WatchStart {
        let dir = shared.core().faq().dir.clone();
        let for_stamp = dir.clone();
        let last = tokio::task::spawn_blocking(move || stamp(&for_stamp))
            .await
            .unwrap_or_default();
        WatchStart { dir, last }
    }
}

/// Polls the FAQ folder and reloads when it changes. A failed reload is reported once per
/// change, not on every poll.
pub async fn watch(shared: Arc<Shared>, start: WatchStart, every: Duration) {
    let WatchStart { dir, mut last } = start;
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let dir_for_stamp = dir.clone();
        let Ok(now) = tokio::task::spawn_blocking(move || stamp(&dir_for_stamp)).await else {
            continue;
        };
        if now != last {
            last = now;
            let _ = shared.reload(Trigger::Watcher).await;
        }
    }
}
