//! `quire bench`: synthetic books made from the real manuscript (its letters repeated with
//! distinct ids and titles, footnotes and figures kept), each built to EPUB and PDF in a fresh
//! process, with wall time per stage, pages per second and peak memory.

use crate::stats::{self, Stage};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Writes a synthetic book into `out`: the real book's front matter and essay once, its letters
/// `copies` times. Returns the number of manuscript words.
pub fn generate(book: &Path, out: &Path, copies: usize) -> Result<usize, String> {
    let loaded = crate::load(book).map_err(|d| d.iter().map(|x| x.to_string()).collect::<String>())?;
    let src = |rel: &str| -> Result<String, String> {
        let mut w = Vec::new();
        loaded.dir.read_text(rel, None, &mut w).map(|f| f.text).map_err(|d| d.to_string())
    };
    let _ = std::fs::remove_dir_all(out);
    std::fs::create_dir_all(out.join("manuscript/images")).map_err(|e| e.to_string())?;
    let c = loaded.config.config.contents.get_ref();
    let m = &loaded.book.meta;
    let mut toml = String::new();
    let _ = writeln!(
        toml,
        "[metadata]\ntitle = {:?}\nlanguage = {:?}\nidentifier = {:?}",
        format!("{} ({copies}×)", m.title),
        m.language,
        m.identifier
    );
    if let Some(d) = m.date {
        let _ = writeln!(toml, "date = \"{}\"", d.iso());
    }
    toml.push_str("creators = [{ name = \"The quire editors\", role = \"editor\" }]\n\n[contents]\n");
    let mut words = 0usize;
    let mut write = |rel: &str, text: &str| -> Result<(), String> {
        words += text.split_whitespace().count();
        let p = out.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).map_err(|e| e.to_string())?;
        std::fs::write(p, text).map_err(|e| e.to_string())
    };
    let mut front = Vec::new();
    for f in &c.front_matter {
        write(f.get_ref(), &src(f.get_ref())?)?;
        front.push(format!("{:?}", f.get_ref()));
    }
    let _ = writeln!(toml, "front-matter = [{}]", front.join(", "));
    for (pi, part) in c.parts.iter().enumerate() {
        let mut files = Vec::new();
        let letters = pi + 1 == c.parts.len();
        for k in 1..=(if letters { copies } else { 1 }) {
            for f in &part.chapters {
                let text = src(f.get_ref())?;
                let (rel, text) = if letters {
                    let rel = f.get_ref().replace(".md", &format!("-{k}.md"));
                    // Distinct ids and titles for every copy; footnotes and figures stay.
                    let text = text
                        .replacen("+++\n", &format!("+++\nid = \"copy-{k}-{}\"\n", crate::config::slug(f.get_ref())), 1)
                        .replacen("title = \"", &format!("title = \"(Copy {k}) "), 1);
                    (rel, text)
                } else {
                    (f.get_ref().clone(), text)
                };
                write(&rel, &text)?;
                files.push(format!("{rel:?}"));
            }
        }
        let _ = writeln!(toml, "\n[[contents.parts]]\ntitle = {:?}\nchapters = [{}]", part.title, files.join(", "));
    }
    if let Ok(rd) = std::fs::read_dir(book.join("manuscript/images")) {
        for e in rd.flatten() {
            let _ = std::fs::copy(e.path(), out.join("manuscript/images").join(e.file_name()));
        }
    }
    write("book.toml", &toml)?;
    Ok(words)
}

/// One measured build (run in a fresh process by `run`): times per stage in ms, pages, RSS.
pub fn measure(book: &Path) -> Result<String, String> {
    stats::take();
    let t = Instant::now();
    let loaded = stats::time(Stage::Parse, || crate::load(book)).map_err(|d| d.iter().map(|x| x.to_string()).collect::<String>())?;
    let r = crate::render(&loaded, &[crate::Target::Epub, crate::Target::Pdf], None)
        .map_err(|d| d.iter().map(|x| x.to_string()).collect::<String>())?;
    let total = t.elapsed();
    let times = stats::take();
    let pdf = r.files.iter().find(|(n, _)| n.ends_with(".pdf")).map(|(_, b)| b.len()).unwrap_or(0);
    let pages = r.report.layouts.first().map(|(_, rep, _)| rep.lines.iter().map(|l| l.page).max().unwrap_or(0) + 1).unwrap_or(0);
    let mut s = format!("total={:.3} pages={pages} pdf_bytes={pdf} rss={}", total.as_secs_f64() * 1000.0, stats::peak_rss().unwrap_or(0));
    for st in Stage::ALL {
        let _ = write!(s, " {}={:.3}", st.name().replace(' ', "_"), times[st as usize].as_secs_f64() * 1000.0);
    }
    Ok(s)
}

/// The median of some measurements (the upper one of an even count).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn field(line: &str, key: &str) -> f64 {
    line.split_whitespace().find_map(|kv| kv.strip_prefix(&format!("{key}=")).and_then(|v| v.parse().ok())).unwrap_or(0.0)
}

