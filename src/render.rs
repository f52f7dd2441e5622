//! Rendering in memory: the reference layout, then the EPUB and each PDF as independent jobs
//! on all cores (collected in job order, so outputs never depend on scheduling), then the
//! citation files. Nothing here writes a file.

use crate::diag::{Diagnostic, Diagnostics};
use crate::{Loaded, cite, config, epub, html, i18n, layout, pdf, stats, text};

/// What `quire build` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Epub,
    Pdf,
    /// The HTML edition, a directory `<stem>-html/`.
    Html,
}

/// What a build produced besides the files: the PDF's layout report.
#[derive(Default)]
pub struct BuildReport {
    pub written: Vec<std::path::PathBuf>,
    /// Layout report and conformance of each PDF profile built, by profile name.
    pub layouts: Vec<(String, layout::Report, pdf::Conformance)>,
    pub warnings: Diagnostics,
}

/// Lays out the book for print in the reference profile.
pub fn typeset(loaded: &Loaded, fonts: &text::fonts::FontSet) -> Result<layout::Layout, Diagnostics> {
    typeset_profile(loaded, fonts, &loaded.config.profiles[loaded.config.reference])
}

/// Lays out the book for print in one profile.
pub fn typeset_profile(loaded: &Loaded, fonts: &text::fonts::FontSet, p: &config::PdfProfile) -> Result<layout::Layout, Diagnostics> {
    typeset_warm(loaded, fonts, p, None)
}

/// Lays out the book for print in one profile, with set paragraphs kept from earlier builds.
fn typeset_warm(
    loaded: &Loaded,
    fonts: &text::fonts::FontSet,
    p: &config::PdfProfile,
    warm: Option<&layout::Warm>,
) -> Result<layout::Layout, Diagnostics> {
    let g = layout::Geometry::from(p);
    let ed = cite::Edition::new(&loaded.book, &loaded.config, None);
    let note = loaded.config.config.edition.as_ref().and_then(|e| e.teacher_note.as_deref()).unwrap_or("");
    let extras = layout::book::Extras {
        colophon: colophon_pairs(loaded, &ed),
        cite: cite_page(loaded, &ed),
        section_break: loaded.config.section_break(),
        teacher_note: note.split("\n\n").map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|p| !p.is_empty()).collect(),
    };
    let before = stats::this_thread();
    let t = std::time::Instant::now();
    let r = layout::book::layout(&loaded.book, &loaded.dir, fonts, g, loaded.config.config.typography.min_hyphenate_name, &extras, warm)
        .map_err(Diagnostics);
    let after = stats::this_thread();
    let inner: std::time::Duration = [stats::Stage::Shaping, stats::Stage::LineBreaking, stats::Stage::Setting]
        .iter()
        .map(|s| after[*s as usize] - before[*s as usize])
        .sum();
    stats::add(stats::Stage::Layout, t.elapsed().saturating_sub(inner));
    r
}

/// The paragraphs of "How to cite this edition", when the book has that page.
fn cite_page(loaded: &Loaded, ed: &cite::Edition) -> Vec<Vec<crate::model::Inline>> {
    if loaded.config.citable().how_to_cite { ed.how_to_cite(&loaded.book) } else { Vec::new() }
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
    let citable = loaded.config.citable();
    // The print edition page numbers refer to, when something refers to them.
    if citable.page_list || citable.how_to_cite || citable.citation_files {
        v.push((i18n::t(&loaded.book.meta.language, i18n::Key::ReferencePrint).to_string(), ed.print.clone()));
    }
    if citable.checksums {
        v.push((i18n::t(&loaded.book.meta.language, i18n::Key::Fingerprint).to_string(), loaded.book.meta.fingerprint.clone()));
    }
    v
}

/// Outputs rendered in memory.
pub struct Rendered {
    pub files: Vec<(String, Vec<u8>)>,
    pub report: BuildReport,
}

