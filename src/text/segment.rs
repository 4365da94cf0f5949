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
///
/// The text is classified 64 bytes at a time into a bitmap of its
/// whitespace bytes (and one of where line breaks start), with vector
/// compares; chunks are then the runs of clear bits, found with bit scans.
/// A byte-at-a-time scan paid mispredicted branches at the end of nearly
/// every word and around accented letters: it was a fifth of the
/// vectorizer's time.
pub(crate) struct Chunks<'t> {
    bytes: &'t [u8],
    /// The next byte to look at.
    i: usize,
    /// Where the block the bitmaps describe starts (a multiple of
    /// [`BLOCK`]), or `usize::MAX` before the first.
    base: usize,
    /// Bit k: `bytes[base + k]` is whitespace (bytes past the end are).
    space: u64,
    /// Bit k: a line break starts at `bytes[base + k]`.
    breaks: u64,
    /// Bytes at the start of the next block that end a Unicode space begun
    /// in this one.
    spill: u32,
}

/// Bytes classified at once: one bit each in a `u64`.
const BLOCK: usize = 64;

/// The chunks of `text`.
pub(crate) fn chunks(text: &str) -> Chunks<'_> {
    Chunks {
        bytes: text.as_bytes(),
        i: 0,
        base: usize::MAX,
        space: 0,
        breaks: 0,
        spill: 0,
    }
}

/// The last, partial block from `base`, with spaces past the end.
fn last_block(bytes: &[u8], base: usize) -> [u8; BLOCK] {
    let mut block = [b' '; BLOCK];
    let tail = bytes.get(base..).unwrap_or_default();
    block[..tail.len()].copy_from_slice(tail);
    block
}

/// A block as three bitmaps: its bytes at most `b' '`, those of them below
/// `b' '`, and the lead bytes of the Unicode spaces (C2, E1–E3; E0 is let
/// in, and checked). SSE2, part of every x86-64, through `safe_arch`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn classify(block: &[u8; BLOCK]) -> (u64, u64, u64) {
    use safe_arch::{
        bitand_m128i, bitandnot_m128i, bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i,
        m128i, min_u8_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let every = |b: u8| set_splat_i8_m128i(b as i8);
    let (mut low, mut controls, mut leads) = (0u64, 0u64, 0u64);
    for (q, part) in block.chunks_exact(16).enumerate() {
        let x = load_unaligned_m128i(part.try_into().expect("16 bytes"));
        let at_most_space = cmp_eq_mask_i8_m128i(min_u8_m128i(x, every(b' ')), x);
        let not_space = bitandnot_m128i(cmp_eq_mask_i8_m128i(x, every(b' ')), at_most_space);
        let lead = bitor_m128i(
            cmp_eq_mask_i8_m128i(x, every(0xC2)),
            cmp_eq_mask_i8_m128i(bitand_m128i(x, every(0xFC)), every(0xE0)),
        );
        let bits = |m: m128i| u64::from(move_mask_i8_m128i(m) as u16) << (16 * q);
        low |= bits(at_most_space);
        controls |= bits(not_space);
        leads |= bits(lead);
    }
    (low, controls, leads)
}

/// [`classify`] without SSE2: a byte at a time. It defines what the vector
/// version computes, and a test holds the two equal.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn classify(block: &[u8; BLOCK]) -> (u64, u64, u64) {
    classify_bytes(block)
}

#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
fn classify_bytes(block: &[u8; BLOCK]) -> (u64, u64, u64) {
    let mask = |test: fn(u8) -> bool| {
        block
            .iter()
            .enumerate()
            .fold(0u64, |m, (k, &b)| m | u64::from(test(b)) << k)
    };
    (
        mask(|b| b <= b' '),
        mask(|b| b < b' '),
        mask(|b| b == 0xC2 || b & 0xFC == 0xE0),
    )
}

/// The `n` low bits set (`n` up to 64).
#[inline]
fn low_bits(n: u32) -> u64 {
    u64::MAX.checked_shr(64 - n).unwrap_or(0)
}

impl Chunks<'_> {
    /// Where `self.i` is in its block, loading the block's bitmaps first if
    /// it is not the current one. Blocks are loaded in order, one after the
    /// other, so that a Unicode space across a block boundary carries over.
    #[inline(always)]
    fn offset(&mut self) -> usize {
        let base = self.i & !(BLOCK - 1);
        if base != self.base {
            self.load(base);
        }
        self.i - base
    }

    /// Classifies the block starting at `base`. Kept out of line: it runs
    /// once per 64 bytes, and the vectorizer ran 2% fewer instructions so.
    #[inline(never)]
    fn load(&mut self, base: usize) {
        let bytes = self.bytes;
        let last;
        let block: &[u8; BLOCK] = match bytes.get(base..base + BLOCK) {
            Some(b) => b.try_into().expect("a block's length"),
            None => {
                last = last_block(bytes, base);
                &last
            }
        };
        let (low, mut controls, mut leads) = classify(block);
        let mut space = low | low_bits(self.spill);
        let mut breaks = 0;
        // A newline breaks a line; tab, form feed and carriage return are
        // spaces; other control characters are punctuation.
        while controls != 0 {
            let k = controls.trailing_zeros();
            match bytes[base + k as usize] {
                b'\n' => breaks |= 1 << k,
                b'\t' | 0x0C | b'\r' => {}
                _ => space &= !(1 << k),
            }
            controls &= controls - 1;
        }
        self.spill = 0;
        while leads != 0 {
            let k = leads.trailing_zeros();
            if let Some((len, line_break)) = unicode_space_at(bytes, base + k as usize) {
                let end = k + len as u32;
                space |= low_bits(end.min(64)) & !low_bits(k);
                self.spill = end.saturating_sub(64);
                if line_break {
                    breaks |= 1 << k;
                }
            }
            leads &= leads - 1;
        }
        self.base = base;
        self.space = space;
        self.breaks = breaks;
    }
}

