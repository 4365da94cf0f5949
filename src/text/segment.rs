//! Splitting a posting into words with byte spans, before any normalisation.
//!
//! The segmenter decides what a *word* is: which separators join (elisions,
//! hyphenated compounds, `A/B`), which split (`PO/PM`, punctuation) and which
//! mark something to drop (gender markers, inclusive-writing suffixes, URLs,
//! numbers). It never copies text: every [`Segment`] is a byte range of the
//! input, so the spans shown to the user are always the posting's own words.

use unicode_normalization::char::is_combining_mark;

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
pub enum SegmentKind {
    /// A word to normalise; it may contain joiners (`'`, `-`, `/`, `&`).
    Word,
    /// Dropped before normalisation, for this reason.
    Dropped(DropReason),
}

/// A byte range of the input and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
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
const GENDER_SUFFIXES: &[&str] = &[
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

/// Byte classes for the scanning loops: most of a posting is ASCII letters
/// and spaces, and a table lookup keeps those loops to a few instructions
/// per byte (the chunk scan was the analyzer's hottest loop when profiled).
const WORD: u8 = 1;
const SPACE: u8 = 2;
const NEWLINE: u8 = 3;
const HIGH: u8 = 4;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c >= 0x80 {
            HIGH
        } else if c.is_ascii_alphanumeric() {
            WORD
        } else if c == b'\n' {
            NEWLINE
        } else if c.is_ascii_whitespace() {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    t
};

/// `b` in every byte of a word.
const fn splat(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

/// Bytes whose high bit is set where the byte of `x` is *not* an ASCII
/// letter or digit. Eight bytes are classified at once: each range test adds
/// a per-byte constant to the low seven bits, so no carry crosses bytes.
#[inline]
fn not_alnum(x: u64) -> u64 {
    let low = x & splat(0x7f);
    let ascii = !x & splat(0x80);
    // Letters: case folded by setting bit 5, then 'a'..='z'.
    let folded = low | splat(0x20);
    let letter = (folded + splat(0x80 - b'a')) & !(folded + splat(0x7f - b'z'));
    let digit = (low + splat(0x80 - b'0')) & !(low + splat(0x7f - b'9'));
    !((letter | digit) & ascii) & splat(0x80)
}

/// Bytes whose high bit is set where the byte of `x` may end a chunk: ASCII
/// space and control characters, and non-ASCII bytes (which may start a
/// Unicode space).
#[inline]
fn maybe_space(x: u64) -> u64 {
    let low = x & splat(0x7f);
    let at_most_space = !(low + splat(0x7f - b' ')) & splat(0x80);
    (x & splat(0x80)) | at_most_space
}

/// The length of the run at `bytes[i..]` of bytes that `stops` (eight at a
/// time) does not flag; `continues` is the same test on one byte, for the
/// tail. A byte-at-a-time loop paid a mispredicted branch at the end of
/// nearly every word, and was the segmenter's hottest code.
#[inline(always)]
fn run(bytes: &[u8], i: usize, stops: fn(u64) -> u64, continues: fn(u8) -> bool) -> usize {
    let mut j = i;
    while j + 8 <= bytes.len() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[j..j + 8]);
        let stop = stops(u64::from_le_bytes(w));
        if stop != 0 {
            return j - i + (stop.trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    while j < bytes.len() && continues(bytes[j]) {
        j += 1;
    }
    j - i
}

/// The length of the run of ASCII letters and digits at `bytes[i..]`.
#[inline]
fn ascii_alnum_run(bytes: &[u8], i: usize) -> usize {
    run(bytes, i, not_alnum, |b| b.is_ascii_alphanumeric())
}

/// The length of the run at `bytes[i..]` of bytes that cannot end a chunk.
#[inline]
fn chunk_run(bytes: &[u8], i: usize) -> usize {
    run(bytes, i, maybe_space, |b| b > b' ' && b < 0x80)
}

/// The Unicode space (`char::is_whitespace`) starting at `bytes[i]`, a
/// non-ASCII byte at a char boundary: its length, and whether it breaks a
/// line (U+2028, U+2029). Read off the bytes: only four lead bytes can start
/// one, so an accented letter costs a comparison, not a decode.
#[inline]
fn unicode_space_at(bytes: &[u8], i: usize) -> Option<(usize, bool)> {
    let next = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
    match (bytes[i], next(1), next(2)) {
        (0xC2, 0x85 | 0xA0, _) => Some((2, false)),
        (0xE1, 0x9A, 0x80) | (0xE2, 0x80, 0x80..=0x8A | 0xAF) | (0xE2, 0x81, 0x9F) => {
            Some((3, false))
        }
        (0xE3, 0x80, 0x80) => Some((3, false)),
        (0xE2, 0x80, 0xA8 | 0xA9) => Some((3, true)),
        _ => None,
    }
}

/// The length of the UTF-8 sequence that `lead` starts.
#[inline]
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// A whitespace-delimited stretch of the input: the unit the segmenter
/// works on (no rule looks across whitespace), and so the unit the
/// vectorizer caches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Chunk {
    /// Byte offset of its first byte.
    pub(crate) start: usize,
    /// Byte offset one past its last byte.
    pub(crate) end: usize,
    /// A line break lies between it and the previous chunk.
    pub(crate) line_break_before: bool,
}

/// The chunks of a text, in order.
pub(crate) struct Chunks<'t> {
    text: &'t str,
    i: usize,
}

/// The chunks of `text`.
pub(crate) fn chunks(text: &str) -> Chunks<'_> {
    Chunks { text, i: 0 }
}

