//! The one walk over a document: its chunks' segments in order, clause
//! breaks between chunks, the language vote, each word's outcome, role-name
//! masking, then terms and bigrams.
//!
//! [`Analyzer::analyze`] and the vectorizer both go through it. They differ
//! only in where a chunk's segments and a word's outcome come from — a
//! [`Chunked`] document: the per-chunk step run afresh ([`Segmented`]), or
//! recalled from the vectorizer's chunk cache — and in what they keep of the
//! walk — a [`Sink`]: every token and bigram, or feature ids. A French rule
//! that looks across a word boundary is therefore written once, here.

use super::lang::{self, LangVote};
use super::mask::{self, ROLE_NAME_WORDS};
use super::scan::chunks;
use super::segment::{DropReason, Segment, SegmentKind, Segmenter};
use super::{Analyzer, Lang, NormBuffers};

/// How many leading segments vote on a posting's language.
const LANG_VOTE_WORDS: usize = 400;

/// One chunk of a [`Chunked`] document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChunkRef {
    /// Byte offset of its first byte in the text.
    pub(crate) at: u32,
    /// The document's own handle on its segments.
    pub(crate) id: u32,
    /// How many segments it has.
    pub(crate) len: u32,
    /// A line break lies between it and the previous chunk.
    pub(crate) line_break_before: bool,
    /// A clause break follows its last segment (or, when it has none, lies in it).
    pub(crate) break_after: bool,
}

/// A document whose chunks went through the per-chunk step
/// ([`Segmenter::segment_chunk`]): what the walk reads.
pub(crate) trait Chunked {
    /// What the per-word step made of a word.
    type Word: WordOutcome;

    /// How many chunks the document has.
    fn n_chunks(&self) -> usize;

    /// Chunk `n`.
    fn chunk(&self, n: usize) -> ChunkRef;

    /// Segment `k` of chunk `c`; its `clause_start` marks a break inside the
    /// chunk only.
    fn segment(&self, c: &ChunkRef, k: u32) -> Segment;

    /// The language vote of segment `k` of chunk `c` (see [`segment_vote`]).
    fn vote(&self, text: &str, c: &ChunkRef, k: u32) -> i8;

    /// Segment `k` of chunk `c`, as [`Chunked::segment`] gives it, and what
    /// the per-word step makes of it in `lang`.
    fn word(&mut self, text: &str, c: &ChunkRef, k: u32, lang: Lang) -> (Segment, Self::Word);
}

/// What the walk needs to know of a word's outcome.
pub(crate) trait WordOutcome: Copy {
    /// Whether it became a term (which may then pair with its neighbours).
    fn is_term(self) -> bool;
    /// Whether it was dropped and no bigram spans it (see
    /// [`DropReason::breaks_bigrams`]); other dropped words are passed over.
    fn breaks_bigrams(self) -> bool;
    /// Whether role names are masked and a role name may start with it.
    fn may_start_role_name(self) -> bool;
}

/// What the walk hands its words to, in text order.
pub(crate) trait Sink<W> {
    /// What a later bigram knows its first term by.
    type Left: Copy;

    /// A term (after the bigram it ends, if any). Returns what a bigram
    /// starting with it would know it by, or `None` if none can.
    fn term(&mut self, seg: Segment, word: W) -> Option<Self::Left>;

    /// The bigram of the term `left`, whose word starts at byte `start`, and
    /// the term `word` at `seg` (before [`Sink::term`] gets that term).
    fn bigram(&mut self, left: Self::Left, start: u32, seg: Segment, word: W);

    /// A dropped word.
    fn dropped(&mut self, seg: Segment, word: W);

    /// A product-role name, masked: its index in [`super::ROLE_NAMES`] and
    /// its words.
    fn role_name(&mut self, id: usize, words: &[Segment]);
}

