//! The vectorizer: terms → L2-normalised tf-idf sparse vectors.
//!
//! This is the hot path of every batch run. It takes the analyzer's own walk
//! over the text — the one [`Analyzer::analyze`] takes, so both read a text
//! alike — but feeds it from a per-thread cache that holds each
//! whitespace-delimited chunk's segments and, per language, each word's term
//! id: a chunk already seen is neither segmented, normalised nor stemmed
//! again (see `chunks.rs`). It keys bigrams by term ids, and reuses its
//! buffers from one document to the next. [`Scratch`] holds that per-thread
//! state.
//!
//! We do not use linfa-preprocessing's `TfIdfVectorizer`: its `transform`
//! recomputes idf from the batch it is given (a posting transformed alone gets
//! idf = 1 for every term), it does not L2-normalise, and it allocates a
//! vocabulary-sized dense row per document.

mod chunks;
mod counts;
mod sparse;
mod vocab;

use std::ops::Range;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::text::{Analyzer, AnalyzerParams, Lang, NormBuffers, Segment, Sink};
use crate::{Error, Result};

use chunks::ChunkCache;
pub use sparse::SparseVec;
use vocab::{Slot, Vocab};

/// Vectorizer settings (the analyzer's included, since they change what a term is).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TfIdfParams {
    /// How text becomes terms.
    pub analyzer: AnalyzerParams,
    /// Keep a feature only if it occurs in at least this many documents (defaults to 2).
    pub min_df: usize,
    /// Drop a feature that occurs in more than this fraction of documents (defaults to 1.0: keep all).
    pub max_df: f32,
    /// Keep at most this many features, the most frequent first (defaults to no limit).
    pub max_features: Option<usize>,
    /// Use `1 + ln(tf)` instead of the raw count (defaults to `true`).
    pub sublinear_tf: bool,
}

impl Default for TfIdfParams {
    fn default() -> TfIdfParams {
        TfIdfParams {
            analyzer: AnalyzerParams::default(),
            min_df: 2,
            max_df: 1.0,
            max_features: None,
            sublinear_tf: true,
        }
    }
}

impl TfIdfParams {
    /// Sets the analyzer settings (defaults to [`AnalyzerParams::default`]).
    pub fn analyzer(mut self, analyzer: AnalyzerParams) -> TfIdfParams {
        self.analyzer = analyzer;
        self
    }

    /// Sets the minimum document frequency (defaults to 2).
    pub fn min_df(mut self, min_df: usize) -> TfIdfParams {
        self.min_df = min_df;
        self
    }

    /// Sets the maximum document frequency, a fraction in (0, 1] (defaults to 1.0).
    pub fn max_df(mut self, max_df: f32) -> TfIdfParams {
        self.max_df = max_df;
        self
    }

    /// Caps the number of features (defaults to no cap).
    pub fn max_features(mut self, max_features: Option<usize>) -> TfIdfParams {
        self.max_features = max_features;
        self
    }

    /// Uses sublinear term frequency or not (defaults to `true`).
    pub fn sublinear_tf(mut self, sublinear_tf: bool) -> TfIdfParams {
        self.sublinear_tf = sublinear_tf;
        self
    }

    fn check(&self) -> Result<()> {
        let invalid = |name, reason: &str| {
            Err(Error::InvalidParam {
                name,
                reason: reason.to_string(),
            })
        };
        if self.min_df == 0 {
            return invalid("min_df", "must be at least 1");
        }
        if !(self.max_df > 0.0 && self.max_df <= 1.0) {
            return invalid("max_df", "must be a fraction in (0, 1]");
        }
        if self.max_features == Some(0) {
            return invalid("max_features", "must be at least 1 when set");
        }
        Ok(())
    }

    /// Learns the vocabulary and the idf weights from `docs`.
    ///
    /// Deterministic: the same documents and settings give the same vectorizer,
    /// whatever the thread count (features are ordered by their text).
    pub fn fit<S: AsRef<str> + Sync>(&self, docs: &[S]) -> Result<TfIdf> {
        self.check()?;
        if docs.is_empty() {
            return Err(Error::EmptyInput(
                "no documents to fit the vectorizer on".into(),
            ));
        }
        let analyzer = self.analyzer.build()?;
        let vocab = Vocab::fit(&analyzer, self, docs)?;
        Ok(TfIdf {
            params: self.clone(),
            analyzer,
            vocab,
            id: next_id(),
        })
    }
}

