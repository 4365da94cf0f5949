//! `rolecheck serve` driven over HTTP: the real binary started on
//! `127.0.0.1:0`, its port read from the line it prints, every route and
//! every error status asked for, the answers compared with what the CLI
//! prints for the same input, the limits pushed, and a bounded load test
//! (`load.rs`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{json, Value};

use crate::common::{rolecheck, temp_dir};

mod load;
mod server;

use server::{connect, read, runtime, Server};

const SAMPLE: &str = "corpus/samples/product-manager-assurance.txt";
const DUMP: &str = "corpus/samples/dump.jsonl";
/// A posting in a language rolecheck does not read.
const SPANISH: &str = "Buscamos un Product Owner para nuestro equipo de pagos en Madrid. Serás responsable del backlog, trabajarás con los desarrolladores y con las áreas de negocio para priorizar las historias de usuario.";
const JSON: (&str, &str) = ("content-type", "application/json");
const NDJSON: (&str, &str) = ("content-type", "application/x-ndjson");

fn sample() -> String {
    std::fs::read_to_string(SAMPLE).unwrap()
}

/// What `rolecheck ARGS…` prints on stdout.
fn cli(args: &[&str]) -> Vec<u8> {
    let o = rolecheck(args, None);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

#[test]
fn classify_answers_what_classify_json_prints() {
    let server = Server::start(&[]);
    let title = "Product Manager (H/F)";
    let body = json!({"title": title, "text": sample()}).to_string();
    let a = server.call("POST", "/v1/classify", &[JSON], body.clone());
    assert_eq!(a.status, 200);
    assert_eq!(a.headers["content-type"], "application/json");
    let printed = cli(&["classify", SAMPLE, "--title", title, "--json"]);
    assert_eq!(
        a.body,
        printed.trim_ascii_end(),
        "the same bytes as the CLI"
    );
    assert_eq!(a.json()["backlog_manager"], true);
    // The CLI's options under the same names, `top` trimming the terms alike.
    let a = server.call(
        "POST",
        "/v1/classify?top=3&min_confidence=0.99",
        &[JSON],
        body,
    );
    let printed = cli(&[
        "classify",
        SAMPLE,
        "--title",
        title,
        "--json",
        "--top",
        "3",
        "--min-confidence",
        "0.99",
    ]);
    assert_eq!(a.body, printed.trim_ascii_end());
    let terms = a.json()["terms"].as_array().unwrap().len();
    assert!((1..=6).contains(&terms), "{terms} terms");
    // HTML stripped as the CLI strips it; no title.
    let html = "<p>Vous gérez le <b>backlog</b> &amp; animez les rituels Scrum.</p>";
    let a = server.call(
        "POST",
        "/v1/classify",
        &[("content-type", "application/json; charset=utf-8")],
        json!({"text": html}).to_string(),
    );
    assert_eq!(
        a.body,
        cli(&["classify", "--text", html, "--json"]).trim_ascii_end()
    );
}

#[test]
fn batch_answers_in_order_with_each_bad_item_its_own_error() {
    let server = Server::start(&[]);
    let po = "Vous gérez le backlog, rédigez les user stories et animez les rituels Scrum avec les développeurs.";
    let items = json!([
        {"id": "a", "title": "Product Manager", "text": sample()},
        {"id": 2, "text": 5},
        {"id": "c", "text": "<p> </p>"},
        {"text": SPANISH},
        "not a posting",
        {"id": "f", "title": null, "text": po},
    ]);
    let a = server.call("POST", "/v1/classify/batch", &[JSON], items.to_string());
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    let entries = a.json();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 6, "one entry per item");
    let ids: Vec<&Value> = entries.iter().map(|e| &e["id"]).collect();
    assert_eq!(
        ids,
        [
            &json!("a"),
            &json!(2),
            &json!("c"),
            &Value::Null,
            &Value::Null,
            &json!("f")
        ]
    );
    let codes: Vec<&Value> = entries.iter().map(|e| &e["error"]["code"]).collect();
    assert_eq!(
        codes[1..5],
        [
            &json!("invalid_posting"),
            &json!("empty_text"),
            &json!("unsupported_language"),
            &json!("invalid_posting")
        ]
    );
    // A good item's verdict is the one /v1/classify gives, after its id.
    for (entry, posting) in [(&entries[0], &items[0]), (&entries[5], &items[5])] {
        let alone = server.call("POST", "/v1/classify", &[JSON], posting.to_string());
        let mut entry = entry.clone();
        entry.as_object_mut().unwrap().remove("id");
        assert_eq!(entry, alone.json());
    }
    assert!(String::from_utf8_lossy(&a.body)
        .starts_with("[{\"id\":\"a\",\"title\":\"Product Manager\","));
}

