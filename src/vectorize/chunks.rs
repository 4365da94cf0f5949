//! The per-thread chunk cache: each distinct chunk (a whitespace-delimited
//! stretch of text, such as `produit`, `l'équipe,` or `(H/F)`) is segmented
//! once, and each of its words normalised once per language.
//!
//! No segmentation rule looks across whitespace, so a chunk's segments, its
//! language votes and whether a clause break follows it depend on its bytes
//! alone. The vectorizer therefore only finds where chunks start and end
//! (eight bytes at a time), looks each chunk up, and replays what the
//! segmenter made of it the first time: byte scanning, the piece-by-piece
//! rules and the word-cache lookup were two thirds of the transform when
//! profiled, and a chunk lookup replaces all three.
//!
//! The table is open addressing with linear probing and the key inline (a
//! chunk of up to 15 bytes — 99.6% of a posting's chunks — packed into a
//! `u128` with its length): one probe reads one cache line, where
//! hashbrown reads a control byte and then the bucket. A document's chunks
//! are all probed in one loop before any is used, so the CPU keeps many
//! cache misses in flight instead of waiting on each in turn.
//!
//! Hashing: foldhash with a per-process random seed. The keys are untrusted
//! input, and a seeded hash keeps crafted collisions impractical.

use std::hash::BuildHasher;

use super::vocab::Slot;
use crate::text::{
    chunks, segment_chunk_at, segment_vote, Chunk, Lang, LangVote, Piece, Segment, SegmentKind,
    LANG_VOTE_WORDS,
};

/// Chunks plus segments held at most, counted at the start of a document;
/// past it the cache is emptied and warms up again, so memory stays bounded
/// (about 10 MB per thread) on any dump.
const CACHE_CAP: usize = 1 << 18;

/// One segment of a cached chunk.
#[derive(Debug, Clone, Copy)]
pub(super) struct Item {
    /// Span relative to the chunk's start.
    start: u32,
    end: u32,
    kind: SegmentKind,
    /// A break precedes it inside the chunk.
    clause_start: bool,
    /// Its language vote (see [`segment_vote`]).
    vote: i8,
    /// Its slot per language, [`Slot::UNCACHED`] until first needed.
    pub(super) slots: [Slot; 2],
}

/// A cached chunk: its items in the arena, and whether a break follows its
/// last item (or, for a chunk without items, occurs inside it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct ChunkRef {
    first: u32,
    len: u32,
    break_after: bool,
}

impl ChunkRef {
    /// Not found by the first probe.
    const UNRESOLVED: ChunkRef = ChunkRef {
        first: u32::MAX,
        len: 0,
        break_after: false,
    };
}

/// One table entry: a packed chunk (0 when vacant) and where its items are.
#[derive(Debug, Clone, Copy, Default)]
#[repr(align(32))]
struct Entry {
    key: u128,
    chunk: ChunkRef,
}

/// Entries in use at most, as a fraction of the table: linear probing stays
/// near one probe per hit below this.
const MAX_LOAD_NUM: usize = 3;
const MAX_LOAD_DEN: usize = 4;

/// Chunk → segments and slots, for one thread.
#[derive(Debug, Default)]
pub(super) struct ChunkCache {
    /// A power of two long, or empty.
    entries: Vec<Entry>,
    /// Occupied entries.
    len: usize,
    /// Chunks longer than 15 bytes.
    long: foldhash::HashMap<Box<str>, ChunkRef>,
    /// Every cached chunk's items, in first-seen order.
    pub(super) items: Vec<Item>,
    hasher: foldhash::fast::RandomState,
    /// Per-document scratch: the chunks, their keys and home entries, what they resolved to.
    chunks: Vec<Chunk>,
    keys: Vec<(u128, usize)>,
    refs: Vec<ChunkRef>,
    pieces: Vec<Piece>,
    segments: Vec<Segment>,
}

