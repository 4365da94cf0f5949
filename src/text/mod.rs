//! The analyzer: a posting's text → terms with byte spans.
//!
//! normalize → tokenize (spans kept) → stop words → stem → n-grams, with the
//! French rules described in the README. [`Analyzer::analyze`] gives every
//! step's outcome for people and tests; the vectorizer takes the same walk
//! over a document (`walk.rs`), with a cache in front of the per-chunk and
//! per-word steps (see [`crate::vectorize`]).

mod lang;
mod mask;
pub(crate) mod names;
pub(crate) mod normalize;
mod scan;
mod segment;
mod stopwords;
mod walk;

use serde::{Deserialize, Serialize};

pub use lang::{unsupported_language, Lang};
pub use segment::DropReason;
pub(crate) use segment::{Segment, SegmentKind};

pub use mask::ROLE_NAMES;
use normalize::Stemmers;
pub(crate) use scan::{chunks, Chunk};
pub(crate) use segment::Segmenter;
#[cfg(test)]
pub(crate) use walk::segments;
use walk::Fresh;
pub(crate) use walk::{segment_vote, ChunkRef, Chunked, Segmented, Sink, WordOutcome};

/// Version of the analyzer's rules. A model records the rules it was trained
/// with; loading it under other rules would silently change what its terms mean.
pub const ANALYZER_RULES: u32 = 2;

/// Analyzer settings. They change what a model's terms mean, so a model stores them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyzerParams {
    /// Language assumed when the text gives no clue (defaults to `fr`).
    pub default_lang: Lang,
    /// Also emit bigrams of adjacent terms (defaults to `true`).
    pub bigrams: bool,
    /// Drop product-role names (`Product Manager`, `PO`, `chef de produit`…)
    /// so that only duties count (defaults to `true`).
    pub mask_role_names: bool,
    /// Rules version, [`ANALYZER_RULES`] for new settings.
    pub rules: u32,
}

impl Default for AnalyzerParams {
    fn default() -> AnalyzerParams {
        AnalyzerParams {
            default_lang: Lang::Fr,
            bigrams: true,
            mask_role_names: true,
            rules: ANALYZER_RULES,
        }
    }
}

impl AnalyzerParams {
    /// Sets the language assumed when the text gives no clue (defaults to `fr`).
    pub fn default_lang(mut self, lang: Lang) -> AnalyzerParams {
        self.default_lang = lang;
        self
    }

    /// Emits bigrams of adjacent terms or not (defaults to `true`).
    pub fn bigrams(mut self, bigrams: bool) -> AnalyzerParams {
        self.bigrams = bigrams;
        self
    }

    /// Drops product-role names or not (defaults to `true`).
    pub fn mask_role_names(mut self, mask: bool) -> AnalyzerParams {
        self.mask_role_names = mask;
        self
    }

    /// Checks the settings and builds the analyzer.
    pub fn build(&self) -> crate::Result<Analyzer> {
        if self.rules != ANALYZER_RULES {
            return Err(crate::Error::InvalidParam {
                name: "rules",
                reason: format!(
                    "analyzer rules version {} is not supported; this build has version {ANALYZER_RULES}",
                    self.rules
                ),
            });
        }
        Ok(Analyzer {
            params: self.clone(),
            stemmers: Stemmers::new(),
        })
    }
}

/// Turns text into terms. Cheap to share across threads.
#[derive(Debug)]
pub struct Analyzer {
    params: AnalyzerParams,
    stemmers: Stemmers,
}

/// What became of one word of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It became this term.
    Term(String),
    /// It was dropped, for this reason.
    Dropped(DropReason),
}

/// One word of the input, with its byte span and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Token<'a> {
    /// The word as written.
    pub text: &'a str,
    /// Byte offset of its first byte in the input.
    pub start: usize,
    /// Byte offset one past its last byte.
    pub end: usize,
    /// The term it became, or why it was dropped.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Two adjacent terms (stop words skipped, no punctuation between them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bigram {
    /// The two terms joined by a space.
    pub term: String,
    /// Start of the first word.
    pub start: usize,
    /// End of the second word.
    pub end: usize,
}

