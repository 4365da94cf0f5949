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
mod serve;
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
    /// Input: JSONL, a JSON array or CSV (by extension and content), gzip
    /// read transparently, - for stdin; UTF-8 BOM and CRLF accepted; HTML in
    /// descriptions stripped. Output: one JSON line (or CSV row) per record,
    /// a verdict or {"line", "id", "error"} for a record that could not be
    /// read (in a JSON array, "line" is the element's position, from 1).
    /// A record over --max-record-bytes, a CSV field whose quote never
    /// closes, or a posting in a language other than French and English
    /// gets an error line; the other records still get their verdicts.
    /// Outputs are written under a temporary name and renamed at the end,
    /// and may not be the input or each other.
    ///
    /// Exit status: 0 every record was read; 1 some records failed (all others
    /// still have their verdicts); 2 the run could not start (nothing written).
    ///
    /// Examples:
    ///   rolecheck audit dump.jsonl.gz -o verdicts.jsonl --report audit.html
    ///   rolecheck audit export.csv --format csv --only-flagged > flagged.csv
    ///   split -l 100000 dump.jsonl shard- && rolecheck audit shard-ab --line-offset 100000
    #[command(verbatim_doc_comment)]
    Audit(Box<audit::AuditArgs>),
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
    /// Evidence is shown in the posting's own words ("user stories"); with
    /// --json each term also has the stemmed feature the model knows
    /// (`term`) beside them (`surface`). HTML is stripped as in `audit`.
    ///
    /// Exit status: 0 a verdict was printed; 2 none could be (no such file,
    /// an empty posting, a language other than French and English, a bad
    /// model file).
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
    /// Exit status: 0 the scores were printed; 2 they could not be (a bad
    /// line in the labelled file, a bad model file).
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
    /// Exit status: 0 the analysis was printed; 2 no text could be read.
    ///
    /// Examples:
    ///   rolecheck tokens "L’équipe recherche un·e Product Manager (H/F)"
    ///   rolecheck tokens posting.txt --json | jq '.tokens[] | select(.term)'
    ///   cat posting.txt | rolecheck tokens -
    #[command(verbatim_doc_comment)]
    Tokens(tokens::TokensArgs),
    /// Serve a page where anyone pastes a posting and sees the verdict, and
    /// a JSON API for programs, on one local HTTP server.
    ///
    /// Page: GET / (French or English, from the browser's language).
    /// API (described at /openapi.json): POST /v1/classify {"title"?, "text"}
    /// answers what classify --json prints; POST /v1/classify/batch takes
    /// up to 1000 postings; POST /v1/audit takes a dump (JSONL, a JSON array
    /// or CSV, gzip accepted) and streams what audit writes; GET /v1/model,
    /// /healthz, /metrics (Prometheus). Errors are JSON:
    /// {"error": {"code", "message"}}.
    ///
    /// Prints `listening on http://HOST:PORT` on stdout once it accepts
    /// connections, and one line per request on stderr. SIGINT or SIGTERM
    /// lets the requests in flight finish, then stops.
    ///
    /// Exit status: 0 stopped by a signal after the requests in flight
    /// finished; 1 stopped by a second signal; 2 could not start (address
    /// in use, bad model file).
    ///
    /// Examples:
    ///   rolecheck serve
    ///   rolecheck serve --addr 0.0.0.0:8080 --workers 4
    ///   curl localhost:8080/v1/classify -H 'Content-Type: application/json' -d '{"text": "…"}'
    #[command(verbatim_doc_comment)]
    Serve(serve::ServeArgs),
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
    /// Exit status: 0 the model and its report were written; 2 nothing was
    /// (a bad corpus line, an unwritable output).
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
        Command::Audit(a) => audit::run(*a),
        Command::Classify(a) => classify::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Tokens(a) => tokens::run(a),
        Command::Train(a) => train::run(a),
    }
}

/// The largest text `classify` and `tokens` read: 16 MiB, as audit's
/// default record limit.
const MAX_TEXT_BYTES: u64 = 16 << 20;

/// Reads the text named by a `[TEXT | FILE | -]` argument: `-` (or nothing,
/// when stdin is piped) is standard input, an existing file is read, and
/// anything else is the text itself, unless it looks like a path (one word
/// with a `/` or an extension), which is an error: a mistyped file name must
/// not be judged as a posting. `as_text` takes the argument as text always.
pub fn read_text_arg(arg: Option<&str>, as_text: bool) -> anyhow::Result<String> {
    let bounded = |what: &str, r: &mut dyn Read| -> anyhow::Result<String> {
        let mut bytes = Vec::new();
        r.take(MAX_TEXT_BYTES + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {what}"))?;
        if bytes.len() as u64 > MAX_TEXT_BYTES {
            anyhow::bail!(
                "{what} is larger than {} MiB: not one posting",
                MAX_TEXT_BYTES >> 20
            );
        }
        String::from_utf8(bytes).map_err(|e| {
            anyhow::anyhow!(
                "{what}: not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )
        })
    };
    match arg {
        Some(a) if as_text => Ok(a.to_string()),
        Some("-") => bounded("standard input", &mut std::io::stdin()),
        Some(a) if Path::new(a).is_dir() => {
            anyhow::bail!(
                "{} is a directory; give a posting's text, a file, or -",
                quote(a)
            )
        }
        Some(a) if Path::new(a).is_file() => {
            let mut file = std::fs::File::open(a).with_context(|| format!("reading {a}"))?;
            bounded(a, &mut file)
        }
        Some(a) if looks_like_path(a) => anyhow::bail!(
            "no file named {}; to classify these words as the posting's text, pass --text",
            quote(a)
        ),
        Some(a) => Ok(a.to_string()),
        None if !std::io::stdin().is_terminal() => bounded("standard input", &mut std::io::stdin()),
        None => anyhow::bail!("no text given: pass TEXT, a FILE, or - to read standard input"),
    }
}

/// One word with a `/` or a short extension (`notes.txt`, `./a`): meant as
/// a file name, not as a posting.
fn looks_like_path(a: &str) -> bool {
    if a.is_empty() || a.chars().any(char::is_whitespace) {
        return false;
    }
    let extension = a.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.chars().all(|c| c.is_ascii_alphanumeric())
    });
    a.contains('/') || a.contains('\\') || extension
}

/// Input quoted in a message: control characters escaped, cut when long.
pub fn quote(text: &str) -> String {
    format!("`{}`", rolecheck::audit::quote(text, 80))
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

/// Parses a size flag: bytes, or a number with K, M or G (powers of 1024).
pub fn byte_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let shift = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        _ => {
            return Err(format!(
                "`{s}` is not a size; give bytes, or a number with K, M or G"
            ))
        }
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{s}` is not a size; give bytes, or a number with K, M or G"))
}
