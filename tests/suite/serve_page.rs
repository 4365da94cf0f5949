//! The page of `rolecheck serve` in a real browser: the built binary serves
//! on a free port, ChromeDriver drives headless Chromium over WebDriver
//! (fantoccini), and the tests read the DOM the browser built — script
//! run under the page's own content security policy, or switched off.
//! Like `browser.rs`, they need Chromium and ChromeDriver: `.ci/run`
//! installs both and sets `ROLECHECK_BROWSER_TESTS=1`, which makes a
//! missing one a failure; elsewhere the tests say they were skipped.
//!
//! `ROLECHECK_SCREENSHOT=corpus/samples/serve.png` also writes the README's
//! screenshot of the verdict.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

use crate::browser::chromium;

fn chromedriver() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ROLECHECK_CHROMEDRIVER") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromedriver"))
        .find(|p| p.is_file())
}

/// Chromium and ChromeDriver, or `None` (skip) when one is missing and not required.
fn tools() -> Option<(PathBuf, PathBuf)> {
    let found = chromium().zip(chromedriver());
    if found.is_none() {
        assert!(
            std::env::var_os("ROLECHECK_BROWSER_TESTS").is_none(),
            "ROLECHECK_BROWSER_TESTS is set but Chromium or ChromeDriver is missing \
             (install them: apt-get install chromium chromium-driver)"
        );
        eprintln!(
            "page test skipped: no Chromium or ChromeDriver on PATH \
             (set ROLECHECK_BROWSER_TESTS=1 to require them)"
        );
    }
    found
}

/// A process group, signalled as a whole when dropped: ChromeDriver's
/// browsers go with it, even when a test fails half-way.
struct Group(Child);

impl Group {
    fn spawn(command: &mut Command) -> Group {
        Group(
            command
                .process_group(0)
                .spawn()
                .expect("the process starts"),
        )
    }

    fn signal(&self, signal: &str) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill")
            .args([signal, "--", &group])
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        // SIGTERM first: the server then finishes what is in flight and exits.
        self.signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.signal("-KILL");
        let _ = self.0.wait();
    }
}

/// `rolecheck serve --addr 127.0.0.1:0`, its address read off its first line.
struct Server {
    _process: Group,
    url: String,
}

