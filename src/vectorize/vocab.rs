//! The vocabulary: terms, features (unigrams and bigrams) and their idf.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{TfIdf, TfIdfParams};
use crate::text::{Analyzer, DropReason, WordOutcome};
use crate::{Error, Result};

/// "No feature" in [`Vocab::unigram`].
pub(super) const NONE: u32 = u32::MAX;

/// What a word maps to in the chunk cache: everything the transform needs
/// to know about a word without touching another table — its term id (or one
/// of the markers above the largest term id), its unigram feature, and
/// whether the term starts or ends any bigram feature at all (most adjacent
/// pairs cannot be a feature, and skipping their lookup saves a cache miss).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Slot {
    term: u32,
    /// The unigram feature in the low 29 bits, then [`ROLE_START`], [`LEFT`]
    /// and [`RIGHT`]: eight bytes in all keep cache entries small.
    unigram_sides: u32,
}

/// A term outside the vocabulary: the first marker above the term ids, so
/// that one comparison tells a term (known or not) from a dropped word.
const UNKNOWN: u32 = u32::MAX - 3;
const DROP_BREAK: u32 = u32::MAX - 2;
const DROP_KEEP: u32 = u32::MAX - 1;
const UNCACHED: u32 = u32::MAX;
/// Term ids stay below the markers.
const MAX_TERMS: usize = (u32::MAX - 4) as usize;
/// The term is the first of some bigram feature.
const LEFT: u32 = 1 << 30;
/// The term is the second of some bigram feature.
const RIGHT: u32 = 1 << 31;
/// The word may start a product-role name (see `text::mask`).
const ROLE_START: u32 = 1 << 29;
/// Unigram feature ids fit below the flag bits; [`NONE`] maps to all ones there.
const FEATURE_MASK: u32 = ROLE_START - 1;
/// Feature ids must stay below the mask.
const MAX_FEATURES: usize = FEATURE_MASK as usize;

impl Slot {
    /// Not looked up yet: the walk fills it the first time it meets the word
    /// in that language, and the vectorizer's loop never sees it.
    pub(super) const UNCACHED: Slot = Slot {
        term: UNCACHED,
        unigram_sides: FEATURE_MASK,
    };

    const fn marker(term: u32) -> Slot {
        Slot {
            term,
            unigram_sides: FEATURE_MASK,
        }
    }

    pub(super) fn dropped(reason: DropReason) -> Slot {
        Slot::marker(if reason.breaks_bigrams() {
            DROP_BREAK
        } else {
            DROP_KEEP
        })
    }

    /// The term's unigram feature, if it has one.
    #[inline]
    pub(super) fn unigram(self) -> Option<u32> {
        let f = self.unigram_sides & FEATURE_MASK;
        (f != FEATURE_MASK).then_some(f)
    }

    /// Marks the word as a possible start of a role name.
    pub(super) fn with_role_start(mut self, role_start: bool) -> Slot {
        if role_start {
            self.unigram_sides |= ROLE_START;
        }
        self
    }

    #[inline]
    pub(super) fn role_start(self) -> bool {
        self.unigram_sides & ROLE_START != 0
    }

    /// The term's id, if a bigram feature starts with it.
    #[inline]
    pub(super) fn bigram_start(self) -> Option<u32> {
        // Only a known term has the flag.
        (self.unigram_sides & LEFT != 0).then_some(self.term)
    }

    /// The term's id, if a bigram feature ends with it.
    #[inline]
    pub(super) fn bigram_end(self) -> Option<u32> {
        (self.unigram_sides & RIGHT != 0).then_some(self.term)
    }
}

/// A word's slot is what the per-word step made of it, as the walk reads it:
/// a term (known to the vocabulary or not: an unknown one has no feature, so
/// no bigram forms across it either) or a dropped word.
impl WordOutcome for Slot {
    #[inline]
    fn is_term(self) -> bool {
        self.term <= UNKNOWN
    }

    #[inline]
    fn breaks_bigrams(self) -> bool {
        self.term == DROP_BREAK
    }

    #[inline]
    fn may_start_role_name(self) -> bool {
        self.role_start()
    }
}

