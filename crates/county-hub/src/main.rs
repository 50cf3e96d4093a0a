//! county-hub — the county's side of 一窗通 sync (docs/sync-protocol.md): takes the halls'
//! completed cases and answered demands, serves catalog versions, the township's lists and
//! holiday calendars, shows the county overview.
//! Without a subcommand it serves; the subcommands register townships and publish files.
//! Exit 0 on success; otherwise non-zero with a Chinese message on stderr.

mod auth;
mod batch;
mod beijing;
mod db;
mod errors;
mod escrow;
mod ingest;
mod migrate;
mod overview;
mod publish;
mod pull;
mod rate_limit;
mod server;
mod tokens;
mod townships;

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "county-hub",
    version,
    about = "一窗通 县级汇总平台：接收各乡镇办结件和群众诉求，下发事项清单、三张清单和节假日日历",
    subcommand_negates_reqs = true
)]
struct Cli {
    /// PostgreSQL 地址，如 postgres://hub:密码@db.example:5432/yichuang（也可用环境变量 DATABASE_URL）
    #[arg(long, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database_url: String,
    /// 监听地址，如 0.0.0.0:8443（端口为 0 时自动选择，实际地址打印在标准输出）
    #[arg(long, value_name = "ADDR", required = true)]
    listen: Option<SocketAddr>,
    /// TLS 证书（PEM，可含中间证书）；给出则以 HTTPS 服务
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS 私钥（PEM）
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// 每个实例的数据库连接数上限
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..))]
    pool_size: u32,
    /// 每个实例允许每个乡镇每秒的请求数
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    rate_limit: u32,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// 乡镇登记与令牌
    #[command(subcommand)]
    Township(TownshipCmd),
    /// 事项清单
    #[command(subcommand)]
    Catalog(PublishCmd),
    /// 权力清单、责任清单、职责清单
    #[command(subcommand)]
    Duties(PublishCmd),
    /// 节假日日历
    #[command(subcommand)]
    Calendar(PublishCmd),
    /// 密钥托管：各乡镇的数据库密钥用县里的公钥加密后存在平台上，私钥由县信息中心离线保管
    #[command(subcommand)]
    Escrow(EscrowCmd),
}

#[derive(Subcommand)]
enum EscrowCmd {
    /// 生成县级托管密钥：私钥写入 FILE（请离线保管），公钥登记在平台上，各乡镇下次同步时用它加密上传密钥
    Keygen {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// 用私钥解开某乡镇托管的密钥，最后一行打印“恢复码：…”（供 hallctl restore --recovery-code）
    Open {
        township: String,
        #[arg(long, value_name = "FILE")]
        identity: PathBuf,
    },
}

#[derive(Subcommand)]
enum TownshipCmd {
    /// 登记乡镇并签发令牌（令牌只打印这一次，是输出的最后一个词）
    Add { code: String, name: String },
    /// 为已登记的乡镇换发令牌，旧令牌立即失效
    Token { code: String },
}

#[derive(Subcommand)]
enum PublishCmd {
    /// 发布文件（JSON，格式与乡镇 hallctl 导入的相同），各乡镇下次同步时导入
    Publish { file: PathBuf },
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("错误：{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let pool = db::pool(&cli.database_url, cli.pool_size as usize)?;
    let mut client = pool.get().await.map_err(|e| format!("无法连接数据库：{e}"))?;
    let applied = migrate::run(&mut client).await.map_err(|e| format!("数据库结构升级失败，未做任何改动：{e}"))?;
    match cli.command {
        None => {
            drop(client);
            let logger = simplelog::WriteLogger::init(
                log::LevelFilter::Info,
                simplelog::ConfigBuilder::new().add_filter_allow_str("county_hub").build(),
                std::io::stderr(),
            );
            logger.expect("the logger is set once");
            log::info!("database ready ({applied} migrations applied)");
            let limiter = NonZeroU32::new(cli.rate_limit).expect("clap keeps it at 1 or more");
            let state = server::AppState { pool, limiter: Arc::new(rate_limit::RateLimiter::new(limiter)) };
            let tls = cli.tls_cert.zip(cli.tls_key);
            rustls::crypto::ring::default_provider().install_default().expect("the crypto provider is set once");
            server::serve(state, cli.listen.expect("clap requires --listen without a subcommand"), tls).await
        }
        Some(Command::Township(TownshipCmd::Add { code, name })) => {
            let token = townships::add(&client, &code, &name).await?;
            println!(
                "已登记乡镇 {} {}。令牌只显示这一次，请交乡镇便民服务中心填入同步设置：",
                code.trim(),
                name.trim()
            );
            println!("{token}");
            Ok(())
        }
        Some(Command::Township(TownshipCmd::Token { code })) => {
            let token = townships::rotate(&client, &code).await?;
            println!("已为乡镇 {} 换发令牌，旧令牌已失效。新令牌只显示这一次：", code.trim());
            println!("{token}");
            Ok(())
        }
        Some(Command::Catalog(PublishCmd::Publish { file })) => {
            println!("{}", publish::catalog(&client, &file).await?);
            Ok(())
        }
        Some(Command::Duties(PublishCmd::Publish { file })) => {
            println!("{}", publish::duties(&client, &file).await?);
            Ok(())
        }
        Some(Command::Calendar(PublishCmd::Publish { file })) => {
            println!("{}", publish::calendar(&client, &file).await?);
            Ok(())
        }
        Some(Command::Escrow(EscrowCmd::Keygen { out })) => {
            let recipient = escrow::keygen(&client, &out).await?;
            println!("已生成县级托管密钥：私钥写入 {}（请离线保管，不要留在本服务器上），公钥已登记：", out.display());
            println!("{recipient}");
            Ok(())
        }
        Some(Command::Escrow(EscrowCmd::Open { township, identity })) => {
            let (fingerprint, at, code) = escrow::open(&client, &township, &identity).await?;
            println!("乡镇 {} 的托管密钥：凭证编号 {fingerprint}，{at} 收到", township.trim());
            println!("恢复码：{code}");
            Ok(())
        }
    }
}
