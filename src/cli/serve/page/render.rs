//! The page's HTML: the form, then the verdict, banner first. Every piece
//! of the posting goes through the report's escaping, and its text through
//! the report's own rendering of evidence ([`evidence_html`]).

use std::fmt::Write;

use rolecheck::audit::{escape_html as escape, evidence_html};
use rolecheck::{Phrase, PmDuty, Side, Verdict};

use super::strings::{fill, Ui};

/// The page's style and script, embedded; the policy allows exactly these.
pub(crate) const STYLE: &str = include_str!("page.css");
/// The script: loads a dropped or chosen file into the text area.
pub(crate) const SCRIPT: &str = include_str!("page.js");

/// What was posted, as typed.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Posted {
    /// The posting's title.
    #[serde(default)]
    pub(crate) title: String,
    /// Its text or HTML.
    #[serde(default)]
    pub(crate) text: String,
}

/// Why a posting got no verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Nothing but white space (or markup) was posted.
    Empty,
    /// The posting is in a language rolecheck does not read (its code).
    Language(&'static str),
}

/// A posting judged, with what the page shows of it.
#[derive(Debug)]
pub(crate) struct Judged {
    /// The title, HTML stripped, as the model read it.
    pub(crate) title: String,
    /// The text, HTML stripped, where the phrases' spans point.
    pub(crate) text: String,
    /// The verdict.
    pub(crate) verdict: Verdict,
    /// The evidence phrases, strongest first.
    pub(crate) phrases: Vec<Phrase>,
    /// The core PM duties the text never mentions.
    pub(crate) missing: Vec<PmDuty>,
}

/// What the page shows under the form.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Nothing was posted yet.
    Form,
    /// Something was posted but cannot be judged.
    Refused(Refusal),
    /// A verdict.
    Judged(Box<Judged>),
}

/// The whole page.
pub(crate) fn page(ui: Ui, posted: &Posted, outcome: &Outcome) -> String {
    let s = ui.strings();
    let mut h = String::with_capacity(16 * 1024 + 3 * posted.text.len());
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body>\
         <header class=\"top\"><a class=\"brand\" href=\"/?lang={code}\">rolecheck</a>",
        code = ui.code(),
        title = s.page_title,
    );
    switch(&mut h, ui, !matches!(outcome, Outcome::Form));
    let _ = write!(
        h,
        "</header><main><h1>{}</h1><p class=\"lead\">{}</p>",
        s.heading, s.lead
    );
    form(&mut h, ui, posted);
    match outcome {
        Outcome::Form => {}
        Outcome::Refused(why) => {
            let message = match why {
                Refusal::Empty => s.empty.to_string(),
                Refusal::Language(code) => {
                    fill(s.unsupported, &[("lang", &escape(ui.language(code)))])
                }
            };
            let _ = write!(
                h,
                "<p id=\"verdict\" class=\"error\" role=\"alert\">{message}</p>"
            );
        }
        Outcome::Judged(j) => verdict(&mut h, ui, j),
    }
    let _ = write!(
        h,
        "</main><footer>{}</footer><script>{SCRIPT}</script></body></html>",
        fill(s.footer, &[("version", env!("CARGO_PKG_VERSION"))])
    );
    h
}

/// The language switch: links on the empty form; on a verdict, buttons
/// that post the form again in the other language, so the verdict stays.
fn switch(h: &mut String, ui: Ui, repost: bool) {
    let _ = write!(
        h,
        "<nav class=\"lang\" aria-label=\"{}\">",
        ui.strings().switch
    );
    for other in Ui::ALL {
        let code = other.code();
        let label = code.to_ascii_uppercase();
        if other == ui {
            let _ = write!(
                h,
                "<span aria-current=\"true\" lang=\"{code}\">{label}</span>"
            );
        } else if repost {
            let _ = write!(
                h,
                "<button type=\"submit\" form=\"f\" formaction=\"/?lang={code}#verdict\" lang=\"{code}\">{label}</button>"
            );
        } else {
            let _ = write!(
                h,
                "<a href=\"/?lang={code}\" hreflang=\"{code}\" lang=\"{code}\">{label}</a>"
            );
        }
    }
    h.push_str("</nav>");
}

