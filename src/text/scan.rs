//! Finding the words' boundaries fast: the whitespace-delimited chunks of a
//! text, and runs of ASCII letters and digits, eight or sixty-four bytes at a
//! time. No French here: the rules that split a chunk into words are in
//! `segment.rs`, and they never look across whitespace, which is what lets
//! the vectorizer cache a chunk's segments.

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
pub(crate) fn ascii_alnum_run(bytes: &[u8], i: usize) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn chunks_of_the_text_that_broke_the_first_block_scanner() {
        // Found by `chunks_match_a_char_by_char_reading` (its seed was saved
        // in proptest-regressions/text/segment.txt while the scanner lived there).
        let text = "\u{3000}-----a’a’’a-aa-é-éaa\u{a0}\u{85}\u{2009}é’a-’é’’-’’’a’’a’aééé’é-é---éé’-a’éé--a’’’a’’éaa’aa--é’--aa’--’’aaa’aa--aaa-’-a’aé-’aé’é-éaa--aa’a-a-’ééaa-éa-a’’aé’\t\0\u{2009}--éaa-a’’-’--’\t\t\0’’aa-aa--’éé’’’’’aé’aa-ééé’é’’’ééaé-éaa-éaa’aé-’’a’aéa’éa-’--a’aéaaa’é\t\u{3000}aa--éaa--é-’éaé’-a’aa’aaé-aa’aéa-’éé’a--’-aéaa’a-é-’’’’-’éaa’-aé’a-eeé-éé’-’gyoé’-r’--’én’’-’-t-’-’éé-’’vi-l’yé’-’’-t’é’é--’é-rz\u{2009}-’éc\0\u{a0}\u{85}";
        assert_eq!(found_chunks(text), reference_chunks(text));
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
}
