//! Splitting a posting into words with byte spans, before any normalisation.
//!
//! The segmenter decides what a *word* is: which separators join (elisions,
//! hyphenated compounds, `A/B`), which split (`PO/PM`, punctuation) and which
//! mark something to drop (gender markers, inclusive-writing suffixes, URLs,
//! numbers). It never copies text: every [`Segment`] is a byte range of the
//! input, so the spans shown to the user are always the posting's own words.
//!
//! It works one whitespace-delimited chunk at a time: `scan.rs` finds the
//! chunks, and the walk (`walk.rs`) carries clause breaks from one chunk to
//! the next.

use unicode_normalization::char::is_combining_mark;

use super::scan::{ascii_alnum_run, Chunk};

/// Why a piece of text did not become a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DropReason {
    /// A function word of the posting's language (or of the other one: franglais).
    StopWord,
    /// Starts with a digit: years, salaries, counts (`2024`, `45k`, `3-5`).
    Number,
    /// A web address.
    Url,
    /// An e-mail address.
    Email,
    /// `H/F`, `F/H`, `(H/F/X)`, `M/W/D`: says nothing about the role.
    GenderMarker,
    /// The feminine or plural ending of inclusive writing: `·se`, `.e`, `(trice)`.
    GenderSuffix,
    /// A French elided article or pronoun: the `l'` of `l'équipe`.
    Elision,
    /// A single letter left over by punctuation.
    TooShort,
    /// A product role's name (`Product Manager`, `PO`, `chef de produit`):
    /// the duties, not the name, say what the role is.
    RoleName,
}

impl DropReason {
    /// A short human-readable name, as `rolecheck tokens` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::StopWord => "stop word",
            DropReason::Number => "number",
            DropReason::Url => "url",
            DropReason::Email => "e-mail",
            DropReason::GenderMarker => "gender marker",
            DropReason::GenderSuffix => "gender suffix",
            DropReason::Elision => "elision",
            DropReason::TooShort => "too short",
            DropReason::RoleName => "role name",
        }
    }

    /// Whether the dropped piece separates the terms around it. Stop words,
    /// elisions and gender suffixes do not ("gestion du backlog" gives the
    /// bigram "gestion backlog"); numbers, URLs, markers and fragments do.
    pub fn breaks_bigrams(self) -> bool {
        !matches!(
            self,
            DropReason::StopWord | DropReason::Elision | DropReason::GenderSuffix
        )
    }
}

/// What the segmenter made of a stretch of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SegmentKind {
    /// A word to normalise; it may contain joiners (`'`, `-`, `/`, `&`).
    Word,
    /// Dropped before normalisation, for this reason.
    Dropped(DropReason),
}

/// A byte range of the input and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment {
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
    /// Word or dropped piece.
    pub kind: SegmentKind,
    /// Punctuation or a line break separates this segment from the previous
    /// word: no bigram is formed across it.
    pub clause_start: bool,
}

/// A run of word characters inside a whitespace-delimited chunk.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece {
    start: usize,
    end: usize,
}

/// French elided words: `l'`, `d'`, `qu'`, `jusqu'`…
const ELISIONS: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
];

/// Endings that inclusive writing appends after `·`, `.`, `/` or inside
/// parentheses: `développeur·se`, `un.e`, `collaborateur(trice)`, `acteur·rice·s`.
pub(crate) const GENDER_SUFFIXES: &[&str] = &[
    "e", "es", "s", "se", "ses", "euse", "euses", "rice", "rices", "trice", "trices", "ice",
    "ices", "ne", "nes", "enne", "ennes", "ienne", "iennes", "le", "les", "ère", "ères", "ere",
    "eres", "ve", "ves", "ive", "ives", "ée", "ées", "x", "fe", "te", "tes", "ale", "ales", "sse",
    "sses",
];

/// Letters that make up `H/F`-style markers.
const MARKER_LETTERS: &[u8] = b"hfmwxdn";

/// A character that can be part of a word. Combining marks count, so that a
/// decomposed `e\u{301}` stays one word until NFC recomposes it.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{C0}'..='\u{24F}').contains(&c) {
        // Latin-1 and Latin Extended letters, the accents of French text,
        // without the Unicode table lookup; × and ÷ are the only non-letters.
        c != '\u{D7}' && c != '\u{F7}'
    } else {
        // U+02BC (ʼ) is a letter to Unicode but an apostrophe in French text.
        (c.is_alphanumeric() && c != '\u{02BC}') || is_combining_mark(c)
    }
}

