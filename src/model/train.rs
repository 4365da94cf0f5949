//! Training: candidates compared by stratified K-fold cross-validation, the
//! choice made inside the training folds, the final fit, and the
//! calibration on out-of-fold scores.
//!
//! linfa fits the classifiers (multinomial logistic regression from
//! linfa-logistic, multinomial naive Bayes from linfa-bayes; see `fit.rs`).

mod fit;
mod out_of_fold;
mod report;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{argmax, BlockWeights, Calibration, Confusion, Model, ModelInfo, Scores, N_ROLES};
use crate::corpus::LabelledPosting;
use crate::detect::Detector;
use crate::{AnalyzerParams, Error, Result, Role, TfIdfParams};
use fit::fit_candidate;
use fit::{as_read, vectorize_all};
use out_of_fold::{calibrate_out_of_fold, show_calibration};

/// A classifier and its setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Classifier {
    /// linfa-logistic's multinomial logistic regression with L2 penalty `alpha`.
    Logistic {
        /// L2 penalty on the coefficients (the loss is a sum over postings).
        alpha: f64,
    },
    /// linfa-bayes's multinomial naive Bayes with additive smoothing `alpha`.
    NaiveBayes {
        /// Additive (Laplace/Lidstone) smoothing.
        alpha: f64,
    },
}

/// One point of the grid: a classifier and the vectorizer settings it reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The classifier.
    pub classifier: Classifier,
    /// The vectorizer (and analyzer) settings.
    pub tfidf: TfIdfParams,
    /// The weights of the role names and of the title in the role reading.
    #[serde(default)]
    pub weights: BlockWeights,
}

impl Candidate {
    /// A short name for reports: `logistic α=1 uni+bi min_df=2 sublinear`.
    pub fn name(&self) -> String {
        let clf = match self.classifier {
            Classifier::Logistic { alpha } => format!("logistic α={alpha}"),
            Classifier::NaiveBayes { alpha } => format!("naive-bayes α={alpha}"),
        };
        format!(
            "{clf} {} min_df={}{} title×{}",
            if self.tfidf.analyzer.bigrams {
                "uni+bi"
            } else {
                "uni"
            },
            self.tfidf.min_df,
            if self.tfidf.sublinear_tf {
                " sublinear"
            } else {
                ""
            },
            self.weights.title
        )
    }
}

/// The settings a model was trained with (stored in it, so it can be retrained).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainSettings {
    /// The candidate chosen by cross-validation.
    pub chosen: Candidate,
    /// Number of outer folds.
    pub folds: usize,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// Solver iterations for logistic regression.
    pub max_iterations: u64,
}

/// How to train.
#[derive(Debug, Clone)]
pub struct TrainParams {
    /// Outer cross-validation folds (defaults to 5).
    pub folds: usize,
    /// Inner folds used to choose a candidate inside each training part (defaults to 3).
    pub inner_folds: usize,
    /// Seed of the fold assignment (defaults to 42).
    pub seed: u64,
    /// Solver iterations for logistic regression (defaults to 200).
    pub max_iterations: u64,
    /// The candidates compared (defaults to [`TrainParams::default_grid`]).
    pub grid: Vec<Candidate>,
}

impl Default for TrainParams {
    fn default() -> TrainParams {
        TrainParams {
            folds: 5,
            inner_folds: 3,
            seed: 42,
            max_iterations: 200,
            grid: TrainParams::default_grid(),
        }
    }
}

impl TrainParams {
    /// The grid: logistic regression at two penalties and naive Bayes, with
    /// unigrams+bigrams and the title's terms weighted 2. Strongest penalty
    /// first, so that a tie goes to the smoother model. (The loss is a sum
    /// over postings, not a mean: α = 0.03 on 750 postings is scikit-learn's
    /// C ≈ 30.) [`TrainParams::wide_grid`] shows what the other settings are
    /// worth: within the noise of cross-validation on this corpus, or worse.
    pub fn default_grid() -> Vec<Candidate> {
        let bigrams = TfIdfParams::default;
        vec![
            candidate(Classifier::Logistic { alpha: 0.1 }, bigrams(), 2.0),
            candidate(Classifier::Logistic { alpha: 0.03 }, bigrams(), 2.0),
            candidate(Classifier::NaiveBayes { alpha: 0.1 }, bigrams(), 2.0),
        ]
    }

