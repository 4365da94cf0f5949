//! Output lines as JSON, written by hand: the same bytes `serde_json` writes
//! for [`AuditLine`] (a test holds the two equal), with a third of the
//! instructions in string escaping.
//!
//! A verdict line is mostly evidence text, and `serde_json` escapes strings
//! one byte at a time through a table: 7% of a whole audit when profiled.
//! Here eight bytes are checked at once and runs with nothing to escape are
//! copied whole. Numbers still go through `serde_json`, so they are
//! formatted exactly as before.

use serde::Serialize;

use super::{AuditLine, ErrorLine, VerdictLine};
use crate::detect::Phrase;

impl AuditLine {
    /// Appends the line as JSON, without a newline: the bytes
    /// `serde_json::to_writer` would write.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            AuditLine::Verdict(v) => verdict(out, v),
            AuditLine::Error(e) => error(out, e),
        }
    }
}

fn verdict(out: &mut Vec<u8>, v: &VerdictLine) {
    out.extend_from_slice(b"{\"line\":");
    number(out, v.line);
    out.extend_from_slice(b",\"id\":");
    optional_string(out, v.id.as_deref());
    out.extend_from_slice(b",\"title\":");
    string(out, &v.title);
    out.extend_from_slice(b",\"role\":");
    string(out, v.role.id());
    out.extend_from_slice(b",\"confidence\":");
    number(out, v.confidence);
    out.extend_from_slice(b",\"unsure\":");
    boolean(out, v.unsure);
    out.extend_from_slice(b",\"probabilities\":{");
    for (k, (role, p)) in v.probabilities.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        string(out, role);
        out.push(b':');
        number(out, p);
    }
    out.extend_from_slice(b"},\"duty_role\":");
    string(out, v.duty_role.id());
    out.extend_from_slice(b",\"duty_confidence\":");
    number(out, v.duty_confidence);
    out.extend_from_slice(b",\"claimed_role\":");
    optional_string(out, v.claimed_role.map(|r| r.id()));
    out.extend_from_slice(b",\"backlog_manager\":");
    boolean(out, v.backlog_manager);
    out.extend_from_slice(b",\"score\":");
    number(out, v.score);
    out.extend_from_slice(b",\"title_mismatch\":");
    boolean(out, v.title_mismatch);
    out.extend_from_slice(b",\"evidence\":[");
    for (k, p) in v.evidence.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        phrase(out, p);
    }
    out.extend_from_slice(b"],\"lang\":");
    string(out, v.lang.code());
    for (key, value) in [
        (&b",\"url\":"[..], &v.url),
        (b",\"date\":", &v.date),
        (b",\"location\":", &v.location),
    ] {
        if let Some(value) = value {
            out.extend_from_slice(key);
            string(out, value);
        }
    }
    out.push(b'}');
}

fn phrase(out: &mut Vec<u8>, p: &Phrase) {
    out.extend_from_slice(b"{\"text\":");
    string(out, &p.text);
    out.extend_from_slice(b",\"span\":{\"start\":");
    number(out, p.span.start);
    out.extend_from_slice(b",\"end\":");
    number(out, p.span.end);
    out.extend_from_slice(b"},\"side\":");
    string(out, p.side.name());
    out.extend_from_slice(b",\"weight\":");
    number(out, p.weight);
    out.extend_from_slice(b",\"sentence\":");
    string(out, &p.sentence);
    out.push(b'}');
}

fn error(out: &mut Vec<u8>, e: &ErrorLine) {
    out.extend_from_slice(b"{\"line\":");
    number(out, e.line);
    if let Some(id) = &e.id {
        out.extend_from_slice(b",\"id\":");
        string(out, id);
    }
    if let Some(lang) = e.lang {
        out.extend_from_slice(b",\"lang\":");
        string(out, lang);
    }
    out.extend_from_slice(b",\"error\":");
    string(out, &e.error);
    out.push(b'}');
}

/// A number as `serde_json` formats it (`null` for a float that is not finite).
fn number(out: &mut Vec<u8>, x: impl Serialize) {
    serde_json::to_writer(&mut *out, &x).expect("numbers serialise into memory");
}

fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

