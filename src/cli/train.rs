//! `rolecheck train`: fit, compare and save a model.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use rolecheck::Model;
use rolecheck::{train, TrainParams, TrainReport};
use rolecheck::{Corpus, CorpusRules};

/// Arguments of `rolecheck train`.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Labelled postings, JSONL: {"id", "title", "text", "label", …} per line.
    #[arg(long, value_name = "FILE")]
    corpus: PathBuf,
    /// Where to write the model.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Outer cross-validation folds.
    #[arg(long, default_value_t = 5, value_name = "K")]
    folds: usize,
    /// Seed of the fold assignment.
    #[arg(long, default_value_t = 42, value_name = "N")]
    seed: u64,
    /// Where to write the Markdown report [default: the model path + .report.md].
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Compare a wider grid (penalties from 1 to 0.01, unigrams alone,
    /// min_df 3, raw term frequencies, a lighter title, naive Bayes) and
    /// choose from it: about three times as long as the default grid.
    #[arg(long)]
    wide: bool,
}

pub fn run(args: TrainArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let bytes = std::fs::read(&args.corpus)
        .with_context(|| format!("reading {}", args.corpus.display()))?;
    let corpus =
        Corpus::parse(&bytes).with_context(|| format!("reading {}", args.corpus.display()))?;
    corpus
        .check(&CorpusRules::any_file())
        .with_context(|| format!("checking {}", args.corpus.display()))?;
    let params = TrainParams {
        folds: args.folds,
        seed: args.seed,
        grid: if args.wide {
            TrainParams::wide_grid()
        } else {
            TrainParams::default_grid()
        },
        ..TrainParams::default()
    };
    eprintln!(
        "rolecheck: training on {} postings from {}",
        corpus.postings.len(),
        args.corpus.display()
    );
    let mut progress =
        |line: &str| eprintln!("  [{:>5.0}s] {line}", started.elapsed().as_secs_f64());
    let (model, report) = train(
        &corpus.postings,
        rolecheck::sha256_hex(&bytes),
        &params,
        &mut progress,
    )?;
    model
        .save(&args.output)
        .with_context(|| format!("writing {}", args.output.display()))?;
    let report_path = args.report.clone().unwrap_or_else(|| {
        let mut p = args.output.clone().into_os_string();
        p.push(".report.md");
        PathBuf::from(p)
    });
    let markdown = report_markdown(&args, &params, &model, &report);
    std::fs::write(&report_path, &markdown)
        .with_context(|| format!("writing {}", report_path.display()))?;
    println!(
        "{:<44} {:>8} {:>8}",
        "candidate (cross-validated)", "accuracy", "macro-F1"
    );
    for c in &report.candidates {
        println!(
            "{:<44} {:>8.3} {:>8.3}",
            c.name, c.scores.accuracy, c.scores.macro_f1
        );
    }
    let detector = model.detector();
    match detector.calibration() {
        Some(d) => println!(
            "\nbacklog-manager flag: threshold {:.2}, cross-validated precision {:.3}, recall {:.3}",
            detector.threshold(),
            d.precision,
            d.recall
        ),
        None => println!(
            "\nbacklog-manager flag: not calibrated (no backlog managers and other PM titles to tell apart), default threshold {:.2}",
            detector.threshold()
        ),
    }
    println!(
        "\nchosen: {}\nwhole procedure, nested CV: accuracy {:.3}, macro-F1 {:.3}\nmodel: {} ({} features)   report: {}   {:.0}s",
        report.chosen,
        report.nested.accuracy,
        report.nested.macro_f1,
        args.output.display(),
        model.tfidf().n_features(),
        report_path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// The training report: how to reproduce the run, what the model file
/// stores, the chosen settings, then the report of [`TrainReport::to_markdown`].
fn report_markdown(
    args: &TrainArgs,
    params: &TrainParams,
    model: &Model,
    report: &TrainReport,
) -> String {
    let info = model.info();
    let tfidf = &info.settings.chosen.tfidf;
    format!(
        "# Training report\n\n\
         Produced by:\n\n```sh\nrolecheck train --corpus {corpus} -o {out} --folds {folds} --seed {seed}\n```\n\n\
         The model file stores the role list, the analyzer and vectorizer settings of the body \
         ({features} features, role names masked) and of the title ({title_features} features, role names kept), \
         their idf, the two heads' coefficients and intercepts (f32: the role head over the body, \
         {role_names} role names and the title; the duty head over the body alone), the temperatures, the \
         backlog-manager detector (its threshold and PM duty terms), and this run's metadata: corpus SHA-256 `{sha}` ({n} postings), chosen settings, \
         cross-validated scores, rolecheck {version}.\n\n\
         Chosen settings: {chosen}; vectorizer min_df {min_df}, max_df {max_df}, max_features {max_features:?}, \
         bigrams {bigrams}, sublinear tf {sublinear}, role names masked {masked}; \
         solver iterations {iters}; {folds} outer folds × {inner} inner folds, seed {seed}.\n\n\
         ## Candidates, cross-validated on the same folds\n\n{body}",
        corpus = args.corpus.display(),
        out = args.output.display(),
        folds = args.folds,
        seed = args.seed,
        features = model.tfidf().n_features(),
        title_features = model.titles().n_features(),
        role_names = rolecheck::N_ROLE_NAMES,
        sha = info.corpus_sha256,
        n = info.corpus_postings,
        version = info.crate_version,
        chosen = report.chosen,
        min_df = tfidf.min_df,
        max_df = tfidf.max_df,
        max_features = tfidf.max_features,
        bigrams = tfidf.analyzer.bigrams,
        sublinear = tfidf.sublinear_tf,
        masked = tfidf.analyzer.mask_role_names,
        iters = info.settings.max_iterations,
        inner = params.inner_folds,
        body = report.to_markdown()
    )
}
