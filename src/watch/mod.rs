//! Building in a loop: one build as `quire build` does it ([`build`]), and `quire watch`, which
//! rebuilds after every save of a file the book reads (book.toml, a chapter, an image, a font,
//! the stylesheet — found out by `source`, so nothing else triggers a build), keeping the set
//! paragraphs of earlier builds warm (`layout::Warm`: the same bytes as a cold build). A build
//! with errors writes nothing, so the previous outputs stay.

pub mod serve;

use crate::diag::{Diagnostic, Diagnostics};
/// What a long-running process keeps between builds: parsed chapters and set paragraphs. A
/// build with them writes the same bytes as one without.
#[derive(Default)]
pub struct Caches {
    pub chapters: crate::parse::Cache,
    pub paragraphs: crate::layout::Warm,
}
use crate::{Target, output};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to build, as the command line says it.
#[derive(Clone, Default)]
pub struct Options {
    pub book: PathBuf,
    /// `--out` (default: book.toml `[output] dir`).
    pub out: Option<PathBuf>,
    /// `--format` (default: book.toml `[output] formats`).
    pub targets: Option<Vec<Target>>,
    /// Built besides those (`quire serve` adds the HTML edition).
    pub also: Vec<Target>,
    pub profile: Option<String>,
    pub deny_warnings: bool,
}

/// What one build did.
#[derive(Default)]
pub struct Outcome {
    /// Errors and warnings, in manuscript order.
    pub diagnostics: Diagnostics,
    /// Why nothing was written, when nothing was.
    pub failure: Option<&'static str>,
    pub written: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
    pub out_dir: Option<PathBuf>,
    /// The output file names (relative to the output directory).
    pub files: Vec<String>,
    /// The layout report of each PDF profile.
    pub layouts: Vec<(String, crate::layout::Report, crate::pdf::Conformance)>,
    /// Every file the book asked for (what a watcher watches).
    pub asked: BTreeSet<PathBuf>,
    pub elapsed: Duration,
}

/// The targets book.toml asks for.
fn configured(loaded: &crate::Loaded) -> Vec<Target> {
    use crate::config::Format;
    loaded
        .config
        .config
        .output
        .formats
        .iter()
        .map(|f| match f {
            Format::Epub => Target::Epub,
            Format::Pdf => Target::Pdf,
            Format::Html => Target::Html,
        })
        .collect()
}

/// One build: load, render in memory (reusing `warm`), deny warnings if asked, then write every
/// output as one change.
pub fn build(opts: &Options, warm: Option<&Caches>) -> Outcome {
    let t = Instant::now();
    let mut o = Outcome::default();
    run(opts, warm, &mut o);
    o.elapsed = t.elapsed();
    o
}

fn run(opts: &Options, warm: Option<&Caches>, o: &mut Outcome) {
    let dir = match crate::source::BookDir::open_recording(&opts.book) {
        Ok(d) => d,
        Err(d) => {
            o.diagnostics.push(d);
            o.failure = Some("the book has errors; nothing was written");
            return;
        }
    };
    let loaded = match crate::load_from(dir.clone(), warm.map(|w| &w.chapters)) {
        Ok(l) => l,
        Err(d) => {
            o.diagnostics = d;
            o.failure = Some("the book has errors; nothing was written");
            // What it asked for so far (book.toml at least, and a chapter file that is missing).
            o.asked = dir.files_asked();
            o.asked.insert(dir.canonical_root().join(crate::config::CONFIG_FILE));
            return;
        }
    };
    o.diagnostics.extend(loaded.warnings.clone());
    let out_dir = match opts.out.clone().map(Ok).unwrap_or_else(|| output::configured_out_dir(&loaded)) {
        Ok(d) => d,
        Err(d) => {
            o.diagnostics.push(d);
            o.failure = Some("nothing was written");
            return;
        }
    };
    o.out_dir = Some(out_dir.clone());
    let mut targets = opts.targets.clone().unwrap_or_else(|| configured(&loaded));
    for t in &opts.also {
        if !targets.contains(t) {
            targets.push(*t);
        }
    }
    if opts.deny_warnings && !o.diagnostics.is_empty() {
        o.failure = Some("warnings are denied (--deny-warnings); nothing was written");
        return;
    }
    let rendered = output::prepare_warm(&loaded, &out_dir, &targets, opts.profile.as_deref(), warm.map(|w| &w.paragraphs));
    o.asked = loaded.dir.files_asked();
    let rendered = match rendered {
        Ok(r) => r,
        Err(d) => {
            o.diagnostics.extend(d);
            o.failure = Some("the build failed; nothing was written");
            return;
        }
    };
    o.diagnostics.extend(rendered.report.warnings.clone());
    o.layouts = rendered.report.layouts.clone();
    if opts.deny_warnings && !rendered.report.warnings.is_empty() {
        o.failure = Some("warnings are denied (--deny-warnings); nothing was written");
        return;
    }
    o.files = rendered.files.iter().map(|(n, _)| n.clone()).collect();
    match output::publish(&out_dir, &rendered.files) {
        Ok(p) => {
            o.written = p.written;
            o.unchanged = p.unchanged;
        }
        Err(d) => {
            o.diagnostics.push(d);
            o.failure = Some("the build failed; nothing was written");
        }
    }
}

