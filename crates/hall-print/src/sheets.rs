//! The supervisor's paper: 每日服务台账 for a date and the 服务统计报告 for a period, both
//! drawn from the same [`Figures`] the live charts show — cases, and the hall's own records:
//! consultations, demands, 准入 and 县乡联动, ending in the township's evaluation of each county
//! department (seed 003 三(四)).

use chrono::{Datelike, NaiveDate};
use hall_core::admission::RULES;
use hall_core::store::{DailySheet, Figures, FollowUp, HallLetterhead, Tally, RATING_LABELS};

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
    // 一次性告知 kept or broken: a repeat 补正 is the director's decision, and is counted here.
    let by_unit: Vec<String> = f.supplement_repeat_by_unit.iter().map(|t| format!("{} {}", t.name, t.count)).collect();
    let units = if by_unit.is_empty() { String::new() } else { format!("（{}）", by_unit.join("、")) };
    s.body(
        &format!("再次补正 {} 件{units}；补正逾期视为撤回 {} 件。", c.supplement_repeat, c.supplement_lapsed),
        SMALL,
    );
}

/// Name–count tables side by side would crowd; each dimension gets two narrow columns instead.
fn tallies(s: &mut Sheet, title: &str, what: &str, rows: &[Tally]) {
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
    // What citizens pressed on the counters' rating screens beside what staff keyed in for them.
    let rows: Vec<Vec<String>> = r
        .by_channel
        .iter()
        .map(|c| {
            let none = c.count == 0;
            vec![
                c.channel.label().to_string(),
                c.count.to_string(),
                if none { "—".into() } else { format!("{:.2}", c.average) },
                c.levels.iter().take(2).sum::<u32>().to_string(),
                if none { "—".into() } else { pct(c.satisfied_rate) },
            ]
        })
        .collect();
    s.table(
        &[
            col("评价渠道", 0.28, Align::Left),
            col("评价数", 0.18, Align::Center),
            col("平均分", 0.18, Align::Center),
            col("差评", 0.18, Align::Center),
            col("满意率", 0.18, Align::Center),
        ],
        &rows,
        SMALL,
    );
}

/// “不满意（评价器）等候时间长；意见…”: the level, how it came in, the reasons and the comment.
fn rating_cell(u: &FollowUp) -> String {
    let level = RATING_LABELS.get(u.level as usize - 1).copied().unwrap_or("");
    let reasons = u.reasons.join("、");
    let said: Vec<&str> = [reasons.as_str(), u.comment.as_str()].into_iter().filter(|p| !p.is_empty()).collect();
    format!("{level}（{}）{}", u.channel.label(), said.join("；"))
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
                rating_cell(u),
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
    let mut s = Sheet::new(&title, &format!("{} · 每日服务台账 · {}", h.hall_name, f.from), h.printed_at);
    s.para(&h.hall_name, 13.0, false, Align::Center);
    s.title("每日服务台账", 20.0);
    s.para(&format!("{}　{}", crate::papers::date_label(&f.from), weekday(&f.from)), BODY, false, Align::Center);
    s.gap(6.0);
    s.heading("一、办件情况");
    counts_table(&mut s, f);
    s.heading("二、咨询与群众诉求");
    records_table(&mut s, f);
    tallies(&mut s, "三、按事项类别", "事项类别", &f.by_category);
    tallies(&mut s, "四、按承办单位", "承办单位", &f.by_unit);
    tallies(&mut s, "五、按受理人（首问负责人）", "受理人", &f.by_clerk);
    s.heading("六、当日办件清单");
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
    s.heading("七、当日咨询登记");
    day_consultations(&mut s, d);
    s.heading("八、当日群众诉求");
    day_demands(&mut s, d);
    s.heading("九、评价情况");
    ratings(&mut s, f);
    follow_ups(&mut s, f);
    s.gap(10.0);
    s.signatures(&["制表人", "审核人", "日期"], BODY);
    s.finish()
}