    /// A wider grid, to see what each setting is worth (`rolecheck train
    /// --wide`): penalties from 1 to 0.01, unigrams alone, `min_df` 3, raw
    /// term frequencies, a lighter title, and naive Bayes. It includes the
    /// default grid, and takes about three times as long.
    pub fn wide_grid() -> Vec<Candidate> {
        let logistic = |alpha| Classifier::Logistic { alpha };
        let base = TfIdfParams::default;
        let unigrams = || base().analyzer(AnalyzerParams::default().bigrams(false));
        let mut grid: Vec<Candidate> = [1.0, 0.3, 0.1, 0.03, 0.01]
            .into_iter()
            .map(|alpha| candidate(logistic(alpha), base(), 2.0))
            .collect();
        grid.extend([
            candidate(logistic(0.03), base(), 0.5),
            candidate(logistic(0.03), unigrams(), 2.0),
            candidate(logistic(0.03), base().min_df(3), 2.0),
            candidate(logistic(0.03), base().sublinear_tf(false), 2.0),
        ]);
        grid.extend(
            TrainParams::default_grid()
                .into_iter()
                .filter(|c| matches!(c.classifier, Classifier::NaiveBayes { .. })),
        );
        grid
    }

    fn check(&self, n: usize) -> Result<()> {
        let invalid = |name, reason: String| Err(Error::InvalidParam { name, reason });
        if self.folds < 2 {
            return invalid(
                "folds",
                format!("{} folds; at least 2 are needed", self.folds),
            );
        }
        if self.inner_folds < 2 {
            return invalid(
                "inner_folds",
                format!("{}; at least 2 are needed", self.inner_folds),
            );
        }
        if self.grid.is_empty() {
            return invalid("grid", "no candidate to train".into());
        }
        if n < self.folds * self.inner_folds {
            return invalid(
                "folds",
                format!(
                    "{n} postings are too few for {} × {} folds",
                    self.folds, self.inner_folds
                ),
            );
        }
        Ok(())
    }
}

/// A grid point: `classifier` over `tfidf`, the title's terms weighted `title`.
fn candidate(classifier: Classifier, tfidf: TfIdfParams, title: f32) -> Candidate {
    Candidate {
        classifier,
        tfidf,
        weights: BlockWeights {
            title,
            ..BlockWeights::default()
        },
    }
}

/// One candidate's cross-validated scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateReport {
    /// The candidate.
    pub candidate: Candidate,
    /// Its name.
    pub name: String,
    /// Scores over the outer folds.
    pub scores: Scores,
}

/// What training measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainReport {
    /// Every candidate, scored by the outer folds.
    pub candidates: Vec<CandidateReport>,
    /// The whole procedure (choose inside the training folds, then score the
    /// held-out fold): the honest estimate for the shipped model.
    pub nested: Scores,
    /// The candidate each outer fold chose.
    pub chosen_per_fold: Vec<String>,
    /// The candidate chosen on all postings.
    pub chosen: String,
    /// The chosen candidate's duty reading, out of fold.
    pub duty: Scores,
    /// The chosen candidate's calibration.
    pub calibration: Calibration,
    /// The backlog-manager detector fitted on the chosen candidate's
    /// out-of-fold scores (the model's own).
    pub detector: Detector,
}

/// SplitMix64: a tiny generator whose output is fixed by its definition,
/// so fold assignments never change with a dependency's version.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A fold (0..k) for each posting, with every role spread evenly over the folds.
pub(crate) fn stratified_folds(labels: &[Role], k: usize, seed: u64) -> Vec<usize> {
    let mut rng = SplitMix64(seed);
    let mut folds = vec![0; labels.len()];
    let mut next_fold = 0;
    for role in Role::ALL {
        let mut idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == role).collect();
        for i in (1..idx.len()).rev() {
            idx.swap(i, rng.below(i + 1));
        }
        for i in idx {
            folds[i] = next_fold;
            next_fold = (next_fold + 1) % k;
        }
    }
    folds
}

/// One candidate's result on one held-out fold.
#[derive(Debug, Clone, Default)]
struct FoldResult {
    confusion: Confusion,
    /// (posting index, role-head scores, duty-head scores) for each held-out posting.
    scores: Vec<(usize, [f32; N_ROLES], [f32; N_ROLES])>,
}

/// Every candidate scored on `folds`, the fits run on all cores.
/// `out[c][f]` is candidate `c` on held-out fold `f`.
fn cross_validate(
    grid: &[Candidate],
    postings: &[&LabelledPosting],
    folds: &[usize],
    k: usize,
    max_iterations: u64,
) -> Result<Vec<Vec<FoldResult>>> {
    let jobs: Vec<(usize, usize)> = (0..grid.len())
        .flat_map(|c| (0..k).map(move |f| (c, f)))
        .collect();
    let results: Vec<Result<FoldResult>> = jobs
        .par_iter()
        .map(|&(c, f)| {
            let (train_idx, test_idx): (Vec<usize>, Vec<usize>) =
                (0..postings.len()).partition(|&i| folds[i] != f);
            let train: Vec<&LabelledPosting> = train_idx.iter().map(|&i| postings[i]).collect();
            let test: Vec<&LabelledPosting> = test_idx.iter().map(|&i| postings[i]).collect();
            let fitted = fit_candidate(&grid[c], &train, max_iterations)?;
            let mut result = FoldResult::default();
            let read: Vec<(&str, &str)> = test.iter().map(|p| as_read(p)).collect();
            let vectors = vectorize_all(&fitted.tfidf, &fitted.titles, grid[c].weights, &read);
            for (&i, v) in test_idx.iter().zip(&vectors) {
                let (role, duty) = fitted.scores(v);
                result.confusion.add(postings[i].label, argmax(&role));
                result.scores.push((i, role, duty));
            }
            Ok(result)
        })
        .collect();
    let mut out = vec![vec![FoldResult::default(); k]; grid.len()];
    for (&(c, f), r) in jobs.iter().zip(results) {
        out[c][f] = r?;
    }
    Ok(out)
}

