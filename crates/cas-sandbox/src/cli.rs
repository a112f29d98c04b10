//! Command line: hand-parsed, `--flag value` or `--flag=value`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

pub const USAGE: &str = "usage: cas-sandbox --listen 127.0.0.1:PORT --state-dir DIR [--users N] [--seed S]
                   [--users-file FILE] [--rate-limit R] [--latency-ms MS] [--fail-rate P]
                   [--reset] [--verbose]

  --listen ADDR       loopback address to bind (127.0.0.1:0 picks a free port)
  --state-dir DIR     where sandbox.db and the credential files live (created if missing)
  --users N           generated users on first start (default 200), plus the fixed special users
  --seed S            seed of the generated users and injected failures (default 1)
  --users-file FILE   load exactly these users (JSON array) on first start instead
  --rate-limit R      at most R API requests per second per credential (429 beyond)
  --latency-ms MS     delay every API response by MS milliseconds
  --fail-rate P       answer this share (0..1) of API requests with 500
  --reset             wipe the state directory's database and credentials first
  --verbose           one line per request on stderr";

#[derive(Clone, Debug, PartialEq)]
pub struct Args {
    pub listen: SocketAddr,
    pub state_dir: PathBuf,
    pub users: usize,
    pub seed: u64,
    pub users_file: Option<PathBuf>,
    pub rate_limit: Option<u32>,
    pub latency_ms: u64,
    pub fail_rate: f64,
    pub reset: bool,
    pub verbose: bool,
    /// Hidden: exit when standard input closes (so a test harness never leaks a sandbox).
    pub exit_on_stdin_eof: bool,
}

#[derive(Debug)]
pub enum Parsed {
    Run(Box<Args>),
    Help,
}

fn number<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.trim().parse().map_err(|_| format!("{flag}: \"{v}\" is not a valid number"))
}

pub fn parse(argv: &[String]) -> Result<Parsed, String> {
    let mut listen = None;
    let mut state_dir = None;
    let mut a = Args {
        listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
        state_dir: PathBuf::new(),
        users: 200,
        seed: 1,
        users_file: None,
        rate_limit: None,
        latency_ms: 0,
        fail_rate: 0.0,
        reset: false,
        verbose: false,
        exit_on_stdin_eof: false,
    };
    let mut i = 0;
    while i < argv.len() {
        let arg = argv[i].as_str();
        i += 1;
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg, None),
        };
        match flag {
            "--help" | "-h" => return Ok(Parsed::Help),
            "--reset" | "--verbose" | "--exit-on-stdin-eof" => {
                if inline.is_some() {
                    return Err(format!("{flag} takes no value"));
                }
                match flag {
                    "--reset" => a.reset = true,
                    "--verbose" => a.verbose = true,
                    _ => a.exit_on_stdin_eof = true,
                }
                continue;
            }
            _ => {}
        }
        let value = match inline {
            Some(v) => v,
            None => {
                if !flag.starts_with("--") {
                    return Err(format!("unexpected argument \"{arg}\""));
                }
                let v = argv.get(i).cloned().ok_or_else(|| format!("{flag} needs a value"))?;
                i += 1;
                v
            }
        };
        match flag {
            "--listen" => listen = Some(parse_listen(&value)?),
            "--state-dir" => {
                if value.trim().is_empty() {
                    return Err("--state-dir: empty path".into());
                }
                state_dir = Some(PathBuf::from(value));
            }
            "--users" => {
                a.users = number(flag, &value)?;
                if a.users > 1_000_000 {
                    return Err("--users: at most 1000000".into());
                }
            }
            "--seed" => a.seed = number(flag, &value)?,
            "--users-file" => a.users_file = Some(PathBuf::from(value)),
            "--rate-limit" => {
                let r: u32 = number(flag, &value)?;
                if r == 0 {
                    return Err("--rate-limit: must be at least 1 request per second".into());
                }
                a.rate_limit = Some(r);
            }
            "--latency-ms" => {
                a.latency_ms = number(flag, &value)?;
                if a.latency_ms > 60_000 {
                    return Err("--latency-ms: at most 60000".into());
                }
            }
            "--fail-rate" => {
                a.fail_rate = number(flag, &value)?;
                if !(0.0..=1.0).contains(&a.fail_rate) {
                    return Err("--fail-rate: must be between 0 and 1".into());
                }
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    a.listen = listen.ok_or("--listen is required")?;
    a.state_dir = state_dir.ok_or("--state-dir is required")?;
    Ok(Parsed::Run(Box::new(a)))
}

/// Loopback only: the sandbox is not a real auth server and must never be reachable from
/// another machine.
fn parse_listen(v: &str) -> Result<SocketAddr, String> {
    let v = v.trim();
    let addr: SocketAddr = match v.strip_prefix("localhost:") {
        Some(port) => SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), number("--listen", port)?),
        None => v.parse().map_err(|_| format!("--listen: \"{v}\" is not an address like 127.0.0.1:8080"))?,
    };
    if !addr.ip().is_loopback() {
        return Err(format!("--listen: {} is not a loopback address; the sandbox only listens on 127.0.0.0/8 or [::1]", addr.ip()));
    }
    Ok(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Parsed, String> {
        parse(&s.split_whitespace().map(str::to_string).collect::<Vec<_>>())
    }

    #[test]
    fn parses_and_refuses() {
        let Ok(Parsed::Run(a)) = args("--listen 127.0.0.1:0 --state-dir /tmp/x --users=5 --fail-rate 0.5 --reset") else { panic!() };
        assert_eq!(a.users, 5);
        assert!(a.reset);
        assert_eq!(a.fail_rate, 0.5);
        assert!(args("--listen 0.0.0.0:80 --state-dir x").unwrap_err().contains("loopback"));
        assert!(args("--state-dir x").unwrap_err().contains("--listen"));
        assert!(args("--listen 127.0.0.1:0 --state-dir x --fail-rate 2").is_err());
        assert!(args("--listen 127.0.0.1:0 --state-dir x --bogus 1").is_err());
        assert!(args("--listen 127.0.0.1:0 --state-dir x --users").is_err());
        assert!(args("--listen 127.0.0.1:0 --state-dir x --users -3").is_err());
        assert!(matches!(args("--help"), Ok(Parsed::Help)));
    }
}
