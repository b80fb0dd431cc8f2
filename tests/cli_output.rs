//! What the CLI writes to terminals and pipes: nothing a terminal would execute, JSON that
//! line-based readers cannot split, and a quiet end when the reader goes away.

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Command, Stdio};

#[path = "support/cli.rs"]
mod cli;

use cli::Retrieval::WordsOnly;

fn gutcheck(index: &Path, args: &[&str]) -> Command {
    cli::gutcheck(&cli::faq(), index, WordsOnly, args)
}

#[test]
fn chat_never_echoes_control_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = gutcheck(&tmp.path().join("index"), &["chat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The warning quotes what it noticed; here that span holds a right-to-left override, and
    // escape sequences follow it.
    let hostile = "there is blood \u{202e} in my stool\u{1b}]0;owned\u{7} since monday\u{1b}[2J\n";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(hostile.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("What I noticed"), "{text}");
    assert!(
        !text
            .chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t')
                || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{text:?}"
    );
}

#[test]
fn json_escapes_line_and_paragraph_separators() {
    let tmp = tempfile::tempdir().unwrap();
    let out = gutcheck(
        &tmp.path().join("index"),
        &["ask", "--json", "is leaky gut\u{2028}real?\u{2029}"],
    )
    .output()
    .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains(['\u{2028}', '\u{2029}']), "{text:?}");
    assert!(
        text.contains("\\u2028") && text.contains("\\u2029"),
        "{text}"
    );
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["query"], "is leaky gut\u{2028}real?\u{2029}");
}

#[test]
fn chat_into_a_closed_pipe_ends_quietly() {
    // `gutcheck chat < questions.txt | head -1`
    let tmp = tempfile::tempdir().unwrap();
    let mut child = gutcheck(&tmp.path().join("index"), &["chat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        // Far more output than a pipe buffers, so the writes must hit the closed pipe.
        for _ in 0..5_000 {
            if stdin.write_all(b"is leaky gut real?\n").is_err() {
                break;
            }
        }
    });
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(out.status.code(), Some(0));
}
