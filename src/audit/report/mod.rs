//! The audit's HTML report: one self-contained page a job board acts on —
//! the run, the roles, the companies, every flagged posting and title
//! mismatch with its evidence, the unreadable records and a table of all
//! verdicts. Readable without JavaScript; a small inline script (allowed by
//! the page's content security policy, nothing else is) sorts and filters.
//! Every piece of posting text is escaped; sizes are capped so a dump of
//! millions of records gives a page a browser opens.

mod cards;

pub use cards::evidence_html;

use std::fmt::Write;

use sha2::{Digest, Sha256};

use super::html::escape;
use super::{AuditLine, Card, ErrorLine, Summary};
use crate::{Lang, Model, ModelInfo, Role};

/// Cards kept for each of the flagged postings and the title mismatches.
pub(crate) const MAX_CARDS: usize = 300;
/// Unreadable records listed.
pub(crate) const MAX_UNREADABLE: usize = 1_000;
/// Rows of the all-verdicts table: about 3.5 MB of page, which headless
/// Chromium on two cores opens in about 9 s (50,000 rows took 40 s).
pub(crate) const MAX_ROWS: usize = 10_000;
/// Companies listed.
const MAX_COMPANIES: usize = 2_000;

const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("script.js");

/// What the report says about the run itself.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    /// The dump's name as given.
    pub input: String,
    /// Bytes read (after decompression).
    pub input_bytes: u64,
    /// The settings that shape the verdicts, as `(flag, value)`.
    pub settings: Vec<(String, String)>,
    /// When the run started, in seconds since the Unix epoch.
    pub started_unix: u64,
    /// How long it took.
    pub elapsed_secs: f64,
    /// Companies with fewer verdicts than this are left out of the companies table.
    pub min_company_postings: usize,
}

/// One row of the all-verdicts table.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    line: usize,
    id: Option<String>,
    title: String,
    url: Option<String>,
    company: Option<String>,
    role: Role,
    confidence: f32,
    flagged: bool,
    score: f32,
}

/// What the report keeps while the audit runs: bounded, whatever the dump's
/// size (the counts in [`Summary`] cover everything).
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    flagged: Vec<Card>,
    mismatches: Vec<Card>,
    unreadable: Vec<ErrorLine>,
    rows: Vec<Row>,
}

impl ReportData {
    /// The cards held: flagged postings, title mismatches.
    #[cfg(test)]
    pub(crate) fn cards_held(&self) -> (usize, usize) {
        (self.flagged.len(), self.mismatches.len())
    }

    /// Whether a card for a flagged posting or a title mismatch would still be kept.
    pub fn wants_cards(&self) -> bool {
        self.flagged.len() < MAX_CARDS || self.mismatches.len() < MAX_CARDS
    }
    /// Keeps what the report shows of one result, while there is room.
    pub fn add(&mut self, line: &AuditLine, card: Option<Card>, company: Option<&str>) {
        match line {
            AuditLine::Error(e) => {
                if self.unreadable.len() < MAX_UNREADABLE {
                    self.unreadable.push(e.clone());
                }
            }
            AuditLine::Verdict(v) => {
                if self.rows.len() < MAX_ROWS {
                    self.rows.push(Row {
                        line: v.line,
                        id: v.id.clone(),
                        title: v.title.clone(),
                        url: v.url.clone(),
                        company: company.map(str::to_string),
                        role: v.role,
                        confidence: v.confidence,
                        flagged: v.backlog_manager,
                        score: v.score,
                    });
                }
                let cards = if v.backlog_manager {
                    &mut self.flagged
                } else {
                    &mut self.mismatches
                };
                if cards.len() < MAX_CARDS {
                    cards.extend(card);
                }
            }
        }
    }
}