fn merged(folds: &[FoldResult]) -> Confusion {
    let mut all = Confusion::default();
    folds.iter().for_each(|r| all.merge(&r.confusion));
    all
}

/// The index of the best candidate by macro-F1; ties go to the earlier one.
fn best(per_candidate: &[Vec<FoldResult>]) -> usize {
    let f1: Vec<f64> = per_candidate
        .iter()
        .map(|folds| merged(folds).scores().macro_f1)
        .collect();
    (0..f1.len()).fold(0, |b, c| if f1[c] > f1[b] { c } else { b })
}

/// The whole procedure, cross-validated: inside each outer training part,
/// a candidate chosen by inner cross-validation, scored on the held-out
/// fold (its outer fit is in `outer`). Returns the merged confusion and the
/// name of the candidate each part chose.
fn nested_cross_validation(
    params: &TrainParams,
    all: &[&LabelledPosting],
    folds: &[usize],
    outer: &[Vec<FoldResult>],
    progress: &mut dyn FnMut(&str),
) -> Result<(Confusion, Vec<String>)> {
    let k = params.folds;
    let mut nested = Confusion::default();
    let mut chosen_per_fold = Vec::new();
    // `f` names a fold (it filters postings and seeds the inner folds), not a position in `outer`.
    #[allow(clippy::needless_range_loop)]
    for f in 0..k {
        progress(&format!(
            "choosing inside training part {}/{k} ({} inner fits)",
            f + 1,
            params.grid.len() * params.inner_folds
        ));
        let sub: Vec<&LabelledPosting> = (0..all.len())
            .filter(|&i| folds[i] != f)
            .map(|i| all[i])
            .collect();
        let sub_labels: Vec<Role> = sub.iter().map(|p| p.label).collect();
        let inner_folds = stratified_folds(
            &sub_labels,
            params.inner_folds,
            params.seed.wrapping_add(1 + f as u64),
        );
        let inner = cross_validate(
            &params.grid,
            &sub,
            &inner_folds,
            params.inner_folds,
            params.max_iterations,
        )?;
        let choice = best(&inner);
        chosen_per_fold.push(params.grid[choice].name());
        nested.merge(&outer[choice][f].confusion);
    }
    Ok((nested, chosen_per_fold))
}

/// Each candidate's scores over the outer folds, each told to `progress`.
fn candidate_reports(
    grid: &[Candidate],
    outer: &[Vec<FoldResult>],
    progress: &mut dyn FnMut(&str),
) -> Vec<CandidateReport> {
    let candidates: Vec<CandidateReport> = grid
        .iter()
        .zip(outer)
        .map(|(c, per_fold)| CandidateReport {
            candidate: c.clone(),
            name: c.name(),
            scores: merged(per_fold).scores(),
        })
        .collect();
    for c in &candidates {
        progress(&format!(
            "  {:<42} macro-F1 {:.3}",
            c.name, c.scores.macro_f1
        ));
    }
    candidates
}

/// Trains on labelled postings (their titles and bodies): compares the grid
/// by cross-validation, chooses inside the training folds for the honest
/// estimate, then fits the candidate chosen on all postings and calibrates
/// it on its out-of-fold scores.
///
/// `progress` receives one line per stage. Deterministic: same postings and
/// params, same model.
pub fn train(
    postings: &[LabelledPosting],
    corpus_sha256: String,
    params: &TrainParams,
    progress: &mut dyn FnMut(&str),
) -> Result<(Model, TrainReport)> {
    let all: Vec<&LabelledPosting> = postings.iter().collect();
    let labels: Vec<Role> = postings.iter().map(|p| p.label).collect();
    params.check(all.len())?;
    let k = params.folds;
    let folds = stratified_folds(&labels, k, params.seed);
    progress(&format!(
        "cross-validating {} candidates on {} folds ({} fits)",
        params.grid.len(),
        k,
        params.grid.len() * k
    ));
    let outer = cross_validate(&params.grid, &all, &folds, k, params.max_iterations)?;
    let candidates = candidate_reports(&params.grid, &outer, progress);
    let (nested, chosen_per_fold) =
        nested_cross_validation(params, &all, &folds, &outer, progress)?;
    let chosen = best(&outer);
    let candidate = params.grid[chosen].clone();
    progress(&format!(
        "fitting {} on all {} postings",
        candidate.name(),
        all.len()
    ));
    let settings = TrainSettings {
        chosen: candidate.clone(),
        folds: k,
        seed: params.seed,
        max_iterations: params.max_iterations,
    };
    let nested = nested.scores();
    let (model, duty) = fit_final(
        &all,
        settings,
        &outer[chosen],
        Some(nested.clone()),
        corpus_sha256,
    )?;
    let calibration = model.info().calibration.clone();
    show_calibration(progress, &calibration, model.detector());
    let report = TrainReport {
        candidates,
        nested,
        chosen_per_fold,
        chosen: candidate.name(),
        duty,
        calibration,
        detector: model.detector().clone(),
    };
    Ok((model, report))
}

