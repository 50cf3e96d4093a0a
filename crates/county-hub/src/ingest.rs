//! Storing a checked batch in one transaction, each case and demand answered as the protocol
//! says: stored, duplicate, stale or conflict. The writes are a few set-based statements over
//! arrays, pipelined on one connection, and a COPY of the events, so a batch of 200 costs six
//! round trips, not hundreds (two more when it carries demands).

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use chrono::NaiveDate;
use deadpool_postgres::Client;
use sync_protocol::{AckStatus, CaseAck, DemandAck};
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};
use uuid::Uuid;

use crate::batch::{CheckedBatch, CheckedCase, CheckedDemand};
use crate::errors::ApiError;

/// Serialises the pushes of one township, so a hall's retry racing its own first attempt sees
/// the first one's outcome instead of a duplicate-key failure, and holds the township's row
/// (which `cases` has no foreign key to) while its cases go in. Townships do not wait on each other.
const LOCK_TOWNSHIP: &str = "SELECT 1 FROM townships WHERE code = $1 FOR NO KEY UPDATE";
const HELD: &str = "SELECT uuid, township, revision, content_hash FROM cases WHERE uuid = ANY($1)";
const HELD_BODIES: &str = "SELECT uuid, body::text AS body FROM cases WHERE uuid = ANY($1)";
/// The township check in `DO UPDATE` keeps another township's case untouched even if it
/// appeared after `HELD` looked; the row count then falls short and the batch is refused.
const UPSERT_CASES: &str = "
    INSERT INTO cases (uuid, township, number, revision, content_hash, body, state, day, due_date, closed_on)
    SELECT u, $2, n, r, h, b::jsonb, s, d, dd, co
    FROM unnest($1::uuid[], $3::text[], $4::int8[], $5::text[], $6::text[], $7::text[], $8::date[], $9::date[],
                $10::date[]) AS t(u, n, r, h, b, s, d, dd, co)
    ON CONFLICT (uuid) DO UPDATE SET
        number = EXCLUDED.number, revision = EXCLUDED.revision, content_hash = EXCLUDED.content_hash,
        body = EXCLUDED.body, state = EXCLUDED.state, day = EXCLUDED.day, due_date = EXCLUDED.due_date,
        closed_on = EXCLUDED.closed_on, received_at = now()
    WHERE cases.township = EXCLUDED.township";
const DELETE_EVENTS: &str = "DELETE FROM events WHERE case_uuid = ANY($1)";
const DELETE_RATINGS: &str = "DELETE FROM ratings WHERE case_uuid = ANY($1)";
const COPY_EVENTS: &str =
    "COPY events (case_uuid, seq, township, at, actor, action, from_state, to_state, note) FROM STDIN BINARY";
const EVENT_TYPES: &[Type] =
    &[Type::UUID, Type::INT4, Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT];
const INSERT_RATINGS: &str = "
    INSERT INTO ratings (case_uuid, township, level, comment, rated_at, follow_up_closed, channel)
    SELECT u, $2, l, c, r, f, ch
    FROM unnest($1::uuid[], $3::int2[], $4::text[], $5::text[], $6::bool[], $7::text[]) AS x(u, l, c, r, f, ch)";
