//! From a word's surface form to its term: case, Unicode, ligatures,
//! acronyms, stop words, stemming, accent folding.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

use super::segment::DropReason;
/// The inclusive-writing endings [`fold_words`] drops: the segmenter's.
pub(crate) use super::segment::GENDER_SUFFIXES;
use super::stopwords::{ACRONYMS, ALIASES, EN_STOP_WORDS, FR_STOP_WORDS, LOANWORDS};
use super::Lang;

/// The per-language stemmers, built once.
pub(crate) struct Stemmers {
    fr: Stemmer,
    en: Stemmer,
}

impl Stemmers {
    pub(crate) fn new() -> Stemmers {
        Stemmers {
            fr: Stemmer::create(Algorithm::French),
            en: Stemmer::create(Algorithm::English),
        }
    }

    fn get(&self, lang: Lang) -> &Stemmer {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

impl std::fmt::Debug for Stemmers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stemmers { fr, en }")
    }
}

/// Characters that join the parts of one word and vanish from its term:
/// hyphens (`go-to-market` → `gotomarket`, so `e-commerce` meets `ecommerce`),
/// and the `/` and `&` of letter pairs (`A/B` → `ab`, `R&D` → `rd`).
#[inline]
fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '/' | '&' | '\u{2010}' | '\u{2011}')
}

/// Lowercases `word` into `out`: ASCII fast path, otherwise NFC, Unicode
/// lowercase, `œ`/`æ` ligatures spelled out, apostrophes unified to `'`.
pub(crate) fn lowercase_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.extend(
            word.bytes()
                .filter(|b| !is_joiner(*b as char))
                .map(|b| b.to_ascii_lowercase() as char),
        );
        return;
    }
    for c in word.nfc() {
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            '\u{2019}' | '\u{02BC}' | '`' | '\u{2018}' => out.push('\''),
            c if is_joiner(c) => {}
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// Removes accents: `é` → `e`, `ç` → `c`. Applied after stemming so that the
/// Snowball rules, which read accents, see them; the folded stem then meets
/// the same word typed without accents.
pub(crate) fn fold_accents_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    out.push(d);
                }
            });
        }
    }
}

/// `text` as whole words to match phrases against (a posting's title, see
/// [`crate::title`]): each run of letters and digits lowercased as the
/// analyzer lowercases a word ([`lowercase_into`]: `œ` → `oe`) and its
/// accents folded ([`fold_accents_into`]), every other character a word
/// break; the words separated and surrounded by single spaces, so that a
/// phrase is found as `" {phrase} "`.
///
/// Inclusive-writing endings left as words by the split (`directeur·rice`,
/// `chargé.e`, `chef(fe)`) are dropped: they are the segmenter's
/// [`GENDER_SUFFIXES`] and carry no role.
pub(crate) fn fold_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    let (mut lower, mut folded) = (String::new(), String::new());
    let is_word_char = |c: char| c.is_alphanumeric() || is_combining_mark(c);
    for word in text.split(|c| !is_word_char(c)).filter(|w| !w.is_empty()) {
        lowercase_into(word, &mut lower);
        if GENDER_SUFFIXES.contains(&lower.as_str()) {
            continue;
        }
        folded.clear();
        fold_accents_into(&lower, &mut folded);
        // Lowercasing turns `ʼ` into `'`, which splits `lʼIA` as it splits `l'IA`.
        for part in folded.split(|c: char| !c.is_alphanumeric()) {
            if !part.is_empty() {
                out.push_str(part);
                out.push(' ');
            }
        }
    }
    out
}

fn is_all_caps(word: &str) -> bool {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    letters.clone().count() >= 2 && letters.all(|c| c.is_uppercase())
}

/// Turns a segmented word into its term, written to `term`; `lower` is scratch.
///
/// Order matters: acronyms are recognised before stop words (`AI` is not the
/// French `ai` of `j'ai`), stop words before stemming (the lists hold surface
/// forms), and accents are folded after stemming.
pub(crate) fn normalize_word(
    word: &str,
    lang: Lang,
    stemmers: &Stemmers,
    lower: &mut String,
    term: &mut String,
) -> Result<(), DropReason> {
    lowercase_into(word, lower);
    term.clear();
    let is_stop = FR_STOP_WORDS.contains(lower.as_str()) || EN_STOP_WORDS.contains(lower.as_str());
    if let Some(acronym) = acronym(lower, word) {
        if is_stop && !is_all_caps(word) {
            return Err(DropReason::StopWord);
        }
        term.push_str(ALIASES.get(acronym).copied().unwrap_or(acronym));
        return Ok(());
    }
    if is_stop {
        return Err(DropReason::StopWord);
    }
    // English product words inside French text are stemmed as English, so
    // "roadmaps" or "users" in a French posting meet the English postings.
    let stem_lang = if lang == Lang::Fr && LOANWORDS.contains(lower) {
        Lang::En
    } else {
        lang
    };
    let stem = stemmers.get(stem_lang).stem(lower);
    fold_accents_into(&stem, term);
    if term.chars().nth(1).is_none() {
        return Err(DropReason::TooShort);
    }
    Ok(())
}

