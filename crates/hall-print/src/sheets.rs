//! The supervisor's paper: 每日服务台账 for a date and the 服务统计报告 for a period, both
//! drawn from the same [`Figures`] the live charts show.

use chrono::{Datelike, NaiveDate};
use hall_core::store::{DailySheet, Figures, HallLetterhead, RATING_LABELS};

use crate::layout::{col, Align, Sheet};

const BODY: f32 = 10.5;
const SMALL: f32 = 9.0;

fn weekday(d: &str) -> &'static str {
    match d.parse::<NaiveDate>().map(|d| d.weekday().num_days_from_monday()) {
        Ok(0) => "星期一",
        Ok(1) => "星期二",
        Ok(2) => "星期三",
        Ok(3) => "星期四",
        Ok(4) => "星期五",
        Ok(5) => "星期六",
        Ok(6) => "星期日",
        _ => "",
    }
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn counts_table(s: &mut Sheet, f: &Figures) {
    let c = &f.counts;
    let labels = ["接件", "受理", "不予受理", "一次性告知", "即办", "办结", "出件", "撤件/撤回", "逾期"];
    let values =
        [c.logged, c.accepted, c.refused, c.notified, c.instant, c.decided, c.delivered, c.withdrawn, c.overdue];
    let cols: Vec<_> = labels.iter().map(|l| col(l, 1.0 / labels.len() as f32, Align::Center)).collect();
    s.table(&cols, &[values.iter().map(|v| v.to_string()).collect()], SMALL);
}

/// Name–count tables side by side would crowd; each dimension gets two narrow columns instead.
fn tallies(s: &mut Sheet, title: &str, what: &str, rows: &[hall_core::store::Tally]) {
    s.heading(title);
    if rows.is_empty() {
        s.para("（无）", SMALL, false, Align::Left);
        return;
    }
    let total: u32 = rows.iter().map(|r| r.count).sum();
    let data: Vec<Vec<String>> = rows
        .iter()
        .map(|r| vec![r.name.clone(), r.count.to_string(), pct(r.count as f64 / total.max(1) as f64)])
        .collect();
    s.table(
        &[col(what, 0.6, Align::Left), col("件数", 0.2, Align::Center), col("占比", 0.2, Align::Center)],
        &data,
        SMALL,
    );
}

fn ratings(s: &mut Sheet, f: &Figures) {
    let r = &f.ratings;
    if r.count == 0 {
        s.para("本期无评价。", SMALL, false, Align::Left);
        return;
    }
    let mut cols = vec![col("评价数", 0.14, Align::Center), col("平均分", 0.14, Align::Center)];
    let mut row = vec![r.count.to_string(), format!("{:.2}", r.average)];
    for (i, label) in RATING_LABELS.iter().enumerate() {
        cols.push(col(label, 0.12, Align::Center));
        row.push(r.levels.get(i).copied().unwrap_or(0).to_string());
    }
    cols.push(col("满意率", 0.12, Align::Center));
    row.push(pct(r.satisfied_rate));
    s.table(&cols, &[row], SMALL);
}

fn follow_ups(s: &mut Sheet, f: &Figures) {
    if f.follow_ups.is_empty() {
        s.para("无差评整改事项。", SMALL, false, Align::Left);
        return;
    }
    let rows: Vec<Vec<String>> = f
        .follow_ups
        .iter()
        .map(|u| {
            let state = match (&u.closed_at, u.overdue) {
                (Some(at), _) => format!("已办结 {}", at.get(..10).unwrap_or(at)),
                (None, true) => "逾期未办结".into(),
                (None, false) => "整改中".into(),
            };
            vec![
                u.number.clone(),
                u.item_name.clone(),
                u.applicant_name.clone(),
                format!("{}　{}", RATING_LABELS.get(u.level as usize - 1).unwrap_or(&""), u.comment),
                u.due_on.clone(),
                state,
            ]
        })
        .collect();
    s.table(
        &[
            col("办件编号", 0.22, Align::Left),
            col("事项", 0.2, Align::Left),
            col("申请人", 0.1, Align::Left),
            col("评价", 0.22, Align::Left),
            col("整改期限", 0.12, Align::Center),
            col("状态", 0.14, Align::Center),
        ],
        &rows,
        SMALL,
    );
}

pub fn daily(h: &HallLetterhead, d: &DailySheet) -> Vec<u8> {
    let f = &d.figures;
    let title = format!("每日服务台账（{}）", f.from);
    let mut s = Sheet::new(&title, &format!("{} · 每日服务台账 · {}", h.hall_name, f.from));
    s.para(&h.hall_name, 13.0, false, Align::Center);
    s.title("每日服务台账", 20.0);
    s.para(&format!("{}　{}", crate::papers::date_label(&f.from), weekday(&f.from)), BODY, false, Align::Center);
    s.gap(6.0);
    s.heading("一、办件情况");
    counts_table(&mut s, f);
    tallies(&mut s, "二、按事项类别", "事项类别", &f.by_category);
    tallies(&mut s, "三、按承办单位", "承办单位", &f.by_unit);
    tallies(&mut s, "四、按受理人（首问负责人）", "受理人", &f.by_clerk);
    s.heading("五、当日办件清单");
    if d.cases.is_empty() {
        s.para("当日无接件。", SMALL, false, Align::Left);
    } else {
        let rows: Vec<Vec<String>> = d
            .cases
            .iter()
            .enumerate()
            .map(|(i, c)| {
                vec![
                    (i + 1).to_string(),
                    c.number.clone(),
                    c.item_name.clone(),
                    c.applicant_name.clone(),
                    c.applicant_id_masked.clone(),
                    c.state_label.clone(),
                    c.due_date.clone().unwrap_or_else(|| "—".into()),
                ]
            })
            .collect();
        s.table(
            &[
                col("序号", 0.05, Align::Center),
                col("办件编号", 0.24, Align::Left),
                col("事项名称", 0.24, Align::Left),
                col("申请人", 0.09, Align::Left),
                col("证件号码", 0.18, Align::Left),
                col("状态", 0.09, Align::Center),
                col("承诺办结", 0.11, Align::Center),
            ],
            &rows,
            8.0,
        );
    }
    s.heading("六、评价情况");
    ratings(&mut s, f);
    follow_ups(&mut s, f);
    s.gap(10.0);
    s.signatures(&["制表人", "审核人", "日期"], BODY);
    s.finish()
}

