//! One way to mark evidence on a posting's text, for every place that shows
//! it (the terminal's `classify`, the HTML report): marks that overlap are
//! merged, and a stretch marked both ways shows as "for".

use std::ops::Range;

/// Which way a piece of evidence pushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Towards the verdict shown (or, in the report, the backlog-manager reading).
    For,
    /// Away from it.
    Against,
}

/// The text cut into consecutive runs covering it whole, each unmarked or
/// marked. Marks out of the text or not on character boundaries are
/// ignored; overlapping marks merge into one run, marked `For` when any of
/// them is.
pub fn highlight_runs(
    text: &str,
    marks: impl IntoIterator<Item = (Range<usize>, Mark)>,
) -> Vec<(Range<usize>, Option<Mark>)> {
    let mut marks: Vec<(Range<usize>, Mark)> = marks
        .into_iter()
        .filter(|(r, _)| {
            r.start < r.end && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
        })
        .filter(|(r, _)| r.end <= text.len())
        .collect();
    marks.sort_by_key(|(r, m)| (r.start, std::cmp::Reverse(r.end), *m != Mark::For));
    let mut merged: Vec<(Range<usize>, Mark)> = Vec::with_capacity(marks.len());
    for (r, m) in marks {
        match merged.last_mut() {
            Some((last, lm)) if r.start < last.end => {
                last.end = last.end.max(r.end);
                if m == Mark::For {
                    *lm = Mark::For;
                }
            }
            _ => merged.push((r, m)),
        }
    }
    let mut out = Vec::with_capacity(merged.len() * 2 + 1);
    let mut at = 0;
    for (r, m) in merged {
        if at < r.start {
            out.push((at..r.start, None));
        }
        at = r.end;
        out.push((r, Some(m)));
    }
    if at < text.len() {
        out.push((at..text.len(), None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_the_text_and_overlaps_merge_with_for_winning() {
        let text = "gérer le backlog et la roadmap";
        // "gérer" is bytes 0..6; 12..19 overlaps "backlog" (9..16); 40..44
        // is past the end; 2..3 cuts the "é" in two.
        let marks = [
            (9..16, Mark::Against),
            (0..6, Mark::For),
            (12..19, Mark::For),
            (40..44, Mark::For),
            (2..3, Mark::Against),
        ];
        let got = highlight_runs(text, marks);
        let covered: usize = got.iter().map(|(r, _)| r.len()).sum();
        assert_eq!(covered, text.len());
        assert!(got.windows(2).all(|w| w[0].0.end == w[1].0.start));
        assert!(got.contains(&(9..19, Some(Mark::For))), "{got:?}");
        assert!(got.iter().all(|(r, _)| text.get(r.clone()).is_some()));
    }
}
