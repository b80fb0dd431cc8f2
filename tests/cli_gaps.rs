//! `gutcheck gaps` as an operator runs it: an empty database says how to turn recording on;
//! recorded questions come out grouped, as text, JSON and CSV.

#[path = "support/cli.rs"]
mod cli;

use std::path::Path;

use cli::Retrieval;
use gutcheck::store::{self, Candidate, Gap, GapReason, Location, Vote};

fn settings_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("bot.toml");
    let data = dir.join("data");
    std::fs::write(
        &path,
        format!("data_dir = {:?}\n", data.display().to_string()),
    )
    .unwrap();
    path
}

fn gaps(dir: &Path, extra: &[&str]) -> (bool, String, String) {
    let config = settings_file(dir);
    let mut args = vec!["gaps", "--config", config.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = cli::gutcheck(&cli::faq(), &dir.join("index"), Retrieval::WordsOnly, &args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn an_empty_database_says_how_to_turn_recording_on() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = gaps(dir.path(), &[]);
    assert!(ok, "{err}");
    assert!(
        out.contains("No unanswered questions are recorded"),
        "{out}"
    );
    assert!(out.contains("/gutcheck-config record_gaps:True"), "{out}");
    assert!(out.contains("record_gaps = true"), "{out}");
}

#[test]
fn recorded_questions_are_grouped_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location {
        database_url: None,
        data_dir: dir.path().join("data"),
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let s = store::open(&location).await.unwrap();
        for (text, at) in [
            ("Is kombucha OK?", 1),
            ("is kombucha ok", 2),
            ("moon, \"dust\"", 3),
        ] {
            let gap = Gap {
                id: 0,
                guild_id: 7,
                channel_id: 8,
                text: text.to_string(),
                reason: GapReason::Abstained,
                candidates: vec![Candidate {
                    entry_id: "fermented-foods".into(),
                    score: 0.5,
                }],
                asked_at: at,
                expires_at: i64::MAX,
            };
            s.add_gap(&gap).await.unwrap();
        }
        let vote = Vote {
            voter: store::voter_hash("s", 1, 2),
            message_id: 2,
            guild_id: Some(7),
            entry_id: "fermented-foods".into(),
            helpful: false,
            at: 1,
        };
        s.vote(&vote).await.unwrap();
    });

    let (ok, out, err) = gaps(dir.path(), &[]);
    assert!(ok, "{err}");
    assert!(
        out.contains("2× \"is kombucha ok\" (closest: fermented-foods (0.50))"),
        "{out}"
    );
    assert!(out.contains("fermented-foods in server 7: 0 / 1"), "{out}");

    let (ok, out, _) = gaps(dir.path(), &["--json"]);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(json["groups"].as_array().unwrap().len(), 2);
    assert_eq!(json["groups"][0]["count"], 2);
    assert_eq!(json["votes"][0]["not_helpful"], 1);

    let (ok, out, _) = gaps(dir.path(), &["--csv"]);
    assert!(ok);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].starts_with("count,"));
    assert!(lines[2].ends_with("\"moon, \"\"dust\"\"\""), "{out}");

    let (ok, out, _) = gaps(dir.path(), &["--guild", "99"]);
    assert!(ok);
    assert!(
        out.contains("No unanswered questions are recorded"),
        "{out}"
    );
}