/// The acronym a lowercased word spells, plural `s` removed (`KPIs` → `kpi`).
fn acronym<'a>(lower: &'a str, word: &str) -> Option<&'a str> {
    if ACRONYMS.contains(lower) {
        return Some(lower);
    }
    let base = lower.strip_suffix('s')?;
    let caps_base = word.len() > 1 && is_all_caps(&word[..word.len() - 1]);
    (ACRONYMS.contains(base) && (base.len() >= 3 || caps_base)).then_some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(word: &str, lang: Lang) -> Result<String, DropReason> {
        let stemmers = Stemmers::new();
        let (mut lower, mut term) = (String::new(), String::new());
        normalize_word(word, lang, &stemmers, &mut lower, &mut term).map(|()| term)
    }

    #[test]
    fn strategy_words_meet_with_or_without_accents() {
        let a = norm("stratégie", Lang::Fr).unwrap();
        assert_eq!(norm("strategie", Lang::Fr).unwrap(), a);
        assert_eq!(norm("Stratégique", Lang::Fr).unwrap(), a);
        assert_eq!(norm("STRATÉGIES", Lang::Fr).unwrap(), a);
        assert_eq!(norm("stratégiques", Lang::Fr).unwrap(), a);
    }

    #[test]
    fn decomposed_and_composed_accents_meet() {
        assert_eq!(
            norm("strate\u{301}gie", Lang::Fr),
            norm("stratégie", Lang::Fr)
        );
        assert_eq!(norm("équipe", Lang::Fr), norm("equipe", Lang::Fr));
    }

    #[test]
    fn ligatures_are_spelled_out() {
        assert_eq!(norm("œuvre", Lang::Fr), norm("oeuvre", Lang::Fr));
        assert_eq!(norm("Cœur", Lang::Fr), norm("coeur", Lang::Fr));
        assert_eq!(
            norm("curriculum-vitæ", Lang::Fr),
            norm("curriculumvitae", Lang::Fr)
        );
    }

    #[test]
    fn compounds_lose_their_hyphens() {
        assert_eq!(norm("e-commerce", Lang::Fr), norm("ecommerce", Lang::Fr));
        assert_eq!(norm("Go-To-Market", Lang::En).unwrap(), "gotomarket");
        assert_eq!(norm("data-driven", Lang::En), norm("datadriven", Lang::En));
        assert_eq!(norm("A/B", Lang::En).unwrap(), "ab");
    }

    #[test]
    fn acronyms_survive_stop_words_and_stemming() {
        assert_eq!(norm("AI", Lang::Fr).unwrap(), "ai");
        assert_eq!(norm("IA", Lang::Fr).unwrap(), "ai");
        assert_eq!(norm("ai", Lang::Fr), Err(DropReason::StopWord));
        assert_eq!(norm("IT", Lang::En).unwrap(), "it");
        assert_eq!(norm("it", Lang::En), Err(DropReason::StopWord));
        assert_eq!(norm("KPIs", Lang::En).unwrap(), "kpi");
        assert_eq!(norm("OKRs", Lang::Fr).unwrap(), "okr");
        assert_eq!(norm("LLMs", Lang::En).unwrap(), "llm");
        assert_eq!(norm("POs", Lang::En).unwrap(), "po");
        for a in [
            "po", "pm", "pmm", "ml", "llm", "b2b", "b2c", "okr", "kpi", "ux",
        ] {
            assert_eq!(norm(a, Lang::Fr).unwrap(), a);
            assert_eq!(norm(&a.to_uppercase(), Lang::En).unwrap(), a);
        }
    }

    #[test]
    fn stop_words_of_both_languages_are_dropped() {
        for w in ["les", "vous", "avec", "the", "and", "with", "Nous", "THE"] {
            assert_eq!(norm(w, Lang::Fr), Err(DropReason::StopWord), "{w}");
            assert_eq!(norm(w, Lang::En), Err(DropReason::StopWord), "{w}");
        }
    }

    #[test]
    fn shouted_words_are_normal_words() {
        assert_eq!(norm("RECHERCHONS", Lang::Fr), norm("recherchons", Lang::Fr));
        assert_eq!(norm("VOUS", Lang::Fr), Err(DropReason::StopWord));
    }

    #[test]
    fn english_loanwords_in_french_meet_the_english_terms() {
        for w in [
            "roadmaps",
            "users",
            "stakeholders",
            "data",
            "insights",
            "delivery",
        ] {
            assert_eq!(norm(w, Lang::Fr), norm(w, Lang::En), "{w}");
        }
        assert_ne!(
            norm("utilisateurs", Lang::Fr),
            norm("utilisateurs", Lang::En)
        );
    }

    #[test]
    fn titles_fold_into_whole_words() {
        for (text, expected) in [
            ("Chef·fe de Produit Œnologie", " chef de produit oenologie "),
            ("Directeur·rice·s PRODUIT", " directeur produit "),
            ("Chargée.s d’études (H/F)", " chargee d etudes h f "),
            ("Product Manager lʼIA", " product manager l ia "),
            ("Strate\u{301}gie & données", " strategie donnees "),
            ("", " "),
        ] {
            assert_eq!(fold_words(text), expected, "{text:?}");
        }
    }

    #[test]
    fn english_stemming_groups_inflections() {
        assert_eq!(norm("prioritizing", Lang::En), norm("prioritize", Lang::En));
        assert_eq!(norm("roadmaps", Lang::En).unwrap(), "roadmap");
    }
}
