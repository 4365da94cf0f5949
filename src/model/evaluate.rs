//! A model judged on labelled postings it was not trained on: the role
//! verdicts, their calibration, and the backlog-manager flag.

use rayon::prelude::*;
use serde::Serialize;

use super::calibrate::{reliability, Reliability};
use super::{Confusion, Model, Scores, N_ROLES};
use crate::corpus::LabelledPosting;
use crate::title::claimed_role;
use crate::vectorize::Scratch;
use crate::Role;

/// What a model scored on labelled postings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Whether the titles were given to the model.
    pub titles: bool,
    /// The verdicts' `role` against the labels.
    pub role: Scores,
    /// The duty reading's role against the labels.
    pub duty: Scores,
    /// Postings labelled `other` that were read as `other`.
    pub near_miss_as_other: f64,
    /// Expected calibration error of the role reading's confidence.
    pub ece: f64,
    /// The role reading's reliability table.
    pub reliability: Vec<Reliability>,
    /// Postings whose confidence fell under `min_confidence` (see [`evaluate`]).
    pub unsure: usize,
    /// The backlog-manager flag on the PM-titled postings, when titles were given.
    pub flag: Option<FlagScores>,
}

/// The backlog-manager flag against the labels, over PM-titled postings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FlagScores {
    /// Flagged and labelled a backlog manager.
    pub true_positives: usize,
    /// Flagged, not a backlog manager.
    pub false_positives: usize,
    /// A backlog manager, not flagged.
    pub false_negatives: usize,
    /// PM-titled postings in all.
    pub pm_titled: usize,
}

impl FlagScores {
    /// Of the postings flagged, the share that are backlog managers.
    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.false_positives)
    }

    /// Of the backlog managers, the share flagged.
    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.false_negatives)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if a + b == 0 {
        0.0
    } else {
        a as f64 / (a + b) as f64
    }
}

/// Judges every posting (with its title when `titles`, on all cores) and
/// scores the verdicts against the labels; a verdict whose confidence is
/// under `min_confidence` counts as unsure (it keeps its role in the scores).
///
/// ```
/// use rolecheck::{evaluate, LabelledPosting, Model, Role};
///
/// let posting = |title: &str, text: &str, label| LabelledPosting {
///     id: title.into(),
///     lang: None,
///     title: title.into(),
///     text: text.into(),
///     label,
///     backlog_manager: false,
/// };
/// let postings = [
///     posting("Product Owner", "Vous gérez le backlog, rédigez les user stories et animez les rituels Scrum.", Role::Po),
///     posting("Scrum Master", "Vous animez les cérémonies, levez les obstacles et coachez l'équipe agile.", Role::Other),
/// ];
/// let eval = evaluate(&Model::default(), &postings, true, 0.0);
/// assert_eq!(eval.role.confusion.total(), 2);
/// ```
pub fn evaluate(
    model: &Model,
    postings: &[LabelledPosting],
    titles: bool,
    min_confidence: f32,
) -> Evaluation {
    let verdicts: Vec<_> = postings
        .par_iter()
        .map(|p| {
            let title = if titles { p.title.as_str() } else { "" };
            Scratch::with_thread_local(|s| model.check_with(s, title, &p.text).into_verdict())
        })
        .collect();
    let (mut role, mut duty) = (Confusion::default(), Confusion::default());
    let mut predicted: Vec<([f32; N_ROLES], Role)> = Vec::new();
    let mut flag = FlagScores {
        true_positives: 0,
        false_positives: 0,
        false_negatives: 0,
        pm_titled: 0,
    };
    let mut unsure = 0;
    for (p, v) in postings.iter().zip(&verdicts) {
        let c = &v.classification;
        role.add(p.label, c.role);
        duty.add(p.label, c.duty.role);
        unsure += usize::from(c.confidence < min_confidence);
        let mut probs = [0.0; N_ROLES];
        for rp in &c.probabilities {
            probs[rp.role.index()] = rp.probability;
        }
        predicted.push((probs, p.label));
        if titles && claimed_role(&p.title).is_some_and(Role::is_pm_family) {
            flag.pm_titled += 1;
            match (v.backlog_manager, p.backlog_manager) {
                (true, true) => flag.true_positives += 1,
                (true, false) => flag.false_positives += 1,
                (false, true) => flag.false_negatives += 1,
                (false, false) => {}
            }
        }
    }
    let other = role.counts[Role::Other.index()];
    let near_miss_as_other = ratio(
        other[Role::Other.index()] as usize,
        other.iter().sum::<u32>() as usize - other[Role::Other.index()] as usize,
    );
    let (ece, reliability) = reliability(&predicted);
    Evaluation {
        titles,
        role: role.scores(),
        duty: duty.scores(),
        near_miss_as_other,
        ece,
        reliability,
        unsure,
        flag: titles.then_some(flag),
    }
}