#[inline]
fn is_apostrophe(s: &str) -> bool {
    matches!(s, "'" | "\u{2019}" | "\u{02BC}" | "`" | "\u{2018}")
}

#[inline]
fn is_hyphen(s: &str) -> bool {
    matches!(s, "-" | "\u{2010}" | "\u{2011}")
}

/// Separators of inclusive writing: middle dot (and its look-alikes), period, slash.
#[inline]
fn is_gender_sep(s: &str) -> bool {
    matches!(
        s,
        "\u{00B7}" | "\u{2022}" | "\u{22C5}" | "\u{2027}" | "\u{2219}" | "." | "/" | "(" | ")"
    )
}

/// Punctuation that ends a clause: no bigram spans it.
#[inline]
fn breaks_clause(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '|'
            | '\u{2022}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2026}'
            | '\n'
            | '\r'
            | '*'
            | '>'
            | '\u{00B7}'
    )
}

fn eq_lower(piece: &str, candidates: &[&str]) -> bool {
    if piece.len() > 8 {
        return false;
    }
    let mut buf = [0u8; 32];
    let mut n = 0;
    for c in piece.chars().flat_map(char::to_lowercase) {
        let mut tmp = [0u8; 4];
        let bytes = c.encode_utf8(&mut tmp).as_bytes();
        if n + bytes.len() > buf.len() {
            return false;
        }
        buf[n..n + bytes.len()].copy_from_slice(bytes);
        n += bytes.len();
    }
    match std::str::from_utf8(&buf[..n]) {
        Ok(lower) => candidates.contains(&lower),
        Err(_) => false,
    }
}

/// The per-chunk step: splits one whitespace-delimited chunk into segments.
/// No rule looks across whitespace, so what it makes of a chunk depends on
/// the chunk's bytes alone (which is what the vectorizer caches); the breaks
/// between chunks are the walk's business (see `walk.rs`).
#[derive(Debug, Default)]
pub(crate) struct Segmenter {
    /// Scratch space: the runs of word characters of the chunk at hand.
    pieces: Vec<Piece>,
}

impl Segmenter {
    /// Segments `chunk` of `text`, appending to `out`, and says whether a
    /// clause break follows its last segment (or, when it has none, lies in
    /// it). A segment's `clause_start` marks a break inside the chunk only.
    pub(crate) fn segment_chunk(
        &mut self,
        text: &str,
        chunk: Chunk,
        out: &mut Vec<Segment>,
    ) -> bool {
        let mut out = Out {
            segments: out,
            pending_break: false,
        };
        if is_plain(text, chunk) {
            out.word(text, chunk.start, chunk.end);
        } else {
            segment_punctuated(text, chunk.start, chunk.end, &mut self.pieces, &mut out);
        }
        out.pending_break
    }
}

/// Segments as the rules make them, and whether a clause break awaits the
/// next one.
struct Out<'o> {
    segments: &'o mut Vec<Segment>,
    /// Punctuation since the last segment ends a clause.
    pending_break: bool,
}

impl Out<'_> {
    /// Appends a segment, which starts a clause if a break awaits it.
    fn push(&mut self, start: usize, end: usize, kind: SegmentKind) {
        self.segments.push(Segment {
            start: start as u32,
            end: end as u32,
            kind,
            clause_start: std::mem::take(&mut self.pending_break),
        });
    }

    /// Notes a clause break before the next segment.
    fn break_clause(&mut self) {
        self.pending_break = true;
    }

    /// Appends the gender suffixes from `start` to `end` (`·rice·s`, `(e)s`,
    /// `.e`) as one dropped segment, with the parenthesis that closes them.
    fn gender_suffix(&mut self, text: &str, start: usize, end: usize) {
        let end = end + usize::from(text[end..].starts_with(')'));
        self.push(start, end, SegmentKind::Dropped(DropReason::GenderSuffix));
    }

    /// Appends the word `text[start..end]`, dropped if it is a number or a
    /// lone letter.
    fn word(&mut self, text: &str, start: usize, end: usize) {
        let word = &text[start..end];
        let b = word.as_bytes();
        let (starts_with_digit, single) = if b[0] < 0x80 {
            (b[0].is_ascii_digit(), b.len() == 1)
        } else {
            let first = word.chars().next().unwrap_or(' ');
            let mut letters = word.chars().filter(|c| !is_combining_mark(*c));
            (first.is_numeric(), letters.nth(1).is_none())
        };
        let kind = if starts_with_digit {
            SegmentKind::Dropped(DropReason::Number)
        } else if single {
            SegmentKind::Dropped(DropReason::TooShort)
        } else {
            SegmentKind::Word
        };
        self.push(start, end, kind);
    }
}