/// Renders the report.
pub fn render_report(run: &RunInfo, model: &Model, summary: &Summary, data: &ReportData) -> String {
    let mut h = String::with_capacity(64 * 1024 + data.rows.len() * 200);
    let script_hash = csp_hash(SCRIPT);
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src {script_hash}\">\
         <title>rolecheck audit — {src}</title><style>{STYLE}</style></head><body>\
         <h1>rolecheck audit of <bdi>{src}</bdi></h1><nav><a href=\"#summary\">Summary</a><a href=\"#roles\">Roles</a>\
         <a href=\"#companies\">Companies</a><a href=\"#flagged\">Flagged</a><a href=\"#mismatches\">Title mismatches</a>\
         <a href=\"#unreadable\">Unreadable</a><a href=\"#verdicts\">All verdicts</a></nav>",
        src = escape(&run.input)
    );
    summary_section(
        &mut h,
        run,
        model.info(),
        model.detector().threshold(),
        summary,
    );
    roles_section(&mut h, summary);
    companies_section(&mut h, run, summary);
    cards::section(
        &mut h,
        "flagged",
        "Backlog managers flagged",
        summary.flagged,
        &data.flagged,
        "Titled as Product Managers, their duties read as a Product Owner's. \
         <mark class=\"po\">Highlighted</mark> phrases pushed towards the backlog-manager reading, \
         <mark class=\"pm\">these</mark> towards the Product Manager one.",
    );
    cards::section(
        &mut h,
        "mismatches",
        "Title mismatches",
        summary.mismatches,
        &data.mismatches,
        "The title claims one role; the duties alone read, confidently, as another.",
    );
    unreadable_section(&mut h, summary, &data.unreadable);
    verdicts_section(&mut h, summary, &data.rows);
    let _ = writeln!(
        h,
        "<p class=\"meta\">Generated by rolecheck {}. All posting text is escaped.</p><script>{SCRIPT}</script></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    h
}

fn summary_section(h: &mut String, run: &RunInfo, model: &ModelInfo, threshold: f32, s: &Summary) {
    let _ = write!(
        h,
        "<h2 id=\"summary\">Summary</h2><div class=\"totals\"><div><b>{}</b>records read</div><div><b>{}</b>verdicts</div>\
         <div><b>{}</b>backlog managers flagged</div><div><b>{:.1}%</b>flag rate</div>\
         <div><b>{}</b>title mismatches</div><div><b>{}</b>unsure verdicts</div><div><b>{}</b>unreadable records</div></div>",
        s.records,
        s.verdicts(),
        s.flagged,
        s.flag_rate() * 100.0,
        s.mismatches,
        s.unsure,
        s.errors,
    );
    let _ = write!(
        h,
        "<dl class=\"run\"><dt>input</dt><dd><bdi>{}</bdi>, {} read</dd>\
         <dt>started</dt><dd>{}</dd><dt>duration</dt><dd>{:.1} s</dd>\
         <dt>rolecheck</dt><dd>{}</dd>\
         <dt>model</dt><dd>trained by rolecheck {} on {} postings (corpus SHA-256 <code>{}</code>); {}; flag threshold {}</dd>",
        escape(&run.input),
        size(run.input_bytes),
        utc(run.started_unix),
        run.elapsed_secs,
        env!("CARGO_PKG_VERSION"),
        escape(&model.crate_version),
        model.corpus_postings,
        escape(&model.corpus_sha256),
        escape(&model.settings.chosen.name()),
        threshold,
    );
    for (flag, value) in &run.settings {
        let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", escape(flag), escape(value));
    }
    h.push_str("</dl>");
}

/// Bytes for people: `812 bytes`, `20.7 kB`, `21.1 MB`.
fn size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{:.1} kB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

fn percent(n: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        n as f64 * 100.0 / total as f64
    }
}

fn roles_section(h: &mut String, s: &Summary) {
    h.push_str("<h2 id=\"roles\">Roles</h2><h3>From all of each posting's words</h3>");
    h.push_str(&role_chart(&s.per_role));
    h.push_str("<h3>From the duties alone (role names masked)</h3>");
    h.push_str(&role_chart(&s.per_duty_role));
    h.push_str("<h3>By language</h3><table><thead><tr><th>role</th>");
    let langs = [Lang::Fr, Lang::En];
    let totals: Vec<usize> = langs
        .iter()
        .map(|l| s.per_lang[l.index()].iter().sum())
        .collect();
    for (l, t) in langs.iter().zip(&totals) {
        let _ = write!(
            h,
            "<th class=\"n\">{} ({t})</th><th class=\"n\">%</th>",
            l.code()
        );
    }
    h.push_str("</tr></thead><tbody>");
    for role in Role::ALL {
        let _ = write!(h, "<tr><td>{}</td>", escape(role.name()));
        for (l, &t) in langs.iter().zip(&totals) {
            let n = s.per_lang[l.index()][role.index()];
            let _ = write!(
                h,
                "<td class=\"n\">{n}</td><td class=\"n\">{:.1}</td>",
                percent(n, t)
            );
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
}

/// A horizontal bar per role, with its count and share, from counts in [`Role::ALL`] order.
fn role_chart(counts: &[usize; 7]) -> String {
    let total: usize = counts.iter().sum();
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let (bar_h, gap, label_w, width) = (22, 8, 190, 480);
    let height = Role::ALL.len() * (bar_h + gap);
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {height}\" width=\"100%\" style=\"max-width:{w}px\" role=\"img\" aria-label=\"postings per role\">",
        w = label_w + width + 120
    );
    for (i, role) in Role::ALL.iter().enumerate() {
        let n = counts[role.index()];
        let y = i * (bar_h + gap);
        let w = (n * width) / max;
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{ty}\" font-size=\"13\">{name}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"{bar_h}\" fill=\"#4a78c2\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"13\">{n} ({p:.1}%)</text>",
            ty = y + 16,
            name = escape(role.name()),
            tx = label_w + w + 6,
            p = percent(n, total),
        );
    }
    s.push_str("</svg>");
    s
}

