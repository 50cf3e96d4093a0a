//! hallctl — the hall's command line for county IT and scripting, over the same core as the
//! desktop app. Chinese output by default, `--json` for machines; exit 0 on success, non-zero
//! with a Chinese message on stderr otherwise.

mod records;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use hall_core::catalog::CatalogFile;
use hall_core::documents::{CasePaper, DocRequest};
use hall_core::intake::IntakeRequest;
use hall_core::lifecycle::{Action, CaseState, Role};
use hall_core::store::{ActParams, CaseDetail, CaseSummary, FollowUpUpdate, NewUser, SessionUser};
use hall_core::{HallError, Store};
use serde::Serialize;

#[derive(Parser)]
#[command(name = "hallctl", version, about = "一窗通 乡镇便民服务中心 命令行工具")]
struct Cli {
    /// 数据库文件（默认与桌面程序相同：~/.local/share/yichuang/hall.db）
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// 以 JSON 输出，供程序读取
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 创建或升级数据库并设置乡镇（可重复执行）
    Init {
        #[arg(long)]
        township_code: String,
        #[arg(long)]
        township_name: String,
        /// 库中尚无用户时创建 admin 账号所用的密码（不给则随机生成并打印）
        #[arg(long)]
        admin_password: Option<String>,
    },
    /// 装入示例乡镇（事项清单、单位、演示用户、近30天办件）
    Demo,
    /// 事项清单
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// 节假日日历
    #[command(subcommand)]
    Calendar(CalendarCmd),
    /// 校验居民身份证号（或 --org 统一社会信用代码）
    CheckId {
        #[arg(long)]
        org: bool,
        number: String,
    },
    /// 办件
    #[command(subcommand)]
    Case(CaseCmd),
    /// 按办件编号、身份证号、电话或姓名/事项名称查找办件
    Search { text: String },
    /// 生成合成历史办件（用于性能测试）
    Seed {
        #[arg(long)]
        cases: usize,
        /// 分布在最近几年内
        #[arg(long, default_value_t = 3)]
        years: i64,
    },
    /// 用户
    #[command(subcommand)]
    User(UserCmd),
    /// 把已办结的办件上报县级平台，并取回县级发布的事项清单和节假日（见 docs/sync-protocol.md）
    Sync {
        /// 只同步一遍：全部确认则退出码 0，否则非 0
        #[arg(long)]
        once: bool,
        /// 县级平台地址（覆盖已保存的设置）
        #[arg(long)]
        hub: Option<String>,
        /// 本乡镇接入令牌（覆盖已保存的设置）
        #[arg(long)]
        token: Option<String>,
    },
    /// 事件记录（审计日志）
    #[command(subcommand)]
    Audit(AuditCmd),
    /// 备份数据库（在线备份，不影响使用）
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// 从备份恢复（先校验文件：损坏的或其他乡镇的备份一律拒绝；恢复前的数据另存一份）
    Restore { file: PathBuf },
    /// 每日服务台账与统计报告（PDF）
    #[command(subcommand)]
    Report(ReportCmd),
    /// 权力清单、责任清单、职责清单（及公共服务清单）：导入、查看、公示、导出
    Lists {
        #[command(flatten)]
        actor: records::Actor,
        #[command(subcommand)]
        cmd: records::ListsCmd,
    },
    /// 职责准入：县级部门下派任务对照职责清单审查、登记、跟踪
    Admission {
        #[command(flatten)]
        actor: records::Actor,
        #[command(subcommand)]
        cmd: records::AdmissionCmd,
    },
    /// 咨询登记与回访（首问负责）
    Consult {
        #[command(flatten)]
        actor: records::Actor,
        #[command(subcommand)]
        cmd: records::ConsultCmd,
    },
    /// 群众需求与人民建议：登记、审核、答复
    Demand {
        #[command(flatten)]
        actor: records::Actor,
        #[command(subcommand)]
        cmd: records::DemandCmd,
    },
    /// 县乡联动：向县级部门提请事项、记录答复
    Coord {
        #[command(flatten)]
        actor: records::Actor,
        #[command(subcommand)]
        cmd: records::CoordCmd,
    },
    /// 打印办件文书：receipt 受理回执、notice 一次性告知书、refusal 不予受理通知书、
    /// commitment 容缺受理承诺书、decision 不予许可/不予办理决定书、deemed_withdrawn 视为撤回通知书、
    /// delivery 出件签收单
    Print {
        paper: String,
        number: String,
        /// 保存为 PDF 文件；不给则送默认打印机
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// 校验事件记录的哈希链，指出第一处断裂
    Verify,
}

#[derive(Subcommand)]
enum ReportCmd {
    /// 某日的每日服务台账
    Daily {
        #[arg(long)]
        date: NaiveDate,
        /// 保存为 PDF 文件；不给则送默认打印机
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 任意期间（周、月……）的服务统计报告
    Period {
        #[arg(long)]
        from: NaiveDate,
        #[arg(long)]
        to: NaiveDate,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// A file the county publishes (catalog, lists), with what may override its version.
#[derive(Args)]
pub struct ImportArgs {
    file: PathBuf,
    /// 版本号（覆盖文件中的版本号；CSV 不含版本号时使用）
    #[arg(long)]
    version: Option<String>,
    /// 生效日期 YYYY-MM-DD
    #[arg(long)]
    effective: Option<NaiveDate>,
}

#[derive(Subcommand)]
enum CatalogCmd {
    /// 导入事项清单（JSON 或 CSV，整体成功或整体不导入）
    Import(ImportArgs),
    /// 列出当前清单的事项
    List {
        #[arg(long)]
        category: Option<String>,
        /// 按编码、名称或拼音首字母筛选
        #[arg(long)]
        query: Option<String>,
    },
    /// 列出已导入的清单版本
    Versions,
    /// 生成事项公示（PDF，供张贴）
    Publish {
        /// 保存为 PDF 文件；不给则送默认打印机
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum CalendarCmd {
    /// 导入某年的节假日安排（JSON）
    Import { file: PathBuf },
    /// 计算办结日期：受理日后第 N 个工作日
    Due {
        #[arg(long)]
        accepted: NaiveDate,
        #[arg(long)]
        days: u32,
    },
    /// 列出已导入的年份
    List,
}

#[derive(Subcommand)]
enum CaseCmd {
    /// 按 JSON 文档受理办件（文件路径，或 - 表示标准输入）
    Intake {
        /// 受理文档（写作 --json FILE|-；见 README）
        #[arg(long = "input", value_name = "FILE|-")]
        input: String,
    },
    /// 显示一件办件及其全部记录
    Show { number: String },
    /// 列出办件（最新在前）
    List {
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        date: Option<NaiveDate>,
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// 对办件执行一项操作（见 README 的操作表）
    Act(ActArgs),
    /// 补正期限已过的办件按乡镇设置（自动）视为撤回，记为系统操作
    Sweep,
}

#[derive(Args)]
struct ActArgs {
    number: String,
    action: String,
    /// 执行操作的用户名
    #[arg(long)]
    user: Option<String>,
    /// 理由或说明
    #[arg(long)]
    note: Option<String>,
    /// 转办的接收单位编码
    #[arg(long)]
    unit: Option<String>,
    /// 操作参数 JSON（写作 --json FILE|-|JSON）：{"user":..,"note":..,"unit":..}
    #[arg(long = "input", value_name = "FILE|-|JSON")]
    params: Option<String>,
}

#[derive(Subcommand)]
enum UserCmd {
    /// 新增用户
    Add {
        username: String,
        #[arg(long)]
        name: String,
        /// clerk / officer / supervisor / admin
        #[arg(long)]
        role: String,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        password: String,
    },
}

/// `case intake --json FILE` and `case act … --json X` take a document, while `--json` anywhere
/// else asks for JSON output. Within those two subcommands a `--json` followed by a value is
/// the document; clap then sees it as `--input`.
fn rewrite_args(args: Vec<String>) -> Vec<String> {
    let case = args.iter().position(|a| a == "case");
    let takes_doc = case.and_then(|i| args.get(i + 1)).is_some_and(|s| s == "intake" || s == "act");
    if !takes_doc {
        return args;
    }
    let start = case.unwrap_or(0) + 2;
    let mut out = Vec::with_capacity(args.len());
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if i >= start {
            if let Some(v) = a.strip_prefix("--json=") {
                out.push(format!("--input={v}"));
                i += 1;
                continue;
            }
            if a == "--json" {
                if let Some(v) = args.get(i + 1).filter(|v| *v == "-" || !v.starts_with('-')) {
                    out.push("--input".into());
                    out.push(v.clone());
                    i += 2;
                    continue;
                }
            }
        }
        out.push(a.clone());
        i += 1;
    }
    out
}

fn main() -> ExitCode {
    let cli = Cli::parse_from(rewrite_args(std::env::args().collect()));
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{}", e.message);
            ExitCode::FAILURE
        }
    }
}

fn read_input(arg: &str) -> Result<String, HallError> {
    if arg == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        return Ok(s);
    }
    std::fs::read_to_string(arg).map_err(|e| HallError::invalid(format!("无法读取文件 {arg}：{e}")))
}

fn print_json<T: Serialize>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).expect("serialisable"));
}