/// Whether `chunk` is a plain word (word characters only), as most are:
/// those skip the piece-by-piece rules.
#[inline]
fn is_plain(text: &str, chunk: Chunk) -> bool {
    let (bytes, end) = (text.as_bytes(), chunk.end);
    let mut i = chunk.start;
    while i < end {
        i += ascii_alnum_run(&bytes[..end], i);
        if i < end {
            let c = text[i..].chars().next().unwrap_or(' ');
            if !(c.len_utf8() > 1 && is_word_char(c)) {
                return false;
            }
            i += c.len_utf8();
        }
    }
    true
}

/// Segments the chunk `text[cs..ce]`, which holds punctuation: its pieces
/// (runs of word characters) go through the rules, unless it is a web or
/// e-mail address.
fn segment_punctuated(text: &str, cs: usize, ce: usize, pieces: &mut Vec<Piece>, out: &mut Out) {
    let chunk = &text[cs..ce];
    pieces.clear();
    let mut run_start: Option<usize> = None;
    let bytes = chunk.as_bytes();
    let mut off = 0;
    while off < bytes.len() {
        // ASCII fast path; decode a char only for non-ASCII bytes.
        let (is_word, len) = if bytes[off] < 0x80 {
            (bytes[off].is_ascii_alphanumeric(), 1)
        } else {
            let c = chunk[off..].chars().next().unwrap_or(' ');
            (is_word_char(c), c.len_utf8())
        };
        if is_word {
            if run_start.is_none() {
                run_start = Some(cs + off);
            }
        } else if let Some(s) = run_start.take() {
            pieces.push(Piece {
                start: s,
                end: cs + off,
            });
        }
        off += len;
    }
    if let Some(s) = run_start {
        pieces.push(Piece { start: s, end: ce });
    }
    let Some(first) = pieces.first().copied() else {
        // Only punctuation: a bullet, a dash, an ellipsis.
        if chunk.chars().any(|c| breaks_clause(c) || c == '-') {
            out.break_clause();
        }
        return;
    };
    let last = pieces[pieces.len() - 1];
    if text[cs..first.start].chars().any(breaks_clause) {
        out.break_clause();
    }
    if is_url(chunk) {
        out.push(first.start, last.end, SegmentKind::Dropped(DropReason::Url));
    } else if is_email(&text[first.start..last.end]) {
        out.push(
            first.start,
            last.end,
            SegmentKind::Dropped(DropReason::Email),
        );
    } else {
        segment_pieces(text, pieces, out);
    }
    if text[last.end..ce].chars().any(breaks_clause) {
        out.break_clause();
    }
}

fn sep<'t>(text: &'t str, pieces: &[Piece], i: usize) -> &'t str {
    &text[pieces[i].end..pieces[i + 1].start]
}

fn is_single_letter(text: &str, p: Piece) -> bool {
    let mut chars = text[p.start..p.end]
        .chars()
        .filter(|c| !is_combining_mark(*c));
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
}

/// `H/F`, `F/H`, `H/F/X`, `M/W/D`… starting at piece `i`: the index of its last piece.
fn gender_marker_at(text: &str, pieces: &[Piece], i: usize) -> Option<usize> {
    let is_marker_letter = |p: Piece| {
        p.end == p.start + 1
            && MARKER_LETTERS.contains(&text.as_bytes()[p.start].to_ascii_lowercase())
    };
    if !is_marker_letter(pieces[i]) {
        return None;
    }
    let mut j = i;
    while j + 1 < pieces.len() && sep(text, pieces, j) == "/" && is_marker_letter(pieces[j + 1]) {
        j += 1;
    }
    if j == i {
        return None;
    }
    let first = text.as_bytes()[pieces[i].start].to_ascii_lowercase();
    let second = text.as_bytes()[pieces[i + 1].start].to_ascii_lowercase();
    let pair_ok = matches!(
        (first, second),
        (b'h', b'f') | (b'f', b'h') | (b'm', b'f') | (b'f', b'm') | (b'm', b'w')
    );
    pair_ok.then_some(j)
}

