//! The report's cards: one per flagged posting or title mismatch, with its
//! readings, its evidence highlighted on its text and the PM duties it
//! never mentions.

use std::fmt::Write;

use super::super::html::escape;
use super::super::Card;
use super::title_link;
use crate::detect::Side;
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
    let marks = v.evidence.iter().map(|p| {
        let mark = if p.side == Side::Po {
            Mark::For
        } else {
            Mark::Against
        };
        (p.span.clone(), mark)
    });
    for (range, mark) in highlight::highlight_runs(&c.text, marks) {
        let open = match mark {
            None => "",
            Some(Mark::For) => "<mark class=\"po\">",
            Some(Mark::Against) => "<mark class=\"pm\">",
        };
        h.push_str(open);
        push_text(h, c, range);
        if mark.is_some() {
            h.push_str("</mark>");
        }
    }
    h.push_str("</div>");
    if !c.gaps.is_empty() {
        h.push_str(
            "<p class=\"cut\">Long posting: only the passages around its evidence are shown.</p>",
        );
    }
    h.push_str("</article>");
}

/// A stretch of a card's text, escaped, with the passages left out of it marked.
fn push_text(h: &mut String, c: &Card, range: std::ops::Range<usize>) {
    let mut at = range.start;
    for &gap in c
        .gaps
        .iter()
        .filter(|&&g| range.start <= g && g < range.end)
    {
        h.push_str(&escape(&c.text[at..gap]));
        h.push_str("<span class=\"cut\"> […] </span>");
        at = gap;
    }
    h.push_str(&escape(&c.text[at..range.end]));
    if range.end == c.text.len() && c.gaps.last() == Some(&range.end) {
        h.push_str("<span class=\"cut\"> […]</span>");
    }
}
