//! The `quire` command line.

#![allow(clippy::result_large_err)] // see lib.rs

use clap::{Parser, Subcommand, ValueEnum};
use quire::Target;
use quire::diag::Diagnostics;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "quire", version, about = "Builds a book from Markdown into EPUB 3 and a typeset PDF")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a new book: a commented book.toml, two chapters, a dedication and an image.
    Init {
        /// Where to make it (created if missing; default: the current directory).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The book's title (default: from the directory's name).
        #[arg(long)]
        title: Option<String>,
        /// The author's name (default: none; set it later in book.toml).
        #[arg(long)]
        author: Option<String>,
    },
    /// Validate book.toml and the manuscript, and print the book's outline.
    Check {
        /// The book directory (holding book.toml).
        #[arg(long, default_value = ".")]
        book: PathBuf,
        /// Treat warnings as errors (exit 1).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Benchmark: synthetic books of about 20, 200 and 2,000 pages built to EPUB and PDF, each in
    /// a fresh process; prints a Markdown table (see BENCHMARKS.md).
    Bench {
        /// The book whose manuscript is repeated.
        #[arg(long, default_value = ".")]
        book: PathBuf,
        /// Target sizes in pages, comma-separated.
        #[arg(long, default_value = "20,200,2000", value_delimiter = ',')]
        sizes: Vec<usize>,
        /// Builds per size (the median is reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Where the synthetic books are written (default: a temporary directory).
        #[arg(long)]
        work: Option<PathBuf>,
        /// Time warm rebuilds after a one-paragraph edit in the middle of the book (as `quire
        /// watch` and `quire serve` do them) instead of cold builds in fresh processes.
        #[arg(long)]
        incremental: bool,
    },
    /// One measured build (used by `bench`).
    #[command(hide = true)]
    BenchRun {
        #[arg(long)]
        book: PathBuf,
    },
    /// Rebuild every output in memory and check it against SHA256SUMS (exit 1 on a mismatch).
    Verify {
        /// The book directory (holding book.toml).
        #[arg(long, default_value = ".")]
        book: PathBuf,
        /// The output directory holding SHA256SUMS (default: book.toml [output] dir).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Rebuild the book whenever a file it reads is saved (book.toml, a chapter, an image, a font).
    Watch {
        #[command(flatten)]
        args: BuildFlags,
    },
    /// Serve the HTML edition on 127.0.0.1 and rebuild and reload it on every save.
    Serve {
        #[command(flatten)]
        args: BuildFlags,
        /// The port (0 picks a free one).
        #[arg(long, default_value_t = quire::watch::serve::DEFAULT_PORT)]
        port: u16,
    },
    /// Build the book's EPUB, PDFs and/or HTML edition.
    Build {
        #[command(flatten)]
        args: BuildFlags,
    },
}

/// What to build and where (shared by build, watch and serve).
#[derive(clap::Args)]
struct BuildFlags {
    /// The book directory (holding book.toml).
    #[arg(long, default_value = ".")]
    book: PathBuf,
    /// Output directory (default: book.toml [output] dir, relative to the book).
    #[arg(long)]
    out: Option<PathBuf>,
    /// What to build (default: book.toml [output] formats).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Build only this PDF profile (default: every profile in book.toml).
    #[arg(long)]
    profile: Option<String>,
    /// Treat warnings as errors (exit 1).
    #[arg(long)]
    deny_warnings: bool,
    /// Print only errors and warnings.
    #[arg(long)]
    quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Epub,
    Pdf,
    Html,
    /// EPUB, PDF and the HTML edition.
    All,
}

/// Prints to stdout; a closed pipe or a full disk ends the printing quietly (never a panic).
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($t)*);
    }};
}

/// Prints diagnostics to stderr (errors there are ignored too).
fn report(diags: &Diagnostics) {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    for d in diags.iter() {
        let _ = write!(err, "{d}");
    }
}

fn fail(msg: &str) -> ExitCode {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "error: {msg}");
    ExitCode::from(1)
}

