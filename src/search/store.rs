//! The persisted index in `index/`.
//!
//! Layout: `index/faq-<fingerprint>/` holds a complete tantivy index whose commit payload is
//! that fingerprint. A build goes to `index/.build-<pid>-<nanos>/` and is renamed into place
//! only once committed, so a reader never sees a half-written index and a crash leaves at most
//! a stray `.build-*` folder. Everything else in `index/` (its README) is left alone.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use tantivy::Index;
use tantivy::directory::{Directory, MmapDirectory};

use crate::faq::Faq;

use super::{Engine, analyzer, build_in_ram, documents};

const GENERATION_PREFIX: &str = "faq-";
/// tantivy's commit point and its list of managed files: not managed files themselves.
const META_FILE: &str = "meta.json";
const MANAGED_FILE: &str = ".managed.json";
const BUILD_PREFIX: &str = ".build-";
const TRASH_PREFIX: &str = ".trash-";
/// A `.build-*` folder this old belongs to a process that died mid-build.
const STALE_BUILD_AGE: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexAction {
    /// The index on disk matched the FAQ fingerprint.
    Reused,
    /// The index was (re)built; `reason` says why.
    Built { reason: String },
}

#[derive(Debug, Clone)]
pub struct IndexReport {
    pub action: IndexAction,
    /// The folder holding the index in use.
    pub path: PathBuf,
    pub docs: usize,
    pub fingerprint: String,
    pub elapsed: Duration,
}

impl std::fmt::Display for IndexReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.elapsed.as_secs_f64() * 1000.0;
        match &self.action {
            IndexAction::Reused => write!(
                f,
                "reused {} ({} documents, fingerprint {}) in {ms:.1} ms",
                self.path.display(),
                self.docs,
                &self.fingerprint[..12.min(self.fingerprint.len())]
            ),
            IndexAction::Built { reason } => write!(
                f,
                "built {} ({} documents, fingerprint {}) in {ms:.1} ms: {reason}",
                self.path.display(),
                self.docs,
                &self.fingerprint[..12.min(self.fingerprint.len())]
            ),
        }
    }
}

#[derive(Debug)]
pub struct IndexError(pub String);

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IndexError {}

/// Opens the index for `faq` under `dir`, building it when missing, stale or unreadable.
/// `force` rebuilds even a matching index.
pub fn open_or_build(
    faq: &Faq,
    dir: &Path,
    force: bool,
) -> Result<(Engine, IndexReport), IndexError> {
    let start = Instant::now();
    std::fs::create_dir_all(dir).map_err(|e| {
        IndexError(format!(
            "cannot create the index folder {}: {e}; pass a writable folder with --index",
            dir.display()
        ))
    })?;
    let target = dir.join(format!("{GENERATION_PREFIX}{}", faq.fingerprint));
    let reason = if force {
        "rebuild requested".to_string()
    } else if target.is_dir() {
        match open_existing(faq, &target) {
            Ok(engine) => {
                let report = IndexReport {
                    action: IndexAction::Reused,
                    path: target,
                    docs: engine.doc_count(),
                    fingerprint: faq.fingerprint.clone(),
                    elapsed: start.elapsed(),
                };
                return Ok((engine, report));
            }
            Err(e) => format!("the existing index could not be used ({e})"),
        }
    } else if has_generation(dir) {
        "the FAQ files changed since the index was built".to_string()
    } else {
        "no index yet".to_string()
    };

    let build = dir.join(format!(
        "{BUILD_PREFIX}{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let engine = match build_in(faq, &build) {
        Ok(engine) => engine,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&build);
            return Err(IndexError(format!(
                "cannot build the index in {}: {e}; check the folder is writable or pass another with --index",
                build.display()
            )));
        }
    };
    install(&build, &target, dir)?;
    remove_leftovers(dir, &target);
    let report = IndexReport {
        action: IndexAction::Built { reason },
        path: target,
        docs: engine.doc_count(),
        fingerprint: faq.fingerprint.clone(),
        elapsed: start.elapsed(),
    };
    Ok((engine, report))
}

/// Builds the index in RAM and writes its files to `path`; serves from the RAM copy.
///
/// The files are written without fsync: a crash can leave a generation folder with truncated
/// files, but every open checks the files' checksums and the commit's fingerprint and rebuilds
/// on any mismatch, so a damaged index is never used. Skipping fsync keeps a rebuild within a
/// few tens of milliseconds.
fn build_in(faq: &Faq, path: &Path) -> tantivy::Result<Engine> {
    std::fs::create_dir(path)?;
    let (index, ram, docs, analyzer) = build_in_ram(faq)?;
    let mut files: Vec<PathBuf> = index.directory().list_managed_files().into_iter().collect();
    files.push(PathBuf::from(META_FILE));
    files.push(PathBuf::from(MANAGED_FILE));
    for file in files {
        let bytes = ram.open_read(&file)?.read_bytes()?;
        std::fs::write(path.join(&file), bytes.as_slice())?;
    }
    Engine::from_index(index, faq, docs, analyzer)
}

/// Renames the finished build into place. A folder already at `target` is either corrupt (we
/// failed to open it) or was just installed by another process building the same FAQ; both are
/// moved aside first, because a rename cannot replace a non-empty folder.
fn install(build: &Path, target: &Path, dir: &Path) -> Result<(), IndexError> {
    if target.exists() {
        let trash = dir.join(format!(
            "{TRASH_PREFIX}{}",
            build
                .file_name()
                .map(|n| n
                    .to_string_lossy()
                    .trim_start_matches(BUILD_PREFIX)
                    .to_string())
                .unwrap_or_default()
        ));
        let _ = std::fs::rename(target, &trash);
        let _ = std::fs::remove_dir_all(&trash);
    }
    match std::fs::rename(build, target) {
        Ok(()) => Ok(()),
        // Another process won the race with an identical build: use theirs.
        Err(_) if target.is_dir() => {
            let _ = std::fs::remove_dir_all(build);
            Ok(())
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(build);
            Err(IndexError(format!(
                "cannot move the new index into {}: {e}; check the folder is writable",
                target.display()
            )))
        }
    }
}

fn open_existing(faq: &Faq, path: &Path) -> Result<Engine, String> {
    let directory = MmapDirectory::open(path).map_err(|e| e.to_string())?;
    let index = Index::open(directory).map_err(|e| e.to_string())?;
    let meta = index.load_metas().map_err(|e| e.to_string())?;
    if meta.payload.as_deref() != Some(faq.fingerprint.as_str()) {
        return Err("its fingerprint does not match the FAQ".into());
    }
    let corrupt = index.validate_checksum().map_err(|e| e.to_string())?;
    if !corrupt.is_empty() {
        return Err(format!("{} file(s) fail their checksum", corrupt.len()));
    }
    let mut analyzer = analyzer::analyzer();
    let docs = documents(faq, &mut analyzer);
    Engine::from_index(index, faq, docs, analyzer).map_err(|e| e.to_string())
}

fn has_generation(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(GENERATION_PREFIX)
        })
    })
}

/// Removes older generations, trash and abandoned builds. Best effort: a process still
/// searching an old generation keeps its mmaps valid after the files are unlinked.
fn remove_leftovers(dir: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path == keep || !path.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale_build = name.starts_with(BUILD_PREFIX)
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > STALE_BUILD_AGE);
        if name.starts_with(GENERATION_PREFIX) || name.starts_with(TRASH_PREFIX) || stale_build {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}
