//! The hall's duties besides cases: the lists, 准入 of county tasks, consultations, citizens'
//! demands and 县乡联动 issues. Every command goes through the same `api::dispatch` as the
//! window, so roles and checks are the app's own: `--user` acts as that user after their
//! password (their role is checked); without it the command acts as the operator session,
//! recorded as `hallctl（操作员）`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use hall_core::admission::TaskTerms;
use hall_core::api::{authorize, Reply, Request};
use hall_core::consult::ConsultInput;
use hall_core::coordination::{IssueAnswer, IssueInput, IssueUrgency};
use hall_core::demands::{DemandInput, DemandKind, DemandState};
use hall_core::duties::{DutyFile, DutyList};
use hall_core::lifecycle::Role;
use hall_core::publish::{ExportFormat, PublicList};
use hall_core::store::{AdmissionInput, AdmissionTask, ConsultFilter, Consultation, CoordIssue, Demand, TaskState};
use hall_core::HallError;

use crate::cli::ImportArgs;
use crate::session::Gate;
use crate::{print_json, read_input};

#[derive(Subcommand)]
pub enum ListsCmd {
    /// 导入县级发布的权力清单、责任清单、职责清单（JSON 或 CSV，整体成功或整体不导入）
    Import(ImportArgs),
    /// 列出现行清单的条目：--list 权力清单|责任清单|职责清单
    Show {
        #[arg(long)]
        list: String,
        /// 按编码、名称、类别或职责内容筛选
        #[arg(long)]
        query: Option<String>,
    },
    /// 列出已导入的清单版本
    Versions,
    /// 生成清单公示（PDF，供张贴）
    Publish {
        /// 权力清单|责任清单|职责清单|公共服务清单（或 power|responsibility|duty|service）
        #[arg(long)]
        list: String,
        /// 保存为 PDF 文件；不给则送默认打印机
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 导出清单：html 供乡镇政府网站政务公开，csv、json 为县级导入格式
    Export {
        /// 权力清单|责任清单|职责清单|公共服务清单（或 power|responsibility|duty|service）
        #[arg(long)]
        list: String,
        /// html、csv 或 json
        #[arg(long)]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Args)]
pub struct TaskArgs {
    /// 下派任务的县级部门编码
    #[arg(long)]
    department: String,
    /// 任务名称
    #[arg(long)]
    title: String,
    #[arg(long, default_value = "")]
    content: String,
    /// 文号
    #[arg(long, default_value = "")]
    doc_ref: String,
    /// 收到日期（默认今天）
    #[arg(long)]
    received: Option<NaiveDate>,
    /// 对应的职责清单条目编码（清单中没有对应条目时不给）
    #[arg(long)]
    entry: Option<String>,
    /// 经党委和政府统一部署
    #[arg(long)]
    deployed: bool,
    /// 任务设置“一票否决”
    #[arg(long)]
    veto: bool,
    /// 该“一票否决”为中央或省委明确要求
    #[arg(long)]
    central: bool,
    /// 以签订责任状、分解下达指标、考核验收等方式下派
    #[arg(long)]
    transfer: bool,
    /// 完成期限
    #[arg(long)]
    due: Option<NaiveDate>,
}

#[derive(Subcommand)]
pub enum AdmissionCmd {
    /// 对照职责清单审查，只显示结论，不登记
    Check(TaskArgs),
    /// 审查并登记：清单内的予以准入并跟踪办理，清单外的登记为不予准入及所依据的规定
    Record(TaskArgs),
    /// 列出准入审查记录（最新在前）
    List {
        /// tracking 办理中 / done 已完成 / refused 不予准入
        #[arg(long)]
        state: Option<String>,
    },
    /// 已准入任务办结
    Done {
        number: String,
        #[arg(long)]
        note: String,
    },
}

#[derive(Subcommand)]
pub enum ConsultCmd {
    /// 登记一次咨询（首问负责人为执行用户）
    Log {
        /// 咨询事项（给出 --item 时可省略）
        #[arg(long, default_value = "")]
        topic: String,
        /// 关联的事项编码
        #[arg(long)]
        item: Option<String>,
        /// 答复内容
        #[arg(long)]
        answer: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, default_value = "")]
        phone: String,
        /// 需要回访
        #[arg(long)]
        callback: bool,
        /// 回访期限（默认下一个工作日）
        #[arg(long)]
        due: Option<NaiveDate>,
    },
    /// 列出咨询记录：--open 只列待回访
    List {
        #[arg(long)]
        open: bool,
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// 回访办结
    Close {
        number: String,
        /// 回访情况
        #[arg(long)]
        result: String,
    },
}

#[derive(Subcommand)]
pub enum DemandCmd {
    /// 登记群众需求或人民建议
    Log {
        /// 群众需求 或 人民建议
        #[arg(long, default_value = "群众需求")]
        kind: String,
        #[arg(long)]
        category: String,
        /// 所在村（社区）
        #[arg(long)]
        village: String,
        #[arg(long)]
        content: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, default_value = "")]
        phone: String,
    },
    /// 审核：--adopt 采纳，或 --decline 不予采纳（须 --note 写明理由）
    Review {
        number: String,
        #[arg(long, conflicts_with = "decline", required_unless_present = "decline")]
        adopt: bool,
        #[arg(long)]
        decline: bool,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 答复反映人
    Answer {
        number: String,
        #[arg(long)]
        answer: String,
    },
    /// 列出诉求：--state 待审核|已采纳|未采纳|已答复
    List {
        #[arg(long)]
        state: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum CoordCmd {
    /// 向县级部门提请县乡联动事项
    Raise {
        /// 县级部门编码
        #[arg(long)]
        department: String,
        /// 综合执法、应急处置、管理服务 或 其他
        #[arg(long)]
        kind: String,
        /// 问题描述
        #[arg(long)]
        what: String,
        /// 发生地点
        #[arg(long = "where")]
        place: String,
        /// 一般（5个工作日内答复）、紧急（2个）或 特急（1个）
        #[arg(long, default_value = "一般")]
        urgency: String,
    },
    /// 记录部门答复
    Answer {
        number: String,
        #[arg(long)]
        answer: String,
        /// 已解决、部分解决、指导乡镇处置 或 未解决
        #[arg(long)]
        result: String,
        /// 满意、基本满意 或 不满意
        #[arg(long)]
        satisfaction: String,
        /// 答复日期（默认今天）
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// 列出联动事项：--open 只列待答复
    List {
        #[arg(long)]
        open: bool,
    },
}

/// One of the groups above, as parsed.
pub enum RecordCmd {
    Lists(ListsCmd),
    Admission(AdmissionCmd),
    Consult(ConsultCmd),
    Demand(DemandCmd),
    Coord(CoordCmd),
}

impl TaskArgs {
    fn input(self) -> AdmissionInput {
        AdmissionInput {
            department: self.department,
            title: self.title,
            content: self.content,
            doc_ref: self.doc_ref,
            received_on: self.received,
            entry_code: self.entry,
            terms: TaskTerms {
                deployed: self.deployed,
                veto: self.veto,
                central: self.central,
                transfer: self.transfer,
            },
            due_on: self.due,
        }
    }
}

fn request(cmd: RecordCmd) -> Result<Request, HallError> {
    Ok(match cmd {
        RecordCmd::Lists(ListsCmd::Import(ImportArgs { file, version, effective })) => {
            let text = read_input(&file.to_string_lossy())?;
            let csv = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            // Checked here so --version can apply to a CSV; dispatch checks the text again.
            let mut f = if csv { DutyFile::parse_csv(&text)? } else { DutyFile::parse_json(&text)? };
            if version.is_none() && effective.is_none() {
                Request::DutyImport { text, csv }
            } else {
                f.version = version.unwrap_or(f.version);
                f.effective_date = effective.or(f.effective_date);
                Request::DutyImport { text: serde_json::to_string(&f).expect("a list file serialises"), csv: false }
            }
        }
        RecordCmd::Lists(ListsCmd::Show { list, query }) => {
            Request::DutyEntries { list: DutyList::parse(&list)?, query }
        }
        RecordCmd::Lists(ListsCmd::Versions) => Request::DutyVersions,
        RecordCmd::Lists(ListsCmd::Publish { .. } | ListsCmd::Export { .. }) => {
            unreachable!("documents are made in run, not dispatched")
        }
        RecordCmd::Admission(AdmissionCmd::Check(a)) => Request::AdmissionCheck { input: Box::new(a.input()) },
        RecordCmd::Admission(AdmissionCmd::Record(a)) => Request::AdmissionRecord { input: Box::new(a.input()) },
        RecordCmd::Admission(AdmissionCmd::List { state }) => {
            Request::AdmissionTasks { state: state.as_deref().map(task_state).transpose()? }
        }
        RecordCmd::Admission(AdmissionCmd::Done { number, note }) => Request::AdmissionFinish { number, note },
        RecordCmd::Consult(ConsultCmd::Log { topic, item, answer, name, phone, callback, due }) => {
            Request::ConsultLog {
                input: Box::new(ConsultInput {
                    topic,
                    item_code: item,
                    answer,
                    citizen_name: name,
                    phone,
                    callback,
                    callback_due: due,
                }),
            }
        }
        RecordCmd::Consult(ConsultCmd::List { open, date }) => Request::Consultations {
            filter: if open { ConsultFilter::OpenCallbacks } else { ConsultFilter::All },
            date,
        },
        RecordCmd::Consult(ConsultCmd::Close { number, result }) => Request::ConsultClose { number, result },
        RecordCmd::Demand(DemandCmd::Log { kind, category, village, content, name, phone }) => Request::DemandLog {
            input: Box::new(DemandInput {
                kind: DemandKind::parse(&kind)?,
                category,
                village,
                content,
                citizen_name: name,
                phone,
            }),
        },
        RecordCmd::Demand(DemandCmd::Review { number, adopt, decline: _, note }) => {
            Request::DemandReview { number, adopt, note }
        }
        RecordCmd::Demand(DemandCmd::Answer { number, answer }) => Request::DemandAnswer { number, answer },
        RecordCmd::Demand(DemandCmd::List { state }) => {
            Request::Demands { state: state.as_deref().map(DemandState::parse).transpose()? }
        }
        RecordCmd::Coord(CoordCmd::Raise { department, kind, what, place, urgency }) => Request::IssueRaise {
            input: Box::new(IssueInput {
                kind,
                title: what,
                location: place,
                urgency: IssueUrgency::parse(&urgency)?,
                department,
            }),
        },
        RecordCmd::Coord(CoordCmd::Answer { number, answer, result, satisfaction, date }) => Request::IssueAnswer {
            number,
            answer: Box::new(IssueAnswer { answer, answered_on: date, result, satisfaction }),
        },
        RecordCmd::Coord(CoordCmd::List { open }) => Request::Issues { open_only: open },
    })
}

fn task_state(s: &str) -> Result<TaskState, HallError> {
    match s.trim() {
        "tracking" | "办理中" => Ok(TaskState::Tracking),
        "done" | "已完成" => Ok(TaskState::Done),
        "refused" | "不予准入" => Ok(TaskState::Refused),
        other => Err(HallError::invalid(format!(
            "“{}”不是准入任务状态，应为 办理中（tracking）、已完成（done）或 不予准入（refused）",
            hall_core::validate::clip(other, 40)
        ))),
    }
}

pub fn run(gate: &mut Gate, cmd: RecordCmd) -> Result<(), HallError> {
    let json = gate.json;
    // The wall and the web page are made here, through the printing crate, like other papers.
    match cmd {
        RecordCmd::Lists(ListsCmd::Publish { list, out }) => {
            return crate::papers::emit(gate, PublicList::parse(&list)?.wall(), out);
        }
        RecordCmd::Lists(ListsCmd::Export { list, format, out }) => {
            let (list, format) = (PublicList::parse(&list)?, ExportFormat::parse(&format)?);
            // Any role may export, as in the window's 政务公开 export.
            let actor = authorize(&gate.session, &Role::ALL)?.username.clone();
            let bytes = hall_print::save_export(gate.store("导出清单")?, &actor, list, format, &out)?;
            if json {
                print_json(&serde_json::json!({"list": list, "format": format, "out": out, "bytes": bytes}));
            } else {
                let kb = bytes as f64 / 1024.0;
                println!("已导出{}（{}）：{}（{kb:.1} KB）", list.label(), format.label(), out.display());
            }
            return Ok(());
        }
        _ => {}
    }
    let reply = gate.ask(request(cmd)?)?;
    if json {
        match &reply {
            Reply::DutyEntries(v) => print_json(v),
            Reply::DutyVersions(v) => print_json(v),
            Reply::DutyImported(v) => print_json(v),
            Reply::AdmissionCheck(v) => print_json(v),
            Reply::AdmissionTask(v) => print_json(v),
            Reply::AdmissionTasks(v) => print_json(v),
            Reply::Consultation(v) => print_json(v),
            Reply::Consultations(v) => print_json(v),
            Reply::Demand(v) => print_json(v),
            Reply::Demands(v) => print_json(v),
            Reply::Issue(v) => print_json(v),
            Reply::Issues(v) => print_json(v),
            other => print_json(other),
        }
        return Ok(());
    }
    match reply {
        Reply::DutyImported(i) if i.unchanged => {
            println!("清单版本 {} 已导入过，内容相同，未做改动。", i.version.version)
        }
        Reply::DutyImported(i) => {
            let v = &i.version;
            println!(
                "已导入清单版本 {}：权力清单 {} 项，责任清单 {} 项，职责清单 {} 项。",
                v.version, v.per_list[0], v.per_list[1], v.per_list[2]
            );
        }
        Reply::DutyVersions(vs) => {
            for v in &vs {
                println!(
                    "{}\t生效 {}\t{} 条\t导入于 {}（{}）",
                    v.version, v.effective_date, v.entry_count, v.imported_at, v.imported_by
                );
            }
            println!("共 {} 个版本", vs.len());
        }
        Reply::DutyEntries(es) => {
            for e in &es {
                let d = &e.entry;
                let dept = e.department_name.as_deref().unwrap_or("");
                println!("{}\t{}\t{}\t{}\t{}\t{}", d.code, d.name, d.category, d.side.label(), dept, d.basis);
            }
            println!("共 {} 条", es.len());
        }
        Reply::AdmissionCheck(c) => {
            println!("审查结论：{}", c.label);
            if let Some(e) = &c.entry {
                println!("对应条目：{} {}（{}）", e.entry.code, e.entry.name, e.entry.side.label());
            }
            println!("依据：{}", c.basis);
        }
        Reply::AdmissionTask(t) => print_task(&t),
        Reply::AdmissionTasks(ts) => {
            for t in &ts {
                let late = if t.overdue { "\t逾期" } else { "" };
                println!(
                    "{}\t{}\t{}\t{}\t{}{late}",
                    t.number, t.received_on, t.department_name, t.title, t.state_label
                );
            }
            println!("共 {} 件", ts.len());
        }
        Reply::Consultation(c) => print_consultation(&c),
        Reply::Consultations(cs) => {
            for c in &cs {
                println!("{}\t{}\t{}\t{}\t{}", c.number, c.at, c.topic, c.clerk, callback_text(c));
            }
            println!("共 {} 条", cs.len());
        }
        Reply::Demand(d) => print_demand(&d),
        Reply::Demands(ds) => {
            for d in &ds {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    d.number, d.kind_label, d.category, d.village, d.state_label, d.content
                );
            }
            println!("共 {} 条", ds.len());
        }
        Reply::Issue(i) => print_issue(&i),
        Reply::Issues(is) => {
            for i in &is {
                let late = if i.overdue { "\t逾期" } else { "" };
                let state = i.answered_on.as_deref().map(|d| format!("{d} 已答复")).unwrap_or_else(|| "待答复".into());
                println!(
                    "{}\t{}\t{}\t{}\t期限 {}\t{state}{late}",
                    i.number, i.urgency_label, i.department_name, i.title, i.due_on
                );
            }
            println!("共 {} 件", is.len());
        }
        other => print_json(&other),
    }
    Ok(())
}

fn print_task(t: &AdmissionTask) {
    println!("编号：{}", t.number);
    println!("下派部门：{}（{}）", t.department_name, t.department);
    println!("任务：{}", t.title);
    if let Some(code) = &t.entry_code {
        println!("对应职责清单条目：{code} {}", t.entry_name.as_deref().unwrap_or(""));
    }
    println!("审查结论：{}", t.rule_label);
    println!("依据：{}", t.basis);
    println!("状态：{}", t.state_label);
}

fn callback_text(c: &Consultation) -> String {
    match (&c.callback_due, &c.closed_at) {
        (None, _) => "无需回访".into(),
        (Some(_), Some(at)) => format!("已回访（{at}）"),
        (Some(due), None) if c.overdue => format!("待回访，期限 {due}，已逾期"),
        (Some(due), None) => format!("待回访，期限 {due}"),
    }
}

fn print_consultation(c: &Consultation) {
    println!("编号：{}", c.number);
    println!("咨询事项：{}", c.topic);
    println!("答复：{}", c.answer);
    println!("首问负责人：{}", if c.clerk_name.is_empty() { &c.clerk } else { &c.clerk_name });
    println!("回访：{}", callback_text(c));
    if !c.result.is_empty() {
        println!("回访情况：{}", c.result);
    }
}

fn print_demand(d: &Demand) {
    println!("编号：{}", d.number);
    println!("{}（{}，{}）：{}", d.kind_label, d.category, d.village, d.content);
    println!("状态：{}", d.state_label);
    if !d.review_note.is_empty() {
        println!("审核意见：{}", d.review_note);
    }
    if !d.answer.is_empty() {
        println!("答复：{}", d.answer);
    }
}

fn print_issue(i: &CoordIssue) {
    println!("编号：{}", i.number);
    println!("{}（{}）：{}", i.kind, i.urgency_label, i.title);
    println!("地点：{}", i.location);
    println!("县级部门：{}（{}）", i.department_name, i.department);
    println!("答复期限：{}", i.due_on);
    match &i.answered_on {
        Some(on) => {
            let late = if i.overdue { "（逾期答复）" } else { "" };
            println!("部门答复：{on}{late} {}", i.answer);
            println!(
                "办理结果：{}，评价：{}",
                i.result.as_deref().unwrap_or(""),
                i.satisfaction.as_deref().unwrap_or("")
            );
        }
        None if i.overdue => println!("状态：待答复，已逾期"),
        None => println!("状态：待答复"),
    }
}