fn optional_string(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// `b` in every byte of a word.
const fn splat(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

/// Whether some byte of `x` must be escaped: a control character (below
/// 0x20), `"` or `\`. Exact for the word as a whole (a byte's test may
/// spill into the next byte's, but only after a byte that matched).
#[inline]
fn needs_escape(x: u64) -> bool {
    let has_zero = |v: u64| v.wrapping_sub(splat(1)) & !v & splat(0x80);
    let control = x.wrapping_sub(splat(0x20)) & !x & splat(0x80);
    control | has_zero(x ^ splat(b'"')) | has_zero(x ^ splat(b'\\')) != 0
}

/// `s` as a JSON string, escaped as `serde_json` escapes it: `\"`, `\\`,
/// `\b`, `\f`, `\n`, `\r`, `\t`, other control characters as `\u00XX`
/// (lower-case hex), everything else as it is.
fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Bytes before `copied` are written; whole words without a byte to
    // escape are skipped, and a word with one is escaped byte by byte.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(word) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            if !needs_escape(x) {
                i += 8;
                continue;
            }
        }
        for (j, &b) in bytes.iter().enumerate().skip(i).take(8) {
            let escaped: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                0x08 => b"\\b",
                0x0C => b"\\f",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0..=0x1F => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.extend_from_slice(&bytes[copied..j]);
                    out.extend_from_slice(b"\\u00");
                    out.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]]);
                    copied = j + 1;
                    continue;
                }
                _ => continue,
            };
            out.extend_from_slice(&bytes[copied..j]);
            out.extend_from_slice(escaped);
            copied = j + 1;
        }
        i += 8;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::input::{Fields, JsonlRecords};
    use crate::audit::{audit_record, Settings};
    use crate::{Corpus, Model, Scratch};

    #[test]
    fn lines_are_the_bytes_serde_json_writes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dump = std::fs::read(root.join("corpus/samples/dump.jsonl")).unwrap();
        // Ids, titles and text with characters to escape; a number as id.
        dump.extend_from_slice(
            "{\"id\": \"a\\\"b\\u0001\", \"title\": \"PM \\\\ PO\\t\\u001f\", \"description\": \"G\u{e9}rer le backlog\\r\\n- r\u{e9}diger les \\\"user stories\\\"\\u0007 et la recette\"}\n\
             {\"id\": 7, \"title\": \"Head of Product\", \"description\": \"Vision, discovery, OKR.\", \"url\": \"https://jobs.example/7?q=\\\"a\\\"\", \"date\": \"2026-12-01\", \"ville\": \"Lyon\"}\n\
             {\"id\": \"\\u0002\", \"title\": 3}\n"
                .as_bytes(),
        );
        let corpus = Corpus::read(&root.join("corpus/postings.jsonl")).unwrap();
        for p in corpus.postings.iter().step_by(7) {
            let record = serde_json::json!({"id": p.id, "title": p.title, "description": p.text});
            dump.extend_from_slice(record.to_string().as_bytes());
            dump.push(b'\n');
        }
        let model = Model::shipped().unwrap();
        let mut scratch = Scratch::new();
        let (mut verdicts, mut errors) = (0, 0);
        for record in JsonlRecords::new(&dump[..], Fields::default()) {
            let (line, _, _) = audit_record(&model, &mut scratch, record, &Settings::default());
            let mut ours = Vec::new();
            line.write_json(&mut ours);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(&line).unwrap()
            );
            match line {
                AuditLine::Verdict(v) => verdicts += usize::from(!v.evidence.is_empty()),
                AuditLine::Error(_) => errors += 1,
            }
        }
        assert!(
            verdicts > 100 && errors >= 5,
            "{verdicts} verdicts with evidence, {errors} errors"
        );
    }

    fn as_serde(s: &str) -> String {
        serde_json::to_string(s).unwrap()
    }

    fn as_ours(s: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_ascii_byte_escapes_as_serde_json_does() {
        for b in 0..=0x7Fu8 {
            let c = char::from(b);
            // Alone, at every position of a word, and in a long run.
            for s in [
                c.to_string(),
                format!("ab{c}defgh"),
                format!("abcdefg{c}"),
                format!("{c}bcdefghijk"),
                format!("Roadmap {c}{c} « produit » — l’équipe {c}"),
            ] {
                assert_eq!(as_ours(&s), as_serde(&s), "byte {b:#04x} in {s:?}");
            }
        }
    }

    #[test]
    fn unicode_and_lengths_around_a_word_pass_through() {
        let text = "Définir la vision\u{2028}produit, \"prioriser\" le backlog\\sprints\t😀";
        for end in (0..=text.len()).filter(|&e| text.is_char_boundary(e)) {
            for start in (0..=end).filter(|&s| text.is_char_boundary(s)).take(10) {
                let s = &text[start..end];
                assert_eq!(as_ours(s), as_serde(s), "{s:?}");
            }
        }
    }
}
