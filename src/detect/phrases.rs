//! The detector's evidence: each duty term's push towards `po` against the
//! claimed PM role, spread over its occurrences in the body, merged into
//! phrases of adjacent words and shown in their sentence.

use std::cell::RefCell;
use std::ops::Range;

use serde::Serialize;

use super::N_ROLES;
use crate::{Role, SparseVec};

/// Which side a phrase of evidence pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// Towards the Product Owner reading (backlog work).
    Po,
    /// Towards the Product Manager reading the title claims.
    Pm,
}

impl Side {
    /// Its name in output files (`po`, `pm`), as serialised.
    pub fn name(self) -> &'static str {
        match self {
            Side::Po => "po",
            Side::Pm => "pm",
        }
    }
}

/// Adjacent evidence merged into a readable phrase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phrase {
    /// The words, as written.
    pub text: String,
    /// Their byte range in the posting's body.
    pub span: Range<usize>,
    /// Which reading it supports.
    pub side: Side,
    /// Its push: the `po` contribution minus the claimed PM role's, summed
    /// over its terms (a term's contribution is split evenly over its occurrences).
    pub weight: f32,
    /// The sentence it stands in.
    pub sentence: String,
}

/// Ends a sentence: `.` `!` `?` `;` or a line break, or a bullet `•`
/// (U+2022, bytes E2 80 A2) seen by its last byte. Read off bytes: the
/// delimiters are ASCII or end in a byte no other delimiter has, so no char
/// needs decoding on the way to them.
fn ends_sentence_at(bytes: &[u8], i: usize) -> bool {
    /// The delimiters' bytes, and 0xA2 for the bullet's last byte: one
    /// look-up per byte scanned, where most bytes are letters.
    static MAY_END: [bool; 256] = {
        let mut t = [false; 256];
        let mut k = 0;
        let ends = [b'.', b'!', b'?', b'\n', b';', 0xA2];
        while k < ends.len() {
            t[ends[k] as usize] = true;
            k += 1;
        }
        t
    };
    let b = bytes[i];
    MAY_END[usize::from(b)] && (b != 0xA2 || bullet_ends_at(bytes, i))
}

/// Whether a bullet `•` (U+2022, bytes E2 80 A2) ends at `bytes[i]`, in text
/// whose chars are whole: E2 only ever leads a char, so these three bytes
/// in a row are that char.
fn bullet_ends_at(bytes: &[u8], i: usize) -> bool {
    bytes[i] == 0xA2 && i >= 2 && bytes[i - 2] == 0xE2 && bytes[i - 1] == 0x80
}

/// The sentence around `span`: from just past the last delimiter before it
/// to just past the first one after it, trimmed. Both ends land just past a
/// delimiter's last byte: a char boundary. Scanning out from each phrase
/// reads only the sentences shown, not the whole text.
pub(super) fn sentence_around(text: &str, span: &Range<usize>) -> String {
    let bytes = text.as_bytes();
    let start = (0..span.start)
        .rev()
        .find(|&i| ends_sentence_at(bytes, i))
        .map_or(0, |i| i + 1);
    let end = (span.end..bytes.len())
        .find(|&i| ends_sentence_at(bytes, i))
        .map_or(bytes.len(), |i| i + 1);
    text[start..end].trim().to_string()
}

/// "Not in the vector" in [`with_entry_index`].
const NO_ENTRY: u32 = u32::MAX;

/// Runs `f` with a map from feature id to the feature's entry in `x`
/// ([`NO_ENTRY`] for the features `x` lacks, and nothing past the last it
/// has): a dense array, filled for `x` and emptied again after `f`, where a
/// binary search per lookup showed in profiles. The array is this thread's,
/// reused from one posting to the next, so that the detector, which every
/// thread shares, holds no working memory.
pub(super) fn with_entry_index<R>(x: &SparseVec, f: impl FnOnce(&[u32]) -> R) -> R {
    thread_local! {
        static ENTRIES: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    }
    ENTRIES.with(|cell| match cell.try_borrow_mut() {
        Ok(mut entries) => entry_index(&mut entries, x, f),
        // Called from inside `f` itself: a separate array for this call.
        Err(_) => entry_index(&mut Vec::new(), x, f),
    })
}

/// [`with_entry_index`] over the array `entries`, grown as `x` needs.
fn entry_index<R>(entries: &mut Vec<u32>, x: &SparseVec, f: impl FnOnce(&[u32]) -> R) -> R {
    // Indices are sorted: the last is the largest.
    let needed = x.indices.last().map_or(0, |&last| last as usize + 1);
    if entries.len() < needed {
        entries.resize(needed, NO_ENTRY);
    }
    /// Empties the entries set for `x`, even if `f` panics.
    struct Reset<'a>(&'a mut [u32], &'a [u32]);
    impl Drop for Reset<'_> {
        fn drop(&mut self) {
            for &feature in self.1 {
                self.0[feature as usize] = NO_ENTRY;
            }
        }
    }
    for (k, &feature) in x.indices.iter().enumerate() {
        entries[feature as usize] = k as u32;
    }
    let reset = Reset(entries, &x.indices);
    f(reset.0)
}

