//! The backlog-manager detector: the role a title claims against the role the
//! duties describe, with the evidence on the posting's own words.
//!
//! A posting is a *backlog manager* when its title claims a Product Manager
//! (`pm`, `ai-pm` or `data-pm`) and the duty reading (the body, role names
//! masked) says "PO duties" rather than the claimed role's with a
//! probability that reaches the threshold chosen by cross-validation when the
//! model was trained (see [`DetectorInfo`] and `flag_score`).

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::model::{Classification, N_ROLES};
use crate::title::claimed_role;
use crate::vectorize::{Scratch, NO_ENTRY};
use crate::{Analyzer, Model, Role};

/// The flag's threshold and how well it did, measured when the model was trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetectorInfo {
    /// A PM-titled posting whose flag score reaches this is flagged.
    pub threshold: f32,
    /// Cross-validated precision of the flag (threshold chosen without the fold scored).
    pub precision: f64,
    /// Cross-validated recall of the flag.
    pub recall: f64,
    /// PM-titled postings labelled backlog managers.
    pub positives: usize,
    /// PM-titled postings that are not.
    pub negatives: usize,
}

/// Thresholds tried, from lenient to strict.
const THRESHOLDS: [f32; 18] = [
    0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98,
    0.99,
];

/// F-beta with β = 0.5: precision counts four times as much as recall, since
/// a false accusation is worse than a miss.
fn f_half(tp: usize, fp: usize, fn_: usize) -> f64 {
    let (tp, fp, fn_) = (tp as f64, fp as f64, fn_ as f64);
    let denom = 1.25 * tp + 0.25 * fn_ + fp;
    if denom == 0.0 {
        0.0
    } else {
        1.25 * tp / denom
    }
}

fn counts(scored: &[(f32, bool)], threshold: f32) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for &(s, positive) in scored {
        match (s >= threshold, positive) {
            (true, true) => c.0 += 1,
            (true, false) => c.1 += 1,
            (false, true) => c.2 += 1,
            (false, false) => {}
        }
    }
    c
}

/// The threshold with the best F0.5 on `scored`; ties go to the stricter one.
fn best_threshold(scored: &[(f32, bool)]) -> f32 {
    let mut best = (f64::MIN, THRESHOLDS[0]);
    for t in THRESHOLDS {
        let (tp, fp, fn_) = counts(scored, t);
        let f = f_half(tp, fp, fn_);
        if f >= best.0 {
            best = (f, t);
        }
    }
    best.1
}

/// Chooses the threshold from out-of-fold scores: `(po probability, is a
/// backlog manager, fold)` of every PM-titled posting. The precision and
/// recall reported are those of thresholds chosen without the fold scored.
pub fn calibrate(scored: &[(f32, bool, usize)], folds: usize) -> DetectorInfo {
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for f in 0..folds {
        let others: Vec<(f32, bool)> = scored
            .iter()
            .filter(|s| s.2 != f)
            .map(|s| (s.0, s.1))
            .collect();
        let held: Vec<(f32, bool)> = scored
            .iter()
            .filter(|s| s.2 == f)
            .map(|s| (s.0, s.1))
            .collect();
        let c = counts(&held, best_threshold(&others));
        tp += c.0;
        fp += c.1;
        fn_ += c.2;
    }
    let all: Vec<(f32, bool)> = scored.iter().map(|s| (s.0, s.1)).collect();
    let ratio = |a: usize, b: usize| {
        if a + b == 0 {
            0.0
        } else {
            a as f64 / (a + b) as f64
        }
    };
    DetectorInfo {
        threshold: best_threshold(&all),
        precision: ratio(tp, fp),
        recall: ratio(tp, fn_),
        positives: all.iter().filter(|s| s.1).count(),
        negatives: all.iter().filter(|s| !s.1).count(),
    }
}

/// Threshold used by a model that recorded none (trained without titles).
const DEFAULT_THRESHOLD: f32 = 0.5;

/// Which side a phrase of evidence pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// Towards the Product Owner reading (backlog work).
    Po,
    /// Towards the Product Manager reading the title claims.
    Pm,
}

