//! `rolecheck audit` on good and bad dumps: one line per record, always, in order.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{rolecheck, temp_dir};

fn dir(name: &str) -> PathBuf {
    temp_dir(&format!("audit-{name}"))
}

fn lines(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(o.stdout.clone())
        .expect("output is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
        .collect()
}

const PO_BODY: &str = "Vous gérez le backlog, rédigez les user stories et les critères d'acceptation, animez les cérémonies Scrum et faites la recette avant chaque mise en production.";
const PM_BODY: &str = "You talk to customers every week, frame the problems worth solving, set the product vision and strategy and measure the impact of what ships with OKRs.";

fn good(id: &str, title: &str, body: &str) -> String {
    serde_json::json!({"id": id, "title": title, "description": body, "company": "Acme"})
        .to_string()
}

/// Audits `dump` (written to a file named `name`) and checks that every line
/// is accounted for: `expect[i]` is `Ok(())` for a verdict, `Err(fragment)`
/// for an error whose message contains `fragment`.
fn check(name: &str, dump: &[u8], expect: &[Result<(), &str>], status: i32) {
    let d = dir(name
        .trim_end_matches(".gz")
        .trim_end_matches(".jsonl")
        .trim_end_matches(".csv"));
    let path = d.join(name);
    std::fs::write(&path, dump).unwrap();
    let o = rolecheck(&["audit", path.to_str().unwrap()], None);
    assert_eq!(
        o.status.code(),
        Some(status),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = lines(&o);
    assert_eq!(
        out.len(),
        expect.len(),
        "one output line per record: {out:#?}"
    );
    for (v, e) in out.iter().zip(expect) {
        match e {
            Ok(()) => assert!(v["role"].is_string() && v.get("error").is_none(), "{v}"),
            Err(fragment) => {
                let msg = v["error"]
                    .as_str()
                    .unwrap_or_else(|| panic!("expected an error: {v}"));
                assert!(
                    msg.contains(fragment),
                    "{msg:?} should contain {fragment:?}"
                );
            }
        }
    }
    let lines: Vec<u64> = out.iter().map(|v| v["line"].as_u64().unwrap()).collect();
    assert!(
        lines.windows(2).all(|w| w[0] < w[1]),
        "in input order: {lines:?}"
    );
    std::fs::remove_dir_all(&d).ok();
}

fn jsonl(records: &[String]) -> Vec<u8> {
    records.join("\n").into_bytes()
}

#[test]
fn malformed_json_line() {
    let dump = jsonl(&[
        good("a", "PM", PM_BODY),
        "{\"id\": \"b\", \"title\": \"PO\"".into(),
        good("c", "PO", PO_BODY),
    ]);
    check(
        "malformed.jsonl",
        &dump,
        &[Ok(()), Err("not valid JSON"), Ok(())],
        1,
    );
}

#[test]
fn invalid_utf8_line() {
    let mut dump = jsonl(&[good("a", "PM", PM_BODY)]);
    dump.extend_from_slice(b"\n{\"id\": \"b\", \"description\": \"caf\xe9\"}\n");
    dump.extend_from_slice(good("c", "PO", PO_BODY).as_bytes());
    check("utf8.jsonl", &dump, &[Ok(()), Err("not UTF-8"), Ok(())], 1);
}

#[test]
fn missing_and_null_fields() {
    let dump = jsonl(&[
        "{\"id\": \"a\", \"title\": \"PM\"}".into(),
        "{\"id\": \"b\", \"title\": \"PM\", \"description\": null}".into(),
        good("c", "PO", PO_BODY),
    ]);
    check(
        "missing.jsonl",
        &dump,
        &[Err("no description"), Err("`description` is null"), Ok(())],
        1,
    );
}

#[test]
fn number_where_text_is_expected() {
    let dump = jsonl(&[
        serde_json::json!({"id": 7, "title": 42, "description": PO_BODY}).to_string(),
        serde_json::json!({"id": 8, "title": "PO", "description": 3.5}).to_string(),
        good("c", "PO", PO_BODY),
    ]);
    check(
        "number.jsonl",
        &dump,
        &[
            Err("`title` is a number"),
            Err("`description` is a number"),
            Ok(()),
        ],
        1,
    );
}

#[test]
fn numeric_ids_are_kept_on_verdicts_and_errors_regression() {
    // A number id was read for error lines but dropped from verdicts.
    let dump = jsonl(&[
        serde_json::json!({"id": 41, "title": "PO", "description": PO_BODY}).to_string(),
        serde_json::json!({"id": 42, "title": "PO", "description": ""}).to_string(),
    ]);
    let d = dir("numid");
    let path = d.join("n.jsonl");
    std::fs::write(&path, dump).unwrap();
    let out = lines(&rolecheck(&["audit", path.to_str().unwrap()], None));
    assert_eq!(out[0]["id"], "41");
    assert_eq!(out[1]["id"], "42");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn empty_description() {
    let dump = jsonl(&[
        good("a", "PM", "   "),
        good("b", "PM", "<p></p>"),
        good("c", "PO", PO_BODY),
    ]);
    check(
        "empty.jsonl",
        &dump,
        &[Err("empty description"), Err("empty description"), Ok(())],
        1,
    );
}

#[test]
fn five_megabyte_description() {
    let big = PO_BODY.repeat(5 * 1024 * 1024 / PO_BODY.len() + 1);
    let dump = jsonl(&[
        good("a", "PM", PM_BODY),
        good("big", "Product Manager", &big),
        good("c", "PO", PO_BODY),
    ]);
    check("big.jsonl", &dump, &[Ok(()), Ok(()), Ok(())], 0);
}

#[test]
fn csv_with_quotes_newlines_and_a_short_row() {
    let csv = format!(
        "id,title,description,company\n\
         a,\"Product Manager, Paiements\",\"{}\",Acme\n\
         b,\"Le \"\"PO\"\" du mois\",\"Première ligne\n{}\",Acme\n\
         c,Scrum Master\n\
         d,PO,\"{}\",Acme\n",
        PM_BODY, PO_BODY, PO_BODY
    );
    let d = dir("csv");
    let path = d.join("dump.csv");
    std::fs::write(&path, &csv).unwrap();
    let o = rolecheck(&["audit", path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    let out = lines(&o);
    assert_eq!(out.len(), 4);
    assert_eq!(out[0]["title"], "Product Manager, Paiements");
    assert_eq!(out[1]["title"], "Le \"PO\" du mois");
    assert_eq!(out[1]["role"], "po");
    assert_eq!(
        out[2]["line"], 5,
        "the short row starts on line 5 (the quoted field spans two)"
    );
    assert!(out[2]["error"]
        .as_str()
        .unwrap()
        .contains("row has 2 fields, the header has 4"));
    assert_eq!(out[3]["id"], "d");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn truncated_gzip_stream() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..200 {
        writeln!(
            gz,
            "{}",
            good(
                &format!("p{i}"),
                "Product Manager",
                if i % 2 == 0 { PO_BODY } else { PM_BODY }
            )
        )
        .unwrap();
    }
    let full = gz.finish().unwrap();
    let cut = &full[..full.len() * 2 / 3];
    let d = dir("gz");
    let path = d.join("dump.jsonl.gz");
    std::fs::write(&path, cut).unwrap();
    let o = rolecheck(&["audit", path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    let out = lines(&o);
    let last = out.last().unwrap();
    assert!(
        last["error"].as_str().unwrap().contains("input ends early"),
        "{last}"
    );
    let verdicts = out.iter().filter(|v| v["role"].is_string()).count();
    assert!(
        verdicts > 50 && verdicts < 200,
        "{verdicts} records before the cut got verdicts"
    );
    assert!(out[..out.len() - 1].iter().all(|v| v["role"].is_string()));
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn whole_gzip_dump_reads_like_the_plain_one() {
    let plain = jsonl(&[
        good("a", "PM", PM_BODY),
        good("b", "Product Manager", PO_BODY),
    ]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let d = dir("gzok");
    std::fs::write(d.join("d.jsonl"), &plain).unwrap();
    std::fs::write(d.join("d.jsonl.gz"), gz.finish().unwrap()).unwrap();
    let a = rolecheck(&["audit", d.join("d.jsonl").to_str().unwrap()], None);
    let b = rolecheck(&["audit", d.join("d.jsonl.gz").to_str().unwrap()], None);
    assert_eq!(a.stdout, b.stdout);
    assert!(a.status.success());
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn empty_file() {
    let d = dir("emptyfile");
    let path = d.join("empty.jsonl");
    std::fs::write(&path, b"").unwrap();
    let o = rolecheck(&["audit", path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no records"));
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn binary_garbage_between_records() {
    let mut dump = good("a", "PM", PM_BODY).into_bytes();
    dump.extend_from_slice(b"\n\x00\x01\x02\xff\xfe garbage \x7f\n{\"id\": \"c\", \"title\": \"PO\", \"description\": \"");
    dump.extend_from_slice(PO_BODY.as_bytes());
    dump.extend_from_slice(b"\"}\n");
    check(
        "garbage.jsonl",
        &dump,
        &[Ok(()), Err("not UTF-8"), Ok(())],
        1,
    );
}

#[test]
fn bom_crlf_and_stdin() {
    let dump = format!(
        "\u{feff}{}\r\n{}\r\n",
        good("a", "PM", PM_BODY),
        good("b", "PO", PO_BODY)
    );
    let o = rolecheck(&["audit", "-"], Some(dump.as_bytes()));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = lines(&o);
    assert_eq!(out.len(), 2);
    assert_eq!(out[0]["id"], "a");
}

#[test]
fn missing_file_and_missing_column_cannot_start() {
    let o = rolecheck(&["audit", "/nonexistent/dump.jsonl"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/dump.jsonl"));
    let d = dir("nocol");
    let path = d.join("x.csv");
    std::fs::write(&path, "id,title\n1,PM\n").unwrap();
    let o = rolecheck(&["audit", path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no description column"));
    std::fs::remove_dir_all(&d).ok();
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/samples/dump.jsonl")
}

#[test]
fn three_shards_concatenate_to_one_run() {
    let whole = std::fs::read_to_string(sample()).unwrap();
    let all = rolecheck(&["audit", sample().to_str().unwrap()], None);
    let rows: Vec<&str> = whole.split_inclusive('\n').collect();
    let d = dir("shards");
    let mut concatenated = Vec::new();
    let mut offset = 0;
    for (i, part) in rows.chunks(rows.len().div_ceil(3)).enumerate() {
        let path = d.join(format!("shard{i}.jsonl"));
        std::fs::write(&path, part.concat()).unwrap();
        let o = rolecheck(
            &[
                "audit",
                path.to_str().unwrap(),
                "--line-offset",
                &offset.to_string(),
            ],
            None,
        );
        concatenated.extend_from_slice(&o.stdout);
        offset += part.len();
    }
    assert_eq!(
        String::from_utf8(concatenated).unwrap(),
        String::from_utf8(all.stdout).unwrap()
    );
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn sample_dump_flags_its_backlog_managers_and_reports_them() {
    let d = dir("report");
    let report = d.join("audit.html");
    let csv = d.join("verdicts.csv");
    let o = rolecheck(
        &[
            "audit",
            sample().to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
            "-o",
            csv.to_str().unwrap(),
            "--format",
            "csv",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "the sample has bad records");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("16 records read: 12 verdicts, 4 unreadable"),
        "{stderr}"
    );
    let rows = std::fs::read_to_string(&csv).unwrap();
    let mut reader = csv::Reader::from_reader(rows.as_bytes());
    let header = reader.headers().unwrap().clone();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 16);
    // Every row has every column, both readings among them.
    let duty = header.iter().position(|h| h == "duty_role").unwrap();
    assert!(records.iter().all(|r| r.len() == header.len()));
    assert!(records.iter().any(|r| r[duty] == *"po"));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
    // Self-contained: one inline script (the report's own), no external asset.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("<script>// rolecheck report: sorting and filtering."));
    assert!(!html.contains(" src=") && !html.contains("http://") && !html.contains("https://"));
    assert!(
        html.contains("Groupe Verlaine Assurances"),
        "companies with flagged postings are listed"
    );
    assert!(html.contains("<mark class=\"po\">"));
    let flagged = rolecheck(
        &["audit", sample().to_str().unwrap(), "--only-flagged"],
        None,
    );
    for v in lines(&flagged) {
        assert!(
            v["backlog_manager"] == true || v["error"].is_string(),
            "{v}"
        );
    }
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn report_escapes_hostile_postings() {
    let hostile = serde_json::json!({
        "id": "x", "company": "<img src=x onerror=alert(1)>",
        "title": "Product Manager <script>alert('t')</script>",
        "description": format!("{PO_BODY} <script>alert(1)</script> &lt;b&gt;")
    })
    .to_string();
    let d = dir("hostile");
    let path = d.join("h.jsonl");
    std::fs::write(&path, hostile).unwrap();
    let report = d.join("r.html");
    let o = rolecheck(
        &[
            "audit",
            path.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success());
    let html = std::fs::read_to_string(&report).unwrap();
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the report's own script"
    );
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("&lt;script&gt;") || html.contains("&lt;img"));
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn every_line_carries_both_readings_and_unsure_verdicts_are_counted_apart() {
    let d = dir("unsure");
    let path = d.join("d.jsonl");
    let dump = format!(
        "{}\n{}\n{}\n",
        good("1", "Product Manager", PO_BODY),
        good("2", "", "Vous rejoignez une équipe produit à Lyon."),
        good("3", "Senior PM", PM_BODY),
    );
    std::fs::write(&path, dump).unwrap();
    let plain = lines(&rolecheck(&["audit", path.to_str().unwrap()], None));
    assert!(plain.iter().all(|v| v["unsure"] == false));
    // A flagged backlog manager: its role is po, and so are its duties.
    assert_eq!(plain[0]["backlog_manager"], true);
    assert_eq!(plain[0]["role"], "po");
    assert_eq!(plain[0]["duty_role"], "po");
    // Ask for a confidence between the lowest and the highest given.
    let conf: Vec<f64> = plain
        .iter()
        .map(|v| v["confidence"].as_f64().unwrap())
        .collect();
    let (lo, hi) = conf
        .iter()
        .fold((1.0f64, 0.0f64), |(l, h), &c| (l.min(c), h.max(c)));
    assert!(lo < hi, "{conf:?}");
    let p = format!("{}", (lo + hi) / 2.0);
    let o = rolecheck(
        &["audit", path.to_str().unwrap(), "--min-confidence", &p],
        None,
    );
    let out = lines(&o);
    assert_eq!(out.len(), 3);
    for (v, c) in out.iter().zip(&conf) {
        assert!(v["duty_role"].is_string() && v["duty_confidence"].is_number());
        assert_eq!(v["unsure"], *c < (lo + hi) / 2.0, "{v}");
    }
    let unsure = out.iter().filter(|v| v["unsure"] == true).count();
    assert!(unsure >= 1);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&format!(
            "unsure (under the confidence asked for): {unsure}"
        )),
        "{stderr}"
    );
}

#[test]
fn a_min_confidence_outside_zero_to_one_is_refused() {
    for bad in ["1.5", "-0.1", "high"] {
        let flag = format!("--min-confidence={bad}");
        let o = rolecheck(&["audit", "-", &flag], Some(b""));
        assert_eq!(o.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains("from 0 to 1"), "{bad}: {stderr}");
    }
}

#[test]
fn url_date_and_location_are_found_by_their_usual_names_or_the_flags_and_carried_into_lines() {
    let input = [
        serde_json::json!({"id": "1", "title": "PO", "description": PO_BODY, "lien": "https://jobs.example/1", "date_publication": "2026-11-30", "ville": "Nantes"}),
        serde_json::json!({"id": "2", "title": "PM", "description": PM_BODY, "href": "https://jobs.example/2", "posted": "2026-12-01", "where": "Remote"}),
        serde_json::json!({"id": "3", "title": "PM", "description": PM_BODY}),
    ]
    .iter()
    .map(|r| r.to_string())
    .collect::<Vec<_>>()
    .join("\n");
    let o = rolecheck(&["audit", "-"], Some(input.as_bytes()));
    let out = lines(&o);
    assert_eq!(
        (
            out[0]["url"].as_str(),
            out[0]["date"].as_str(),
            out[0]["location"].as_str()
        ),
        (
            Some("https://jobs.example/1"),
            Some("2026-11-30"),
            Some("Nantes")
        )
    );
    assert!(
        out[1].get("url").is_none() && out[2].get("date").is_none(),
        "absent fields are left out"
    );
    let o = rolecheck(
        &[
            "audit",
            "-",
            "--url-field",
            "href",
            "--date-field",
            "posted",
            "--location-field",
            "where",
        ],
        Some(input.as_bytes()),
    );
    let out = lines(&o);
    assert_eq!(
        (
            out[1]["url"].as_str(),
            out[1]["date"].as_str(),
            out[1]["location"].as_str()
        ),
        (
            Some("https://jobs.example/2"),
            Some("2026-12-01"),
            Some("Remote")
        )
    );
}
