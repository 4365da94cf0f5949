//! Auditing a job-board dump: every record read, classified and checked
//! against its title, one verdict or one error per record, in input order.
//!
//! A verdict depends only on its record and the model, so a dump can be split
//! into shards, audited anywhere and the outputs concatenated (with
//! `line_offset` keeping line numbers global).

mod driver;
pub(crate) mod html;
mod input;
mod json;
mod report;
mod sink;
mod summary;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::detect::{Phrase, PmDuty};
use crate::vectorize::Scratch;
use crate::{Lang, Model, Role};
pub use driver::{Auditor, Dump};
pub use html::{escape as escape_html, is_bidi_control};
pub use input::{
    json_kind, open, open_reader, parse_json_line, quote, CsvRecords, Fields, Format,
    JsonArrayRecords, JsonlRecords, RawPosting, Record, DEFAULT_MAX_RECORD_BYTES,
};
pub use report::{csp_hash, evidence_html, render_report, ReportData, RunInfo};
pub use sink::{Judged, OutputFormat, Sink, Wants, WriterSink, CSV_HEADER};
pub use summary::{CompanyCounts, Summary, Tally};

/// Evidence phrases kept per verdict in the dump's output.
const EVIDENCE_PER_VERDICT: usize = 5;

/// The verdict on one record of a dump. Written out by
/// [`AuditLine::write_json`], which a test holds byte-equal to this derive:
/// a field added here must be added there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerdictLine {
    /// 1-based line of the record in the whole dump.
    pub line: usize,
    /// The record's id, when it has one.
    pub id: Option<String>,
    /// Its title.
    pub title: String,
    /// The role the posting is, from all its words (`po` for a flagged
    /// backlog manager).
    pub role: Role,
    /// The probability of that role (the flag's score for a backlog manager).
    pub confidence: f32,
    /// The confidence is under the `min_confidence` asked for.
    pub unsure: bool,
    /// Every role's probability.
    pub probabilities: BTreeMap<&'static str, f32>,
    /// The role the duties alone describe (role names masked).
    pub duty_role: Role,
    /// The probability of that role in the duty reading.
    pub duty_confidence: f32,
    /// The role its title claims.
    pub claimed_role: Option<Role>,
    /// Titled as a PM, reads as a backlog manager.
    pub backlog_manager: bool,
    /// Probability that the duties are a Product Owner's.
    pub score: f32,
    /// A confident disagreement between title and duties.
    pub title_mismatch: bool,
    /// The strongest phrases for each reading.
    pub evidence: Vec<Phrase>,
    /// The detected language.
    pub lang: Lang,
    /// The posting's address, when the dump has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its publication date, as the dump writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Where the job is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// A record that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorLine {
    /// 1-based line of the record in the whole dump.
    pub line: usize,
    /// Its id, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its language, when it is one rolecheck does not read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<&'static str>,
    /// What is wrong with it.
    pub error: String,
}

/// One output line: a verdict or an error.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AuditLine {
    /// The record was read and judged.
    Verdict(VerdictLine),
    /// The record could not be read.
    Error(ErrorLine),
}

/// A posting worth a card in the report (flagged as a backlog manager, or
/// whose title and duties disagree), with what the card shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Its verdict.
    pub verdict: VerdictLine,
    /// Its company, when known.
    pub company: Option<String>,
    /// The core PM duties its text never mentions.
    pub missing_pm_duties: Vec<PmDuty>,
    /// Its description (HTML stripped), where the evidence spans point: for
    /// a long one, only its start and the passages around the evidence,
    /// the spans moved to match.
    pub text: String,
    /// Byte offsets in `text` where passages were left out (empty: whole).
    pub gaps: Vec<usize>,
}

/// Longest description kept whole for the report, in bytes.
const REPORT_TEXT_BYTES: usize = 6000;
/// Context kept on each side of a piece of evidence in a cut description.
const CONTEXT_BYTES: usize = 400;

/// The report's copy of a flagged posting, its text cut by [`cut_text`].
fn card(
    verdict: &VerdictLine,
    company: Option<String>,
    text: String,
    missing_pm_duties: Vec<PmDuty>,
) -> Card {
    let mut verdict = verdict.clone();
    let (text, gaps) = cut_text(text, &mut verdict.evidence);
    Card {
        verdict,
        company,
        missing_pm_duties,
        text,
        gaps,
    }
}

