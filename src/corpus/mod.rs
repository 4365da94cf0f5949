//! Labelled postings: reading a JSONL file and checking it against the corpus rules.
//!
//! The same reader and checks serve the shipped corpus (with the strict
//! [`CorpusRules::shipped`]) and any labelled file a user brings to `train`
//! or `eval` (with [`CorpusRules::any_file`]).

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::{Error, Lang, Result, Role};

/// One labelled posting, as stored in `corpus/postings.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelledPosting {
    /// Unique id.
    pub id: String,
    /// Language of the text (`fr` for French and franglais, `en`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
    /// The posting's title as published.
    pub title: String,
    /// The body, without the title.
    pub text: String,
    /// The role the duties describe.
    pub label: Role,
    /// Titled as a Product Manager while the duties are a backlog manager's.
    #[serde(default)]
    pub backlog_manager: bool,
}

/// A labelled file: its postings and the line each came from.
///
/// ```
/// use rolecheck::{Corpus, CorpusRules, Role};
///
/// let file = r#"{"id": "a-1", "title": "Product Owner", "text": "Vous gérez le backlog.", "label": "po"}
/// {"id": "a-2", "title": "Scrum Master", "text": "Vous animez les rituels.", "label": "other"}
/// {"id": "a-1", "title": "PM", "text": "Vous fixez la vision.", "label": "pm"}"#;
/// let corpus = Corpus::parse(file.as_bytes()).unwrap();
/// assert_eq!(corpus.postings[0].label, Role::Po);
/// // Duplicate ids are one of the problems a check names, with their lines.
/// let problems = corpus.problems(&CorpusRules::any_file());
/// assert!(problems.iter().any(|p| p.contains("a-1")), "{problems:?}");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// The postings, in file order.
    pub postings: Vec<LabelledPosting>,
    /// The 1-based line number of each posting.
    pub lines: Vec<usize>,
}

/// What a labelled file must satisfy beyond being well-formed.
#[derive(Debug, Clone)]
pub struct CorpusRules {
    /// Minimum number of postings per label.
    pub min_per_label: BTreeMap<Role, usize>,
    /// Minimum number of backlog managers.
    pub min_backlog_managers: usize,
    /// Minimum number of `pm` postings that mention the backlog, Jira or sprints.
    pub min_pm_mentioning_backlog: usize,
    /// Minimum share of postings per language.
    pub min_lang_share: Vec<(Lang, f64)>,
    /// Every posting must say its language.
    pub require_lang: bool,
    /// Bounds on the number of words of a text.
    pub words: (usize, usize),
    /// Two texts whose word 5-gram sets have at least this Jaccard similarity are near-duplicates.
    pub max_jaccard: f64,
    /// No paragraph of eight words or more may appear in two postings.
    pub no_shared_paragraphs: bool,
}

impl CorpusRules {
    /// The rules of rolecheck's own corpus.
    pub fn shipped() -> CorpusRules {
        let mut min_per_label: BTreeMap<Role, usize> = Role::ALL.iter().map(|&r| (r, 80)).collect();
        min_per_label.insert(Role::Other, 120);
        CorpusRules {
            min_per_label,
            min_backlog_managers: 50,
            min_pm_mentioning_backlog: 40,
            min_lang_share: vec![(Lang::Fr, 0.5), (Lang::En, 0.25)],
            require_lang: true,
            words: (80, 600),
            max_jaccard: 0.5,
            no_shared_paragraphs: true,
        }
    }

    /// The rules for any labelled file: well-formed, non-empty, no near-duplicates.
    pub fn any_file() -> CorpusRules {
        CorpusRules {
            min_per_label: BTreeMap::new(),
            min_backlog_managers: 0,
            min_pm_mentioning_backlog: 0,
            min_lang_share: Vec::new(),
            require_lang: false,
            words: (1, usize::MAX),
            max_jaccard: 0.5,
            no_shared_paragraphs: false,
        }
    }
}

/// Counts per label and language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorpusStats {
    /// Number of postings.
    pub postings: usize,
    /// Postings per label.
    pub per_label: BTreeMap<Role, usize>,
    /// Postings per label and language.
    pub per_label_lang: BTreeMap<(Role, Option<Lang>), usize>,
    /// Postings per language.
    pub per_lang: BTreeMap<Option<Lang>, usize>,
    /// Backlog managers.
    pub backlog_managers: usize,
    /// `pm` postings that mention the backlog, Jira or sprints.
    pub pm_mentioning_backlog: usize,
}

