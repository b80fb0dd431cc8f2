//! The statements both back ends run. SQLite and PostgreSQL accept the same SQL for all of
//! them (numbered `$n` parameters, `ON CONFLICT`, `RETURNING`), so `impl_store!` writes the
//! one [`Store`](super::Store) implementation for each pool type; only opening and the
//! migrations differ (`sqlite.rs`, `postgres.rs`).

use super::StoreError;

pub const FEEDBACK: &str = "SELECT entry_id, guild_id, \
       SUM(CASE WHEN helpful THEN 1 ELSE 0 END) AS up, \
       SUM(CASE WHEN helpful THEN 0 ELSE 1 END) AS down \
     FROM votes WHERE ($1 IS NULL OR guild_id = $1) \
     GROUP BY entry_id, guild_id ORDER BY entry_id, guild_id";

pub const GAPS: &str = "SELECT id, guild_id, channel_id, text, reason, candidates, asked_at, \
     expires_at FROM gaps WHERE ($1 IS NULL OR guild_id = $1) ORDER BY asked_at, id";

/// A failed statement, said for the operator: which back end, what it was doing, why.
pub fn failed(backend: &str, doing: &str, error: sqlx::Error) -> StoreError {
    StoreError::new(format!("the {backend} database could not {doing}: {error}"))
}

