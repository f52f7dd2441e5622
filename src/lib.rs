//! quire: a publication builder. Manuscript Markdown + book.toml → EPUB 3 and typeset PDF.
//!
//! Stages (see ARCHITECTURE.md): config → source → parse → model → writers.

pub mod config;
pub mod diag;
pub mod source;
pub mod text;
pub mod ids;
pub mod layout;
pub mod model;
pub mod parse;
pub mod outline;

use diag::{Diagnostic, Diagnostics};
use std::path::Path;

/// A loaded book: its configuration, model and the warnings found while loading.
pub struct Loaded {
    pub dir: source::BookDir,
    pub config: config::BookConfig,
    pub book: model::Book,
    pub warnings: Diagnostics,
}

/// Reads book.toml and the manuscript of the book in `book_dir`.
/// On failure returns every diagnostic (errors and warnings).
pub fn load(book_dir: &Path) -> Result<Loaded, Diagnostics> {
    let mut diags = Diagnostics::default();
    let dir = source::BookDir::open(book_dir).map_err(|d| Diagnostics(vec![d]))?;
    let mut warnings = Vec::new();
    let file = match dir.read_text(config::CONFIG_FILE, None, &mut warnings) {
        Ok(f) => f,
        Err(mut d) => {
            if d.message.contains("does not exist") {
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
    let (book, parse_diags) = parse::parse_book(&dir, &config);
    diags.extend(parse_diags);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Loaded { dir, config, book, warnings: diags })
}
pub mod epub;
pub mod output;

/// What `quire build` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Epub,
    Pdf,
}

/// Builds the requested outputs into `out_dir`. Every output is produced in memory first; files
/// are written only when all of them succeeded.
pub fn build(loaded: &Loaded, out_dir: &Path, targets: &[Target]) -> Result<Vec<std::path::PathBuf>, Diagnostics> {
    let fonts = text::fonts::FontSet::load(&loaded.dir, &loaded.config).map_err(Diagnostics)?;
    let stem = loaded.config.stem();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for t in targets {
        match t {
            Target::Epub => {
                let bytes = epub::build(&loaded.book, &loaded.dir, &fonts).map_err(|d| Diagnostics(vec![d]))?;
                files.push((format!("{stem}.epub"), bytes));
            }
            Target::Pdf => {
                return Err(Diagnostics(vec![Diagnostic::error("the PDF writer is not implemented yet")
                    .help("build the EPUB with --format epub")]));
            }
        }
    }
    output::prepare_dir(out_dir).map_err(|d| Diagnostics(vec![d]))?;
    let mut written = Vec::new();
    for (name, bytes) in files {
        written.push(output::write_atomic(out_dir, &name, &bytes).map_err(|d| Diagnostics(vec![d]))?);
    }
    Ok(written)
}
