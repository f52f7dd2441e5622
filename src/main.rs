//! The `quire` command line.

use clap::{Parser, Subcommand, ValueEnum};
use quire::diag::Diagnostics;
use quire::Target;
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
    /// Build the book's EPUB and/or PDF.
    Build {
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
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Epub,
    Pdf,
    All,
}

fn report(diags: &Diagnostics) {
    for d in diags.iter() {
        eprint!("{d}");
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { book, deny_warnings } => match quire::load(&book) {
            Ok(loaded) => {
                report(&loaded.warnings);
                print!("{}", quire::outline::outline(&loaded.book));
                if deny_warnings && !loaded.warnings.is_empty() {
                    eprintln!("error: warnings are denied (--deny-warnings)");
                    return ExitCode::from(1);
                }
                ExitCode::SUCCESS
            }
            Err(diags) => {
                report(&diags);
                let n = diags.iter().filter(|d| d.is_error()).count();
                eprintln!("error: {n} problem{} found; nothing was built", if n == 1 { "" } else { "s" });
                ExitCode::from(1)
            }
        },
        Command::Bench { book, sizes, runs, work } => {
            let work = work.unwrap_or_else(|| std::env::temp_dir().join(format!("quire-bench-{}", std::process::id())));
            match quire::bench::run(&book, &sizes, runs, &work) {
                Ok(table) => {
                    print!("{table}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: benchmark failed: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::BenchRun { book } => match quire::bench::measure(&book) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
        Command::Verify { book, out } => {
            let loaded = match quire::load(&book) {
                Ok(l) => l,
                Err(diags) => {
                    report(&diags);
                    return ExitCode::from(1);
                }
            };
            let out_dir = out.unwrap_or_else(|| book.join(loaded.config.config.output.dir.get_ref()));
            match quire::verify(&loaded, &out_dir) {
                Ok(verdicts) => {
                    let mut ok = true;
                    for v in &verdicts {
                        match v {
                            quire::Verdict::Match(n) => println!("ok        {n}"),
                            quire::Verdict::Mismatch(n) => {
                                ok = false;
                                println!("MISMATCH  {n}");
                            }
                            quire::Verdict::Missing(n) => {
                                ok = false;
                                println!("MISSING   {n} (listed in SHA256SUMS, not produced by this build)");
                            }
                            quire::Verdict::Modified(n) => {
                                ok = false;
                                println!("MODIFIED  {n} (the rebuild matches SHA256SUMS, the file in the output directory does not)");
                            }
                            quire::Verdict::Extra(n) => println!("not listed {n} (built now, not part of the recorded build)"),
                        }
                    }
                    if ok {
                        println!("verified: {} files match SHA256SUMS", verdicts.len());
                        ExitCode::SUCCESS
                    } else {
                        eprintln!("error: the outputs do not match SHA256SUMS");
                        ExitCode::from(1)
                    }
                }
                Err(diags) => {
                    report(&diags);
                    ExitCode::from(1)
                }
            }
        }
        Command::Build { book, out, format, profile, deny_warnings, quiet } => {
            let loaded = match quire::load(&book) {
                Ok(l) => l,
                Err(diags) => {
                    report(&diags);
                    eprintln!("error: the book has errors; nothing was written");
                    return ExitCode::from(1);
                }
            };
            report(&loaded.warnings);
            if deny_warnings && !loaded.warnings.is_empty() {
                eprintln!("error: warnings are denied (--deny-warnings); nothing was written");
                return ExitCode::from(1);
            }
            let targets: Vec<Target> = match format {
                Some(FormatArg::Epub) => vec![Target::Epub],
                Some(FormatArg::Pdf) => vec![Target::Pdf],
                Some(FormatArg::All) => vec![Target::Epub, Target::Pdf],
                None => loaded
                    .config
                    .config
                    .output
                    .formats
                    .iter()
                    .map(|f| match f {
                        quire::config::Format::Epub => Target::Epub,
                        quire::config::Format::Pdf => Target::Pdf,
                    })
                    .collect(),
            };
            let out_dir = out.unwrap_or_else(|| book.join(loaded.config.config.output.dir.get_ref()));
            match quire::build(&loaded, &out_dir, &targets, profile.as_deref()) {
                Ok(rep) => {
                    report(&rep.warnings);
                    if !quiet {
                        for (name, l, c) in &rep.layouts {
                            let tag = if name.is_empty() { String::new() } else { format!("[{name}]") };
                            for d in l.details() {
                                eprintln!("{tag}{d}");
                            }
                            eprintln!("{}", l.summary().replacen("layout:", &format!("layout{tag}:"), 1));
                            eprintln!("pdf{tag}: {}", match c {
                                quire::pdf::Conformance::PdfA2bUa1 => "PDF/A-2b and PDF/UA-1 validated by krilla",
                                quire::pdf::Conformance::PdfA2b => "PDF/A-2b validated by krilla (PDF/UA-1 did not validate)",
                            });
                        }
                    }
                    for f in &rep.written {
                        println!("wrote {}", f.display());
                    }
                    if deny_warnings && !rep.warnings.is_empty() {
                        eprintln!("error: warnings are denied (--deny-warnings)");
                        return ExitCode::from(1);
                    }
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    report(&diags);
                    eprintln!("error: the build failed; nothing was written");
                    ExitCode::from(1)
                }
            }
        }
    }
}