/// Runs the benchmark: for each target size, generates a book and builds it `runs` times in
/// fresh processes; prints a Markdown table of medians.
pub fn run(book: &Path, sizes: &[usize], runs: usize, work: &Path) -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut out = String::new();
    out.push_str("| book | words | pages | total ms | ms/page | pages/s | peak RSS MB | parse | epub | shaping | line breaking | line setting | pagination | pdf writing |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for &size in sizes {
        // The real book's letters fill about 12 A5 pages per copy.
        let copies = ((size as f64 - 8.0) / 12.0).round().max(1.0) as usize;
        let dir: PathBuf = work.join(format!("bench-{size}"));
        let words = generate(book, &dir, copies)?;
        let mut lines = Vec::new();
        for _ in 0..runs.max(1) {
            let o = Command::new(&exe).args(["bench-run", "--book", dir.to_str().unwrap()]).output().map_err(|e| e.to_string())?;
            if !o.status.success() {
                return Err(String::from_utf8_lossy(&o.stderr).into_owned());
            }
            lines.push(String::from_utf8_lossy(&o.stdout).trim().to_string());
        }
        let med = |key: &str| -> f64 { median(lines.iter().map(|l| field(l, key)).collect()) };
        let total = med("total");
        let pages = med("pages");
        let _ = writeln!(
            out,
            "| {copies}× letters | {words} | {pages} | {total:.1} | {:.2} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
            total / pages.max(1.0),
            pages / (total / 1000.0).max(1e-9),
            med("rss") / 1_048_576.0,
            med("parse"),
            med("epub"),
            med("shaping"),
            med("line_breaking"),
            med("line_setting"),
            med("pagination"),
            med("pdf_writing"),
        );
    }
    Ok(out)
}

/// `quire bench --incremental`: for each size, a synthetic book built cold in this process,
/// then, after a one-paragraph edit in the middle of the book, rebuilt warm (set paragraphs kept,
/// see `layout::Warm`): EPUB + PDF + HTML edition, and the HTML edition alone (the preview of
/// `quire serve`). Medians of `runs` edits; a Markdown table.
pub fn incremental(book: &Path, sizes: &[usize], runs: usize, work: &Path) -> Result<String, String> {
    use crate::Target;
    use crate::watch::{Options, build};
    let mut out = String::new();
    out.push_str("| book | pages | cold EPUB+PDF+HTML ms | warm EPUB+PDF+HTML ms | warm HTML only ms | paragraphs reused per rebuild |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|\n");
    for &size in sizes {
        let copies = ((size as f64 - 8.0) / 12.0).round().max(1.0) as usize;
        let dir: PathBuf = work.join(format!("incremental-{size}"));
        generate(book, &dir, copies)?;
        let all = Options {
            book: dir.clone(),
            out: Some(work.join(format!("incremental-{size}-out"))),
            targets: Some(vec![Target::Epub, Target::Pdf, Target::Html]),
            ..Default::default()
        };
        let html = Options { out: Some(work.join(format!("incremental-{size}-html"))), targets: Some(vec![Target::Html]), ..all.clone() };
        let ok = |o: &crate::watch::Outcome| match o.failure {
            None => Ok(o.elapsed.as_secs_f64() * 1000.0),
            Some(why) => Err(format!("{why}: {}", o.diagnostics.iter().map(|d| d.to_string()).collect::<String>())),
        };
        let cold = ok(&build(&all, None))?;
        let pages = build_pages(&all)?;
        let warm = crate::watch::Caches::default();
        ok(&build(&all, Some(&warm)))?;
        ok(&build(&html, Some(&warm)))?;
        // The letter in the middle of the book gains a paragraph at its end, once per run.
        let middle = dir.join(format!("manuscript/letters/19-{}.md", copies.div_ceil(2)));
        let middle = if middle.exists() {
            middle
        } else {
            let mut files: Vec<PathBuf> =
                std::fs::read_dir(dir.join("manuscript")).map_err(|e| e.to_string())?.flatten().map(|e| e.path()).collect();
            files.sort();
            files.into_iter().find(|p| p.extension().is_some_and(|e| e == "md")).ok_or("no chapter to edit")?
        };
        let (mut full, mut preview, mut reused) = (Vec::new(), Vec::new(), Vec::new());
        for run in 0..runs.max(1) {
            for (opts, times) in [(&all, &mut full), (&html, &mut preview)] {
                let mut text = std::fs::read_to_string(&middle).map_err(|e| e.to_string())?;
                let _ = write!(text, "\n\nAn edit made by the benchmark, number {run}{}.\n", times.len());
                std::fs::write(&middle, text).map_err(|e| e.to_string())?;
                let before = warm.paragraphs.hits();
                times.push(ok(&build(opts, Some(&warm)))?);
                if std::ptr::eq(opts, &all) {
                    reused.push((warm.paragraphs.hits() - before) as f64);
                }
            }
        }
        let _ = writeln!(
            out,
            "| {copies}× letters | {pages} | {cold:.1} | {:.1} | {:.1} | {:.0} |",
            median(full),
            median(preview),
            median(reused)
        );
    }
    Ok(out)
}

/// The page count of the reference PDF of a built book (from its layout report).
fn build_pages(opts: &crate::watch::Options) -> Result<usize, String> {
    let o = crate::watch::build(opts, None);
    o.layouts
        .first()
        .map(|(_, rep, _)| rep.lines.iter().map(|l| l.page).max().unwrap_or(0) + 1)
        .ok_or_else(|| "no PDF was built".to_string())
}
