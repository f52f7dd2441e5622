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
    /// Layout report and conformance of each PDF profile built, by profile name.
    pub layouts: Vec<(String, layout::Report, pdf::Conformance)>,
    pub warnings: Diagnostics,
}

/// The page geometry of a PDF profile.
pub fn geometry(p: &config::PdfProfile) -> layout::book::Geometry {
    layout::book::Geometry {
        width: p.width,
        height: p.height,
        top: p.margins[0],
        bottom: p.margins[1],
        inner: p.margins[2],
        outer: p.margins[3],
        body: p.body,
        leading: p.leading,
        recto_openings: p.recto_openings,
        blank_pages: p.blank_pages,
        pad_to: p.pad_to,
        line_numbers: p.line_numbers,
        teacher_page: p.teacher_page,
    }
}

/// Lays out the book for print in the reference profile.
pub fn typeset(loaded: &Loaded, fonts: &text::fonts::FontSet) -> Result<layout::Layout, Diagnostics> {
    typeset_profile(loaded, fonts, &loaded.config.profiles[loaded.config.reference])
}

/// Lays out the book for print in one profile.
pub fn typeset_profile(loaded: &Loaded, fonts: &text::fonts::FontSet, p: &config::PdfProfile) -> Result<layout::Layout, Diagnostics> {
    layout::book::layout(&loaded.book, &loaded.dir, fonts, geometry(p), loaded.config.config.typography.min_hyphenate_name).map_err(Diagnostics)
}

/// Builds the requested outputs into `out_dir`. Every output is produced in memory first; files
/// are written only when all of them succeeded.
pub fn build(loaded: &Loaded, out_dir: &Path, targets: &[Target], profile: Option<&str>) -> Result<BuildReport, Diagnostics> {
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
                let profiles: Vec<&config::PdfProfile> = match profile {
                    Some(name) => {
                        let found: Vec<_> = loaded.config.profiles.iter().filter(|p| p.name == name).collect();
                        if found.is_empty() {
                            let names: Vec<&str> = loaded.config.profiles.iter().map(|p| p.name.as_str()).collect();
                            return Err(Diagnostics(vec![Diagnostic::error(format!("no PDF profile `{name}` in book.toml"))
                                .help(format!("profiles of this book: {}", if names.iter().all(|n| n.is_empty()) { "none (drop --profile)".to_string() } else { names.join(", ") }))]));
                        }
                        found
                    }
                    None => loaded.config.profiles.iter().collect(),
                };
                for (i, p) in profiles.iter().enumerate() {
                    let lay = typeset_profile(loaded, &fonts, p)?;
                    let (bytes, conf) = pdf::write(&loaded.book, &loaded.dir, &fonts, &lay, p).map_err(|d| Diagnostics(vec![d]))?;
                    files.push((loaded.config.pdf_name(p), bytes));
                    if i == 0 {
                        // Warnings about the manuscript are the same in every profile.
                        report.warnings.0.extend(lay.report.warnings.clone());
                    }
                    report.layouts.push((p.name.clone(), lay.report, conf));
                }
            }
        }
    }
    output::prepare_dir(out_dir).map_err(|d| Diagnostics(vec![d]))?;
    for (name, bytes) in files {
        report.written.push(output::write_atomic(out_dir, &name, &bytes).map_err(|d| Diagnostics(vec![d]))?);
    }
    Ok(report)
}