/// Applies the rules to the pieces of a chunk: elisions, compounds, letter
/// pairs, gender markers and inclusive-writing suffixes.
fn segment_pieces(text: &str, pieces: &[Piece], out: &mut Out) {
    let n = pieces.len();
    let mut word_start: Option<usize> = None;
    let mut i = 0;
    while i < n {
        if word_start.is_none() {
            if let Some(j) = gender_marker_at(text, pieces, i) {
                out.push(
                    pieces[i].start,
                    pieces[j].end,
                    SegmentKind::Dropped(DropReason::GenderMarker),
                );
                i = j + 1;
                if i < n && sep(text, pieces, i - 1).chars().any(breaks_clause) {
                    out.break_clause();
                }
                continue;
            }
        }
        let ws = *word_start.get_or_insert(i);
        if i + 1 == n {
            out.word(text, pieces[ws].start, pieces[i].end);
            break;
        }
        let s = sep(text, pieces, i);
        if is_apostrophe(s) {
            if ws == i && eq_lower(&text[pieces[i].start..pieces[i].end], ELISIONS) {
                out.push(
                    pieces[i].start,
                    pieces[i + 1].start,
                    SegmentKind::Dropped(DropReason::Elision),
                );
                word_start = None;
            }
            // Otherwise the apostrophe joins: `aujourd'hui`, `company's`, `don't`.
            i += 1;
            continue;
        }
        if joins(text, pieces, i, ws) {
            i += 1;
            continue;
        }
        if is_gender_sep(s) {
            if let Some(k) = gender_suffix_run(text, pieces, i + 1) {
                out.word(text, pieces[ws].start, pieces[i].end);
                word_start = None;
                out.gender_suffix(text, pieces[i].end, pieces[k].end);
                i = k + 1;
                if i < n
                    && sep(text, pieces, k)
                        .chars()
                        .any(|c| breaks_clause(c) && c != ')')
                {
                    out.break_clause();
                }
                continue;
            }
        }
        // Any other separator ends the word: `PO/PM`, `node.js`, `produit,tech`.
        out.word(text, pieces[ws].start, pieces[i].end);
        word_start = None;
        if s.chars().any(breaks_clause) && s != "." {
            out.break_clause();
        }
        i += 1;
    }
}

/// Whether the separator after piece `i`, in a word starting at piece
/// `word_start`, joins the two pieces into one word.
fn joins(text: &str, pieces: &[Piece], i: usize, word_start: usize) -> bool {
    let s = sep(text, pieces, i);
    // Hyphenated compound: one word (`go-to-market`, `co-conception`).
    is_hyphen(s)
        // `A/B`, `R&D`: one word of two letters.
        || ((s == "/" || s == "&")
            && word_start == i
            && is_single_letter(text, pieces[i])
            && is_single_letter(text, pieces[i + 1]))
}

/// The run of gender suffixes starting at piece `k`, each glued to the
/// previous piece by a gender separator (`·se`, `·rice·s`, `(trice)`, `(e)s`,
/// `.e`, but not `.js`): the index of its last piece.
fn gender_suffix_run(text: &str, pieces: &[Piece], k: usize) -> Option<usize> {
    let is_suffix = |p: Piece| eq_lower(&text[p.start..p.end], GENDER_SUFFIXES);
    if !is_suffix(pieces[k]) {
        return None;
    }
    let mut k = k;
    while k + 1 < pieces.len() {
        let s = sep(text, pieces, k);
        if is_gender_sep(s) && is_suffix(pieces[k + 1]) {
            k += 1;
        } else if is_hyphen(s) || is_apostrophe(s) {
            // `.le-` or `.e'`: the "suffix" glues onto a word, so it is not one.
            return None;
        } else {
            break;
        }
    }
    Some(k)
}

fn is_url(chunk: &str) -> bool {
    let t = chunk
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .as_bytes();
    let starts = |p: &[u8]| t.len() >= p.len() && t[..p.len()].eq_ignore_ascii_case(p);
    starts(b"www.") || (chunk.as_bytes().contains(&b':') && chunk.contains("://"))
}

fn is_email(core: &str) -> bool {
    match core.bytes().position(|b| b == b'@') {
        Some(at) => at > 0 && core.as_bytes()[at + 1..].contains(&b'.'),
        None => false,
    }
}

#[cfg(test)]
mod tests;