/// Renders the requested outputs in memory.
/// The PDF profiles to build: all, one by name (`--profile`), or none without a PDF target.
fn select_profiles<'c>(
    cfg: &'c config::BookConfig,
    targets: &[Target],
    profile: Option<&str>,
) -> Result<Vec<&'c config::PdfProfile>, Diagnostics> {
    if !targets.contains(&Target::Pdf) {
        return Ok(Vec::new());
    }
    let Some(name) = profile else { return Ok(cfg.profiles.iter().collect()) };
    let found: Vec<_> = cfg.profiles.iter().filter(|p| p.name == name).collect();
    if found.is_empty() {
        let names: Vec<&str> = cfg.profiles.iter().map(|p| p.name.as_str()).collect();
        let list = if names.iter().all(|n| n.is_empty()) { "none (drop --profile)".to_string() } else { names.join(", ") };
        return Err(Diagnostics(vec![
            Diagnostic::error(format!("no PDF profile `{name}` in book.toml")).help(format!("profiles of this book: {list}")),
        ]));
    }
    Ok(found)
}

/// Runs `jobs` on up to `workers` threads; results in job order.
fn run_jobs<J: Sync, R: Send>(jobs: &[J], workers: usize, run: impl Fn(&J) -> R + Sync) -> Vec<R> {
    if workers <= 1 {
        // On this thread: a second thread brings a second allocator arena (tens of MB of RSS).
        return jobs.iter().map(run).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<(usize, R)>> = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|sc| {
        for _ in 0..workers.max(1) {
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
    results.into_iter().map(|(_, r)| r).collect()
}

/// How many threads: `QUIRE_THREADS`, else the cores. With one PDF the EPUB is the short job,
/// and on long books the EPUB and PDF writers compete for memory bandwidth (the PDF slows by a
/// third, BENCHMARKS.md): two threads only for short books; several profiles always in parallel.
fn workers(jobs: usize, pages: usize) -> usize {
    let cores = std::env::var("QUIRE_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .or_else(|| std::thread::available_parallelism().map(|n| n.get()).ok())
        .unwrap_or(1);
    if jobs >= 3 || pages < 100 { cores.min(jobs).max(1) } else { 1 }
}

/// What a job rendered: files (name, bytes), and for a PDF its profile's report.
type Done = Result<(Vec<(String, Vec<u8>)>, Option<(String, layout::Report, pdf::Conformance)>), Diagnostics>;

/// Renders the requested outputs in memory.
pub fn render(loaded: &Loaded, targets: &[Target], profile: Option<&str>) -> Result<Rendered, Diagnostics> {
    render_warm(loaded, targets, profile, None)
}

/// Renders the requested outputs in memory, reusing (and refilling) `warm`'s set paragraphs.
/// The outputs are the same bytes as [`render`]'s.
pub fn render_warm(
    loaded: &Loaded,
    targets: &[Target],
    profile: Option<&str>,
    warm: Option<&layout::Warm>,
) -> Result<Rendered, Diagnostics> {
    let fonts = &loaded.fonts;
    if let Some(w) = warm {
        w.begin(fonts, &loaded.book.meta.language, loaded.config.config.typography.min_hyphenate_name);
    }
    let cfg = &loaded.config;
    let stem = cfg.stem();
    let profiles = select_profiles(cfg, targets, profile)?;
    // The reference print edition is laid out first: the EPUB's page list and the citations'
    // page ranges come from it. A book that refers to no pages builds its EPUB and HTML edition
    // without it (the same bytes either way: nothing else in them depends on pages).
    let reference = &cfg.profiles[cfg.reference];
    let citable = cfg.citable();
    let refers_to_pages = citable.page_list || citable.how_to_cite || citable.citation_files;
    let ref_layout = if refers_to_pages || !profiles.is_empty() { Some(typeset_warm(loaded, fonts, reference, warm)?) } else { None };
    let ed = cite::Edition::new(&loaded.book, cfg, ref_layout.as_ref());
    let cite_text = cite_page(loaded, &ed);
    // The EPUB and each PDF are independent jobs.
    let mut jobs: Vec<Option<&config::PdfProfile>> = Vec::new();
    // One package serves the EPUB and the HTML edition.
    let (want_epub, want_html) = (targets.contains(&Target::Epub), targets.contains(&Target::Html));
    if want_epub || want_html {
        jobs.push(None);
    }
    jobs.extend(profiles.iter().map(|p| Some(*p)));
    let run = |job: &Option<&config::PdfProfile>| -> Done {
        let Some(p) = job else {
            let edition = epub::Edition {
                paragraph_numbers: citable.paragraph_numbers,
                pages: ref_layout.as_ref().filter(|_| citable.page_list).map(|l| &l.map),
                page_source: citable.page_list.then(|| format!("{}, {}", loaded.book.meta.identifier, ed.print)),
                colophon: colophon_pairs(loaded, &ed),
                cite: cite_text.clone(),
                stylesheet: loaded.stylesheet.as_deref(),
                spaced: reference.text.spaced,
                section_break: cfg.section_break(),
            };
            let one = |d| Diagnostics(vec![d]);
            let pkg = stats::time(stats::Stage::Epub, || epub::package(&loaded.book, &loaded.dir, fonts, &edition)).map_err(one)?;
            let mut out = Vec::new();
            if want_epub {
                out.push((format!("{stem}.epub"), stats::time(stats::Stage::Epub, || epub::zip(&loaded.book, &pkg)).map_err(one)?));
            }
            if want_html {
                let site = stats::time(stats::Stage::Html, || html::site(&loaded.book, &pkg)).map_err(one)?;
                out.extend(site.into_iter().map(|(name, bytes)| (format!("{stem}-html/{name}"), bytes)));
            }
            return Ok((out, None));
        };
        let owned;
        let lay = if let Some(r) = ref_layout.as_ref().filter(|_| std::ptr::eq(*p, reference)) {
            r
        } else {
            owned = typeset_warm(loaded, fonts, p, warm)?;
            &owned
        };
        let (bytes, conf) =
            stats::time(stats::Stage::Pdf, || pdf::write(&loaded.book, &loaded.dir, fonts, lay, p)).map_err(|d| Diagnostics(vec![d]))?;
        let mut report = lay.report.clone();
        let mut out = vec![(cfg.pdf_name(p), bytes)];
        if let Some(thickness) = p.pdf.wrap {
            // The full cover of this printing: its spine from the page count just laid out.
            let pages = lay.pages.len() + usize::from(p.pdf.cover);
            let wrap = layout::wrap::cover_wrap(&loaded.book, &loaded.dir, fonts, p, pages, thickness);
            // The sheet holds its bleed: the PDF's TrimBox marks the cut inside it.
            let bled = layout::wrap::WrapGeometry::new(p, pages, thickness).bleed;
            let pdf = config::PdfOptions { bleed: 0.0, crop_marks: false, cover: false, bled, ..p.pdf };
            let sheet = config::PdfProfile { pdf, ..(*p).clone() };
            let (bytes, _) = stats::time(stats::Stage::Pdf, || pdf::write(&loaded.book, &loaded.dir, fonts, &wrap, &sheet))
                .map_err(|d| Diagnostics(vec![d]))?;
            report.warnings.extend(wrap.report.warnings);
            out.push((cfg.pdf_name(p).replace(".pdf", "-cover.pdf"), bytes));
        }
        Ok((out, Some((p.name.clone(), report, conf))))
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut report = BuildReport::default();
    for r in run_jobs(&jobs, workers(jobs.len(), ref_layout.as_ref().map_or(0, |l| l.pages.len())), run) {
        let (done, lay) = r?;
        files.extend(done);
        if let Some(l) = lay {
            if report.layouts.is_empty() {
                // Warnings about the manuscript are the same in every profile.
                report.warnings.0.extend(l.1.warnings.clone());
            }
            report.layouts.push(l);
        }
    }
    // Citation files for the edition and each letter.
    if citable.citation_files {
        stats::time(stats::Stage::Citations, || {
            files.push(("CITATION.cff".to_string(), ed.cff().into_bytes()));
            files.push((format!("{stem}.bib"), ed.bibtex().into_bytes()));
            files.push((format!("{stem}.csl.json"), ed.csl_json().into_bytes()));
            files.push((format!("{stem}.ris"), ed.ris().into_bytes()));
        });
    }
    // A build that set no paragraph (an EPUB or HTML edition of a book without page
    // references) leaves the store as it was.
    if let Some(w) = warm.filter(|_| ref_layout.is_some() || !profiles.is_empty()) {
        w.sweep();
    }
    Ok(Rendered { files, report })
}