/// The day's or period's consultations, call-backs and demands in one row.
fn records_table(s: &mut Sheet, f: &Figures) {
    let (c, d) = (&f.consultations, &f.demands);
    let kind = |label: &str| d.by_kind.iter().find(|t| t.name == label).map_or(0, |t| t.count);
    let cells = [
        ("咨询登记", c.logged),
        ("需回访", c.callbacks_asked),
        ("回访办结", c.callbacks_closed),
        ("待回访", c.callbacks_open),
        ("回访逾期", c.callbacks_overdue),
        ("群众需求", kind("群众需求")),
        ("人民建议", kind("人民建议")),
    ];
    let cols: Vec<_> = cells.iter().map(|(l, _)| col(l, 1.0 / cells.len() as f32, Align::Center)).collect();
    s.table(&cols, &[cells.iter().map(|(_, n)| n.to_string()).collect()], SMALL);
}

fn day_consultations(s: &mut Sheet, d: &DailySheet) {
    if d.consultations.is_empty() {
        s.para("当日无咨询登记。", SMALL, false, Align::Left);
        return;
    }
    let rows: Vec<Vec<String>> = d
        .consultations
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let due = c.callback_due.as_deref().unwrap_or("");
            let callback = match (c.callback, &c.closed_at, c.overdue) {
                (false, _, _) => "无需回访".to_string(),
                (true, Some(at), _) => format!("已回访 {}", at.get(..10).unwrap_or(at)),
                (true, None, true) => format!("逾期未回访（期限 {due}）"),
                (true, None, false) => format!("需回访（期限 {due}）"),
            };
            let clerk = if c.clerk_name.is_empty() { c.clerk.clone() } else { c.clerk_name.clone() };
            vec![
                (i + 1).to_string(),
                c.number.clone(),
                c.at.get(11..16).unwrap_or(&c.at).to_string(),
                c.topic.clone(),
                clerk,
                callback,
            ]
        })
        .collect();
    s.table(
        &[
            col("序号", 0.06, Align::Center),
            col("登记编号", 0.2, Align::Left),
            col("时间", 0.08, Align::Center),
            col("咨询事项", 0.27, Align::Left),
            col("首问负责人", 0.13, Align::Left),
            col("回访", 0.26, Align::Left),
        ],
        &rows,
        8.0,
    );
}

fn day_demands(s: &mut Sheet, d: &DailySheet) {
    if d.demands.is_empty() {
        s.para("当日无群众诉求登记。", SMALL, false, Align::Left);
        return;
    }
    let rows: Vec<Vec<String>> = d
        .demands
        .iter()
        .enumerate()
        .map(|(i, x)| {
            vec![
                (i + 1).to_string(),
                x.number.clone(),
                x.kind_label.clone(),
                x.category.clone(),
                x.village.clone(),
                x.state_label.clone(),
            ]
        })
        .collect();
    s.table(
        &[
            col("序号", 0.06, Align::Center),
            col("登记编号", 0.22, Align::Left),
            col("类型", 0.14, Align::Center),
            col("类别", 0.16, Align::Center),
            col("所在村（社区）", 0.28, Align::Left),
            col("状态", 0.14, Align::Center),
        ],
        &rows,
        8.0,
    );
}

/// Non-zero counts as “已解决 2、部分解决 1”, or “—”.
fn tally_line(tallies: &[Tally]) -> String {
    let parts: Vec<String> =
        tallies.iter().filter(|t| t.count > 0).map(|t| format!("{} {}", t.name, t.count)).collect();
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join("\n")
    }
}

fn days(average: f64, max: u32, n: u32) -> (String, String) {
    if n == 0 {
        ("—".into(), "—".into())
    } else {
        (format!("{average:.1}"), max.to_string())
    }
}

