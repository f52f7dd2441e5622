//! Per-file front matter: TOML between `+++` lines, or YAML between `---` lines (pandoc,
//! Jekyll, Hugo). YAML is read as the simple `key: value` lines such front matter holds; a key
//! quire does not use, or a value that is not a plain scalar, is a warning, never an error.

use crate::diag::{Diagnostic, LineIndex};
use serde::Deserialize;
use toml::Spanned;

/// Front matter keys of a manuscript file. All optional; a plain chapter needs none of them
/// when its first line is a `# Title` heading.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FrontMatter {
    /// `chapter` (default), `letter`, `telegram` or `memorandum`.
    pub kind: Option<Spanned<String>>,
    /// Stable id used in links and file names; defaults to `doc-N` for numbered letters and to
    /// the file name otherwise.
    pub id: Option<Spanned<String>>,
    pub title: Option<String>,
    /// A shorter title for the running heads (a letter's date is added to it).
    pub short_title: Option<String>,
    pub number: Option<Spanned<toml::Value>>,
    pub sender: Option<String>,
    #[serde(default)]
    pub recipients: Vec<String>,
    pub place: Option<String>,
    pub date: Option<Spanned<String>>,
    pub dateline: Option<String>,
    pub salutation: Option<String>,
    pub closing: Option<String>,
    pub signature: Option<String>,
    /// Source note (inline Markdown).
    pub source: Option<String>,
}

/// Splits a manuscript file into front matter and body.
/// Returns (front matter, byte offset where the Markdown body starts).
pub fn split(file: &str, text: &str, warnings: &mut Vec<Diagnostic>) -> Result<(FrontMatter, usize), Diagnostic> {
    let first_line_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_line_end].trim_end() == "---" {
        return Ok(yaml(file, text, first_line_end, warnings));
    }
    if text[..first_line_end].trim_end() != "+++" {
        return Ok((FrontMatter::default(), 0));
    }
    let index = LineIndex::new(text);
    let mut pos = first_line_end;
    let close = loop {
        if pos >= text.len() {
            return Err(Diagnostic::error("front matter is not closed")
                .at(index.location(file, 0))
                .help("end the front matter with a line holding only `+++`"));
        }
        let end = text[pos..].find('\n').map(|i| pos + i + 1).unwrap_or(text.len());
        if text[pos..end].trim_end() == "+++" {
            break (pos, end);
        }
        pos = end;
    };
    let toml_text = &text[first_line_end..close.0];
    match toml::from_str::<FrontMatter>(toml_text) {
        Ok(fm) => Ok((fm, close.1)),
        Err(e) => {
            let offset = first_line_end + e.span().map(|s| s.start).unwrap_or(0);
            let msg = e.message().trim().to_string();
            let mut d = Diagnostic::error(format!("front matter: {msg}")).at(index.location(file, offset));
            if let Some((key, help)) = crate::diag::unknown_key(&msg) {
                d.message = format!("unknown front matter key `{key}`");
                d = d.help(help);
            } else {
                d = d.help("front matter is TOML: `key = \"value\"`, one per line");
            }
            Err(d)
        }
    }
}

/// YAML front matter: from the line after the opening `---` to a line `---` or `...`. Without
/// a closing line the file has no front matter (a thematic break opens it, as in CommonMark).
fn yaml(file: &str, text: &str, open_end: usize, warnings: &mut Vec<Diagnostic>) -> (FrontMatter, usize) {
    let index = LineIndex::new(text);
    let mut pos = open_end;
    let mut lines = Vec::new();
    let body = loop {
        if pos >= text.len() {
            return (FrontMatter::default(), 0);
        }
        let end = text[pos..].find('\n').map(|i| pos + i + 1).unwrap_or(text.len());
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            break end;
        }
        lines.push((pos, line));
        pos = end;
    };
    let mut fm = FrontMatter::default();
    let mut warn = |offset: usize, msg: String| {
        warnings.push(Diagnostic::warning(msg).at(index.location(file, offset)).help(
            "quire reads `title`, `id` and the letter keys from YAML front matter (plain `key: value` lines); see README “Front matter”",
        ))
    };
    for (offset, line) in lines {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '\t', '-']) {
            warn(offset, "this YAML front matter line is not a plain `key: value` and is not used".into());
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            warn(offset, "this YAML front matter line is not a plain `key: value` and is not used".into());
            continue;
        };
        let key = key.trim();
        let value = yaml_scalar(value.trim());
        // Spans count from the line after the opening `---`, as TOML spans do after `+++`.
        let at = offset - open_end + line.find(':').map(|i| i + 1).unwrap_or(0);
        let span = at..at + 1;
        match key {
            "title" => fm.title = Some(value),
            "short-title" => fm.short_title = Some(value),
            "id" => fm.id = Some(Spanned::new(span, value)),
            "kind" => fm.kind = Some(Spanned::new(span, value)),
            "sender" => fm.sender = Some(value),
            "place" => fm.place = Some(value),
            "date" => fm.date = Some(Spanned::new(span, value)),
            "dateline" => fm.dateline = Some(value),
            "salutation" => fm.salutation = Some(value),
            "closing" => fm.closing = Some(value),
            "signature" => fm.signature = Some(value),
            "source" => fm.source = Some(value),
            _ => warn(offset, format!("YAML front matter key `{key}` is not used by quire")),
        }
    }
    (fm, body)
}

/// A YAML scalar as written: quotes removed (with `\"` and `''` unescaped), a trailing
/// comment dropped from a plain value.
fn yaml_scalar(v: &str) -> String {
    if let Some(inner) = v.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        return inner.replace("\\\"", "\"").replace("\\\\", "\\");
    }
    if let Some(inner) = v.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    match v.find(" #") {
        Some(i) => v[..i].trim_end().to_string(),
        None => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn yaml_front_matter_gives_the_title_and_warns_about_the_rest() {
        let text = "---\ntitle: \"A \\\"Quoted\\\" Title\"\nauthor: Someone\ntags:\n  - a\nid: intro # comment\n---\n\nBody.\n";
        let mut w = Vec::new();
        let (fm, body) = super::split("ch.md", text, &mut w).unwrap();
        assert_eq!(fm.title.as_deref(), Some("A \"Quoted\" Title"));
        assert_eq!(fm.id.as_ref().map(|i| i.get_ref().as_str()), Some("intro"));
        assert_eq!(&text[body..], "\nBody.\n");
        assert_eq!(w.len(), 3, "author, tags and its item: {w:?}");
        assert!(w[0].message.contains("`author`"));
    }

    #[test]
    fn an_unclosed_dash_line_is_not_front_matter() {
        let mut w = Vec::new();
        let (fm, body) = super::split("ch.md", "---\n\n# Title\n", &mut w).unwrap();
        assert!(fm.title.is_none() && body == 0 && w.is_empty());
    }
}
