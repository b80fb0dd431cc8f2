//! The `ask`, `index` and error paths of the built binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

#[path = "support/cli.rs"]
mod cli;

use cli::{faq, faq_copy};

fn gutcheck(faq: &Path, index: &Path, args: &[&str]) -> Command {
    cli::gutcheck(faq, index, cli::Retrieval::WithModel, args)
}

fn run(faq: &Path, index: &Path, args: &[&str]) -> Output {
    gutcheck(faq, index, args)
        .output()
        .expect("the binary runs")
}

/// `gutcheck <args>` over the real FAQ, with its index in a fresh folder under `tmp`.
fn ask(tmp: &Path, args: &[&str]) -> Output {
    run(&faq(), &seeded_index(tmp), args)
}

/// A fresh index folder under `tmp` holding a copy of the tests' shared cache of FAQ vectors,
/// so each test does not embed a thousand phrasings again: the index itself is still built
/// from scratch.
fn seeded_index(tmp: &Path) -> PathBuf {
    let dir = tmp.join("index");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(cli::shared_vectors(), dir.join("vectors.bin")).unwrap();
    dir
}

/// `gutcheck index`: what it printed.
fn reindex(faq: &Path, index: &Path) -> String {
    stdout(&run(faq, index, &["index"]))
}

/// `gutcheck <args>` over the real FAQ and a fresh index under `tmp`, with stdin, stdout and
/// stderr piped.
fn spawn_piped(tmp: &Path, args: &[&str]) -> Child {
    gutcheck(&faq(), &seeded_index(tmp), args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Writes `input` to the child's stdin, closes it and waits for the child to end.
fn feed(mut child: Child, input: &[u8]) -> Output {
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

/// Asserts the run succeeded (showing its stderr if not) and returns its stdout.
fn success_stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(out)
}

#[test]
fn ask_prints_a_graded_cited_answer() {
    let tmp = tempfile::tempdir().unwrap();
    let text = success_stdout(&ask(tmp.path(), &["ask", "is leaky gut real?"]));
    assert!(text.starts_with("Is leaky gut real?"), "{text}");
    assert!(text.contains("Evidence "), "{text}");
    assert!(text.contains("Sources:\n[1] "), "{text}");
    assert!(text.contains("not medical advice"), "{text}");
}

#[test]
fn ask_off_topic_abstains() {
    let tmp = tempfile::tempdir().unwrap();
    let text = success_stdout(&ask(
        tmp.path(),
        &["ask", "anyone watching the game tonight?"],
    ));
    assert!(text.starts_with("I don't have a good answer"), "{text}");
}

#[test]
fn ask_json_follows_the_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let text = success_stdout(&ask(
        tmp.path(),
        &["ask", "--json", "do probiotics help leaky gut"],
    ));
    assert_eq!(text.lines().count(), 1, "one JSON object on one line");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["query"], "do probiotics help leaky gut");
    let a = &v["answer"];
    assert_eq!(a["id"], "probiotics");
    for key in ["title", "grade", "summary", "text"] {
        assert!(a[key].is_string(), "answer.{key}");
    }
    assert!(a["score"].is_number());
    let claims = a["claims"].as_array().unwrap();
    assert!(!claims.is_empty());
    for c in claims {
        assert!(c["text"].is_string() && c["grade"].is_string());
        assert!(c["sources"].as_array().unwrap().iter().all(|n| n.is_u64()));
    }
    let citations = a["citations"].as_array().unwrap();
    for (i, c) in citations.iter().enumerate() {
        assert_eq!(c["n"], i + 1);
        for key in ["id", "title", "kind", "url"] {
            assert!(c[key].is_string(), "citation.{key}");
        }
        assert!(c["year"].is_u64());
    }
    assert!(v["suggestions"].as_array().unwrap().is_empty());
    assert!(v["red_flags"].is_array());

    let out = ask(
        tmp.path(),
        &["ask", "--json", "how do i change my nickname here"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(v["answer"].is_null());
    assert!(v["suggestions"].is_array());
}

#[test]
fn ask_json_stdin_answers_every_line_in_order_and_survives_bad_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let mut input: Vec<u8> = Vec::new();
    input.extend_from_slice(b"is leaky gut real?\n");
    input.extend_from_slice(b"bad \xff\xfe bytes\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(&vec![b'a'; 70_000]);
    input.extend_from_slice(b"\nhi everyone!\r\n");
    input.extend_from_slice(b"does zinc help leaky gut"); // no final newline
    let out = feed(spawn_piped(tmp.path(), &["ask", "--json", "-"]), &input);
    let lines: Vec<serde_json::Value> = success_stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["answer"]["id"], "is-leaky-gut-real");
    assert!(lines[1]["error"].as_str().unwrap().contains("UTF-8"));
    assert!(lines[1]["query"].as_str().unwrap().starts_with("bad "));
    assert!(lines[2]["answer"].is_null() && lines[2]["error"].is_null());
    assert!(lines[3]["error"].as_str().unwrap().contains("longer than"));
    assert_eq!(lines[4]["query"], "hi everyone!");
    assert!(lines[4]["answer"].is_null());
    assert_eq!(lines[5]["answer"]["id"], "zinc");
}

#[test]
fn a_reader_that_stops_early_ends_the_stream_quietly() {
    // `gutcheck ask --json - < big.txt | head -1`: once the reader is gone, stop without a
    // panic or an error message, as Unix tools do.
    let tmp = tempfile::tempdir().unwrap();
    let mut child = spawn_piped(tmp.path(), &["ask", "--json", "-"]);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        // Far more output than a pipe buffers, so the writes must hit the closed pipe.
        for _ in 0..20_000 {
            if stdin.write_all(b"is leaky gut real?\n").is_err() {
                break;
            }
        }
    });
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    assert!(first.contains("is-leaky-gut-real"), "{first}");
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn index_is_reused_until_the_faq_changes_and_rebuilt_when_corrupt() {
    let tmp = tempfile::tempdir().unwrap();
    let faq = faq_copy(tmp.path());
    let index = seeded_index(tmp.path());
    std::fs::create_dir_all(&index).unwrap();
    std::fs::write(index.join("README.md"), "keep me\n").unwrap();

    let first = reindex(&faq, &index);
    assert!(first.starts_with("built "), "{first}");
    assert!(first.contains("no index yet"), "{first}");
    let second = reindex(&faq, &index);
    assert!(second.starts_with("reused "), "{second}");

    let entry = faq.join("entries/zinc.toml");
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(
        &entry,
        text.replacen(
            "questions = [",
            "questions = [\n  \"zinc tablets and the gut\",",
            1,
        ),
    )
    .unwrap();
    let third = reindex(&faq, &index);
    assert!(third.starts_with("built "), "{third}");
    assert!(third.contains("FAQ files changed"), "{third}");

    // Exactly one generation remains, beside the README and the vector cache.
    let mut names: Vec<String> = std::fs::read_dir(&index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(names[2], "vectors.bin", "{names:?}");
    assert_eq!(
        std::fs::read_to_string(index.join("README.md")).unwrap(),
        "keep me\n"
    );

    // Damage the index: it is rebuilt, not trusted.
    let generation = names.iter().find(|n| n.starts_with("faq-")).unwrap();
    std::fs::write(index.join(generation).join("meta.json"), "{ not json").unwrap();
    let fourth = reindex(&faq, &index);
    assert!(fourth.starts_with("built "), "{fourth}");
    assert!(fourth.contains("could not be used"), "{fourth}");
    let out = run(
        &faq,
        &index,
        &["ask", "--json", "is zinc useful for leaky gut"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["answer"]["id"], "zinc");
}

#[test]
fn a_missing_faq_folder_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-faq");
    let out = run(
        &missing,
        &seeded_index(tmp.path()),
        &["ask", "is leaky gut real?"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no-such-faq") && err.contains("--faq"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn an_invalid_faq_names_the_problem_and_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let faq = faq_copy(tmp.path());
    std::fs::write(faq.join("entries/zinc.toml"), "id = \"zinc\"\n").unwrap();
    let out = run(&faq, &seeded_index(tmp.path()), &["ask", "zinc?"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("zinc.toml:"), "{err}");
    assert!(err.contains("gutcheck check"), "{err}");
}

#[test]
fn why_explains_the_decision() {
    let tmp = tempfile::tempdir().unwrap();
    let text = success_stdout(&ask(tmp.path(), &["why", "does ibuprofin cause leaky gut"]));
    assert!(text.contains("typo:     ibuprofin -> ibuprofen"), "{text}");
    assert!(text.contains("1. nsaids"), "{text}");
    assert!(text.contains("coverage"), "{text}");
    assert!(text.contains("margin"), "{text}");
    assert!(text.contains("decision: answer with nsaids"), "{text}");
}

#[test]
fn chat_reads_stdin_without_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    // stderr is left to the terminal here, as a person at a prompt would have it.
    let child = gutcheck(&faq(), &seeded_index(tmp.path()), &["chat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = feed(child, b"is leaky gut real?\n/quit\nnever read\n");
    let text = success_stdout(&out);
    assert!(text.contains("Is leaky gut real?"), "{text}");
    assert_eq!(text.matches("not medical advice").count(), 1, "{text}");
}

#[test]
fn a_vector_cache_that_cannot_be_written_is_a_warning_not_silence() {
    // In process, after `shared_vectors` warmed the model's memo: the binary would embed the
    // whole FAQ again (minutes in a debug build) only to fail the same write. The CLI and the
    // bot print exactly `start_up_warnings` (as `warning: ...` on stderr, and in the log).
    cli::shared_vectors();
    // A folder where the cache file should go: the rename onto it fails.
    let tmp = tempfile::tempdir().unwrap();
    let index = tmp.path().join("index");
    std::fs::create_dir_all(index.join("vectors.bin")).unwrap();
    let (core, report) = gutcheck::respond::Gutcheck::open(&faq(), &index).unwrap();
    let answer = core.respond("zinc").answer.map(|a| a.id);
    assert_eq!(answer.as_deref(), Some("zinc"));
    let warnings = report.start_up_warnings();
    assert!(
        warnings.iter().any(|w| w.contains("not cached")),
        "{warnings:?}"
    );
}
