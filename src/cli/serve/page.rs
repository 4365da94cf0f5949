//! The page at `/`: a form where anyone pastes a posting (or drops a file),
//! and the verdict under it, on the posting's own words — the banner first
//! when the title promises a Product Manager and the duties are a backlog
//! manager's. English or French, from `?lang=` or the browser's
//! `Accept-Language`.
//!
//! It is a plain HTML form: without JavaScript it posts to `/` and the
//! server answers the whole page with the verdict. The style and the small
//! script (which only loads a dropped file into the text area) are embedded
//! in the binary, and the page's Content-Security-Policy lets through those
//! two, by hash, and nothing else. Every piece of the posting is escaped by
//! the audit report's escaping, and its text is rendered by the report's
//! own highlighting of evidence.

mod render;
mod strings;

use std::sync::Arc;

use axum::extract::{Form, RawQuery, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rolecheck::{strip_html, Model, Scratch, MAX_PHRASES};

use render::{Judged, Outcome, Posted, Refusal};
use strings::Ui;

/// What every request of the page shares: the model, and the policy
/// computed once from the embedded style and script.
#[derive(Clone)]
struct Page {
    model: Arc<Model>,
    policy: HeaderValue,
}

/// The page's routes, `GET /` (the form) and `POST /` (the form posted,
/// `application/x-www-form-urlencoded` with `title` and `text`; the page
/// with the verdict), both honouring `?lang=fr|en` and else
/// `Accept-Language`. No layer: the server wraps the routes it merges.
pub(crate) fn router(model: Arc<Model>) -> Router {
    let policy = format!(
        "default-src 'none'; script-src {}; style-src {}; form-action 'self'; \
         base-uri 'none'; frame-ancestors 'none'",
        rolecheck::audit::csp_hash(render::SCRIPT),
        rolecheck::audit::csp_hash(render::STYLE),
    );
    let policy = HeaderValue::from_str(&policy).expect("the policy is ASCII");
    Router::new()
        .route("/", get(show).post(check))
        .with_state(Page { model, policy })
}

/// `GET /`: the empty form.
async fn show(State(page): State<Page>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    let ui = choose_ui(query.as_deref(), &headers);
    let html = render::page(ui, &Posted::default(), &Outcome::Form);
    respond(&page, ui, StatusCode::OK, html)
}

/// `POST /`: the posting judged, the page rendered with its verdict (or
/// why there is none: 422) off the async workers.
async fn check(
    State(page): State<Page>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    Form(posted): Form<Posted>,
) -> Response {
    let ui = choose_ui(query.as_deref(), &headers);
    let model = page.model.clone();
    let rendered = tokio::task::spawn_blocking(move || {
        let outcome = judge(&model, &posted);
        let status = match outcome {
            Outcome::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::OK,
        };
        (status, render::page(ui, &posted, &outcome))
    })
    .await;
    match rendered {
        Ok((status, html)) => respond(&page, ui, status, html),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Judges a posting as `classify` does: HTML stripped, a language other
/// than French and English refused. A browser sends a text area's line
/// breaks as CRLF: they are read as the LF the user typed.
fn judge(model: &Model, posted: &Posted) -> Outcome {
    let text = strip_html(&posted.text.replace("\r\n", "\n"));
    if text.trim().is_empty() {
        return Outcome::Refused(Refusal::Empty);
    }
    if let Some(lang) = rolecheck::unsupported_language(&text) {
        return Outcome::Refused(Refusal::Language(lang));
    }
    let title = strip_html(&posted.title);
    let (phrases, missing, verdict) = Scratch::with_thread_local(|scratch| {
        let checked = model.check_with(scratch, &title, &text);
        let phrases = checked.phrases(MAX_PHRASES);
        let missing = checked.missing_pm_duties(scratch);
        (phrases, missing, checked.into_verdict())
    });
    Outcome::Judged(Box::new(Judged {
        title,
        text,
        verdict,
        phrases,
        missing,
    }))
}

/// The page with its headers: the policy, no sniffing, no caching (a
/// posting may be confidential), no referrer, its language.
fn respond(page: &Page, ui: Ui, status: StatusCode, html: String) -> Response {
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (header::CONTENT_SECURITY_POLICY, page.policy.clone()),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(ui.code()),
        ),
        (header::VARY, HeaderValue::from_static("accept-language")),
    ];
    (status, headers, html).into_response()
}

/// The interface language: `?lang=fr|en` when given, else the one of the
/// two the browser prefers by `Accept-Language` (highest `q`, first on a
/// tie), else English.
fn choose_ui(query: Option<&str>, headers: &HeaderMap) -> Ui {
    let asked = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key == "lang").then(|| Ui::from_code(value)).flatten()
        });
    asked
        .or_else(|| {
            let accept = headers.get(HeaderName::from_static("accept-language"))?;
            preferred(accept.to_str().ok()?)
        })
        .unwrap_or(Ui::En)
}