/// A fitted tf-idf vectorizer.
///
/// ```
/// use rolecheck::TfIdfParams;
///
/// let docs = [
///     "Vous gérez le backlog et rédigez les user stories.",
///     "Vous menez la discovery et fixez la vision produit.",
///     "Vous gérez le backlog et animez les rituels.",
/// ];
/// let tfidf = TfIdfParams::default().min_df(2).fit(&docs).unwrap();
/// let v = tfidf.transform("Le backlog, encore le backlog.");
/// let names: Vec<String> = v.indices.iter().filter_map(|&f| tfidf.feature_name(f)).collect();
/// assert_eq!(names, ["backlog"]);
/// assert!((v.norm() - 1.0).abs() < 1e-6);
/// ```
#[derive(Debug, Serialize, Deserialize)]
#[serde(try_from = "vocab::TfIdfData", into = "vocab::TfIdfData")]
pub struct TfIdf {
    params: TfIdfParams,
    analyzer: Analyzer,
    vocab: Vocab,
    /// Tells this vectorizer's cached slots in a [`Scratch`] from another's.
    id: u64,
}

/// `1 + ln(n)`, from a table for the small counts nearly all terms have
/// (the logarithm showed in profiles); the same values as computed directly.
#[inline]
pub(crate) fn sublinear_tf(n: u32) -> f32 {
    static SMALL: std::sync::LazyLock<[f32; 64]> =
        std::sync::LazyLock::new(|| std::array::from_fn(|n| 1.0 + (n as f32).ln()));
    match SMALL.get(n as usize) {
        Some(&tf) => tf,
        None => 1.0 + (n as f32).ln(),
    }
}

/// A new vectorizer identity: a scratch last used by another vectorizer
/// (another vocabulary) must forget its cached slots.
fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Clone for TfIdf {
    fn clone(&self) -> TfIdf {
        TfIdf {
            params: self.params.clone(),
            analyzer: self
                .params
                .analyzer
                .build()
                .expect("the params of a fitted vectorizer were checked when it was built"),
            vocab: self.vocab.clone(),
            id: next_id(),
        }
    }
}

/// One occurrence of a feature in a text: its id and the bytes it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The feature id.
    pub feature: u32,
    /// The byte range of the word (unigram) or word pair (bigram) in the text.
    pub span: Range<usize>,
}

/// The walk's words as feature occurrences (id, start, end) for `emit`,
/// and its masked role names for `role`.
struct Features<'v, E, R> {
    vocab: &'v Vocab,
    emit: E,
    role: R,
}

impl<E: FnMut(u32, u32, u32), R: FnMut(usize, u32, u32)> Sink<Slot> for Features<'_, E, R> {
    type Left = u32;

    #[inline]
    fn term(&mut self, seg: Segment, slot: Slot) -> Option<u32> {
        if let Some(f) = slot.unigram() {
            (self.emit)(f, seg.start, seg.end);
        }
        slot.bigram_start()
    }

    #[inline]
    fn bigram(&mut self, first: u32, start: u32, seg: Segment, slot: Slot) {
        // Most pairs cannot be a feature: the slot says so without a lookup.
        let feature = slot
            .bigram_end()
            .and_then(|second| self.vocab.bigram(first, second));
        if let Some(f) = feature {
            (self.emit)(f, start, seg.end);
        }
    }

    #[inline]
    fn dropped(&mut self, _: Segment, _: Slot) {}

    fn role_name(&mut self, id: usize, words: &[Segment]) {
        let (first, last) = (words[0], words[words.len() - 1]);
        (self.role)(id, first.start, last.end);
    }
}

/// How many vectorizers a [`Scratch`] keeps working memory for beside its own.
const MAX_BESIDE: usize = 4;

/// Per-thread working memory for [`TfIdf::transform_with`]: the chunk
/// cache and the buffers reused from one document to the next.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The vectorizer whose slots `chunks` holds (0: none yet).
    owner: u64,
    /// Every distinct chunk met so far, segmented, with its words' slots.
    chunks: ChunkCache,
    bufs: NormBuffers,
    counts: counts::Counts,
    /// The working memory of vectorizers used beside the one this scratch
    /// serves (a model's title vectorizer, its detector's duty terms), one
    /// each, most recently added last: sharing this one would empty its
    /// chunk cache at every switch of vectorizer.
    beside: Vec<Scratch>,
    /// The language texts are read in, whatever their words say (None: detected).
    read_as: Option<Lang>,
}

