//! The report's cards: one per flagged posting or title mismatch, with its
//! readings, its evidence highlighted on its text and the PM duties it
//! never mentions.

use std::fmt::Write;

use super::super::html::escape;
use super::super::Card;
use super::title_link;
use crate::detect::{Phrase, Side};
use crate::highlight::{self, Mark};

/// A section of cards: `shown` of `total`, with a note on how to read them.
pub(super) fn section(
    h: &mut String,
    id: &str,
    heading: &str,
    total: usize,
    shown: &[Card],
    note: &str,
) {
    let _ = write!(h, "<h2 id=\"{id}\">{heading} ({total})</h2>");
    if total == 0 {
        h.push_str("<p>None.</p>");
        return;
    }
    if total > shown.len() {
        let _ = write!(
            h,
            "<p class=\"meta\">Showing the first {} in dump order.</p>",
            shown.len()
        );
    }
    let _ = write!(h, "<p class=\"meta\">{note}</p>");
    for card in shown {
        article(h, card);
    }
}

fn article(h: &mut String, c: &Card) {
    let v = &c.verdict;
    let title = title_link(&v.title, v.url.as_deref());
    let mut meta = format!("line {}", v.line);
    for (label, value) in [
        ("id ", v.id.as_deref()),
        ("", c.company.as_deref()),
        ("", v.location.as_deref()),
        ("", v.date.as_deref()),
    ] {
        if let Some(value) = value {
            let _ = write!(meta, " · {label}<bdi>{}</bdi>", escape(value));
        }
    }
    let claimed = v.claimed_role.map_or("no role", |r| r.name());
    let _ = write!(
        h,
        "<article><h3>{title}</h3><div class=\"meta\">{meta}</div>\
         <div class=\"meta\">titled {} · reads as {} ({:.0}%) · duties alone: {} ({:.0}%) · backlog-manager score {:.2}</div>",
        escape(claimed),
        escape(v.role.name()),
        v.confidence * 100.0,
        escape(v.duty_role.name()),
        v.duty_confidence * 100.0,
        v.score,
    );
    if !c.missing_pm_duties.is_empty() {
        let names: Vec<&str> = c.missing_pm_duties.iter().map(|d| d.name()).collect();
        let _ = write!(
            h,
            "<div class=\"meta\">PM duties never mentioned: {}</div>",
            escape(&names.join(", "))
        );
    }
    h.push_str("<div class=\"text\">");
    push_marked(h, &c.text, &v.evidence, &c.gaps);
    h.push_str("</div>");
    if !c.gaps.is_empty() {
        h.push_str(
            "<p class=\"cut\">Long posting: only the passages around its evidence are shown.</p>",
        );
    }
    h.push_str("</article>");
}

/// A posting's text as HTML, exactly as the report's cards print it: every
/// character escaped and bidirectional controls dropped (the report's
/// escaping), each evidence phrase in a `<mark class="po">` when it pushes
/// towards the backlog-manager (Product Owner) reading and a
/// `<mark class="pm">` when it pushes towards the Product Manager one
/// (marks merged by [`highlight_runs`](crate::highlight_runs)), and a text
/// over 6,000 bytes cut to its start and the passages around its evidence,
/// each cut shown as `<span class="cut"> […] </span>`. Also says whether
/// passages were left out. Meant to sit in an element that keeps line
/// breaks (the report's `.text` is `white-space: pre-wrap`).
pub fn evidence_html(text: &str, evidence: &[Phrase]) -> (String, bool) {
    let mut evidence = evidence.to_vec();
    let (text, gaps) = super::super::cut_text(text.to_string(), &mut evidence);
    let mut h = String::with_capacity(text.len() + 32 * evidence.len() + 16);
    push_marked(&mut h, &text, &evidence, &gaps);
    (h, !gaps.is_empty())
}

/// `text` escaped, its evidence marked, the passages left out at `gaps` shown.
fn push_marked(h: &mut String, text: &str, evidence: &[Phrase], gaps: &[usize]) {
    let marks = evidence.iter().map(|p| {
        let mark = if p.side == Side::Po {
            Mark::For
        } else {
            Mark::Against
        };
        (p.span.clone(), mark)
    });
    for (range, mark) in highlight::highlight_runs(text, marks) {
        let open = match mark {
            None => "",
            Some(Mark::For) => "<mark class=\"po\">",
            Some(Mark::Against) => "<mark class=\"pm\">",
        };
        h.push_str(open);
        push_text(h, text, gaps, range);
        if mark.is_some() {
            h.push_str("</mark>");
        }
    }
}

/// A stretch of a text, escaped, with the passages left out of it marked.
fn push_text(h: &mut String, text: &str, gaps: &[usize], range: std::ops::Range<usize>) {
    let mut at = range.start;
    for &gap in gaps.iter().filter(|&&g| range.start <= g && g < range.end) {
        h.push_str(&escape(&text[at..gap]));
        h.push_str("<span class=\"cut\"> […] </span>");
        at = gap;
    }
    h.push_str(&escape(&text[at..range.end]));
    if range.end == text.len() && gaps.last() == Some(&range.end) {
        h.push_str("<span class=\"cut\"> […]</span>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrase(text: &str, words: &str, side: Side) -> Phrase {
        let start = text.find(words).expect("the words are in the text");
        Phrase {
            text: words.into(),
            span: start..start + words.len(),
            side,
            weight: 0.0,
            sentence: String::new(),
        }
    }

    #[test]
    fn evidence_html_escapes_and_marks_like_a_card() {
        let text = "Gérer le <backlog> & la roadmap\u{202e}";
        let evidence = [
            phrase(text, "<backlog>", Side::Po),
            phrase(text, "roadmap", Side::Pm),
        ];
        let (html, cut) = evidence_html(text, &evidence);
        assert_eq!(
            html,
            "Gérer le <mark class=\"po\">&lt;backlog&gt;</mark> &amp; la <mark class=\"pm\">roadmap</mark>"
        );
        assert!(!cut);
        let long = format!("{}Vous gérez le backlog.", "Une phrase. ".repeat(1000));
        let (html, cut) = evidence_html(&long, &[phrase(&long, "backlog", Side::Po)]);
        assert!(cut && html.len() < long.len() / 4);
        assert!(html.contains("<span class=\"cut\"> […] </span>"));
        assert!(html.contains("<mark class=\"po\">backlog</mark>"));
    }
}
