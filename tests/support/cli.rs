//! What the CLI tests share: the binary as a command over a chosen FAQ and index, and a copy
//! of the shipped FAQ a test may edit. Included with `#[path]` by the tests that run the
//! binary, so they do not compile the fake Discord.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use gutcheck::faq::Faq;
use gutcheck::respond::{Gutcheck, ModelChoice};

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped FAQ folder.
pub fn faq() -> PathBuf {
    root().join("faq")
}

/// A cache of the shipped FAQ's vectors shared by every test binary (in cargo's
/// `CARGO_TARGET_TMPDIR`), made by the first test that needs it (from `index/vectors.bin`
/// when a release build made one). Calling this also puts the
/// vectors in this process's model memo, so every core a test then builds over the shipped
/// FAQ, or over a copy with a few edits, embeds only what differs: a debug build takes
/// minutes to embed the whole FAQ, which each test binary would otherwise do again.
pub fn shared_vectors() -> &'static Path {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    READY.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("faq-vectors.bin");
        // The README's quick start (and `.ci/run`) builds `index/` with a release binary
        // first: its cache holds the same texts under the same model, so start from it.
        let built = root().join("index").join("vectors.bin");
        if !path.exists() && built.exists() {
            let _ = std::fs::copy(&built, &path);
        }
        let faq = Faq::load(&faq()).unwrap_or_else(|d| panic!("the shipped FAQ loads:\n{d}"));
        Gutcheck::from_faq_cached(faq, &ModelChoice::default(), Some(&path))
            .unwrap_or_else(|e| panic!("the model loads: {e}"));
        path
    })
}

/// How a test wants retrieval: with the embedding model, or by words only, which tests about
/// files and output use so that a debug build does not embed the whole FAQ on every run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Retrieval {
    WithModel,
    WordsOnly,
}

/// `gutcheck --faq <faq> --index <index> <args>`, deaf to the environment's own settings.
pub fn gutcheck(faq: &Path, index: &Path, retrieval: Retrieval, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gutcheck"));
    cmd.arg("--faq").arg(faq).arg("--index").arg(index);
    if retrieval == Retrieval::WordsOnly {
        cmd.arg("--lexical-only");
    }
    cmd.args(args)
        .env_remove("GUTCHECK_FAQ")
        .env_remove("GUTCHECK_INDEX")
        .env_remove("GUTCHECK_MODEL")
        .env_remove("GUTCHECK_LEXICAL_ONLY");
    cmd
}

/// A copy of the shipped FAQ at `dir/faq`, for a test to edit or break.
pub fn faq_copy(dir: &Path) -> PathBuf {
    let to = dir.join("faq");
    copy_tree(&faq(), &to);
    to
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