impl ChunkCache {
    /// Segments `text` into `segments` (cleared first), with the arena index
    /// of each segment's item in `item_ids`, and detects its language exactly
    /// as [`crate::text::Analyzer`] does.
    pub(super) fn segment(
        &mut self,
        text: &str,
        default_lang: Lang,
        segments: &mut Vec<Segment>,
        item_ids: &mut Vec<u32>,
    ) -> Lang {
        if self.len + self.long.len() + self.items.len() >= CACHE_CAP {
            self.clear();
        }
        self.resolve(text);
        segments.clear();
        item_ids.clear();
        let mut vote = LangVote::new();
        let mut voting = true;
        let mut pending = true;
        for (c, r) in self.chunks.iter().zip(&self.refs) {
            pending |= c.line_break_before;
            let first = r.first as usize;
            for (k, it) in self.items[first..first + r.len as usize].iter().enumerate() {
                segments.push(Segment {
                    start: c.start as u32 + it.start,
                    end: c.start as u32 + it.end,
                    kind: it.kind,
                    clause_start: it.clause_start || (k == 0 && pending),
                });
                item_ids.push((first + k) as u32);
                if voting {
                    vote.add_vote(it.vote);
                    voting = !vote.decided() && segments.len() < LANG_VOTE_WORDS;
                }
            }
            pending = r.break_after || (r.len == 0 && pending);
        }
        vote.result(default_lang)
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.len = 0;
        self.long.clear();
        self.items.clear();
    }

    /// Fills `self.chunks` and `self.refs` for `text`, caching new chunks.
    fn resolve(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mask = self.entries.len().wrapping_sub(1);
        self.chunks.clear();
        self.chunks.extend(chunks(text));
        self.keys.clear();
        for c in &self.chunks {
            self.keys.push(match key(bytes, c.start, c.end) {
                Some(k) => (k, self.hasher.hash_one(k) as usize & mask),
                None => (0, 0),
            });
        }
        // First probes only, in a loop that does nothing else: most chunks
        // sit at their home entry. A miss leaves the vacant marker.
        self.refs.clear();
        self.refs.resize(self.chunks.len(), ChunkRef::UNRESOLVED);
        let mut missed = false;
        if !self.entries.is_empty() {
            for (&(k, i), r) in self.keys.iter().zip(self.refs.iter_mut()) {
                let e = &self.entries[i];
                let hit = k != 0 && e.key == k;
                if hit {
                    *r = e.chunk;
                }
                missed |= !hit;
            }
        } else {
            missed = !self.chunks.is_empty();
        }
        if !missed {
            return;
        }
        for n in 0..self.chunks.len() {
            if self.refs[n] != ChunkRef::UNRESOLVED {
                continue;
            }
            let (k, c) = (self.keys[n].0, self.chunks[n]);
            let found = if k != 0 {
                self.get_short(k)
            } else {
                self.long.get(&text[c.start..c.end]).copied()
            };
            self.refs[n] = match found {
                Some(r) => r,
                None => self.add(text, c, k),
            };
        }
    }

