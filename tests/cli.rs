//! The `rolecheck` binary, driven as a user would.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn rolecheck(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolecheck"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the rolecheck binary runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    if let Some(input) = stdin {
        pipe.write_all(input).expect("writing stdin");
    }
    drop(pipe);
    child.wait_with_output().expect("rolecheck finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

const ISSUE_EXAMPLE: &str = "L’équipe produit recherche un·e Product Manager (H/F) pour piloter la stratégie go-to-market d'une app B2B";

#[test]
fn tokens_table_shows_terms_spans_and_reasons() {
    let o = rolecheck(&["tokens", ISSUE_EXAMPLE], None);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.starts_with("language: fr"), "{out}");
    assert!(out.contains("4..11  équipe"), "{out}");
    assert!(out.contains("→ strateg"), "{out}");
    assert!(
        out.contains("H/F") && out.contains("(gender marker)"),
        "{out}"
    );
    assert!(out.contains("(elision)"), "{out}");
    assert!(!out.contains("→ h\n") && !out.contains("→ f\n"), "{out}");
}

#[test]
fn tokens_json_spans_point_at_the_words() {
    let o = rolecheck(&["tokens", "--json", ISSUE_EXAMPLE], None);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["lang"], "fr");
    let tokens = v["tokens"].as_array().expect("tokens array");
    for t in tokens {
        let (s, e) = (
            t["start"].as_u64().unwrap() as usize,
            t["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&ISSUE_EXAMPLE[s..e], t["text"].as_str().unwrap());
        assert!(t.get("term").is_some() != t.get("dropped").is_some(), "{t}");
    }
    let terms: Vec<&str> = tokens.iter().filter_map(|t| t["term"].as_str()).collect();
    assert!(
        terms.contains(&"gotomarket") && terms.contains(&"b2b"),
        "{terms:?}"
    );
}

#[test]
fn tokens_reads_files_and_stdin() {
    let dir = std::env::temp_dir().join(format!("rolecheck-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("posting.txt");
    std::fs::write(&file, "You will own the product roadmap.").unwrap();
    let from_file = rolecheck(&["tokens", file.to_str().unwrap()], None);
    assert!(stdout(&from_file).starts_with("language: en"));
    let from_stdin = rolecheck(&["tokens", "-"], Some(b"You will own the product roadmap."));
    assert_eq!(stdout(&from_file), stdout(&from_stdin));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn tokens_refuses_a_file_that_is_not_utf8_naming_it() {
    let dir = std::env::temp_dir().join(format!("rolecheck-cli-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("garbage.bin");
    std::fs::write(&file, b"Product \xff\xfe Manager").unwrap();
    let o = rolecheck(&["tokens", file.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("rolecheck: ") && err.contains("garbage.bin") && err.contains("offset 8"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let o = rolecheck(&["tokenz"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("tokens"));
}
