//! quire: a publication builder. Manuscript Markdown + book.toml → EPUB 3 and typeset PDF.
//!
//! Stages (see ARCHITECTURE.md): config → source → parse → model → writers.

// A `Diagnostic` (message, location, help, related places) is the error of every fallible
// function; it is built once on a rare path, so its size is not worth a box.
#![allow(clippy::result_large_err)]

pub mod bench;
pub mod cite;
pub mod config;
pub mod diag;
pub mod i18n;
pub mod ids;
pub mod layout;
pub mod model;
pub mod numbering;
pub mod outline;
pub mod parse;
pub mod pdf;
pub mod source;
pub mod stats;
pub mod text;
mod verify;

use diag::{Diagnostic, Diagnostics};
use std::path::Path;

/// A loaded book: its configuration, model and the warnings found while loading.
pub struct Loaded {
    pub dir: source::BookDir,
    pub config: config::BookConfig,
    pub book: model::Book,
    /// The book's fonts (loaded once; glyph coverage is checked against them at load).
    pub fonts: text::fonts::FontSet,
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
    let (book, parse_diags) = parse::parse_book(&dir, &config);
    diags.extend(parse_diags);
    let fonts = match text::fonts::FontSet::load(&dir, &config) {
        Ok(f) => Some(f),
        Err(errs) => {
            errs.into_iter().for_each(|e| diags.push(e));
            None
        }
    };
    if let Some(f) = &fonts {
        let at = diag::Location { file: config::CONFIG_FILE.to_string(), line: 1, column: 1, line_text: String::new() };
        text::coverage::check(&book, f, at).into_iter().for_each(|e| diags.push(e));
    }
    match fonts {
        Some(fonts) if !diags.has_errors() => Ok(Loaded { dir, config, book, fonts, warnings: diags }),
        _ => Err(diags),
    }
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
pub fn geometry(p: &config::PdfProfile) -> layout::Geometry {
    layout::Geometry {
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
        paragraph_numbers: false,
    }
}

/// Lays out the book for print in the reference profile.
pub fn typeset(loaded: &Loaded, fonts: &text::fonts::FontSet) -> Result<layout::Layout, Diagnostics> {
    typeset_profile(loaded, fonts, &loaded.config.profiles[loaded.config.reference])
}

/// Lays out the book for print in one profile.
pub fn typeset_profile(loaded: &Loaded, fonts: &text::fonts::FontSet, p: &config::PdfProfile) -> Result<layout::Layout, Diagnostics> {
    let mut g = geometry(p);
    g.paragraph_numbers = loaded.config.config.edition.paragraph_numbers;
    let ed = cite::Edition::new(&loaded.book, &loaded.config, None);
    let extras = layout::book::Extras { colophon: colophon_facts(loaded, &ed), cite: ed.how_to_cite(&loaded.book) };
    let before = stats::get();
    let t = std::time::Instant::now();
    let r = layout::book::layout(&loaded.book, &loaded.dir, fonts, g, loaded.config.config.typography.min_hyphenate_name, &extras)
        .map_err(Diagnostics);
    let after = stats::get();
    let inner: std::time::Duration = [stats::Stage::Shaping, stats::Stage::LineBreaking, stats::Stage::Setting]
        .iter()
        .map(|s| after[*s as usize] - before[*s as usize])
        .sum();
    stats::add(stats::Stage::Layout, t.elapsed().saturating_sub(inner));
    r
}

/// Colophon facts shared by the EPUB and the PDF: version, source, print edition, fingerprint.
pub fn colophon_facts(loaded: &Loaded, ed: &cite::Edition) -> Vec<String> {
    colophon_pairs(loaded, ed).into_iter().map(|(k, v)| format!("{k}: {v}")).collect()
}

fn colophon_pairs(loaded: &Loaded, ed: &cite::Edition) -> Vec<(String, String)> {
    let mut v = Vec::new();
    if let Some(ver) = &ed.version {
        v.push((i18n::t(&loaded.book.meta.language, i18n::Key::Version).to_string(), ver.clone()));
    }
    if let Some(src) = &ed.source {
        v.push((i18n::t(&loaded.book.meta.language, i18n::Key::Source).to_string(), src.clone()));
    }
    v.push((i18n::t(&loaded.book.meta.language, i18n::Key::ReferencePrint).to_string(), ed.print.clone()));
    v.push((i18n::t(&loaded.book.meta.language, i18n::Key::Fingerprint).to_string(), loaded.book.meta.fingerprint.clone()));
    v
}

/// Renders every requested output in memory (nothing is written): the files, with
/// `SHA256SUMS` listing them, and the layout report.
pub fn prepare(loaded: &Loaded, out_dir: &Path, targets: &[Target], profile: Option<&str>) -> Result<Rendered, Diagnostics> {
    check_out_dir(loaded, out_dir).map_err(|d| Diagnostics(vec![d]))?;
    let mut files = render(loaded, targets, profile)?;
    let sums = sha256sums(&files.files);
    files.files.push((SUMS_FILE.to_string(), sums.into_bytes()));
    Ok(files)
}

/// Writes rendered outputs into `out_dir` as one change (see [`output::publish`]).
pub fn write(rendered: Rendered, out_dir: &Path) -> Result<Vec<std::path::PathBuf>, Diagnostics> {
    output::publish(out_dir, &rendered.files).map_err(|d| Diagnostics(vec![d]))
}

/// Builds the requested outputs into `out_dir`: every output is produced in memory first, then
/// all are written as one change. Besides the EPUB and PDFs, the citation files and
/// `SHA256SUMS` (listing every output) are written.
pub fn build(loaded: &Loaded, out_dir: &Path, targets: &[Target], profile: Option<&str>) -> Result<BuildReport, Diagnostics> {
    let rendered = prepare(loaded, out_dir, targets, profile)?;
    let mut report =
        BuildReport { layouts: rendered.report.layouts.clone(), warnings: rendered.report.warnings.clone(), written: Vec::new() };
    report.written = write(rendered, out_dir)?;
    Ok(report)
}

/// The output directory book.toml names (`[output] dir`), which must stay inside the book
/// directory even through symbolic links: a downloaded book may not write elsewhere. (The
/// command line's `--out` may point anywhere.)
pub fn configured_out_dir(loaded: &Loaded) -> Result<std::path::PathBuf, Diagnostic> {
    let rel = loaded.config.config.output.dir.get_ref();
    let dir = loaded.dir.root().join(rel);
    let real = output::resolve_lexically(&dir);
    if !real.starts_with(loaded.dir.canonical_root()) {
        return Err(Diagnostic::error(format!("[output] dir `{rel}` leads outside the book directory (to `{}`)", real.display()))
            .at(loaded.config.location(loaded.config.config.output.dir.span()))
            .help("make it a plain folder inside the book, or pass --out DIR to write elsewhere on purpose"));
    }
    Ok(dir)
}

/// Refuses an output directory that is the book directory or lies among the manuscript files
/// (a build there would mix outputs into the sources, and a later build could read them).
pub fn check_out_dir(loaded: &Loaded, out_dir: &Path) -> Result<(), Diagnostic> {
    let out = output::resolve_lexically(out_dir);
    let root = loaded.dir.canonical_root().to_path_buf();
    if out == root {
        return Err(Diagnostic::error(format!("output directory `{}` is the book directory", out_dir.display()))
            .help("write outputs to a directory of their own, e.g. --out out"));
    }
    for ch in loaded.book.chapters() {
        let dir = root.join(&ch.file).parent().map(Path::to_path_buf).unwrap_or_else(|| root.clone());
        let inside = if dir == root { out == root } else { out.starts_with(&dir) };
        if inside {
            return Err(Diagnostic::error(format!(
                "output directory `{}` is inside the manuscript (beside `{}`)",
                out_dir.display(),
                ch.file
            ))
            .help("choose an output directory outside the manuscript folders, e.g. --out out"));
        }
    }
    Ok(())
}

/// The name of the checksum file written beside the outputs.
pub const SUMS_FILE: &str = "SHA256SUMS";

/// `sha256sum`-compatible lines for the files, sorted by name.
pub fn sha256sums(files: &[(String, Vec<u8>)]) -> String {
    let mut lines: Vec<String> = files.iter().map(|(n, b)| format!("{}  {n}\n", ids::sha256_hex(b))).collect();
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    lines.concat()
}

/// Outputs rendered in memory.
pub struct Rendered {
    pub files: Vec<(String, Vec<u8>)>,
    pub report: BuildReport,
}

/// Renders the requested outputs in memory.
pub fn render(loaded: &Loaded, targets: &[Target], profile: Option<&str>) -> Result<Rendered, Diagnostics> {
    let fonts = &loaded.fonts;
    let cfg = &loaded.config;
    let stem = cfg.stem();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut report = BuildReport::default();
    let profiles: Vec<&config::PdfProfile> = if !targets.contains(&Target::Pdf) {
        Vec::new()
    } else {
        match profile {
            Some(name) => {
                let found: Vec<_> = cfg.profiles.iter().filter(|p| p.name == name).collect();
                if found.is_empty() {
                    let names: Vec<&str> = cfg.profiles.iter().map(|p| p.name.as_str()).collect();
                    return Err(Diagnostics(vec![Diagnostic::error(format!("no PDF profile `{name}` in book.toml")).help(format!(
                        "profiles of this book: {}",
                        if names.iter().all(|n| n.is_empty()) { "none (drop --profile)".to_string() } else { names.join(", ") }
                    ))]));
                }
                found
            }
            None => cfg.profiles.iter().collect(),
        }
    };
    // The reference print edition is laid out first: the EPUB's page list and the citations'
    // page ranges come from it.
    let reference = &cfg.profiles[cfg.reference];
    let ref_layout = typeset_profile(loaded, fonts, reference)?;
    let ed = cite::Edition::new(&loaded.book, cfg, Some(&ref_layout));
    let cite_text = ed.how_to_cite(&loaded.book);
    // The EPUB and each PDF are independent jobs: run them on every core, collect in order.
    enum Job<'p> {
        Epub,
        Pdf(&'p config::PdfProfile),
    }
    type Done = Result<(String, Vec<u8>, Option<(String, layout::Report, pdf::Conformance)>), Diagnostics>;
    let mut jobs: Vec<Job> = Vec::new();
    if targets.contains(&Target::Epub) {
        jobs.push(Job::Epub);
    }
    jobs.extend(profiles.iter().map(|p| Job::Pdf(p)));
    let run = |job: &Job| -> Done {
        match job {
            Job::Epub => {
                let edition = epub::Edition {
                    paragraph_numbers: cfg.config.edition.paragraph_numbers,
                    pages: Some(&ref_layout.map),
                    page_source: Some(format!("{}, {}", loaded.book.meta.identifier, ed.print)),
                    colophon: colophon_pairs(loaded, &ed),
                    cite: cite_text.clone(),
                };
                let bytes = stats::time(stats::Stage::Epub, || epub::build(&loaded.book, &loaded.dir, fonts, &edition))
                    .map_err(|d| Diagnostics(vec![d]))?;
                Ok((format!("{stem}.epub"), bytes, None))
            }
            Job::Pdf(p) => {
                let owned;
                let lay = if std::ptr::eq(*p, reference) {
                    &ref_layout
                } else {
                    owned = typeset_profile(loaded, fonts, p)?;
                    &owned
                };
                let (bytes, conf) = stats::time(stats::Stage::Pdf, || pdf::write(&loaded.book, &loaded.dir, fonts, lay, p))
                    .map_err(|d| Diagnostics(vec![d]))?;
                Ok((cfg.pdf_name(p), bytes, Some((p.name.clone(), lay.report.clone(), conf))))
            }
        }
    };
    // With one PDF the EPUB is the short job and threads cost more (allocator arenas, memory)
    // than they save; several profiles are laid out and written in parallel.
    let cores = std::env::var("QUIRE_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .or_else(|| std::thread::available_parallelism().map(|n| n.get()).ok())
        .unwrap_or(1);
    // Two threads halve the wall time of a short book, but on long books the EPUB and PDF
    // writers then compete for memory bandwidth and the PDF slows down by a third (measured:
    // BENCHMARKS.md); several profiles always run in parallel.
    let workers = if jobs.len() >= 3 || ref_layout.pages.len() < 100 { cores.min(jobs.len()).max(1) } else { 1 };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<(usize, Done)>> = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|sc| {
        for _ in 0..workers {
            sc.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(job) = jobs.get(i) else { break };
                    let r = run(job);
                    if let Ok(mut v) = results.lock() {
                        v.push((i, r));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(i, _)| *i);
    for (_, r) in results {
        let (name, bytes, lay) = r?;
        files.push((name, bytes));
        if let Some(l) = lay {
            if report.layouts.is_empty() {
                // Warnings about the manuscript are the same in every profile.
                report.warnings.0.extend(l.1.warnings.clone());
            }
            report.layouts.push(l);
        }
    }
    // Citation files for the edition and each letter.
    stats::time(stats::Stage::Citations, || {
        files.push(("CITATION.cff".to_string(), ed.cff().into_bytes()));
        files.push((format!("{stem}.bib"), ed.bibtex().into_bytes()));
        files.push((format!("{stem}.csl.json"), ed.csl_json().into_bytes()));
        files.push((format!("{stem}.ris"), ed.ris().into_bytes()));
    });
    Ok(Rendered { files, report })
}

pub use verify::{Verdict, verify};
