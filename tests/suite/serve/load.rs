//! A bounded load test: a fixed number of 3 KB postings sent to
//! `POST /v1/classify` over 32 keep-alive connections on loopback, within a
//! time limit. It reports requests/s, p50 and p99 latency and the server's
//! memory (run with `--nocapture` to see them) and checks that every request
//! succeeded; it asserts no speed, which depends on the machine and what
//! else it runs. `ROLECHECK_LOAD_REQUESTS` and `ROLECHECK_LOAD_CONNECTIONS`
//! change the load, `ROLECHECK_LOAD_QUERY` adds a query (`top=8`); the
//! README's figures come from a release build with 20,000 requests.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};

use super::server::connect;
use super::Server;

/// Requests sent by default: enough for a stable p99 on a debug build
/// within seconds.
const REQUESTS: usize = 3000;
/// Connections sending at once.
const CONNECTIONS: usize = 32;
/// The whole run must end within this.
const TIME_LIMIT: Duration = Duration::from_secs(180);
/// The size of each posting's text.
const POSTING_BYTES: usize = 3 << 10;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}={v} is not a number"))
        })
        .unwrap_or(default)
}

/// Request bodies: corpus postings, each repeated and cut to 3 KB.
fn bodies() -> Vec<Bytes> {
    let corpus = std::fs::read_to_string("corpus/postings.jsonl").unwrap();
    corpus
        .lines()
        .take(300)
        .map(|line| {
            let posting: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = posting["text"].as_str().unwrap();
            let mut long = String::new();
            while long.len() < POSTING_BYTES {
                long.push_str(text);
                long.push('\n');
            }
            let mut end = POSTING_BYTES;
            while !long.is_char_boundary(end) {
                end -= 1;
            }
            let body = serde_json::json!({"title": posting["title"], "text": &long[..end]});
            Bytes::from(body.to_string())
        })
        .collect()
}

/// One connection's requests until `next` reaches `requests`: their latencies.
async fn connection(
    addr: SocketAddr,
    path: Arc<String>,
    next: Arc<AtomicUsize>,
    requests: usize,
    bodies: Arc<Vec<Bytes>>,
) -> Vec<Duration> {
    let mut sender = connect(addr).await;
    let mut latencies = Vec::new();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= requests {
            return latencies;
        }
        let request = hyper::Request::post(path.as_str())
            .header("host", "load")
            .header("content-type", "application/json")
            .body(Full::new(bodies[i % bodies.len()].clone()))
            .unwrap();
        let started = Instant::now();
        sender.ready().await.unwrap();
        let response = sender.send_request(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        latencies.push(started.elapsed());
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        assert!(body.starts_with(b"{\"title\":"));
    }
}

/// CPU time a process has used (user + system), from `/proc` (Linux, whose
/// clock ticks are hundredths of a second).
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The server's resident memory, in kB (Linux).
fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn load_test_3kb_postings_over_32_connections() {
    let requests = setting("ROLECHECK_LOAD_REQUESTS", REQUESTS);
    let connections = setting("ROLECHECK_LOAD_CONNECTIONS", CONNECTIONS);
    let path = match std::env::var("ROLECHECK_LOAD_QUERY") {
        Ok(query) => format!("/v1/classify?{query}"),
        Err(_) => "/v1/classify".to_string(),
    };
    let path = Arc::new(path);
    let server = Server::start(&[]);
    let bodies = Arc::new(bodies());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let run = |requests: usize| {
        runtime.block_on(async {
            let next = Arc::new(AtomicUsize::new(0));
            let started = Instant::now();
            let tasks: Vec<_> = (0..connections)
                .map(|_| {
                    let (next, bodies) = (Arc::clone(&next), Arc::clone(&bodies));
                    let path = Arc::clone(&path);
                    tokio::spawn(connection(server.addr, path, next, requests, bodies))
                })
                .collect();
            let mut latencies = Vec::with_capacity(requests);
            for task in tasks {
                let left = TIME_LIMIT.saturating_sub(started.elapsed());
                let done = tokio::time::timeout(left, task).await;
                latencies.extend(done.expect("the load ends within its time limit").unwrap());
            }
            (latencies, started.elapsed())
        })
    };
    // Warm up: every worker thread's cache, every connection.
    run(connections * 4);
    let rss_before = rss_kb(server.pid());
    let pid = server.pid().to_string();
    let cpu_before = (cpu_seconds(&pid), cpu_seconds("self"));
    let (mut latencies, elapsed) = run(requests);
    let cpu = |before: Option<f64>, who: &str| match (before, cpu_seconds(who)) {
        (Some(b), Some(a)) => format!("{:.0} µs", (a - b) / requests as f64 * 1e6),
        _ => "?".into(),
    };
    let (server_cpu, client_cpu) = (cpu(cpu_before.0, &pid), cpu(cpu_before.1, "self"));
    let rss_after = rss_kb(server.pid());
    assert_eq!(latencies.len(), requests, "every request answered");
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "load: {requests} requests of {POSTING_BYTES}-byte postings to {path} over {connections} connections in {:.2} s: \
         {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; CPU per request: server {server_cpu}, \
         load generator {client_cpu}; server RSS {} kB before, {} kB after",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3,
        rss_before.map_or("?".into(), |k| k.to_string()),
        rss_after.map_or("?".into(), |k| k.to_string()),
    );
    let (status, log) = server.stop();
    assert!(status.success(), "{status}");
    let answered = log
        .lines()
        .filter(|l| l.starts_with("POST /v1/classify 200 "))
        .count();
    assert_eq!(
        answered,
        requests + connections * 4,
        "one log line per request"
    );
}