fn consultations(s: &mut Sheet, f: &Figures) {
    let c = &f.consultations;
    s.heading("八、咨询与回访（首问负责）");
    s.body(
        &format!(
            "本期登记咨询 {} 件，其中需回访 {} 件；本期办结回访 {} 件，期末待回访 {} 件，回访逾期 {} 件。",
            c.logged, c.callbacks_asked, c.callbacks_closed, c.callbacks_open, c.callbacks_overdue
        ),
        BODY,
    );
    if c.logged > 0 {
        tallies(s, "（一）咨询较多的事项", "咨询事项", &c.top_topics);
        tallies(s, "（二）按首问负责人", "首问负责人", &c.by_clerk);
    }
}

fn demands(s: &mut Sheet, f: &Figures) {
    let d = &f.demands;
    s.heading("九、群众诉求（群众需求与人民建议）");
    let kinds: Vec<String> = d.by_kind.iter().map(|t| format!("{} {} 件", t.name, t.count)).collect();
    let kinds = if kinds.is_empty() { String::new() } else { format!("（{}）", kinds.join("、")) };
    s.body(
        &format!(
            "本期登记群众诉求 {} 件{kinds}；审核采纳 {} 件、不予采纳 {} 件，答复 {} 件；期末待审核 {} 件。",
            d.logged, d.adopted, d.declined, d.answered, d.waiting_review
        ),
        BODY,
    );
    if d.logged > 0 {
        tallies(s, "（一）按诉求类别", "诉求类别", &d.by_category);
        tallies(s, "（二）按村（社区）", "所在村（社区）", &d.by_village);
    }
}

/// The short name of a refusing rule for a column head: “清单外事项”.
fn rule_short(label: &str) -> &str {
    label.split('，').next().unwrap_or(label)
}

fn admission(s: &mut Sheet, f: &Figures) {
    let a = &f.admission;
    s.heading("十、职责准入（县级部门下派任务）");
    let (received, admitted, refused) =
        a.by_department.iter().fold((0, 0, 0), |(r, ad, rf), d| (r + d.received, ad + d.admitted, rf + d.refused));
    s.body(
        &format!("本期收到县级部门下派任务 {received} 件，经对照职责清单准入 {admitted} 件，不予准入 {refused} 件。"),
        BODY,
    );
    if a.by_department.is_empty() {
        return;
    }
    s.heading("（一）按县级部门");
    let rule_share = 0.46 / a.refused_by_rule.len().max(1) as f32;
    let mut cols = vec![
        col("县级部门", 0.26, Align::Left),
        col("收到", 0.09, Align::Center),
        col("准入", 0.09, Align::Center),
        col("不予准入", 0.1, Align::Center),
    ];
    cols.extend(a.refused_by_rule.iter().map(|r| col(rule_short(&r.label), rule_share, Align::Center)));
    let rows: Vec<Vec<String>> = a
        .by_department
        .iter()
        .map(|d| {
            let mut row =
                vec![d.unit_name.clone(), d.received.to_string(), d.admitted.to_string(), d.refused.to_string()];
            row.extend(d.refused_by_rule.iter().map(|r| r.count.to_string()));
            row
        })
        .collect();
    s.table(&cols, &rows, SMALL);
    let rows: Vec<Vec<String>> = a
        .refused_by_rule
        .iter()
        .map(|r| {
            let basis = RULES.iter().find(|i| i.rule == r.rule).map_or("", |i| i.basis);
            vec![r.label.clone(), r.count.to_string(), basis.to_string()]
        })
        .collect();
    s.heading("（二）不予准入的情形与依据");
    s.table(
        &[col("情形", 0.26, Align::Left), col("件数", 0.09, Align::Center), col("政策依据", 0.65, Align::Left)],
        &rows,
        SMALL,
    );
}

