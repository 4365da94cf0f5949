//! The counts of an audit, which add up to the records read.

use std::collections::HashMap;

use super::AuditLine;
use crate::{Lang, Role};

/// What the counts take of one result: small and `Copy`, so results can
/// be counted without keeping them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tally {
    /// The record could not be read or judged.
    Error {
        /// Its line in the whole dump.
        line: usize,
    },
    /// The record got a verdict.
    Verdict {
        /// Its line in the whole dump.
        line: usize,
        /// The role it is.
        role: Role,
        /// The role its duties describe.
        duty_role: Role,
        /// Flagged as a backlog manager.
        backlog_manager: bool,
        /// Its title and duties disagree.
        title_mismatch: bool,
        /// Under the confidence asked for.
        unsure: bool,
        /// Its language.
        lang: Lang,
    },
}

impl Tally {
    /// What the counts take of `line`.
    pub fn of(line: &AuditLine) -> Tally {
        match line {
            AuditLine::Error(e) => Tally::Error { line: e.line },
            AuditLine::Verdict(v) => Tally::Verdict {
                line: v.line,
                role: v.role,
                duty_role: v.duty_role,
                backlog_manager: v.backlog_manager,
                title_mismatch: v.title_mismatch,
                unsure: v.unsure,
                lang: v.lang,
            },
        }
    }

    /// Whether it is a verdict flagged as a backlog manager.
    pub fn flagged(&self) -> bool {
        matches!(
            self,
            Tally::Verdict {
                backlog_manager: true,
                ..
            }
        )
    }

    /// Whether it is an error.
    pub fn is_error(&self) -> bool {
        matches!(self, Tally::Error { .. })
    }
}

/// One company's postings among the verdicts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompanyCounts {
    /// Its postings with a verdict.
    pub postings: usize,
    /// Those flagged as backlog managers.
    pub flagged: usize,
    /// Those whose title and duties disagree.
    pub mismatches: usize,
}

/// Counts over a whole audit; they add up to the records read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Records read (verdicts + errors).
    pub records: usize,
    /// Verdicts per role, in [`Role::ALL`] order.
    pub per_role: [usize; 7],
    /// Verdicts per duty role (the duty reading), in [`Role::ALL`] order.
    pub per_duty_role: [usize; 7],
    /// Backlog managers flagged.
    pub flagged: usize,
    /// Title mismatches.
    pub mismatches: usize,
    /// Verdicts under the confidence asked for.
    pub unsure: usize,
    /// Records that could not be read.
    pub errors: usize,
    /// Verdicts per role in French postings, then in English ones, in
    /// [`Role::ALL`] order.
    pub per_lang: [[usize; 7]; 2],
    /// Per company, its counts.
    pub companies: HashMap<String, CompanyCounts>,
}

impl Summary {
    /// Counts one output line (and its company).
    pub fn add(&mut self, line: &AuditLine, company: Option<&str>) {
        self.add_tally(&Tally::of(line), company);
    }

    /// Counts one result from what it tallies (and its company).
    pub fn add_tally(&mut self, tally: &Tally, company: Option<&str>) {
        self.records += 1;
        let Tally::Verdict {
            role,
            duty_role,
            backlog_manager,
            title_mismatch,
            unsure,
            lang,
            ..
        } = *tally
        else {
            self.errors += 1;
            return;
        };
        self.per_role[role.index()] += 1;
        self.per_duty_role[duty_role.index()] += 1;
        self.flagged += usize::from(backlog_manager);
        self.mismatches += usize::from(title_mismatch);
        self.unsure += usize::from(unsure);
        self.per_lang[lang.index()][role.index()] += 1;
        if let Some(c) = company {
            let counts = match self.companies.get_mut(c) {
                Some(counts) => counts,
                None => self.companies.entry(c.to_string()).or_default(),
            };
            counts.postings += 1;
            counts.flagged += usize::from(backlog_manager);
            counts.mismatches += usize::from(title_mismatch);
        }
    }

    /// Postings that got a verdict.
    pub fn verdicts(&self) -> usize {
        self.records - self.errors
    }

    /// Share of PM-titled verdicts flagged, over all verdicts.
    pub fn flag_rate(&self) -> f64 {
        if self.verdicts() == 0 {
            0.0
        } else {
            self.flagged as f64 / self.verdicts() as f64
        }
    }
}