fn cli_user(store: &Store, username: &str) -> Result<SessionUser, HallError> {
    store.user(username).map_err(|_| HallError::invalid(format!("用户“{username}”不存在或已停用")))
}

/// Writes a document to `out`, or sends it to the default printer; either way it is logged.
pub(crate) fn emit_document(
    store: &mut Store,
    req: DocRequest,
    out: Option<PathBuf>,
    json: bool,
) -> Result<(), HallError> {
    let title = req.title();
    match out {
        Some(path) => {
            hall_print::save(store, "hallctl", &req, &path)?;
            let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            if json {
                print_json(&serde_json::json!({"title": title, "out": path, "bytes": bytes}));
            } else {
                println!("已生成{title}：{}（{:.1} KB）", path.display(), bytes as f64 / 1024.0);
            }
        }
        None => {
            let said = hall_print::print(store, "hallctl", &req)?;
            if json {
                print_json(&serde_json::json!({"title": title, "printed": said}));
            } else {
                println!("{title}：{said}");
            }
        }
    }
    Ok(())
}

/// Pushes until nothing is pending (`--once`: one pass) and pulls the county's catalog, lists
/// and calendars; without `--once` it keeps going, retrying with backoff while the hub is away.
fn sync(
    store: Store,
    once: bool,
    hub: Option<String>,
    token: Option<String>,
    json: bool,
) -> Result<ExitCode, HallError> {
    let url = hub
        .or(store.hub_url()?)
        .ok_or_else(|| HallError::invalid("未设置县级平台地址：请用 --hub 给出，或在系统管理中设置"))?;
    let token = token.or(store.hub_token()?).unwrap_or_default();
    let hub = hall_sync::Hub::new(&url, &token)?;
    let store = std::sync::Mutex::new(store);
    let waiting = store.lock().map(|s| s.outbox_counts()).unwrap_or_else(|p| p.into_inner().outbox_counts())?.pending;
    if !json {
        println!("县级平台 {url}：待上报 {waiting} 件");
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let mut failures = 0;
    loop {
        let mut show = |p: hall_sync::Progress| {
            if !json {
                println!("已发送 {} 件，已确认 {} 件，冲突 {} 件", p.sent, p.acknowledged, p.conflicts);
            }
        };
        match rt.block_on(hall_sync::pass(&store, &hub, &mut show)) {
            Ok(r) => {
                failures = 0;
                if json {
                    print_json(&serde_json::json!({
                        "sent": r.progress.sent, "acknowledged": r.progress.acknowledged,
                        "conflicts": r.progress.conflicts, "pending": r.pending,
                        "catalog_versions": r.catalog_versions, "duty_versions": r.duty_versions,
                        "calendar_years": r.calendar_years
                    }));
                } else {
                    for v in &r.catalog_versions {
                        println!("已导入县级发布的事项清单 {v}");
                    }
                    for v in &r.duty_versions {
                        println!("已导入县级发布的清单 {v}");
                    }
                    for y in &r.calendar_years {
                        println!("已导入县级发布的 {y} 年节假日安排");
                    }
                    println!("同步完成：待上报 {} 件，冲突累计 {} 件", r.pending, r.progress.conflicts);
                }
                if r.progress.conflicts > 0 {
                    eprintln!(
                        "注意：{} 件办件或群众诉求与县级平台已有内容冲突，已保留待核对，请联系县信息中心",
                        r.progress.conflicts
                    );
                }
                if once {
                    let clean = r.pending == 0 && r.progress.conflicts == 0;
                    return Ok(if clean { ExitCode::SUCCESS } else { ExitCode::FAILURE });
                }
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
            Err(e) => {
                eprintln!("错误：{}", e.message());
                if once || !e.retryable() {
                    return Ok(ExitCode::FAILURE);
                }
                let wait = hall_sync::backoff(failures);
                failures += 1;
                eprintln!("{} 秒后重试", wait.as_secs());
                std::thread::sleep(wait);
            }
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, HallError> {
    // check-id needs no database.
    if let Command::CheckId { org, number } = &cli.command {
        let today = chrono::Local::now().date_naive();
        let r = if *org {
            hall_core::validate::credit_code(number)
        } else {
            hall_core::validate::resident_id(number, today)
        };
        return Ok(match r {
            Ok(n) => {
                if cli.json {
                    print_json(&serde_json::json!({"valid": true, "normalized": n}));
                } else {
                    println!("有效");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                if cli.json {
                    print_json(&serde_json::json!({"valid": false, "reason": e.message}));
                } else {
                    println!("无效：{}", e.message);
                }
                eprintln!("错误：{}", e.message);
                ExitCode::from(1)
            }
        });
    }
    let db = cli.db.clone().unwrap_or_else(hall_core::default_db_path);
    let mut store = Store::open(&db)?;
    let json = cli.json;
    match cli.command {
        Command::CheckId { .. } => unreachable!("handled above"),
        Command::Init { township_code, township_name, admin_password } => {
            store.init(&township_code, &township_name, "hallctl")?;
            let mut admin = None;
            if store.user_count()? == 0 {
                let generated = admin_password.is_none();
                let password = admin_password.unwrap_or_else(random_password);
                let admin_user = NewUser {
                    username: "admin".into(),
                    name: "系统管理员".into(),
                    role: Role::Admin,
                    unit: None,
                    password: password.clone().into(),
                    must_change_password: generated,
                };
                store.add_user(&admin_user, "hallctl")?;
                admin = Some(password);
            }
            let info = store.hall_info()?;
            if json {
                print_json(&serde_json::json!({"db": db, "hall": info, "admin_password": admin}));
            } else {
                println!("数据库已就绪：{}", db.display());
                println!("乡镇：{} {}", info.township_code, info.township_name);
                if let Some(p) = admin {
                    println!("已创建管理员账号 admin，密码：{p}（首次登录后请修改）");
                }
            }
        }
        Command::Demo => {
            let s = hall_core::demo::load_demo(&mut store, 30, 12)?;
            if json {
                print_json(&s);
            } else {
                if s.already_loaded {
                    println!("示例数据已在库中（{} 件办件），未重复装入。", s.cases);
                } else {
                    println!(
                        "已装入示例乡镇 {} {}：{} 件办件（示例数据，人员均为虚构）。",
                        s.township_code, s.township_name, s.cases
                    );
                }
                println!("数据库：{}", db.display());
                println!("演示账号（用户名 / 密码 / 角色）：");
                for u in &s.users {
                    println!("  {:<16} {:<14} {}", u.username, u.password, u.role.label());
                }
            }
        }
        Command::Catalog(CatalogCmd::Import(ImportArgs { file, version, effective })) => {
            let text = read_input(&file.to_string_lossy())?;
            let is_csv = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let mut cat = if is_csv { CatalogFile::parse_csv(&text)? } else { CatalogFile::parse_json(&text)? };
            if let Some(v) = version {
                cat.version = v;
            }
            if effective.is_some() {
                cat.effective_date = effective;
            }
            let out = store.import_catalog(&cat, "hallctl")?;
            if json {
                print_json(&out);
            } else if out.unchanged {
                println!("清单版本 {} 已导入过，内容相同，未做改动。", out.version.version);
            } else {
                println!("已导入事项清单版本 {}：{} 个事项。", out.version.version, out.version.item_count);
            }
        }
        Command::Catalog(CatalogCmd::List { category, query }) => {
            let items = store.catalog_items(query.as_deref(), category.as_deref())?;
            if json {
                print_json(&items);
            } else {
                for i in &items {
                    println!(
                        "{}\t{}\t{}\t{}\t承诺{}个工作日\t{}",
                        i.item.code,
                        i.item.name,
                        i.item.category,
                        i.item.kind.label(),
                        i.item.promised_days,
                        i.unit_name
                    );
                }
                println!("共 {} 个事项", items.len());
            }
        }
        Command::Catalog(CatalogCmd::Publish { out }) => emit_document(&mut store, DocRequest::CatalogWall, out, json)?,
        Command::Report(ReportCmd::Daily { date, out }) => {
            emit_document(&mut store, DocRequest::Daily { date }, out, json)?
        }
        Command::Report(ReportCmd::Period { from, to, out }) => {
            emit_document(&mut store, DocRequest::Period { from, to }, out, json)?
        }
        Command::Sync { once, hub, token } => return sync(store, once, hub, token, json),
        Command::Lists { actor, cmd } => records::run(&mut store, actor, records::RecordCmd::Lists(cmd), json)?,
        Command::Admission { actor, cmd } => records::run(&mut store, actor, records::RecordCmd::Admission(cmd), json)?,
        Command::Consult { actor, cmd } => records::run(&mut store, actor, records::RecordCmd::Consult(cmd), json)?,
        Command::Demand { actor, cmd } => records::run(&mut store, actor, records::RecordCmd::Demand(cmd), json)?,
        Command::Coord { actor, cmd } => records::run(&mut store, actor, records::RecordCmd::Coord(cmd), json)?,
        Command::Audit(AuditCmd::Verify) => {
            let r = store.audit_verify()?;
            if json {
                print_json(&r);
            } else if r.intact {
                println!("事件记录完整：共 {} 条，哈希链无断裂", r.events);
            } else {
                println!("事件记录被改动：{}", r.broken);
            }
            if !r.intact {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Backup { out } => {
            let made = store.backup_to(&out)?;
            store.note_hall_event("hallctl", "backup", &format!("备份到 {}", out.display()))?;
            if json {
                print_json(&made);
            } else {
                println!("已备份到 {}（{:.1} MB）", made.path, made.bytes as f64 / 1e6);
            }
        }
        Command::Restore { file } => {
            let facts = store.restore_from(&file, "hallctl")?;
            if json {
                print_json(&facts);
            } else {
                println!(
                    "已从 {} 恢复：{} {}，{} 件办件；恢复前的数据另存在 backups/ 目录",
                    file.display(),
                    facts.township_code,
                    facts.township_name,
                    facts.cases
                );
            }
        }
        Command::Print { paper, number, out } => {
            let paper = CasePaper::parse(&paper)?;
            emit_document(&mut store, DocRequest::Case { number, paper }, out, json)?
        }
        Command::Catalog(CatalogCmd::Versions) => {
            let vs = store.catalog_versions()?;
            if json {
                print_json(&vs);
            } else {
                for v in &vs {
                    println!(
                        "{}\t生效 {}\t{} 个事项\t导入于 {}（{}）",
                        v.version, v.effective_date, v.item_count, v.imported_at, v.imported_by
                    );
                }
            }
        }
        Command::Calendar(CalendarCmd::Import { file }) => {
            let text = read_input(&file.to_string_lossy())?;
            let y = store.import_calendar(&text, "hallctl")?;
            if json {
                print_json(&y);
            } else {
                println!(
                    "已导入 {} 年节假日安排：{} 个节假日，{} 个调休上班日。",
                    y.year,
                    y.holidays.len(),
                    y.workdays.len()
                );
            }
        }
        Command::Calendar(CalendarCmd::Due { accepted, days }) => {
            let due = store.calendar().add_working_days(accepted, days);
            if json {
                print_json(
                    &serde_json::json!({"due": due.date, "missing_years": due.missing_years, "warning": due.warning()}),
                );
            } else {
                println!("{}", due.date);
                if let Some(w) = due.warning() {
                    eprintln!("{w}");
                }
            }
        }
        Command::Calendar(CalendarCmd::List) => {
            let ys = store.calendar_years()?;
            if json {
                print_json(&ys);
            } else {
                for y in &ys {
                    println!(
                        "{} 年\t{} 个节假日\t{} 个调休上班日\t{}\t导入于 {}",
                        y.year, y.holidays, y.workdays, y.source, y.imported_at
                    );
                }
            }
        }
        Command::Case(CaseCmd::Intake { input }) => {
            let text = read_input(&input)?;
            let req: IntakeRequest = serde_json::from_str(&text).map_err(|e| {
                HallError::invalid(format!(
                    "受理文档第 {} 行第 {} 列有误：{}",
                    e.line(),
                    e.column(),
                    hall_core::validate::json_error_zh(&e)
                ))
            })?;
            if req.clerk.trim().is_empty() {
                return Err(HallError::invalid("受理文档缺少 clerk（受理员用户名）"));
            }
            let clerk = cli_user(&store, &req.clerk)?;
            let case = store.intake(&req, &clerk)?;
            print_case(&case, json);
        }
        Command::Case(CaseCmd::Show { number }) => print_case(&store.case_detail(&number)?, json),
        Command::Case(CaseCmd::Sweep) => {
            let ended = store.sweep_supplement_lapses()?;
            if json {
                print_json(&serde_json::json!({ "deemed_withdrawn": ended }));
            } else if ended.is_empty() {
                println!("没有需要视为撤回的办件（补正逾期处理：{}）", store.supplement_lapse_mode()?.label());
            } else {
                println!("补正逾期视为撤回 {} 件：{}", ended.len(), ended.join("、"));
            }
        }
        Command::Case(CaseCmd::List { state, date, limit }) => {
            let state = state.as_deref().map(CaseState::parse).transpose()?;
            print_cases(&store.list_cases(state, date, limit)?, json);
        }
        Command::Case(CaseCmd::Act(a)) => {
            let mut extra: serde_json::Value = match &a.params {
                None => serde_json::json!({}),
                Some(p) => {
                    let text = if p.trim_start().starts_with('{') { p.clone() } else { read_input(p)? };
                    serde_json::from_str(&text).map_err(|e| {
                        HallError::invalid(format!("操作参数 JSON 有误：{}", hall_core::validate::json_error_zh(&e)))
                    })?
                }
            };
            if !extra.is_object() {
                return Err(HallError::invalid("操作参数 JSON 应为一个对象，如 {\"user\": \"clerk1\"}"));
            }
            for (k, v) in [("note", a.note), ("unit", a.unit)] {
                if let Some(v) = v {
                    extra[k] = serde_json::Value::String(v);
                }
            }
            let field = |k: &str| extra.get(k).and_then(|v| v.as_str()).map(str::to_string);
            let username = a
                .user
                .or_else(|| field("user"))
                .ok_or_else(|| HallError::invalid("请用 --user 指定执行操作的用户（或在 --json 中给出 \"user\"）"))?;
            let user = cli_user(&store, &username)?;
            let bad = |e: serde_json::Error| {
                HallError::invalid(format!("操作参数 JSON 有误：{}", hall_core::validate::json_error_zh(&e)))
            };
            // Steps around the lifecycle that are not transitions of it.
            match a.action.as_str() {
                "rate" | "评价" => {
                    let level = extra
                        .get("level")
                        .and_then(|v| v.as_u64())
                        .ok_or_else(|| HallError::invalid("评价须给出 level（1 非常不满意 … 5 非常满意）"))?;
                    let level = u8::try_from(level).unwrap_or(0);
                    store.rate(&a.number, level, &field("comment").unwrap_or_default(), &user)?;
                }
                "supply_materials" | "补交材料" => {
                    let names: Vec<String> =
                        serde_json::from_value(extra.get("materials").cloned().unwrap_or_default()).map_err(bad)?;
                    store.supply_materials(&a.number, &names, &user)?;
                }
                "follow_up" | "差评回访" => {
                    let update: FollowUpUpdate = serde_json::from_value(extra.clone()).map_err(bad)?;
                    store.update_follow_up(&a.number, &update, &user)?;
                }
                other => {
                    let action = Action::parse(other)?;
                    let params: ActParams = serde_json::from_value(extra.clone()).map_err(bad)?;
                    store.act(&a.number, action, &user, &params)?;
                }
            }
            print_case(&store.case_detail(&a.number)?, json);
        }
        Command::Search { text } => print_cases(&store.search_cases(&text, hall_core::store::SEARCH_LIMIT)?, json),
        Command::Seed { cases, years } => {
            let n = hall_core::demo::seed(&mut store, cases, chrono::Duration::days(365 * years), &mut |done| {
                if !json {
                    eprint!("\r已生成 {done}/{cases} 件");
                }
            })?;
            if json {
                print_json(&serde_json::json!({"cases": n}));
            } else {
                eprintln!();
                println!("已生成 {n} 件合成办件（分布在最近 {years} 年）。");
            }
        }
        Command::User(UserCmd::Add { username, name, role, unit, password }) => {
            let role = Role::parse(&role)?;
            let new = NewUser {
                username: username.clone(),
                name,
                role,
                unit,
                password: password.into(),
                must_change_password: true,
            };
            store.add_user(&new, "hallctl")?;
            let u = store.user(&username)?;
            if json {
                print_json(&u);
            } else {
                println!("已新增用户 {}（{}，{}），首次登录须修改密码。", u.username, u.name, u.role.label());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A random initial password that meets the strength rule (OS randomness through uuid v4).
fn random_password() -> String {
    let u = uuid::Uuid::new_v4().simple().to_string();
    format!("Yc-{}{}", &u[..8], u[8..12].to_uppercase())
}

fn print_case(c: &CaseDetail, json: bool) {
    if json {
        print_json(c);
        return;
    }
    let s = &c.summary;
    println!("办件编号：{}", s.number);
    println!("事项：{}（{}，{}）", s.item_name, s.item_code, c.item_kind);
    println!("申请人：{} {}", c.applicant.name, c.applicant.id_masked);
    if let Some(a) = &c.agent {
        println!("代办人：{} {}", a.name, a.id_masked);
    }
    println!("状态：{}", s.state_label);
    println!("承办单位：{}", s.unit_name);
    println!("首问负责人：{}", c.logged_by);
    if let Some(d) = &s.accepted_on {
        println!("受理日期：{d}");
    }
    if let Some(d) = &s.due_date {
        println!("承诺办结日期：{d}");
    }
    if let Some(d) = &c.commitment_due {
        println!("容缺承诺期限：{d}");
    }
    if let Some(w) = &c.calendar_warning {
        eprintln!("{w}");
    }
    let missing: Vec<&str> =
        c.materials.iter().filter(|m| m.required && !m.submitted).map(|m| m.name.as_str()).collect();
    if !missing.is_empty() {
        println!("缺少材料：{}", missing.join("、"));
    }
    println!("办理记录：");
    for e in &c.events {
        let to = e.to_state.map(|s| s.label()).unwrap_or("");
        println!("  {}  {}  {}  {}  {}", e.at, e.action_label, to, e.actor, e.note);
    }
}

fn print_cases(cases: &[CaseSummary], json: bool) {
    if json {
        print_json(&cases);
        return;
    }
    for c in cases {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            c.number,
            c.state_label,
            c.item_name,
            c.applicant_name,
            c.applicant_id_masked,
            c.due_date.as_deref().unwrap_or("-")
        );
    }
    println!("共 {} 件", cases.len());
}