/// Terms and features of a fitted vectorizer.
///
/// Hashing: the maps use foldhash with a per-process random seed. Term keys
/// come from the training corpus, but the transform cache is keyed by words of
/// untrusted input, so a seeded hasher keeps crafted collisions impractical
/// while staying several times faster than SipHash on these short keys.
#[derive(Debug, Clone)]
pub(super) struct Vocab {
    /// Terms needed by some feature, sorted.
    terms: Vec<Box<str>>,
    term_ids: foldhash::HashMap<Box<str>, u32>,
    /// Per term id: its unigram feature, or [`NONE`] (a term kept only for bigrams).
    unigram: Vec<u32>,
    /// Per term id: [`LEFT`] | [`RIGHT`], the sides of bigram features it takes.
    sides: Vec<u32>,
    /// Bigram features by their first term, keyed by term ids (no string is
    /// built per bigram): those starting with term `a` are
    /// `bigram_next[bigram_start[a]..bigram_start[a + 1]]`, as (second term,
    /// feature) sorted by second term. Eight bytes per bigram keep the whole
    /// index in the L2 cache; a hash map of pairs missed it on most lookups.
    bigram_start: Vec<u32>,
    bigram_next: Vec<(u32, u32)>,
    /// Per feature: its term ids (the second is [`NONE`] for a unigram).
    features: Vec<(u32, u32)>,
    pub(super) idf: Vec<f32>,
    pub(super) n_docs: usize,
}

/// Document frequency and total count of one candidate feature.
#[derive(Default, Clone, Copy)]
struct Freq {
    df: usize,
    total: usize,
}

impl Vocab {
    /// Learns features from `docs` with the full analyzer (fitting is not the
    /// hot path; a test checks that the cached transform path agrees with it).
    pub(super) fn fit<S: AsRef<str> + Sync>(
        analyzer: &Analyzer,
        params: &TfIdfParams,
        docs: &[S],
    ) -> Result<Vocab> {
        // Per document: (feature text, count), analysed on all cores, merged in order.
        let per_doc: Vec<HashMap<String, usize>> = docs
            .par_iter()
            .map(|d| {
                let analysis = analyzer.analyze(d.as_ref());
                let mut counts: HashMap<String, usize> = HashMap::new();
                for term in analysis.terms() {
                    *counts.entry(term.to_string()).or_default() += 1;
                }
                for b in analysis.bigrams {
                    *counts.entry(b.term).or_default() += 1;
                }
                counts
            })
            .collect();
        let mut freqs: HashMap<String, Freq> = HashMap::new();
        for counts in per_doc {
            for (name, n) in counts {
                let f = freqs.entry(name).or_default();
                f.df += 1;
                f.total += n;
            }
        }
        let n_docs = docs.len();
        let max_df = (f64::from(params.max_df) * n_docs as f64).floor() as usize;
        let mut kept: Vec<(String, Freq)> = freqs
            .into_iter()
            .filter(|(_, f)| f.df >= params.min_df && f.df <= max_df.max(1))
            .collect();
        if let Some(max) = params.max_features {
            kept.sort_unstable_by(|a, b| b.1.total.cmp(&a.1.total).then_with(|| a.0.cmp(&b.0)));
            kept.truncate(max);
        }
        if kept.is_empty() {
            return Err(Error::EmptyInput(format!(
                "no term occurs in at least {} of the {n_docs} documents",
                params.min_df
            )));
        }
        kept.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let idf = kept
            .iter()
            .map(|(_, f)| (((1 + n_docs) as f64 / (1 + f.df) as f64).ln() + 1.0) as f32)
            .collect();
        let names: Vec<String> = kept.into_iter().map(|(name, _)| name).collect();
        Vocab::from_names(&names, idf, n_docs)
    }

    /// Rebuilds the maps from feature names ("term" or "term term") and their idf.
    fn from_names(names: &[String], idf: Vec<f32>, n_docs: usize) -> Result<Vocab> {
        let bad = |reason: String| Error::InvalidParam {
            name: "vocabulary",
            reason,
        };
        check_idf(names, &idf).map_err(bad)?;
        let mut terms: Vec<&str> = names.iter().flat_map(|n| n.split(' ')).collect();
        terms.sort_unstable();
        terms.dedup();
        if names.len() > MAX_FEATURES {
            return Err(bad(format!(
                "{} features is more than a vocabulary can hold",
                names.len()
            )));
        }
        if terms.len() > MAX_TERMS {
            return Err(bad(format!(
                "{} terms is more than a vocabulary can hold",
                terms.len()
            )));
        }
        let terms: Vec<Box<str>> = terms.into_iter().map(Box::from).collect();
        let mut term_ids = foldhash::HashMap::default();
        for (i, t) in terms.iter().enumerate() {
            term_ids.insert(t.clone(), i as u32);
        }
        let mut unigram = vec![NONE; terms.len()];
        let mut sides = vec![0u32; terms.len()];
        let mut bigrams: Vec<(u32, u32, u32)> = Vec::new();
        let mut features = Vec::with_capacity(names.len());
        for (f, name) in names.iter().enumerate() {
            let f = f as u32;
            let mut parts = name.split(' ');
            let (a, b, rest) = (parts.next(), parts.next(), parts.next());
            let id = |t: &str| term_ids.get(t).copied().filter(|_| !t.is_empty());
            match (a.and_then(id), b.map(id), rest) {
                (Some(a), None, None) => {
                    if unigram[a as usize] != NONE {
                        return Err(bad(format!("feature `{name}` appears twice")));
                    }
                    unigram[a as usize] = f;
                    features.push((a, NONE));
                }
                (Some(a), Some(Some(b)), None) => {
                    bigrams.push((a, b, f));
                    sides[a as usize] |= LEFT;
                    sides[b as usize] |= RIGHT;
                    features.push((a, b));
                }
                _ => {
                    return Err(bad(format!(
                        "feature `{name}` is neither a term nor two terms"
                    )))
                }
            }
        }
        bigrams.sort_unstable();
        if let Some(w) = bigrams
            .windows(2)
            .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
        {
            return Err(bad(format!(
                "feature `{}` appears twice",
                names[w[0].2 as usize]
            )));
        }
        let (bigram_start, bigram_next) = bigram_index(terms.len(), &bigrams);
        Ok(Vocab {
            terms,
            term_ids,
            unigram,
            sides,
            bigram_start,
            bigram_next,
            features,
            idf,
            n_docs,
        })
    }