impl Iterator for Chunks<'_> {
    type Item = Chunk;

    // Inlined into the vectorizer's loop: called once per word, the call
    // itself showed in profiles.
    #[inline(always)]
    fn next(&mut self) -> Option<Chunk> {
        let len = self.bytes.len();
        let mut line_break_before = false;
        // Skip whitespace, noting line breaks.
        loop {
            if self.i >= len {
                return None;
            }
            let off = self.offset();
            let run = (!(self.space >> off)).trailing_zeros();
            line_break_before |= self.breaks & (low_bits(run) << off) != 0;
            self.i += run as usize;
            if off + (run as usize) < BLOCK {
                break;
            }
        }
        if self.i >= len {
            return None;
        }
        let start = self.i;
        // The chunk ends at the next whitespace byte (past the end, at the end).
        loop {
            let off = self.offset();
            let rest = self.space >> off;
            if rest != 0 {
                self.i += rest.trailing_zeros() as usize;
                break;
            }
            self.i += BLOCK - off;
        }
        Some(Chunk {
            start,
            end: self.i.min(len),
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
            let t = String::from_utf8(vec![b'x', b'x', b'x', b, b'x', b'x']).unwrap();
            let splits = matches!(b, b' ' | b'\t' | b'\n' | 0x0C | b'\r');
            assert_eq!(chunks(&t).count() == 2, splits, "byte {b:#x}");
        }
    }

    /// The chunks of `text` found a char at a time: runs of chars that are
    /// not whitespace (but the vertical tab, which is punctuation), with
    /// whether a line break (`\n`, U+2028, U+2029) comes before each.
    fn reference_chunks(text: &str) -> Vec<(usize, usize, bool)> {
        let mut out = Vec::new();
        let (mut start, mut line_break) = (None, false);
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            let space = c.is_whitespace() && c != '\u{b}';
            match (space, start) {
                (true, Some(s)) => {
                    out.push((s, i, line_break));
                    (start, line_break) = (None, false);
                }
                (false, None) => start = Some(i),
                _ => {}
            }
            line_break |= matches!(c, '\n' | '\u{2028}' | '\u{2029}') && start.is_none();
        }
        out
    }

    fn found_chunks(text: &str) -> Vec<(usize, usize, bool)> {
        chunks(text)
            .map(|c| (c.start, c.end, c.line_break_before))
            .collect()
    }

    #[test]
    fn chunks_cross_block_boundaries() {
        // Unicode spaces, newlines and long words across the 64-byte blocks,
        // and texts of exactly one and two blocks.
        for n in [0, 1, 61, 62, 63, 64, 65, 126, 127, 128] {
            for sep in [
                " ", "\n", "\u{a0}", "\u{2028}", "\u{3000}", "\t\r\n", "\u{b}",
            ] {
                for text in [
                    format!("{}{sep}b", "a".repeat(n)),
                    format!("{}{sep}", "é".repeat(n / 2)),
                    format!("{sep}{}{sep}{sep}c", "x".repeat(n)),
                ] {
                    assert_eq!(found_chunks(&text), reference_chunks(&text), "{text:?}");
                }
            }
        }
        assert!(found_chunks(&" ".repeat(128)).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn blocks_classify_as_byte_by_byte(bytes in proptest::collection::vec(
            proptest::sample::select(vec![0u8, 9, 10, 11, 13, 31, 32, 33, 97, 0x7F, 0x80, 0xA0, 0xC2, 0xC3, 0xDF, 0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xFC, 0xFF]),
            BLOCK,
        )) {
            let block: [u8; BLOCK] = bytes.try_into().unwrap();
            proptest::prop_assert_eq!(classify(&block), classify_bytes(&block));
        }

        #[test]
        fn chunks_match_a_char_by_char_reading(
            text in "([a-zé’\\-]{0,70}[ \t\n\r\u{b}\u{c}\u{0}\u{85}\u{a0}\u{2028}\u{2029}\u{2009}\u{3000}]{0,3}){0,12}"
        ) {
            proptest::prop_assert_eq!(found_chunks(&text), reference_chunks(&text));
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