/// Words for the duplicate checks: lowercased alphanumeric runs.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn hash_of<T: Hash>(t: &T) -> u64 {
    // SipHash with fixed keys: the same shingles on every run and machine.
    let mut h = DefaultHasher::new();
    t.hash(&mut h);
    h.finish()
}

fn mentions_backlog(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["backlog", "jira", "sprint"]
        .iter()
        .any(|w| lower.contains(w))
}

impl Corpus {
    /// Reads JSONL bytes: one posting per line, blank lines skipped. The first
    /// bad line stops the reading with its line number and what is wrong.
    pub fn parse(data: &[u8]) -> Result<Corpus> {
        let mut corpus = Corpus::default();
        for (i, raw) in data.split(|&b| b == b'\n').enumerate() {
            let line = i + 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let raw = if line == 1 {
                raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
            } else {
                raw
            };
            let text = std::str::from_utf8(raw).map_err(|e| Error::Parse {
                line,
                reason: format!("not UTF-8 (invalid byte at column {})", e.valid_up_to() + 1),
            })?;
            if text.trim().is_empty() {
                continue;
            }
            let posting: LabelledPosting =
                serde_json::from_str(text).map_err(|e| Error::Parse {
                    line,
                    reason: json_reason(&e),
                })?;
            corpus.postings.push(posting);
            corpus.lines.push(line);
        }
        Ok(corpus)
    }

    /// Reads a labelled JSONL file.
    pub fn read(path: &std::path::Path) -> Result<Corpus> {
        let data = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Corpus::parse(&data)
    }

    /// Counts per label and language.
    pub fn stats(&self) -> CorpusStats {
        let mut s = CorpusStats {
            postings: self.postings.len(),
            ..CorpusStats::default()
        };
        for p in &self.postings {
            *s.per_label.entry(p.label).or_default() += 1;
            *s.per_label_lang.entry((p.label, p.lang)).or_default() += 1;
            *s.per_lang.entry(p.lang).or_default() += 1;
            s.backlog_managers += usize::from(p.backlog_manager);
            s.pm_mentioning_backlog +=
                usize::from(p.label == Role::Pm && mentions_backlog(&p.text));
        }
        s
    }

    /// Every way the file breaks `rules`, one message each, naming the line
    /// and id (and, for duplicates, the other posting).
    pub fn problems(&self, rules: &CorpusRules) -> Vec<String> {
        let mut problems = self.posting_problems(rules);
        let at = |i: usize| format!("line {} (id {})", self.lines[i], self.postings[i].id);
        problems.extend(
            self.near_duplicates(rules.max_jaccard)
                .into_iter()
                .map(|(i, j, sim)| {
                    format!(
                        "{}: near-duplicate of {} (Jaccard {sim:.2} of word 5-grams)",
                        at(j),
                        at(i)
                    )
                }),
        );
        if rules.no_shared_paragraphs {
            problems.extend(self.shared_paragraphs().into_iter().map(|(i, j, para)| {
                format!("{}: shares a paragraph with {}: \"{para}\"", at(j), at(i))
            }));
        }
        problems.extend(self.balance_problems(rules));
        problems
    }

    /// The problems of single postings: ids, labels, language, length.
    fn posting_problems(&self, rules: &CorpusRules) -> Vec<String> {
        let mut problems = Vec::new();
        let at = |i: usize| format!("line {} (id {})", self.lines[i], self.postings[i].id);
        let mut first_line_of_id: HashMap<&str, usize> = HashMap::new();
        for (i, p) in self.postings.iter().enumerate() {
            if p.id.trim().is_empty() {
                problems.push(format!("line {}: empty id", self.lines[i]));
            } else if let Some(&j) = first_line_of_id.get(p.id.as_str()) {
                problems.push(format!(
                    "{}: id already used on line {}",
                    at(i),
                    self.lines[j]
                ));
            } else {
                first_line_of_id.insert(&p.id, i);
            }
            if p.backlog_manager && p.label != Role::Po {
                problems.push(format!(
                    "{}: backlog_manager is true but the label is `{}`; a backlog manager's duties are a Product Owner's, label it `po`",
                    at(i),
                    p.label
                ));
            }
            if rules.require_lang && p.lang.is_none() {
                problems.push(format!("{}: missing `lang` (fr or en)", at(i)));
            }
            let n = p.text.split_whitespace().count();
            if n < rules.words.0 || n > rules.words.1 {
                problems.push(format!(
                    "{}: text has {n} words; expected {} to {}",
                    at(i),
                    rules.words.0,
                    rules.words.1
                ));
            }
        }
        problems
    }

