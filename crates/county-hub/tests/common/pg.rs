//! A throwaway PostgreSQL for the tests and the benchmark: `initdb` into a temporary directory,
//! `postgres` on a free loopback port with its unix socket in that directory, stopped on drop.
//!
//! PostgreSQL refuses to run as root, and CI runs as root. Then initdb, pg_ctl and postgres run
//! as an unprivileged user — `postgres` if the machine has one, else `nobody` — through
//! `runuser -u USER --`, and the directory is handed to that user first.
//!
//! A server kept in a `static` is never dropped, so each server also gets a watchdog: a shell
//! loop, in its own process group, that stops the server and removes its directory once the
//! process that started it is gone — after a normal exit, a panic or a kill.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tempfile::TempDir;

/// No waiting for the disk: quick for tests, wrong for measuring.
pub const QUICK: &[&str] = &["fsync=off", "synchronous_commit=off", "full_page_writes=off"];

pub struct Postgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    run_as: Option<String>,
    _dir: TempDir,
}

impl Postgres {
    /// Starts a server with these extra settings (`name=value`), e.g. [`QUICK`].
    pub fn start(settings: &[&str]) -> Postgres {
        let bin = pg_bin_dir();
        let dir = tempfile::Builder::new().prefix("county-hub-pg-").tempdir().expect("a temporary directory");
        let run_as = (run("id", &["-u"]) == "0").then(unprivileged_user);
        if let Some(user) = &run_as {
            let uid = run("id", &["-u", user]).parse().expect("a uid");
            let gid = run("id", &["-g", user]).parse().expect("a gid");
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).expect("the directory handed to the user");
        }
        let data = dir.path().join("data");
        let pg = Postgres { bin, data, port: free_port(), run_as, _dir: dir };
        pg.pg_command("initdb")
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync", "-D"])
            .arg(&pg.data)
            .check("initdb");
        let sock = pg.data.parent().expect("data has a parent").display().to_string();
        let mut options = format!("-p {} -k {sock} -c listen_addresses=127.0.0.1 -c max_connections=300", pg.port);
        for setting in settings {
            options.push_str(" -c ");
            options.push_str(setting);
        }
        pg.pg_command("pg_ctl")
            .args(["-w", "-t", "60", "-l"])
            .arg(pg.data.with_file_name("postgres.log"))
            .arg("-D")
            .arg(&pg.data)
            .args(["-o", &options, "start"])
            .check("pg_ctl start");
        pg.watch();
        pg
    }

    /// Creates an empty database and returns its URL.
    pub fn create_database(&self, name: &str) -> String {
        Command::new(self.bin.join("createdb"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "postgres", name])
            .check("createdb");
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    fn pg_command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        match &self.run_as {
            Some(user) => {
                let mut c = Command::new(runuser());
                c.args(["-u", user, "--"]).arg(program);
                c
            }
            None => Command::new(program),
        }
    }

    fn watch(&self) {
        // Runs in the background of a shell that exits at once, so nobody has to wait for it.
        let script = r#"(while [ -d "/proc/$0" ]; do sleep 0.2; done; "$1" -D "$2" -m immediate stop; rm -rf "$3") </dev/null >/dev/null 2>&1 &"#;
        let dir = self.data.parent().expect("data has a parent");
        let mut c = match &self.run_as {
            Some(user) => {
                let mut c = Command::new(runuser());
                c.args(["-u", user, "--", "sh"]);
                c
            }
            None => Command::new("sh"),
        };
        c.arg("-c")
            .arg(script)
            .arg(std::process::id().to_string())
            .arg(self.bin.join("pg_ctl"))
            .arg(&self.data)
            .arg(dir);
        // Its own process group: a Ctrl-C to the test run must not take the watchdog first.
        std::os::unix::process::CommandExt::process_group(&mut c, 0);
        c.check("the watchdog");
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.pg_command("pg_ctl").args(["-m", "fast", "-w", "-D"]).arg(&self.data).arg("stop").output();
    }
}

/// runuser lives in /usr/sbin, which a plain user's PATH (and a bare CI one) may not hold.
fn runuser() -> PathBuf {
    ["/usr/sbin/runuser", "/sbin/runuser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| "runuser".into())
}

trait Check {
    fn check(&mut self, what: &str);
}

impl Check for Command {
    fn check(&mut self, what: &str) {
        let out = self.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{what} did not start: {e}"));
        assert!(
            out.status.success(),
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn unprivileged_user() -> String {
    let exists = |u: &str| Command::new("id").arg(u).output().is_ok_and(|o| o.status.success());
    ["postgres", "nobody"]
        .into_iter()
        .find(|u| exists(u))
        .expect("a user postgres or nobody to run PostgreSQL as")
        .into()
}

/// The directory of initdb and pg_ctl: the PATH first, then the newest /usr/lib/postgresql/*/bin.
fn pg_bin_dir() -> PathBuf {
    let has_tools = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|d| has_tools(d));
    // On the PATH they are often symlinks; createdb and postgres sit next to the real files.
    if let Some(dir) = on_path {
        let real = dir.join("initdb").canonicalize().expect("initdb resolves");
        return real.parent().expect("initdb has a directory").to_path_buf();
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, d)| has_tools(d))
        .collect();
    versions.sort();
    versions.pop().map(|(_, d)| d).expect("PostgreSQL (initdb, pg_ctl) on the PATH or in /usr/lib/postgresql/*/bin")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("its address").port()
}