/// Each occurrence's push towards `po` against `claim`, in the order of
/// `occurrences`: its feature's weight in the duty vector `x` times the
/// difference of the two roles' coefficients (`coef_of`), shared equally
/// among the feature's occurrences. Occurrences of features `x` lacks (role
/// names, past the body's features) push nothing and are left out.
fn pushes(
    x: &SparseVec,
    occurrences: &[(u32, Range<usize>)],
    claim: Role,
    coef_of: impl Fn(u32) -> [f32; N_ROLES],
) -> Vec<(Range<usize>, f32)> {
    let (po, pm) = (Role::Po.index(), claim.index());
    with_entry_index(x, |entries| {
        let entry = |f: u32| entries.get(f as usize).copied().filter(|&k| k != NO_ENTRY);
        // First how many occurrences each entry of `x` has.
        let mut push = vec![0f32; x.len()];
        for &(f, _) in occurrences {
            if let Some(k) = entry(f) {
                push[k as usize] += 1.0;
            }
        }
        for ((p, &f), &w) in push.iter_mut().zip(&x.indices).zip(&x.values) {
            let coef = coef_of(f);
            // `*p` counts the feature's occurrences here, at least one.
            *p = w * (coef[po] - coef[pm]) / *p;
        }
        let mut pieces = Vec::with_capacity(occurrences.len());
        pieces.extend(
            occurrences
                .iter()
                .filter_map(|(f, span)| Some((span.clone(), push[entry(*f)? as usize]))),
        );
        pieces
    })
}

/// The `limit` strongest evidence phrases of the body `text`, from its duty
/// vector `duty`, the occurrences behind it (feature ids and byte spans, in
/// any order) and the duty head's coefficients `coef_of`: words pushing
/// towards `po` against the role the title claims (`claim`, a PM role), or
/// the other way.
pub(crate) fn evidence(
    text: &str,
    duty: &SparseVec,
    occurrences: &[(u32, Range<usize>)],
    claim: Role,
    coef_of: impl Fn(u32) -> [f32; N_ROLES],
    limit: usize,
) -> Vec<Phrase> {
    phrases(text, pushes(duty, occurrences, claim, coef_of), limit)
}

/// Phrases kept per verdict, strongest first.
pub const MAX_PHRASES: usize = 20;

/// Merges per-occurrence pushes into phrases of adjacent words on the same
/// side; the `limit` strongest are returned.
pub(super) fn phrases(
    text: &str,
    mut pieces: Vec<(Range<usize>, f32)>,
    limit: usize,
) -> Vec<Phrase> {
    pieces.retain(|(_, push)| push.abs() >= 1e-4);
    // Occurrences come in text order, unless the per-term evidence was
    // built first (it sorts them by feature).
    if !pieces.is_sorted_by_key(|(s, _)| (s.start, s.end)) {
        pieces.sort_by_key(|(s, _)| (s.start, s.end));
    }
    let mut merged: Vec<(Range<usize>, f32)> = Vec::with_capacity(pieces.len());
    // Read off bytes: every separator is ASCII but `•`, and a gap holds
    // whole chars.
    let adjacent = |a: &Range<usize>, b: &Range<usize>| {
        b.start <= a.end
            || (b.start - a.end <= 12 && {
                let gap = &text.as_bytes()[a.end..b.start];
                !gap.iter().enumerate().any(|(i, &c)| {
                    matches!(
                        c,
                        b'.' | b','
                            | b';'
                            | b':'
                            | b'!'
                            | b'?'
                            | b'('
                            | b')'
                            | b'['
                            | b']'
                            | b'\n'
                            | b'|'
                    ) || bullet_ends_at(gap, i)
                })
            })
    };
    for (span, push) in pieces {
        match merged.last_mut() {
            Some((cs, cw)) if (*cw > 0.0) == (push > 0.0) && adjacent(cs, &span) => {
                cs.end = cs.end.max(span.end);
                *cw += push;
            }
            _ => merged.push((span, push)),
        }
    }
    // The strongest first, ties in text order (a total order): kept in a
    // list of at most `limit`, sorted, that most phrases are too weak to
    // enter. Only those get their text and sentence copied out.
    let strongest = |a: &(Range<usize>, f32), b: &(Range<usize>, f32)| {
        b.1.abs()
            .total_cmp(&a.1.abs())
            .then_with(|| (a.0.start, a.0.end).cmp(&(b.0.start, b.0.end)))
    };
    let mut top: Vec<(Range<usize>, f32)> = Vec::with_capacity(limit + 1);
    for m in merged {
        let enters = match top.last() {
            Some(weakest) if top.len() == limit => strongest(&m, weakest).is_lt(),
            _ => top.len() < limit,
        };
        if enters {
            let at = top.partition_point(|t| strongest(t, &m).is_lt());
            top.insert(at, m);
            top.truncate(limit);
        }
    }
    top.into_iter()
        .map(|(span, weight)| Phrase {
            text: text[span.clone()].to_string(),
            sentence: sentence_around(text, &span),
            side: if weight > 0.0 { Side::Po } else { Side::Pm },
            span,
            weight,
        })
        .collect()
}
