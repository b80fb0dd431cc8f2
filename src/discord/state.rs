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
use super::cooldown::{Held, Passive};
use super::core::{Core, Loader};
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Command,
    Watcher,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Command => "command",
            Trigger::Watcher => "watcher",
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
    pub style: Style,
    pub passive: Mutex<Passive>,
    /// Triage's policy: (user, rule, tier), never holding back an escalation.
    pub warnings: Mutex<Cooldown>,
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
            },
            passive: Mutex::new(Passive::new(
                settings.channel_entry_cooldown,
                settings.user_cooldown,
            )),
            warnings: Mutex::new(Cooldown::new(
                settings.warning_cooldown.as_secs(),
                WARNING_RECORDS,
            )),
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
    pub fn mod_log_channels(&self) -> Vec<ChannelId> {
        self.settings.mod_log_channel.into_iter().collect()
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
        let Some(http) = self.http.get() else {
            return;
        };
        let (notice, attachment) = publishing::reload_notice(trigger, result);
        for channel in self.mod_log_channels() {
            publishing::post_to_mod_log(http, channel, &notice, attachment.as_deref()).await;
        }
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

/// Polls the FAQ folder and reloads when it changes. A failed reload is reported once per
/// change, not on every poll.
pub async fn watch(shared: Arc<Shared>, every: Duration) {
    let Ok(dir) = shared.run(|core| core.faq().dir.clone()).await else {
        tracing::warn!("the FAQ watcher could not start; /faq-reload still works");
        return;
    };
    let mut last = stamp(&dir);
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
