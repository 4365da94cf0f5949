//! What a posting's title claims: the role its name promises, whatever the duties say.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use crate::Role;

/// The title lowercased, accents folded, every run of non-alphanumerics a
/// single space, padded with spaces so whole words match as `" word "`.
fn normalize(title: &str) -> String {
    let mut out = String::from(" ");
    let mut space = true;
    for c in title.chars().flat_map(char::to_lowercase) {
        let mut push = |d: char| {
            if d.is_alphanumeric() {
                out.push(d);
                space = false;
            } else if !space {
                out.push(' ');
                space = true;
            }
        };
        match c {
            'œ' => "oe".chars().for_each(&mut push),
            'æ' => "ae".chars().for_each(&mut push),
            c if c.is_ascii() => push(c),
            c => decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    push(d)
                }
            }),
        }
    }
    if !space {
        out.push(' ');
    }
    out
}

/// Inclusive-writing endings left as words by the split ("directeur·rice",
/// "chargé.e"): they carry no role.
const ENDINGS: [&str; 7] = ["rice", "trice", "euse", "se", "e", "fe", "ne"];

/// A normalized title and where each of its words starts, so that a phrase
/// is compared only where a word begins.
struct Title {
    /// Words separated and surrounded by single spaces.
    text: String,
    starts: Vec<usize>,
}

impl Title {
    fn new(title: &str) -> Title {
        let mut text = normalize(title);
        if text.split(' ').any(|w| ENDINGS.contains(&w)) {
            text = text
                .split(' ')
                .filter(|w| !ENDINGS.contains(w))
                .collect::<Vec<_>>()
                .join(" ");
        }
        Title::from_normalized(text)
    }

    fn from_normalized(text: String) -> Title {
        let starts = text
            .bytes()
            .enumerate()
            .filter(|&(i, b)| b == b' ' && i + 1 < text.len())
            .map(|(i, _)| i + 1)
            .collect();
        Title { text, starts }
    }

    /// Whether one of `phrases` (none empty) stands in the title as whole
    /// words: the same as `text.contains(" {phrase} ")`.
    fn has(&self, phrases: &[&str]) -> bool {
        let bytes = self.text.as_bytes();
        phrases.iter().any(|p| {
            self.starts.iter().any(|&s| {
                // The first byte alone turns most candidates away.
                bytes[s] == p.as_bytes()[0]
                    && bytes[s..].starts_with(p.as_bytes())
                    && bytes.get(s + p.len()) == Some(&b' ')
            })
        })
    }
}

/// Names of a Product Marketing Manager.
const PMM_NAMES: &[&str] = &[
    "product marketing",
    "pmm",
    "marketing produit",
    "produit marketing",
    "marketing product",
];

/// Names of Product Ops.
const OPS_NAMES: &[&str] = &[
    "product ops",
    "product operations",
    "prodops",
    "product operation",
    "ops produit",
    "operations produit",
];

/// Names of a Product Owner.
const PO_NAMES: &[&str] = &[
    "product owner",
    "po",
    "ppo",
    "proxy po",
    "product owners",
    "owner produit",
];

/// Names of a Product Manager (with a domain word, an AI or Data PM).
const PM_NAMES: &[&str] = &[
    "product manager",
    "product managers",
    "pm",
    "apm",
    "gpm",
    "spm",
    "product management",
    "head of product",
    "head of data product",
    "data product lead",
    "vp product",
    "vp of product",
    "chief product officer",
    "cpo",
    "product lead",
    "lead product",
    "product director",
    "director of product",
    "chef de produit",
    "cheffe de produit",
    "chef produit",
    "responsable produit",
    "responsable de produit",
    "responsable du produit",
    "directeur produit",
    "directrice produit",
    "directeur du produit",
    "manager produit",
];

/// Words that make a PM title an AI PM's.
const AI_WORDS: &[&str] = &[
    "ai",
    "ia",
    "ml",
    "machine learning",
    "genai",
    "llm",
    "intelligence artificielle",
    "artificial intelligence",
    "gen ai",
];

/// Words that make a PM title a Data PM's.
const DATA_WORDS: &[&str] = &["data", "donnees", "analytics"];

