//! `rolecheck classify`: one posting's role, with the evidence on its own words.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use rolecheck::audit::is_bidi_control;
use rolecheck::strip_html;
use rolecheck::{highlight_runs, Mark};
use rolecheck::{Classification, Model, Scratch, Verdict};
use rolecheck::{Evidence, Field};
use rolecheck::{Phrase, PmDuty, Side, MAX_PHRASES};
use serde::Serialize;

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// When standard output is a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never: evidence is marked **like this** (for) and ~~like this~~ (against).
    Never,
}

/// Arguments of `rolecheck classify`.
#[derive(Debug, clap::Args)]
pub struct ClassifyArgs {
    /// The posting's body, a file holding it, or - for standard input.
    #[arg(value_name = "TEXT | FILE | -")]
    input: Option<String>,
    /// Take the argument as the posting's text, even when it looks like a file name.
    #[arg(long)]
    text: bool,
    /// The posting's title: its words count towards the role (as title
    /// words, apart from the body's), and a Product Manager title is checked
    /// against the duties for a backlog manager.
    #[arg(long, value_name = "TITLE")]
    title: Option<String>,
    /// Mark the verdict unsure when its confidence is under P (0 to 1).
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = super::probability)]
    min_confidence: f32,
    /// Print the whole verdict as JSON: probabilities, scores, every term's contribution and spans.
    #[arg(long)]
    json: bool,
    /// How many terms to show and highlight on each side [default: 8;
    /// with --json, every term unless K is given].
    #[arg(long, value_name = "K")]
    top: Option<usize>,
    /// Colour the highlights.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    /// Read the posting as French or English even when its words say it is
    /// in another language (by default such a posting is refused).
    #[arg(long, value_name = "fr|en")]
    force_lang: Option<rolecheck::Lang>,
    /// A model file to use instead of the shipped one.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
}

/// How a posting is judged: the options `classify` and `rolecheck serve`'s
/// `POST /v1/classify` share.
#[derive(Debug, Clone, Copy, Default)]
pub struct Judging {
    /// Mark the verdict unsure under this confidence.
    pub min_confidence: f32,
    /// Keep only this many terms on each side in `terms` (all when `None`).
    pub top: Option<usize>,
    /// Read the posting in this language, even one rolecheck does not read.
    pub force_lang: Option<rolecheck::Lang>,
}

/// Why a posting gets no verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing is left once HTML is stripped.
    Empty,
    /// It is written in a language rolecheck does not read (its code).
    Language(&'static str),
}

impl Refusal {
    /// A short code for programs (the server's JSON errors).
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Empty => "empty_text",
            Refusal::Language(_) => "unsupported_language",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Empty => f.write_str("the posting is empty: nothing to classify"),
            Refusal::Language(lang) => {
                f.write_str(&rolecheck::audit::unsupported_language_error(lang))
            }
        }
    }
}

/// A posting ready to be judged: HTML stripped (as in `audit`, so both give
/// the same verdict), not empty, in a language rolecheck reads. `classify`
/// and the server both read postings through it, so they refuse the same
/// postings with the same words.
#[derive(Debug, Clone)]
pub struct Posting {
    /// Its title, HTML stripped.
    pub title: Option<String>,
    /// Its body, HTML stripped.
    pub text: String,
}

impl Posting {
    /// Strips `title` and `text` of HTML and checks the text.
    pub fn new(title: Option<&str>, text: &str, how: &Judging) -> Result<Posting, Refusal> {
        let text = strip_html(text);
        if text.trim().is_empty() {
            return Err(Refusal::Empty);
        }
        if how.force_lang.is_none() {
            if let Some(lang) = rolecheck::unsupported_language(&text) {
                return Err(Refusal::Language(lang));
            }
        }
        Ok(Posting {
            title: title.map(strip_html),
            text,
        })
    }

    /// The verdict and all its evidence: what `classify --json` prints and
    /// `POST /v1/classify` answers.
    pub fn judge(&self, model: &Model, scratch: &mut Scratch, how: &Judging) -> JsonVerdict<'_> {
        scratch.read_as(how.force_lang);
        let mut check = model.check_with(scratch, self.title.as_deref().unwrap_or(""), &self.text);
        let evidence = check.phrases(MAX_PHRASES);
        let missing_pm_duties = check.missing_pm_duties(scratch);
        check.explain();
        let mut verdict = check.into_verdict();
        if let Some(top) = how.top {
            let (pro, con) = strongest(&verdict.classification, top);
            let mut at = 0;
            verdict.classification.evidence.retain(|_| {
                at += 1;
                pro.contains(&(at - 1)) || con.contains(&(at - 1))
            });
        }
        let unsure = verdict.classification.confidence < how.min_confidence;
        JsonVerdict {
            title: self.title.as_deref(),
            verdict,
            evidence,
            missing_pm_duties,
            unsure,
        }
    }
}