fn companies_section(h: &mut String, run: &RunInfo, s: &Summary) {
    let min = run.min_company_postings.max(1);
    let mut companies: Vec<_> = s
        .companies
        .iter()
        .filter(|(_, c)| c.postings >= min)
        .collect();
    companies.sort_by(|a, b| {
        (b.1.flagged, b.1.postings)
            .cmp(&(a.1.flagged, a.1.postings))
            .then(a.0.cmp(b.0))
    });
    let _ = write!(
        h,
        "<h2 id=\"companies\">Companies</h2><p class=\"meta\">{} of the {} companies in the dump have at least {min} \
         postings; most flagged first. A name opens its postings in the table of all verdicts.</p>",
        companies.len(),
        s.companies.len()
    );
    if companies.is_empty() {
        return;
    }
    if companies.len() > MAX_COMPANIES {
        let _ = write!(
            h,
            "<p class=\"meta\">Showing the first {MAX_COMPANIES}.</p>"
        );
    }
    h.push_str(
        "<div class=\"scroll\"><table id=\"companies-table\"><thead><tr><th>company</th><th class=\"n\">postings</th>\
         <th class=\"n\">flagged</th><th class=\"n\">flag rate %</th><th class=\"n\">title mismatches</th></tr></thead><tbody>",
    );
    for (name, c) in companies.into_iter().take(MAX_COMPANIES) {
        let name = escape(name);
        let _ = write!(
            h,
            "<tr><td><a href=\"#verdicts\" data-company=\"{name}\"><bdi>{name}</bdi></a></td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{:.1}</td><td class=\"n\">{}</td></tr>",
            c.postings,
            c.flagged,
            percent(c.flagged, c.postings),
            c.mismatches
        );
    }
    h.push_str("</tbody></table></div>");
}

fn unreadable_section(h: &mut String, s: &Summary, errors: &[ErrorLine]) {
    let _ = write!(
        h,
        "<h2 id=\"unreadable\">Unreadable records ({})</h2>",
        s.errors
    );
    if errors.is_empty() {
        h.push_str("<p>Every record was read.</p>");
        return;
    }
    if s.errors > errors.len() {
        let _ = write!(
            h,
            "<p class=\"meta\">Showing the first {}.</p>",
            errors.len()
        );
    }
    h.push_str("<div class=\"scroll\"><table><thead><tr><th class=\"n\">line</th><th>id</th><th>why</th></tr></thead><tbody>");
    for e in errors {
        let _ = write!(
            h,
            "<tr><td class=\"n\">{}</td><td><bdi>{}</bdi></td><td>{}</td></tr>",
            e.line,
            escape(e.id.as_deref().unwrap_or("")),
            escape(&e.error)
        );
    }
    h.push_str("</tbody></table></div>");
}

/// A link target that cannot run anything: http(s) only.
fn safe_url(url: &str) -> Option<&str> {
    let lower = url.trim_start().get(..8).unwrap_or("").to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(url.trim())
}

/// A posting's title, escaped and isolated, linked to its URL when that is
/// a web address.
pub(super) fn title_link(title: &str, url: Option<&str>) -> String {
    let title = escape(if title.is_empty() {
        "(untitled)"
    } else {
        title
    });
    match url.and_then(safe_url) {
        Some(u) => format!(
            "<a href=\"{}\" rel=\"noopener noreferrer\"><bdi>{title}</bdi></a>",
            escape(u)
        ),
        None => format!("<bdi>{title}</bdi>"),
    }
}

