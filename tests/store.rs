//! The store's behaviour, one test body run against SQLite and against PostgreSQL.

#[path = "support/postgres.rs"]
mod postgres;

use std::sync::Arc;

use gutcheck::store::{
    self, Candidate, Gap, GapReason, GuildConfig, Location, Store, Vote, VoteOutcome,
};

const GUILD: u64 = 900_000_000_000_000_100;
const OTHER_GUILD: u64 = 42;

fn vote(voter: &str, message: u64, guild: Option<u64>, entry: &str, helpful: bool) -> Vote {
    Vote {
        voter: voter.to_string(),
        message_id: message,
        guild_id: guild,
        entry_id: entry.to_string(),
        helpful,
        at: 1_000,
    }
}

fn gap(guild: u64, text: &str, asked_at: i64, expires_at: i64) -> Gap {
    Gap {
        id: 0,
        guild_id: guild,
        channel_id: 7,
        text: text.to_string(),
        reason: GapReason::Abstained,
        candidates: vec![Candidate {
            entry_id: "zonulin-test".into(),
            score: 0.42,
        }],
        asked_at,
        expires_at,
    }
}

async fn one_vote_per_person_per_answer(s: &dyn Store) {
    let a = store::voter_hash("salt", 1, 100);
    let b = store::voter_hash("salt", 2, 100);
    let v = |voter: &str, helpful| vote(voter, 100, Some(GUILD), "kefir", helpful);
    assert_eq!(s.vote(&v(&a, true)).await.unwrap(), VoteOutcome::Counted);
    assert_eq!(
        s.vote(&v(&a, true)).await.unwrap(),
        VoteOutcome::AlreadyCounted
    );
    assert_eq!(s.vote(&v(&a, false)).await.unwrap(), VoteOutcome::Changed);
    assert_eq!(s.vote(&v(&b, true)).await.unwrap(), VoteOutcome::Counted);
    let dm = store::voter_hash("salt", 1, 200);
    s.vote(&vote(&dm, 200, None, "kefir", true)).await.unwrap();
    let other = store::voter_hash("salt", 3, 300);
    s.vote(&vote(&other, 300, Some(OTHER_GUILD), "zinc", false))
        .await
        .unwrap();

    let mine = s.feedback(Some(GUILD)).await.unwrap();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!((mine[0].helpful, mine[0].not_helpful), (1, 1));
    let all = s.feedback(None).await.unwrap();
    assert_eq!(all.len(), 3, "per entry and per server: {all:?}");
    assert!(all.iter().any(|c| c.guild_id.is_none() && c.helpful == 1));
}

async fn gaps_are_kept_listed_and_purged(s: &dyn Store) {
    s.add_gap(&gap(GUILD, "is kombucha ok", 10, 100))
        .await
        .unwrap();
    s.add_gap(&gap(GUILD, "does fasting help", 20, 200))
        .await
        .unwrap();
    s.add_gap(&gap(OTHER_GUILD, "elsewhere", 30, 300))
        .await
        .unwrap();
    let mine = s.gaps(Some(GUILD)).await.unwrap();
    let texts: Vec<&str> = mine.iter().map(|g| g.text.as_str()).collect();
    assert_eq!(texts, ["is kombucha ok", "does fasting help"]);
    assert_eq!(mine[0].candidates[0].entry_id, "zonulin-test");
    assert!((mine[0].candidates[0].score - 0.42).abs() < 1e-6);
    assert_eq!(mine[0].reason, GapReason::Abstained);

    // Retention: only what expired before `now` goes.
    assert_eq!(s.purge_expired(150).await.unwrap(), 1);
    assert_eq!(s.gaps(None).await.unwrap().len(), 2);
    assert_eq!(s.purge_gaps(Some(GUILD)).await.unwrap(), 1);
    let left = s.gaps(None).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].guild_id, OTHER_GUILD);
    assert_eq!(s.purge_gaps(None).await.unwrap(), 1);
}

async fn settings_salt_and_generation(s: &dyn Store) {
    assert!(s.guild_configs().await.unwrap().is_empty());
    let mut config = GuildConfig {
        record_gaps: Some(true),
        passive_channels: Some(vec![1, 2]),
        ..GuildConfig::default()
    };
    s.set_guild_config(GUILD, &config, 5).await.unwrap();
    config.emergency_contact = Some("Call 112".into());
    s.set_guild_config(GUILD, &config, 6).await.unwrap();
    assert_eq!(s.guild_configs().await.unwrap(), vec![(GUILD, config)]);

    let salt = s.salt().await.unwrap();
    assert_eq!(salt.len(), 64);
    assert_eq!(s.salt().await.unwrap(), salt, "one salt, kept");

    assert_eq!(s.generation().await.unwrap(), 0);
    assert_eq!(s.bump_generation().await.unwrap(), 1);
    assert_eq!(s.bump_generation().await.unwrap(), 2);
    assert_eq!(s.generation().await.unwrap(), 2);
}

/// The shared body: everything the bot asks of a store.
async fn exercise(s: Arc<dyn Store>) {
    one_vote_per_person_per_answer(s.as_ref()).await;
    gaps_are_kept_listed_and_purged(s.as_ref()).await;
    settings_salt_and_generation(s.as_ref()).await;
}

#[tokio::test]
async fn sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location {
        database_url: None,
        data_dir: dir.path().join("data"),
    };
    let s = store::open(&location).await.unwrap();
    assert_eq!(s.backend(), "sqlite");
    assert!(dir.path().join("data").join(store::SQLITE_FILE).is_file());
    exercise(s.clone()).await;
    drop(s);
    // Opening again migrates nothing twice and keeps what was stored.
    let again = store::open(&location).await.unwrap();
    assert_eq!(again.generation().await.unwrap(), 2);
}

#[tokio::test]
async fn postgres_store() {
    let db = postgres::fresh().await;
    let location = Location {
        database_url: Some(db.url.clone()),
        data_dir: "unused".into(),
    };
    let s = store::open(&location).await.unwrap();
    assert_eq!(s.backend(), "postgres");
    exercise(s.clone()).await;
    drop(s);
    let again = store::open(&location).await.unwrap();
    assert_eq!(again.generation().await.unwrap(), 2);
    drop(again);
    db.drop_database().await;
}

#[tokio::test]
async fn a_database_that_cannot_be_reached_is_reported_without_its_password() {
    let location = Location {
        database_url: Some("postgres://bot:hunter2@127.0.0.1:1/gutcheck".into()),
        data_dir: "unused".into(),
    };
    let error = match store::open(&location).await {
        Ok(_) => panic!("nothing listens on port 1"),
        Err(e) => e.to_string(),
    };
    assert!(!error.contains("hunter2"), "{error}");
    assert!(
        error.contains("cannot connect to PostgreSQL at postgres://bot:***@127.0.0.1:1/gutcheck"),
        "{error}"
    );
    let location = Location {
        database_url: Some("mysql://root:pw@db/x".into()),
        data_dir: "unused".into(),
    };
    let error = store::open(&location).await.err().unwrap().to_string();
    assert!(
        error.contains("neither postgres://") && !error.contains(":pw@"),
        "{error}"
    );
}
