//! Masking product-role names, so a posting is judged by its duties.
//!
//! "En tant que Product Manager, vous gérez le backlog" must read as backlog
//! work, not as a Product Manager because it says so. Role names in the body
//! ("product manager", "PO", "chef de produit", "head of product", "product
//! ops"…) are therefore dropped before they can become terms; seniority words
//! ("senior", "lead") and the domain ("data", "IA") stay, since they are not
//! the role's name.

use super::segment::{Segment, SegmentKind};

/// Words that complete a role name after `product` / `produit`.
const AFTER_PRODUCT: &[&str] = &[
    "manager",
    "managers",
    "owner",
    "owners",
    "ops",
    "operations",
    "lead",
    "leads",
    "director",
    "directors",
    "management",
];

/// Acronyms that name a product role on their own.
const ROLE_ACRONYMS: &[&str] = &[
    "pm", "pms", "po", "pos", "pmm", "pmms", "apm", "apms", "gpm", "spm", "ppo", "cpo", "cpos",
];

/// Is segment `k` a word equal (ASCII case-insensitively) to one of `options`?
fn word_is(text: &str, segs: &[Segment], k: usize, options: &[&str]) -> bool {
    segs.get(k).is_some_and(|s| {
        let w = &text.as_bytes()[s.start as usize..s.end as usize];
        s.kind == SegmentKind::Word && options.iter().any(|o| w.eq_ignore_ascii_case(o.as_bytes()))
    })
}

/// French heads of a role name followed by "(de/du) produit".
const CHEF_LIKE: &[&str] = &[
    "chef",
    "cheffe",
    "chefs",
    "responsable",
    "responsables",
    "directeur",
    "directrice",
];

/// The other words a role name can start with.
const STARTS: &[&str] = &["product", "produit", "head", "vp", "chief"];

/// Can a role name start with this word? Only then is [`role_name_len`]
/// worth calling; the vectorizer caches the answer per surface form, so the
/// masking costs nothing for the other words.
pub(crate) fn is_role_start(word: &str) -> bool {
    let w = word.as_bytes();
    w.len() <= 11
        && STARTS
            .iter()
            .chain(CHEF_LIKE)
            .chain(ROLE_ACRONYMS)
            .any(|o| w.eq_ignore_ascii_case(o.as_bytes()))
}

/// The most words a role name has: [`role_name_len`] looks no further
/// than this many segments from where it starts.
pub(crate) const ROLE_NAME_WORDS: usize = 3;

/// How many word segments from `i` on form a role name (0 if none).
pub(crate) fn role_name_len(text: &str, segs: &[Segment], i: usize) -> usize {
    let is = |k: usize, options: &[&str]| word_is(text, segs, k, options);
    let starts = segs[i].kind == SegmentKind::Word
        && is_role_start(&text[segs[i].start as usize..segs[i].end as usize]);
    if !starts {
        return 0;
    }
    const PRODUIT: &[&str] = &["produit", "produits"];
    if is(i, &["product", "produit"]) {
        if is(i + 1, &["ops", "operations"]) && is(i + 2, &["manager", "managers", "lead"]) {
            return 3;
        }
        if is(i + 1, AFTER_PRODUCT) {
            return 2;
        }
        if is(i + 1, &["marketing"]) && is(i + 2, &["manager", "managers", "lead", "director"]) {
            return 3;
        }
    } else if is(i, CHEF_LIKE) {
        // chef de produit, responsable produit, directrice du produit.
        if is(i + 1, PRODUIT) {
            return 2;
        }
        if is(i + 1, &["de", "du"]) && is(i + 2, PRODUIT) {
            return 3;
        }
    } else if is(i, &["head"]) && is(i + 1, &["of"]) && is(i + 2, &["product"]) {
        return 3;
    } else if is(i, &["vp"]) && is(i + 1, &["product"]) {
        return 2;
    } else if is(i, &["chief"]) && is(i + 1, &["product"]) && is(i + 2, &["officer"]) {
        return 3;
    } else if is(i, ROLE_ACRONYMS) {
        return 1;
    }
    0
}

/// The role names the body can mention, one feature each in the role
/// reading (see `role_name_id`). Plurals, case and the French or English
/// wording of the same name meet in one entry.
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

/// Which of [`ROLE_NAMES`] the `n` words from segment `i` name, `n` being
/// what [`role_name_len`] found there.
pub(crate) fn role_name_id(text: &str, segs: &[Segment], i: usize, n: usize) -> usize {
    let is = |k: usize, options: &[&str]| word_is(text, segs, k, options);
    let id = |name: &str| {
        ROLE_NAMES
            .iter()
            .position(|r| *r == name)
            .expect("every name role_name_id returns is in ROLE_NAMES")
    };
    if n == 1 {
        // "CPO" reads as the chief product officer; plurals as their singular.
        for (k, acronym) in ROLE_NAMES.iter().enumerate().skip(id("pm")) {
            if is(i, &[acronym]) || is(i, &[&format!("{acronym}s")]) {
                return k;
            }
        }
        return id("chief product officer");
    }
    if is(i, &["product", "produit"]) {
        if is(i + 1, &["ops", "operations"]) {
            return id("product ops");
        }
        if is(i + 1, &["marketing"]) {
            return id("product marketing manager");
        }
        return id(match () {
            _ if is(i + 1, &["owner", "owners"]) => "product owner",
            _ if is(i + 1, &["lead", "leads"]) => "product lead",
            _ if is(i + 1, &["director", "directors"]) => "product director",
            _ if is(i + 1, &["management"]) => "product management",
            _ => "product manager",
        });
    }
    if is(i, &["chef", "cheffe", "chefs"]) {
        return id("chef de produit");
    }
    if is(i, &["responsable", "responsables"]) {
        return id("responsable produit");
    }
    if is(i, &["directeur", "directrice"]) {
        return id("directeur produit");
    }
    if is(i, &["head"]) {
        return id("head of product");
    }
    if is(i, &["vp"]) {
        return id("vp product");
    }
    id("chief product officer")
}
