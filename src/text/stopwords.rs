//! Word lists: French and English stop words, protected acronyms, aliases.
//!
//! Stop words are matched on the lowercased surface form, before stemming.
//! Both lists apply to every posting: French postings are full of English
//! function words ("product owner of the year", "you will") and the reverse is
//! rarer but real, so a franglais posting loses its function words whatever
//! its detected language. Accented words also appear unaccented, as they are
//! often typed.

use std::collections::HashMap;
use std::sync::LazyLock;

use foldhash::{HashSet, HashSetExt};

/// A fixed set of words.
pub(crate) struct WordSet(HashSet<&'static str>);

impl WordSet {
    fn new(words: &[&'static str]) -> WordSet {
        let mut set = HashSet::with_capacity(words.len());
        set.extend(words.iter().copied());
        WordSet(set)
    }

    pub(crate) fn contains(&self, word: &str) -> bool {
        self.0.contains(word)
    }
}

/// French stop words.
pub(crate) static FR_STOP_WORDS: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(FR));
/// English stop words.
pub(crate) static EN_STOP_WORDS: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(EN));
/// Acronyms kept whole and unstemmed; those that are also stop words (`AI`,
/// `IT`) are kept only when written in capitals.
pub(crate) static ACRONYMS: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(ACRONYM_LIST));
/// English product vocabulary common in French postings (franglais), stemmed
/// as English whatever the posting's language.
pub(crate) static LOANWORDS: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(LOANWORDS_LIST));
/// Acronyms that name the same thing in both languages, mapped to one term.
pub(crate) static ALIASES: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| [("ia", "ai"), ("rgpd", "gdpr")].into_iter().collect());

#[rustfmt::skip]
const FR: &[&str] = &[
    "a", "à", "afin", "ai", "aie", "aient", "aies", "ainsi", "ait", "alors", "as", "au", "aucun", "aucune",
    "aujourd'hui", "auprès", "aupres", "aura", "aurai", "auraient", "aurais", "aurait", "auras", "aurez",
    "auriez", "aurions", "aurons", "auront", "aussi", "autre", "autres", "aux", "avaient", "avais", "avait",
    "avant", "avec", "avez", "aviez", "avions", "avoir", "avons", "ayant", "ayez", "ayons", "bien", "c",
    "ça", "ca", "car", "ce", "ceci", "cela", "celle", "celles", "celui", "ces", "cet", "cette", "ceux",
    "chaque", "chez", "ci", "comme", "comment", "d", "dans", "de", "des", "dès", "doit", "doivent",
    "donc", "dont", "du", "elle", "elles", "en", "encore", "entre", "es", "est", "et", "étaient", "étais",
    "était", "étant", "été", "êtes", "étiez", "étions", "être", "etre", "eu", "eue", "eues", "eus", "eut",
    "eux", "fait", "font", "fut", "hui", "il", "ils", "j", "je", "jusqu", "l", "la", "là", "le", "les",
    "leur", "leurs", "lors", "lorsqu", "lui", "m", "ma", "mais", "me", "même", "meme", "mêmes", "mes",
    "moi", "mon", "n", "ne", "ni", "nos", "notre", "nous", "on", "ont", "or", "ou", "où", "par", "parce",
    "parmi", "pas", "peu", "peut", "peuvent", "plusieurs", "pour", "pourquoi", "puis", "puisqu", "qu",
    "quand", "que", "quel", "quelle", "quelles", "quels", "qui", "quoi", "s", "sa", "sans", "se", "sera",
    "serai", "seraient", "serais", "serait", "seras", "serez", "seriez", "serions", "serons", "seront",
    "ses", "si", "sien", "sienne", "soi", "soient", "sois", "soit", "sommes", "son", "sont", "sous",
    "soyez", "soyons", "suis", "sur", "t", "ta", "tant", "te", "tel", "telle", "telles", "tels", "tes",
    "toi", "ton", "tous", "tout", "toute", "toutes", "très", "tres", "tu", "un", "une", "unes", "uns",
    "vers", "via", "voici", "voilà", "voila", "vos", "votre", "vôtre", "vous", "y", "déjà", "deja",
    "etc", "lequel", "laquelle", "lesquels", "lesquelles", "auquel", "duquel",
    "celuici", "celleci", "peutêtre", "peutetre",
];