    fn get_short(&self, key: u128) -> Option<ChunkRef> {
        if self.entries.is_empty() {
            return None;
        }
        let mask = self.entries.len() - 1;
        let mut i = self.hasher.hash_one(key) as usize & mask;
        loop {
            let e = &self.entries[i];
            if e.key == key {
                return Some(e.chunk);
            }
            if e.key == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Segments chunk `c` of `text` and caches it under `key` (0: a long chunk).
    fn add(&mut self, text: &str, c: Chunk, key: u128) -> ChunkRef {
        let mut pending = false;
        self.segments.clear();
        segment_chunk_at(text, c, &mut self.pieces, &mut self.segments, &mut pending);
        let first = self.items.len() as u32;
        for s in &self.segments {
            let slot = match s.kind {
                SegmentKind::Word => Slot::UNCACHED,
                SegmentKind::Dropped(reason) => Slot::dropped(reason),
            };
            self.items.push(Item {
                start: s.start - c.start as u32,
                end: s.end - c.start as u32,
                kind: s.kind,
                clause_start: s.clause_start,
                vote: segment_vote(text, s),
                slots: [slot; 2],
            });
        }
        let r = ChunkRef {
            first,
            len: self.segments.len() as u32,
            break_after: pending,
        };
        if key == 0 {
            self.long.insert(text[c.start..c.end].into(), r);
        } else {
            if (self.len + 1) * MAX_LOAD_DEN > self.entries.len() * MAX_LOAD_NUM {
                self.grow();
            }
            self.place(key, r);
            self.len += 1;
        }
        r
    }

    /// Puts `key`, known to be absent, in the table (which has room).
    fn place(&mut self, key: u128, chunk: ChunkRef) {
        let mask = self.entries.len() - 1;
        let mut i = self.hasher.hash_one(key) as usize & mask;
        while self.entries[i].key != 0 {
            i = (i + 1) & mask;
        }
        self.entries[i] = Entry { key, chunk };
    }

    fn grow(&mut self) {
        let size = (self.entries.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.entries, vec![Entry::default(); size]);
        for e in old.into_iter().filter(|e| e.key != 0) {
            self.place(e.key, e.chunk);
        }
    }
}

/// The packed key of `bytes[start..end]`, if it is 1 to 15 bytes long: the
/// bytes, zero-padded, with the length in the top byte (so a chunk holding
/// NUL bytes cannot meet a shorter one, and no key is 0, the vacant marker).
#[inline]
fn key(bytes: &[u8], start: usize, end: usize) -> Option<u128> {
    let len = end - start;
    if len == 0 || len > 15 {
        return None;
    }
    let mut raw = [0u8; 16];
    let packed = if start + 16 <= bytes.len() {
        // One unaligned load, then the bytes past the chunk are masked off.
        raw.copy_from_slice(&bytes[start..start + 16]);
        u128::from_le_bytes(raw) & ((1u128 << (8 * len)) - 1)
    } else {
        raw[..len].copy_from_slice(&bytes[start..end]);
        u128::from_le_bytes(raw)
    };
    Some(packed | (len as u128) << 120)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Analyzer;

    /// The cache's segments and language, cold then warm, equal the segmenter's.
    fn assert_same_as_segmenter(cache: &mut ChunkCache, text: &str) {
        let analyzer = Analyzer::new();
        let mut expected = Vec::new();
        let lang = analyzer.segment(text, &mut expected);
        for pass in ["cold", "warm"] {
            let (mut segments, mut ids) = (Vec::new(), Vec::new());
            let got = cache.segment(text, Lang::Fr, &mut segments, &mut ids);
            assert_eq!(segments, expected, "{pass}: {text:?}");
            assert_eq!(got, lang, "{pass}: {text:?}");
            assert_eq!(ids.len(), segments.len());
        }
    }

    #[test]
    fn replays_what_the_segmenter_makes_of_every_chunk() {
        let mut cache = ChunkCache::default();
        for text in [
            "L’équipe produit recherche un·e Product Manager (H/F) pour piloter la stratégie go-to-market d'une app B2B.",
            "- roadmap, OKR\n- gestion du backlog. Vision produit\u{2028}discovery",
            "Postulez : jobs@example.fr — https://example.fr/offres/product-manager-senior-2024 ; 45-55K€",
            "   ",
            "",
            "produit produit, produit. (produit) produit\nproduit",
            "collaborateur(trice)s… R&D A/B PO/PM Node.js x",
            "a\0 a \0\0 a\u{b}b",
        ] {
            assert_same_as_segmenter(&mut cache, text);
        }
    }

    #[test]
    fn empties_itself_when_full_and_stays_correct() {
        let mut cache = ChunkCache::default();
        let text: String = (0..40_000).map(|i| format!("mot{i} ")).collect();
        for _ in 0..8 {
            assert_same_as_segmenter(&mut cache, &text);
        }
        assert!(cache.items.len() + cache.len < 2 * CACHE_CAP);
    }

    #[test]
    fn keys_mask_the_bytes_past_the_chunk() {
        let bytes = b"produit roadmap-et-backlog-long z";
        assert_eq!(key(bytes, 0, 7), key(b"produit", 0, 7));
        assert_ne!(key(bytes, 0, 6), key(bytes, 0, 7));
        assert_eq!(key(bytes, 8, 30), None, "longer than 15 bytes");
        assert_ne!(key(b"a\0", 0, 2), key(b"a", 0, 1), "NUL bytes count");
        assert_eq!(
            key(bytes, 32, 33),
            key(b"z", 0, 1),
            "near the end of the text"
        );
        assert_eq!(key(bytes, 3, 3), None);
    }
}
