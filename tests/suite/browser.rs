//! The report as a browser builds it: headless Chromium loads the page
//! (script included, under the page's own content security policy) and
//! dumps the DOM it made. `.ci/run` installs Chromium and sets
//! `ROLECHECK_BROWSER_TESTS=1`, which makes a missing browser a failure;
//! elsewhere the tests say they were skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{rolecheck, temp_dir};

/// Chromium: `ROLECHECK_CHROMIUM`, or the first of its usual names on `PATH`.
pub(crate) fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ROLECHECK_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// The browser, or `None` (skip) when it is missing and not required.
fn browser() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("ROLECHECK_BROWSER_TESTS").is_none(),
            "ROLECHECK_BROWSER_TESTS is set but no Chromium was found (install it: apt-get install chromium)"
        );
        eprintln!("browser test skipped: no Chromium on PATH (set ROLECHECK_BROWSER_TESTS=1 to require it)");
    }
    found
}

/// The DOM Chromium builds from `page` (with `fragment` after `#`), scripts run.
fn dom(browser: &Path, page: &Path, fragment: &str) -> String {
    let url = format!(
        "file://{}#{fragment}",
        page.canonicalize().unwrap().display()
    );
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let profile = temp_dir(&format!("chromium-profile-{run}"));
    let o = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--virtual-time-budget=5000", "--dump-dom"])
        .arg(&url)
        .output()
        .expect("Chromium runs");
    std::fs::remove_dir_all(&profile).ok();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("the DOM is UTF-8")
}

fn audit_report(dir: &Path, dump: &Path) -> PathBuf {
    let report = dir.join("report.html");
    let o = rolecheck(
        &[
            "audit",
            dump.to_str().unwrap(),
            "-o",
            dir.join("verdicts.jsonl").to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    report
}

#[test]
fn the_sample_report_has_every_section_and_its_table_filters() {
    let Some(browser) = browser() else { return };
    let d = temp_dir("browser-sample");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/samples/dump.jsonl");
    let report = audit_report(&d, &sample);
    let all = dom(&browser, &report, "");
    for id in [
        "summary",
        "roles",
        "companies",
        "flagged",
        "mismatches",
        "unreadable",
        "verdicts",
    ] {
        assert!(
            all.contains(&format!("id=\"{id}\"")),
            "section {id} is missing"
        );
    }
    assert!(
        all.contains("<form id=\"filters\" class=\"filters\">"),
        "the script showed the filters"
    );
    assert!(
        all.contains("<span id=\"shown\">12</span>"),
        "all 12 verdicts shown at first"
    );
    let po = dom(&browser, &report, "role=po");
    let rows: Vec<&str> = po.split("<tr data-role=").skip(1).collect();
    assert_eq!(rows.len(), 12);
    for row in &rows {
        let hidden = row.split('>').next().unwrap().contains("hidden");
        assert_eq!(hidden, !row.starts_with("\"po\""), "{row}");
    }
    let shown = rows.iter().filter(|r| r.starts_with("\"po\"")).count();
    assert!(po.contains(&format!("<span id=\"shown\">{shown}</span>")));
    let flagged = dom(&browser, &report, "flag=1");
    assert!(
        flagged.contains("<span id=\"shown\">3</span>"),
        "the sample's three backlog managers"
    );
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn a_hostile_dump_renders_as_text() {
    let Some(browser) = browser() else { return };
    let d = temp_dir("browser-hostile");
    let body = "Vous gérez le backlog, rédigez les user stories, animez les rituels Scrum et faites la recette.";
    let long_word = "x".repeat(10_000);
    let records = [
        serde_json::json!({"id": "1", "title": "Product Manager <script>document.title='pwned'</script>",
            "description": format!("{body} <img src=x onerror=\"document.title='pwned'\"> &lt;img src=x onerror=alert(3)&gt;"),
            "company": "Acme\u{202e}erocs", "url": "javascript:document.title='pwned'"}),
        serde_json::json!({"id": "2\" onmouseover=\"alert(1)", "title": format!("<b onclick=alert(1)>PM</b> {long_word}"),
            "description": format!("{body} &lt;script&gt;alert(2)&lt;/script&gt;"), "company": "Acme\u{202e}erocs",
            "url": "https://jobs.example/2?a=1&b=<2>"}),
    ];
    let dump = d.join("hostile.jsonl");
    let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    std::fs::write(&dump, lines.join("\n")).unwrap();
    let report = audit_report(&d, &dump);
    let page = dom(&browser, &report, "");
    assert!(
        page.contains("<title>rolecheck audit"),
        "no script rewrote the title"
    );
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only the report's own script"
    );
    // No tag the browser built carries an event handler: inside `<…>` only.
    let tags: Vec<&str> = page
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap())
        .collect();
    for handler in ["onerror", "onclick", "onmouseover"] {
        assert!(
            !tags.iter().any(|t| t.contains(handler)),
            "{handler} became an attribute"
        );
    }
    assert!(!page.contains("<img") && !page.contains("href=\"javascript:"));
    // Markup in a description is stripped as in every verdict; markup
    // written as text (entities) stays text.
    assert!(
        page.contains("&lt;/script&gt;") && page.contains("&lt;img src=x onerror=alert(3)&gt;")
    );
    assert!(!page.contains('\u{202e}') && page.contains("<bdi>Acmeerocs</bdi>"));
    assert!(page.contains(&long_word), "the long word is kept");
    assert!(
        page.contains("overflow-wrap:anywhere"),
        "and wrapped by the style"
    );
    assert!(page.contains("href=\"https://jobs.example/2?a=1&amp;b=&lt;2&gt;\""));
    std::fs::remove_dir_all(&d).ok();
}
