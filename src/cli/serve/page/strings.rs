//! The page's words, in English and in French. Templates are trusted HTML;
//! the values put into their `{…}` slots are escaped by the caller.

use rolecheck::{Lang, PmDuty, Role};

/// The interface language: the page's, not the posting's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ui {
    /// English.
    En,
    /// French.
    Fr,
}

impl Ui {
    /// Both, in the order the switch shows them.
    pub(crate) const ALL: [Ui; 2] = [Ui::En, Ui::Fr];

    /// The language's code, as in `?lang=` and `<html lang>`.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Ui::En => "en",
            Ui::Fr => "fr",
        }
    }

    /// The language from its code (`fr`, `FR`, `en`).
    pub(crate) fn from_code(code: &str) -> Option<Ui> {
        Ui::ALL
            .into_iter()
            .find(|ui| code.eq_ignore_ascii_case(ui.code()))
    }

    /// The words of the page in this language.
    pub(crate) fn strings(self) -> &'static Strings {
        match self {
            Ui::En => &EN,
            Ui::Fr => &FR,
        }
    }

    /// A role's name for people ("Product Manager" is said in English in French too).
    pub(crate) fn role(self, role: Role) -> &'static str {
        match (self, role) {
            (Ui::Fr, Role::Other) => "pas un rôle produit",
            _ => role.name(),
        }
    }

    /// A core PM duty's name.
    pub(crate) fn duty(self, duty: PmDuty) -> &'static str {
        match (self, duty) {
            (Ui::En, d) => d.name(),
            (Ui::Fr, PmDuty::Discovery) => "discovery / recherche utilisateur",
            (Ui::Fr, PmDuty::Strategy) => "vision / stratégie",
            (Ui::Fr, PmDuty::Outcomes) => "résultats / mesure de l’impact",
            (Ui::Fr, PmDuty::Business) => "business / marché",
        }
    }

    /// A language's name, from its code (`fr`, `es`…); the code itself when unknown.
    pub(crate) fn language(self, code: &str) -> &str {
        let names: &[(&str, &str, &str)] = &[
            ("fr", "French", "français"),
            ("en", "English", "anglais"),
            ("es", "Spanish", "espagnol"),
            ("de", "German", "allemand"),
            ("it", "Italian", "italien"),
            ("pt", "Portuguese", "portugais"),
            ("nl", "Dutch", "néerlandais"),
        ];
        names
            .iter()
            .find(|(c, ..)| *c == code)
            .map_or(code, |&(_, en, fr)| if self == Ui::En { en } else { fr })
    }

    /// The posting's language's name.
    pub(crate) fn posting_language(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.language("fr"),
            Lang::En => self.language("en"),
        }
    }

    /// A probability as a percentage, written the language's way (`93%`, `93 %`).
    pub(crate) fn percent(self, p: f32) -> String {
        let n = (p * 100.0).round();
        match self {
            Ui::En => format!("{n:.0}%"),
            Ui::Fr => format!("{n:.0}\u{202f}%"),
        }
    }

    /// A score with two decimals, with the language's decimal separator.
    pub(crate) fn score(self, s: f32) -> String {
        let s = format!("{s:.2}");
        match self {
            Ui::En => s,
            Ui::Fr => s.replace('.', ","),
        }
    }
}

