//! The one table of product-role names: every wording rolecheck knows of a
//! Product Manager, Product Owner, Product Marketing Manager or Product Ops,
//! in French and English, with their acronyms.
//!
//! Two readers take their words from it, each through the table compiled
//! into a trie of spellings ([`IN_BODY`], [`IN_TITLE`]). The analyzer masks
//! the names a posting's body mentions, so that only duties count, and
//! counts each as one of [`ROLE_NAMES`] (see [`super::mask`]); the title
//! parser says which role a posting's title claims (see [`crate::title`]). An AI or Data
//! Product Manager is a Product Manager's name with a domain word around it
//! ([`AI_WORDS`], [`DATA_WORDS`]): the masking keeps those words, the title
//! parser reads them.
//!
//! Spellings are lowercase words as people write them. The body compares
//! them to its words as written, ASCII-case-insensitively (so `propriétaire`
//! is met in lowercase or capitalised, and `chargé` is not the noun
//! `charge`); the title parser folds both the spellings and the title's
//! words with [`fold_words`] (accents removed, so `opérations` meets
//! `operations` there).

use std::sync::LazyLock;

use super::normalize::fold_words;
use crate::Role;

/// The role names the body can mention, one feature each in the role
/// reading: the masking counts every name it drops as one of them. Plurals,
/// case and the French or English wording of the same name meet in one
/// entry. A model's role reading has one feature per entry, in this order.
pub const ROLE_NAMES: [&str; 20] = [
    "product manager",
    "product owner",
    "product ops",
    "product lead",
    "product director",
    "product management",
    "product marketing manager",
    "chef de produit",
    "responsable produit",
    "directeur produit",
    "head of product",
    "vp product",
    "chief product officer",
    "pm",
    "po",
    "pmm",
    "apm",
    "gpm",
    "spm",
    "ppo",
];

/// Where a wording names a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// In a body, masked there and counted as this entry of [`ROLE_NAMES`],
    /// and in a title.
    Anywhere(usize),
    /// Only in a body: the plural of an acronym ("the PMs", "les POs"). A
    /// title names one job, and there an acronym ending in `s` is another
    /// word ("POS", point of sale), which case folding cannot tell apart.
    BodyOnly(usize),
    /// Only in a title: in a body the same words name the work itself
    /// ("product marketing", "opérations produit"), or hold the domain that
    /// the masking keeps ("head of data product").
    TitleOnly,
}

/// One wording of a product-role name.
#[derive(Debug)]
pub(crate) struct RoleName {
    /// Its words, each given as the set of its spellings.
    pub(crate) words: &'static [&'static [&'static str]],
    /// The role a title naming it claims, before any domain word.
    pub(crate) role: Role,
    /// Where it names that role.
    pub(crate) reading: Reading,
}

impl RoleName {
    /// The entry of [`ROLE_NAMES`] it counts as in a body, or `None` when
    /// the body does not mask it.
    pub(crate) fn body_feature(&self) -> Option<usize> {
        match self.reading {
            Reading::Anywhere(f) | Reading::BodyOnly(f) => Some(f),
            Reading::TitleOnly => None,
        }
    }

