//! The per-thread chunk cache: each distinct chunk (a whitespace-delimited
//! stretch of text, such as `produit`, `l'équipe,` or `(H/F)`) goes through
//! the analyzer's per-chunk step once, and each of its words through the
//! per-word step once per language.
//!
//! No segmentation rule looks across whitespace, so a chunk's segments, its
//! language votes and whether a clause break follows it depend on its bytes
//! alone. The vectorizer therefore only finds where chunks start and end
//! (eight bytes at a time), looks each chunk up, and hands the analyzer's
//! walk (see `text/walk.rs`) what the segmenter made of it the first time:
//! byte scanning, the piece-by-piece rules and the word-cache lookup were
//! two thirds of the transform when profiled, and a chunk lookup replaces
//! all three. The cache is a memo and nothing more: the walk, the same as
//! [`crate::text::Analyzer::analyze`]'s, does the rest.
//!
//! Layout, for the CPU cache: each chunk is a 64-byte [`Record`] (one cache
//! line) holding its key and its first segment. The hash table holds only
//! 8-byte references (record index and a 32-bit hash fingerprint, so that a
//! probe rarely reads the wrong record). A chunk of up to 15 bytes — 99.6%
//! of a posting's chunks — is keyed by its bytes packed into a `u128` with
//! its length; longer ones go through an ordinary map. All of a document's
//! chunks are probed in one loop before any is used, so the CPU keeps many
//! cache misses in flight instead of waiting on each in turn.
//!
//! Hashing: foldhash with a per-process random seed. The keys are untrusted
//! input, and a seeded hash keeps crafted collisions impractical.

use std::hash::BuildHasher;

use super::vocab::Slot;
use crate::text::{
    chunks, segment_vote, Chunk, ChunkRef, Chunked, DropReason, Lang, Segment, SegmentKind,
    Segmenter,
};

/// Records plus extra segments held at most, counted at the start of a
/// document; past it the cache is emptied and warms up again, so memory
/// stays bounded (about 20 MB per thread) on any dump.
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

impl Item {
    /// The segment it is in a chunk starting at `at`.
    #[inline]
    fn segment_at(&self, at: u32) -> Segment {
        Segment {
            start: at + self.start,
            end: at + self.end,
            kind: self.kind,
            clause_start: self.clause_start,
        }
    }

    /// The first item of a chunk without segments (a dash, a bullet).
    const NONE: Item = Item {
        start: 0,
        end: 0,
        kind: SegmentKind::Dropped(DropReason::TooShort),
        clause_start: false,
        vote: 0,
        slots: [Slot::UNCACHED; 2],
    };
}

/// A cached chunk, one cache line.
#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
struct Record {
    /// The packed chunk, or 0 for a chunk too long to pack.
    key: u128,
    /// Its first segment, if it has one.
    first: Item,
    /// How many segments it has.
    len: u32,
    /// Where its segments after the first start in [`ChunkCache::extra`].
    more: u32,
    /// A break follows its last segment (or, without segments, occurs inside it).
    break_after: bool,
}

/// A chunk of the document being transformed.
#[derive(Debug, Clone, Copy)]
struct DocChunk {
    /// Its packed key and hash ((0, 0) for a chunk too long to pack).
    key: u128,
    hash: u64,
    chunk: Chunk,
    /// Its record, or [`UNRESOLVED`].
    record: u32,
}

/// A document's chunk not resolved yet.
const UNRESOLVED: u32 = u32::MAX;

/// Table entries in use at most, as a fraction of the table.
const MAX_LOAD_NUM: usize = 3;
const MAX_LOAD_DEN: usize = 4;

/// Chunk → segments and slots, for one thread.
#[derive(Debug, Default)]
pub(super) struct ChunkCache {
    /// Per entry: the hash's high 32 bits, then record index + 1; 0 when
    /// vacant. A power of two long, or empty.
    table: Vec<u64>,
    /// Records in the table (short chunks).
    in_table: usize,
    records: Vec<Record>,
    /// Segments after the first of chunks that have several.
    extra: Vec<Item>,
    /// Chunks longer than 15 bytes → record.
    long: foldhash::HashMap<Box<str>, u32>,
    hasher: foldhash::fast::RandomState,
    /// Per-document scratch: the chunks, with their keys and records.
    doc: Vec<DocChunk>,
    segmenter: Segmenter,
    segments: Vec<Segment>,
}

