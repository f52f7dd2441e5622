//! Diagnostics: what went wrong, where (file:line:column), the offending line, and what to do.
//!
//! Every stage reports problems as [`Diagnostic`]s instead of panicking or printing. The CLI
//! renders them on stderr and chooses the exit code from their severity.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A position in a source file: 1-based line and column (column counted in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Path as shown to the user: relative to the book directory.
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The text of that line, for quoting.
    pub line_text: String,
}

/// What kind of problem a diagnostic is, for code that must tell problems apart (never by
/// their message text) and for users who look one up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A file the book names does not exist.
    MissingFile,
    /// A value or key that is invalid where it stands.
    Invalid,
    /// Something defined twice (a chapter id, a footnote, an entry of [contents]).
    Duplicate,
}

impl Code {
    pub fn name(self) -> &'static str {
        match self {
            Code::MissingFile => "missing-file",
            Code::Invalid => "invalid",
            Code::Duplicate => "duplicate",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Option<Code>,
    pub message: String,
    pub location: Option<Location>,
    /// How many characters from the location the problem spans (the caret underlines them).
    pub len: usize,
    /// Other places that belong to the problem (the first definition of a duplicate…).
    pub related: Vec<(Location, String)>,
    /// What the user should do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    fn new(severity: Severity, message: String) -> Self {
        Diagnostic { severity, code: None, message, location: None, len: 1, related: Vec::new(), help: None }
    }
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, message.into())
    }
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Warning, message.into())
    }
    pub fn code(mut self, code: Code) -> Self {
        self.code = Some(code);
        self
    }
    /// Underlines `len` characters from the location.
    pub fn spanning(mut self, len: usize) -> Self {
        self.len = len.max(1);
        self
    }
    /// Adds a secondary place with a note.
    pub fn related(mut self, at: Location, note: impl Into<String>) -> Self {
        self.related.push((at, note.into()));
        self
    }
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }
    pub fn at_opt(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.code {
            Some(c) => writeln!(f, "{kind}[{}]: {}", c.name(), self.message)?,
            None => writeln!(f, "{kind}: {}", self.message)?,
        }
        if let Some(loc) = &self.location {
            writeln!(f, "  --> {}:{}:{}", loc.file, loc.line, loc.column)?;
            if !loc.line_text.is_empty() {
                let num = loc.line.to_string();
                let pad = " ".repeat(num.len());
                // Quote at most 200 characters of the line so a 10 MB paragraph stays readable.
                let shown: String = loc.line_text.chars().take(200).collect();
                let ellipsis = if loc.line_text.chars().count() > 200 { " …" } else { "" };
                writeln!(f, "{pad} |")?;
                writeln!(f, "{num} | {shown}{ellipsis}")?;
                let caret_col = loc.column.saturating_sub(1).min(200);
                let lead: String = shown.chars().take(caret_col).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
                let width = self.len.min(shown.chars().count().saturating_sub(caret_col).max(1));
                writeln!(f, "{pad} | {lead}{}", "^".repeat(width))?;
            }
        }
        for (at, note) in &self.related {
            writeln!(f, "  --> {}:{}:{}: {note}", at.file, at.line, at.column)?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// A growing list of diagnostics.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Maps byte offsets of one text to 1-based line and column.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: OwnedLineIndex,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex { text, starts: OwnedLineIndex::new(text) }
    }

    /// Location of byte `offset` (clamped to the text, snapped back to a char boundary).
    pub fn location(&self, file: &str, offset: usize) -> Location {
        self.starts.location(self.text, file, offset)
    }

    pub fn text(&self) -> &'a str {
        self.text
    }
}

/// The line starts of a text kept beside it (built once per file).
#[derive(Debug, Clone, Default)]
pub struct OwnedLineIndex {
    starts: Vec<usize>,
}

impl OwnedLineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        OwnedLineIndex { starts }
    }

    /// Location of byte `offset` of `text` (the text this index was built from). The quoted
    /// line is cut at 200 characters, so a diagnostic on a long line stays small.
    pub fn location(&self, text: &str, file: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0).min(offset);
        let end = self.starts.get(line + 1).map(|e| e - 1).unwrap_or(text.len()).max(start);
        let full = text[start..end].trim_end_matches('\r');
        let line_text: String = full.chars().take(200).collect();
        let column = text[start..offset].chars().count() + 1;
        Location { file: file.to_string(), line: line + 1, column, line_text }
    }
}

/// For serde's "unknown field `k`, expected one of `a`, `b`" message: the key and a help
/// text naming the nearest valid key and listing the valid ones.
pub fn unknown_key(msg: &str) -> Option<(String, String)> {
    let rest = msg.strip_prefix("unknown field `")?;
    let key = rest.split('`').next().unwrap_or("");
    let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
    let help = match nearest(key, expected.iter().copied()) {
        Some(n) => format!("did you mean `{n}`? Valid keys here: {}", expected.join(", ")),
        None => format!("remove it; valid keys here: {}", expected.join(", ")),
    };
    Some((key.to_string(), help))
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a likely typo.
pub fn nearest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = strsim::levenshtein(word, c);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.filter(|(d, c)| *d <= (c.len().max(word.len()) / 2).max(2)).map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_maps_offsets() {
        let idx = LineIndex::new("ab\ncdé\nf");
        let l = idx.location("x", 4);
        assert_eq!((l.line, l.column, l.line_text.as_str()), (2, 2, "cdé"));
        let l = idx.location("x", 8);
        assert_eq!((l.line, l.column), (3, 1));
        // inside a multi-byte char snaps back
        let l = idx.location("x", 6);
        assert_eq!((l.line, l.column), (2, 3));
    }

    #[test]
    fn nearest_finds_typos() {
        assert_eq!(nearest("titel", ["title", "subtitle", "language"]), Some("title"));
        assert_eq!(nearest("zzzzzzzz", ["title", "language"]), None);
    }
}