impl Analyzer {
    /// The language of `doc`: the vote of its first [`LANG_VOTE_WORDS`]
    /// segments, or the default language when they give no clue.
    pub(crate) fn vote(&self, doc: &impl Chunked, text: &str) -> Lang {
        let mut vote = LangVote::new();
        let mut seen = 0;
        for n in 0..doc.n_chunks() {
            let c = doc.chunk(n);
            for k in 0..c.len {
                vote.add_vote(doc.vote(text, &c, k));
                seen += 1;
                if vote.decided() || seen >= LANG_VOTE_WORDS {
                    return vote.result(self.params.default_lang);
                }
            }
        }
        vote.result(self.params.default_lang)
    }

    /// Walks `doc`, the chunks of `text`, read in `lang`: hands `sink` each
    /// term, each bigram of adjacent terms (stop words skipped, no clause
    /// break between them), each dropped word, and each role name as one
    /// masked whole.
    #[inline]
    pub(crate) fn walk<D: Chunked, S: Sink<D::Word>>(
        &self,
        text: &str,
        doc: &mut D,
        lang: Lang,
        sink: &mut S,
    ) {
        let bigrams = self.params.bigrams;
        // The previous term, if a bigram can start with it, and where its
        // word starts, while no break intervenes.
        let mut prev: Option<(S::Left, u32)> = None;
        // Words of a masked role name still to pass over.
        let mut skip = 0;
        for_each_segment(doc, |doc, c, n, k, break_before| {
            if skip > 0 {
                skip -= 1;
                return;
            }
            let (mut seg, word) = doc.word(text, c, k, lang);
            seg.clause_start |= break_before;
            if seg.clause_start {
                prev = None;
            }
            if word.may_start_role_name() {
                let mut window = [seg; ROLE_NAME_WORDS];
                let w = segments_from(doc, n, k, &mut window);
                let words = mask::role_name_len(text, &window[..w], 0);
                if words > 0 {
                    skip = words - 1;
                    prev = None;
                    let id = mask::role_name_id(text, &window[..w], 0, words);
                    sink.role_name(id, &window[..words]);
                    return;
                }
            }
            if word.is_term() {
                // The bigram first: it starts before the term's own word.
                if let Some((left, start)) = prev {
                    sink.bigram(left, start, seg, word);
                }
                prev = sink
                    .term(seg, word)
                    .filter(|_| bigrams)
                    .map(|left| (left, seg.start));
            } else {
                if word.breaks_bigrams() {
                    prev = None;
                }
                sink.dropped(seg, word);
            }
        });
    }
}

/// Calls `f` with the document, each chunk and its index, and each of the
/// chunk's segment indices, in text order, with whether a clause break
/// between chunks (a line break, punctuation ending the previous chunk, the
/// start of the text) precedes that segment.
#[inline(always)]
fn for_each_segment<D: Chunked>(
    doc: &mut D,
    mut f: impl FnMut(&mut D, &ChunkRef, usize, u32, bool),
) {
    let mut pending = true;
    for n in 0..doc.n_chunks() {
        let c = doc.chunk(n);
        pending |= c.line_break_before;
        for k in 0..c.len {
            f(doc, &c, n, k, k == 0 && pending);
        }
        pending = c.break_after || (c.len == 0 && pending);
    }
}

/// Fills `out` with the segments from segment `k` of chunk `n` on (the
/// breaks between chunks left out: role names ignore them), and says how
/// many there were.
fn segments_from(doc: &impl Chunked, mut n: usize, mut k: u32, out: &mut [Segment]) -> usize {
    let mut filled = 0;
    while filled < out.len() && n < doc.n_chunks() {
        let c = doc.chunk(n);
        while k < c.len && filled < out.len() {
            out[filled] = doc.segment(&c, k);
            filled += 1;
            k += 1;
        }
        n += 1;
        k = 0;
    }
    filled
}

/// Every segment of `doc` in order, clause breaks between chunks included.
#[cfg(test)]
pub(crate) fn segments(doc: &mut impl Chunked) -> Vec<Segment> {
    let mut out = Vec::new();
    for_each_segment(doc, |doc, c, _, k, break_before| {
        let mut s = doc.segment(c, k);
        s.clause_start |= break_before;
        out.push(s);
    });
    out
}

