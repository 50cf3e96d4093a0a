//! The real `county-hub` binary: served on a port it picks itself (it prints the address), and
//! run as a command line.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_county-hub");

pub struct Hub {
    child: Child,
    _stdout: BufReader<ChildStdout>,
    /// `http://127.0.0.1:PORT` or `https://…`
    pub url: String,
}

impl Hub {
    pub fn start(database_url: &str, extra: &[&str]) -> Hub {
        let mut child = Command::new(BIN)
            .args(["--database-url", database_url, "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("county-hub starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("county-hub prints its address");
        let url = line
            .split_whitespace()
            .last()
            .unwrap_or_else(|| panic!("county-hub exited: {:?}", child.wait()))
            .to_string();
        Hub { child, _stdout: stdout, url }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn cli(database_url: &str, args: &[&str]) -> Output {
    Command::new(BIN).args(["--database-url", database_url]).args(args).output().expect("county-hub runs")
}

/// Registers a township and returns its token, the last word of the output.
pub fn add_township(database_url: &str, code: &str, name: &str) -> String {
    let out = cli(database_url, &["township", "add", code, name]);
    assert!(out.status.success(), "township add: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8").split_whitespace().last().expect("a token").to_string()
}