#[test]
fn audit_streams_exactly_what_the_cli_writes() {
    let server = Server::start(&[]);
    let dump = std::fs::read(DUMP).unwrap();
    let a = server.call("POST", "/v1/audit", &[NDJSON], dump.clone());
    assert_eq!(a.status, 200);
    assert_eq!(a.headers["content-type"], "application/x-ndjson");
    assert_eq!(
        a.body,
        cli(&["audit", DUMP]),
        "byte-equal to `rolecheck audit`"
    );
    // Gzip, and the audit's options under the CLI's names.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&dump).unwrap();
    let gz = gz.finish().unwrap();
    let path = "/v1/audit?only_flagged=true&line_offset=100&min_confidence=0.95&force_lang=fr";
    let a = server.call("POST", path, &[NDJSON, ("content-encoding", "gzip")], gz);
    let flags = [
        "--only-flagged",
        "--line-offset",
        "100",
        "--min-confidence",
        "0.95",
        "--force-lang",
        "fr",
    ];
    assert_eq!(a.body, cli(&[&["audit", DUMP][..], &flags].concat()));
    // CSV and a JSON array, as the CLI reads them.
    let dir = temp_dir("serve-audit");
    let records: Vec<Value> = dump
        .split(|&b| b == b'\n')
        .filter_map(|l| serde_json::from_slice(l).ok())
        .collect();
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(["id", "title", "description"]).unwrap();
    for r in &records {
        let field = |k: &str| r[k].as_str().unwrap_or("").to_string();
        csv.write_record([field("id"), field("title"), field("description")])
            .unwrap();
    }
    let csv = csv.into_inner().unwrap();
    std::fs::write(dir.join("dump.csv"), &csv).unwrap();
    let a = server.call("POST", "/v1/audit", &[("content-type", "text/csv")], csv);
    assert_eq!(
        a.body,
        cli(&["audit", dir.join("dump.csv").to_str().unwrap()])
    );
    let array = serde_json::to_vec_pretty(&records).unwrap();
    std::fs::write(dir.join("dump.json"), &array).unwrap();
    let a = server.call("POST", "/v1/audit", &[JSON], array);
    assert_eq!(
        a.body,
        cli(&["audit", dir.join("dump.json").to_str().unwrap()])
    );
}