pub fn period(h: &HallLetterhead, f: &Figures) -> Vec<u8> {
    let title = format!("服务统计报告（{} 至 {}）", f.from, f.to);
    let mut s = Sheet::new(&title, &format!("{} · 服务统计报告 · {} 至 {}", h.hall_name, f.from, f.to));
    s.para(&h.hall_name, 13.0, false, Align::Center);
    s.title("服务统计报告", 20.0);
    s.para(
        &format!(
            "统计期间：{} 至 {}（共 {} 天）",
            crate::papers::date_label(&f.from),
            crate::papers::date_label(&f.to),
            f.by_day.len()
        ),
        BODY,
        false,
        Align::Center,
    );
    s.gap(6.0);
    s.heading("一、办件总体情况");
    counts_table(&mut s, f);
    s.body(
        &format!(
            "本期办结 {} 件（含即办 {} 件），其中按期办结 {} 件，按期办结率 {}；逾期 {} 件。",
            f.counts.decided,
            f.counts.instant,
            f.on_time,
            pct(f.on_time_rate),
            f.counts.overdue
        ),
        BODY,
    );
    let labels: Vec<String> = f.by_day.iter().map(|d| d.date.get(5..).unwrap_or(&d.date).replace('-', "/")).collect();
    s.bar_chart(
        "每日办件趋势",
        &labels,
        &[
            ("接件", f.by_day.iter().map(|d| d.logged as f64).collect()),
            ("办结", f.by_day.iter().map(|d| d.decided as f64).collect()),
            ("出件", f.by_day.iter().map(|d| d.delivered as f64).collect()),
        ],
        150.0,
    );
    let hours: Vec<String> = (0..24).map(|h| format!("{h}时")).collect();
    let (first, last) = busy_hours(&f.by_hour);
    s.bar_chart(
        "接件时段分布",
        &hours[first..=last],
        &[("接件", f.by_hour[first..=last].iter().map(|n| *n as f64).collect())],
        110.0,
    );
    s.hbar_chart("二、按事项类别", &f.by_category.iter().map(|t| (t.name.clone(), t.count as f64)).collect::<Vec<_>>());
    tallies(&mut s, "三、按承办单位", "承办单位", &f.by_unit);
    tallies(&mut s, "四、按受理人（首问负责人）", "受理人", &f.by_clerk);
    s.heading("五、各事项平均办理用时");
    if f.item_days.is_empty() {
        s.para("本期无办结件。", SMALL, false, Align::Left);
    } else {
        let rows: Vec<Vec<String>> = f
            .item_days
            .iter()
            .map(|i| {
                vec![
                    i.name.clone(),
                    i.decided.to_string(),
                    format!("{:.1}", i.average_days),
                    i.promised_days.to_string(),
                ]
            })
            .collect();
        s.table(
            &[
                col("事项名称", 0.52, Align::Left),
                col("办结件数", 0.14, Align::Center),
                col("平均用时（工作日）", 0.18, Align::Center),
                col("承诺时限", 0.16, Align::Center),
            ],
            &rows,
            SMALL,
        );
    }
    s.heading("六、县级部门上报件办理情况（乡镇评价县直部门）");
    if f.county.is_empty() {
        s.para("本期无上报件。", SMALL, false, Align::Left);
    } else {
        let rows: Vec<Vec<String>> = f
            .county
            .iter()
            .map(|c| {
                vec![
                    c.unit_name.clone(),
                    c.forwarded.to_string(),
                    c.returned.to_string(),
                    c.pending.to_string(),
                    if c.returned == 0 { "—".into() } else { format!("{:.1}", c.average_days) },
                    if c.returned == 0 { "—".into() } else { c.max_days.to_string() },
                ]
            })
            .collect();
        s.table(
            &[
                col("县级部门", 0.34, Align::Left),
                col("上报", 0.1, Align::Center),
                col("反馈", 0.1, Align::Center),
                col("待反馈", 0.12, Align::Center),
                col("平均用时（工作日）", 0.19, Align::Center),
                col("最长用时", 0.15, Align::Center),
            ],
            &rows,
            SMALL,
        );
    }
    s.heading("七、评价与差评整改");
    ratings(&mut s, f);
    if f.ratings.count > 0 {
        let labels: Vec<String> = RATING_LABELS.iter().map(|l| l.to_string()).collect();
        s.bar_chart("评价分布", &labels, &[("评价数", f.ratings.levels.iter().map(|n| *n as f64).collect())], 90.0);
    }
    follow_ups(&mut s, f);
    s.gap(10.0);
    s.signatures(&["制表人", "审核人", "日期"], BODY);
    s.finish()
}

/// The span of hours that had any intake (office hours when none did), so the chart is not
/// mostly empty night.
fn busy_hours(by_hour: &[u32]) -> (usize, usize) {
    let first = by_hour.iter().position(|n| *n > 0).unwrap_or(8).min(8);
    let last = by_hour.iter().rposition(|n| *n > 0).unwrap_or(17).max(17);
    (first, last.min(by_hour.len().saturating_sub(1)))
}
