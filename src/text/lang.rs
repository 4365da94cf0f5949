//! Per-posting language detection: French or English.

use serde::{Deserialize, Serialize};

/// A language the analyzer knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// French, including franglais.
    Fr,
    /// English.
    En,
}

impl Lang {
    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            Lang::Fr => 0,
            Lang::En => 1,
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Lang {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Lang, crate::Error> {
        match s {
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            _ => Err(crate::Error::InvalidParam {
                name: "lang",
                reason: format!("unknown language `{s}`; choose from fr, en"),
            }),
        }
    }
}

/// Function words frequent in one language and rare in the other. English
/// product vocabulary inside French sentences ("roadmap", "discovery",
/// "stakeholders") is content, not grammar, so it does not sway the vote.
#[rustfmt::skip]
const FR_MARKERS: &[&str] = &[
    "le", "la", "les", "des", "du", "et", "est", "vous", "nous", "une", "pour", "dans", "avec", "sur",
    "qui", "que", "au", "aux", "vos", "votre", "notre", "nos", "sont", "ou", "en", "un", "ce", "cette",
    "tu", "ton", "ta", "tes", "par", "plus", "chez", "de",
];

#[rustfmt::skip]
const EN_MARKERS: &[&str] = &[
    "the", "and", "you", "we", "our", "your", "with", "for", "of", "to", "is", "are", "will", "in", "on",
    "an", "this", "that", "be", "who", "what", "at", "from", "have", "us", "it", "or", "by",
];

/// Counts marker words over the first `limit` words and votes; ties and
/// texts with no marker at all go to `default`.
pub(crate) struct LangVote {
    fr: u32,
    en: u32,
}

impl LangVote {
    pub(crate) fn new() -> LangVote {
        LangVote { fr: 0, en: 0 }
    }

    /// Counts one word (any case; only short ASCII words can be markers).
    #[inline]
    pub(crate) fn add(&mut self, word: &str) {
        let b = word.as_bytes();
        if b.is_empty() || b.len() > 5 || !b.is_ascii() {
            return;
        }
        let mut buf = [0u8; 5];
        for (d, s) in buf.iter_mut().zip(b) {
            *d = s.to_ascii_lowercase();
        }
        let lower = &buf[..b.len()];
        // Both lists are tiny: a linear scan over byte slices beats hashing here.
        if FR_MARKERS.iter().any(|m| m.as_bytes() == lower) {
            self.fr += 1;
        }
        if EN_MARKERS.iter().any(|m| m.as_bytes() == lower) {
            self.en += 1;
        }
    }

    /// Counts a French elision (`l'`, `d'`, `qu'`): French for sure.
    #[inline]
    pub(crate) fn add_elision(&mut self) {
        self.fr += 1;
    }

    pub(crate) fn result(&self, default: Lang) -> Lang {
        match self.fr.cmp(&self.en) {
            std::cmp::Ordering::Greater => Lang::Fr,
            std::cmp::Ordering::Less => Lang::En,
            std::cmp::Ordering::Equal => default,
        }
    }
}