impl Side {
    /// Its name in output files (`po`, `pm`), as serialised.
    pub fn name(self) -> &'static str {
        match self {
            Side::Po => "po",
            Side::Pm => "pm",
        }
    }
}

/// Adjacent evidence merged into a readable phrase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phrase {
    /// The words, as written.
    pub text: String,
    /// Their byte range in the posting's body.
    pub span: Range<usize>,
    /// Which reading it supports.
    pub side: Side,
    /// Its push: the `po` contribution minus the claimed PM role's, summed
    /// over its terms (a term's contribution is split evenly over its occurrences).
    pub weight: f32,
    /// The sentence it stands in.
    pub sentence: String,
}

/// A core Product Manager duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PmDuty {
    /// Discovery and user research.
    Discovery,
    /// Vision and strategy.
    Strategy,
    /// Outcomes and impact measurement.
    Outcomes,
    /// Business and market.
    Business,
}

impl PmDuty {
    /// Every group, in report order.
    pub const ALL: [PmDuty; 4] = [
        PmDuty::Discovery,
        PmDuty::Strategy,
        PmDuty::Outcomes,
        PmDuty::Business,
    ];

    /// The group's name for people.
    pub fn name(self) -> &'static str {
        match self {
            PmDuty::Discovery => "discovery / user research",
            PmDuty::Strategy => "vision / strategy",
            PmDuty::Outcomes => "outcomes / impact measurement",
            PmDuty::Business => "business / market",
        }
    }

    /// Words whose presence (after analysis: stemmed, accents folded, either
    /// language) shows the duty; a two-word entry must appear as those two
    /// words. Written as people write them; the analyzer turns them into terms.
    pub fn words(self) -> &'static [&'static str] {
        match self {
            PmDuty::Discovery => &[
                "discovery",
                "découverte",
                "user research",
                "recherche utilisateur",
                "recherches utilisateurs",
                "entretiens",
                "interviews",
                "interviewer",
                "problèmes",
                "problems",
                "irritants",
                "prototypes",
                "prototyper",
                "hypothèses",
                "hypotheses",
                "opportunités",
                "opportunities",
                "observation",
                "terrain",
                "usability",
                "utilisabilité",
            ],
            PmDuty::Strategy => &[
                "vision",
                "stratégie",
                "stratégique",
                "strategy",
                "strategic",
                "ambition",
                "long-terme",
                "north-star",
                "positionnement",
                "positioning",
            ],
            PmDuty::Outcomes => &[
                "OKR",
                "KPI",
                "impact",
                "impacts",
                "outcomes",
                "outcome",
                "métriques",
                "metrics",
                "indicateurs",
                "mesurer",
                "measure",
                "adoption",
                "rétention",
                "retention",
                "conversion",
                "A/B",
                "expérimentation",
                "experiments",
            ],
            PmDuty::Business => &[
                "business",
                "marché",
                "market",
                "markets",
                "pricing",
                "prix",
                "revenus",
                "revenue",
                "chiffre",
                "rentabilité",
                "profitability",
                "concurrence",
                "concurrents",
                "competitors",
                "competitive",
                "monétisation",
                "monetization",
                "économique",
            ],
        }
    }
}

/// The terms of each duty group as `analyzer` reads them (a model keeps
/// its own, see [`Model::missing_pm_duties`]).
fn duty_terms(analyzer: &Analyzer) -> [Vec<String>; 4] {
    PmDuty::ALL.map(|d| {
        let mut terms: Vec<String> = Vec::new();
        for w in d.words() {
            // Stop words set the language, so each word gets its French
            // and its English term.
            for context in ["le la les et", "the and of"] {
                let text = format!("{context} {w}");
                let a = analyzer.analyze(&text);
                // A phrase ("recherche utilisateur") counts as its bigram,
                // so "Profil recherché" is no user research.
                if a.bigrams.is_empty() {
                    terms.extend(a.terms().map(String::from));
                } else {
                    terms.extend(a.bigrams.into_iter().map(|b| b.term));
                }
            }
        }
        terms.sort();
        terms.dedup();
        terms
    })
}