/// A reliability table in Markdown.
pub(crate) fn reliability_markdown(table: &[Reliability]) -> String {
    let mut s =
        String::from("| confidence | postings | mean confidence | accuracy |\n|---|---|---|---|\n");
    for b in table {
        s.push_str(&format!(
            "| {:.1}–{:.1} | {} | {:.3} | {:.3} |\n",
            b.low, b.high, b.postings, b.confidence, b.accuracy
        ));
    }
    s
}

impl Evaluation {
    /// The evaluation as Markdown: headline, role scores, duty reading,
    /// calibration and the flag.
    pub fn to_markdown(&self) -> String {
        let mut s = format!(
            "{}\n\n**Role** (what the posting is):\n\n{}",
            if self.titles {
                "Titles given."
            } else {
                "Bodies alone (titles withheld)."
            },
            self.role.to_markdown()
        );
        s.push_str(&format!(
            "\nNear-miss postings (labelled `other`) read as `other`: **{:.1} %**. Unsure verdicts: {}.\n",
            100.0 * self.near_miss_as_other,
            self.unsure
        ));
        s.push_str(&format!(
            "\n**Calibration**: expected calibration error **{:.3}**\n\n{}",
            self.ece,
            reliability_markdown(&self.reliability)
        ));
        s.push_str(&format!(
            "\n**Duty reading** (the body, role names masked):\n\n{}",
            self.duty.to_markdown()
        ));
        if let Some(f) = &self.flag {
            s.push_str(&format!(
                "\n**Backlog-manager flag** over {} PM-titled postings: precision **{:.3}**, recall **{:.3}** \
                 ({} flagged rightly, {} wrongly, {} missed)\n",
                f.pm_titled,
                f.precision(),
                f.recall(),
                f.true_positives,
                f.false_positives,
                f.false_negatives
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posting(id: &str, title: &str, text: &str, label: Role, bm: bool) -> LabelledPosting {
        LabelledPosting {
            id: id.into(),
            lang: None,
            title: title.into(),
            text: text.into(),
            label,
            backlog_manager: bm,
        }
    }

    #[test]
    fn counts_add_up_and_the_flag_is_scored_on_pm_titles_only() {
        let model = Model::shipped().unwrap();
        let backlog = "Vous gérez le backlog, rédigez les user stories et les critères d'acceptation, \
                       animez les cérémonies Scrum, pilotez la recette et suivez les mises en production.";
        let postings = [
            posting("a", "Product Manager (H/F)", backlog, Role::Po, true),
            posting("b", "Product Owner", backlog, Role::Po, false),
            posting(
                "c",
                "Scrum Master",
                "Vous facilitez les cérémonies Scrum de deux équipes et coachez leur agilité.",
                Role::Other,
                false,
            ),
        ];
        let e = evaluate(&model, &postings, true, 1.0);
        assert_eq!(e.role.confusion.total(), 3);
        assert_eq!(e.duty.confusion.total(), 3);
        let flag = e.flag.unwrap();
        assert_eq!(flag.pm_titled, 1, "only the first title claims a PM");
        assert_eq!(flag.true_positives, 1);
        let under_one = postings
            .iter()
            .filter(|p| {
                model
                    .check(&p.title, &p.text)
                    .verdict()
                    .classification
                    .confidence
                    < 1.0
            })
            .count();
        assert_eq!(e.unsure, under_one);
        assert_eq!(e.reliability.iter().map(|b| b.postings).sum::<usize>(), 3);
        let bodies = evaluate(&model, &postings, false, 0.0);
        assert!(bodies.flag.is_none());
        assert_eq!(bodies.unsure, 0);
    }
}
