//! The county's view of its townships: completed cases per township per day, the on-time rate
//! (closed on or before the due date), ratings, citizens' answered demands and suggestions, and
//! the conflicts still open, as JSON and as a plain Chinese page. No token: it is for the
//! county's own network.

use std::collections::BTreeMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use maud::{html, Markup, DOCTYPE};
use serde::{Deserialize, Serialize};
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use crate::beijing;
use crate::errors::ApiError;
use crate::server::AppState;

const PER_DAY: &str = "
    SELECT c.township AS township, c.day AS day, count(*) AS cases,
           count(*) FILTER (WHERE c.due_date IS NOT NULL AND c.closed_on IS NOT NULL) AS timed,
           count(*) FILTER (WHERE c.closed_on <= c.due_date) AS on_time,
           count(r.level) AS ratings, coalesce(sum(r.level), 0) AS rating_sum
    FROM cases c LEFT JOIN ratings r ON r.case_uuid = c.uuid
    WHERE c.day BETWEEN $1 AND $2
    GROUP BY c.township, c.day
    ORDER BY c.township, c.day";
/// A conflict is open until the hall sends a higher revision of the case.
const OPEN_CONFLICTS: &str = "
    SELECT x.township AS township, k.number AS number, x.case_uuid AS case_uuid, x.revision AS revision,
           x.received_at AS received_at
    FROM conflicts x JOIN cases k ON k.uuid = x.case_uuid
    WHERE k.revision <= x.revision
    ORDER BY x.received_at, x.id";
/// Demands and suggestions by the day they were answered, as cases by the day they closed.
const DEMANDS: &str = "
    SELECT township, count(*) AS total, count(*) FILTER (WHERE kind = 'suggestion') AS suggestions,
           count(*) FILTER (WHERE adopted) AS adopted
    FROM demands WHERE day BETWEEN $1 AND $2
    GROUP BY township";
/// Open as a case's: until a higher revision of the demand arrives.
const OPEN_DEMAND_CONFLICTS: &str = "
    SELECT x.township AS township, count(DISTINCT x.number) AS open_conflicts
    FROM demand_conflicts x JOIN demands d ON d.township = x.township AND d.number = x.number
    WHERE d.revision <= x.revision
    GROUP BY x.township";