/// Fills a template's `{name}` slots with (already escaped) values, in one
/// pass: a value is never read as a template itself.
pub(crate) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let slot = after
            .find('}')
            .and_then(|close| Some((values.iter().find(|(n, _)| *n == &after[..close])?, close)));
        match slot {
            Some(((_, value), close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every piece of text the page shows, in one language.
pub(crate) struct Strings {
    pub(crate) page_title: &'static str,
    pub(crate) switch: &'static str,
    pub(crate) heading: &'static str,
    pub(crate) lead: &'static str,
    pub(crate) job_title: &'static str,
    pub(crate) job_title_hint: &'static str,
    pub(crate) posting: &'static str,
    pub(crate) posting_hint: &'static str,
    pub(crate) drop: &'static str,
    pub(crate) loaded: &'static str,
    pub(crate) bad_file: &'static str,
    pub(crate) submit: &'static str,
    pub(crate) privacy: &'static str,
    pub(crate) verdict: &'static str,
    pub(crate) flag: &'static str,
    pub(crate) flag_why: &'static str,
    pub(crate) score: &'static str,
    pub(crate) matches: &'static str,
    pub(crate) mismatch: &'static str,
    pub(crate) reads_as: &'static str,
    pub(crate) runner_up: &'static str,
    pub(crate) duties_alone: &'static str,
    pub(crate) language: &'static str,
    pub(crate) missing: &'static str,
    pub(crate) none_missing: &'static str,
    pub(crate) why: &'static str,
    pub(crate) po_side: &'static str,
    pub(crate) pm_side: &'static str,
    pub(crate) no_phrases: &'static str,
    pub(crate) text: &'static str,
    pub(crate) legend: &'static str,
    pub(crate) cut: &'static str,
    pub(crate) probabilities: &'static str,
    pub(crate) all_words: &'static str,
    pub(crate) duties_only: &'static str,
    pub(crate) empty: &'static str,
    pub(crate) unsupported: &'static str,
    pub(crate) footer: &'static str,
}

const EN: Strings = Strings {
    page_title: "rolecheck — is it a Product Manager job?",
    switch: "Language",
    heading: "Is it really a Product Manager job?",
    lead: "Paste a job posting: rolecheck reads its duties, not its title, and shows the words that decided.",
    job_title: "Job title",
    job_title_hint: "e.g. Product Manager (H/F)",
    posting: "The posting",
    posting_hint: "Paste the posting’s text (or its HTML) here",
    drop: "Or drop a .txt or .html file here:",
    loaded: "Loaded",
    bad_file: "Only .txt and .html files can be loaded.",
    submit: "Check the posting",
    privacy: "The posting is read on this server and not stored.",
    verdict: "Verdict",
    flag: "Titled {claimed}, but it reads as a backlog manager",
    flag_why: "Its duties are a Product Owner’s — backlog, user stories, ceremonies, acceptance — with none of a Product Manager’s core.",
    score: "Backlog-manager score <b>{score}</b>, flagged from {threshold}",
    matches: "Titled {claimed}: the duties match the title",
    mismatch: "Titled {claimed}, but the duties read as {duty}",
    reads_as: "Reads as",
    runner_up: "Runner-up",
    duties_alone: "Duties alone",
    language: "Posting language",
    missing: "PM duties never mentioned",
    none_missing: "Every core Product Manager duty is mentioned.",
    why: "Why",
    po_side: "Backlog work (a Product Owner’s)",
    pm_side: "Product Manager work",
    no_phrases: "No phrase of this posting weighs on the Product Manager or Product Owner question.",
    text: "The posting, evidence highlighted",
    legend: "<mark class=\"po\">Highlighted</mark> phrases point to a Product Owner’s work, <mark class=\"pm\">these</mark> to a Product Manager’s.",
    cut: "Long posting: only the passages around its evidence are shown.",
    probabilities: "Probabilities",
    all_words: "from all its words",
    duties_only: "from its duties alone (role names masked)",
    empty: "Paste a posting first: the text is empty.",
    unsupported: "This posting reads as {lang}; rolecheck reads French and English.",
    footer: "rolecheck {version} · the shipped model · a verdict depends only on the posting",
};

const FR: Strings = Strings {
    page_title: "rolecheck — est-ce un poste de Product Manager ?",
    switch: "Langue",
    heading: "Est-ce vraiment un poste de Product Manager ?",
    lead: "Collez une offre d’emploi : rolecheck lit les missions, pas l’intitulé, et montre les mots qui ont décidé.",
    job_title: "Intitulé du poste",
    job_title_hint: "par ex. Product Manager (H/F)",
    posting: "L’offre",
    posting_hint: "Collez ici le texte de l’offre (ou son HTML)",
    drop: "Ou déposez ici un fichier .txt ou .html :",
    loaded: "Chargé :",
    bad_file: "Seuls les fichiers .txt et .html peuvent être chargés.",
    submit: "Analyser l’offre",
    privacy: "L’offre est lue sur ce serveur et n’est pas conservée.",
    verdict: "Verdict",
    flag: "Intitulé {claimed}, mais l’offre décrit un backlog manager",
    flag_why: "Les missions sont celles d’un Product Owner — backlog, user stories, rituels, recette — sans rien du cœur du métier de Product Manager.",
    score: "Score backlog manager <b>{score}</b>, signalé à partir de {threshold}",
    matches: "Intitulé {claimed} : les missions correspondent à l’intitulé",
    mismatch: "Intitulé {claimed}, mais les missions décrivent : {duty}",
    reads_as: "Rôle lu",
    runner_up: "Deuxième",
    duties_alone: "Missions seules",
    language: "Langue de l’offre",
    missing: "Missions de Product Manager jamais mentionnées",
    none_missing: "Toutes les missions clés d’un Product Manager sont mentionnées.",
    why: "Pourquoi",
    po_side: "Travail de backlog (celui d’un Product Owner)",
    pm_side: "Travail de Product Manager",
    no_phrases: "Aucun passage de l’offre ne pèse sur la question Product Manager ou Product Owner.",
    text: "L’offre, indices surlignés",
    legend: "Les passages <mark class=\"po\">surlignés</mark> relèvent du travail d’un Product Owner, <mark class=\"pm\">ceux-ci</mark> de celui d’un Product Manager.",
    cut: "Offre longue : seuls les passages autour des indices sont affichés.",
    probabilities: "Probabilités",
    all_words: "d’après tous ses mots",
    duties_only: "d’après ses seules missions (noms de rôles masqués)",
    empty: "Collez d’abord une offre : le texte est vide.",
    unsupported: "Cette offre semble rédigée en {lang} ; rolecheck lit le français et l’anglais.",
    footer: "rolecheck {version} · le modèle livré · un verdict ne dépend que de l’offre",
};