fn coordination(s: &mut Sheet, f: &Figures) {
    s.heading("十一、县乡联动（乡镇提请县级部门协调解决）");
    if f.coordination.is_empty() {
        s.para("本期无县乡联动事项。", SMALL, false, Align::Left);
        return;
    }
    let rows: Vec<Vec<String>> = f
        .coordination
        .iter()
        .map(|d| {
            let (average, max) = days(d.average_days, d.max_days, d.answered);
            vec![
                d.unit_name.clone(),
                d.raised.to_string(),
                d.answered.to_string(),
                d.answered_on_time.to_string(),
                d.open.to_string(),
                d.overdue.to_string(),
                average,
                max,
                tally_line(&d.results),
            ]
        })
        .collect();
    s.table(
        &[
            col("县级部门", 0.22, Align::Left),
            col("提请", 0.07, Align::Center),
            col("答复", 0.07, Align::Center),
            col("按期答复", 0.09, Align::Center),
            col("待答复", 0.08, Align::Center),
            col("逾期", 0.07, Align::Center),
            col("平均用时\n（工作日）", 0.12, Align::Center),
            col("最长用时", 0.1, Align::Center),
            col("办理结果", 0.18, Align::Left),
        ],
        &rows,
        SMALL,
    );
}

/// 县级部门评价: each county department's turnaround on 上报件 beside its response to 县乡联动,
/// with the township's satisfaction — one row per department that had either.
fn evaluation(s: &mut Sheet, f: &Figures) {
    s.heading("十二、县级部门评价（乡镇评价县直部门）");
    let mut units: Vec<(&str, &str)> = f.county.iter().map(|c| (c.unit.as_str(), c.unit_name.as_str())).collect();
    for d in &f.coordination {
        if !units.iter().any(|(u, _)| *u == d.unit) {
            units.push((&d.unit, &d.unit_name));
        }
    }
    if units.is_empty() {
        s.para("本期无上报件和县乡联动事项。", SMALL, false, Align::Left);
        return;
    }
    units.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)));
    let rows: Vec<Vec<String>> = units
        .iter()
        .map(|(unit, name)| {
            let forwarded = f.county.iter().find(|c| c.unit == *unit);
            let (returned, turnaround) = match forwarded {
                Some(c) => {
                    (format!("{} / {}", c.returned, c.forwarded), days(c.average_days, c.max_days, c.returned).0)
                }
                None => ("—".into(), "—".into()),
            };
            let mut row = vec![name.to_string(), returned, turnaround];
            match f.coordination.iter().find(|d| d.unit == *unit) {
                Some(d) => row.extend([
                    d.raised.to_string(),
                    d.answered.to_string(),
                    if d.answered == 0 { "—".into() } else { pct(d.answered_on_time as f64 / d.answered as f64) },
                    days(d.average_days, d.max_days, d.answered).0,
                    tally_line(&d.satisfaction),
                ]),
                None => row.extend(["—"; 5].map(String::from)),
            }
            row
        })
        .collect();
    s.table(
        &[
            col("县级部门", 0.2, Align::Left),
            col("上报件\n反馈/上报", 0.11, Align::Center),
            col("上报件\n平均用时", 0.11, Align::Center),
            col("联动\n提请", 0.08, Align::Center),
            col("联动\n答复", 0.08, Align::Center),
            col("联动按期\n答复率", 0.11, Align::Center),
            col("联动\n平均用时", 0.1, Align::Center),
            col("满意度评价", 0.21, Align::Left),
        ],
        &rows,
        SMALL,
    );
    s.para("用时均为工作日；满意度为乡镇对部门答复的评价（《指导意见》三(四)）。", SMALL, false, Align::Left);
}

pub fn period(h: &HallLetterhead, f: &Figures) -> Vec<u8> {
    let title = format!("服务统计报告（{} 至 {}）", f.from, f.to);
    let mut s = Sheet::new(&title, &format!("{} · 服务统计报告 · {} 至 {}", h.hall_name, f.from, f.to), h.printed_at);
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
    s.heading("六、县级部门上报件办理情况");
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
    consultations(&mut s, f);
    demands(&mut s, f);
    admission(&mut s, f);
    coordination(&mut s, f);
    evaluation(&mut s, f);
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
