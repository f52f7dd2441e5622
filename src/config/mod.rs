//! `book.toml`: the schema (`schema`), semantic checks (`check`), profiles (`profile`), units
//! and identifiers. Every problem is reported at once, each at its value's place in the file,
//! every TOML syntax error included.

mod check;
pub mod identifier;
mod profile;
mod recover;
pub mod schema;
pub mod units;

pub use crate::model::date::Date;
pub use identifier::check_identifier;
pub use profile::{Furniture, PageGeometry, PdfOptions, PdfProfile, TypeSpec};
pub use schema::*;
pub use units::{parse_length, parse_page_size};

use crate::diag::{Diagnostic, LineIndex, Location};
use std::ops::Range;

pub const CONFIG_FILE: &str = "book.toml";

/// Problems found while checking, with the file's line index to locate them.
pub(crate) struct Errors<'s> {
    index: LineIndex<'s>,
    list: Vec<Diagnostic>,
}

impl Errors<'_> {
    fn loc(&self, span: Range<usize>) -> Location {
        self.index.location(CONFIG_FILE, span.start)
    }
    /// Records a problem; the caret underlines the whole value it points at (a quoted string
    /// through its closing quote, anything else up to the next space, comma or bracket).
    fn push(&mut self, d: Diagnostic) {
        let len = d.location.as_ref().map(|l| value_len(&l.line_text, l.column)).unwrap_or(1);
        let code = d.code.unwrap_or(crate::diag::Code::Invalid);
        self.list.push(d.spanning(len).code(code));
    }
}

/// Characters of the TOML value starting at 1-based `column` of `line`.
fn value_len(line: &str, column: usize) -> usize {
    let rest: Vec<char> = line.chars().skip(column.saturating_sub(1)).collect();
    match rest.first() {
        Some(&q @ ('"' | '\'')) => rest.iter().skip(1).position(|c| *c == q).map(|p| p + 2).unwrap_or(rest.len()),
        Some(_) => rest.iter().position(|c| c.is_whitespace() || matches!(c, ',' | '}' | ']')).unwrap_or(rest.len()).max(1),
        None => 1,
    }
}

/// Values derived while checking.
pub(crate) struct Checked {
    date: Option<Date>,
    headings: [f32; 3],
    page_size: (f32, f32),
    margins: [f32; 4],
}

/// The checked configuration: the parsed file plus derived values.
#[derive(Debug, Clone)]
pub struct BookConfig {
    pub config: Config,
    pub source: String,
    /// Line starts of `source`, built once.
    index: crate::diag::OwnedLineIndex,
    pub date: Option<Date>,
    pub page_size: (f32, f32),
    pub margins: [f32; 4],
    /// The PDF profiles, in name order (one unnamed profile when book.toml has none).
    pub profiles: Vec<PdfProfile>,
    /// Index into `profiles` of the reference profile.
    pub reference: usize,
}

impl BookConfig {
    /// File name of a profile's PDF: `<stem>.pdf` or `<stem>-<profile>.pdf`.
    pub fn pdf_name(&self, p: &PdfProfile) -> String {
        if p.name.is_empty() { format!("{}.pdf", self.stem()) } else { format!("{}-{}.pdf", self.stem(), p.name) }
    }

    pub fn metadata(&self) -> &Metadata {
        &self.config.metadata
    }

    /// Location of a span in book.toml, for messages about values.
    pub fn location(&self, span: Range<usize>) -> Location {
        self.index.location(&self.source, CONFIG_FILE, span.start)
    }

    /// The text set between sections, or None for quire's short rule.
    pub fn section_break(&self) -> Option<String> {
        let b = self.config.typography.section_break.get_ref();
        if b == "rule" { None } else { Some(b.clone()) }
    }

    /// What of the citable-edition machinery this book asks for.
    pub fn citable(&self) -> Citable {
        match &self.config.edition {
            None => Citable::default(),
            Some(e) => Citable {
                how_to_cite: e.how_to_cite,
                citation_files: e.citation_files,
                checksums: e.checksums,
                page_list: e.page_list,
                paragraph_numbers: e.paragraph_numbers,
            },
        }
    }

    pub fn language(&self) -> &str {
        self.config.metadata.language.get_ref()
    }

    /// The output file stem: `output.stem`, or a slug of the title.
    pub fn stem(&self) -> String {
        match &self.config.output.stem {
            Some(s) => s.get_ref().clone(),
            None => slug(self.config.metadata.title.get_ref()),
        }
    }
}

/// The parts of a citable edition a book has (all off without an [edition] table).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Citable {
    pub how_to_cite: bool,
    pub citation_files: bool,
    pub checksums: bool,
    pub page_list: bool,
    pub paragraph_numbers: bool,
}

