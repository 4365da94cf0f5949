//! What a posting's title claims: the role its name promises, whatever the duties say.
//!
//! The product-role names are the table whose names the analyzer masks in a
//! posting's body (`text::names`), and the title is folded by the analyzer's
//! own lowercasing and accent folding (`text::normalize::fold_words`), so a
//! name reads the same in a title and in a body.

use crate::text::names::{AI_WORDS, DATA_WORDS, IN_TITLE};
use crate::text::normalize::fold_words;
use crate::Role;

/// A folded title and where each of its words starts, so that a phrase
/// is compared only where a word begins.
struct Title {
    /// Words separated and surrounded by single spaces.
    text: String,
    starts: Vec<usize>,
}

impl Title {
    fn new(title: &str) -> Title {
        Title::from_normalized(fold_words(title))
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

    /// Its `j`-th word.
    fn word(&self, j: usize) -> Option<&str> {
        let start = *self.starts.get(j)?;
        let end = self.starts.get(j + 1).map_or(self.text.len(), |&next| next) - 1;
        Some(&self.text[start..end])
    }
}

/// Titles of the near-miss jobs: they claim [`Role::Other`] when they name
/// no product role.
const OTHER_JOBS: &[&str] = &[
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
/// digital H/F"). A title naming several roles claims the first of Product
/// Marketing Manager, Product Ops, Product Owner and Product Manager: a
/// title naming both a Product Owner and a Product Manager ("Product Owner /
/// Product Manager") does not promise a Product Manager's job alone, so
/// backlog duties are no mismatch. A Product Manager's title with an AI or
/// data word claims [`Role::AiPm`] or [`Role::DataPm`]. Titles of the
/// near-miss jobs (Scrum Master, chef de projet, data scientist…) claim
/// [`Role::Other`].
pub fn claimed_role(title: &str) -> Option<Role> {
    let t = Title::new(title);
    let mut named = [false; Role::ALL.len()];
    for j in 0..t.starts.len() {
        IN_TITLE.find(
            |k| t.word(j + k).map(str::as_bytes),
            |_, name| named[name.role.index()] = true,
        );
    }
    let first = [Role::Pmm, Role::ProductOps, Role::Po, Role::Pm]
        .into_iter()
        .find(|r| named[r.index()]);
    match first {
        Some(Role::Pm) if t.has(AI_WORDS) => Some(Role::AiPm),
        Some(Role::Pm) if t.has(DATA_WORDS) => Some(Role::DataPm),
        Some(role) => Some(role),
        None => t.has(OTHER_JOBS).then_some(Role::Other),
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
    fn every_inclusive_ending_the_segmenter_knows_is_dropped() {
        use crate::text::normalize::GENDER_SUFFIXES;
        for ending in GENDER_SUFFIXES {
            for (title, expected) in [
                (format!("Chef·{ending} de produit"), Pm),
                (format!("Chef({ending}) de produit digital"), Pm),
                (format!("Directeur.{ending} produit"), Pm),
                (format!("Responsable produit confirmé·{ending}"), Pm),
                (format!("Responsable·{ending} Produit IA"), AiPm),
                (format!("Chef/{ending} de produit données"), DataPm),
                (format!("Chargé·{ending} de marketing produit"), Pmm),
                (
                    format!("Chargé·{ending} des opérations produit"),
                    ProductOps,
                ),
                (format!("Product Owner confirmé·{ending}"), Po),
                (format!("Chef·{ending} de projet"), Other),
            ] {
                assert_eq!(claimed_role(&title), Some(expected), "{title:?}");
            }
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
            ("Lead Product Designer", Some(Other)),
            ("Lead, Product Practice", None),
            ("Director of Product, Payments", Some(Pm)),
            ("Chargée des Opérations Produit", Some(ProductOps)),
            ("Chef de produits", Some(Pm)),
            ("Product Manager lʼIA générative", Some(AiPm)),
            ("Chef de projet POS", Some(Other)),
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
