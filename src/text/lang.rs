//! Per-posting language detection: French or English.

use serde::{Deserialize, Serialize};

/// A language the analyzer knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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

/// A short ASCII word packed into an integer, lowercased: marker lookups
/// hash one `u64` instead of comparing strings.
fn pack(word: &[u8]) -> Option<u64> {
    if word.is_empty() || word.len() > 5 {
        return None;
    }
    let mut key = 0u64;
    for &b in word {
        if !b.is_ascii_alphabetic() {
            return None;
        }
        key = (key << 8) | u64::from(b.to_ascii_lowercase());
    }
    Some(key)
}

/// Packed marker → +1 for French, -1 for English.
static MARKERS: std::sync::LazyLock<foldhash::HashMap<u64, i8>> = std::sync::LazyLock::new(|| {
    let mut m = foldhash::HashMap::default();
    for (list, vote) in [(FR_MARKERS, 1i8), (EN_MARKERS, -1)] {
        for w in list {
            if let Some(k) = pack(w.as_bytes()) {
                *m.entry(k).or_insert(0) += vote;
            }
        }
    }
    m
});

/// The vote of one word (any case): +1 for a French marker, -1 for an
/// English one, 0 otherwise.
#[inline]
pub(crate) fn word_vote(word: &str) -> i8 {
    pack(word.as_bytes())
        .and_then(|k| MARKERS.get(&k).copied())
        .unwrap_or(0)
}

/// Counts marker words and votes; ties and texts with no marker at all go
/// to the default language.
pub(crate) struct LangVote {
    fr: u32,
    en: u32,
}

/// A French elision (`l'`, `d'`, `qu'`) votes French.
pub(crate) const ELISION_VOTE: i8 = 1;

/// Once one language leads by this many markers, more words will not change the answer.
const DECISIVE_LEAD: u32 = 15;

impl LangVote {
    pub(crate) fn new() -> LangVote {
        LangVote { fr: 0, en: 0 }
    }

    /// Counts a vote from [`word_vote`]: +1 French, -1 English, 0 neither.
    #[inline]
    pub(crate) fn add_vote(&mut self, vote: i8) {
        match vote {
            1 => self.fr += 1,
            -1 => self.en += 1,
            _ => {}
        }
    }

    /// True once the vote cannot reasonably turn.
    #[inline]
    pub(crate) fn decided(&self) -> bool {
        self.fr.abs_diff(self.en) >= DECISIVE_LEAD
    }

    pub(crate) fn result(&self, default: Lang) -> Lang {
        match self.fr.cmp(&self.en) {
            std::cmp::Ordering::Greater => Lang::Fr,
            std::cmp::Ordering::Less => Lang::En,
            std::cmp::Ordering::Equal => default,
        }
    }
}
