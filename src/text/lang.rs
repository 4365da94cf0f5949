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

/// Function words of the languages rolecheck does not read, none of them a
/// French or English marker (so "de", "la", "en", "is", "per" are left out):
/// enough to tell a Spanish or German posting from a French one.
#[rustfmt::skip]
const OTHER_MARKERS: [(&str, &[&str]); 5] = [
    ("es", &["el", "los", "las", "del", "por", "para", "con", "una", "es", "sus", "como", "somos", "muy", "pero", "desde", "hasta", "lo", "tus", "al"]),
    ("de", &["der", "die", "das", "und", "ist", "sie", "wir", "mit", "ein", "eine", "zu", "von", "dem", "auf", "nicht", "auch", "bei", "oder", "sind", "ihr", "ihre", "wird", "wie", "zum", "zur", "dich", "dein", "unser", "im"]),
    ("it", &["di", "che", "della", "delle", "gli", "nel", "nella", "alla", "sono", "siamo", "anche", "ed", "dei", "degli", "tra", "tuo", "tua", "sarai", "lo", "al", "una", "del"]),
    ("pt", &["um", "na", "vai", "para", "os", "da", "dos", "das", "em", "com", "uma", "voce", "ao", "pelo", "pela", "nosso", "nossa", "seu", "sua", "seus", "suas", "nao", "sao"]),
    ("nl", &["het", "een", "van", "wij", "jij", "met", "voor", "op", "zijn", "niet", "ook", "bij", "ons", "onze", "wordt", "naar", "om", "deze", "zal", "jouw", "den"]),
];

/// Packed marker → bit set of the [`OTHER_MARKERS`] languages it belongs to.
static OTHER: std::sync::LazyLock<foldhash::HashMap<u64, u8>> = std::sync::LazyLock::new(|| {
    let mut m = foldhash::HashMap::default();
    for (i, (_, words)) in OTHER_MARKERS.iter().enumerate() {
        for w in *words {
            if let Some(k) = pack(w.as_bytes()) {
                *m.entry(k).or_insert(0) |= 1 << i;
            }
        }
    }
    m
});

/// Words looked at to tell the language, at most.
const IDENTIFY_WORDS: usize = 400;
/// Markers a language other than French and English needs before it counts.
const MIN_OTHER_MARKERS: u32 = 5;

/// The language of a text that is written in one rolecheck does not read:
/// `Some("es")`, `"de"`, `"it"`, `"pt"` or `"nl"` when that language's
/// function words outnumber French's and English's together, `None` for
/// French, English, franglais and texts with too few words to tell.
pub fn unsupported_language(text: &str) -> Option<&'static str> {
    let (mut fr, mut en) = (0u32, 0u32);
    let mut other = [0u32; OTHER_MARKERS.len()];
    // Words are runs of letters; bytes of non-ASCII letters belong to their
    // word (and make it no marker), so a byte scan splits as a char scan would.
    let words = text
        .as_bytes()
        .split(|&b| b < 0x80 && !b.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .take(IDENTIFY_WORDS);
    for word in words {
        let Some(key) = pack(word) else {
            continue;
        };
        match MARKERS.get(&key) {
            Some(1) => fr += 1,
            Some(-1) => en += 1,
            _ => {}
        }
        if let Some(&bits) = OTHER.get(&key) {
            for (i, n) in other.iter_mut().enumerate() {
                *n += u32::from(bits >> i & 1);
            }
        }
        let lead = other.iter().max().copied().unwrap_or(0);
        if fr.max(en) >= lead + DECISIVE_LEAD {
            // French or English by a margin no later word can close in practice.
            return None;
        }
    }
    let (i, &n) = other
        .iter()
        .enumerate()
        .max_by_key(|&(i, n)| (*n, std::cmp::Reverse(i)))?;
    (n >= MIN_OTHER_MARKERS && n > fr + en).then_some(OTHER_MARKERS[i].0)
}