macro_rules! impl_store {
    ($store:ty, $backend:literal) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn salt(&self) -> Result<String, $crate::store::StoreError> {
                let fail = |e| $crate::store::sql::failed($backend, "keep the vote salt", e);
                sqlx::query(
                    "INSERT INTO meta (key, value) VALUES ('vote_salt', $1) \
                     ON CONFLICT (key) DO NOTHING",
                )
                .bind($crate::store::new_salt()?)
                .execute(&self.pool)
                .await
                .map_err(fail)?;
                sqlx::query_scalar("SELECT value FROM meta WHERE key = 'vote_salt'")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(fail)
            }

            async fn vote(
                &self,
                vote: &$crate::store::Vote,
            ) -> Result<$crate::store::VoteOutcome, $crate::store::StoreError> {
                use $crate::store::{VoteOutcome, to_db};
                let fail = |e| $crate::store::sql::failed($backend, "record a vote", e);
                let inserted = sqlx::query(
                    "INSERT INTO votes (voter, message_id, guild_id, entry_id, helpful, \
                     voted_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (voter) DO NOTHING",
                )
                .bind(&vote.voter)
                .bind(to_db(vote.message_id))
                .bind(vote.guild_id.map(to_db))
                .bind(&vote.entry_id)
                .bind(vote.helpful)
                .bind(vote.at)
                .execute(&self.pool)
                .await
                .map_err(fail)?;
                if inserted.rows_affected() == 1 {
                    return Ok(VoteOutcome::Counted);
                }
                let changed = sqlx::query(
                    "UPDATE votes SET helpful = $2, voted_at = $3 \
                     WHERE voter = $1 AND helpful <> $2",
                )
                .bind(&vote.voter)
                .bind(vote.helpful)
                .bind(vote.at)
                .execute(&self.pool)
                .await
                .map_err(fail)?;
                Ok(if changed.rows_affected() == 1 {
                    VoteOutcome::Changed
                } else {
                    VoteOutcome::AlreadyCounted
                })
            }

            async fn feedback(
                &self,
                guild: Option<u64>,
            ) -> Result<Vec<$crate::store::FeedbackCount>, $crate::store::StoreError> {
                use sqlx::Row;
                let rows = sqlx::query($crate::store::sql::FEEDBACK)
                    .bind(guild.map($crate::store::to_db))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| $crate::store::sql::failed($backend, "count votes", e))?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::store::FeedbackCount {
                            entry_id: row.try_get("entry_id")?,
                            guild_id: row
                                .try_get::<Option<i64>, _>("guild_id")?
                                .map($crate::store::from_db),
                            helpful: row.try_get::<i64, _>("up")?.max(0) as u64,
                            not_helpful: row.try_get::<i64, _>("down")?.max(0) as u64,
                        })
                    })
                    .collect::<Result<_, sqlx::Error>>()
                    .map_err(|e| $crate::store::sql::failed($backend, "read vote counts", e))
            }

            async fn add_gap(
                &self,
                gap: &$crate::store::Gap,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::store::to_db;
                let candidates = serde_json::to_string(&gap.candidates)
                    .map_err(|e| $crate::store::StoreError::new(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO gaps (guild_id, channel_id, text, reason, candidates, \
                     asked_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(to_db(gap.guild_id))
                .bind(to_db(gap.channel_id))
                .bind(&gap.text)
                .bind(gap.reason.as_str())
                .bind(candidates)
                .bind(gap.asked_at)
                .bind(gap.expires_at)
                .execute(&self.pool)
                .await
                .map_err(|e| {
                    $crate::store::sql::failed($backend, "keep an unanswered question", e)
                })?;
                Ok(())
            }

            async fn gaps(
                &self,
                guild: Option<u64>,
            ) -> Result<Vec<$crate::store::Gap>, $crate::store::StoreError> {
                use sqlx::Row;
                use $crate::store::from_db;
                let fail =
                    |e| $crate::store::sql::failed($backend, "read unanswered questions", e);
                let rows = sqlx::query($crate::store::sql::GAPS)
                    .bind(guild.map($crate::store::to_db))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(fail)?;
                rows.iter()
                    .map(|row| {
                        let candidates: String = row.try_get("candidates")?;
                        Ok($crate::store::Gap {
                            id: row.try_get("id")?,
                            guild_id: from_db(row.try_get("guild_id")?),
                            channel_id: from_db(row.try_get("channel_id")?),
                            text: row.try_get("text")?,
                            reason: $crate::store::GapReason::parse(row.try_get("reason")?),
                            // Written by this module: unreadable only if edited by hand.
                            candidates: serde_json::from_str(&candidates).unwrap_or_default(),
                            asked_at: row.try_get("asked_at")?,
                            expires_at: row.try_get("expires_at")?,
                        })
                    })
                    .collect::<Result<_, sqlx::Error>>()
                    .map_err(fail)
            }

            async fn purge_gaps(
                &self,
                guild: Option<u64>,
            ) -> Result<u64, $crate::store::StoreError> {
                let done = sqlx::query("DELETE FROM gaps WHERE ($1 IS NULL OR guild_id = $1)")
                    .bind(guild.map($crate::store::to_db))
                    .execute(&self.pool)
                    .await
                    .map_err(|e| {
                        $crate::store::sql::failed($backend, "delete unanswered questions", e)
                    })?;
                Ok(done.rows_affected())
            }

            async fn purge_expired(&self, now: i64) -> Result<u64, $crate::store::StoreError> {
                let done = sqlx::query("DELETE FROM gaps WHERE expires_at < $1")
                    .bind(now)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| {
                        $crate::store::sql::failed($backend, "purge expired questions", e)
                    })?;
                Ok(done.rows_affected())
            }

            async fn guild_configs(
                &self,
            ) -> Result<Vec<(u64, $crate::store::GuildConfig)>, $crate::store::StoreError>
            {
                let fail = |e| $crate::store::sql::failed($backend, "read server settings", e);
                let rows: Vec<(i64, String)> =
                    sqlx::query_as("SELECT guild_id, settings FROM guild_settings")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(fail)?;
                rows.into_iter()
                    .map(|(guild, text)| {
                        let config = serde_json::from_str(&text).map_err(|e| {
                            $crate::store::StoreError::new(format!(
                                "the settings of server {guild} in the {} database are not \
                                 readable ({e}); set them again with /gutcheck-config",
                                $backend
                            ))
                        })?;
                        Ok(($crate::store::from_db(guild), config))
                    })
                    .collect()
            }

            async fn set_guild_config(
                &self,
                guild: u64,
                config: &$crate::store::GuildConfig,
                now: i64,
            ) -> Result<(), $crate::store::StoreError> {
                let text = serde_json::to_string(config)
                    .map_err(|e| $crate::store::StoreError::new(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO guild_settings (guild_id, settings, updated_at) \
                     VALUES ($1, $2, $3) ON CONFLICT (guild_id) DO UPDATE \
                     SET settings = excluded.settings, updated_at = excluded.updated_at",
                )
                .bind($crate::store::to_db(guild))
                .bind(text)
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(|e| $crate::store::sql::failed($backend, "save server settings", e))?;
                Ok(())
            }

            async fn generation(&self) -> Result<i64, $crate::store::StoreError> {
                sqlx::query_scalar("SELECT generation FROM reload_generation WHERE id = 1")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| {
                        $crate::store::sql::failed($backend, "read the reload generation", e)
                    })
            }

            async fn bump_generation(&self) -> Result<i64, $crate::store::StoreError> {
                sqlx::query_scalar(
                    "UPDATE reload_generation SET generation = generation + 1 WHERE id = 1 \
                     RETURNING generation",
                )
                .fetch_one(&self.pool)
                .await
                .map_err(|e| {
                    $crate::store::sql::failed($backend, "announce the reload generation", e)
                })
            }
        }
    };
}

pub(crate) use impl_store;
