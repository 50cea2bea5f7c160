//! A fault-injecting HTTP proxy on loopback, in front of a real `leads serve`: the faults the
//! Leads API contract names (429, 5xx, dropped and hanging connections, lost answers), on cue.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the proxy does with the next request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer this status (with a Retry-After of some seconds, if given) without forwarding.
    Status(u16, Option<u64>),
    /// Answer this status with this body, as something between client and platform might (a
    /// proxy's HTML page, plain text, nothing): JSON when it starts with `{`, else HTML.
    Answer(u16, &'static str),
    /// Answer this status, keep the connection open, and never read from it again: a connection
    /// the client must not reuse.
    StatusThenStale(u16),
    /// Close the connection without answering.
    Drop,
    /// Say nothing for this long, then close.
    Hang(Duration),
    /// Forward to the real server and pass its answer back.
    Forward,
    /// Forward, then drop the answer: the server did the work, the client never hears of it.
    ForwardThenDrop,
    /// Forward, then say nothing for this long: the server did the work and the client waits.
    ForwardThenHang(Duration),
}

/// A request as the proxy saw it: its request line and its Idempotency-Key.
type Seen = (String, Option<String>);

pub struct Proxy {
    pub url: String,
    /// Every request, in order.
    seen: Arc<Mutex<Vec<Seen>>>,
    /// The faults still to serve, in order.
    faults: Arc<Mutex<VecDeque<Fault>>>,
    /// What happens once the listed faults are used up (Forward unless changed).
    after: Arc<Mutex<Fault>>,
    /// How many requests reached the real server.
    forwarded: Arc<AtomicUsize>,
}

impl Proxy {
    /// Serves the faults in order, then forwards everything.
    pub fn start(upstream: &str, faults: Vec<Fault>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.trim_start_matches("http://").to_string();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let faults = Arc::new(Mutex::new(VecDeque::from(faults)));
        let queue = Arc::clone(&faults);
        let after = Arc::new(Mutex::new(Fault::Forward));
        let forwarded = Arc::new(AtomicUsize::new(0));
        let (then, count) = (Arc::clone(&after), Arc::clone(&forwarded));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some((head, request)) = read_request(&mut stream) else {
                    continue;
                };
                let key = head.lines().find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("idempotency-key:")
                        .map(|k| k.trim().to_string())
                });
                log.lock()
                    .unwrap()
                    .push((head.lines().next().unwrap_or("").to_string(), key));
                let next = queue.lock().unwrap().pop_front();
                let fault = next.unwrap_or_else(|| then.lock().unwrap().clone());
                let (upstream, count) = (upstream.clone(), Arc::clone(&count));
                // The fault is chosen in arrival order; each connection is then served on its own
                // thread, so a hanging one holds up nothing else.
                std::thread::spawn(move || {
                    let forward = |request: &[u8]| {
                        let answer = forward(&upstream, request);
                        count.fetch_add(1, Ordering::SeqCst);
                        answer
                    };
                    match fault {
                        Fault::Status(code, retry_after) => {
                            let extra = retry_after
                                .map_or(String::new(), |s| format!("Retry-After: {s}\r\n"));
                            let body =
                                r#"{"error":{"code":"injected","message":"injected fault"}}"#;
                            let _ = write!(
                                stream,
                                "HTTP/1.1 {code} Injected\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                                body.len()
                            );
                        }
                        Fault::Answer(code, body) => {
                            let kind = if body.starts_with('{') {
                                "application/json"
                            } else {
                                "text/html"
                            };
                            let _ = write!(
                                stream,
                                "HTTP/1.1 {code} Injected\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                                body.len()
                            );
                        }
                        Fault::StatusThenStale(code) => {
                            let body =
                                r#"{"error":{"code":"injected","message":"injected fault"}}"#;
                            // No `Connection: close`: HTTP/1.1 keeps it alive, so a client may
                            // pool it; whatever it sends on it later is never read.
                            let _ = write!(
                                stream,
                                "HTTP/1.1 {code} Injected\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                                body.len()
                            );
                            let _ = stream.flush();
                            std::thread::sleep(Duration::from_secs(60));
                        }
                        Fault::Drop => {}
                        Fault::Hang(d) => std::thread::sleep(d),
                        Fault::Forward => {
                            let answer = forward(&request);
                            let _ = stream.write_all(&answer);
                        }
                        Fault::ForwardThenDrop => {
                            let _ = forward(&request);
                        }
                        Fault::ForwardThenHang(d) => {
                            let _ = forward(&request);
                            std::thread::sleep(d);
                        }
                    }
                });
            }
        });
        Proxy {
            url,
            seen,
            faults,
            after,
            forwarded,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// What every later request gets: `Fault::Drop` takes the server "down", `Fault::Forward`
    /// brings it back.
    pub fn then(&self, fault: Fault) {
        *self.after.lock().unwrap() = fault;
    }

    /// Serves these to the next requests, before falling back to what `then` set.
    pub fn next(&self, faults: Vec<Fault>) {
        self.faults.lock().unwrap().extend(faults);
    }

    pub fn forwarded(&self) -> usize {
        self.forwarded.load(Ordering::SeqCst)
    }
}

/// One HTTP/1.1 request: its head as text and all its bytes (rewritten to close the connection).
fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let end = line == "\r\n";
        if !line.to_ascii_lowercase().starts_with("connection:") {
            head.push_str(&line);
        }
        if end {
            break;
        }
    }
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .and_then(|n| n.trim().parse().ok())
        })
        .unwrap_or(0usize);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let head_closed = head.replacen("\r\n", "\r\nConnection: close\r\n", 1);
    let mut bytes = head_closed.into_bytes();
    bytes.extend_from_slice(&body);
    Some((head, bytes))
}

fn forward(upstream: &str, request: &[u8]) -> Vec<u8> {
    let mut conn = TcpStream::connect(upstream).unwrap();
    conn.write_all(request).unwrap();
    let mut answer = Vec::new();
    conn.read_to_end(&mut answer).unwrap();
    answer
}