const INSERT_CONFLICTS: &str = "
    INSERT INTO conflicts (case_uuid, township, revision, stored_hash, stored_body, incoming_hash, incoming_body)
    SELECT u, $2, r, sh, sb::jsonb, ih, ib::jsonb
    FROM unnest($1::uuid[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(u, r, sh, sb, ih, ib)
    ON CONFLICT (case_uuid, revision, incoming_hash) DO NOTHING";

/// A demand is its township's: the key includes the token's township, so no push can touch
/// another township's demand of the same number.
const HELD_DEMANDS: &str =
    "SELECT number, revision, content_hash FROM demands WHERE township = $1 AND number = ANY($2)";
/// Before the upsert, so a stored body still held in the database is read from it.
const INSERT_DEMAND_CONFLICTS: &str = "
    INSERT INTO demand_conflicts (township, number, revision, stored_hash, stored_body, incoming_hash, incoming_body)
    SELECT $1, n, r, sh, coalesce(sb::jsonb, (SELECT body FROM demands d WHERE d.township = $1 AND d.number = n)),
           ih, ib::jsonb
    FROM unnest($2::text[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(n, r, sh, sb, ih, ib)
    ON CONFLICT (township, number, revision, incoming_hash) DO NOTHING";
const UPSERT_DEMANDS: &str = "
    INSERT INTO demands (township, number, revision, content_hash, body, kind, adopted, day)
    SELECT $1, n, r, h, b::jsonb, k, a, d
    FROM unnest($2::text[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::date[])
         AS t(n, r, h, b, k, a, d)
    ON CONFLICT (township, number) DO UPDATE SET
        revision = EXCLUDED.revision, content_hash = EXCLUDED.content_hash, body = EXCLUDED.body,
        kind = EXCLUDED.kind, adopted = EXCLUDED.adopted, day = EXCLUDED.day, received_at = now()";

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// Where the revision the hub holds of a case lives at this point of the batch.
#[derive(Clone, Copy)]
enum Holder {
    Database,
    Batch(usize),
}

struct Held {
    revision: i64,
    hash: String,
    holder: Holder,
}

/// A record sent with the revision the hub holds, but other content.
struct Conflict {
    incoming: usize,
    stored_hash: String,
    stored: Holder,
}

/// How a batch's records of one kind are answered, and what is written for them.
struct Decisions<K> {
    statuses: Vec<AckStatus>,
    /// The record stored last for each key (a later revision in the batch wins).
    writes: HashMap<K, usize>,
    conflicts: Vec<Conflict>,
}

/// Decides each record (key, revision, content hash) in the order sent against what the hub
/// holds, which each stored record then becomes: two revisions of one record in one batch work.
fn decide<'a, K: Copy + Eq + Hash>(
    held: &mut HashMap<K, Held>,
    incoming: impl Iterator<Item = (K, i64, &'a str)>,
) -> Decisions<K> {
    let mut d = Decisions { statuses: Vec::new(), writes: HashMap::new(), conflicts: Vec::new() };
    for (i, (key, revision, hash)) in incoming.enumerate() {
        let status = match held.get(&key) {
            None => AckStatus::Stored,
            Some(h) if revision > h.revision => AckStatus::Stored,
            Some(h) if revision < h.revision => AckStatus::Stale,
            Some(h) if h.hash == hash => AckStatus::Duplicate,
            Some(h) => {
                d.conflicts.push(Conflict { incoming: i, stored_hash: h.hash.clone(), stored: h.holder });
                AckStatus::Conflict
            }
        };
        if status == AckStatus::Stored {
            d.writes.insert(key, i);
            held.insert(key, Held { revision, hash: hash.to_string(), holder: Holder::Batch(i) });
        }
        d.statuses.push(status);
    }
    d
}

/// Stores the batch and answers each case and demand, in order; on any error nothing is stored.
pub async fn store(
    client: &mut Client,
    township: &str,
    batch: &CheckedBatch,
) -> Result<(Vec<CaseAck>, Vec<DemandAck>), ApiError> {
    let tx = client.transaction().await?;
    let cases = &batch.cases;
    let (lock, held_stmt) = tokio::try_join!(tx.prepare_cached(LOCK_TOWNSHIP), tx.prepare_cached(HELD))?;
    let uuids: Vec<Uuid> = cases.iter().map(|c| c.uuid).collect();
    let (lock_params, held_params): (Params, Params) = (&[&township], &[&uuids]);
    let (_, rows) = tokio::try_join!(tx.execute(&lock, lock_params), tx.query(&held_stmt, held_params))?;

    let mut held = HashMap::with_capacity(rows.len());
    for row in &rows {
        let (uuid, owner): (Uuid, &str) = (row.get("uuid"), row.get("township"));
        if owner != township {
            return Err(ApiError::forbidden(format!("办件 {uuid} 属于乡镇 {owner}，不能由本乡镇改写，本批未保存")));
        }
        held.insert(
            uuid,
            Held { revision: row.get("revision"), hash: row.get("content_hash"), holder: Holder::Database },
        );
    }
    let in_database: HashSet<Uuid> = held.keys().copied().collect();

    let Decisions { statuses, writes, conflicts } =
        decide(&mut held, cases.iter().map(|c| (c.uuid, c.revision, c.record.content_hash.as_str())));
    let acks = cases
        .iter()
        .zip(statuses)
        .map(|(c, status)| CaseAck { uuid: c.record.uuid.clone(), revision: c.record.revision, status })
        .collect();

    // Read before the writes below can replace them.
    let stored_bodies = database_bodies(&tx, cases, &conflicts).await?;
    let mut written: Vec<&CheckedCase> = writes.into_values().map(|i| &cases[i]).collect();
    written.sort_by_key(|c| c.uuid);
    let replaced: Vec<Uuid> = written.iter().map(|c| c.uuid).filter(|u| in_database.contains(u)).collect();
    let rows = Rows::of(&written);
    let conflict_rows = ConflictRows::of(cases, &conflicts, &stored_bodies);

    let (upsert, del_events, del_ratings, ins_ratings, ins_conflicts) = tokio::try_join!(
        tx.prepare_cached(UPSERT_CASES),
        tx.prepare_cached(DELETE_EVENTS),
        tx.prepare_cached(DELETE_RATINGS),
        tx.prepare_cached(INSERT_RATINGS),
        tx.prepare_cached(INSERT_CONFLICTS),
    )?;
    let (c, x) = (&rows, &conflict_rows);
    let upsert_params: Params =
        &[&c.uuid, &township, &c.number, &c.revision, &c.hash, &c.body, &c.state, &c.day, &c.due_date, &c.closed_on];
    let replaced_params: Params = &[&replaced];
    let rating_params: Params =
        &[&c.r_case, &township, &c.r_level, &c.r_comment, &c.r_rated_at, &c.r_closed, &c.r_channel];
    let conflict_params: Params =
        &[&x.uuid, &township, &x.revision, &x.stored_hash, &x.stored_body, &x.incoming_hash, &x.incoming_body];
    // Sent back to back and executed in this order; one wait for all five answers.
    let (upserted, ..) = tokio::try_join!(
        tx.execute(&upsert, upsert_params),
        tx.execute(&del_events, replaced_params),
        tx.execute(&del_ratings, replaced_params),
        tx.execute(&ins_ratings, rating_params),
        tx.execute(&ins_conflicts, conflict_params),
    )?;
    if upserted != written.len() as u64 {
        return Err(ApiError::forbidden("本批中有办件已由其他乡镇上报，不能由本乡镇改写，本批未保存"));
    }
    copy_events(&tx, township, &written).await?;
    let demand_acks = store_demands(&tx, township, &batch.demands).await?;
    tx.commit().await?;
    Ok((acks, demand_acks))
}

/// The batch's demands, inside its transaction (the township's row is locked already).
async fn store_demands(
    tx: &deadpool_postgres::Transaction<'_>,
    township: &str,
    demands: &[CheckedDemand],
) -> Result<Vec<DemandAck>, ApiError> {
    if demands.is_empty() {
        return Ok(Vec::new());
    }
    let numbers: Vec<&str> = demands.iter().map(|d| d.record.body.number.as_str()).collect();
    let stmt = tx.prepare_cached(HELD_DEMANDS).await?;
    let rows = tx.query(&stmt, &[&township, &numbers]).await?;
    let mut held: HashMap<&str, Held> = rows
        .iter()
        .map(|row| {
            let held = Held { revision: row.get("revision"), hash: row.get("content_hash"), holder: Holder::Database };
            (row.get("number"), held)
        })
        .collect();
    let Decisions { statuses, writes, conflicts } = decide(
        &mut held,
        demands.iter().map(|d| (d.record.body.number.as_str(), d.revision, d.record.content_hash.as_str())),
    );

    let mut x = DemandConflictRows::default();
    for c in &conflicts {
        let incoming = &demands[c.incoming];
        x.number.push(&incoming.record.body.number);
        x.revision.push(incoming.revision);
        x.stored_hash.push(&c.stored_hash);
        // None: still in the database, read there by the statement.
        x.stored_body.push(match c.stored {
            Holder::Database => None,
            Holder::Batch(j) => Some(&demands[j].json),
        });
        x.incoming_hash.push(&incoming.record.content_hash);
        x.incoming_body.push(&incoming.json);
    }
    let mut w = DemandRows::default();
    let mut written: Vec<&CheckedDemand> = writes.into_values().map(|i| &demands[i]).collect();
    written.sort_by(|a, b| a.record.body.number.cmp(&b.record.body.number));
    for d in written {
        w.number.push(&d.record.body.number);
        w.revision.push(d.revision);
        w.hash.push(&d.record.content_hash);
        w.body.push(&d.json);
        w.kind.push(&d.record.body.kind);
        w.adopted.push(d.record.body.review.as_ref().map(|r| r.adopted));
        w.day.push(d.day);
    }
    let (ins_conflicts, upsert) =
        tokio::try_join!(tx.prepare_cached(INSERT_DEMAND_CONFLICTS), tx.prepare_cached(UPSERT_DEMANDS))?;
    let conflict_params: Params =
        &[&township, &x.number, &x.revision, &x.stored_hash, &x.stored_body, &x.incoming_hash, &x.incoming_body];
    let upsert_params: Params = &[&township, &w.number, &w.revision, &w.hash, &w.body, &w.kind, &w.adopted, &w.day];
    // In this order: the conflicts read stored bodies the upsert may replace.
    tokio::try_join!(tx.execute(&ins_conflicts, conflict_params), tx.execute(&upsert, upsert_params))?;
    Ok(demands
        .iter()
        .zip(statuses)
        .map(|(d, status)| DemandAck { number: d.record.body.number.clone(), revision: d.record.revision, status })
        .collect())
}

#[derive(Default)]
struct DemandRows<'a> {
    number: Vec<&'a str>,
    revision: Vec<i64>,
    hash: Vec<&'a str>,
    body: Vec<&'a str>,
    kind: Vec<&'a str>,
    adopted: Vec<Option<bool>>,
    day: Vec<NaiveDate>,
}

#[derive(Default)]
struct DemandConflictRows<'a> {
    number: Vec<&'a str>,
    revision: Vec<i64>,
    stored_hash: Vec<&'a str>,
    stored_body: Vec<Option<&'a str>>,
    incoming_hash: Vec<&'a str>,
    incoming_body: Vec<&'a str>,
}

/// The events of the cases written: the most rows by far, so COPY rather than INSERT (it took
/// a fifth off the database's time per case in the benchmark).
async fn copy_events(
    tx: &deadpool_postgres::Transaction<'_>,
    township: &str,
    written: &[&CheckedCase],
) -> Result<(), tokio_postgres::Error> {
    let mut writer = std::pin::pin!(BinaryCopyInWriter::new(tx.copy_in(COPY_EVENTS).await?, EVENT_TYPES));
    for case in written {
        for (i, e) in case.record.body.events.iter().enumerate() {
            let seq = i as i32 + 1;
            let row: [&(dyn ToSql + Sync); 9] =
                [&case.uuid, &seq, &township, &e.at, &e.actor, &e.action, &e.from_state, &e.to_state, &e.note];
            writer.as_mut().write(&row).await?;
        }
    }
    writer.finish().await?;
    Ok(())
}

/// The stored bodies of the cases that conflict with what the database holds.
async fn database_bodies(
    tx: &deadpool_postgres::Transaction<'_>,
    cases: &[CheckedCase],
    conflicts: &[Conflict],
) -> Result<HashMap<Uuid, String>, ApiError> {
    let uuids: Vec<Uuid> =
        conflicts.iter().filter(|x| matches!(x.stored, Holder::Database)).map(|x| cases[x.incoming].uuid).collect();
    if uuids.is_empty() {
        return Ok(HashMap::new());
    }
    let stmt = tx.prepare_cached(HELD_BODIES).await?;
    Ok(tx.query(&stmt, &[&uuids]).await?.iter().map(|row| (row.get("uuid"), row.get("body"))).collect())
}

/// The batch's writes as one array per column.
#[derive(Default)]
struct Rows<'a> {
    uuid: Vec<Uuid>,
    number: Vec<&'a str>,
    revision: Vec<i64>,
    hash: Vec<&'a str>,
    body: Vec<&'a str>,
    state: Vec<&'a str>,
    day: Vec<NaiveDate>,
    due_date: Vec<Option<NaiveDate>>,
    closed_on: Vec<Option<NaiveDate>>,
    r_case: Vec<Uuid>,
    r_level: Vec<i16>,
    r_comment: Vec<&'a str>,
    r_rated_at: Vec<&'a str>,
    r_closed: Vec<Option<bool>>,
    r_channel: Vec<&'a str>,
}

impl<'a> Rows<'a> {
    fn of(cases: &[&'a CheckedCase]) -> Self {
        let mut r = Rows::default();
        for c in cases {
            let b = &c.record.body;
            r.uuid.push(c.uuid);
            r.number.push(&b.number);
            r.revision.push(c.revision);
            r.hash.push(&c.record.content_hash);
            r.body.push(&c.json);
            r.state.push(&b.state);
            r.day.push(c.day);
            r.due_date.push(c.due_date);
            r.closed_on.push(c.closed_on);
            if let Some(rating) = &b.rating {
                r.r_case.push(c.uuid);
                r.r_level.push(rating.level.into());
                r.r_comment.push(&rating.comment);
                r.r_rated_at.push(&rating.rated_at);
                r.r_closed.push(rating.follow_up_closed);
                r.r_channel.push(&rating.channel);
            }
        }
        r
    }
}

#[derive(Default)]
struct ConflictRows<'a> {
    uuid: Vec<Uuid>,
    revision: Vec<i64>,
    stored_hash: Vec<&'a str>,
    stored_body: Vec<&'a str>,
    incoming_hash: Vec<&'a str>,
    incoming_body: Vec<&'a str>,
}

impl<'a> ConflictRows<'a> {
    fn of(cases: &'a [CheckedCase], conflicts: &'a [Conflict], stored_bodies: &'a HashMap<Uuid, String>) -> Self {
        let mut r = ConflictRows::default();
        for x in conflicts {
            let incoming = &cases[x.incoming];
            r.uuid.push(incoming.uuid);
            r.revision.push(incoming.revision);
            r.stored_hash.push(&x.stored_hash);
            r.stored_body.push(match x.stored {
                Holder::Database => &stored_bodies[&incoming.uuid],
                Holder::Batch(j) => &cases[j].json,
            });
            r.incoming_hash.push(&incoming.record.content_hash);
            r.incoming_body.push(&incoming.json);
        }
        r
    }
}