impl ChunkCache {
    /// Looks up every chunk of `text`, caching new ones; [`ChunkCache::read`]
    /// then reads them.
    pub(super) fn prepare(&mut self, text: &str) {
        if self.records.len() + self.extra.len() >= CACHE_CAP {
            self.clear();
        }
        self.resolve(text);
    }

    /// The text last prepared, as the analyzer's walk reads it: a word's slot
    /// not cached yet in the language read is computed by `fill` from the
    /// word and that language, and kept.
    pub(super) fn read<F: FnMut(&str, Lang) -> Slot>(&mut self, fill: F) -> Cached<'_, F> {
        Cached {
            doc: &self.doc,
            records: &mut self.records,
            extra: &mut self.extra,
            fill,
        }
    }

    fn clear(&mut self) {
        self.table.clear();
        self.in_table = 0;
        self.records.clear();
        self.extra.clear();
        self.long.clear();
    }

    /// Fills `self.doc` for `text`, caching new chunks.
    fn resolve(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let hasher = &self.hasher;
        self.doc.clear();
        self.doc.extend(chunks(text).map(|chunk| {
            let (key, hash) = match key(bytes, chunk.start, chunk.end) {
                Some(k) => (k, hasher.hash_one(k)),
                None => (0, 0),
            };
            DocChunk {
                key,
                hash,
                chunk,
                record: UNRESOLVED,
            }
        }));
        // Probes only, in a loop that does nothing else.
        let mut missed = false;
        for d in &mut self.doc {
            if d.key != 0 {
                d.record = find(&self.table, &self.records, d.key, d.hash);
            }
            missed |= d.record == UNRESOLVED;
        }
        if !missed {
            return;
        }
        for n in 0..self.doc.len() {
            let d = self.doc[n];
            if d.record != UNRESOLVED {
                continue;
            }
            let (k, h, c) = (d.key, d.hash, d.chunk);
            // The same new chunk may occur twice in one document.
            let found = if k != 0 {
                Some(find(&self.table, &self.records, k, h)).filter(|&r| r != UNRESOLVED)
            } else {
                self.long.get(&text[c.start..c.end]).copied()
            };
            self.doc[n].record = match found {
                Some(r) => r,
                None => self.add(text, c, k, h),
            };
        }
    }

    /// Segments chunk `c` of `text` and caches it under key `k` with hash
    /// `h` (key 0: a long chunk).
    fn add(&mut self, text: &str, c: Chunk, k: u128, h: u64) -> u32 {
        self.segments.clear();
        let break_after = self.segmenter.segment_chunk(text, c, &mut self.segments);
        let at = c.start as u32;
        let mut items = self.segments.iter().map(|s| {
            let slot = match s.kind {
                SegmentKind::Word => Slot::UNCACHED,
                SegmentKind::Dropped(reason) => Slot::dropped(reason),
            };
            Item {
                start: s.start - at,
                end: s.end - at,
                kind: s.kind,
                clause_start: s.clause_start,
                vote: segment_vote(text, s),
                slots: [slot; 2],
            }
        });
        let first = items.next().unwrap_or(Item::NONE);
        let more = self.extra.len() as u32;
        self.extra.extend(items);
        let r = self.records.len() as u32;
        self.records.push(Record {
            key: k,
            first,
            len: self.segments.len() as u32,
            more,
            break_after,
        });
        if k == 0 {
            self.long.insert(text[c.start..c.end].into(), r);
        } else {
            if (self.in_table + 1) * MAX_LOAD_DEN > self.table.len() * MAX_LOAD_NUM {
                self.grow();
            }
            self.place(h, r);
            self.in_table += 1;
        }
        r
    }

    /// Puts record `r`, whose hash is `h`, in the table (which has room).
    fn place(&mut self, h: u64, r: u32) {
        let mask = self.table.len() - 1;
        let mut i = h as usize & mask;
        while self.table[i] != 0 {
            i = (i + 1) & mask;
        }
        self.table[i] = (h >> 32) << 32 | u64::from(r + 1);
    }

    fn grow(&mut self) {
        let size = (self.table.len() * 2).max(1024);
        self.table = vec![0; size];
        for r in 0..self.records.len() {
            let k = self.records[r].key;
            if k != 0 {
                self.place(self.hasher.hash_one(k), r as u32);
            }
        }
    }
}

/// The prepared text read through the cache (see [`ChunkCache::read`]).
/// It holds the cache's tables as slices, not the cache itself: their
/// addresses and lengths then stay in registers through the walk, where
/// behind a reference to the cache they were read again for every word.
pub(super) struct Cached<'c, F> {
    doc: &'c [DocChunk],
    records: &'c mut [Record],
    extra: &'c mut [Item],
    fill: F,
}

