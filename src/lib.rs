//! quire: a publication builder. Manuscript Markdown + book.toml → EPUB 3 and typeset PDF.
//!
//! Stages (see ARCHITECTURE.md): config → source → parse → model → writers.

// A `Diagnostic` (message, location, help, related places) is the error of every fallible
// function; it is built once on a rare path, so its size is not worth a box.
#![allow(clippy::result_large_err)]

#[doc(hidden)] // the `quire bench` command and its tests; not part of the library API
pub mod bench;
pub mod cite;
pub mod config;
pub mod diag;
pub(crate) mod epub;
pub(crate) mod html;
pub(crate) mod i18n;
pub mod ids;
pub mod init;
pub mod layout;
pub mod model;
pub(crate) mod numbering;
pub mod outline;
pub(crate) mod output;
pub mod parse;
pub mod pdf;
mod render;
pub mod source;
pub(crate) mod stats;
pub mod text;
mod verify;
pub mod watch;

use diag::{Diagnostic, Diagnostics};
use std::path::Path;

/// A loaded book: its configuration, model and the warnings found while loading.
pub struct Loaded {
    pub dir: source::BookDir,
    pub config: config::BookConfig,
    pub book: model::Book,
    /// The book's fonts (loaded once; glyph coverage is checked against them at load).
    pub fonts: text::fonts::FontSet,
    /// The author's EPUB stylesheet (`[epub] css`), checked.
    pub stylesheet: Option<String>,
    pub warnings: Diagnostics,
}

/// Reads book.toml and the manuscript of the book in `book_dir`.
/// On failure returns every diagnostic (errors and warnings).
pub fn load(book_dir: &Path) -> Result<Loaded, Diagnostics> {
    let dir = source::BookDir::open(book_dir).map_err(|d| Diagnostics(vec![d]))?;
    load_from(dir, None)
}

/// [`load`] from an opened book directory (a clone of it keeps seeing which files the book
/// asked for, even when loading fails), taking chapters whose files have not changed from
/// `cache` (see `parse::Cache`).
pub fn load_from(dir: source::BookDir, cache: Option<&parse::Cache>) -> Result<Loaded, Diagnostics> {
    // The chapter cache checks a chapter's images against the directory's record of them.
    let cache = cache.filter(|_| dir.recording());
    let book_dir = dir.root().to_path_buf();
    let book_dir = book_dir.as_path();
    let mut diags = Diagnostics::default();
    let mut warnings = Vec::new();
    let file = match dir.read_text(config::CONFIG_FILE, None, &mut warnings) {
        Ok(f) => f,
        Err(mut d) => {
            if d.code == Some(diag::Code::MissingFile) {
                d = Diagnostic::error(format!("no book.toml in `{}`", book_dir.display()))
                    .help("run quire in the book's directory or pass --book DIR; README.md shows a minimal book.toml");
            }
            return Err(Diagnostics(vec![d]));
        }
    };
    warnings.into_iter().for_each(|w| diags.push(w));
    let config = match config::parse(&file.text) {
        Ok(c) => c,
        Err(errs) => {
            errs.into_iter().for_each(|e| diags.push(e));
            return Err(diags);
        }
    };
    let (book, parse_diags) = parse::parse_book(&dir, &config, cache);
    diags.extend(parse_diags);
    let fonts = match text::fonts::FontSet::load(&dir, &config) {
        Ok(f) => Some(f),
        Err(errs) => {
            errs.into_iter().for_each(|e| diags.push(e));
            None
        }
    };
    let mut fonts = fonts;
    if let Some(f) = &mut fonts {
        let at = diag::Location { file: config::CONFIG_FILE.to_string(), line: 1, column: 1, line_text: String::new() };
        let brk = config.config.typography.section_break.clone();
        let extra: Vec<(String, diag::Location)> = config.section_break().map(|t| (t, config.location(brk.span()))).into_iter().collect();
        let (found, used) = text::coverage::check(&book, f, at, &extra);
        found.into_iter().for_each(|e| diags.push(e));
        // Only the fallback fonts the book's text needs are kept (shaped from, embedded, named).
        f.fonts.retain(|font| !font.face.is_fallback() || used.contains(&font.face));
    }
    let mut css_warnings = Vec::new();
    let stylesheet = parse::stylesheet::load(&dir, &config, &mut css_warnings).unwrap_or_else(|errs| {
        errs.into_iter().for_each(|e| diags.push(e));
        None
    });
    css_warnings.into_iter().for_each(|w| diags.push(w));
    in_manuscript_order(&mut diags, &config);
    match fonts {
        Some(fonts) if !diags.has_errors() => Ok(Loaded { dir, config, book, fonts, stylesheet, warnings: diags }),
        _ => Err(diags),
    }
}

/// Sorts problems as an author reads the book: book.toml first, then each manuscript file in
/// contents order, by line and column (links, which are resolved after every file is read, and
/// glyph coverage, checked last, land in their places). The sort is stable.
fn in_manuscript_order(diags: &mut Diagnostics, config: &config::BookConfig) {
    let mut rank: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (i, f) in config.config.contents.get_ref().files().enumerate() {
        rank.entry(f).or_insert(i);
    }
    diags.0.sort_by_key(|d| match &d.location {
        None => (0, 0, 0),
        Some(l) if l.file == config::CONFIG_FILE => (1, l.line, l.column),
        Some(l) => (2 + rank.get(l.file.as_str()).copied().unwrap_or(rank.len()), l.line, l.column),
    });
}

pub use output::{SUMS_FILE, build, check_out_dir, configured_out_dir, prepare, sha256sums, write};
pub use render::{BuildReport, Rendered, Target, colophon_facts, render, typeset, typeset_profile};
pub use verify::{Verdict, verify};
