//! Command line, through clap. A bad argument is a message and exit code 2 (clap's own code for
//! usage errors), before anything in the state directory is touched.

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

/// A local, single-tenant emulator of RSA's Cloud Administration API. Loopback only.
#[derive(Clone, Debug, PartialEq, Parser)]
// A repeated option takes its last value, as a harness that appends `--listen` expects.
#[command(name = "cas-sandbox", args_override_self = true, disable_version_flag = true)]
pub struct Args {
    /// loopback address to bind (127.0.0.1:0 picks a free port)
    #[arg(long, value_name = "ADDR", value_parser = parse_listen)]
    pub listen: SocketAddr,
    /// where sandbox.db and the credential files live (created if missing)
    #[arg(long, value_name = "DIR", value_parser = parse_dir)]
    pub state_dir: PathBuf,
    /// generated users on first start, plus the fixed special users
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = parse_users)]
    pub users: usize,
    /// seed of the generated users and injected failures
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// load exactly these users (JSON array) on first start instead
    #[arg(long, value_name = "FILE")]
    pub users_file: Option<PathBuf>,
    /// at most R API requests per second per credential (429 beyond)
    #[arg(long, value_name = "R", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit: Option<u32>,
    /// delay every API response by MS milliseconds
    #[arg(long, value_name = "MS", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    pub latency_ms: u64,
    /// answer this share (0..1) of API requests with 500
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_share)]
    pub fail_rate: f64,
    /// wipe the state directory's database and credentials first
    #[arg(long)]
    pub reset: bool,
    /// one line per request on stderr
    #[arg(long)]
    pub verbose: bool,
    /// Exit when standard input closes (so a test harness never leaks a sandbox).
    #[arg(long, hide = true)]
    pub exit_on_stdin_eof: bool,
}

#[derive(Debug)]
pub enum Parsed {
    Run(Box<Args>),
    /// `--help`: the text to print.
    Help(String),
}

/// `argv` without the program name.
pub fn parse(argv: &[String]) -> Result<Parsed, String> {
    match Args::try_parse_from(std::iter::once("cas-sandbox".to_string()).chain(argv.iter().cloned())) {
        Ok(a) => Ok(Parsed::Run(Box::new(a))),
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand) => {
            Ok(Parsed::Help(Args::command().render_help().to_string()))
        }
        Err(e) => Err(e.render().to_string().trim_end().to_string()),
    }
}

/// Loopback only: the sandbox is not a real auth server and must never be reachable from
/// another machine.
fn parse_listen(v: &str) -> Result<SocketAddr, String> {
    let v = v.trim();
    let addr: SocketAddr = match v.strip_prefix("localhost:") {
        Some(port) => SocketAddr::new(
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            port.parse().map_err(|_| format!("\"{port}\" is not a port number"))?,
        ),
        None => v.parse().map_err(|_| format!("\"{v}\" is not an address like 127.0.0.1:8080"))?,
    };
    if !addr.ip().is_loopback() {
        return Err(format!("{} is not a loopback address; the sandbox only listens on 127.0.0.0/8 or [::1]", addr.ip()));
    }
    Ok(addr)
}

fn parse_dir(v: &str) -> Result<PathBuf, String> {
    if v.trim().is_empty() {
        return Err("empty path".into());
    }
    Ok(PathBuf::from(v))
}

fn parse_users(v: &str) -> Result<usize, String> {
    match v.trim().parse::<usize>() {
        Ok(n) if n <= 1_000_000 => Ok(n),
        Ok(_) => Err("at most 1000000".into()),
        Err(_) => Err(format!("\"{v}\" is not a valid number")),
    }
}

fn parse_share(v: &str) -> Result<f64, String> {
    match v.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        Ok(_) => Err("must be between 0 and 1".into()),
        Err(_) => Err(format!("\"{v}\" is not a valid number")),
    }
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
        assert!(args("--listen 127.0.0.1:0 --state-dir x --rate-limit 0").is_err());
        assert!(args("--listen 127.0.0.1:0 --state-dir x --latency-ms 60001").is_err());
        assert!(matches!(args("--help"), Ok(Parsed::Help(h)) if h.contains("--state-dir") && !h.contains("exit-on-stdin-eof")));
        // The last of a repeated option wins.
        let Ok(Parsed::Run(a)) = args("--listen 127.0.0.1:0 --state-dir x --listen localhost:8787 --exit-on-stdin-eof") else { panic!() };
        assert_eq!(a.listen.port(), 8787);
        assert!(a.exit_on_stdin_eof);
    }
}
