//! `rolecheck tokens`: the analyzer's view of a text.

use std::io::Write;
use std::process::ExitCode;

use rolecheck::{Analysis, Analyzer, Outcome};

/// Arguments of `rolecheck tokens`.
#[derive(Debug, clap::Args)]
pub struct TokensArgs {
    /// The text, a file holding it, or - for standard input.
    #[arg(value_name = "TEXT | FILE | -")]
    input: Option<String>,
    /// Take the argument as the text, even when it looks like a file name.
    #[arg(long)]
    text: bool,
    /// Print JSON (one object: lang, tokens, bigrams) instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn run(args: TokensArgs) -> anyhow::Result<ExitCode> {
    let text = super::read_text_arg(args.input.as_deref(), args.text)?;
    let analyzer = Analyzer::new();
    let analysis = analyzer.analyze(&text);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &analysis)?;
        writeln!(out)?;
    } else {
        write_table(&mut out, &analysis)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn write_table(out: &mut impl Write, a: &Analysis) -> std::io::Result<()> {
    let kept = a.terms().count();
    writeln!(
        out,
        "language: {}   words: {}   terms: {kept}   bigrams: {}",
        a.lang,
        a.tokens.len(),
        a.bigrams.len()
    )?;
    let width = a
        .tokens
        .iter()
        .map(|t| t.text.chars().count())
        .max()
        .unwrap_or(0)
        .min(30);
    for t in &a.tokens {
        let span = format!("{}..{}", t.start, t.end);
        let word = printable(t.text);
        match &t.outcome {
            Outcome::Term(term) => writeln!(out, "{span:>11}  {word:<width$}  → {term}")?,
            Outcome::Dropped(reason) => {
                writeln!(out, "{span:>11}  {word:<width$}    ({})", reason.as_str())?
            }
        }
    }
    if !a.bigrams.is_empty() {
        writeln!(out, "bigrams:")?;
        for b in &a.bigrams {
            writeln!(out, "{:>11}  {}", format!("{}..{}", b.start, b.end), b.term)?;
        }
    }
    Ok(())
}

/// The word with control characters escaped, so a table row stays one line.
fn printable(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let escaped = c.is_control().then(|| c.escape_default());
            escaped
                .into_iter()
                .flatten()
                .chain((!c.is_control()).then_some(c))
        })
        .collect()
}
