//! Embeddings of a list of texts (the FAQ's phrasings), with an on-disk cache beside the
//! search index so that start-up and reloads embed only what changed.
//!
//! The cache is keyed by the model's fingerprint and by each text's hash, not by the FAQ's
//! fingerprint: an edit to one phrasing re-embeds one phrasing, and a cache from another model
//! is ignored whole. It is written to a temporary file and renamed into place, so a reader
//! never sees half a file; any damage (bad magic, short file, other model) means "no cache".

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use super::{DIMENSIONS, Embedder, Embedding, text_key};

const MAGIC: &[u8; 8] = b"GCVEC01\n";
/// The cache's file name inside the index folder.
pub const CACHE_FILE: &str = "vectors.bin";

/// One embedding per text, in the order the texts were given.
#[derive(Clone)]
pub struct Vectors {
    vectors: Vec<Embedding>,
}

/// How a build went, for start-up logs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildReport {
    pub reused: usize,
    pub embedded: usize,
    /// Set when the cache could not be written (the vectors are still complete in memory).
    pub cache_error: Option<String>,
}

impl Vectors {
    /// Embeds `texts`, taking what it can from `cache` (a file path) and writing the complete
    /// set back when anything new was embedded. Without a cache path, embeds everything.
    pub fn build(
        embedder: &Embedder,
        texts: &[&str],
        cache: Option<&Path>,
    ) -> (Vectors, BuildReport) {
        let known = cache.map_or_else(HashMap::new, |path| {
            read_cache(path, embedder.fingerprint())
        });
        let keys: Vec<u64> = texts.iter().map(|t| text_key(t)).collect();
        let mut missing: Vec<(u64, &str)> = Vec::new();
        let mut seen = HashSet::new();
        for (text, &key) in texts.iter().zip(&keys) {
            if !known.contains_key(&key) && seen.insert(key) {
                missing.push((key, text));
            }
        }
        let missing_texts: Vec<&str> = missing.iter().map(|&(_, t)| t).collect();
        let fresh: HashMap<u64, Embedding> = missing
            .iter()
            .map(|&(key, _)| key)
            .zip(embedder.embed_remembered_batch(&missing_texts))
            .collect();
        let vectors: Vec<Embedding> = keys
            .iter()
            .map(|key| known.get(key).or_else(|| fresh.get(key)).cloned())
            .map(|v| v.expect("each text is cached or embedded above"))
            .collect();
        // The cache's vectors join the model's memo (the fresh ones are there already): a
        // reload in this process (hot reload, a second core) then embeds only what changed.
        let wanted: HashSet<u64> = keys.iter().copied().collect();
        embedder.remember(known.into_iter().filter(|(key, _)| wanted.contains(key)));
        let mut report = BuildReport {
            embedded: missing.len(),
            reused: texts.len() - missing.len(),
            cache_error: None,
        };
        if let (Some(path), true) = (cache, report.embedded > 0)
            && let Err(e) = write_cache(path, embedder.fingerprint(), &keys, &vectors)
        {
            report.cache_error = Some(format!("cannot write {}: {e}", path.display()));
        }
        (Vectors { vectors }, report)
    }

    /// Splits the list in two: `self` keeps `[0, at)` and the rest is returned.
    pub fn split_off(&mut self, at: usize) -> Vectors {
        Vectors {
            vectors: self.vectors.split_off(at),
        }
    }

    /// This list followed by `more`.
    pub fn chain(mut self, more: Vectors) -> Vectors {
        self.vectors.extend(more.vectors);
        self
    }

    pub fn get(&self, i: usize) -> &Embedding {
        &self.vectors[i]
    }

    pub fn len(&self) -> usize {
        self.vectors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vectors.is_empty()
    }

    /// Cosine of `query` with every text, in order.
    pub fn similarities(&self, query: &Embedding) -> Vec<f32> {
        self.vectors.iter().map(|v| v.cosine(query)).collect()
    }
}

fn read_cache(path: &Path, model: &str) -> HashMap<u64, Embedding> {
    let Ok(bytes) = std::fs::read(path) else {
        return HashMap::new();
    };
    parse_cache(&bytes, model).unwrap_or_default()
}

fn parse_cache(bytes: &[u8], model: &str) -> Option<HashMap<u64, Embedding>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let (stored_model, rest) = rest.split_at_checked(16)?;
    if stored_model != model.as_bytes() {
        return None;
    }
    let record = 8 + DIMENSIONS * 4;
    if rest.len() % record != 0 {
        return None;
    }
    let mut map = HashMap::with_capacity(rest.len() / record);
    for chunk in rest.chunks_exact(record) {
        let key = u64::from_le_bytes(chunk[..8].try_into().ok()?);
        let values = chunk[8..]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        map.insert(key, Embedding::from_stored(values)?);
    }
    Some(map)
}

fn write_cache(
    path: &Path,
    model: &str,
    keys: &[u64],
    vectors: &[Embedding],
) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(24 + keys.len() * (8 + DIMENSIONS * 4));
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(model.as_bytes());
    for (key, vector) in keys.iter().zip(vectors) {
        bytes.extend_from_slice(&key.to_le_bytes());
        vector
            .as_slice()
            .iter()
            .for_each(|x| bytes.extend_from_slice(&x.to_le_bytes()));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(&bytes))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(seed: f32) -> Embedding {
        Embedding::from_stored((0..DIMENSIONS).map(|i| (i as f32 + seed).sin()).collect()).unwrap()
    }

    #[test]
    fn the_cache_round_trips_and_rejects_another_model_or_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CACHE_FILE);
        let model = "0123456789abcdef";
        write_cache(&path, model, &[7, 9], &[unit(1.0), unit(2.0)]).unwrap();
        let map = read_cache(&path, model);
        assert_eq!(map.len(), 2);
        assert!((map[&7].cosine(&unit(1.0)) - 1.0).abs() < 1e-6);
        assert!(read_cache(&path, "fedcba9876543210").is_empty());
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&path, bytes).unwrap();
        assert!(read_cache(&path, model).is_empty());
    }
}