/// The form, holding what was posted. The file drop shows only when the
/// script runs (a plain form cannot send a file's text).
fn form(h: &mut String, ui: Ui, posted: &Posted) {
    let s = ui.strings();
    let _ = write!(
        h,
        "<form id=\"f\" class=\"card\" method=\"post\" action=\"/?lang={code}#verdict\">\
         <label for=\"title\">{job_title}</label>\
         <input id=\"title\" name=\"title\" type=\"text\" value=\"{title}\" placeholder=\"{title_hint}\" autocomplete=\"off\">\
         <label for=\"text\">{posting}</label>\
         <textarea id=\"text\" name=\"text\" rows=\"12\" placeholder=\"{text_hint}\">\n{text}</textarea>\
         <div id=\"drop\" class=\"drop\" hidden data-loaded=\"{loaded}\" data-bad=\"{bad}\">\
         <span id=\"drop-msg\">{drop}</span> <input id=\"file\" type=\"file\" aria-labelledby=\"drop-msg\" accept=\".txt,.html,.htm,text/plain,text/html\"></div>\
         <div class=\"actions\"><button type=\"submit\" class=\"go\">{submit}</button><p class=\"note\">{privacy}</p></div></form>",
        code = ui.code(),
        job_title = s.job_title,
        title = escape(&posted.title),
        title_hint = escape(s.job_title_hint),
        posting = s.posting,
        text_hint = escape(s.posting_hint),
        // The line break written after the text area's opening tag is
        // dropped by the parser, so a text that starts with one keeps it.
        text = escape(&posted.text),
        loaded = escape(s.loaded),
        bad = escape(s.bad_file),
        drop = s.drop,
        submit = s.submit,
        privacy = s.privacy,
    );
}

/// The verdict, most telling first: the banner when the title claims a PM,
/// the reading, the PM duties never mentioned, the strongest phrases, the
/// text with its evidence, then every role's probability.
fn verdict(h: &mut String, ui: Ui, j: &Judged) {
    let s = ui.strings();
    let _ = write!(
        h,
        "<section id=\"verdict\" class=\"verdict\" aria-labelledby=\"verdict-h\"><h2 id=\"verdict-h\">{}",
        s.verdict
    );
    if !j.title.trim().is_empty() {
        let _ = write!(h, " · <bdi>{}</bdi>", escape(j.title.trim()));
    }
    h.push_str("</h2>");
    banner(h, ui, &j.verdict);
    headline(h, ui, &j.verdict);
    if shows_duties(&j.verdict) {
        missing(h, ui, &j.missing);
    }
    why(h, ui, &j.phrases);
    let (text, cut) = evidence_html(&j.text, &j.phrases);
    let _ = write!(
        h,
        "<section class=\"card\"><h3>{}</h3><p class=\"legend\">{}</p><div class=\"text\" id=\"posting\">{text}</div>",
        s.text, s.legend
    );
    if cut {
        let _ = write!(h, "<p class=\"cut\">{}</p>", s.cut);
    }
    h.push_str("</section>");
    bars(h, ui, &j.verdict);
    h.push_str("</section>");
}

/// The PM duties matter when the title claims a PM role (or none, read
/// against a PM's), as on `classify`'s terminal output.
fn shows_duties(v: &Verdict) -> bool {
    v.backlog_manager || v.claimed_role.is_none_or(|c| c.is_pm_family())
}

/// The banner: a flagged backlog manager, a title the duties contradict,
/// or a PM title the duties bear out. Nothing without a claim.
fn banner(h: &mut String, ui: Ui, v: &Verdict) {
    let s = ui.strings();
    let Some(claimed) = v.claimed_role else {
        return;
    };
    let claimed_name = escape(ui.role(claimed));
    let duty = &v.classification.duty;
    let (class, icon, head) = if v.backlog_manager {
        ("flag", "⚑", fill(s.flag, &[("claimed", &claimed_name)]))
    } else if v.title_mismatch {
        let duty_name = escape(ui.role(duty.role));
        let head = fill(
            s.mismatch,
            &[("claimed", &claimed_name), ("duty", &duty_name)],
        );
        ("mismatch", "⚑", head)
    } else if claimed.is_pm_family() {
        ("ok", "✓", fill(s.matches, &[("claimed", &claimed_name)]))
    } else {
        return;
    };
    let _ = write!(
        h,
        "<div class=\"banner {class}\" id=\"banner\" role=\"status\"><p class=\"head\"><span class=\"icon\" aria-hidden=\"true\">{icon}</span> {head}</p>"
    );
    if v.backlog_manager {
        let _ = write!(h, "<p>{}</p>", s.flag_why);
    }
    if claimed.is_pm_family() || v.backlog_manager {
        let score = fill(
            s.score,
            &[
                ("score", &ui.score(v.score)),
                ("threshold", &ui.score(v.threshold)),
            ],
        );
        let _ = write!(
            h,
            "<p class=\"score\">{score}</p>\
             <svg class=\"gauge\" viewBox=\"0 0 100 6\" preserveAspectRatio=\"none\" aria-hidden=\"true\">\
             <rect class=\"track\" width=\"100\" height=\"6\"/><rect class=\"fill\" width=\"{:.1}\" height=\"6\"/>\
             <rect class=\"tick\" x=\"{:.1}\" width=\"0.8\" height=\"6\"/></svg>",
            v.score.clamp(0.0, 1.0) * 100.0,
            (v.threshold.clamp(0.0, 1.0) * 100.0 - 0.4).max(0.0),
        );
    }
    h.push_str("</div>");
}