impl Scratch {
    /// Empty working memory.
    pub fn new() -> Scratch {
        Scratch::default()
    }

    /// Working memory for `tfidf`, a vectorizer used beside the one this
    /// scratch serves, reading texts in the language this one is told to.
    /// It keeps one per vectorizer, up to [`MAX_BESIDE`]: past that, the
    /// one added first is dropped (a thread that switches between models).
    pub(crate) fn beside(&mut self, tfidf: &TfIdf) -> &mut Scratch {
        let read_as = self.read_as;
        let i = match self.beside.iter().position(|s| s.owner == tfidf.id) {
            Some(i) => i,
            None => {
                if self.beside.len() == MAX_BESIDE {
                    self.beside.remove(0);
                }
                self.beside.push(Scratch {
                    owner: tfidf.id,
                    ..Scratch::default()
                });
                self.beside.len() - 1
            }
        };
        let scratch = &mut self.beside[i];
        scratch.read_as = read_as;
        scratch
    }

    /// Reads the next texts as `lang` whatever their words say (`None`,
    /// the default: each text's language is detected).
    pub fn read_as(&mut self, lang: Option<Lang>) {
        self.read_as = lang;
    }

    /// Runs `f` with this thread's own scratch, which stays warm from one
    /// call to the next. Parallel code should use it rather than a new
    /// scratch per task: rayon splits work into many small tasks, and a
    /// fresh cache per task re-segments and re-stems every word it meets.
    /// Should `f` panic, the thread's scratch is replaced by an empty one, so
    /// no half-updated state outlives the panic.
    pub fn with_thread_local<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::new());
        }
        /// Empties the scratch if dropped while unwinding.
        struct ResetOnPanic<'a>(&'a mut Scratch);
        impl Drop for ResetOnPanic<'_> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    *self.0 = Scratch::new();
                }
            }
        }
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                let guard = ResetOnPanic(&mut scratch);
                f(guard.0)
            }
            // Called from inside `f` itself: a separate scratch for this call.
            Err(_) => f(&mut Scratch::new()),
        })
    }
}

impl TfIdf {
    /// Its settings.
    pub fn params(&self) -> &TfIdfParams {
        &self.params
    }

    /// Its analyzer.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// Number of features (the length of every vector's space).
    pub fn n_features(&self) -> usize {
        self.vocab.idf.len()
    }

    /// Number of documents it was fitted on.
    pub fn n_docs(&self) -> usize {
        self.vocab.n_docs
    }

    /// The inverse document frequency of each feature.
    pub fn idf(&self) -> &[f32] {
        &self.vocab.idf
    }

    /// Every feature's text, in feature-id order.
    pub fn feature_names(&self) -> Vec<String> {
        (0..self.n_features() as u32)
            .filter_map(|f| self.feature_name(f))
            .collect()
    }

    /// Rebuilds a fitted vectorizer from its settings, the number of documents
    /// it was fitted on, its feature names and their idf (as a model file stores them).
    pub fn from_parts(
        params: TfIdfParams,
        n_docs: usize,
        features: Vec<String>,
        idf: Vec<f32>,
    ) -> Result<TfIdf> {
        TfIdf::try_from(vocab::TfIdfData {
            params,
            n_docs,
            features,
            idf,
        })
    }

    /// A feature's text: a term, or two terms joined by a space for a bigram.
    pub fn feature_name(&self, feature: u32) -> Option<String> {
        self.vocab.feature_name(feature)
    }

    /// Calls `f` for every occurrence of a feature in `text`, in text order
    /// (sorted by start, then end: a bigram just before its second word's
    /// unigram), and returns the detected language.
    pub fn for_each_occurrence(
        &self,
        scratch: &mut Scratch,
        text: &str,
        mut f: impl FnMut(Occurrence),
    ) -> Lang {
        self.visit(
            scratch,
            text,
            |feature, start, end| {
                f(Occurrence {
                    feature,
                    span: start as usize..end as usize,
                })
            },
            |_, _, _| {},
        )
    }