    /// The cache slot of a normalised term.
    pub(super) fn slot_of_term(&self, term: &str) -> Slot {
        match self.term_ids.get(term) {
            Some(&id) => Slot {
                term: id,
                unigram_sides: (self.unigram[id as usize] & FEATURE_MASK) | self.sides[id as usize],
            },
            None => Slot::marker(UNKNOWN),
        }
    }

    /// The bigram feature of term `a` followed by term `b`, if there is one.
    #[inline]
    pub(super) fn bigram(&self, a: u32, b: u32) -> Option<u32> {
        let (from, to) = (
            self.bigram_start[a as usize] as usize,
            self.bigram_start[a as usize + 1] as usize,
        );
        let next = &self.bigram_next[from..to];
        if next.len() <= 8 {
            next.iter().find(|p| p.0 == b).map(|p| p.1)
        } else {
            next.binary_search_by_key(&b, |p| p.0)
                .ok()
                .map(|i| next[i].1)
        }
    }

    pub(super) fn feature_name(&self, feature: u32) -> Option<String> {
        let &(a, b) = self.features.get(feature as usize)?;
        let a = &self.terms[a as usize];
        Some(if b == NONE {
            a.to_string()
        } else {
            format!("{a} {}", self.terms[b as usize])
        })
    }
}

/// Checks that `idf` has one positive weight per feature name.
fn check_idf(names: &[String], idf: &[f32]) -> std::result::Result<(), String> {
    if names.len() != idf.len() {
        return Err(format!(
            "{} features but {} idf weights",
            names.len(),
            idf.len()
        ));
    }
    match idf.iter().find(|w| !(w.is_finite() && **w > 0.0)) {
        Some(w) => Err(format!("idf weight {w} is not a positive number")),
        None => Ok(()),
    }
}

/// [`Vocab::bigram_start`] and [`Vocab::bigram_next`] for `n_terms` terms
/// from the bigram features (first term, second term, feature), sorted.
fn bigram_index(n_terms: usize, bigrams: &[(u32, u32, u32)]) -> (Vec<u32>, Vec<(u32, u32)>) {
    let mut start = vec![0u32; n_terms + 1];
    for &(a, _, _) in bigrams {
        start[a as usize + 1] += 1;
    }
    for a in 0..n_terms {
        start[a + 1] += start[a];
    }
    (start, bigrams.iter().map(|&(_, b, f)| (b, f)).collect())
}

/// The serialised form of a fitted vectorizer: settings, feature names, idf.
#[derive(Serialize, Deserialize)]
pub(super) struct TfIdfData {
    pub(super) params: TfIdfParams,
    pub(super) n_docs: usize,
    pub(super) features: Vec<String>,
    pub(super) idf: Vec<f32>,
}

impl From<TfIdf> for TfIdfData {
    fn from(t: TfIdf) -> TfIdfData {
        let features = (0..t.vocab.features.len() as u32)
            .filter_map(|f| t.vocab.feature_name(f))
            .collect();
        TfIdfData {
            params: t.params,
            n_docs: t.vocab.n_docs,
            features,
            idf: t.vocab.idf,
        }
    }
}

impl TryFrom<TfIdfData> for TfIdf {
    type Error = Error;

    fn try_from(d: TfIdfData) -> Result<TfIdf> {
        d.params.check()?;
        let analyzer = d.params.analyzer.build()?;
        let vocab = Vocab::from_names(&d.features, d.idf, d.n_docs)?;
        Ok(TfIdf {
            params: d.params,
            analyzer,
            vocab,
            id: super::next_id(),
        })
    }
}
