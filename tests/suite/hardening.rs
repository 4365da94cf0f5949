//! The inputs and mistakes real users make: each gives a clear message (or
//! the right result), and every other record keeps its verdict.

use std::path::Path;
use std::process::Output;

use crate::common::{rolecheck, temp_dir};

const PO_BODY: &str = "Vous gérez le backlog, rédigez les user stories et les critères d'acceptation, animez les cérémonies Scrum et faites la recette avant chaque mise en production.";
const PM_BODY: &str = "You talk to customers every week, frame the problems worth solving, set the product vision and strategy and measure the impact of what ships with OKRs.";
const ES_BODY: &str = "Buscamos un Product Owner para nuestro equipo de pagos en Madrid. Serás responsable del backlog, trabajarás con los desarrolladores y con las áreas de negocio para priorizar las historias de usuario.";

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn lines(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn record(id: &str, title: &str, body: &str) -> String {
    serde_json::json!({"id": id, "title": title, "description": body, "company": "Acme"})
        .to_string()
}

fn dump(records: &[String]) -> String {
    records.join("\n") + "\n"
}

fn run(args: &[&Path]) -> Output {
    let args: Vec<&str> = args.iter().map(|p| p.to_str().unwrap()).collect();
    rolecheck(&args, None)
}

#[test]
fn an_output_that_is_the_input_or_the_other_output_is_refused_before_anything_is_written() {
    let d = temp_dir("same-file");
    let input = d.join("d.jsonl");
    let content = dump(&[record("1", "PM", PM_BODY), record("2", "PO", PO_BODY)]);
    std::fs::write(&input, &content).unwrap();
    let link = d.join("link.jsonl");
    std::fs::hard_link(&input, &link).unwrap();
    let verdicts = d.join("v.jsonl");
    let a = Path::new("audit");
    for (args, what) in [
        (
            vec![a, &input, Path::new("-o"), &input],
            "the input and the output (-o)",
        ),
        (
            vec![a, &input, Path::new("-o"), &link],
            "the input and the output (-o)",
        ),
        (
            vec![
                a,
                &input,
                Path::new("-o"),
                &verdicts,
                Path::new("--report"),
                &verdicts,
            ],
            "the output (-o) and the report (--report)",
        ),
        (
            vec![a, &input, Path::new("--report"), &d.join("./d.jsonl")],
            "the input and the report (--report)",
        ),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains(what) && stderr(&o).contains("same file"),
            "{}",
            stderr(&o)
        );
        assert_eq!(
            std::fs::read_to_string(&input).unwrap(),
            content,
            "the dump is intact"
        );
        assert!(!verdicts.exists());
    }
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn a_report_into_a_missing_directory_stops_the_run_before_the_first_record() {
    let d = temp_dir("no-dir");
    let input = d.join("d.jsonl");
    std::fs::write(&input, dump(&[record("1", "PM", PM_BODY)])).unwrap();
    let verdicts = d.join("v.jsonl");
    let report = d.join("missing/r.html");
    let o = run(&[
        Path::new("audit"),
        &input,
        Path::new("-o"),
        &verdicts,
        Path::new("--report"),
        &report,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    assert!(!verdicts.exists(), "nothing written");
    assert!(o.stdout.is_empty());
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn outputs_replace_the_old_files_whole_and_leave_no_temporary_file() {
    let d = temp_dir("atomic");
    let input = d.join("d.jsonl");
    std::fs::write(
        &input,
        dump(&[record("1", "PM", PM_BODY), record("2", "PO", PO_BODY)]),
    )
    .unwrap();
    let verdicts = d.join("v.jsonl");
    let report = d.join("r.html");
    std::fs::write(&verdicts, "an older run's verdicts\n").unwrap();
    let o = run(&[
        Path::new("audit"),
        &input,
        Path::new("-o"),
        &verdicts,
        Path::new("--report"),
        &report,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = std::fs::read_to_string(&verdicts).unwrap();
    assert_eq!(written.lines().count(), 2, "{written}");
    assert!(std::fs::read_to_string(&report).unwrap().contains("<html"));
    let names: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".part")), "{names:?}");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn an_unterminated_csv_quote_is_an_error_and_the_rows_after_it_keep_their_verdicts() {
    let d = temp_dir("csv-quote");
    let path = d.join("q.csv");
    std::fs::write(&path, "id,title,description\nc1,PM,\"Vous tenez le backlog\nc2,PM,Vous animez les rituels\nc3,PM,x\n").unwrap();
    let o = run(&[Path::new("audit"), &path]);
    assert_eq!(o.status.code(), Some(1));
    let out = lines(&o);
    assert_eq!(out.len(), 3, "{out:?}");
    assert_eq!(out[0]["line"], 2);
    assert!(out[0]["error"]
        .as_str()
        .unwrap()
        .contains("unterminated quote"));
    assert_eq!(
        (out[1]["line"].as_u64(), out[1]["id"].as_str()),
        (Some(3), Some("c2"))
    );
    assert_eq!(
        (out[2]["line"].as_u64(), out[2]["id"].as_str()),
        (Some(4), Some("c3"))
    );
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn crlf_csv_lines_are_numbered_like_lf_ones() {
    let d = temp_dir("crlf");
    let (lf, crlf) = (d.join("lf.csv"), d.join("crlf.csv"));
    let rows = [
        "id,title,description",
        "a,PM,\"Vous tenez\nle backlog\"",
        "b,PO,Vous animez les rituels",
        "",
    ];
    std::fs::write(&lf, rows.join("\n")).unwrap();
    std::fs::write(&crlf, rows.join("\r\n")).unwrap();
    let numbers = |p: &Path| -> Vec<u64> {
        lines(&run(&[Path::new("audit"), p]))
            .iter()
            .map(|v| v["line"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(numbers(&lf), [2, 4]);
    assert_eq!(numbers(&crlf), [2, 4]);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn a_line_offset_that_would_overflow_is_refused_at_start() {
    let o = rolecheck(
        &["audit", "-", "--line-offset", "18446744073709551610"],
        Some(b""),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("too large"), "{}", stderr(&o));
}

#[test]
fn a_record_over_the_size_limit_is_skipped_and_its_neighbours_judged() {
    let big = "backlog ".repeat(200_000);
    let input = dump(&[
        record("1", "PM", PM_BODY),
        record("2", "PM", &big),
        record("3", "PO", PO_BODY),
    ]);
    let o = rolecheck(
        &["audit", "-", "--max-record-bytes", "1M"],
        Some(input.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(1));
    let out = lines(&o);
    assert_eq!(out.len(), 3);
    assert_eq!(out[0]["id"], "1");
    assert_eq!(out[1]["line"], 2);
    assert!(
        out[1]["error"]
            .as_str()
            .unwrap()
            .contains("over the limit of 1048576"),
        "{}",
        out[1]
    );
    assert_eq!(out[2]["role"], "po");
    let o = rolecheck(&["audit", "-", "--max-record-bytes", "lots"], Some(b""));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a size"));
}

#[cfg(unix)]
#[test]
fn endless_input_and_an_endless_model_file_stop_with_a_message() {
    let o = rolecheck(&["audit", "/dev/zero"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("over the limit"), "{}", stderr(&o));
    let o = rolecheck(
        &["classify", "--model", "/dev/zero", "Vous gérez le backlog."],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a rolecheck model"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn csv_output_cells_cannot_run_as_formulas() {
    let input = dump(&[
        record("=1+2", "=HYPERLINK(\"http://x\",\"PM\")", PM_BODY),
        record("-3", "@SUM(A1)", PO_BODY),
        record("ok", "+PM", PO_BODY),
    ]);
    let o = rolecheck(&["audit", "-", "--format", "csv"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut csv = csv::Reader::from_reader(&o.stdout[..]);
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][1], "'=1+2");
    assert_eq!(&rows[0][2], "'=HYPERLINK(\"http://x\",\"PM\")");
    assert_eq!((&rows[1][1], &rows[1][2]), ("'-3", "'@SUM(A1)"));
    assert_eq!((&rows[2][1], &rows[2][2]), ("ok", "'+PM"));
}

#[test]
fn the_report_isolates_right_to_left_text_and_cuts_long_postings_around_their_evidence() {
    let d = temp_dir("report-hostile");
    let long = format!("{PO_BODY}\n").repeat(7_000);
    let input = d.join("d.jsonl");
    let hostile = serde_json::json!({"id": "1", "title": "Product Manager", "description": PO_BODY, "company": "Acme\u{202e}erocs"});
    std::fs::write(
        &input,
        dump(&[hostile.to_string(), record("2", "Product Manager", &long)]),
    )
    .unwrap();
    let report = d.join("r.html");
    let o = run(&[
        Path::new("audit"),
        &input,
        Path::new("-o"),
        &d.join("v.jsonl"),
        Path::new("--report"),
        &report,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(!html.contains('\u{202e}'), "bidi override dropped");
    assert!(html.contains("<bdi>Acmeerocs</bdi>"));
    assert!(html.contains("overflow-wrap:anywhere") && html.contains("name=\"viewport\""));
    assert!(
        long.len() > 1_000_000 && html.len() < 60_000,
        "report of {} bytes",
        html.len()
    );
    assert!(html.contains("only the passages around its evidence"));
    assert!(
        html.matches("<mark").count() >= 4,
        "the evidence is still highlighted"
    );
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn classify_refuses_a_mistyped_file_a_directory_and_an_empty_posting() {
    let o = rolecheck(
        &["classify", "corpus/samples/product-manager-assurnce.txt"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no file named") && stderr(&o).contains("--text"),
        "{}",
        stderr(&o)
    );
    let o = rolecheck(&["classify", "--text", "backlog.md"], None);
    assert_eq!(
        o.status.code(),
        Some(0),
        "--text takes the words as the posting"
    );
    let o = rolecheck(&["classify", env!("CARGO_MANIFEST_DIR")], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));
    for empty in [&b""[..], b"  \n\t", b"<p> </p>"] {
        let o = rolecheck(&["classify", "-"], Some(empty));
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("empty"), "{}", stderr(&o));
    }
}

#[test]
fn classify_and_audit_give_one_verdict_in_one_shape_for_the_same_html_posting() {
    let html = "<p>Vous g&eacute;rez le <b>backlog</b>, r&eacute;digez les user stories et animez les rituels Scrum.</p><ul><li>Recette</li></ul>";
    let o = rolecheck(
        &["classify", "--json", "--title", "Product Manager", "-"],
        Some(html.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let c: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let input = dump(&[record("1", "Product Manager", html)]);
    let a = &lines(&rolecheck(&["audit", "-"], Some(input.as_bytes())))[0];
    assert_eq!(c["role"], a["role"]);
    assert_eq!(c["confidence"], a["confidence"]);
    let (cp, ap) = (
        c["probabilities"].as_object().unwrap(),
        a["probabilities"].as_object().unwrap(),
    );
    assert_eq!(cp.len(), 7);
    for (role, p) in ap {
        assert_eq!(&cp[role], p, "{role}");
    }
}

#[test]
fn a_posting_in_another_language_is_refused_unless_forced() {
    let input = dump(&[
        record("1", "PO", PO_BODY),
        record("2", "Product Owner", ES_BODY),
        record("3", "PM", PM_BODY),
    ]);
    let o = rolecheck(&["audit", "-"], Some(input.as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    let out = lines(&o);
    assert_eq!(out.len(), 3);
    assert_eq!(
        (out[1]["lang"].as_str(), out[1]["id"].as_str()),
        (Some("es"), Some("2"))
    );
    assert!(out[1]["error"]
        .as_str()
        .unwrap()
        .contains("unsupported language"));
    assert!(out[0]["role"].is_string() && out[2]["role"].is_string());
    let o = rolecheck(
        &["audit", "-", "--force-lang", "fr"],
        Some(input.as_bytes()),
    );
    assert_eq!(o.status.code(), Some(0));
    let forced = lines(&o);
    assert_eq!(
        (forced[1]["lang"].as_str(), forced[2]["lang"].as_str()),
        (Some("fr"), Some("fr"))
    );
    let o = rolecheck(&["classify", ES_BODY], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`es`"), "{}", stderr(&o));
    assert_eq!(
        rolecheck(&["classify", "--force-lang", "en", ES_BODY], None)
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn a_pretty_printed_json_array_is_read_as_records() {
    let records = serde_json::json!([
        {"id": "a", "title": "PM", "description": PM_BODY},
        {"id": "b", "title": "PO"},
        {"id": "c", "title": "PO", "description": PO_BODY},
    ]);
    let d = temp_dir("array");
    let path = d.join("export.json");
    std::fs::write(&path, serde_json::to_string_pretty(&records).unwrap()).unwrap();
    let o = run(&[Path::new("audit"), &path]);
    assert_eq!(o.status.code(), Some(1));
    let out = lines(&o);
    let got: Vec<(u64, &str)> = out
        .iter()
        .map(|v| (v["line"].as_u64().unwrap(), v["id"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [(1, "a"), (2, "b"), (3, "c")]);
    assert!(out[1]["error"]
        .as_str()
        .unwrap()
        .starts_with("no description"));
    assert_eq!(out[2]["role"], "po");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn every_subcommand_states_its_exit_status() {
    for sub in ["audit", "classify", "eval", "tokens", "train"] {
        let o = rolecheck(&[sub, "--help"], None);
        let help = String::from_utf8_lossy(&o.stdout);
        assert!(help.contains("Exit status: 0"), "{sub}: {help}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn audit_with_no_file_on_a_terminal_says_what_to_do_instead_of_waiting() {
    // `script` (util-linux, on every Debian) runs the command on a pseudo-terminal.
    let command = format!("{} audit", env!("CARGO_BIN_EXE_rolecheck"));
    let o = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script runs");
    let shown = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{shown}");
    assert!(shown.contains("standard input is a terminal"), "{shown}");
}

#[test]
fn classify_never_prints_the_posting_s_control_characters_to_the_terminal() {
    let hostile =
        "Vous gérez le backlog\u{1b}]0;PWNED\u{7} et les user stories \u{202e}avec l'équipe.";
    let o = rolecheck(
        &[
            "classify",
            "--color",
            "never",
            "--title",
            "PO\u{1b}[2J",
            hostile,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202e}'),
        "{out:?}"
    );
    assert!(
        out.contains("\\u{1b}]0;PWNED\\u{7}") && out.contains("PO\\u{1b}[2J"),
        "{out}"
    );
}
