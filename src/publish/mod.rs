//! What stands between an edited FAQ folder and what the bot serves: the one set of checks
//! (`check`) that `gutcheck check`, `/faq-reload` and the file watcher all run, and the
//! difference between the FAQ serving now and the one about to replace it (`diff`).
//! Pure: no clock (callers pass "today"), no network, no Discord.

pub mod diff;

use std::path::Path;

use crate::faq::{Date, Faq, Loaded};

pub use diff::{Change, FaqDiff};

/// Every check `gutcheck check` runs: the loader's (files, fields, cross-references,
/// staleness as of `today`) and, on a FAQ that loads, retrieval self-consistency (every
/// phrasing retrieves its own entry first). `faq` is `Some` only when no check found an
/// error; `diagnostics` holds every error and warning, sorted by place.
pub fn check(dir: &Path, today: Date) -> Loaded {
    let mut loaded = Faq::load_at(dir, today);
    // Retrieval can only be checked on a FAQ that loads.
    if let Some(faq) = loaded.faq.take() {
        let found = crate::respond::retrieval_self_consistency(&faq);
        let failed = found.has_errors();
        loaded.diagnostics.extend(found);
        loaded.diagnostics.sort();
        loaded.faq = (!failed).then_some(faq);
    }
    loaded
}

/// A check's errors as lines for whoever asked for a reload, root causes first: a file that
/// could not be read at all comes before the errors it causes in other files.
pub fn error_lines(loaded: &Loaded) -> Vec<String> {
    let (roots, rest): (Vec<_>, Vec<_>) = loaded
        .diagnostics
        .errors()
        .partition(|e| e.stops_the_file());
    roots.iter().chain(&rest).map(|e| e.to_string()).collect()
}

/// A check's warnings as lines (stale reviews and the like: they never stop a reload).
pub fn warning_lines(loaded: &Loaded) -> Vec<String> {
    loaded
        .diagnostics
        .warnings()
        .map(|w| w.to_string())
        .collect()
}