/// Item `k` of record `r`: its first segment, or one of the others in
/// [`ChunkCache::extra`].
#[inline]
fn item<'r>(records: &'r [Record], extra: &'r [Item], r: u32, k: u32) -> &'r Item {
    let rec = &records[r as usize];
    if k == 0 {
        &rec.first
    } else {
        &extra[(rec.more + k - 1) as usize]
    }
}

/// [`item`], to fill in its slots.
#[inline]
fn item_mut<'r>(records: &'r mut [Record], extra: &'r mut [Item], r: u32, k: u32) -> &'r mut Item {
    let rec = &mut records[r as usize];
    if k == 0 {
        &mut rec.first
    } else {
        &mut extra[(rec.more + k - 1) as usize]
    }
}

impl<F: FnMut(&str, Lang) -> Slot> Chunked for Cached<'_, F> {
    type Word = Slot;

    #[inline]
    fn n_chunks(&self) -> usize {
        self.doc.len()
    }

    #[inline]
    fn chunk(&self, n: usize) -> ChunkRef {
        let DocChunk { chunk, record, .. } = self.doc[n];
        let Record {
            len, break_after, ..
        } = self.records[record as usize];
        ChunkRef {
            at: chunk.start as u32,
            id: record,
            len,
            line_break_before: chunk.line_break_before,
            break_after,
        }
    }

    #[inline]
    fn segment(&self, c: &ChunkRef, k: u32) -> Segment {
        item(self.records, self.extra, c.id, k).segment_at(c.at)
    }

    #[inline]
    fn vote(&self, _: &str, c: &ChunkRef, k: u32) -> i8 {
        item(self.records, self.extra, c.id, k).vote
    }

    #[inline]
    fn word(&mut self, text: &str, c: &ChunkRef, k: u32, lang: Lang) -> (Segment, Slot) {
        let item = item_mut(self.records, self.extra, c.id, k);
        let seg = item.segment_at(c.at);
        let slot = &mut item.slots[lang.index()];
        if *slot == Slot::UNCACHED {
            *slot = (self.fill)(&text[seg.start as usize..seg.end as usize], lang);
        }
        (seg, *slot)
    }
}

/// The record of packed chunk `k` with hash `h` in `table`, or [`UNRESOLVED`].
#[inline]
fn find(table: &[u64], records: &[Record], k: u128, h: u64) -> u32 {
    if table.is_empty() {
        return UNRESOLVED;
    }
    let mask = table.len() - 1;
    let fingerprint = h >> 32;
    let mut i = h as usize & mask;
    loop {
        let t = table[i];
        if t == 0 {
            return UNRESOLVED;
        }
        let r = (t as u32).wrapping_sub(1);
        if t >> 32 == fingerprint && records[r as usize].key == k {
            return r;
        }
        i = (i + 1) & mask;
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
    use crate::text::{segments, Analyzer, Segmented};

    /// Every segment's language vote, in order.
    fn votes(doc: &impl Chunked, text: &str) -> Vec<i8> {
        (0..doc.n_chunks())
            .flat_map(|n| {
                let c = doc.chunk(n);
                (0..c.len).map(move |k| doc.vote(text, &c, k))
            })
            .collect()
    }

    /// The cache's segments, votes and language, cold then warm, equal those
    /// of the per-chunk step run afresh.
    fn assert_same_as_segmenter(cache: &mut ChunkCache, text: &str) {
        let analyzer = Analyzer::new();
        let mut fresh = Segmented::new(&analyzer, text);
        let expected = (
            segments(&mut fresh),
            votes(&fresh, text),
            analyzer.vote(&fresh, text),
        );
        for pass in ["cold", "warm"] {
            cache.prepare(text);
            let mut cached = cache.read(|_, _| Slot::UNCACHED);
            let got = (
                segments(&mut cached),
                votes(&cached, text),
                analyzer.vote(&cached, text),
            );
            assert_eq!(got, expected, "{pass}: {text:?}");
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
        let n = CACHE_CAP / 2 + 1000;
        let words = |prefix: &str| -> String { (0..n).map(|i| format!("{prefix}{i} ")).collect() };
        let (a, b) = (words("mot"), words("word"));
        cache.prepare(&a);
        cache.prepare(&b);
        assert_eq!(cache.records.len(), 2 * n, "both documents are cached");
        // Over the cap: emptied before the next document, then filled with it.
        assert_same_as_segmenter(&mut cache, &a);
        assert_eq!(cache.records.len(), n);
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
