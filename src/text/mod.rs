//! The analyzer: a posting's text → terms with byte spans.
//!
//! normalize → tokenize (spans kept) → stop words → stem → n-grams, with the
//! French rules described in the README. [`Analyzer::analyze`] gives every
//! step's outcome for people and tests; the vectorizer drives the same steps
//! through a cache (see [`crate::vectorize`]).

mod lang;
mod mask;
mod normalize;
mod segment;
mod stopwords;

use serde::{Deserialize, Serialize};

pub use lang::{unsupported_language, Lang};
pub use segment::{DropReason, Segment, SegmentKind};

pub(crate) use lang::LangVote;
pub use mask::ROLE_NAMES;
pub(crate) use mask::ROLE_NAME_WORDS;
use normalize::Stemmers;
pub(crate) use segment::{chunks, segment_chunk_at, Chunk, Piece};

/// Version of the analyzer's rules. A model records the rules it was trained
/// with; loading it under other rules would silently change what its terms mean.
pub const ANALYZER_RULES: u32 = 1;

/// How many leading segments vote on a posting's language.
pub(crate) const LANG_VOTE_WORDS: usize = 400;

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

    /// Segments `text` into `segments` and detects its language. Role names
    /// are not masked here: [`Analyzer::analyze`] masks them in a pass, the
    /// vectorizer only where its cache says a word can start one.
    pub(crate) fn segment(&self, text: &str, segments: &mut Vec<Segment>) -> Lang {
        segment::segment(text, segments);
        let mut vote = LangVote::new();
        for s in segments.iter().take(LANG_VOTE_WORDS) {
            vote.add_vote(segment_vote(text, s));
            if vote.decided() {
                break;
            }
        }
        vote.result(self.params.default_lang)
    }

    /// The language assumed when the text gives no clue.
    pub(crate) fn default_lang(&self) -> Lang {
        self.params.default_lang
    }

    /// Whether role names are masked, and so whether `word` may start one.
    #[inline]
    pub(crate) fn may_start_role_name(&self, word: &str) -> bool {
        self.params.mask_role_names && mask::is_role_start(word)
    }

    /// How many segments from `i` on form a role name (0 if none).
    pub(crate) fn role_name_len(&self, text: &str, segments: &[Segment], i: usize) -> usize {
        mask::role_name_len(text, segments, i)
    }

    /// Which of [`ROLE_NAMES`] the first `n` of `segments` name, `n` being
    /// what [`Analyzer::role_name_len`] found there.
    pub(crate) fn role_name_id(&self, text: &str, segments: &[Segment], n: usize) -> usize {
        mask::role_name_id(text, segments, 0, n)
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
        self.segment(text, &mut Vec::new())
    }

    /// Analyses `text`, keeping every step's outcome.
    pub fn analyze<'a>(&self, text: &'a str) -> Analysis<'a> {
        let mut segments = Vec::new();
        let lang = self.segment(text, &mut segments);
        if self.params.mask_role_names {
            mask::mask_role_names(text, &mut segments);
        }
        let mut bufs = NormBuffers::default();
        let mut tokens = Vec::with_capacity(segments.len());
        let mut bigrams = Vec::new();
        // The previous kept token, for bigrams: (index in tokens).
        let mut prev: Option<usize> = None;
        for s in &segments {
            let (start, end) = (s.start as usize, s.end as usize);
            let word = &text[start..end];
            if s.clause_start {
                prev = None;
            }
            let outcome = match s.kind {
                SegmentKind::Dropped(reason) => Outcome::Dropped(reason),
                SegmentKind::Word => match self.normalize(word, lang, &mut bufs) {
                    Ok(()) => Outcome::Term(bufs.term.clone()),
                    Err(reason) => Outcome::Dropped(reason),
                },
            };
            if let Outcome::Term(term) = &outcome {
                if let (true, Some(p)) = (self.params.bigrams, prev) {
                    let first: &Token = &tokens[p];
                    if let Outcome::Term(first_term) = &first.outcome {
                        bigrams.push(Bigram {
                            term: format!("{first_term} {term}"),
                            start: first.start,
                            end,
                        });
                    }
                }
                prev = Some(tokens.len());
            } else if let Outcome::Dropped(reason) = outcome {
                if reason.breaks_bigrams() {
                    prev = None;
                }
            }
            tokens.push(Token {
                text: word,
                start,
                end,
                outcome,
            });
        }
        Analysis {
            lang,
            tokens,
            bigrams,
        }
    }
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

impl Default for Analyzer {
    fn default() -> Analyzer {
        Analyzer::new()
    }
}

#[cfg(test)]
mod tests;