    /// Whether a title naming it claims its role.
    pub(crate) fn in_title(&self) -> bool {
        !matches!(self.reading, Reading::BodyOnly(_))
    }
}

const PRODUCT: &[&str] = &["product", "produit"];
const PRODUIT: &[&str] = &["produit", "produits"];
const DE_DU: &[&str] = &["de", "du"];
const MANAGER: &[&str] = &["manager", "managers"];
const OWNER: &[&str] = &["owner", "owners"];
const OPS: &[&str] = &["ops", "operations", "operation"];
const CHEF: &[&str] = &["chef", "cheffe", "chefs"];
const RESPONSABLE: &[&str] = &["responsable", "responsables"];
const DIRECTEUR: &[&str] = &["directeur", "directrice"];
/// Québec's and the Office québécois de la langue française's word for a
/// Product Manager.
const GESTIONNAIRE: &[&str] = &["gestionnaire", "gestionnaires"];
/// Québec's word for a Product Owner.
const PROPRIETAIRE: &[&str] = &["propriétaire", "propriétaires"];
/// A junior chef de produit's title in France. Only with its accent: a
/// body's "prise en charge de produits" names no one.
const CHARGE: &[&str] = &["chargé", "chargée", "chargés", "chargées"];

/// Which entry of [`ROLE_NAMES`] `name` is; a name missing from it fails
/// the build.
const fn feature(name: &str) -> usize {
    let mut k = 0;
    while k < ROLE_NAMES.len() {
        let (a, b) = (ROLE_NAMES[k].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut i = 0;
            while i < a.len() && a[i] == b[i] {
                i += 1;
            }
            if i == a.len() {
                return k;
            }
        }
        k += 1;
    }
    panic!("a role name counts as one of ROLE_NAMES");
}

/// A wording read in a body and in a title, counted in a body as `name`.
const fn anywhere(words: &'static [&'static [&'static str]], role: Role, name: &str) -> RoleName {
    RoleName {
        words,
        role,
        reading: Reading::Anywhere(feature(name)),
    }
}

/// A plural acronym, read only in a body and counted there as `name`.
const fn body_only(words: &'static [&'static [&'static str]], role: Role, name: &str) -> RoleName {
    RoleName {
        words,
        role,
        reading: Reading::BodyOnly(feature(name)),
    }
}

/// A wording read only in a title.
const fn title_only(words: &'static [&'static [&'static str]], role: Role) -> RoleName {
    RoleName {
        words,
        role,
        reading: Reading::TitleOnly,
    }
}

/// Every wording of a product-role name. Where several start at the same
/// word of a body, the longest is the name ("product ops manager", not
/// "product ops").
#[rustfmt::skip]
pub(crate) static NAMES: &[RoleName] = &[
    // Product Manager.
    anywhere(&[PRODUCT, MANAGER], Role::Pm, "product manager"),
    // "Manager produit", "owner produit": the French word order.
    anywhere(&[MANAGER, &["produit"]], Role::Pm, "product manager"),
    anywhere(&[PRODUCT, &["lead", "leads"]], Role::Pm, "product lead"),
    anywhere(&[PRODUCT, &["director", "directors"]], Role::Pm, "product director"),
    anywhere(&[&["director"], &["of"], &["product"]], Role::Pm, "product director"),
    anywhere(&[PRODUCT, &["management"]], Role::Pm, "product management"),
    anywhere(&[CHEF, PRODUIT], Role::Pm, "chef de produit"),
    anywhere(&[CHEF, DE_DU, PRODUIT], Role::Pm, "chef de produit"),
    anywhere(&[RESPONSABLE, PRODUIT], Role::Pm, "responsable produit"),
    anywhere(&[RESPONSABLE, DE_DU, PRODUIT], Role::Pm, "responsable produit"),
    anywhere(&[GESTIONNAIRE, DE_DU, PRODUIT], Role::Pm, "product manager"),
    anywhere(&[CHARGE, DE_DU, PRODUIT], Role::Pm, "chef de produit"),
    anywhere(&[DIRECTEUR, PRODUIT], Role::Pm, "directeur produit"),
    anywhere(&[DIRECTEUR, DE_DU, PRODUIT], Role::Pm, "directeur produit"),
    anywhere(&[&["head"], &["of"], &["product"]], Role::Pm, "head of product"),
    title_only(&[&["head"], &["of"], &["data"], &["product"]], Role::Pm),
    anywhere(&[&["vp"], &["product"]], Role::Pm, "vp product"),
    anywhere(&[&["vp"], &["of"], &["product"]], Role::Pm, "vp product"),
    anywhere(&[&["chief"], &["product"], &["officer"]], Role::Pm, "chief product officer"),
    anywhere(&[&["cpo"]], Role::Pm, "chief product officer"),
    body_only(&[&["cpos"]], Role::Pm, "chief product officer"),
    anywhere(&[&["pm"]], Role::Pm, "pm"),
    body_only(&[&["pms"]], Role::Pm, "pm"),
    anywhere(&[&["apm"]], Role::Pm, "apm"),
    body_only(&[&["apms"]], Role::Pm, "apm"),
    anywhere(&[&["gpm"]], Role::Pm, "gpm"),
    anywhere(&[&["spm"]], Role::Pm, "spm"),
    // Product Owner.
    anywhere(&[PRODUCT, OWNER], Role::Po, "product owner"),
    anywhere(&[OWNER, &["produit"]], Role::Po, "product owner"),
    anywhere(&[PROPRIETAIRE, DE_DU, PRODUIT], Role::Po, "product owner"),
    anywhere(&[&["po"]], Role::Po, "po"),
    body_only(&[&["pos"]], Role::Po, "po"),
    anywhere(&[&["ppo"]], Role::Po, "ppo"),
    // Product Marketing Manager.
    anywhere(&[PRODUCT, &["marketing"], &["manager", "managers", "lead", "director"]], Role::Pmm, "product marketing manager"),
    title_only(&[PRODUCT, &["marketing"]], Role::Pmm),
    title_only(&[&["marketing"], &["produit", "product"]], Role::Pmm),
    anywhere(&[&["pmm"]], Role::Pmm, "pmm"),
    body_only(&[&["pmms"]], Role::Pmm, "pmm"),
    // Product Ops.
    anywhere(&[PRODUCT, OPS], Role::ProductOps, "product ops"),
    anywhere(&[PRODUCT, OPS, &["manager", "managers", "lead"]], Role::ProductOps, "product ops"),
    anywhere(&[&["prodops"]], Role::ProductOps, "product ops"),
    // "Chargé·e des opérations produit"; in a body, the team's work.
    title_only(&[OPS, &["produit"]], Role::ProductOps),
];

/// Words that make a Product Manager's title an AI Product Manager's.
pub(crate) const AI_WORDS: &[&str] = &[
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

/// Words that make a Product Manager's title a Data Product Manager's.
pub(crate) const DATA_WORDS: &[&str] = &["data", "donnees", "analytics"];

/// Whether a body masks `name`.
const fn in_body(name: &RoleName) -> bool {
    !matches!(name.reading, Reading::TitleOnly)
}

/// The most words a role name masked in a body has: the masking looks no
/// further than this many segments from where a name may start.
pub(crate) const ROLE_NAME_WORDS: usize = {
    let (mut most, mut k) = (0, 0);
    while k < NAMES.len() {
        if in_body(&NAMES[k]) && NAMES[k].words.len() > most {
            most = NAMES[k].words.len();
        }
        k += 1;
    }
    most
};

/// The names one reader knows, compiled into a trie of their spellings: a
/// name is found word by word, each word compared only with the words that
/// can follow the ones before it.
#[derive(Debug)]
pub(crate) struct Names {
    /// The root (before any word) first.
    nodes: Vec<Node>,
}

#[derive(Debug, Default)]
struct Node {
    /// The words that can come next, and their nodes, sorted by length.
    next: Vec<(Box<str>, usize)>,
    /// The name the words up to here spell, if they spell one.
    name: Option<&'static RoleName>,
}

/// The names a body masks.
pub(crate) static IN_BODY: LazyLock<Names> = LazyLock::new(|| Names::new(in_body, false));

/// The names a title claims a role with.
pub(crate) static IN_TITLE: LazyLock<Names> =
    LazyLock::new(|| Names::new(RoleName::in_title, true));

impl Names {
    /// The names of the table that `read` keeps, their spellings folded
    /// as the title parser folds a title's words when `fold` is set.
    fn new(read: impl Fn(&RoleName) -> bool, fold: bool) -> Names {
        let mut names = Names {
            nodes: vec![Node::default()],
        };
        for name in NAMES.iter().filter(|n| read(n)) {
            names.insert(0, name.words, name, fold);
        }
        for node in &mut names.nodes {
            node.next
                .sort_unstable_by(|(a, _), (b, _)| (a.len(), a).cmp(&(b.len(), b)));
        }
        names
    }

    /// Adds every spelling of `words` after `node`, ending in `name`.
    fn insert(
        &mut self,
        node: usize,
        words: &[&'static [&'static str]],
        name: &'static RoleName,
        fold: bool,
    ) {
        let Some((spellings, rest)) = words.split_first() else {
            self.nodes[node].name.get_or_insert(name);
            return;
        };
        for &spelling in *spellings {
            let spelling: Box<str> = if fold {
                fold_words(spelling).trim().into()
            } else {
                spelling.into()
            };
            let known = self.nodes[node].next.iter().find(|(s, _)| *s == spelling);
            let child = known.map(|&(_, child)| child).unwrap_or_else(|| {
                self.nodes.push(Node::default());
                let child = self.nodes.len() - 1;
                self.nodes[node].next.push((spelling, child));
                child
            });
            self.insert(child, rest, name, fold);
        }
    }

    /// The node after `node` when the next word is `word` (ASCII case-insensitively).
    #[inline]
    fn next(&self, node: usize, word: &[u8]) -> Option<usize> {
        let next = &self.nodes[node].next;
        // Sorted by length: only the words as long as `word` are compared.
        let from = next.partition_point(|(s, _)| s.len() < word.len());
        next[from..]
            .iter()
            .take_while(|(s, _)| s.len() == word.len())
            .find(|(s, _)| word.eq_ignore_ascii_case(s.as_bytes()))
            .map(|&(_, child)| child)
    }

    /// Whether some name starts with `word`.
    pub(crate) fn is_first_word(&self, word: &[u8]) -> bool {
        self.next(0, word).is_some()
    }

    /// Calls `found(n, name)` for each name that the `n` words from the
    /// first on spell, shortest first; `word(k)` is the `k`-th word, `None`
    /// past the last one or where no word stands.
    #[inline]
    pub(crate) fn find<'w>(
        &self,
        word: impl Fn(usize) -> Option<&'w [u8]>,
        mut found: impl FnMut(usize, &'static RoleName),
    ) {
        let mut node = 0;
        for k in 0.. {
            match word(k).and_then(|w| self.next(node, w)) {
                Some(child) => node = child,
                None => return,
            }
            if let Some(name) = self.nodes[node].name {
                found(k + 1, name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::title::claimed_role;
    use crate::vectorize::Scratch;

    /// Every way of writing `name`, one spelling per word.
    fn wordings(name: &RoleName) -> Vec<String> {
        name.words
            .iter()
            .fold(vec![String::new()], |done, spellings| {
                done.iter()
                    .flat_map(|d| spellings.iter().map(move |s| format!("{d} {s}")))
                    .collect()
            })
    }

    /// The role names the body masks in `text`: their entries in
    /// [`ROLE_NAMES`] and their words as written.
    fn masked_in_body(text: &str) -> Vec<(&'static str, &str)> {
        let tfidf = crate::TfIdfParams::default()
            .min_df(1)
            .fit(&["backlog recette"])
            .unwrap();
        let mut found = Vec::new();
        tfidf.transform_with_role_names(
            &mut Scratch::new(),
            text,
            |_| {},
            |id, span| found.push((ROLE_NAMES[id], &text[span])),
        );
        found
    }

    #[test]
    fn spellings_are_lowercase_words() {
        for name in NAMES {
            for spelling in name.words.iter().copied().flatten() {
                assert!(
                    !spelling.is_empty()
                        && spelling
                            .chars()
                            .all(|c| c.is_lowercase() || c.is_ascii_digit())
                        && fold_words(spelling).split_whitespace().count() == 1,
                    "{spelling:?}"
                );
            }
        }
    }

    #[test]
    fn a_body_s_noun_that_folds_to_a_role_word_is_not_a_role_name() {
        let text = "Le support assure la prise en charge de produits défectueux.";
        assert_eq!(masked_in_body(text), []);
        assert_eq!(claimed_role("Chargée de produit voyages"), Some(Role::Pm));
    }

    #[test]
    fn no_two_entries_spell_the_same_words() {
        let mut all: Vec<String> = NAMES.iter().flat_map(wordings).collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "a wording twice in the table");
    }

    #[test]
    fn body_and_title_read_every_wording_alike() {
        for name in NAMES {
            for wording in wordings(name) {
                let wording = wording.trim();
                let claim = claimed_role(wording);
                let claimed = claim
                    .is_some_and(|r| r == name.role || (name.role == Role::Pm && r.is_pm_family()));
                // Uppercase only where no accent is: a body's words are
                // compared as written, ASCII-case-insensitively.
                let upper = wording.is_ascii().then(|| wording.to_uppercase());
                for written in std::iter::once(wording.to_string()).chain(upper) {
                    let text = format!("Vous rejoignez {written} pour Paris.");
                    let masked = masked_in_body(&text);
                    match name.reading {
                        Reading::Anywhere(f) | Reading::BodyOnly(f) => {
                            assert_eq!(masked, [(ROLE_NAMES[f], written.as_str())])
                        }
                        Reading::TitleOnly => assert_eq!(masked, [], "{text}"),
                    }
                }
                assert_eq!(claimed, name.in_title(), "{wording:?} claims {claim:?}");
            }
        }
    }

    #[test]
    fn every_role_name_is_masked_as_itself() {
        for name in ROLE_NAMES {
            assert_eq!(masked_in_body(&format!("le {name} décide")), [(name, name)]);
        }
    }
}