/// Whether a file event concerns the book: a file it reads (or asked for and did not find).
fn concerns(path: &Path, asked: &BTreeSet<PathBuf>) -> bool {
    asked.contains(path)
}

/// The directories to watch for the files asked: each one's directory, or its nearest
/// ancestor that exists.
fn dirs_to_watch(asked: &BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
    asked
        .iter()
        .filter_map(|p| {
            let mut d = p.parent()?.to_path_buf();
            while !d.is_dir() {
                d = d.parent()?.to_path_buf();
            }
            Some(d)
        })
        .collect()
}

/// How long the files must be quiet before a build starts (editors save in bursts).
const QUIET: Duration = Duration::from_millis(60);

/// Builds, then rebuilds whenever a file the book reads changes, until the process ends.
/// `after` sees each build's outcome.
pub fn watch(opts: &Options, mut after: impl FnMut(&Outcome)) -> Result<(), Diagnostic> {
    use notify::{RecursiveMode, Watcher};
    let fail = |e: notify::Error| {
        Diagnostic::error(format!("cannot watch the book's files: {e}"))
            .help("on Linux, raise fs.inotify.max_user_watches, or build with `quire build`")
    };
    let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(move |ev| {
        let _ = tx.send(ev);
    })
    .map_err(fail)?;
    let warm = Caches::default();
    let mut asked: BTreeSet<PathBuf> = BTreeSet::new();
    let mut watching: BTreeSet<PathBuf> = BTreeSet::new();
    loop {
        let o = build(opts, Some(&warm));
        // A book that failed early asked for less: keep watching what the last good one read.
        asked.extend(o.asked.iter().cloned());
        if o.failure.is_none() {
            asked = o.asked.clone();
        }
        let dirs = dirs_to_watch(&asked);
        for d in watching.difference(&dirs) {
            let _ = watcher.unwatch(d);
        }
        // A directory that went away in the meantime is simply not watched.
        let mut now = BTreeSet::new();
        for d in dirs {
            if watching.contains(&d) || watcher.watch(&d, RecursiveMode::NonRecursive).is_ok() {
                now.insert(d);
            }
        }
        if now.is_empty() {
            return Err(fail(notify::Error::generic("no directory of the book could be watched")));
        }
        watching = now;
        after(&o);
        // Wait for a change to a file the book reads, then for the saves to settle.
        loop {
            let Ok(ev) = rx.recv() else { return Ok(()) };
            let Ok(ev) = ev else { continue };
            if matches!(ev.kind, notify::EventKind::Access(_)) || !ev.paths.iter().any(|p| concerns(p, &asked)) {
                continue;
            }
            while rx.recv_timeout(QUIET).is_ok() {}
            break;
        }
    }
}
