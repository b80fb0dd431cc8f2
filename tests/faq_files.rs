//! Hostile files in the FAQ folder: nothing blocks, nothing is read without bound, every
//! problem is reported at its path, and many problems are reported fast.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

#[path = "support/cli.rs"]
mod cli;

use cli::{Retrieval::WordsOnly, faq_copy};

/// Runs `gutcheck --faq <faq> <args>`; a run that outlasts `limit` is killed and fails the
/// test (a blocked read would otherwise hang the suite).
fn run(faq: &Path, args: &[&str], limit: Duration) -> Output {
    let child = cli::gutcheck(faq, &faq.parent().unwrap().join("index"), WordsOnly, args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Output is drained while waiting: a full pipe would block the child too.
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output().unwrap()));
    match rx.recv_timeout(limit) {
        Ok(out) => out,
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("gutcheck {args:?} still running after {limit:?}");
        }
    }
}

fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[cfg(unix)]
#[test]
fn a_fifo_a_link_to_dev_zero_and_a_huge_file_are_reported_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let faq = faq_copy(tmp.path());
    let fifo = faq.join("entries").join("waiting.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo is needed for this test");
    std::fs::remove_file(faq.join("context.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", faq.join("context.toml")).unwrap();
    let huge = std::fs::File::create(faq.join("entries").join("huge.toml")).unwrap();
    huge.set_len(64 * 1024 * 1024).unwrap();

    for args in [&["check"][..], &["ask", "is leaky gut real?"][..]] {
        let out = run(&faq, args, Duration::from_secs(20));
        assert!(!out.status.success());
        let text = all_output(&out);
        if args[0] == "check" {
            assert!(
                text.contains("waiting.toml:1:1: error: not a regular file"),
                "{text}"
            );
            assert!(
                text.contains("context.toml:1:1: error: not a regular file"),
                "{text}"
            );
            assert!(
                text.contains("huge.toml:1:1: error: file is larger than 4096 KiB"),
                "{text}"
            );
        }
    }
}

#[test]
fn check_stays_fast_with_tens_of_thousands_of_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let faq = faq_copy(tmp.path());
    let groups: String = (0..45_000)
        .map(|i| format!("[[group]]\nterms = [\"lonely{i}\"]\n"))
        .collect();
    std::fs::write(faq.join("synonyms.toml"), groups).unwrap();
    // Measured: about 2 s in a debug build (over 120 s before positions were looked up
    // from one parse); the limit leaves room for a loaded machine.
    let out = run(&faq, &["check"], Duration::from_secs(30));
    let text = all_output(&out);
    assert!(
        text.contains("45000 errors"),
        "{}",
        &text[text.len().saturating_sub(500)..]
    );
    assert!(
        text.contains("synonyms.toml:90000:9: error: a synonym group needs at least two terms"),
        "the last one is still pinned to its line"
    );
}