fn verdicts_section(h: &mut String, s: &Summary, rows: &[Row]) {
    let _ = write!(
        h,
        "<h2 id=\"verdicts\">All verdicts ({})</h2>",
        s.verdicts()
    );
    if s.verdicts() > rows.len() {
        let _ = write!(
            h,
            "<p class=\"meta\">The table holds the first {} verdicts in dump order; the counts above cover all {}.</p>",
            rows.len(),
            s.verdicts()
        );
    }
    h.push_str("<form id=\"filters\" class=\"filters\" hidden><label>role <select name=\"role\"><option value=\"\">all</option>");
    for role in Role::ALL {
        let _ = write!(
            h,
            "<option value=\"{}\">{}</option>",
            role.id(),
            escape(role.name())
        );
    }
    h.push_str(
        "</select></label><label>flag <select name=\"flag\"><option value=\"\">all</option>\
         <option value=\"1\">flagged</option><option value=\"0\">not flagged</option></select></label>\
         <label>company <input name=\"company\" size=\"18\"></label><label>title <input name=\"q\" type=\"search\" size=\"24\"></label>\
         <span class=\"meta\"><span id=\"shown\"></span> shown</span></form>",
    );
    h.push_str(
        "<div class=\"scroll\"><table id=\"verdicts-table\"><thead><tr><th class=\"n\">line</th><th>id</th><th>title</th>\
         <th>company</th><th>role</th><th class=\"n\">confidence</th><th>flag</th><th class=\"n\">score</th></tr></thead><tbody>",
    );
    for r in rows {
        let title = title_link(&r.title, r.url.as_deref());
        let _ = write!(
            h,
            "<tr data-role=\"{}\" data-flag=\"{}\"><td class=\"n\">{}</td><td><bdi>{}</bdi></td><td>{title}</td>\
             <td><bdi>{}</bdi></td><td>{}</td><td class=\"n\">{:.2}</td><td>{}</td><td class=\"n\">{:.2}</td></tr>",
            r.role.id(),
            u8::from(r.flagged),
            r.line,
            escape(r.id.as_deref().unwrap_or("")),
            escape(r.company.as_deref().unwrap_or("")),
            escape(r.role.name()),
            r.confidence,
            if r.flagged { "⚑" } else { "" },
            r.score
        );
    }
    h.push_str("</tbody></table></div>");
}

/// `YYYY-MM-DD HH:MM:SS UTC` from seconds since the Unix epoch (the civil
/// calendar from a day count, as in Howard Hinnant's algorithm).
fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// The source that lets one inline `<script>` or `<style>` through a page's
/// Content-Security-Policy, and nothing else: `'sha256-…'`, the base64 of
/// the SHA-256 of its exact text.
pub fn csp_hash(inline: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(inline.as_bytes())))
}

/// Standard base64 with padding, for the script's hash in the page's policy.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_hash_is_the_base64_of_the_sha256() {
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }

    #[test]
    fn dates_and_base64_are_right() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_796_300_000), "2026-12-03 12:13:20 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn what_the_report_keeps_is_capped_whatever_the_dump() {
        let error = AuditLine::Error(ErrorLine {
            line: 1,
            id: None,
            lang: None,
            error: "bad".into(),
        });
        let mut data = ReportData::default();
        for _ in 0..MAX_UNREADABLE + 5 {
            data.add(&error, None, None);
        }
        assert_eq!(data.unreadable.len(), MAX_UNREADABLE);
        let model = crate::Model::shipped().unwrap();
        let posting = crate::audit::RawPosting {
            id: None,
            title: "Product Manager".into(),
            text: "Vous gérez le backlog, rédigez les user stories et animez les rituels Scrum."
                .into(),
            company: Some("Acme".into()),
            url: None,
            date: None,
            location: None,
        };
        let record = crate::audit::Record {
            line: 1,
            id: None,
            posting: Ok(posting),
        };
        let settings = crate::audit::Settings {
            cards: true,
            ..crate::audit::Settings::default()
        };
        let (line, card, _) =
            crate::audit::audit_record(&model, &mut crate::Scratch::new(), record, &settings);
        let card = card.expect("a flagged posting has a card");
        for _ in 0..MAX_ROWS + 5 {
            data.add(&line, Some(card.clone()), Some("Acme"));
        }
        assert_eq!((data.rows.len(), data.flagged.len()), (MAX_ROWS, MAX_CARDS));
        assert!(data.mismatches.is_empty());
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(
            safe_url(" https://jobs.example/1 "),
            Some("https://jobs.example/1")
        );
        assert_eq!(safe_url("HTTP://x"), Some("HTTP://x"));
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,<script>"), None);
        assert_eq!(safe_url("ftp"), None);
    }
}
