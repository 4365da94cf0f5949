//! Command-line arguments ("low args": they mirror the flags and do no I/O)
//! and the dispatch to one module per subcommand.

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

mod audit;
mod classify;
mod eval;
mod tokens;
mod train;

/// Says which product role a job posting really is — Product Manager, Product
/// Owner, Product Marketing Manager, AI PM, Data PM, Product Ops, or not a
/// product role — reading French, English and franglais postings.
#[derive(Debug, Parser)]
#[command(name = "rolecheck", version, about, long_about = None)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Audit a job-board dump: one verdict per record, in input order, a
    /// summary on stderr and, with --report, a self-contained HTML report.
    ///
    /// Input: JSONL or CSV (by extension, else by content), gzip read
    /// transparently, - for stdin; UTF-8 BOM and CRLF accepted; HTML in
    /// descriptions stripped. Output: one JSON line (or CSV row) per record,
    /// a verdict or {"line", "id", "error"} for a record that could not be read.
    ///
    /// Exit status: 0 every record was read; 1 some records failed (all others
    /// still have their verdicts); 2 the run could not start.
    ///
    /// Examples:
    ///   rolecheck audit dump.jsonl.gz -o verdicts.jsonl --report audit.html
    ///   rolecheck audit export.csv --format csv --only-flagged > flagged.csv
    ///   split -l 100000 dump.jsonl shard- && rolecheck audit shard-ab --line-offset 100000
    #[command(verbatim_doc_comment)]
    Audit(audit::AuditArgs),
    /// Say which product role a posting is, with the words that decided it.
    ///
    /// The posting is read twice. The role comes from all its words: the
    /// body's duties, the role names it uses ("Product Owner" said twenty
    /// times counts) and, with --title, the title's words. The duty role
    /// comes from the body alone with role names masked ("Product Manager",
    /// "PO", "chef de produit"…): a posting titled Product Manager whose
    /// duties are all backlog and ceremonies is flagged as a backlog manager
    /// and reads as a Product Owner. The posting is printed back with the
    /// terms that pushed towards the verdict (against the runner-up)
    /// highlighted, and those that pushed the other way.
    ///
    /// Examples:
    ///   rolecheck classify posting.txt --title "Product Manager (H/F)"
    ///   pbpaste | rolecheck classify - --json | jq '.probabilities'
    ///   rolecheck classify "Vous animez les rituels Scrum et gérez le backlog."
    #[command(verbatim_doc_comment)]
    Classify(classify::ClassifyArgs),
    /// Score a model on labelled postings it was not trained on: accuracy,
    /// macro-F1, per-role precision / recall / F1 and the confusion matrix of
    /// both readings, how often product roles are read as `other`,
    /// calibration (expected calibration error, reliability table) and the
    /// backlog-manager flag on the PM-titled postings.
    ///
    /// Examples:
    ///   rolecheck eval corpus/dev.jsonl
    ///   rolecheck eval held-out.jsonl --model my.model --no-title --json
    #[command(verbatim_doc_comment)]
    Eval(eval::EvalArgs),
    /// Show how the analyzer reads a text: language, every word with its byte
    /// span and the term it became, or why it was dropped.
    ///
    /// Like a search engine's analyze endpoint: use it to see why two spellings
    /// meet (or not) and what the classifier actually gets to see.
    ///
    /// Examples:
    ///   rolecheck tokens "L’équipe recherche un·e Product Manager (H/F)"
    ///   rolecheck tokens posting.txt --json | jq '.tokens[] | select(.term)'
    ///   cat posting.txt | rolecheck tokens -
    #[command(verbatim_doc_comment)]
    Tokens(tokens::TokensArgs),
    /// Train a model on labelled postings: candidates compared by stratified
    /// cross-validation, the winner fitted on everything (both heads: the
    /// role from all of a posting's words, the duties alone), calibrated on
    /// its out-of-fold scores and saved.
    ///
    /// The corpus is checked first (schema, labels, duplicate ids, near-duplicate
    /// texts); a bad line is reported with its number and nothing is trained.
    /// A Markdown report (per-candidate accuracy, macro-F1, per-role
    /// precision/recall/F1, confusion matrices, calibration, the flag's
    /// threshold) is written beside the model.
    ///
    /// Example:
    ///   rolecheck train --corpus corpus/postings.jsonl -o models/rolecheck.model
    #[command(verbatim_doc_comment)]
    Train(train::TrainArgs),
}

/// Parses the arguments and runs the subcommand.
pub fn run() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    match args.command {
        Command::Audit(a) => audit::run(a),
        Command::Classify(a) => classify::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Tokens(a) => tokens::run(a),
        Command::Train(a) => train::run(a),
    }
}

/// Reads the text named by a `[TEXT | FILE | -]` argument: `-` (or nothing,
/// when stdin is piped) is standard input, an existing path is read as a
/// file, anything else is the text itself.
pub fn read_text_arg(arg: Option<&str>) -> anyhow::Result<String> {
    let from_stdin = || -> anyhow::Result<String> {
        let mut buf = String::new();
        std::io::stdin()
            .read_to_string(&mut buf)
            .context("reading standard input (it must be UTF-8 text)")?;
        Ok(buf)
    };
    match arg {
        Some("-") => from_stdin(),
        Some(a) if Path::new(a).is_file() => {
            let bytes = std::fs::read(a).with_context(|| format!("reading {a}"))?;
            String::from_utf8(bytes).map_err(|e| {
                anyhow::anyhow!(
                    "{a}: not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                )
            })
        }
        Some(a) => Ok(a.to_string()),
        None if !std::io::stdin().is_terminal() => from_stdin(),
        None => anyhow::bail!("no text given: pass TEXT, a FILE, or - to read standard input"),
    }
}

/// The model named by `--model`, or the shipped one.
pub fn load_model(path: Option<&Path>) -> anyhow::Result<rolecheck::Model> {
    match path {
        Some(p) => Ok(rolecheck::Model::load(p)?),
        None => Ok(rolecheck::Model::shipped()?),
    }
}

/// Parses a probability flag: a number from 0 to 1.
pub fn probability(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        Ok(p) => Err(format!(
            "{p} is not a probability; give a number from 0 to 1"
        )),
        Err(_) => Err(format!(
            "`{s}` is not a number; give a probability from 0 to 1"
        )),
    }
}