    /// Walks `text` as the analyzer does (see [`Analyzer::analyze`]), the
    /// chunk cache in front of its per-chunk and per-word steps: `emit` gets
    /// every feature occurrence (id, start, end), `role` every masked role
    /// name (index in [`crate::text::ROLE_NAMES`], start, end).
    #[inline]
    fn visit(
        &self,
        scratch: &mut Scratch,
        text: &str,
        emit: impl FnMut(u32, u32, u32),
        role: impl FnMut(usize, u32, u32),
    ) -> Lang {
        if scratch.owner != self.id {
            // Slots are term ids of one vocabulary: another's are meaningless here.
            scratch.chunks = ChunkCache::default();
            scratch.owner = self.id;
        }
        let Scratch {
            chunks,
            bufs,
            read_as,
            ..
        } = scratch;
        chunks.prepare(text);
        let mut doc = chunks.read(|word, lang| {
            match self.analyzer.normalize(word, lang, bufs) {
                Ok(()) => self.vocab.slot_of_term(&bufs.term),
                Err(reason) => Slot::dropped(reason),
            }
            .with_role_start(self.analyzer.may_start_role_name(word))
        });
        let lang = match *read_as {
            Some(lang) => lang,
            None => self.analyzer.vote(&doc, text),
        };
        let mut features = Features {
            vocab: &self.vocab,
            emit,
            role,
        };
        self.analyzer.walk(text, &mut doc, lang, &mut features);
        lang
    }

    /// The tf-idf vector of `text`, L2-normalised (empty when no term is known).
    ///
    /// Allocates a fresh [`Scratch`]; to transform many texts, reuse one with
    /// [`TfIdf::transform_with`] or use [`TfIdf::transform_batch`].
    pub fn transform(&self, text: &str) -> SparseVec {
        self.transform_with(&mut Scratch::new(), text)
    }

    /// [`TfIdf::transform`] with caller-owned working memory.
    pub fn transform_with(&self, scratch: &mut Scratch, text: &str) -> SparseVec {
        self.transform_inner(scratch, text, |_| {}, |_, _| {}).0
    }

    /// [`TfIdf::transform_with`] that also calls `f` for every occurrence, in
    /// one pass over the text (explanations need both), and returns the
    /// detected language.
    pub fn transform_with_occurrences(
        &self,
        scratch: &mut Scratch,
        text: &str,
        f: impl FnMut(Occurrence),
    ) -> (SparseVec, Lang) {
        let (v, lang, _) = self.transform_inner(scratch, text, f, |_, _| {});
        (v, lang)
    }

    /// [`TfIdf::transform_with_occurrences`] that also calls `role` with
    /// every product-role name the text mentions — masked, so absent from the
    /// vector — as its index in [`crate::text::ROLE_NAMES`] and its bytes,
    /// and returns the norm the vector was divided by.
    pub(crate) fn transform_with_role_names(
        &self,
        scratch: &mut Scratch,
        text: &str,
        f: impl FnMut(Occurrence),
        role: impl FnMut(usize, Range<usize>),
    ) -> (SparseVec, Lang, f32) {
        self.transform_inner(scratch, text, f, role)
    }

    fn transform_inner(
        &self,
        scratch: &mut Scratch,
        text: &str,
        mut f: impl FnMut(Occurrence),
        mut role: impl FnMut(usize, Range<usize>),
    ) -> (SparseVec, Lang, f32) {
        let mut counts = std::mem::take(&mut scratch.counts);
        counts.start(self.n_features());
        let lang = self.visit(
            scratch,
            text,
            |feature, start, end| {
                counts.add(feature);
                f(Occurrence {
                    feature,
                    span: start as usize..end as usize,
                });
            },
            |id, start, end| role(id, start as usize..end as usize),
        );
        let sublinear = self.params.sublinear_tf;
        let idf = &self.vocab.idf;
        let mut v = counts.finish(|feature, n| {
            let tf = if sublinear { sublinear_tf(n) } else { n as f32 };
            tf * idf[feature as usize]
        });
        scratch.counts = counts;
        let norm = v.l2_normalize();
        (v, lang, norm)
    }

    /// Transforms every text on all cores; the result is in input order and
    /// equal to transforming each text alone.
    pub fn transform_batch<S: AsRef<str> + Sync>(&self, docs: &[S]) -> Vec<SparseVec> {
        if docs.is_empty() {
            return Vec::new();
        }
        docs.par_iter()
            .map(|d| Scratch::with_thread_local(|scratch| self.transform_with(scratch, d.as_ref())))
            .collect()
    }
}

#[cfg(test)]
mod tests;