/// Refits the model `info` describes on all postings: the chosen candidate
/// fitted on all of them, and its out-of-fold scores on the recorded folds
/// for the temperatures and the detector. Everything that decides a
/// verdict is recomputed; the recorded cross-validated scores (which need
/// the whole grid) are carried over. How a shipped model is reproduced and
/// checked, byte for byte.
pub fn refit(
    postings: &[LabelledPosting],
    corpus_sha256: String,
    info: &ModelInfo,
) -> Result<Model> {
    let settings = &info.settings;
    let all: Vec<&LabelledPosting> = postings.iter().collect();
    let labels: Vec<Role> = postings.iter().map(|p| p.label).collect();
    let folds = stratified_folds(&labels, settings.folds, settings.seed);
    let chosen = std::slice::from_ref(&settings.chosen);
    let outer = cross_validate(
        chosen,
        &all,
        &folds,
        settings.folds,
        settings.max_iterations,
    )?;
    let (model, _) = fit_final(
        &all,
        settings.clone(),
        &outer[0],
        info.cv.clone(),
        corpus_sha256,
    )?;
    Ok(model)
}

/// The model `settings` describe: its candidate fitted on all postings,
/// calibrated and given its detector from the candidate's out-of-fold
/// results `outer`, with `cv` as its recorded cross-validated scores. The
/// one ending of [`train`] and [`refit`], so a refit builds the model the
/// way training did. Also returns the duty reading's out-of-fold scores.
fn fit_final(
    all: &[&LabelledPosting],
    settings: TrainSettings,
    outer: &[FoldResult],
    cv: Option<Scores>,
    corpus_sha256: String,
) -> Result<(Model, Scores)> {
    let fitted = fit_candidate(&settings.chosen, all, settings.max_iterations)?;
    let (calibration, duty, detector) = calibrate_out_of_fold(all, outer, fitted.tfidf.analyzer());
    let info = ModelInfo {
        crate_version: env!("CARGO_PKG_VERSION").to_string(),
        corpus_sha256,
        corpus_postings: all.len(),
        settings,
        cv,
        calibration,
    };
    let model = Model::new(
        fitted.tfidf,
        fitted.titles,
        fitted.role,
        fitted.duty,
        detector,
        info,
    )?;
    Ok((model, duty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stratified_and_seeded() {
        let labels: Vec<Role> = (0..70).map(|i| Role::ALL[i % 7]).collect();
        let folds = stratified_folds(&labels, 5, 7);
        for role in Role::ALL {
            let mut per_fold = [0; 5];
            for (i, &f) in folds.iter().enumerate() {
                if labels[i] == role {
                    per_fold[f] += 1;
                }
            }
            assert_eq!(per_fold, [2; 5], "{role}");
        }
        assert_eq!(folds, stratified_folds(&labels, 5, 7));
        assert_ne!(folds, stratified_folds(&labels, 5, 8));
    }

    #[test]
    fn the_wide_grid_holds_the_default_one() {
        // So choosing from it can never do worse, by cross-validation, than the default.
        let wide = TrainParams::wide_grid();
        for c in TrainParams::default_grid() {
            assert!(wide.contains(&c), "{} missing from the wide grid", c.name());
        }
        let names: std::collections::HashSet<String> = wide.iter().map(Candidate::name).collect();
        assert_eq!(names.len(), wide.len(), "two candidates share a name");
    }

    #[test]
    fn too_few_postings_for_the_folds_is_an_error() {
        let posting = LabelledPosting {
            id: "a".into(),
            lang: None,
            title: String::new(),
            text: "a".into(),
            label: Role::Pm,
            backlog_manager: false,
        };
        let err = train(
            &vec![posting; 4],
            String::new(),
            &TrainParams::default(),
            &mut |_| {},
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("too few"), "{err}");
    }
}