/// Titles of the near-miss jobs, which claim no product role.
const NEAR_MISS: &[&str] = &[
    "scrum master",
    "agile coach",
    "coach agile",
    "chef de projet",
    "cheffe de projet",
    "project manager",
    "program manager",
    "programme manager",
    "business analyst",
    "data scientist",
    "data analyst",
    "data engineer",
    "analytics engineer",
    "ml engineer",
    "machine learning engineer",
    "mlops",
    "developer",
    "developpeur",
    "developpeuse",
    "engineer",
    "ingenieur",
    "ingenieure",
    "designer",
    "ux",
    "ui",
    "researcher",
    "marketing manager",
    "growth",
    "sales",
    "account executive",
    "account manager",
    "customer success",
    "consultant",
    "consultante",
    "pmo",
    "rte",
    "release train engineer",
    "tech lead",
    "engineering manager",
    "cto",
    "analyst",
    "category manager",
    "brand manager",
    "commercial",
    "commerciale",
    "support",
    "qa",
    "test manager",
    "technical writer",
    "product analyst",
    "product designer",
    "amoa",
    "moa",
];

/// The role a title claims, or `None` when it names no role we know.
///
/// Product roles are recognised in English and French, with seniority, scope
/// and gender markers around them ("Sr. PM – Paiements", "Chef de produit
/// digital H/F"). A title naming both a Product Owner and a Product Manager
/// ("Product Owner / Product Manager") claims `po`: it does not promise a
/// Product Manager's job alone, so backlog duties are no mismatch. Titles of
/// the near-miss jobs (Scrum Master, chef de projet, data scientist…) claim
/// [`Role::Other`].
pub fn claimed_role(title: &str) -> Option<Role> {
    let t = Title::new(title);
    if t.has(PMM_NAMES) {
        Some(Role::Pmm)
    } else if t.has(OPS_NAMES) {
        Some(Role::ProductOps)
    } else if t.has(PO_NAMES) {
        Some(Role::Po)
    } else if t.has(PM_NAMES) {
        Some(if t.has(AI_WORDS) {
            Role::AiPm
        } else if t.has(DATA_WORDS) {
            Role::DataPm
        } else {
            Role::Pm
        })
    } else {
        t.has(NEAR_MISS).then_some(Role::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;

    #[test]
    fn whole_words_are_found_as_a_padded_search_finds_them() {
        let words = ["po", "product manager", "pm", "chef de produit", "aa", "é"];
        for t in [
            " po ",
            " proxy po ",
            " product managers ",
            " senior product manager paris ",
            " pmo ",
            " apm ",
            " chef de chef de produit ",
            " aaa aa ",
            " a é ",
            " ",
        ] {
            for w in words {
                assert_eq!(
                    Title::from_normalized(t.to_string()).has(&[w]),
                    t.contains(&format!(" {w} ")),
                    "{w:?} in {t:?}"
                );
            }
        }
    }

    #[test]
    fn inclusive_endings_leave_no_word_behind() {
        for (title, expected) in [
            ("Directeur·rice produit", " directeur produit "),
            ("Chargé.e de projet (H/F)", " charge de projet h f "),
            ("Responsable e-commerce", " responsable commerce "),
            ("Product Owner", " product owner "),
            ("", " "),
        ] {
            assert_eq!(Title::new(title).text, expected, "{title:?}");
        }
    }

    #[test]
    fn real_titles() {
        let table: &[(&str, Option<Role>)] = &[
            ("Product Manager (H/F)", Some(Pm)),
            ("Product Manager H/F", Some(Pm)),
            ("Product Manager F/H - CDI", Some(Pm)),
            ("Sr. PM – Paiements", Some(Pm)),
            ("Senior Product Manager", Some(Pm)),
            ("Lead Product Manager", Some(Pm)),
            ("Principal Product Manager, Growth", Some(Pm)),
            ("Head of Product", Some(Pm)),
            ("VP Product", Some(Pm)),
            ("Chief Product Officer (CPO)", Some(Pm)),
            ("Group Product Manager – Hotels", Some(Pm)),
            ("Associate Product Manager (APM)", Some(Pm)),
            ("Product Lead – Mobile", Some(Pm)),
            ("Chef de produit digital", Some(Pm)),
            ("Chef de Produit Digital (H/F)", Some(Pm)),
            ("Cheffe de produit web", Some(Pm)),
            ("Chef de produit", Some(Pm)),
            ("Responsable produit", Some(Pm)),
            ("Responsable Produit B2B (F/H)", Some(Pm)),
            ("Directrice Produit", Some(Pm)),
            ("Directeur·rice produit", Some(Pm)),
            ("PM confirmé·e – Assurance", Some(Pm)),
            ("Product Manager Senior - Santé Collective (H/F)", Some(Pm)),
            ("Stage - Product Manager (6 mois)", Some(Pm)),
            ("Alternance Product Management", Some(Pm)),
            ("Product Manager IA", Some(AiPm)),
            (
                "Product Manager IA – Lutte contre la fraude (F/H)",
                Some(AiPm),
            ),
            ("AI Product Manager", Some(AiPm)),
            ("Senior AI Product Manager - LLM Platform", Some(AiPm)),
            (
                "Product Manager ML – Bidding & Optimisation (H/F)",
                Some(AiPm),
            ),
            ("Product Manager Machine Learning", Some(AiPm)),
            ("Chef de produit Intelligence Artificielle", Some(AiPm)),
            ("GenAI Product Lead", Some(AiPm)),
            ("Data Product Manager", Some(DataPm)),
            ("Product Manager Data", Some(DataPm)),
            ("Data Product Manager (H/F/X)", Some(DataPm)),
            ("Product Manager, Data Platform", Some(DataPm)),
            (
                "Senior Data Product Manager – Manufacturing Data Platform",
                Some(DataPm),
            ),
            ("Chef de produit données", Some(DataPm)),
            ("Product Manager Analytics", Some(DataPm)),
            ("Head of Data Product (H/F)", Some(DataPm)),
            ("Product Owner", Some(Po)),
            ("Product Owner (F/H) – Application mobile", Some(Po)),
            ("Senior Product Owner - Paiement", Some(Po)),
            ("PO", Some(Po)),
            ("PO confirmé H/F", Some(Po)),
            ("Product Owner / Product Manager", Some(Po)),
            ("PO/PM Data", Some(Po)),
            ("Proxy PO", Some(Po)),
            ("Data Product Owner", Some(Po)),
            ("PMM", Some(Pmm)),
            ("Product Marketing Manager", Some(Pmm)),
            ("Product Marketing Manager – EMEA", Some(Pmm)),
            ("Senior PMM, Platform", Some(Pmm)),
            ("Responsable Marketing Produit", Some(Pmm)),
            ("Chargé·e de marketing produit", Some(Pmm)),
            ("Product Marketing Lead – Insurance Platform", Some(Pmm)),
            ("Product Ops", Some(ProductOps)),
            ("Product Operations Manager", Some(ProductOps)),
            (
                "Senior Product Operations Manager – Insights",
                Some(ProductOps),
            ),
            ("Product Ops Lead (H/F)", Some(ProductOps)),
            ("Scrum Master", Some(Other)),
            ("Scrum Master H/F", Some(Other)),
            ("Chef de projet digital", Some(Other)),
            ("Chef de projet digital (H/F)", Some(Other)),
            ("Cheffe de projet MOA", Some(Other)),
            ("IT Project Manager", Some(Other)),
            ("Business Analyst", Some(Other)),
            ("Data Scientist", Some(Other)),
            ("Senior Product Designer", Some(Other)),
            ("Développeur·se Full-Stack", Some(Other)),
            ("Growth Marketing Manager", Some(Other)),
            ("Customer Success Manager", Some(Other)),
            ("Coach Agile", Some(Other)),
            ("Product Analyst", Some(Other)),
            ("Engineering Manager (EM)", Some(Other)),
            ("Office Manager", None),
            ("Stage", None),
            ("", None),
        ];
        assert!(table.len() >= 60);
        let wrong: Vec<String> = table
            .iter()
            .filter(|(t, r)| claimed_role(t) != *r)
            .map(|(t, r)| format!("{t:?}: expected {r:?}, got {:?}", claimed_role(t)))
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn case_and_accents_do_not_matter() {
        for t in [
            "CHEF DE PRODUIT DIGITAL",
            "chef de produit digital",
            "Chef De Produit Digital",
        ] {
            assert_eq!(claimed_role(t), Some(Pm), "{t}");
        }
        assert_eq!(
            claimed_role("DIRECTRICE PRODUIT"),
            claimed_role("directrice produit")
        );
        assert_eq!(
            claimed_role("Chef de produit données"),
            claimed_role("Chef de produit donnees")
        );
    }
}