/// The whole verdict on one posting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The role the title claims, if it names one.
    pub claimed_role: Option<Role>,
    /// The classifier's verdict on the body (role, probabilities, scores).
    #[serde(flatten)]
    pub classification: Classification,
    /// Titled as a Product Manager, reads as a backlog manager.
    pub backlog_manager: bool,
    /// Probability that the duties are a Product Owner's rather than the
    /// claimed role's (a Product Manager's when the title claims none), in [0, 1].
    pub score: f32,
    /// The flag's threshold.
    pub threshold: f32,
    /// A confident disagreement between the title and the duties, other than
    /// a backlog manager (a "Product Owner" doing product marketing, a
    /// "Product Manager" running a project).
    pub title_mismatch: bool,
    /// Phrases that pushed towards `po` or towards the claimed PM role,
    /// strongest first: [`MAX_PHRASES`] of them at most, or as many as
    /// [`Depth::Flag`] asks for.
    pub evidence: Vec<Phrase>,
    /// Core PM duties the posting never mentions.
    pub missing_pm_duties: Vec<PmDuty>,
}

/// How much of the verdict to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Everything, missing PM duties included.
    Full,
    /// Role, flag, mismatch and the `phrases` strongest evidence phrases
    /// (the same as the first of [`Depth::Full`]'s); no per-term evidence,
    /// no missing PM duties.
    Flag {
        /// Evidence phrases to keep.
        phrases: usize,
    },
}

/// Confidence needed before a disagreement with the title counts as a mismatch.
const MISMATCH_CONFIDENCE: f32 = 0.6;

/// Ends a sentence: `.` `!` `?` `;` or a line break, or a bullet `•`
/// (U+2022, bytes E2 80 A2) seen by its last byte. Read off bytes: the
/// delimiters are ASCII or end in a byte no other delimiter has, so no char
/// needs decoding on the way to them.
fn ends_sentence_at(bytes: &[u8], i: usize) -> bool {
    /// The delimiters' bytes, and 0xA2 for the bullet's last byte: one
    /// look-up per byte scanned, where most bytes are letters.
    static MAY_END: [bool; 256] = {
        let mut t = [false; 256];
        let mut k = 0;
        let ends = [b'.', b'!', b'?', b'\n', b';', 0xA2];
        while k < ends.len() {
            t[ends[k] as usize] = true;
            k += 1;
        }
        t
    };
    let b = bytes[i];
    MAY_END[usize::from(b)] && (b != 0xA2 || bullet_ends_at(bytes, i))
}

/// Whether a bullet `•` (U+2022, bytes E2 80 A2) ends at `bytes[i]`, in text
/// whose chars are whole: E2 only ever leads a char, so these three bytes
/// in a row are that char.
fn bullet_ends_at(bytes: &[u8], i: usize) -> bool {
    bytes[i] == 0xA2 && i >= 2 && bytes[i - 2] == 0xE2 && bytes[i - 1] == 0x80
}

/// The sentence around `span`: from just past the last delimiter before it
/// to just past the first one after it, trimmed. Both ends land just past a
/// delimiter's last byte: a char boundary. Scanning out from each phrase
/// reads only the sentences shown, not the whole text.
fn sentence_around(text: &str, span: &Range<usize>) -> String {
    let bytes = text.as_bytes();
    let start = (0..span.start)
        .rev()
        .find(|&i| ends_sentence_at(bytes, i))
        .map_or(0, |i| i + 1);
    let end = (span.end..bytes.len())
        .find(|&i| ends_sentence_at(bytes, i))
        .map_or(bytes.len(), |i| i + 1);
    text[start..end].trim().to_string()
}

