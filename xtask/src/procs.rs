//! Child processes: started with our tools on PATH, killed when dropped so a failing test
//! never leaves a sandbox or a server behind.

use crate::Result;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A command with the project's tool folders first on PATH.
pub fn cmd(program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("PATH", crate::setup::tool_path());
    c
}

pub fn run(c: &mut Command) -> Result {
    let status = c.status().map_err(|e| format!("cannot start {:?}: {e}", c.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{:?} {:?} failed ({status})", c.get_program(), c.get_args().collect::<Vec<_>>()))
    }
}

/// Runs and returns stdout; None when the program is missing or fails.
pub fn output(c: &mut Command) -> Option<String> {
    let out = c.stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub struct Child(std::process::Child);

impl Child {
    pub fn spawn(mut c: Command) -> Result<Child> {
        c.spawn().map(Child).map_err(|e| format!("cannot start {:?}: {e}", c.get_program()))
    }

    /// Starts `c` and waits for a stdout line containing `marker`; returns what follows it.
    /// The rest of stdout keeps flowing to ours.
    pub fn spawn_until_line(mut c: Command, marker: &str) -> Result<(Child, String)> {
        c.stdout(Stdio::piped());
        let mut child = c.spawn().map_err(|e| format!("cannot start {:?}: {e}", c.get_program()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let guard = Child(child);
        loop {
            match lines.next() {
                Some(Ok(line)) => {
                    println!("{line}");
                    if let Some(i) = line.find(marker) {
                        let rest = line[i + marker.len()..].to_string();
                        std::thread::spawn(move || {
                            for line in lines.map_while(std::result::Result::ok) {
                                println!("{line}");
                            }
                        });
                        return Ok((guard, rest));
                    }
                }
                _ => return Err(format!("{:?} exited before printing \"{marker}\"", c.get_program())),
            }
        }
    }

    /// The process id (for /proc).
    pub fn id(&self) -> u32 {
        self.0.id()
    }

    /// Waits until `url` answers 200, for at most `secs`; fails at once if the process exits.
    pub fn wait_http(&mut self, url: &str, secs: u64) -> Result {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(secs) {
            if let Some((200, _)) = http_get(url) {
                return Ok(());
            }
            if let Ok(Some(status)) = self.0.try_wait() {
                return Err(format!("the process meant to serve {url} exited ({status})"));
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        Err(format!("{url} did not answer 200 within {secs} s"))
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A server that is started again, as it was, whenever it exits before it is dropped: the
/// browser tests kill the sandbox in the middle of a bulk job (tests/e2e/faults.test.mjs) and
/// the console must go on with the server's state. `restart` is the command that starts it
/// again (its port fixed, its state kept); the current process id is written to `pid_file`
/// at every start, for the tests to find.
pub struct Restarting {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    keeper: Option<std::thread::JoinHandle<()>>,
}

impl Restarting {
    pub fn keep(first: Child, restart: impl Fn() -> Command + Send + 'static, marker: &'static str, pid_file: std::path::PathBuf) -> Restarting {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let keeper = std::thread::spawn(move || {
            let mut current = Some(first);
            while !flag.load(Ordering::Relaxed) {
                let exited = !matches!(current.as_mut().map(|c| c.0.try_wait()), Some(Ok(None)));
                if exited {
                    drop(current.take());
                    match Child::spawn_until_line(restart(), marker) {
                        Ok((c, _)) => {
                            let _ = std::fs::write(&pid_file, c.0.id().to_string());
                            println!("== the sandbox was started again (pid {})", c.0.id());
                            current = Some(c);
                        }
                        Err(e) => eprintln!("xtask: the sandbox could not be started again: {e}"),
                    }
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            // Dropping the child kills it.
            drop(current);
        });
        Restarting { stop, keeper: Some(keeper) }
    }
}

impl Drop for Restarting {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(k) = self.keeper.take() {
            let _ = k.join();
        }
    }
}


pub fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// A GET to one of the servers xtask started on loopback; returns (status, body), whatever
/// the status, or None when nothing answered.
pub fn http_get(url: &str) -> Option<(u16, String)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        // Only loopback is ever asked: an HTTP_PROXY of the environment must not carry it off.
        .proxy(None)
        .build()
        .into();
    let mut res = agent.get(url).call().ok()?;
    let status = res.status().as_u16();
    let body = res.body_mut().read_to_string().unwrap_or_default();
    Some((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn http_get_returns_any_status_and_none_when_nothing_listens() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/missing", listener.local_addr().unwrap());
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let n = s.read(&mut buf).unwrap();
            let request = String::from_utf8_lossy(&buf[..n]).into_owned();
            s.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\nConnection: close\r\n\r\ngone").unwrap();
            request
        });
        assert_eq!(http_get(&url), Some((404, "gone".to_string())));
        assert!(server.join().unwrap().starts_with("GET /missing HTTP/1.1\r\n"));
        let closed = format!("http://127.0.0.1:{}/", free_port().unwrap());
        assert_eq!(http_get(&closed), None);
    }
}
