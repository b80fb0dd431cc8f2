//! Golden tests for `gutcheck check`: each folder in tests/fixtures/check/cases/ breaks one
//! thing in a copy of tests/fixtures/check/base/, and `expected.txt` beside it holds every
//! diagnostic the check must print, with its exact file, line and column.
//!
//! Run with `GUTCHECK_BLESS=1` to rewrite the expected files after a deliberate change, then
//! read the diff: the point of these files is that a person checked each position.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use gutcheck::faq::{Date, Faq};

const TODAY: (i32, u8, u8) = (2026, 11, 21);

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The base FAQ with the case's files laid over it, and the files named in `remove` deleted.
fn materialize(case: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("base"), dir.path());
    for entry in walk(case) {
        let rel = entry.strip_prefix(case).unwrap();
        let name = rel.to_string_lossy();
        if name == "expected.txt" {
            continue;
        }
        if name == "remove" {
            for line in fs::read_to_string(&entry).unwrap().lines() {
                fs::remove_file(dir.path().join(line.trim())).unwrap();
            }
            continue;
        }
        let target = dir.path().join(rel);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(&entry, target).unwrap();
    }
    dir
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn diagnostics_for(dir: &Path) -> (bool, String) {
    let today = Date::new(TODAY.0, TODAY.1, TODAY.2).unwrap();
    let loaded = Faq::load_at(dir, today);
    let prefix = format!("{}/", dir.display());
    let text = loaded
        .diagnostics
        .items
        .iter()
        .map(|d| d.to_string().replacen(&prefix, "", 1) + "\n")
        .collect::<String>();
    (loaded.faq.is_some(), text)
}

#[test]
fn base_fixture_is_clean() {
    let (ok, text) = diagnostics_for(&fixtures().join("base"));
    assert!(ok, "{text}");
    assert_eq!(text, "");
}

#[test]
fn every_broken_fixture_reports_exact_positions() {
    let bless = std::env::var_os("GUTCHECK_BLESS").is_some();
    let mut cases: Vec<PathBuf> = fs::read_dir(fixtures().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 20,
        "expected a fixture per check, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let dir = materialize(case);
        let (ok, actual) = diagnostics_for(dir.path());
        let expected_path = case.join("expected.txt");
        if bless {
            fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        let name = case.file_name().unwrap().to_string_lossy();
        if actual != expected {
            failures.push(format!(
                "{name}:\n--- expected\n{expected}--- actual\n{actual}"
            ));
        }
        assert!(
            !expected.is_empty(),
            "{name}: a broken fixture must report something"
        );
        let only_warnings = !expected.contains(": error: ");
        assert_eq!(
            ok, only_warnings,
            "{name}: loads = {ok}, but warnings only = {only_warnings}"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs the real binary's `check` on a materialized case: (exit code, stdout, the folder).
fn run_check(case: &str) -> (Option<i32>, String, tempfile::TempDir) {
    let dir = materialize(&fixtures().join("cases").join(case));
    let out = Command::new(env!("CARGO_BIN_EXE_gutcheck"))
        .args(["check", "--today", "2026-11-21"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code(), stdout, dir)
}

#[test]
fn check_command_exits_non_zero_with_a_summary_on_errors() {
    let (code, stdout, dir) = run_check("unknown-source");
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("entries/nsaids.toml:21:30: error: unknown source id `camileri-2019`"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with(&format!(
            "failed: 1 error, 0 warnings in {}",
            dir.path().display()
        )),
        "{stdout}"
    );
}

#[test]
fn check_command_passes_warnings_with_exit_zero() {
    let (code, stdout, _dir) = run_check("stale-review");
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains(": warning: last reviewed 2024-01-15"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "ok: 2 entries, 18 phrasings, 2 claims, 2 sources, 1 red-flag rule (1 warning)"
        ),
        "{stdout}"
    );
}

#[test]
fn check_command_explains_a_missing_folder() {
    let out = Command::new(env!("CARGO_BIN_EXE_gutcheck"))
        .args(["check", "no/such/faq"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("no/such/faq is not a folder"), "{stderr}");
}
