//! Command-line arguments ("low args": they mirror the flags and do no I/O)
//! and the dispatch to one module per subcommand.

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

mod tokens;

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
}

/// Parses the arguments and runs the subcommand.
pub fn run() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    match args.command {
        Command::Tokens(a) => tokens::run(a),
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