/// The verdict and all its evidence: what `--json` prints and what
/// people are shown.
#[derive(Debug, Serialize)]
pub struct JsonVerdict<'a> {
    title: Option<&'a str>,
    #[serde(flatten)]
    verdict: Verdict,
    /// Phrases that pushed towards `po` or towards the claimed PM role,
    /// strongest first.
    evidence: Vec<Phrase>,
    /// Core PM duties the posting never mentions.
    missing_pm_duties: Vec<PmDuty>,
    unsure: bool,
}

impl JsonVerdict<'_> {
    /// The verdict itself.
    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }
}

/// The positions in `v.evidence` of the `top` terms that pushed most towards
/// the verdict against the runner-up, and of the `top` that pushed most the
/// other way: what the text output shows, and what `--top` keeps in JSON.
fn strongest(v: &Classification, top: usize) -> (Vec<usize>, Vec<usize>) {
    let (role, other) = (v.role, v.runner_up.role);
    let push = |i: &usize| v.evidence[*i].push(role, other);
    let all = 0..v.evidence.len();
    let pro = all.clone().filter(|i| push(i) > 0.0).take(top).collect();
    let con = all.rev().filter(|i| push(i) < 0.0).take(top).collect();
    (pro, con)
}

pub fn run(args: ClassifyArgs) -> anyhow::Result<ExitCode> {
    let how = Judging {
        min_confidence: args.min_confidence,
        // The text output picks its terms from all of them.
        top: args.top.filter(|_| args.json),
        force_lang: args.force_lang,
    };
    let text = super::read_text_arg(args.input.as_deref(), args.text)?;
    let posting = Posting::new(args.title.as_deref(), &text, &how).map_err(anyhow::Error::msg)?;
    let model = super::load_model(args.model.as_deref())?;
    let json = posting.judge(&model, &mut Scratch::new(), &how);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &json)?;
        writeln!(out)?;
    } else {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        let how = Human {
            top: args.top.unwrap_or(DEFAULT_TOP),
            color,
        };
        write_human(&mut out, &posting.text, &json, how)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Terms shown on each side in the text output when `--top` is not given.
const DEFAULT_TOP: usize = 8;

const BOLD: &str = "\x1b[1m";
const FOR: &str = "\x1b[1;32m";
const AGAINST: &str = "\x1b[2;31m";
const RESET: &str = "\x1b[0m";

/// How to print a verdict for people.
struct Human {
    top: usize,
    color: bool,
}

fn write_human(
    out: &mut impl Write,
    text: &str,
    checked: &JsonVerdict,
    how: Human,
) -> std::io::Result<()> {
    let Human { top, color } = how;
    write_headline(out, checked, color)?;
    let v = &checked.verdict.classification;
    let (role, other) = (v.role, v.runner_up.role);
    let (pro, con) = strongest(v, top);
    let pro: Vec<&Evidence> = pro.into_iter().map(|i| &v.evidence[i]).collect();
    let con: Vec<&Evidence> = con.into_iter().map(|i| &v.evidence[i]).collect();
    if v.evidence.is_empty() {
        writeln!(
            out,
            "no term of this text is known to the model: every role is as likely, and the verdict falls to `other`"
        )?;
        return Ok(());
    }
    let list = |items: &[&Evidence]| {
        items
            .iter()
            .map(|e| {
                let words = printable(&e.surface);
                let term = match e.field {
                    Field::Text => words.into_owned(),
                    Field::RoleName => format!("“{words}”"),
                    Field::Title => format!("title “{words}”"),
                };
                format!("{term} {:+.2}", e.push(role, other))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };
    writeln!(out, "for {role} over {other}: {}", list(&pro))?;
    if !con.is_empty() {
        writeln!(out, "for {other} over {role}: {}", list(&con))?;
    }
    write_detector_evidence(out, checked, top)?;
    writeln!(out)?;
    write_highlighted(out, text, &pro, &con, color)?;
    writeln!(out)
}

/// The title, the flag or mismatch, the role and the duty reading: one line each.
fn write_headline(out: &mut impl Write, checked: &JsonVerdict, color: bool) -> std::io::Result<()> {
    let JsonVerdict {
        title,
        ref verdict,
        unsure,
        ..
    } = *checked;
    let v = &verdict.classification;
    let (b, r) = if color { (BOLD, RESET) } else { ("", "") };
    if let Some(t) = title {
        writeln!(out, "{b}{}{r}", printable(t))?;
    }
    let claimed = verdict.claimed_role.map_or("no role", |c| c.name());
    if verdict.backlog_manager {
        let (w, rs) = if color {
            ("\x1b[1;30;43m", RESET)
        } else {
            ("", "")
        };
        writeln!(
            out,
            "{w}⚑ Titled {claimed} — reads as a backlog manager, score {:.2}{rs}",
            verdict.score
        )?;
    } else if verdict.title_mismatch {
        writeln!(
            out,
            "⚑ Titled {claimed} — the duties read as {} ({})",
            v.duty.role.name(),
            v.duty.role
        )?;
    }
    writeln!(
        out,
        "{b}{} ({}){r} {:.0}%{}   runner-up: {} ({}) {:.0}%   language: {}",
        v.role.name(),
        v.role,
        v.confidence * 100.0,
        if unsure { " (unsure)" } else { "" },
        v.runner_up.role.name(),
        v.runner_up.role,
        v.runner_up.probability * 100.0,
        v.lang
    )?;
    writeln!(
        out,
        "duties alone: {} ({}) {:.0}%",
        v.duty.role.name(),
        v.duty.role,
        v.duty.confidence * 100.0
    )?;
    Ok(())
}

/// For a PM title (or a flagged posting), the strongest phrases on each side
/// and the PM duties never mentioned.
fn write_detector_evidence(
    out: &mut impl Write,
    checked: &JsonVerdict,
    top: usize,
) -> std::io::Result<()> {
    let verdict = &checked.verdict;
    if !(verdict.backlog_manager || verdict.claimed_role.is_some_and(|c| c.is_pm_family())) {
        return Ok(());
    }
    for side in [Side::Po, Side::Pm] {
        let phrases: Vec<String> = checked
            .evidence
            .iter()
            .filter(|p| p.side == side)
            .take(top.min(5))
            .map(|p| format!("“{}”", printable(&p.text)))
            .collect();
        if !phrases.is_empty() {
            let label = match side {
                Side::Po => "backlog-manager phrases",
                Side::Pm => "product-manager phrases",
            };
            writeln!(out, "{label}: {}", phrases.join(", "))?;
        }
    }
    if !checked.missing_pm_duties.is_empty() {
        let names: Vec<&str> = checked.missing_pm_duties.iter().map(|d| d.name()).collect();
        writeln!(out, "PM duties never mentioned: {}", names.join(", "))?;
    }
    Ok(())
}

/// Posting text made safe for a terminal: control characters (escape
/// sequences among them) and bidirectional overrides shown escaped, line
/// breaks and tabs kept.
fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c);
    if !text.chars().any(unsafe_char) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if unsafe_char(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// The text with the spans of `pro` and `con` evidence marked.
fn write_highlighted(
    out: &mut impl Write,
    text: &str,
    pro: &[&Evidence],
    con: &[&Evidence],
    color: bool,
) -> std::io::Result<()> {
    // A title term's spans are in the title, not in this text.
    let marks = [(pro, Mark::For), (con, Mark::Against)]
        .into_iter()
        .flat_map(|(items, mark)| {
            items
                .iter()
                .filter(|e| e.field != Field::Title)
                .flat_map(move |e| e.spans.iter().map(move |s| (s.clone(), mark)))
        });
    for (range, mark) in highlight_runs(text, marks) {
        let (open, close) = match (color, mark) {
            (_, None) => ("", ""),
            (true, Some(Mark::For)) => (FOR, RESET),
            (true, Some(Mark::Against)) => (AGAINST, RESET),
            (false, Some(Mark::For)) => ("**", "**"),
            (false, Some(Mark::Against)) => ("~~", "~~"),
        };
        write!(out, "{open}{}{close}", printable(&text[range]))?;
    }
    if !text.ends_with('\n') {
        writeln!(out)?;
    }
    Ok(())
}
