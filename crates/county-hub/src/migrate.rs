//! The numbered SQL files of `migrations/`, embedded in the binary and applied at start: every
//! pending one in a single transaction under an advisory lock, so instances that start together
//! wait for each other instead of racing, and a failed migration leaves nothing half-applied.

use deadpool_postgres::Client;

/// (version, SQL) in order; a new migration is a new file and a new line here.
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_duties_demands.sql")),
    (3, include_str!("../migrations/0003_rating_channel.sql")),
    (4, include_str!("../migrations/0004_escrow.sql")),
];

/// Only county-hub takes this lock ("ychubmig"), so it waits for nothing else.
const LOCK_KEY: i64 = 0x7963_6875_626d_6967;

/// Applies what the database lacks; returns how many migrations that was.
pub async fn run(client: &mut Client) -> Result<usize, tokio_postgres::Error> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY]).await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
             version     integer PRIMARY KEY,
             applied_at  timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let current: i32 = tx.query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[]).await?.get(0);
    let latest = MIGRATIONS.last().map_or(0, |(v, _)| *v);
    if current > latest {
        // A newer instance migrated first (rolling upgrade); migrations only add, so keep serving.
        log::warn!("database schema version {current} is newer than this binary's {latest}");
    }
    let mut applied = 0;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.batch_execute(sql).await?;
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[version]).await?;
        applied += 1;
    }
    tx.commit().await?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_up_from_one() {
        for (i, (v, sql)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*v as usize, i + 1);
            assert!(!sql.trim().is_empty());
        }
    }
}