impl Iterator for Chunks<'_> {
    type Item = Chunk;

    // Inlined into the vectorizer's loop: called once per word, the call
    // itself showed in profiles.
    #[inline(always)]
    fn next(&mut self) -> Option<Chunk> {
        let bytes = self.text.as_bytes();
        let mut i = self.i;
        let mut line_break_before = false;
        // Skip whitespace, noting line breaks.
        loop {
            let &b = bytes.get(i)?;
            match CLASS[b as usize] {
                SPACE => i += 1,
                NEWLINE => {
                    line_break_before = true;
                    i += 1;
                }
                HIGH => match unicode_space_at(bytes, i) {
                    Some((len, line_break)) => {
                        line_break_before |= line_break;
                        i += len;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        let start = i;
        loop {
            i += chunk_run(bytes, i);
            let Some(&b) = bytes.get(i) else { break };
            match CLASS[b as usize] {
                SPACE | NEWLINE => break,
                HIGH => {
                    if unicode_space_at(bytes, i).is_some() {
                        break;
                    }
                    i += utf8_len(b);
                }
                // A control character that is not whitespace: punctuation.
                _ => i += 1,
            }
        }
        self.i = i;
        Some(Chunk {
            start,
            end: i,
            line_break_before,
        })
    }
}

/// Splits `text` into segments, appending them to `out` (cleared first).
pub fn segment(text: &str, out: &mut Vec<Segment>) {
    out.clear();
    let mut pieces = Vec::new();
    let mut pending_break = true;
    for c in chunks(text) {
        pending_break |= c.line_break_before;
        segment_chunk_at(text, c, &mut pieces, out, &mut pending_break);
    }
}

/// Segments one chunk of `text`, appending to `out`. `pending_break` says
/// whether a break precedes the chunk's first segment, and is left saying
/// whether one follows its last; `pieces` is scratch space.
pub(crate) fn segment_chunk_at(
    text: &str,
    chunk: Chunk,
    pieces: &mut Vec<Piece>,
    out: &mut Vec<Segment>,
    pending_break: &mut bool,
) {
    // Most chunks are a plain word (word characters only): those skip the
    // piece-by-piece rules.
    let (bytes, start, end) = (text.as_bytes(), chunk.start, chunk.end);
    let mut i = start;
    let mut plain = true;
    while plain && i < end {
        i += ascii_alnum_run(&bytes[..end], i);
        if i < end {
            let c = text[i..].chars().next().unwrap_or(' ');
            plain = c.len_utf8() > 1 && is_word_char(c);
            i += c.len_utf8();
        }
    }
    if plain {
        flush_word(text, start, end, out, pending_break);
    } else {
        segment_chunk(text, start, end, pieces, out, pending_break);
    }
}

fn segment_chunk(
    text: &str,
    cs: usize,
    ce: usize,
    pieces: &mut Vec<Piece>,
    out: &mut Vec<Segment>,
    pending_break: &mut bool,
) {
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
            *pending_break = true;
        }
        return;
    };
    let last = pieces[pieces.len() - 1];
    if text[cs..first.start].chars().any(breaks_clause) {
        *pending_break = true;
    }

    let mut push = |out: &mut Vec<Segment>, start: usize, end: usize, kind: SegmentKind| {
        out.push(Segment {
            start: start as u32,
            end: end as u32,
            kind,
            clause_start: std::mem::take(pending_break),
        });
    };

    if is_url(chunk) {
        push(
            out,
            first.start,
            last.end,
            SegmentKind::Dropped(DropReason::Url),
        );
    } else if is_email(&text[first.start..last.end]) {
        push(
            out,
            first.start,
            last.end,
            SegmentKind::Dropped(DropReason::Email),
        );
    } else {
        segment_pieces(text, pieces, out, pending_break);
    }

    if text[last.end..ce].chars().any(breaks_clause) {
        *pending_break = true;
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

fn segment_pieces(text: &str, pieces: &[Piece], out: &mut Vec<Segment>, pending_break: &mut bool) {
    let n = pieces.len();
    let mut word_start: Option<usize> = None;
    let mut i = 0;
    while i < n {
        if word_start.is_none() {
            if let Some(j) = gender_marker_at(text, pieces, i) {
                push_seg(
                    out,
                    pieces[i].start,
                    pieces[j].end,
                    SegmentKind::Dropped(DropReason::GenderMarker),
                    pending_break,
                );
                i = j + 1;
                if i < n && sep(text, pieces, i - 1).chars().any(breaks_clause) {
                    *pending_break = true;
                }
                continue;
            }
        }
        let ws = *word_start.get_or_insert(i);
        if i + 1 == n {
            flush_word(text, pieces[ws].start, pieces[i].end, out, pending_break);
            break;
        }
        let s = sep(text, pieces, i);
        if is_apostrophe(s) {
            if ws == i && eq_lower(&text[pieces[i].start..pieces[i].end], ELISIONS) {
                push_seg(
                    out,
                    pieces[i].start,
                    pieces[i + 1].start,
                    SegmentKind::Dropped(DropReason::Elision),
                    pending_break,
                );
                word_start = None;
            }
            // Otherwise the apostrophe joins: `aujourd'hui`, `company's`, `don't`.
            i += 1;
            continue;
        }
        if is_hyphen(s) {
            // Hyphenated compound: one word (`go-to-market`, `co-conception`).
            i += 1;
            continue;
        }
        if (s == "/" || s == "&")
            && ws == i
            && is_single_letter(text, pieces[i])
            && is_single_letter(text, pieces[i + 1])
        {
            // `A/B`, `R&D`: one word of two letters.
            i += 1;
            continue;
        }
        if is_gender_sep(s) {
            if let Some(k) = gender_suffix_run(text, pieces, i + 1) {
                flush_word(text, pieces[ws].start, pieces[i].end, out, pending_break);
                word_start = None;
                // Swallow the suffixes (`·rice·s`, `(e)s`, `.e`) and a closing parenthesis.
                let mut end = pieces[k].end;
                if text[end..].starts_with(')') {
                    end += 1;
                }
                push_seg(
                    out,
                    pieces[i].end,
                    end,
                    SegmentKind::Dropped(DropReason::GenderSuffix),
                    pending_break,
                );
                i = k + 1;
                if i < n
                    && sep(text, pieces, k)
                        .chars()
                        .any(|c| breaks_clause(c) && c != ')')
                {
                    *pending_break = true;
                }
                continue;
            }
        }
        // Any other separator ends the word: `PO/PM`, `node.js`, `produit,tech`.
        flush_word(text, pieces[ws].start, pieces[i].end, out, pending_break);
        word_start = None;
        if s.chars().any(breaks_clause) && s != "." {
            *pending_break = true;
        }
        i += 1;
    }
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

fn push_seg(
    out: &mut Vec<Segment>,
    start: usize,
    end: usize,
    kind: SegmentKind,
    pending_break: &mut bool,
) {
    out.push(Segment {
        start: start as u32,
        end: end as u32,
        kind,
        clause_start: std::mem::take(pending_break),
    });
}

fn flush_word(
    text: &str,
    start: usize,
    end: usize,
    out: &mut Vec<Segment>,
    pending_break: &mut bool,
) {
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
    push_seg(out, start, end, kind, pending_break);
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
mod tests {
    use super::*;

    /// Segments of `text` as (slice, kind) pairs.
    fn segs(text: &str) -> Vec<(&str, SegmentKind)> {
        let mut out = Vec::new();
        segment(text, &mut out);
        out.iter()
            .map(|s| (&text[s.start as usize..s.end as usize], s.kind))
            .collect()
    }

    fn words(text: &str) -> Vec<&str> {
        segs(text)
            .into_iter()
            .filter(|(_, k)| *k == SegmentKind::Word)
            .map(|(w, _)| w)
            .collect()
    }

    fn dropped(text: &str, reason: DropReason) -> Vec<&str> {
        segs(text)
            .into_iter()
            .filter(|(_, k)| *k == SegmentKind::Dropped(reason))
            .map(|(w, _)| w)
            .collect()
    }

    #[test]
    fn alnum_runs_match_the_byte_by_byte_definition() {
        // Every byte value, at every position of the eight-byte window.
        for b in 0..=255u8 {
            for pos in 0..10 {
                let mut bytes = vec![b'a'; 12];
                bytes[pos] = b;
                let expected = bytes
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .count();
                assert_eq!(ascii_alnum_run(&bytes, 0), expected, "byte {b:#x} at {pos}");
            }
        }
        assert_eq!(ascii_alnum_run(b"Roadmap2026 ", 0), 11);
        assert_eq!(ascii_alnum_run(b"xx-yy", 3), 2);
    }

    #[test]
    fn unicode_spaces_are_read_off_the_bytes_exactly() {
        for c in ('\u{80}'..=char::MAX).filter(|c| c.len_utf8() > 1) {
            let mut buf = [0u8; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            let expected = c
                .is_whitespace()
                .then_some((c.len_utf8(), c == '\u{2028}' || c == '\u{2029}'));
            assert_eq!(unicode_space_at(bytes, 0), expected, "{:?}", c);
            assert_eq!(utf8_len(bytes[0]), c.len_utf8());
        }
    }

    #[test]
    fn chunks_end_at_every_kind_of_whitespace() {
        let t = "a\u{a0}bé\tc\u{202f}:\u{b}d\r\ne\u{2028}f  g";
        let got: Vec<(&str, bool)> = chunks(t)
            .map(|c| (&t[c.start..c.end], c.line_break_before))
            .collect();
        assert_eq!(
            got,
            [
                ("a", false),
                ("bé", false),
                ("c", false),
                (":\u{b}d", false),
                ("e", true),
                ("f", true),
                ("g", false)
            ]
        );
        for b in 0..=127u8 {
            let bytes = [b'x', b'x', b'x', b, b'x', b'x', b'x', b'x', b'x', b'x'];
            let stops = b <= b' ';
            let run = chunk_run(&bytes, 0);
            assert_eq!(run == 3, stops, "byte {b:#x}");
        }
    }

    #[test]
    fn elisions_with_every_apostrophe() {
        let t = "l'équipe d’un produit qu'il faut, jusqu'au lancement, lorsqu’on s\u{2BC}engage";
        assert_eq!(
            words(t),
            [
                "équipe",
                "un",
                "produit",
                "il",
                "faut",
                "au",
                "lancement",
                "on",
                "engage"
            ]
        );
        assert_eq!(
            dropped(t, DropReason::Elision),
            ["l'", "d’", "qu'", "jusqu'", "lorsqu’", "s\u{2BC}"]
        );
    }

    #[test]
    fn apostrophe_inside_a_word_joins() {
        assert_eq!(
            words("aujourd'hui the company's roadmap, don't"),
            ["aujourd'hui", "the", "company's", "roadmap", "don't"]
        );
    }

    #[test]
    fn inclusive_writing_leaves_the_base_word() {
        let t =
            "un·e développeur·se, un.e collaborateur(trice) motivé.e, acteur·rice·s et client(e)s";
        assert_eq!(
            words(t),
            [
                "un",
                "développeur",
                "un",
                "collaborateur",
                "motivé",
                "acteur",
                "et",
                "client"
            ]
        );
        assert_eq!(
            dropped(t, DropReason::GenderSuffix),
            ["·e", "·se", ".e", "(trice)", ".e", "·rice·s", "(e)s"]
        );
    }

    #[test]
    fn gender_markers_are_dropped_whole() {
        let t = "Product Manager H/F - Chef de produit (F/H) Lead PM (H/F/X) Manager(H/F) m/w/d";
        assert_eq!(
            words(t),
            ["Product", "Manager", "Chef", "de", "produit", "Lead", "PM", "Manager"]
        );
        assert_eq!(
            dropped(t, DropReason::GenderMarker),
            ["H/F", "F/H", "H/F/X", "H/F", "m/w/d"]
        );
    }

    #[test]
    fn hyphenated_compounds_stay_one_word() {
        assert_eq!(
            words("stratégie go-to-market, co-conception data-driven e‑commerce"),
            [
                "stratégie",
                "go-to-market",
                "co-conception",
                "data-driven",
                "e‑commerce"
            ]
        );
    }

    #[test]
    fn slashes_split_alternatives_but_join_letter_pairs() {
        assert_eq!(
            words("PO/PM, UX/UI, A/B testing, R&D"),
            ["PO", "PM", "UX", "UI", "A/B", "testing", "R&D"]
        );
    }

    #[test]
    fn numbers_urls_and_emails_are_dropped() {
        let t = "45-55K€ brut, 3 ans, 2024 : postulez sur https://jobs.example.fr/pm?id=3 ou jobs@example.fr (www.example.com)";
        assert_eq!(dropped(t, DropReason::Number), ["45-55K", "3", "2024"]);
        assert_eq!(
            dropped(t, DropReason::Url),
            ["https://jobs.example.fr/pm?id=3", "www.example.com"]
        );
        assert_eq!(dropped(t, DropReason::Email), ["jobs@example.fr"]);
        assert_eq!(words(t), ["brut", "ans", "postulez", "sur", "ou"]);
    }

    #[test]
    fn dotted_words_that_are_not_inclusive_split() {
        assert_eq!(
            words("Node.js et Vue.js"),
            ["Node", "js", "et", "Vue", "js"]
        );
    }

    #[test]
    fn clause_breaks_follow_punctuation_and_lines() {
        let t = "gestion du backlog. Vision produit\n- roadmap, OKR";
        let mut out = Vec::new();
        segment(t, &mut out);
        let starts: Vec<&str> = out
            .iter()
            .filter(|s| s.clause_start)
            .map(|s| &t[s.start as usize..s.end as usize])
            .collect();
        assert_eq!(starts, ["gestion", "Vision", "roadmap", "OKR"]);
    }

    #[test]
    fn decomposed_accents_stay_inside_the_word() {
        assert_eq!(
            words("strate\u{301}gie produit"),
            ["strate\u{301}gie", "produit"]
        );
    }
}
