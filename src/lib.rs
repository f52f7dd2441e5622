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
pub mod pdf;
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

/// What a build produced besides the files: the PDF's layout report.
#[derive(Default)]
pub struct BuildReport {
    pub written: Vec<std::path::PathBuf>,
    pub layout: Option<layout::Report>,
    pub conformance: Option<pdf::Conformance>,
    pub warnings: Diagnostics,
}

/// The page geometry book.toml asks for.
pub fn geometry(cfg: &config::BookConfig) -> layout::book::Geometry {
    let t = &cfg.config.typography;
    layout::book::Geometry {
        width: cfg.page_size.0,
        height: cfg.page_size.1,
        top: cfg.margins[0],
        bottom: cfg.margins[1],
        inner: cfg.margins[2],
        outer: cfg.margins[3],
        body: t.body_size,
        leading: t.leading,
    }
}

/// Lays out the book for print.
pub fn typeset(loaded: &Loaded, fonts: &text::fonts::FontSet) -> Result<layout::Layout, Diagnostics> {
    let g = geometry(&loaded.config);
    layout::book::layout(&loaded.book, &loaded.dir, fonts, g, loaded.config.config.typography.min_hyphenate_name).map_err(Diagnostics)
}

/// Builds the requested outputs into `out_dir`. Every output is produced in memory first; files
/// are written only when all of them succeeded.
pub fn build(loaded: &Loaded, out_dir: &Path, targets: &[Target]) -> Result<BuildReport, Diagnostics> {
    let fonts = text::fonts::FontSet::load(&loaded.dir, &loaded.config).map_err(Diagnostics)?;
    let stem = loaded.config.stem();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut report = BuildReport::default();
    for t in targets {
        match t {
            Target::Epub => {
                let bytes = epub::build(&loaded.book, &loaded.dir, &fonts).map_err(|d| Diagnostics(vec![d]))?;
                files.push((format!("{stem}.epub"), bytes));
            }
            Target::Pdf => {
                let lay = typeset(loaded, &fonts)?;
                let (bytes, conf) = pdf::write(&loaded.book, &loaded.dir, &fonts, &lay).map_err(|d| Diagnostics(vec![d]))?;
                files.push((format!("{stem}.pdf"), bytes));
                report.conformance = Some(conf);
                report.warnings.0.extend(lay.report.warnings.clone());
                report.layout = Some(lay.report);
            }
        }
    }
    output::prepare_dir(out_dir).map_err(|d| Diagnostics(vec![d]))?;
    for (name, bytes) in files {
        report.written.push(output::write_atomic(out_dir, &name, &bytes).map_err(|d| Diagnostics(vec![d]))?);
    }
    Ok(report)
}