/// A segment's vote on the language: a marker word's, an elision's (French), or none.
#[inline]
pub(crate) fn segment_vote(text: &str, s: &Segment) -> i8 {
    match s.kind {
        SegmentKind::Word => lang::word_vote(&text[s.start as usize..s.end as usize]),
        SegmentKind::Dropped(DropReason::Elision) => lang::ELISION_VOTE,
        SegmentKind::Dropped(_) => 0,
    }
}

/// A text run through the per-chunk step chunk by chunk, each word through
/// the per-word step when the walk reaches it: the analyzer's own
/// [`Chunked`] document, with nothing cached.
pub(crate) struct Segmented<'a> {
    analyzer: &'a Analyzer,
    chunks: Vec<ChunkRef>,
    /// Every chunk's segments, one chunk after the other.
    segments: Vec<Segment>,
    bufs: NormBuffers,
    /// The terms the per-word step made, indexed by [`Fresh::outcome`].
    terms: Vec<String>,
}

/// What the per-word step made of a word in a [`Segmented`] document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fresh {
    /// The index of its term in [`Segmented::into_terms`], or why it was dropped.
    pub(crate) outcome: Result<u32, DropReason>,
    role_start: bool,
}

impl WordOutcome for Fresh {
    #[inline]
    fn is_term(self) -> bool {
        self.outcome.is_ok()
    }

    #[inline]
    fn breaks_bigrams(self) -> bool {
        self.outcome.is_err_and(DropReason::breaks_bigrams)
    }

    #[inline]
    fn may_start_role_name(self) -> bool {
        self.role_start
    }
}

impl<'a> Segmented<'a> {
    /// Runs every chunk of `text` through the per-chunk step.
    pub(crate) fn new(analyzer: &'a Analyzer, text: &str) -> Segmented<'a> {
        let mut segmenter = Segmenter::default();
        let mut segments = Vec::new();
        let chunks = chunks(text)
            .map(|chunk| {
                let first = segments.len();
                let break_after = segmenter.segment_chunk(text, chunk, &mut segments);
                ChunkRef {
                    at: chunk.start as u32,
                    id: first as u32,
                    len: (segments.len() - first) as u32,
                    line_break_before: chunk.line_break_before,
                    break_after,
                }
            })
            .collect();
        Segmented {
            analyzer,
            chunks,
            terms: Vec::with_capacity(segments.len()),
            segments,
            bufs: NormBuffers::default(),
        }
    }

    /// How many segments the text has.
    pub(crate) fn n_segments(&self) -> usize {
        self.segments.len()
    }

    /// The terms the walk's words became, indexed by [`Fresh::outcome`].
    pub(crate) fn into_terms(self) -> Vec<String> {
        self.terms
    }
}

impl Chunked for Segmented<'_> {
    type Word = Fresh;

    fn n_chunks(&self) -> usize {
        self.chunks.len()
    }

    fn chunk(&self, n: usize) -> ChunkRef {
        self.chunks[n]
    }

    fn segment(&self, c: &ChunkRef, k: u32) -> Segment {
        self.segments[(c.id + k) as usize]
    }

    fn vote(&self, text: &str, c: &ChunkRef, k: u32) -> i8 {
        segment_vote(text, &self.segment(c, k))
    }

    fn word(&mut self, text: &str, c: &ChunkRef, k: u32, lang: Lang) -> (Segment, Fresh) {
        let seg = self.segment(c, k);
        let word = &text[seg.start as usize..seg.end as usize];
        let fresh = match seg.kind {
            SegmentKind::Dropped(reason) => Fresh {
                outcome: Err(reason),
                role_start: false,
            },
            SegmentKind::Word => Fresh {
                outcome: self
                    .analyzer
                    .normalize(word, lang, &mut self.bufs)
                    .map(|()| {
                        self.terms.push(self.bufs.term.clone());
                        (self.terms.len() - 1) as u32
                    }),
                role_start: self.analyzer.may_start_role_name(word),
            },
        };
        (seg, fresh)
    }
}
