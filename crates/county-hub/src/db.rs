//! The connection pool every request and command draws from. Instances keep no state of their
//! own, so any number of them can share one database (or one PgBouncer in front of it).

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

/// A pool of at most `size` connections to `url` (`postgres://user:password@host:port/db` or
/// the key=value form). A request that waits longer than the timeouts gets a 503, not a hang.
pub fn pool(url: &str, size: usize) -> Result<Pool, String> {
    let config: tokio_postgres::Config = url.parse().map_err(|e| format!("数据库地址无效：{e}"))?;
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(10)))
        .create_timeout(Some(Duration::from_secs(10)))
        .build()
        .map_err(|e| format!("无法建立数据库连接池：{e}"))
}

/// A database failure as the command line reports it.
pub fn db_error(e: tokio_postgres::Error) -> String {
    format!("数据库操作失败：{}", detail(&e))
}

/// The server's own message when there is one; the client error's text says only "db error".
pub fn detail(e: &tokio_postgres::Error) -> String {
    e.as_db_error().map_or_else(|| e.to_string(), ToString::to_string)
}