/// A posting's text as a page shows it: whole when short; else its start
/// and the passages around its evidence, the spans moved to match, so a
/// 1 MB posting costs the page a few kilobytes. Also gives the byte offsets
/// in the text kept where passages were left out (empty: whole).
fn cut_text(text: String, evidence: &mut [Phrase]) -> (String, Vec<usize>) {
    if text.len() <= REPORT_TEXT_BYTES {
        return (text, Vec::new());
    }
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let mut keep: Vec<(usize, usize)> = vec![(0, floor(CONTEXT_BYTES * 2))];
    for p in evidence.iter() {
        keep.push((
            floor(p.span.start.saturating_sub(CONTEXT_BYTES)),
            floor(p.span.end + CONTEXT_BYTES),
        ));
    }
    keep.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in keep {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut short = String::new();
    let mut gaps = Vec::new();
    let mut moved = Vec::with_capacity(merged.len());
    for &(s, e) in &merged {
        if s > 0 {
            gaps.push(short.len());
        }
        moved.push((s, e, short.len()));
        short.push_str(&text[s..e]);
    }
    if merged.last().is_some_and(|&(_, e)| e < text.len()) {
        gaps.push(short.len());
    }
    for p in evidence.iter_mut() {
        if let Some(&(s, _, at)) = moved
            .iter()
            .find(|&&(s, e, _)| s <= p.span.start && p.span.end <= e)
        {
            p.span = p.span.start - s + at..p.span.end - s + at;
        }
    }
    (short, gaps)
}

/// How records are judged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// Added to every record's line: the shard's first line minus one.
    pub line_offset: usize,
    /// Verdicts under this confidence are marked unsure.
    pub min_confidence: f32,
    /// Read every posting in this language, even one written in a language
    /// rolecheck does not read (which is otherwise refused).
    pub force_lang: Option<Lang>,
    /// Build a [`Card`] for each flagged posting and title mismatch (for the
    /// report): it costs a second analysis of those postings.
    pub cards: bool,
}

/// Why a posting in a language rolecheck does not read gets no verdict.
pub fn unsupported_language_error(lang: &str) -> String {
    format!(
        "unsupported language: the posting reads as `{lang}`; rolecheck reads French and English \
         (--force-lang fr or en judges it anyway)"
    )
}

/// Judges one record. Pure: the same record, model and settings give the same line.
pub fn audit_record(
    model: &Model,
    scratch: &mut Scratch,
    record: Record,
    settings: &Settings,
) -> (AuditLine, Option<Card>, Option<String>) {
    let line = record.line + settings.line_offset;
    let error = |id, lang, error| {
        (
            AuditLine::Error(ErrorLine {
                line,
                id,
                lang,
                error,
            }),
            None,
            None,
        )
    };
    let posting = match record.posting {
        Ok(p) => p,
        Err(e) => return error(record.id, None, e),
    };
    if settings.force_lang.is_none() {
        if let Some(lang) = crate::text::unsupported_language(&posting.text) {
            return error(posting.id, Some(lang), unsupported_language_error(lang));
        }
    }
    scratch.read_as(settings.force_lang);
    let check = model.check_with(scratch, &posting.title, &posting.text);
    let evidence = check.phrases(EVIDENCE_PER_VERDICT);
    let carded =
        settings.cards && (check.verdict().backlog_manager || check.verdict().title_mismatch);
    let missing = carded.then(|| check.missing_pm_duties(scratch));
    let v = check.into_verdict();
    let c = &v.classification;
    let probabilities = c
        .probabilities
        .iter()
        .map(|p| (p.role.id(), p.probability))
        .collect();
    let verdict = VerdictLine {
        line,
        id: posting.id,
        title: posting.title,
        role: c.role,
        confidence: c.confidence,
        unsure: c.confidence < settings.min_confidence,
        probabilities,
        duty_role: c.duty.role,
        duty_confidence: c.duty.confidence,
        claimed_role: v.claimed_role,
        backlog_manager: v.backlog_manager,
        score: v.score,
        title_mismatch: v.title_mismatch,
        evidence,
        lang: c.lang,
        url: posting.url,
        date: posting.date,
        location: posting.location,
    };
    let card =
        missing.map(|missing| card(&verdict, posting.company.clone(), posting.text, missing));
    (AuditLine::Verdict(verdict), card, posting.company)
}

