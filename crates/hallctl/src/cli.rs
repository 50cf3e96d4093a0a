//! The command line as clap reads it. Every text here is the Chinese `--help`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::records;

#[derive(Parser)]
#[command(name = "hallctl", version, about = "一窗通 乡镇便民服务中心 命令行工具")]
pub struct Cli {
    /// 数据库文件（默认与桌面程序相同：~/.local/share/yichuang/hall.db）
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// 以 JSON 输出，供程序读取
    #[arg(long, global = true)]
    pub json: bool,
    /// 以该用户身份执行：须给出其密码（环境变量 YICHUANG_PASSWORD，或在终端上输入）；
    /// 不给则以县信息中心操作员（hallctl（操作员））身份执行
    #[arg(long, global = true, value_name = "USERNAME")]
    pub user: Option<String>,
    /// 连接大厅主机执行（https://地址:端口），须同时给出 --pin 与 --user
    #[arg(long, global = true, value_name = "URL")]
    pub host: Option<String>,
    /// 大厅主机的证书指纹（SHA256:<64 位十六进制>，主机启动时打印）
    #[arg(long, global = true, value_name = "SHA256:HEX")]
    pub pin: Option<String>,
    /// 写操作的请求编号：以同一编号重复执行，得到第一次的结果，不会重复办理
    #[arg(long, global = true, value_name = "ID")]
    pub request_id: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// 从备份恢复（先校验文件：损坏的、被截断的、其他乡镇的、更新版本的备份一律拒绝；恢复前的数据另存一份）。
    /// 本机还没有大厅时（新电脑）无须先 init：给出数据恢复凭证上的恢复码即可
    Restore {
        file: PathBuf,
        /// 数据恢复凭证上的恢复码（14 组，大小写不限，短横线可省）
        #[arg(long, value_name = "CODE")]
        recovery_code: Option<String>,
    },
    /// 数据恢复凭证与数据库密钥
    #[command(subcommand)]
    Key(KeyCmd),
    /// 完整检查数据库的每一页（每晚随自动备份执行一次）；发现损坏即停止保存，须从备份恢复
    Check,
    /// 每日服务台账与统计报告（PDF）
    #[command(subcommand)]
    Report(ReportCmd),
    /// 权力清单、责任清单、职责清单（及公共服务清单）：导入、查看、公示、导出
    #[command(subcommand)]
    Lists(records::ListsCmd),
    /// 职责准入：县级部门下派任务对照职责清单审查、登记、跟踪
    #[command(subcommand)]
    Admission(records::AdmissionCmd),
    /// 咨询登记与回访（首问负责）
    #[command(subcommand)]
    Consult(records::ConsultCmd),
    /// 群众需求与人民建议：登记、审核、答复
    #[command(subcommand)]
    Demand(records::DemandCmd),
    /// 县乡联动：向县级部门提请事项、记录答复
    #[command(subcommand)]
    Coord(records::CoordCmd),
    /// 大厅网络：本机作为大厅主机、配对工作站与评价器、撤销
    #[command(subcommand)]
    Host(HostCmd),
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
pub enum HostCmd {
    /// 启动大厅主机：在大厅网络上提供本库（HTTPS），先打印“主机指纹 SHA256:…”一行；收到 SIGTERM 后停止
    Serve {
        /// 监听地址
        #[arg(long, default_value = "0.0.0.0:7443", value_name = "ADDR")]
        listen: std::net::SocketAddr,
    },
    /// 生成一次性配对码（10 分钟内有效），最后一个词即配对码
    Pair,
    /// 列出已配对的工作站与评价器
    Desks,
    /// 撤销一台工作站或评价器（按名称，或 #编号），立即生效
    Revoke { desk: String },
    /// 本机作为备用主机：保持大厅主机数据的实时副本，主机停机时接替。首次须给出 --from、--pin
    /// 与 --code（主机上 hallctl host pair 生成的配对码）；以后只需 hallctl host standby
    Standby {
        /// 大厅主机地址（https://地址:端口）
        #[arg(long, value_name = "URL")]
        from: Option<String>,
        /// 一次性配对码（只在首次配对时需要）
        #[arg(long)]
        code: Option<String>,
        /// 本机在大厅网络中的名称
        #[arg(long, default_value = "备用主机")]
        name: String,
        /// 本机监听地址（接替前只回答问候，接替后工作站连接此端口）
        #[arg(long, default_value = "0.0.0.0:7443", value_name = "ADDR")]
        listen: std::net::SocketAddr,
        /// 工作站接替后连接本机所用的地址（不给则取本机第一个局域网地址）
        #[arg(long, value_name = "URL")]
        address: Option<String>,
    },
    /// 备用主机接替为大厅主机（原主机已停机、无法修复时，在备用主机上执行）
    Promote {
        /// 原主机仍能连接时也接替（两台主机同时办理会使数据分岔，慎用）
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
pub enum KeyCmd {
    /// 打印数据恢复凭证（A4 PDF，含恢复码与二维码），每次打印都记入事件记录
    Sheet {
        /// 另存为 PDF 文件（不给则送默认打印机）
        #[arg(long)]
        out: Option<PathBuf>,
        /// 另在最后一行打印“恢复码：…”，供县信息中心登记
        #[arg(long)]
        show: bool,
    },
    /// 更换数据库密钥：重新加密数据库和本机备份，旧凭证作废（须先关闭一窗通窗口和大厅主机）
    Rotate,
}

#[derive(Subcommand)]
pub enum AuditCmd {
    /// 校验事件记录的哈希链，指出第一处断裂
    Verify,
}

#[derive(Subcommand)]
pub enum ReportCmd {
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
    pub file: PathBuf,
    /// 版本号（覆盖文件中的版本号；CSV 不含版本号时使用）
    #[arg(long)]
    pub version: Option<String>,
    /// 生效日期 YYYY-MM-DD
    #[arg(long)]
    pub effective: Option<NaiveDate>,
}

#[derive(Subcommand)]
pub enum CatalogCmd {
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
pub enum CalendarCmd {
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
pub enum CaseCmd {
    /// 按 JSON 文档受理办件（文件路径，或 - 表示标准输入）
    Intake {
        /// 受理文档：文件路径，或 - 表示标准输入（见 README）
        #[arg(long, value_name = "FILE|-")]
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
pub struct ActArgs {
    pub number: String,
    pub action: String,
    /// 理由或说明
    #[arg(long)]
    pub note: Option<String>,
    /// 转办的接收单位编码
    #[arg(long)]
    pub unit: Option<String>,
    /// 操作参数 JSON：文件路径、- 表示标准输入，或 JSON 文本本身：{"user":..,"note":..,"unit":..}
    #[arg(long, value_name = "FILE|-|JSON")]
    pub input: Option<String>,
}

#[derive(Subcommand)]
pub enum UserCmd {
    /// 修改本人密码：原密码取自 YICHUANG_PASSWORD，新密码取自 YICHUANG_NEW_PASSWORD（或在终端上输入）；
    /// 同时解除“首次登录须修改密码”
    Passwd { username: String },
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