/// The longest range one request may ask for.
const MAX_DAYS: i64 = 366;

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD`, by default the 30 days up to today.
#[derive(Deserialize)]
pub struct Range {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

#[derive(Serialize)]
pub struct Overview {
    from: NaiveDate,
    to: NaiveDate,
    townships: Vec<TownshipFigures>,
    open_conflicts: Vec<OpenConflict>,
}

#[derive(Serialize)]
struct TownshipFigures {
    code: String,
    name: String,
    #[serde(flatten)]
    totals: Figures,
    open_conflicts: usize,
    demands: DemandFigures,
    days: Vec<DayFigures>,
}

/// Citizens' demands and suggestions answered in the range (群众需求 and 人民建议 together).
#[derive(Serialize, Default)]
struct DemandFigures {
    total: i64,
    /// Of those, 人民建议.
    suggestions: i64,
    adopted: i64,
    /// Demands the hub holds with two contents for one revision (any day).
    open_conflicts: i64,
}

#[derive(Serialize)]
struct DayFigures {
    day: NaiveDate,
    #[serde(flatten)]
    figures: Figures,
}

#[derive(Serialize)]
struct Figures {
    cases: i64,
    /// Cases with both a due date and a close date: the base of the on-time rate.
    timed: i64,
    on_time: i64,
    on_time_rate: Option<f64>,
    ratings: i64,
    rating_average: Option<f64>,
}

#[derive(Serialize)]
struct OpenConflict {
    township: String,
    number: String,
    uuid: Uuid,
    revision: i64,
    received_at: String,
}

/// What the database counts; totals are sums of these, rates come last.
#[derive(Default, Clone, Copy)]
struct Counts {
    cases: i64,
    timed: i64,
    on_time: i64,
    ratings: i64,
    rating_sum: i64,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.cases += o.cases;
        self.timed += o.timed;
        self.on_time += o.on_time;
        self.ratings += o.ratings;
        self.rating_sum += o.rating_sum;
    }
}

impl From<Counts> for Figures {
    fn from(c: Counts) -> Self {
        let ratio = |a: i64, b: i64| (b > 0).then(|| a as f64 / b as f64);
        Figures {
            cases: c.cases,
            timed: c.timed,
            on_time: c.on_time,
            on_time_rate: ratio(c.on_time, c.timed),
            ratings: c.ratings,
            rating_average: ratio(c.rating_sum, c.ratings),
        }
    }
}

pub async fn json(
    State(state): State<AppState>,
    range: Result<Query<Range>, QueryRejection>,
) -> Result<Json<Overview>, ApiError> {
    Ok(Json(load(&state, range).await?))
}

pub async fn page(
    State(state): State<AppState>,
    range: Result<Query<Range>, QueryRejection>,
) -> Result<Markup, ApiError> {
    Ok(render(&load(&state, range).await?))
}

async fn load(state: &AppState, range: Result<Query<Range>, QueryRejection>) -> Result<Overview, ApiError> {
    let Query(range) = range.map_err(|_| ApiError::malformed("日期参数有误：应为 ?from=YYYY-MM-DD&to=YYYY-MM-DD"))?;
    let to = range.to.unwrap_or_else(beijing::today);
    let from = range.from.unwrap_or(to - Duration::days(29));
    if from > to || (to - from).num_days() >= MAX_DAYS {
        return Err(ApiError::malformed(format!("日期范围有误：开始日期应不晚于结束日期，且最多 {MAX_DAYS} 天")));
    }
    let client = state.pool.get().await?;
    let day_params: &[&(dyn ToSql + Sync)] = &[&from, &to];
    let (townships, per_day, conflicts, demand_rows, demand_conflicts) = tokio::try_join!(
        client.query("SELECT code, name FROM townships ORDER BY code", &[]),
        client.query(PER_DAY, day_params),
        client.query(OPEN_CONFLICTS, &[]),
        client.query(DEMANDS, day_params),
        client.query(OPEN_DEMAND_CONFLICTS, &[]),
    )?;
    let mut demands: BTreeMap<String, DemandFigures> = BTreeMap::new();
    for row in &demand_rows {
        let figures = DemandFigures {
            total: row.get("total"),
            suggestions: row.get("suggestions"),
            adopted: row.get("adopted"),
            open_conflicts: 0,
        };
        demands.insert(row.get("township"), figures);
    }
    for row in &demand_conflicts {
        demands.entry(row.get("township")).or_default().open_conflicts = row.get("open_conflicts");
    }

    let mut days: BTreeMap<String, Vec<(NaiveDate, Counts)>> = BTreeMap::new();
    for row in &per_day {
        let counts = Counts {
            cases: row.get("cases"),
            timed: row.get("timed"),
            on_time: row.get("on_time"),
            ratings: row.get("ratings"),
            rating_sum: row.get("rating_sum"),
        };
        days.entry(row.get("township")).or_default().push((row.get("day"), counts));
    }
    let open_conflicts: Vec<OpenConflict> = conflicts
        .iter()
        .map(|row| OpenConflict {
            township: row.get("township"),
            number: row.get("number"),
            uuid: row.get("case_uuid"),
            revision: row.get("revision"),
            received_at: beijing::rfc3339(row.get::<_, DateTime<Utc>>("received_at")),
        })
        .collect();
    let townships = townships
        .iter()
        .map(|row| {
            let code: String = row.get("code");
            let mut totals = Counts::default();
            let days: Vec<DayFigures> = days
                .remove(&code)
                .unwrap_or_default()
                .into_iter()
                .map(|(day, counts)| {
                    totals.add(counts);
                    DayFigures { day, figures: counts.into() }
                })
                .collect();
            TownshipFigures {
                open_conflicts: open_conflicts.iter().filter(|c| c.township == code).count(),
                demands: demands.remove(&code).unwrap_or_default(),
                name: row.get("name"),
                totals: totals.into(),
                days,
                code,
            }
        })
        .collect();
    Ok(Overview { from, to, townships, open_conflicts })
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or("—".into(), |r| format!("{:.1}%", r * 100.0))
}

fn average(avg: Option<f64>) -> String {
    avg.map_or("—".into(), |a| format!("{a:.2}"))
}

/// Server-rendered, no script; maud escapes every value it interpolates.
fn render(o: &Overview) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "一窗通 县级汇总" }
                style {
                    "body{font-family:sans-serif;margin:2em;color:#222}"
                    "table{border-collapse:collapse;margin:1em 0}"
                    "th,td{border:1px solid #bbb;padding:.3em .8em;text-align:right}"
                    "th{background:#eef}td.t{text-align:left}"
                }
            }
            body {
                h1 { "一窗通 县级汇总" }
                form method="get" {
                    "从 " input type="date" name="from" value=(o.from);
                    " 到 " input type="date" name="to" value=(o.to);
                    " " button { "查看" }
                }
                p { "统计 " (o.from) " 至 " (o.to) " 办结的办件（按办结日期）。按时办结率 = 在承诺期限内办结的件数 ÷ 有期限的件数。" }
                h2 { "各乡镇" }
                table {
                    tr { th { "乡镇代码" } th { "乡镇" } th { "办结件数" } th { "按时办结率" } th { "评价数" } th { "平均评分" } th { "未解决冲突" } }
                    @for t in &o.townships {
                        tr {
                            td.t { (t.code) } td.t { (t.name) } td { (t.totals.cases) }
                            td { (percent(t.totals.on_time_rate)) } td { (t.totals.ratings) }
                            td { (average(t.totals.rating_average)) } td { (t.open_conflicts) }
                        }
                    }
                }
                h2 { "群众诉求" }
                p { "统计 " (o.from) " 至 " (o.to) " 答复的群众需求和人民建议（按答复日期）。" }
                table {
                    tr { th { "乡镇代码" } th { "乡镇" } th { "已答复" } th { "其中人民建议" } th { "采纳" } th { "未解决冲突" } }
                    @for t in &o.townships {
                        tr {
                            td.t { (t.code) } td.t { (t.name) } td { (t.demands.total) }
                            td { (t.demands.suggestions) } td { (t.demands.adopted) } td { (t.demands.open_conflicts) }
                        }
                    }
                }
                h2 { "每日明细" }
                table {
                    tr { th { "日期" } th { "乡镇" } th { "办结件数" } th { "按时办结率" } th { "评价数" } th { "平均评分" } }
                    @for t in &o.townships {
                        @for d in &t.days {
                            tr {
                                td.t { (d.day) } td.t { (t.name) } td { (d.figures.cases) }
                                td { (percent(d.figures.on_time_rate)) } td { (d.figures.ratings) }
                                td { (average(d.figures.rating_average)) }
                            }
                        }
                    }
                }
                h2 { "未解决的冲突" }
                @if o.open_conflicts.is_empty() {
                    p { "没有未解决的冲突。" }
                } @else {
                    p { "同一办件同一修订号收到了不同内容。县级平台保留两份，待乡镇核实后以新的修订号重新上报。" }
                    table {
                        tr { th { "乡镇代码" } th { "办件编号" } th { "修订号" } th { "收到时间" } }
                        @for c in &o.open_conflicts {
                            tr { td.t { (c.township) } td.t { (c.number) } td { (c.revision) } td.t { (c.received_at) } }
                        }
                    }
                }
            }
        }
    }
}
