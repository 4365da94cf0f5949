//! The core Product Manager duties, and the words that show each: a posting
//! that mentions none of a group's words lacks that duty.

use serde::Serialize;

use crate::{Analyzer, Lang, Scratch, TfIdf, TfIdfParams};

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

/// The terms of each duty group as `analyzer` reads them, sorted, in
/// [`PmDuty::ALL`] order: what a [`super::Detector`] fitted with that
/// analyzer looks for.
pub(crate) fn duty_terms(analyzer: &Analyzer) -> [Vec<String>; 4] {
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

/// The duty terms as a vectorizer of their own, built with the body
/// vectorizer's settings: a walk over a body tells which of them it
/// mentions exactly as the analyzer reads it (the body's own vocabulary
/// leaves out the duty terms too rare or too common to be features), and
/// through a [`Scratch`]'s chunk cache, so a word met before is not stemmed
/// again.
#[derive(Debug, Clone)]
pub(crate) struct DutyWatch {
    terms: TfIdf,
    /// Per feature of `terms`: the duties it shows, one bit per
    /// [`PmDuty::ALL`] index.
    duties: Vec<u8>,
}

impl DutyWatch {
    /// Watches for `duty_terms` (per [`PmDuty::ALL`]) read with `params`.
    pub(crate) fn new(
        params: &TfIdfParams,
        duty_terms: &[Vec<String>; 4],
    ) -> crate::Result<DutyWatch> {
        let mut names: Vec<(&str, u8)> = duty_terms
            .iter()
            .enumerate()
            .flat_map(|(i, terms)| terms.iter().map(move |t| (t.as_str(), 1u8 << i)))
            .collect();
        names.sort_unstable();
        let mut features: Vec<String> = Vec::with_capacity(names.len());
        let mut duties: Vec<u8> = Vec::with_capacity(names.len());
        for (name, bit) in names {
            if features.last().is_some_and(|last| last == name) {
                *duties.last_mut().expect("pushed with its feature") |= bit;
            } else {
                features.push(name.to_string());
                duties.push(bit);
            }
        }
        let idf = vec![1.0; features.len()];
        let terms = TfIdf::from_parts(params.clone(), 1, features, idf)?;
        Ok(DutyWatch { terms, duties })
    }

    /// The core PM duties none of whose terms `text` mentions, read in `lang`.
    pub(crate) fn missing(&self, scratch: &mut Scratch, text: &str, lang: Lang) -> Vec<PmDuty> {
        let scratch = scratch.beside(&self.terms);
        scratch.read_as(Some(lang));
        let mut seen = 0u8;
        self.terms
            .for_each_occurrence(scratch, text, |o| seen |= self.duties[o.feature as usize]);
        PmDuty::ALL
            .into_iter()
            .enumerate()
            .filter(|&(i, _)| seen & (1 << i) == 0)
            .map(|(_, d)| d)
            .collect()
    }
}