/// The same pushes straight from the vector and the occurrences (in text
/// order), without building per-term evidence: the batch audit's path.
fn pieces_from_occurrences(
    model: &Model,
    x: &crate::SparseVec,
    spans: &[(u32, Range<usize>)],
    entries: &[u32],
    po: usize,
    pm: usize,
) -> Vec<(Range<usize>, f32)> {
    // How many occurrences each entry of `x` has (`entries` maps a feature
    // to its entry): a feature's push is shared equally among its
    // occurrences. Spans stay in text order, as the phrases need them.
    // Role names (ids past the body's features) are not in the duty vector.
    let entry = |f: u32| entries.get(f as usize).copied().filter(|&k| k != NO_ENTRY);
    let mut push = vec![0f32; x.len()];
    for &(f, _) in spans {
        if let Some(k) = entry(f) {
            push[k as usize] += 1.0;
        }
    }
    for ((p, &f), &w) in push.iter_mut().zip(&x.indices).zip(&x.values) {
        let coef = model.duty_head().coef_of(f);
        // `*p` counts the feature's occurrences here, at least one.
        *p = w * (coef[po] - coef[pm]) / *p;
    }
    let mut pieces = Vec::with_capacity(spans.len());
    pieces.extend(
        spans
            .iter()
            .filter_map(|(f, span)| Some((span.clone(), push[entry(*f)? as usize]))),
    );
    pieces
}

/// Phrases kept per verdict, strongest first.
pub const MAX_PHRASES: usize = 20;

/// Merges per-occurrence pushes into phrases of adjacent words on the same
/// side; the `limit` strongest are returned.
fn phrases(text: &str, mut pieces: Vec<(Range<usize>, f32)>, limit: usize) -> Vec<Phrase> {
    pieces.retain(|(_, push)| push.abs() >= 1e-4);
    // Occurrences come in this order; per-term evidence does not.
    if !pieces.is_sorted_by_key(|(s, _)| (s.start, s.end)) {
        pieces.sort_by_key(|(s, _)| (s.start, s.end));
    }
    let mut merged: Vec<(Range<usize>, f32)> = Vec::with_capacity(pieces.len());
    // Read off bytes: every separator is ASCII but `•`, and a gap holds
    // whole chars.
    let adjacent = |a: &Range<usize>, b: &Range<usize>| {
        b.start <= a.end
            || (b.start - a.end <= 12 && {
                let gap = &text.as_bytes()[a.end..b.start];
                !gap.iter().enumerate().any(|(i, &c)| {
                    matches!(
                        c,
                        b'.' | b','
                            | b';'
                            | b':'
                            | b'!'
                            | b'?'
                            | b'('
                            | b')'
                            | b'['
                            | b']'
                            | b'\n'
                            | b'|'
                    ) || bullet_ends_at(gap, i)
                })
            })
    };
    for (span, push) in pieces {
        match merged.last_mut() {
            Some((cs, cw)) if (*cw > 0.0) == (push > 0.0) && adjacent(cs, &span) => {
                cs.end = cs.end.max(span.end);
                *cw += push;
            }
            _ => merged.push((span, push)),
        }
    }
    // The strongest first, ties in text order (a total order): kept in a
    // list of at most `limit`, sorted, that most phrases are too weak to
    // enter. Only those get their text and sentence copied out.
    let strongest = |a: &(Range<usize>, f32), b: &(Range<usize>, f32)| {
        b.1.abs()
            .total_cmp(&a.1.abs())
            .then_with(|| (a.0.start, a.0.end).cmp(&(b.0.start, b.0.end)))
    };
    let mut top: Vec<(Range<usize>, f32)> = Vec::with_capacity(limit + 1);
    for m in merged {
        let enters = match top.last() {
            Some(weakest) if top.len() == limit => strongest(&m, weakest).is_lt(),
            _ => top.len() < limit,
        };
        if enters {
            let at = top.partition_point(|t| strongest(t, &m).is_lt());
            top.insert(at, m);
            top.truncate(limit);
        }
    }
    top.into_iter()
        .map(|(span, weight)| Phrase {
            text: text[span.clone()].to_string(),
            sentence: sentence_around(text, &span),
            side: if weight > 0.0 { Side::Po } else { Side::Pm },
            span,
            weight,
        })
        .collect()
}