/// The best of English and French in an `Accept-Language` value
/// (`fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5`).
fn preferred(accept: &str) -> Option<Ui> {
    let mut best: Option<(Ui, f32)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let primary = tag.split('-').next().unwrap_or("");
        let Some(ui) = Ui::from_code(primary) else {
            continue;
        };
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
            .unwrap_or(0.0);
        if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((ui, q));
        }
    }
    best.map(|(ui, _)| ui)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            HeaderName::from_static("accept-language"),
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn the_interface_language_comes_from_the_query_then_the_browser() {
        let none = HeaderMap::new();
        assert_eq!(choose_ui(None, &none), Ui::En);
        assert_eq!(choose_ui(Some("lang=fr"), &none), Ui::Fr);
        assert_eq!(choose_ui(Some("x=1&lang=FR"), &none), Ui::Fr);
        assert_eq!(choose_ui(Some("lang=de"), &accept("fr")), Ui::Fr);
        assert_eq!(choose_ui(Some("lang=en"), &accept("fr")), Ui::En);
        assert_eq!(choose_ui(None, &accept("fr-FR,fr;q=0.9,en;q=0.8")), Ui::Fr);
        assert_eq!(
            choose_ui(None, &accept("de-DE, en;q=0.5, fr;q=0.7")),
            Ui::Fr
        );
        assert_eq!(choose_ui(None, &accept("en-GB,fr")), Ui::En);
        assert_eq!(choose_ui(None, &accept("fr;q=0, en;q=0.1")), Ui::En);
        assert_eq!(choose_ui(None, &accept("de, *;q=0.5")), Ui::En);
        assert_eq!(choose_ui(None, &accept("fr;q=abc")), Ui::En);
    }

    fn judged(title: &str, text: &str, ui: Ui) -> String {
        let model = Model::shipped().unwrap();
        let posted = Posted {
            title: title.into(),
            text: text.into(),
        };
        render::page(ui, &posted, &judge(&model, &posted))
    }

    #[test]
    fn a_backlog_manager_gets_the_banner_first_and_its_evidence_marked() {
        let text =
            "Vous gérez le backlog, rédigez les user stories avec leurs critères d'acceptation, \
                    animez les rituels Scrum et faites la recette des livraisons.";
        let html = judged("Product Manager (H/F)", text, Ui::En);
        let banner = html.find("class=\"banner flag\"").expect("the banner");
        assert!(banner < html.find("id=\"role\"").unwrap(), "banner first");
        assert!(html.contains("<strong id=\"role\" class=\"role r-po\">Product Owner</strong>"));
        assert!(html.contains("<mark class=\"po\">"));
        assert!(html.contains("id=\"missing\""));
        let fr = judged("Product Manager (H/F)", text, Ui::Fr);
        assert!(
            fr.contains("<html lang=\"fr\">")
                && fr.contains("mais l’offre décrit un backlog manager")
        );
    }

    #[test]
    fn hostile_text_is_escaped_everywhere() {
        let title = "PM <b onclick=alert(1)>x</b> &lt;script&gt;alert(2)&lt;/script&gt;";
        let text = "Vous gérez le backlog et la recette. &lt;img src=x onerror=alert(3)&gt; \
                    </textarea><script>alert(4)</script> \u{202e}evil";
        let html = judged(title, text, Ui::En);
        let body = &html[html.find("<body>").unwrap()..];
        assert_eq!(body.matches("<script").count(), 1, "only the page's own");
        assert!(!body.contains("<img") && !body.contains("<b ") && !body.contains('\u{202e}'));
        // Entities decode to text, shown as text (its words may be marked).
        assert!(body.contains("&lt;img src=x onerror="));
        assert!(body.contains("&lt;/textarea&gt;&lt;script&gt;alert(4)"));
        assert_eq!(body.matches("</textarea>").count(), 1);
    }

    #[test]
    fn empty_or_foreign_postings_are_refused_with_a_message() {
        let model = Model::shipped().unwrap();
        let empty = Posted {
            title: "PM".into(),
            text: " <p></p> ".into(),
        };
        assert!(matches!(
            judge(&model, &empty),
            Outcome::Refused(Refusal::Empty)
        ));
        let spanish = Posted {
            title: String::new(),
            text: "Buscamos un Product Owner para nuestro equipo de pagos en Madrid. Serás \
                   responsable del backlog y trabajarás con los desarrolladores para priorizar \
                   las historias de usuario."
                .into(),
        };
        let outcome = judge(&model, &spanish);
        assert!(
            matches!(outcome, Outcome::Refused(Refusal::Language("es"))),
            "{outcome:?}"
        );
        let html = render::page(Ui::Fr, &spanish, &outcome);
        assert!(html.contains("rédigée en espagnol"));
    }
}