/// The full analysis of one text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Analysis<'a> {
    /// The detected language.
    pub lang: Lang,
    /// Every word, kept or dropped, in order.
    pub tokens: Vec<Token<'a>>,
    /// Bigrams, when the analyzer emits them.
    pub bigrams: Vec<Bigram>,
}

impl Analysis<'_> {
    /// The kept terms, in order.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.tokens.iter().filter_map(|t| match &t.outcome {
            Outcome::Term(term) => Some(term.as_str()),
            Outcome::Dropped(_) => None,
        })
    }
}

/// Reusable buffers for one thread's normalisation work.
#[derive(Debug, Default)]
pub(crate) struct NormBuffers {
    lower: String,
    pub(crate) term: String,
}

impl Analyzer {
    /// The analyzer with default settings.
    pub fn new() -> Analyzer {
        AnalyzerParams::default()
            .build()
            .expect("default analyzer params are valid")
    }

    /// Its settings.
    pub fn params(&self) -> &AnalyzerParams {
        &self.params
    }

    /// Whether role names are masked, and so whether `word` may start one.
    #[inline]
    pub(crate) fn may_start_role_name(&self, word: &str) -> bool {
        self.params.mask_role_names && mask::is_role_start(word)
    }

    /// Normalises one segmented word into `bufs.term`.
    pub(crate) fn normalize(
        &self,
        word: &str,
        lang: Lang,
        bufs: &mut NormBuffers,
    ) -> Result<(), DropReason> {
        normalize::normalize_word(word, lang, &self.stemmers, &mut bufs.lower, &mut bufs.term)
    }

    /// The language `text` is written in, as the analyzer sees it.
    pub fn detect_lang(&self, text: &str) -> Lang {
        self.vote(&Segmented::new(self, text), text)
    }

    /// Analyses `text`, keeping every step's outcome.
    pub fn analyze<'a>(&self, text: &'a str) -> Analysis<'a> {
        let mut doc = Segmented::new(self, text);
        let lang = self.vote(&doc, text);
        let mut kept = Kept {
            tokens: Vec::with_capacity(doc.n_segments()),
            bigrams: Vec::new(),
        };
        self.walk(text, &mut doc, lang, &mut kept);
        let mut terms = doc.into_terms();
        let bigrams = kept
            .bigrams
            .iter()
            .map(|&(first, second, start, end)| Bigram {
                term: format!("{} {}", terms[first as usize], terms[second as usize]),
                start: start as usize,
                end: end as usize,
            })
            .collect();
        let tokens = kept
            .tokens
            .into_iter()
            .map(|(s, outcome)| {
                let (start, end) = (s.start as usize, s.end as usize);
                let outcome = match outcome {
                    Ok(term) => Outcome::Term(std::mem::take(&mut terms[term as usize])),
                    Err(reason) => Outcome::Dropped(reason),
                };
                Token {
                    text: &text[start..end],
                    start,
                    end,
                    outcome,
                }
            })
            .collect();
        Analysis {
            lang,
            tokens,
            bigrams,
        }
    }
}

/// What [`Analyzer::analyze`] keeps of the walk: every word, with its term's
/// index in the document's terms or why it was dropped, and every bigram as
/// its two terms' indices and its bytes.
struct Kept {
    tokens: Vec<(Segment, Result<u32, DropReason>)>,
    bigrams: Vec<(u32, u32, u32, u32)>,
}

impl Sink<Fresh> for Kept {
    type Left = u32;

    fn term(&mut self, seg: Segment, word: Fresh) -> Option<u32> {
        self.tokens.push((seg, word.outcome));
        word.outcome.ok()
    }

    fn bigram(&mut self, first: u32, start: u32, seg: Segment, word: Fresh) {
        if let Ok(second) = word.outcome {
            self.bigrams.push((first, second, start, seg.end));
        }
    }

    fn dropped(&mut self, seg: Segment, word: Fresh) {
        self.tokens.push((seg, word.outcome));
    }

    fn role_name(&mut self, _: usize, words: &[Segment]) {
        self.tokens
            .extend(words.iter().map(|&s| (s, Err(DropReason::RoleName))));
    }
}

impl Default for Analyzer {
    fn default() -> Analyzer {
        Analyzer::new()
    }
}

#[cfg(test)]
mod tests;
