//! `rolecheck eval`: a model's scores on a labelled file.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use rolecheck::evaluate;
use rolecheck::{Corpus, CorpusRules};

/// Arguments of `rolecheck eval`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// Labelled postings (JSONL, the corpus schema) the model was not trained on.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// A model file to use instead of the shipped one.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Withhold the titles: judge each posting by its body alone (the
    /// backlog-manager flag, which needs the title's claim, is then not scored).
    #[arg(long)]
    no_title: bool,
    /// Count verdicts whose confidence is under P as unsure.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = super::probability)]
    min_confidence: f32,
    /// Print the scores as JSON instead of Markdown tables.
    #[arg(long)]
    json: bool,
}

pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let corpus =
        Corpus::parse(&bytes).with_context(|| format!("reading {}", args.file.display()))?;
    corpus
        .check(&CorpusRules::any_file())
        .with_context(|| format!("checking {}", args.file.display()))?;
    let model = super::load_model(args.model.as_deref())?;
    if model.info().corpus_sha256 == rolecheck::sha256_hex(&bytes) {
        eprintln!(
            "rolecheck: warning: {} is the file this model was trained on; these scores are not held-out",
            args.file.display()
        );
    }
    let evaluation = evaluate(
        &model,
        &corpus.postings,
        !args.no_title,
        args.min_confidence,
    );
    if args.json {
        println!("{}", serde_json::to_string(&evaluation)?);
    } else {
        println!("{}", evaluation.to_markdown());
    }
    Ok(ExitCode::SUCCESS)
}