/// The flag's score: the probability that the duties are a Product Owner's
/// rather than those of the role the title claims, from the duty head's
/// scores alone — the question is "PO duties or PM duties?", not "which of
/// seven roles?", so duties that lean elsewhere but are PO-like against the
/// claim still score high.
pub(crate) fn flag_score(duty_scores: &[f32; N_ROLES], claim: Role, temperature: f32) -> f32 {
    let margin = (duty_scores[Role::Po.index()] - duty_scores[claim.index()]) / temperature;
    1.0 / (1.0 + (-margin).exp())
}

impl Model {
    /// Classifies a posting and sets the role its title claims against what
    /// its duties describe.
    pub fn check(&self, title: &str, text: &str) -> Verdict {
        self.check_with(&mut Scratch::new(), title, text, Depth::Full)
    }

    /// The core Product Manager duties `text` never mentions (a second,
    /// per-token analysis of the text).
    pub fn missing_pm_duties(&self, text: &str) -> Vec<PmDuty> {
        let analysis = self.tfidf().analyzer().analyze(text);
        let mut present: Vec<String> = analysis.terms().map(String::from).collect();
        present.extend(analysis.bigrams.into_iter().map(|b| b.term));
        let groups = self
            .duty_terms
            .get_or_init(|| duty_terms(self.tfidf().analyzer()));
        PmDuty::ALL
            .into_iter()
            .zip(groups.iter())
            .filter(|(_, terms)| !present.iter().any(|t| terms.binary_search(t).is_ok()))
            .map(|(d, _)| d)
            .collect()
    }

    /// [`Model::check`] with caller-owned working memory. With
    /// [`Depth::Flag`], the missing PM duties are not looked for (they need a
    /// second, per-token analysis of the body) and the per-term evidence
    /// (`classification.evidence`) is not built; both stay empty. The phrases
    /// are the strongest of the same list. What a batch audit needs, several
    /// times faster.
    pub fn check_with(
        &self,
        scratch: &mut Scratch,
        title: &str,
        text: &str,
        depth: Depth,
    ) -> Verdict {
        let claimed = claimed_role(title);
        let pm_side = claimed.filter(|c| c.is_pm_family()).unwrap_or(Role::Pm);
        let (po, pm) = (Role::Po.index(), pm_side.index());
        let (mut classification, mut v) = self.read(scratch, title, text);
        let pieces = scratch.entry_index(self.tfidf().n_features(), &v.duty, |entries| {
            pieces_from_occurrences(self, &v.duty, &v.body_spans, entries, po, pm)
        });
        let threshold = self
            .info()
            .detector
            .as_ref()
            .map_or(DEFAULT_THRESHOLD, |d| d.threshold);
        let temperature = self.info().calibration.duty_temperature;
        let score = flag_score(&classification.duty.scores, pm_side, temperature);
        let claims_pm = claimed.is_some_and(Role::is_pm_family);
        let backlog_manager = claims_pm && score >= threshold;
        if depth == Depth::Full {
            self.explain(&mut classification, &mut v, title, text);
        }
        if backlog_manager {
            // Its duties are a PO's, whatever its title: so is its role,
            // against what the role reading had first if that was not `po`.
            let first = classification.probabilities[0];
            if first.role != Role::Po {
                classification.runner_up = first;
            }
            classification.role = Role::Po;
            classification.confidence = score;
        }
        let duty = &classification.duty;
        let title_mismatch = !backlog_manager
            && claimed.is_some_and(|c| {
                c != duty.role
                    && !(c.is_pm_family() && duty.role.is_pm_family())
                    && duty.confidence >= MISMATCH_CONFIDENCE
            });
        let limit = match depth {
            Depth::Full => MAX_PHRASES,
            Depth::Flag { phrases } => phrases,
        };
        let evidence = phrases(text, pieces, limit);
        let missing_pm_duties = match depth {
            Depth::Flag { .. } => Vec::new(),
            Depth::Full => self.missing_pm_duties(text),
        };
        Verdict {
            claimed_role: claimed,
            classification,
            backlog_manager,
            score,
            threshold,
            title_mismatch,
            evidence,
            missing_pm_duties,
        }
    }
}

#[cfg(test)]
mod tests;