/// glibc's malloc raises its mmap threshold each time a large block is freed, after which large
/// buffers come from the heap, which then cannot return memory: a PDF of 8,787 pages peaked at
/// 4.0 GB resident for 1.4 GB of live data (×4.2 memory for ×2 pages). A fixed threshold keeps
/// the largest buffers in their own mappings: 1.7 GB, ×1.85 (BENCHMARKS.md, 2026-12-03). 16 MiB
/// rather than glibc's initial 128 KiB: as little memory, without a fresh mapping (and its
/// zeroed pages) for every mid-sized buffer — 10–15 % faster at 448 and 4,400 pages.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_malloc_threshold() {
    // SAFETY: mallopt only sets an allocator parameter; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 16 * 1024 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_malloc_threshold() {}

fn main() -> ExitCode {
    fix_malloc_threshold();
    let cli = Cli::parse();
    match cli.command {
        Command::Init { dir, title, author } => {
            if std::fs::create_dir_all(&dir).is_err() {
                return fail(&format!("cannot create `{}`", dir.display()));
            }
            let title = title.unwrap_or_else(|| quire::init::title_from_dir(&dir));
            match quire::init::init(&dir, &title, author.as_deref()) {
                Ok(files) => {
                    for f in files {
                        say!("created {}", f.display());
                    }
                    let cd = if dir == std::path::Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
                    say!("\na new book “{title}” is ready. Next: {cd}quire build   (the EPUB and PDF appear in out/)");
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    report(&Diagnostics(vec![d]));
                    ExitCode::from(1)
                }
            }
        }
        Command::Check { book, deny_warnings } => check(&book, deny_warnings),
        Command::Bench { book, sizes, runs, work, incremental } => {
            let work = work.unwrap_or_else(|| std::env::temp_dir().join(format!("quire-bench-{}", std::process::id())));
            let table = if incremental {
                quire::bench::incremental(&book, &sizes, runs, &work)
            } else {
                quire::bench::run(&book, &sizes, runs, &work)
            };
            match table {
                Ok(table) => {
                    say!("{}", table.trim_end());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&format!("benchmark failed: {e}")),
            }
        }
        Command::BenchRun { book } => match quire::bench::measure(&book) {
            Ok(line) => {
                say!("{line}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e.to_string()),
        },
        Command::Verify { book, out } => verify(&book, out),
        Command::Build { args } => build(&args),
        Command::Watch { args } => watch(&args),
        Command::Serve { args, port } => serve(&args, port),
    }
}

fn check(book: &std::path::Path, deny_warnings: bool) -> ExitCode {
    match quire::load(book) {
        Ok(loaded) => {
            report(&loaded.warnings);
            say!("{}", quire::outline::outline(&loaded.book).trim_end());
            if deny_warnings && !loaded.warnings.is_empty() {
                return fail("warnings are denied (--deny-warnings)");
            }
            ExitCode::SUCCESS
        }
        Err(diags) => {
            report(&diags);
            let n = diags.iter().filter(|d| d.is_error()).count();
            fail(&format!("{n} problem{} found; nothing was built", if n == 1 { "" } else { "s" }))
        }
    }
}

fn verify(book: &std::path::Path, out: Option<PathBuf>) -> ExitCode {
    let loaded = match quire::load(book) {
        Ok(l) => l,
        Err(diags) => {
            report(&diags);
            return ExitCode::from(1);
        }
    };
    let out_dir = match out.map(Ok).unwrap_or_else(|| quire::configured_out_dir(&loaded)) {
        Ok(d) => d,
        Err(d) => {
            report(&quire::diag::Diagnostics(vec![d]));
            return ExitCode::from(1);
        }
    };
    let verdicts = match quire::verify(&loaded, &out_dir) {
        Ok(v) => v,
        Err(diags) => {
            report(&diags);
            return ExitCode::from(1);
        }
    };
    let mut ok = true;
    for v in &verdicts {
        match v {
            quire::Verdict::Match(n) => say!("ok        {n}"),
            quire::Verdict::Mismatch(n) => say!("MISMATCH  {n}"),
            quire::Verdict::Missing(n) => say!("MISSING   {n} (listed in SHA256SUMS, not produced by this build)"),
            quire::Verdict::Modified(n) => {
                say!("MODIFIED  {n} (the rebuild matches SHA256SUMS, the file in the output directory does not)")
            }
            quire::Verdict::Extra(n) => say!("not listed {n} (built now, not part of the recorded build)"),
        }
        ok &= matches!(v, quire::Verdict::Match(_) | quire::Verdict::Extra(_));
    }
    if !ok {
        return fail("the outputs do not match SHA256SUMS");
    }
    say!("verified: {} files match SHA256SUMS", verdicts.len());
    ExitCode::SUCCESS
}

impl BuildFlags {
    fn options(&self) -> quire::watch::Options {
        quire::watch::Options {
            book: self.book.clone(),
            out: self.out.clone(),
            targets: self.format.map(|f| match f {
                FormatArg::Epub => vec![Target::Epub],
                FormatArg::Pdf => vec![Target::Pdf],
                FormatArg::Html => vec![Target::Html],
                FormatArg::All => vec![Target::Epub, Target::Pdf, Target::Html],
            }),
            also: Vec::new(),
            profile: self.profile.clone(),
            deny_warnings: self.deny_warnings,
        }
    }
}

/// The layout report of each PDF (TeX-log-like details and a summary line).
fn print_layouts(layouts: &[(String, quire::layout::Report, quire::pdf::Conformance)]) {
    for (name, l, c) in layouts {
        let tag = if name.is_empty() { String::new() } else { format!("[{name}]") };
        let mut lines = l.details();
        lines.push(l.summary().replacen("layout:", &format!("layout{tag}:"), 1));
        lines.push(format!(
            "pdf{tag}: {}",
            match c {
                quire::pdf::Conformance::PdfA2bUa1 => "PDF/A-2b and PDF/UA-1 validated by krilla",
                quire::pdf::Conformance::PdfA2b => "PDF/A-2b validated by krilla (PDF/UA-1 did not validate)",
            }
        ));
        use std::io::Write as _;
        let mut err = std::io::stderr().lock();
        for line in lines {
            let _ = writeln!(err, "{}{line}", if line.starts_with("layout") || line.starts_with("pdf") { "" } else { &tag });
        }
    }
}

/// Prints what a build did: diagnostics, the layout report, the files.
fn print_outcome(o: &quire::watch::Outcome, quiet: bool) {
    report(&o.diagnostics);
    if !quiet {
        print_layouts(&o.layouts);
    }
    for f in &o.written {
        say!("wrote {}", f.display());
    }
    for f in &o.unchanged {
        say!("unchanged {}", f.display());
    }
}

fn build(args: &BuildFlags) -> ExitCode {
    let o = quire::watch::build(&args.options(), None);
    print_outcome(&o, args.quiet);
    match o.failure {
        Some(why) => fail(why),
        None => ExitCode::SUCCESS,
    }
}

/// One line after each build of `watch` and `serve`.
fn summary(o: &quire::watch::Outcome) {
    let ms = o.elapsed.as_secs_f64() * 1000.0;
    let warnings = o.diagnostics.iter().filter(|d| !d.is_error()).count();
    match o.failure {
        Some(why) => fail(&format!("{why} ({ms:.0} ms); the previous outputs are kept; waiting for a change …")),
        None => {
            say!(
                "built in {ms:.0} ms: {} written, {} unchanged, {warnings} warning{}; waiting for a change …",
                o.written.len(),
                o.unchanged.len(),
                if warnings == 1 { "" } else { "s" }
            );
            ExitCode::SUCCESS
        }
    };
}

/// What `watch` and `serve` print after each build.
fn after_build(o: &quire::watch::Outcome) {
    print_outcome(o, true);
    summary(o);
}

/// How a `watch` or `serve` loop ended.
fn loop_ended(r: Result<(), quire::diag::Diagnostic>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(d) => {
            report(&Diagnostics(vec![d]));
            ExitCode::from(1)
        }
    }
}

fn watch(args: &BuildFlags) -> ExitCode {
    loop_ended(quire::watch::watch(&args.options(), after_build))
}

fn serve(args: &BuildFlags, port: u16) -> ExitCode {
    let ready = |addr| say!("serving the HTML edition at http://{addr}/ (Ctrl-C to stop)");
    loop_ended(quire::watch::serve::serve(&args.options(), port, ready, after_build))
}
