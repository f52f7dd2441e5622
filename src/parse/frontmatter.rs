//! Per-file TOML front matter between `+++` lines.

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
pub fn split(file: &str, text: &str) -> Result<(FrontMatter, usize), Diagnostic> {
    let first_line_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
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
