//! The persisted index in `index/`.
//!
//! Layout: `index/faq-<fingerprint>/` holds a complete tantivy index whose commit payload is
//! that fingerprint. A build goes to `index/.build-<pid>-<nanos>/` and is renamed into place
//! only once committed, so a reader never sees a half-written index and a crash leaves at most
//! a stray `.build-*` folder.
//!
//! Every folder gutcheck makes holds a marker file, `.gutcheck-index`; only marked folders
//! are ever deleted (`--index` may point at a folder holding other things). A build holds a
//! lock on its marker while it runs, so a `.build-*` whose marker is unlocked belongs to a
//! process that died, and is removed on the next open. Everything else in `index/` (its
//! README, anyone's `faq-*` without a marker) is left alone.
//!
//! A read-only index folder (a container image, a read-only install) is not fatal: a valid
//! index there is copied into memory and served, and with none the index is built in memory;
//! either way the report says so (`IndexAction::InMemory`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use tantivy::Index;
use tantivy::directory::{Directory, MmapDirectory, RamDirectory};

use crate::faq::Faq;

use super::{Engine, analyzer, build_in_ram, documents};

const GENERATION_PREFIX: &str = "faq-";
/// tantivy's commit point and its list of managed files: not managed files themselves.
const META_FILE: &str = "meta.json";
const MANAGED_FILE: &str = ".managed.json";
const BUILD_PREFIX: &str = ".build-";
const TRASH_PREFIX: &str = ".trash-";
/// The file that marks a folder as made by gutcheck (and locks a build in progress).
const MARKER_FILE: &str = ".gutcheck-index";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexAction {
    /// The index on disk matched the FAQ fingerprint.
    Reused,
    /// The index was (re)built; `reason` says why.
    Built { reason: String },
    /// Served from memory because the index folder could not be used in place (read-only);
    /// `reason` says why. Worth a warning: nothing was saved for the next start.
    InMemory { reason: String },
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
            IndexAction::InMemory { reason } => write!(
                f,
                "index served from memory ({} documents, fingerprint {}) in {ms:.1} ms: {reason}",
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
/// `force` rebuilds even a matching index. A folder that cannot be written is served from
/// memory instead (see the module doc).
pub fn open_or_build(
    faq: &Faq,
    dir: &Path,
    force: bool,
) -> Result<(Engine, IndexReport), IndexError> {
    let start = Instant::now();
    let report = |engine: &Engine, action: IndexAction, path: PathBuf| IndexReport {
        action,
        path,
        docs: engine.doc_count(),
        fingerprint: faq.fingerprint.clone(),
        elapsed: start.elapsed(),
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        let reason = format!("the index folder {} cannot be created ({e})", dir.display());
        let engine = in_memory(faq)?;
        let r = report(&engine, IndexAction::InMemory { reason }, dir.to_path_buf());
        return Ok((engine, r));
    }
    remove_dead_builds(dir);
    let target = dir.join(format!("{GENERATION_PREFIX}{}", faq.fingerprint));
    let reason = if force {
        "rebuild requested".to_string()
    } else if target.is_dir() {
        match open_existing(faq, &target) {
            Ok(engine) => {
                let r = report(&engine, IndexAction::Reused, target);
                return Ok((engine, r));
            }
            // A valid index that cannot be opened in place (tantivy takes a lock file beside
            // it, which a read-only folder refuses) is served from a copy in memory.
            Err(e) => match open_copy_in_ram(faq, &target) {
                Ok(engine) => {
                    let reason = format!(
                        "{} could not be opened in place ({e}), so a copy in memory is served",
                        target.display()
                    );
                    let r = report(&engine, IndexAction::InMemory { reason }, target);
                    return Ok((engine, r));
                }
                Err(_) => format!("the existing index could not be used ({e})"),
            },
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
    let (engine, _lock) = match build_in(faq, &build) {
        Ok(built) => built,
        Err(e) => {
            if build.join(MARKER_FILE).is_file() {
                let _ = std::fs::remove_dir_all(&build);
            }
            // A folder that cannot be written still gets a working bot, from memory.
            let reason = format!(
                "{reason}, and the index folder {} cannot be written ({e}), so the index was \
                 built in memory; pass a writable folder with --index to keep it",
                dir.display()
            );
            let engine = in_memory(faq)?;
            let r = report(&engine, IndexAction::InMemory { reason }, dir.to_path_buf());
            return Ok((engine, r));
        }
    };
    install(&build, &target, dir)?;
    remove_leftovers(dir, &target);
    let r = report(&engine, IndexAction::Built { reason }, target);
    Ok((engine, r))
}

fn in_memory(faq: &Faq) -> Result<Engine, IndexError> {
    Engine::in_ram(faq).map_err(|e| IndexError(format!("cannot build the index in memory: {e}")))
}

/// Builds the index in RAM and writes its files to `path`; serves from the RAM copy.
///
/// The files are written without fsync: a crash can leave a generation folder with truncated
/// files, but every open checks the files' checksums and the commit's fingerprint and rebuilds
/// on any mismatch, so a damaged index is never used. Skipping fsync keeps a rebuild within a
/// few tens of milliseconds.
///
/// Returns the engine and the locked marker: the lock says "building" to other processes
/// until the folder is installed and the handle dropped.
fn build_in(faq: &Faq, path: &Path) -> tantivy::Result<(Engine, std::fs::File)> {
    std::fs::create_dir(path)?;
    let marker = std::fs::File::create(path.join(MARKER_FILE))?;
    marker.lock()?;
    std::fs::write(
        path.join(MARKER_FILE),
        "made by gutcheck: this folder may be deleted by gutcheck\n",
    )?;
    let (index, ram, docs, analyzer) = build_in_ram(faq)?;
    let mut files: Vec<PathBuf> = index.directory().list_managed_files().into_iter().collect();
    files.push(PathBuf::from(META_FILE));
    files.push(PathBuf::from(MANAGED_FILE));
    for file in files {
        let bytes = ram.open_read(&file)?.read_bytes()?;
        std::fs::write(path.join(&file), bytes.as_slice())?;
    }
    Ok((Engine::from_index(index, faq, docs, analyzer)?, marker))
}

/// Renames the finished build into place. A folder already at `target` is either corrupt (we
/// failed to open it) or was just installed by another process building the same FAQ; both are
/// moved aside first, because a rename cannot replace a non-empty folder.
fn install(build: &Path, target: &Path, dir: &Path) -> Result<(), IndexError> {
    if target.exists() {
        if !made_by_gutcheck(target) {
            let _ = std::fs::remove_dir_all(build);
            return Err(IndexError(format!(
                "{} exists but was not made by gutcheck; move it away or pass another folder \
                 with --index",
                target.display()
            )));
        }
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
    open_in(faq, Index::open(directory).map_err(|e| e.to_string())?)
}

/// The index files at `path` read into memory: serves an index in a read-only folder.
fn open_copy_in_ram(faq: &Faq, path: &Path) -> Result<Engine, String> {
    let ram = RamDirectory::create();
    for item in std::fs::read_dir(path).map_err(|e| e.to_string())? {
        let item = item.map_err(|e| e.to_string())?;
        let name = item.file_name();
        if name == MARKER_FILE || !item.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let bytes = std::fs::read(item.path()).map_err(|e| e.to_string())?;
        ram.atomic_write(Path::new(&name), &bytes)
            .map_err(|e| e.to_string())?;
    }
    open_in(faq, Index::open(ram).map_err(|e| e.to_string())?)
}

/// Checks an opened index against the FAQ (fingerprint, checksums) and wraps it.
fn open_in(faq: &Faq, index: Index) -> Result<Engine, String> {
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

/// Whether gutcheck made the folder: it holds the marker, or (made before markers) it is a
/// `faq-<fingerprint>` index whose commit payload is that same fingerprint.
fn made_by_gutcheck(path: &Path) -> bool {
    if path.join(MARKER_FILE).is_file() {
        return true;
    }
    let Some(fingerprint) = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix(GENERATION_PREFIX))
    else {
        return false;
    };
    std::fs::read_to_string(path.join(META_FILE))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|meta| meta["opstamp"].is_u64() && meta["payload"] == fingerprint)
}

/// Removes `.build-*` folders whose builder died: marked, and the marker's lock is free.
/// Best effort (a read-only folder is simply left as it is).
fn remove_dead_builds(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(BUILD_PREFIX) || !path.is_dir() {
            continue;
        }
        let Ok(marker) = std::fs::File::open(path.join(MARKER_FILE)) else {
            continue;
        };
        if marker.try_lock().is_ok() {
            drop(marker);
            let _ = std::fs::remove_dir_all(&path);
        }
    }
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

/// Removes older generations and trash that gutcheck made. Best effort: a process still
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
        let ours = (name.starts_with(GENERATION_PREFIX) || name.starts_with(TRASH_PREFIX))
            && made_by_gutcheck(&path);
        if ours {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
    remove_dead_builds(dir);
}
