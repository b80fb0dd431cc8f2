//! `Embedder::ahead`'s state: per thread, the texts announced for the next model pass and the
//! vectors that pass computed for them. Per thread because one `respond` runs on one thread
//! from start to end (the bot runs each on the blocking pool), and a thread-local needs no
//! lock and cannot leak one message's vectors into another thread's reply.

use std::cell::RefCell;
use std::marker::PhantomData;

use super::Embedding;

#[derive(Default)]
struct State {
    /// The `Embedder` (its address) the announcement is for.
    owner: usize,
    announced: Vec<String>,
    /// Announced texts some pass computed.
    computed: Vec<(String, Embedding)>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::default();
}

/// While this lives, this thread's calls to `Embedder::embed` and `embed_batch` for the
/// announced texts are answered from the pass that computed them; dropping it forgets them.
/// Not `Send`: the state it guards belongs to the thread that announced.
#[must_use = "the announcement lasts as long as the guard"]
pub struct Ahead {
    pub(super) _not_send: PhantomData<*const ()>,
}

impl Drop for Ahead {
    fn drop(&mut self) {
        STATE.with_borrow_mut(|s| *s = State::default());
    }
}

/// Replaces whatever was announced before on this thread.
pub(super) fn announce(owner: usize, texts: &[&str]) {
    STATE.with_borrow_mut(|s| {
        *s = State {
            owner,
            announced: texts.iter().map(|t| t.to_string()).collect(),
            computed: Vec::new(),
        }
    });
}

/// The vector of `text`, if it was announced for `owner` and a pass computed it.
pub(super) fn computed(owner: usize, text: &str) -> Option<Embedding> {
    STATE.with_borrow(|s| {
        let found = s.computed.iter().find(|(t, _)| t == text);
        found.filter(|_| s.owner == owner).map(|(_, v)| v.clone())
    })
}

/// The texts announced for `owner` that no pass computed yet.
pub(super) fn pending(owner: usize) -> Vec<String> {
    STATE.with_borrow(|s| {
        let waiting = s
            .announced
            .iter()
            .filter(|a| !s.computed.iter().any(|(t, _)| t == *a));
        waiting.filter(|_| s.owner == owner).cloned().collect()
    })
}

/// Keeps, of what a pass for `owner` computed, the vectors of announced texts.
pub(super) fn keep(owner: usize, texts: &[String], vectors: &[Embedding]) {
    STATE.with_borrow_mut(|s| {
        if s.owner != owner {
            return;
        }
        for (t, v) in texts.iter().zip(vectors) {
            let known = s.computed.iter().any(|(c, _)| c == t);
            if !known && s.announced.contains(t) {
                s.computed.push((t.clone(), v.clone()));
            }
        }
    });
}