/// The role in large, then the runner-up, the duty reading and the language.
fn headline(h: &mut String, ui: Ui, v: &Verdict) {
    let s = ui.strings();
    let c = &v.classification;
    let _ = write!(
        h,
        "<div class=\"headline card\"><div class=\"main\"><span class=\"k\">{}</span>\
         <strong id=\"role\" class=\"role r-{}\">{}</strong><span class=\"pct\">{}</span></div><dl class=\"facts\">",
        s.reads_as,
        c.role.id(),
        escape(ui.role(c.role)),
        ui.percent(c.confidence),
    );
    for (label, value) in [
        (
            s.runner_up,
            format!(
                "{} <span class=\"p\">· {}</span>",
                escape(ui.role(c.runner_up.role)),
                ui.percent(c.runner_up.probability)
            ),
        ),
        (
            s.duties_alone,
            format!(
                "{} <span class=\"p\">· {}</span>",
                escape(ui.role(c.duty.role)),
                ui.percent(c.duty.confidence)
            ),
        ),
        (s.language, ui.posting_language(c.lang).to_string()),
    ] {
        let _ = write!(h, "<div><dt>{label}</dt><dd>{value}</dd></div>");
    }
    h.push_str("</dl></div>");
}

/// The core PM duties the posting never mentions.
fn missing(h: &mut String, ui: Ui, missing: &[PmDuty]) {
    let s = ui.strings();
    let _ = write!(
        h,
        "<section class=\"card\" id=\"missing\"><h3>{}</h3>",
        s.missing
    );
    if missing.is_empty() {
        let _ = write!(h, "<p class=\"meta\">{}</p>", s.none_missing);
    } else {
        h.push_str("<ul class=\"chips\">");
        for d in missing {
            let _ = write!(h, "<li>{}</li>", escape(ui.duty(*d)));
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>");
}

/// Every role's probability as two bars: from all the posting's words and
/// from its duties alone. The widths are SVG attributes, which the page's
/// policy allows where it forbids inline style.
fn bars(h: &mut String, ui: Ui, v: &Verdict) {
    let s = ui.strings();
    let c = &v.classification;
    let _ = write!(
        h,
        "<section class=\"card\" id=\"probabilities\"><h3>{}</h3>\
         <p class=\"legend\"><span class=\"key all\"></span>{} <span class=\"key duty\"></span>{}</p><div class=\"bars\">",
        s.probabilities, s.all_words, s.duties_only
    );
    for p in &c.probabilities {
        let duty = c.duty.probabilities[p.role.index()];
        let _ = write!(
            h,
            "<span class=\"name\">{}</span>\
             <svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\">\
             <rect class=\"all\" width=\"{:.1}\" height=\"5\"/><rect class=\"duty\" y=\"5\" width=\"{:.1}\" height=\"5\"/></svg>\
             <span class=\"n\">{} · {}</span>",
            escape(ui.role(p.role)),
            p.probability.clamp(0.0, 1.0) * 100.0,
            duty.clamp(0.0, 1.0) * 100.0,
            ui.percent(p.probability),
            ui.percent(duty),
        );
    }
    h.push_str("</div></section>");
}

/// The strongest phrases on each side, in the posting's words.
fn why(h: &mut String, ui: Ui, phrases: &[Phrase]) {
    let s = ui.strings();
    let _ = write!(h, "<section class=\"card\" id=\"why\"><h3>{}</h3>", s.why);
    if phrases.is_empty() {
        let _ = write!(h, "<p class=\"meta\">{}</p>", s.no_phrases);
    }
    for (side, label) in [(Side::Po, s.po_side), (Side::Pm, s.pm_side)] {
        let mut side_phrases = phrases.iter().filter(|p| p.side == side).take(5).peekable();
        if side_phrases.peek().is_none() {
            continue;
        }
        let _ = write!(h, "<h4>{label}</h4><ul class=\"phrases\">");
        for p in side_phrases {
            let _ = write!(
                h,
                "<li><mark class=\"{}\"><bdi>{}</bdi></mark></li>",
                side.name(),
                escape(&p.text)
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>");
}