    /// The problems of the file as a whole: postings per label, backlog
    /// managers, PMs mentioning the backlog, languages.
    fn balance_problems(&self, rules: &CorpusRules) -> Vec<String> {
        let mut problems = Vec::new();
        let stats = self.stats();
        for (&role, &min) in &rules.min_per_label {
            let n = stats.per_label.get(&role).copied().unwrap_or(0);
            if n < min {
                problems.push(format!(
                    "label `{role}` has {n} postings; at least {min} are needed"
                ));
            }
        }
        if stats.backlog_managers < rules.min_backlog_managers {
            problems.push(format!(
                "{} backlog managers; at least {} are needed",
                stats.backlog_managers, rules.min_backlog_managers
            ));
        }
        if stats.pm_mentioning_backlog < rules.min_pm_mentioning_backlog {
            problems.push(format!(
                "{} `pm` postings mention the backlog, Jira or sprints; at least {} are needed",
                stats.pm_mentioning_backlog, rules.min_pm_mentioning_backlog
            ));
        }
        for &(lang, share) in &rules.min_lang_share {
            let n = stats.per_lang.get(&Some(lang)).copied().unwrap_or(0);
            if (n as f64) < share * stats.postings as f64 {
                problems.push(format!(
                    "{n} of {} postings are in {lang}; at least {:.0}% are needed",
                    stats.postings,
                    share * 100.0
                ));
            }
        }
        problems
    }

    /// Checks the file against `rules`: `Ok` or every problem at once.
    pub fn check(&self, rules: &CorpusRules) -> Result<()> {
        let problems = self.problems(rules);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Corpus(problems))
        }
    }

    /// Pairs (i, j, similarity), i < j, whose texts' word 5-gram sets have a
    /// Jaccard similarity of at least `threshold`. An inverted index from
    /// shingle to postings means only pairs sharing a shingle are compared.
    pub fn near_duplicates(&self, threshold: f64) -> Vec<(usize, usize, f64)> {
        let shingles: Vec<Vec<u64>> = self
            .postings
            .iter()
            .map(|p| {
                let w = words(&p.text);
                let mut s: Vec<u64> = w.windows(5).map(|g| hash_of(&g)).collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect();
        let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, s) in shingles.iter().enumerate() {
            for &h in s {
                index.entry(h).or_default().push(i);
            }
        }
        let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
        for docs in index.values() {
            for (k, &i) in docs.iter().enumerate() {
                for &j in &docs[k + 1..] {
                    *shared.entry((i, j)).or_default() += 1;
                }
            }
        }
        let mut pairs: Vec<(usize, usize, f64)> = shared
            .into_iter()
            .map(|((i, j), n)| {
                let union = shingles[i].len() + shingles[j].len() - n;
                (i, j, n as f64 / union as f64)
            })
            .filter(|&(_, _, sim)| sim >= threshold)
            .collect();
        pairs.sort_by_key(|p| (p.0, p.1));
        pairs
    }

    /// Pairs (i, j, paragraph), i < j, of postings sharing a paragraph of eight words or more.
    fn shared_paragraphs(&self) -> Vec<(usize, usize, String)> {
        let mut first: HashMap<u64, usize> = HashMap::new();
        let mut found = Vec::new();
        for (j, p) in self.postings.iter().enumerate() {
            for para in p.text.split('\n') {
                let w = words(para);
                if w.len() < 8 {
                    continue;
                }
                match first.get(&hash_of(&w)) {
                    Some(&i) if i != j => {
                        found.push((i, j, para.trim().chars().take(60).collect()))
                    }
                    Some(_) => {}
                    None => {
                        first.insert(hash_of(&w), j);
                    }
                }
            }
        }
        found
    }
}

/// SHA-256 of a labelled file's bytes, as lowercase hex: how a model
/// records the corpus it was trained on.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// serde_json's message without its " at line 1 column N" tail, which counts
/// inside one JSONL line and would contradict the file line we report.
fn json_reason(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = match msg.rsplit_once(" at line ") {
        Some((head, _)) => head.to_string(),
        None => msg,
    };
    match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("not valid JSON: {msg} (column {})", e.column())
        }
        _ => msg,
    }
}

#[cfg(test)]
mod tests;