#[rustfmt::skip]
const EN: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "aren't",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does", "doesn't", "doing",
    "don't", "down", "during", "each", "either", "else", "etc", "ever", "every", "few", "for", "from",
    "further", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he", "he'd", "he'll",
    "he's", "her", "here", "here's", "hers", "herself", "him", "himself", "his", "how", "how's", "i",
    "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself",
    "just", "let's", "may", "me", "might", "more", "most", "must", "mustn't", "my", "myself", "no",
    "nor", "not", "of", "off", "on", "once", "only", "or", "other", "ought", "our", "ours", "ourselves",
    "out", "over", "same", "shall", "shan't", "she", "she'd", "she'll", "she's", "should",
    "shouldn't", "so", "some", "such", "than", "that", "that's", "the", "their", "theirs", "them",
    "themselves", "then", "there", "there's", "these", "they", "they'd", "they'll", "they're",
    "they've", "this", "those", "through", "to", "too", "under", "until", "up", "upon", "us", "very",
    "was", "wasn't", "we", "we'd", "we'll", "we're", "we've", "were", "weren't", "what", "what's",
    "when", "when's", "where", "where's", "whether", "which", "while", "who", "who's", "whom", "why",
    "why's", "will", "with", "won't", "would", "wouldn't", "yet", "you", "you'd", "you'll", "you're",
    "you've", "your", "yours", "yourself", "yourselves", "also", "per", "via",
];

#[rustfmt::skip]
const ACRONYM_LIST: &[&str] = &[
    "ai", "ia", "it", "pm", "po", "pmm", "ml", "llm", "nlp", "b2b", "b2c", "b2b2c", "okr", "kpi", "ux",
    "ui", "qa", "bi", "crm", "erp", "saas", "paas", "api", "gtm", "seo", "sea", "rgpd", "gdpr", "cdi",
    "cdd", "rh", "hr", "sql", "mvp", "roi", "nps", "poc", "sla", "cto", "cpo", "ceo", "vp", "moa", "moe",
    "amoa", "safe", "rag", "genai", "mlops", "etl", "elt", "dsi", "esn", "smb", "sme", "pme", "eti",
    "arr", "mrr", "cac", "ltv", "aws", "gcp", "rpa", "ocr", "cv", "ab", "rd",
];

#[rustfmt::skip]
const LOANWORDS_LIST: &[&str] = &[
    "data", "product", "products", "roadmap", "roadmaps", "backlog", "backlogs", "discovery", "delivery",
    "marketing", "design", "designer", "designers", "business", "growth", "feedback", "feedbacks", "insight",
    "insights", "stakeholder", "stakeholders", "user", "users", "story", "stories", "sprint", "sprints",
    "squad", "squads", "team", "teams", "market", "pricing", "launch", "launches", "owner", "ownership",
    "framework", "frameworks", "dashboard", "dashboards", "analytics", "platform", "platforms", "feature",
    "features", "release", "releases", "retention", "onboarding", "churn", "engagement", "customer",
    "customers", "research", "tracking", "testing", "tests", "experiment", "experiments", "experimentation",
    "workshop", "workshops", "lead", "leads", "leader", "leadership", "manager", "managers", "management",
    "scrum", "agile", "ops", "operations", "insight", "positioning", "messaging", "enablement", "sales",
    "pipeline", "pipelines", "governance", "quality", "tooling", "tools", "rituals", "playbook", "playbooks",
    "mindset", "benchmark", "benchmarks", "feedback", "scale", "scaling", "scaleup", "startup", "build",
    "run", "shipping", "ship", "model", "models", "machine", "learning", "prompt", "prompts", "dataset",
    "datasets", "fine-tuning", "finetuning", "evaluation", "evals", "driven", "outcome", "outcomes",
    "impact", "jobs", "journey", "journeys", "persona", "personas", "interviews", "interview",
];
