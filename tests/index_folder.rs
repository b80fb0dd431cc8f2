//! The index folder: read-only folders still serve, only what gutcheck made is deleted, and
//! builds left by a killed process are cleaned up.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

#[path = "support/cli.rs"]
mod cli;

use cli::{Retrieval::WordsOnly, faq_copy};

fn gutcheck(faq: &Path, index: &Path, args: &[&str]) -> Command {
    cli::gutcheck(faq, index, WordsOnly, args)
}

fn ok(out: Output) -> (String, String) {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn chmod_tree(path: &Path, dirs: u32, files: u32) {
    let mode = if path.is_dir() { dirs } else { files };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    if path.is_dir() {
        for item in std::fs::read_dir(path).unwrap() {
            chmod_tree(&item.unwrap().path(), dirs, files);
        }
    }
}

/// `gutcheck` as a user a read-only folder really stops: root writes anywhere, so as root
/// the command runs as `nobody` (setpriv) over world-readable copies.
fn as_unprivileged(mut cmd: Command) -> Command {
    let root_user = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    if !root_user {
        return cmd;
    }
    let mut wrapped = Command::new("setpriv");
    wrapped.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]);
    wrapped.arg(cmd.get_program()).args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => wrapped.env(k, v),
            None => wrapped.env_remove(k),
        };
    }
    cmd = wrapped;
    cmd
}

#[test]
fn a_read_only_index_folder_is_served_from_memory_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let faq = faq_copy(tmp.path());
    let index = tmp.path().join("index");
    let empty = tmp.path().join("empty-index");
    ok(gutcheck(&faq, &index, &["index"]).output().unwrap());
    std::fs::create_dir(&empty).unwrap();
    let before = names(&index);
    chmod_tree(tmp.path(), 0o755, 0o644);
    chmod_tree(&index, 0o555, 0o444);
    chmod_tree(&empty, 0o555, 0o444);

    for (folder, says) in [
        (&index, "could not be opened in place"),
        (&empty, "cannot be written"),
    ] {
        let cmd = gutcheck(&faq, folder, &["ask", "is leaky gut real?"]);
        let (stdout, stderr) = ok(as_unprivileged(cmd).output().unwrap());
        assert!(stdout.contains("Is leaky gut real?"), "{stdout}");
        assert!(
            stderr.contains("warning: index served from memory"),
            "{stderr}"
        );
        assert!(stderr.contains(says), "{stderr}");
    }
    assert_eq!(
        names(&index),
        before,
        "nothing written to a read-only folder"
    );
    chmod_tree(tmp.path(), 0o755, 0o644);
}

#[test]
fn only_folders_gutcheck_made_are_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let faq = faq_copy(tmp.path());
    let index = tmp.path().join("index");
    ok(gutcheck(&faq, &index, &["index"]).output().unwrap());
    let first = names(&index);
    // Someone else's folders that happen to use gutcheck's names.
    for foreign in ["faq-0123", ".trash-9", ".build-1-2"] {
        std::fs::create_dir_all(index.join(foreign)).unwrap();
        std::fs::write(index.join(foreign).join("notes.txt"), "mine\n").unwrap();
    }
    // A change to the FAQ makes a new generation; the old one (gutcheck's) goes.
    let entry = faq.join("entries").join("zinc.toml");
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(&entry, format!("{text}\n# edited\n")).unwrap();
    ok(gutcheck(&faq, &index, &["index"]).output().unwrap());
    let after = names(&index);
    for foreign in ["faq-0123", ".trash-9", ".build-1-2"] {
        assert!(
            after.contains(&foreign.to_string()),
            "{foreign} deleted: {after:?}"
        );
    }
    for old in first.iter().filter(|n| n.starts_with("faq-")) {
        assert!(
            !after.contains(old),
            "the old generation {old} stays: {after:?}"
        );
    }
}

#[test]
fn a_build_left_by_a_killed_process_is_cleaned_up_and_a_running_one_is_not() {
    let tmp = tempfile::tempdir().unwrap();
    let faq = faq_copy(tmp.path());
    let index = tmp.path().join("index");
    ok(gutcheck(&faq, &index, &["index"]).output().unwrap());
    let dead = index.join(".build-4242-1");
    let running = index.join(".build-4343-1");
    for build in [&dead, &running] {
        std::fs::create_dir(build).unwrap();
        std::fs::write(build.join(".gutcheck-index"), "made by gutcheck\n").unwrap();
        std::fs::write(build.join("meta.json"), "{}").unwrap();
    }
    let held = std::fs::File::open(running.join(".gutcheck-index")).unwrap();
    held.lock().unwrap();
    // Reusing the index is enough to tidy up.
    ok(gutcheck(&faq, &index, &["ask", "zinc"]).output().unwrap());
    assert!(!dead.exists(), "{:?}", names(&index));
    assert!(running.exists(), "a build in progress is never touched");
    drop(held);
}