#[cfg(test)]
mod tests {
    use super::input::{Fields, JsonlRecords};
    use super::*;

    fn settings(line_offset: usize) -> Settings {
        Settings {
            line_offset,
            ..Settings::default()
        }
    }

    #[test]
    fn summary_counts_add_up_to_the_records() {
        let model = Model::shipped().unwrap();
        let dump = "{\"id\": 1, \"title\": \"Product Manager\", \"description\": \"Vous gérez le backlog, les user stories et la recette.\", \"company\": \"A\"}\n\
                    not json\n\
                    {\"id\": 3, \"title\": \"PMM\", \"description\": \"Positioning, messaging and launches.\"}\n";
        let mut summary = Summary::default();
        for record in JsonlRecords::new(dump.as_bytes(), Fields::default()) {
            let (line, _, company) =
                audit_record(&model, &mut Scratch::new(), record, &settings(10));
            summary.add(&line, company.as_deref());
        }
        assert_eq!(summary.records, 3);
        assert_eq!(summary.errors, 1);
        assert_eq!(
            summary.per_role.iter().sum::<usize>() + summary.errors,
            summary.records
        );
        assert_eq!(
            summary.per_duty_role.iter().sum::<usize>(),
            summary.per_role.iter().sum::<usize>()
        );
        assert_eq!(summary.companies["A"].postings, 1);
        assert_eq!(summary.per_lang.iter().flatten().sum::<usize>(), 2);
    }

    #[test]
    fn a_long_flagged_posting_keeps_its_start_and_evidence_with_the_spans_moved() {
        let model = Model::shipped().unwrap();
        let duties = "Vous gérez le backlog, rédigez les user stories, animez les rituels Scrum et faites la recette. ";
        let text = format!(
            "{duties}{}{duties}",
            "Notre groupe familial est présent dans douze pays. ".repeat(400)
        );
        let record = Record {
            line: 1,
            id: None,
            posting: Ok(RawPosting {
                id: None,
                title: "Product Manager".into(),
                text: text.clone(),
                company: None,
                url: None,
                date: None,
                location: None,
            }),
        };
        let without = audit_record(&model, &mut Scratch::new(), record.clone(), &settings(0));
        assert!(without.1.is_none(), "no card unless asked for");
        let settings = Settings {
            cards: true,
            ..Settings::default()
        };
        let (line, flagged, _) = audit_record(&model, &mut Scratch::new(), record, &settings);
        let flagged = flagged.expect("a card");
        assert!(!flagged.missing_pm_duties.is_empty());
        let AuditLine::Verdict(full) = line else {
            panic!("a verdict")
        };
        assert!(flagged.text.len() < text.len() / 5 && !flagged.gaps.is_empty());
        assert!(flagged.text.starts_with(duties));
        for (cut, whole) in flagged.verdict.evidence.iter().zip(&full.evidence) {
            assert_eq!(&flagged.text[cut.span.clone()], &text[whole.span.clone()]);
            assert_eq!(cut.text, whole.text);
        }
    }

    #[test]
    fn a_field_asked_for_twice_is_read_twice() {
        // Fields are moved out of a parsed record; one named as both title
        // and description must still reach both.
        let fields = Fields {
            title: vec!["body".into()],
            text: vec!["body".into()],
            ..Fields::default()
        };
        let dump = "{\"body\": \"Roadmap, discovery et vision produit\"}\n";
        let records: Vec<_> = JsonlRecords::new(dump.as_bytes(), fields).collect();
        let posting = records[0].posting.as_ref().unwrap();
        assert_eq!(posting.title, "Roadmap, discovery et vision produit");
        assert_eq!(posting.text, posting.title);
    }

    #[test]
    fn line_offset_shifts_every_line() {
        let model = Model::shipped().unwrap();
        let records: Vec<_> = JsonlRecords::new(&b"\n\nbad\n"[..], Fields::default()).collect();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].line, 3, "blank lines count");
        let (line, _, _) = audit_record(
            &model,
            &mut Scratch::new(),
            records[0].clone(),
            &settings(100),
        );
        assert!(matches!(
            line,
            AuditLine::Error(ErrorLine { line: 103, .. })
        ));
    }
}