#[test]
fn every_error_is_json_with_its_status() {
    let server = Server::start(&["--max-body", "64K"]);
    let classify = |headers: &[(&str, &str)], body: &str| {
        server.call("POST", "/v1/classify", headers, body.to_string())
    };
    let m =
        classify(&[JSON], "{\"title\": \"PM\",\n \"text\": \"abc\" oops}").error(400, "bad_json");
    assert!(m.contains("line 2 column"), "{m}");
    let m = classify(&[JSON], r#"{"text": "abc"#).error(400, "bad_json");
    assert!(m.contains("EOF") && m.contains("column 13"), "{m}");
    classify(&[JSON], &"x".repeat(70_000)).error(413, "too_large");
    classify(&[("content-type", "text/plain")], r#"{"text": "abc"}"#)
        .error(415, "unsupported_media_type");
    classify(&[], r#"{"text": "abc"}"#).error(415, "unsupported_media_type");
    classify(&[JSON, ("content-encoding", "gzip")], r#"{"text": "abc"}"#)
        .error(415, "unsupported_media_type");
    classify(&[JSON], r#"{"text": "  <br> "}"#).error(422, "empty_text");
    classify(&[JSON], r#"{"title": "PM"}"#).error(422, "invalid_posting");
    classify(&[JSON], r#"{"text": ["a"]}"#).error(422, "invalid_posting");
    let m =
        classify(&[JSON], &json!({"text": SPANISH}).to_string()).error(422, "unsupported_language");
    assert!(m.contains("`es`"), "{m}");
    for (query, name) in [
        ("top=x", "top"),
        ("min_confidence=2", "min_confidence"),
        ("force_lang=de", "force_lang"),
        ("colour=1", "colour"),
    ] {
        let m = server
            .call(
                "POST",
                &format!("/v1/classify?{query}"),
                &[JSON],
                r#"{"text": "a"}"#,
            )
            .error(400, "bad_query");
        assert!(m.contains(&format!("`{name}`")), "{m}");
    }
    let many = serde_json::to_string(&vec![json!({"text": "a"}); 1001]).unwrap();
    server
        .call("POST", "/v1/classify/batch", &[JSON], many)
        .error(413, "too_many_items");
    server
        .call("POST", "/v1/classify/batch", &[JSON], r#"{"text": "a"}"#)
        .error(422, "invalid_batch");
    server
        .call("POST", "/v1/audit", &[("content-type", "text/plain")], "x")
        .error(415, "unsupported_media_type");
    server
        .call(
            "POST",
            "/v1/audit",
            &[NDJSON, ("content-encoding", "br")],
            "x",
        )
        .error(415, "unsupported_media_type");
    server
        .call(
            "POST",
            "/v1/audit",
            &[("content-type", "text/csv")],
            "title,company\nA,B\n",
        )
        .error(422, "invalid_dump");
    server
        .call("POST", "/v1/audit?only_flagged=maybe", &[NDJSON], "")
        .error(400, "bad_query");
    server
        .call("GET", "/v2/classify", &[], "")
        .error(404, "not_found");
    server
        .call("GET", "/v1/classify", &[], "")
        .error(405, "method_not_allowed");
    server
        .call("DELETE", "/v1/model", &[], "")
        .error(405, "method_not_allowed");
}

#[test]
fn model_health_metrics_and_the_openapi_document() {
    let server = Server::start(&[]);
    let model = server.call("GET", "/v1/model", &[], "").json();
    assert_eq!(model["roles"].as_array().unwrap().len(), 7);
    assert_eq!(
        model["roles"][1],
        json!({"id": "po", "name": "Product Owner"})
    );
    assert_eq!(model["sha256"].as_str().unwrap().len(), 64);
    assert!(model["threshold"].as_f64().unwrap() > 0.5);
    assert!(model["cv"]["macro_f1"].as_f64().unwrap() > 0.9);
    assert_eq!(
        server.call("GET", "/healthz", &[], "").json(),
        json!({"status": "ok"})
    );
    let openapi = server.call("GET", "/openapi.json", &[], "").json();
    assert_eq!(openapi["info"]["version"], env!("CARGO_PKG_VERSION"));
    // Every documented route answers (not 404 or 405), and every schema
    // reference resolves.
    for (path, operations) in openapi["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            let a = server.call(&method.to_uppercase(), path, &[JSON], "{}");
            assert!(
                ![404, 405].contains(&a.status),
                "{method} {path}: {}",
                a.status
            );
        }
    }
    let text = openapi.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &reference[..reference.find('"').unwrap()];
        assert!(
            openapi["components"]["schemas"].get(name).is_some(),
            "no schema {name}"
        );
    }
    let body = json!({"title": "Senior Product Manager", "text": sample()}).to_string();
    server.call("POST", "/v1/classify", &[JSON], body);
    let metrics = server.call("GET", "/metrics", &[], "");
    assert!(metrics.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let metrics = String::from_utf8(metrics.body).unwrap();
    for line in [
        "rolecheck_http_requests_total{route=\"/v1/classify\",status=\"200\"} 1",
        // Asked twice: above, and with the documented routes.
        "rolecheck_http_requests_total{route=\"/v1/model\",status=\"200\"} 2",
        "rolecheck_http_requests_total{route=\"/v1/classify\",status=\"422\"} 1",
        "rolecheck_http_request_duration_seconds_count{route=\"/v1/classify\"} 2",
        "rolecheck_verdicts_total{role=\"po\"} 1",
        "rolecheck_backlog_managers_total 1",
        "# TYPE rolecheck_http_request_duration_seconds histogram",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "no `{line}` in\n{metrics}"
        );
    }
}

/// Opens a connection and sends a request whose body never comes whole.
fn stalled(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(b"POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"text\"")
        .unwrap();
    s
}

/// The status line of what the server sends on `s`, or "" if it closes.
fn status_line(s: &mut TcpStream) -> String {
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

#[test]
fn a_full_server_answers_503_and_a_slow_client_408() {
    let server = Server::start(&["--workers", "1", "--timeout", "2"]);
    // 32 requests in flight per worker: hold them all with bodies that stall.
    let mut held: Vec<TcpStream> = (0..32).map(|_| stalled(server.addr)).collect();
    std::thread::sleep(Duration::from_millis(500));
    let m = server
        .call("POST", "/v1/classify", &[JSON], r#"{"text": "a"}"#)
        .error(503, "saturated");
    assert!(m.contains("retry"), "{m}");
    // Monitoring still answers.
    assert_eq!(server.call("GET", "/healthz", &[], "").status, 200);
    assert_eq!(server.call("GET", "/metrics", &[], "").status, 200);
    // The stalled ones time out with 408 and free their places.
    let started = Instant::now();
    for s in &mut held {
        assert!(status_line(s).starts_with("HTTP/1.1 408"));
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        server
            .call(
                "POST",
                "/v1/classify",
                &[JSON],
                r#"{"text": "Vous gérez le backlog."}"#
            )
            .status,
        200
    );
    // Headers that never end: the connection is closed after the timeout.
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let started = Instant::now();
    assert_eq!(status_line(&mut s), "");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn sigterm_lets_the_requests_in_flight_finish_and_every_request_is_logged() {
    let server = Server::start(&[]);
    let dump = std::fs::read(DUMP).unwrap();
    let (first, rest) = dump.split_at(dump.len() / 2);
    let addr = server.addr;
    let rt = runtime();
    let answer = rt.block_on(async {
        let mut sender = connect(addr).await;
        let (mut tx, body) =
            http_body_util::channel::Channel::<Bytes, std::convert::Infallible>::new(4);
        let request = hyper::Request::post("/v1/audit")
            .header("host", "x")
            .header("content-type", "application/x-ndjson")
            .header("content-length", dump.len())
            .body(body)
            .unwrap();
        let response = tokio::spawn(sender.send_request(request));
        tx.send_data(Bytes::copy_from_slice(first)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        server.terminate();
        tokio::time::sleep(Duration::from_millis(300)).await;
        tx.send_data(Bytes::copy_from_slice(rest)).await.unwrap();
        drop(tx);
        read(response.await.unwrap().unwrap()).await
    });
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.body,
        cli(&["audit", DUMP]),
        "the audit in flight finished"
    );
    let (status, log) = server.wait();
    assert!(status.success(), "{status}: {log}");
    let requests: Vec<&str> = log
        .lines()
        .filter(|l| !l.starts_with("rolecheck:"))
        .collect();
    assert_eq!(requests.len(), 1, "{log}");
    let fields: Vec<&str> = requests[0].split(' ').collect();
    assert_eq!(fields[..3], ["POST", "/v1/audit", "200"], "{log}");
    assert!(
        fields[3].parse::<f64>().unwrap() >= 300.0 && fields[4] == "ms",
        "{log}"
    );
}
