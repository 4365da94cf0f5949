//! HTML in and out: descriptions exported as HTML become text, and the audit
//! report is one self-contained, escaped HTML page.

/// [`strip_html`] of an owned string, which comes back as is (not copied)
/// when it holds no `<` or `&`, as most descriptions do.
pub(crate) fn strip_html_owned(s: String) -> String {
    if has_markup(&s) {
        strip_markup(&s)
    } else {
        s
    }
}

/// Whether `s` may hold a tag or an entity.
fn has_markup(s: &str) -> bool {
    memchr::memchr2(b'<', b'&', s.as_bytes()).is_some()
}

/// The text of an HTML fragment: tags removed (block tags become line
/// breaks, so bullets stay separate clauses), common entities decoded.
/// Text without `<` or `&` is returned as is.
pub fn strip_html(s: &str) -> String {
    if has_markup(s) {
        strip_markup(s)
    } else {
        s.to_string()
    }
}

/// [`strip_html`] of text known to hold a `<` or `&`.
fn strip_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    // Both are ASCII, so the byte index found is a char boundary.
    while let Some(i) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            match rest.find('>') {
                Some(end) if is_tag(&rest[1..end]) => {
                    let tag = rest[1..end].trim_start_matches('/').to_ascii_lowercase();
                    let name = tag
                        .split(|c: char| !c.is_ascii_alphanumeric())
                        .next()
                        .unwrap_or("");
                    if matches!(
                        name,
                        "br" | "p" | "li" | "ul" | "ol" | "div" | "h1" | "h2" | "h3" | "h4" | "tr"
                    ) {
                        out.push('\n');
                    }
                    if name == "li" && !rest[1..].starts_with('/') {
                        out.push_str("- ");
                    }
                    rest = &rest[end + 1..];
                }
                _ => {
                    out.push('<');
                    rest = &rest[1..];
                }
            }
        } else {
            // `;` is ASCII, so its byte index is a char boundary even when
            // the ten bytes after `&` end inside a multi-byte character.
            let end = rest.as_bytes()[..rest.len().min(10)]
                .iter()
                .position(|&b| b == b';');
            let decoded = end.and_then(|e| decode_entity(&rest[1..e]).map(|c| (c, e)));
            match decoded {
                Some((c, e)) => {
                    out.push(c);
                    rest = &rest[e + 1..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    squeeze_blank_lines(out)
}

/// Block tags in a row (`</li><li>`, `<p></p>`) would leave runs of empty
/// lines: keeps at most one empty line, and none at the edges. Most text
/// has no such run and is returned as it is.
fn squeeze_blank_lines(out: String) -> String {
    let trimmed = out.trim_matches('\n');
    if !trimmed.contains("\n\n\n") {
        return if trimmed.len() == out.len() {
            out
        } else {
            trimmed.to_string()
        };
    }
    let mut tidy = String::with_capacity(trimmed.len());
    let mut newlines = 0;
    for c in trimmed.chars() {
        if c == '\n' {
            newlines += 1;
            if newlines > 2 {
                continue;
            }
        } else {
            newlines = 0;
        }
        tidy.push(c);
    }
    tidy
}

fn is_tag(inner: &str) -> bool {
    let inner = inner.trim_start_matches('/');
    inner
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && !inner.contains('<')
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "eacute" => 'é',
        "egrave" => 'è',
        "agrave" => 'à',
        "ccedil" => 'ç',
        "rsquo" => '’',
        "hellip" => '…',
        _ => return None,
    })
}

/// The Unicode characters that reorder text: embeddings, overrides, isolates and marks.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Escapes text for HTML content and attribute values; bidirectional
/// controls (a right-to-left override in a company name) are dropped, so
/// posting text cannot reorder the page around it.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            c if is_bidi_control(c) => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_html_becomes_clauses_of_text() {
        let html = "<p>Vos missions&nbsp;:</p><ul><li>G&eacute;rer le backlog</li><li>R&amp;D &lt;3</li></ul>Fin<br/>!";
        assert_eq!(
            strip_html(html),
            "Vos missions :\n\n- Gérer le backlog\n\n- R&D <3\n\nFin\n!"
        );
    }

    #[test]
    fn text_that_only_looks_like_html_is_kept() {
        assert_eq!(strip_html("salaire < 50k & plus"), "salaire < 50k & plus");
        assert_eq!(strip_html("a <3 b"), "a <3 b");
        assert_eq!(strip_html("plain"), "plain");
        assert_eq!(strip_html_owned("plain".into()), "plain");
        assert_eq!(
            strip_html_owned("<p>a</p>&amp;".into()),
            strip_html("<p>a</p>&amp;")
        );
    }

    #[test]
    fn blank_line_runs_shrink_to_one_and_edges_lose_theirs() {
        assert_eq!(strip_html("\n\nR&amp;D\n\n\n\nfin\n"), "R&D\n\nfin");
        assert_eq!(strip_html("\nR&amp;D\n"), "R&D");
        assert_eq!(strip_html("R&amp;D\n\nfin"), "R&D\n\nfin");
        assert_eq!(strip_html("<p></p><p></p><p>x</p>"), "x");
    }

    #[test]
    fn ampersand_before_multibyte_text_regression() {
        // Found benchmarking the audit: "R&D équipe" cut a char in two.
        assert_eq!(strip_html("R&D équipe"), "R&D équipe");
        assert_eq!(strip_html("a &éééé; b"), "a &éééé; b");
    }

    #[test]
    fn escaping_neutralises_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;"
        );
    }
}