impl Server {
    fn start() -> Server {
        let mut process = Group::spawn(
            Command::new(env!("CARGO_BIN_EXE_rolecheck"))
                .args(["serve", "--addr", "127.0.0.1:0"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        );
        let stdout = process.0.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the first line says where it listens: {line:?}"))
            .to_string();
        Server {
            _process: process,
            url,
        }
    }

    fn addr(&self) -> &str {
        self.url.trim_start_matches("http://")
    }
}

/// ChromeDriver on a free port of the loopback.
struct Driver {
    _process: Group,
    url: String,
}

impl Driver {
    fn start(path: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let process = Group::spawn(
            Command::new(path)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "ChromeDriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Driver {
            _process: process,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A headless browser session; `javascript: false` switches scripts off,
    /// `languages` is what the browser sends as `Accept-Language`.
    async fn session(&self, chromium: &Path, javascript: bool, languages: &str) -> Client {
        let mut prefs = json!({ "intl.accept_languages": languages });
        if !javascript {
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        let options = json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", "--window-size=960,1400"],
            "prefs": prefs,
        });
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a browser session")
    }
}

/// The page served and open in a headless browser.
struct Open {
    client: Client,
    server: Server,
    _driver: Driver,
}

/// Starts the server, ChromeDriver and a browser session on the page, or
/// `None` when the browser tests are not run here (see [`tools`]).
async fn open_page(javascript: bool, languages: &str) -> Option<Open> {
    let (chromium, chromedriver) = tools()?;
    let server = Server::start();
    let driver = Driver::start(&chromedriver);
    let client = driver.session(&chromium, javascript, languages).await;
    client.goto(&server.url).await.unwrap();
    Some(Open {
        client,
        server,
        _driver: driver,
    })
}

/// The sample posting: titled Product Manager, its duties a backlog manager's.
fn sample() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/samples/product-manager-assurance.txt");
    std::fs::read_to_string(path).unwrap()
}

/// Fills the form (the text as if pasted), submits it and waits for the verdict.
async fn submit(c: &Client, title: &str, text: &str) {
    c.find(Locator::Id("title"))
        .await
        .unwrap()
        .send_keys(title)
        .await
        .unwrap();
    c.execute(
        "document.getElementById('text').value = arguments[0];",
        vec![json!(text)],
    )
    .await
    .unwrap();
    c.find(Locator::Css("button.go"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("verdict")).await.unwrap();
}

async fn text_of(c: &Client, css: &str) -> String {
    let element = c.find(Locator::Css(css)).await;
    element
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn run(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap()
}

#[tokio::test]
async fn a_pasted_backlog_manager_gets_the_banner_and_its_evidence_highlighted() {
    let Some(Open {
        client: c,
        server: _server,
        _driver,
    }) = open_page(true, "en-US,en").await
    else {
        return;
    };
    assert!(
        c.find(Locator::Id("drop"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap(),
        "the page's script ran under its policy and showed the file drop"
    );
    let posting = sample();
    submit(&c, "Product Manager (H/F)", &posting).await;
    let banner = text_of(&c, "#banner.flag").await;
    assert!(
        banner.contains("reads as a backlog manager") && banner.contains("score"),
        "{banner}"
    );
    assert_eq!(text_of(&c, "#role").await, "Product Owner");
    let marks = c.find_all(Locator::Css("#posting mark.po")).await.unwrap();
    assert!(!marks.is_empty(), "evidence is highlighted on the text");
    let marked = marks[0].text().await.unwrap();
    assert!(
        posting.contains(&marked),
        "{marked:?} is the posting's own words"
    );
    assert!(!text_of(&c, "#missing").await.is_empty());
    assert_eq!(
        c.find_all(Locator::Css("#probabilities svg.bar"))
            .await
            .unwrap()
            .len(),
        7
    );
    let style = run(
        &c,
        "return getComputedStyle(document.getElementById('banner')).backgroundColor",
    )
    .await;
    assert_ne!(style, json!("rgba(0, 0, 0, 0)"), "the page's style applied");
    let kept = run(&c, "return document.getElementById('text').value").await;
    assert_eq!(kept, json!(posting), "the text area keeps the posting");
    if let Some(path) = std::env::var_os("ROLECHECK_SCREENSHOT") {
        let png = c.screenshot().await.unwrap();
        assert!(png.len() < 250_000, "a screenshot of {} bytes", png.len());
        std::fs::write(path, png).unwrap();
    }
    // The switch posts the form again: the same verdict, in French.
    c.find(Locator::Css("nav.lang button[lang=fr]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang=fr] #verdict"))
        .await
        .unwrap();
    assert!(text_of(&c, "#banner.flag")
        .await
        .contains("décrit un backlog manager"));
    assert_eq!(text_of(&c, "#role").await, "Product Owner");
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_hostile_posting_renders_as_text() {
    let Some(Open {
        client: c,
        server: _server,
        _driver,
    }) = open_page(true, "en").await
    else {
        return;
    };
    let title = "Product Manager <script>window.pwned=1;alert(1)</script>";
    let text = "Vous gérez le backlog, rédigez les user stories, animez les rituels Scrum et faites la recette.\n\
        <img src=x onerror=\"window.pwned=2;alert(2)\">\n\
        &lt;img src=x onerror=alert(3)&gt;\n\
        <a href=\"javascript:alert(4)\">clic</a> &lt;a href=&quot;javascript:alert(5)&quot;&gt;lien&lt;/a&gt;\n\
        </textarea><script>window.pwned=6;alert(6)</script>\n\
        <svg onload=alert(7)></svg> \u{202e}evil\" onmouseover=\"alert(8)\" x=\"";
    submit(&c, title, text).await;
    assert!(c.get_alert_text().await.is_err(), "no alert is open");
    assert_eq!(
        run(&c, "return typeof window.pwned").await,
        json!("undefined")
    );
    assert_eq!(
        run(&c, "return document.scripts.length").await,
        json!(1),
        "only the page's script"
    );
    let injected = "return document.querySelectorAll('img, iframe, object, embed, body svg:not(.bar):not(.gauge), a[href^=\"javascript\" i]').length";
    assert_eq!(
        run(&c, injected).await,
        json!(0),
        "no element came from the posting"
    );
    let handlers = "return [].some.call(document.querySelectorAll('*'), function (e) { \
        return [].some.call(e.attributes, function (a) { return a.name.indexOf('on') === 0; }); })";
    assert_eq!(run(&c, handlers).await, json!(false), "no event attribute");
    let shown = text_of(&c, "#posting").await;
    for literal in [
        "<img src=x onerror=alert(3)>",
        "<a href=\"javascript:alert(5)\">lien</a>",
    ] {
        assert!(
            shown.contains(literal),
            "{literal} shows as text in {shown}"
        );
    }
    assert_eq!(
        run(&c, "return document.body.innerHTML.indexOf('\\u202e')").await,
        json!(-1),
        "no right-to-left override"
    );
    let kept = run(&c, "return document.getElementById('text').value").await;
    assert!(
        kept.as_str()
            .unwrap()
            .contains("</textarea><script>window.pwned=6"),
        "the text area holds the markup as text: {kept}"
    );
    assert!(text_of(&c, "h1").await.starts_with("Is it really"));
    c.close().await.unwrap();
}

/// A plain `POST /` as a form without script sends it: status, headers, body.
fn post_form(addr: &str, body: &str) -> (String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /?lang=en HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").expect("a head and a body");
    (head.to_ascii_lowercase(), body.to_string())
}

#[tokio::test]
async fn without_javascript_the_form_posts_and_the_verdict_comes_back() {
    let Some(Open {
        client: c,
        server,
        _driver,
    }) = open_page(false, "fr-FR,fr").await
    else {
        return;
    };
    let html = c.find(Locator::Css("html")).await.unwrap();
    assert_eq!(
        html.attr("lang").await.unwrap().as_deref(),
        Some("fr"),
        "from Accept-Language"
    );
    assert!(
        !c.find(Locator::Id("drop"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap(),
        "no script ran: the file drop stays hidden"
    );
    let body = "Vous gérez le backlog, rédigez les user stories, animez les rituels Scrum et faites la recette.";
    for (id, value) in [("title", "Product Manager"), ("text", body)] {
        let field = c.find(Locator::Id(id)).await.unwrap();
        field.send_keys(value).await.unwrap();
    }
    c.find(Locator::Css("button.go"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("verdict")).await.unwrap();
    assert!(text_of(&c, "#banner.flag")
        .await
        .contains("backlog manager"));
    assert_eq!(text_of(&c, "#role").await, "Product Owner");
    assert!(!c
        .find_all(Locator::Css("#posting mark.po"))
        .await
        .unwrap()
        .is_empty());
    c.close().await.unwrap();

    let (head, page) = post_form(
        server.addr(),
        "title=Product+Manager&text=Vous+g%C3%A9rez+le+backlog%2C+les+user+stories+et+la+recette.",
    );
    assert!(head.starts_with("http/1.1 200"), "{head}");
    let policy = head
        .lines()
        .find_map(|l| l.strip_prefix("content-security-policy: "))
        .expect("a content security policy");
    assert!(
        policy.contains("script-src 'sha256-") && !policy.contains("unsafe"),
        "{policy}"
    );
    assert!(page.contains("id=\"banner\"") && page.contains("<mark class=\"po\">"));
    let (head, page) = post_form(server.addr(), "title=PM&text=+");
    assert!(
        head.starts_with("http/1.1 422") && page.contains("role=\"alert\""),
        "{head}"
    );
}