/// A lowercase ASCII slug for file names: letters and digits joined by single hyphens
/// (`book` when there are none).
pub fn slug(s: &str) -> String {
    let mut out = crate::model::anchors::ascii_slug(s);
    // File names stay far below the 255 bytes file systems allow.
    if out.len() > 80 {
        out.truncate(80);
        out = out.trim_end_matches('-').to_string();
    }
    if out.is_empty() { "book".to_string() } else { out }
}

/// Parses and checks book.toml text. Returns every problem found.
pub fn parse(source: &str) -> Result<BookConfig, Vec<Diagnostic>> {
    let index = LineIndex::new(source);
    // Every syntax error first (the deserializer stops at the first).
    let (_, syntax) = toml::de::DeTable::parse_recoverable(source);
    if !syntax.is_empty() {
        return Err(syntax.iter().map(|e| toml_error(&index, e)).collect());
    }
    let (config, schema_errors) = recover::deserialize(source, &index);
    let Some(config) = config else { return Err(schema_errors) };
    let mut e = Errors { index, list: schema_errors };
    let checked = check::all(&config, &mut e);
    let ty = &config.typography;
    let text = TypeSpec {
        body: *ty.body_size.get_ref(),
        leading: *ty.leading.get_ref(),
        spaced: ty.paragraph_style.get_ref() == "spaced",
        headings: checked.headings,
    };
    let base = PdfProfile::base(checked.page_size, checked.margins, text, config.edition.as_ref().is_some_and(|e| e.paragraph_numbers));
    let (profiles, reference) = profile::profiles(&config, base, &mut e);
    if !e.list.is_empty() {
        e.list.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
        return Err(e.list);
    }
    let index = crate::diag::OwnedLineIndex::new(source);
    Ok(BookConfig {
        config,
        source: source.to_string(),
        index,
        date: checked.date,
        page_size: checked.page_size,
        margins: checked.margins,
        profiles,
        reference,
    })
}

fn toml_error(index: &LineIndex, e: &toml::de::Error) -> Diagnostic {
    let msg = e.message().trim().to_string();
    let loc = e.span().map(|s| index.location(CONFIG_FILE, s.start));
    let mut d = Diagnostic::error(format!("book.toml: {msg}")).at_opt(loc);
    if let Some((key, help)) = crate::diag::unknown_key(&msg) {
        d.message = format!("unknown key `{key}` in book.toml");
        d = d.help(help);
    } else if msg.starts_with("missing field `") {
        let key = msg.split('`').nth(1).unwrap_or("");
        d = d.help(format!("add `{key}`; a minimal book.toml needs [metadata] title and [contents] chapters"));
    } else if msg.starts_with("invalid type") {
        d.message =
            format!("book.toml: {}", msg.replace("expected f32", "expected a number").replace("expected usize", "expected a whole number"));
        d = d.help("check the value's type: strings need quotes, lists need [ ], numbers need none");
    } else {
        d = d.help("fix the TOML syntax at this position (see https://toml.io)");
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_suggests_nearest() {
        let e = parse("[metadata]\ntitel = \"x\"\n[contents]\nchapters=[\"a.md\"]\n").unwrap_err();
        let d = &e[0];
        assert!(d.message.contains("unknown key `titel`"), "{d}");
        assert!(d.help.as_deref().unwrap().contains("did you mean `title`"), "{d}");
        assert_eq!(d.location.as_ref().unwrap().line, 2);
    }

    #[test]
    fn every_syntax_error_is_reported() {
        let e = parse("[metadata]\ntitle = \"x\n[contents]\nchapters = [\"a.md\"\nx = = 1\n").unwrap_err();
        assert!(e.len() >= 2, "{e:?}");
    }

    #[test]
    fn values_are_located_by_their_spans_not_by_searching() {
        // A comment mentioning `leading` before the value must not move the caret.
        let e = parse("# leading and body-size are set below\n[metadata]\ntitle = \"x\"\n[contents]\nchapters = [\"a.md\"]\n[typography]\nleading = nan\n").unwrap_err();
        assert!(e[0].message.contains("leading"), "{e:?}");
        assert_eq!(e[0].location.as_ref().unwrap().line, 7);
        let e = parse("[metadata]\ntitle = \"x\"\n[contents]\nchapters = [\"a.md\"]\n[output]\nstem = \"a\\nb\"\ndir = \"/tmp/x\"\n")
            .unwrap_err();
        assert!(e.iter().any(|d| d.message.contains("not a plain file name")), "{e:?}");
        assert!(e.iter().any(|d| d.message.contains("leaves the book directory")), "{e:?}");
    }

    #[test]
    fn minimal_config_has_defaults() {
        let c = parse("[metadata]\ntitle = \"A Book\"\n[contents]\nchapters = [\"a.md\"]\n").unwrap();
        assert_eq!(c.language(), "en");
        assert_eq!(c.stem(), "a-book");
        assert_eq!(c.config.output.formats, vec![Format::Epub, Format::Pdf]);
    }
}
