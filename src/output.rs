//! Writing outputs safely: every file is staged in full beside the outputs, then renamed into
//! place, under a lock on the output directory; a failed or killed build never leaves a
//! truncated file, a mix of two builds, or a replaced good output.

use crate::diag::{Diagnostic, Diagnostics};
use crate::{BuildReport, Loaded, Rendered, Target, ids};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Creates the output directory (refusing one that is a file).
pub fn prepare_dir(dir: &Path) -> Result<(), Diagnostic> {
    if dir.exists() && !dir.is_dir() {
        return Err(Diagnostic::error(format!("output directory `{}` is a file", dir.display()))
            .help("remove the file or choose another directory with --out DIR"));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        Diagnostic::error(format!("cannot create output directory `{}`: {e}", dir.display()))
            .help("choose a writable directory with --out DIR")
    })
}

/// The absolute form of `p` with symlinks resolved as far as the path exists (the rest is
/// joined lexically), so a directory that does not exist yet can be compared with others.
pub fn resolve_lexically(p: &Path) -> PathBuf {
    let abs =
        if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf()) };
    let mut existing = abs.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                if r == ".." {
                    out.pop();
                } else if r != "." {
                    out.push(r);
                }
            }
            return out;
        }
        match (existing.file_name().map(|f| f.to_os_string()), existing.parent().map(Path::to_path_buf)) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return abs,
        }
    }
}

/// Whether process `pid` is alive (Linux: its /proc entry exists; elsewhere assumed alive).
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new(&format!("/proc/{pid}")).exists() } else { true }
}

/// The pid a staging directory, temporary or lock file name ends with.
fn pid_of(name: &str) -> Option<u32> {
    name.rsplit(['-', '.']).next()?.parse().ok()
}

/// An exclusive claim on an output directory: an advisory lock (`flock`) on the directory
/// itself. A second build into the same directory waits for the first; the kernel releases the
/// lock when its process ends, however it ends, so a killed build leaves no stale lock behind.
struct Lock(#[allow(dead_code)] std::fs::File);

impl Lock {
    fn take(dir: &Path) -> Result<Lock, Diagnostic> {
        let fail = |e: std::io::Error| {
            Diagnostic::error(format!("cannot lock output directory `{}`: {e}", dir.display()))
                .help("choose a writable local directory with --out DIR")
        };
        let f = std::fs::File::open(dir).map_err(fail)?;
        match f.try_lock() {
            Ok(()) => return Ok(Lock(f)),
            Err(std::fs::TryLockError::WouldBlock) => {
                let _ = writeln!(std::io::stderr().lock(), "waiting for another quire build writing to `{}` …", dir.display());
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(fail(e)),
        }
        f.lock().map_err(fail)?;
        Ok(Lock(f))
    }
}

/// Removes what killed builds left behind: staging directories and temporaries of processes
/// that no longer run (never those of a build in progress).
fn remove_stale(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let ours =
            name.starts_with(".quire-stage-") || name.starts_with(".quire-old-") || (name.starts_with('.') && name.contains(".tmp-"));
        if ours && pid_of(&name).is_some_and(|p| !alive(p) || p == std::process::id()) {
            let _ = if e.path().is_dir() { std::fs::remove_dir_all(e.path()) } else { std::fs::remove_file(e.path()) };
        }
    }
}

/// An output as seen in the output directory: a file, or a directory of files.
struct Top {
    name: String,
    is_dir: bool,
}

/// The outputs' top-level names in first-seen order (`site/a.html`, `site/b.html` → `site/`).
fn top_level(files: &[(String, Vec<u8>)]) -> Vec<Top> {
    let mut tops: Vec<Top> = Vec::new();
    for (name, _) in files {
        let (first, is_dir) = match name.split_once('/') {
            Some((d, _)) => (d, true),
            None => (name.as_str(), false),
        };
        if !tops.iter().any(|t| t.name == first) {
            tops.push(Top { name: first.to_string(), is_dir });
        }
    }
    tops
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Whether `path` is a regular file holding exactly `bytes`.
fn same_file(path: &Path, bytes: &[u8]) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|b| b == bytes)
}

/// Whether output `top` in `dir` already holds exactly these bytes (for a directory: exactly
/// these files, no others). `same` names the files whose bytes on disk are already the new ones.
fn unchanged(dir: &Path, top: &Top, files: &[(String, Vec<u8>)], same: &BTreeSet<&str>) -> bool {
    let path = dir.join(&top.name);
    if !top.is_dir {
        return same.contains(top.name.as_str());
    }
    let prefix = format!("{}/", top.name);
    let ours: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).filter(|n| n.starts_with(&prefix)).collect();
    let mut on_disk = 0usize;
    let mut todo = vec![path];
    while let Some(d) = todo.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { return false };
        for e in rd.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => todo.push(e.path()),
                Ok(t) if t.is_file() => on_disk += 1,
                _ => return false,
            }
        }
    }
    on_disk == ours.len() && ours.iter().all(|n| same.contains(n))
}

/// What [`publish`] did with each output.
pub struct Published {
    /// Outputs replaced by this build's bytes.
    pub written: Vec<PathBuf>,
    /// Outputs that already held exactly this build's bytes (left untouched).
    pub unchanged: Vec<PathBuf>,
}

/// Writes every output into `dir` as one change: all files are first written in full to a
/// staging directory beside them (a full disk, a name too long or a directory in the way fails
/// there, and nothing in `dir` changes), then each is renamed into place. An output that already
/// holds exactly its new bytes is left as it is. Holds the directory's lock throughout, so
/// concurrent builds of one book take turns.
pub fn publish(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Published, Diagnostic> {
    prepare_dir(dir)?;
    let _lock = Lock::take(dir)?;
    remove_stale(dir);
    let stage = dir.join(format!(".quire-stage-{}", std::process::id()));
    // Each file on disk is compared with its new bytes once.
    let same_bytes: BTreeSet<&str> = files.iter().filter(|(n, b)| same_file(&dir.join(n), b)).map(|(n, _)| n.as_str()).collect();
    let (same, tops): (Vec<Top>, Vec<Top>) = top_level(files).into_iter().partition(|t| unchanged(dir, t, files, &same_bytes));
    let files: Vec<&(String, Vec<u8>)> =
        files.iter().filter(|(n, _)| !same.iter().any(|t| *n == t.name || n.starts_with(&format!("{}/", t.name)))).collect();
    let unchanged = "nothing in the output directory was changed";
    let staged = (|| -> Result<(), Diagnostic> {
        std::fs::create_dir_all(&stage)
            .map_err(|e| Diagnostic::error(format!("cannot write to `{}`: {e}", dir.display())).help(unchanged))?;
        for top in &tops {
            let target = dir.join(&top.name);
            let in_the_way = std::fs::symlink_metadata(&target).is_ok_and(|m| if top.is_dir { !m.is_dir() } else { !m.is_file() });
            if in_the_way {
                let what = if top.is_dir { "a directory" } else { "a file" };
                return Err(Diagnostic::error(format!("`{}` is in the way: it exists and is not {what}", target.display()))
                    .help(format!("move it away and build again; {unchanged}")));
            }
        }
        for (name, bytes) in &files {
            let target = dir.join(name);
            if let Some(parent) = Path::new(name).parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(stage.join(parent)).map_err(|e| {
                    Diagnostic::error(format!("cannot write `{}`: {e}", target.display()))
                        .help(format!("check the disk space and the output's name; {unchanged}"))
                })?;
            }
            // A file of a directory output that already holds these bytes is linked into the
            // new directory, not written again (a one-page edit rewrites one page).
            let in_dir = name.contains('/');
            if in_dir && same_bytes.contains(name.as_str()) && std::fs::hard_link(&target, stage.join(name)).is_ok() {
                continue;
            }
            write_synced(&stage.join(name), bytes).map_err(|e| {
                Diagnostic::error(format!("cannot write `{}`: {e}", target.display()))
                    .help(format!("check the disk space and the output's name; {unchanged}"))
            })?;
        }
        Ok(())
    })();
    if let Err(d) = staged {
        let _ = std::fs::remove_dir_all(&stage);
        return Err(d);
    }
    let mut written = Vec::new();
    for top in &tops {
        let target = dir.join(&top.name);
        // A directory output (the HTML edition) replaces the previous one as a whole: the old
        // one is moved aside, the new one moved in, the old one removed.
        let old = stage.with_file_name(format!(".quire-old-{}", std::process::id()));
        let moved_aside = top.is_dir && target.is_dir() && std::fs::rename(&target, &old).is_ok();
        if let Err(e) = std::fs::rename(stage.join(&top.name), &target) {
            if moved_aside {
                let _ = std::fs::rename(&old, &target);
            }
            let _ = std::fs::remove_dir_all(&stage);
            let done: Vec<String> = written.iter().map(|p: &PathBuf| p.display().to_string()).collect();
            return Err(Diagnostic::error(format!("cannot move `{}` into place: {e}", target.display())).help(format!(
                "these outputs were already replaced: {}; build again to finish",
                if done.is_empty() { "none".into() } else { done.join(", ") }
            )));
        }
        if moved_aside {
            let _ = std::fs::remove_dir_all(&old);
        }
        written.push(target);
    }
    let _ = std::fs::remove_dir_all(&stage);
    Ok(Published { written, unchanged: same.iter().map(|t| dir.join(&t.name)).collect() })
}

/// Renders every requested output in memory (nothing is written): the files, with
/// `SHA256SUMS` listing them, and the layout report.
pub fn prepare(loaded: &Loaded, out_dir: &Path, targets: &[Target], profile: Option<&str>) -> Result<Rendered, Diagnostics> {
    prepare_warm(loaded, out_dir, targets, profile, None)
}

/// [`prepare`], reusing the set paragraphs of earlier builds (the same bytes).
pub fn prepare_warm(
    loaded: &Loaded,
    out_dir: &Path,
    targets: &[Target],
    profile: Option<&str>,
    warm: Option<&crate::layout::Warm>,
) -> Result<Rendered, Diagnostics> {
    check_out_dir(loaded, out_dir).map_err(|d| Diagnostics(vec![d]))?;
    let mut files = crate::render::render_warm(loaded, targets, profile, warm)?;
    if loaded.config.citable().checksums {
        let sums = sha256sums(&files.files);
        files.files.push((SUMS_FILE.to_string(), sums.into_bytes()));
    }
    Ok(files)
}

/// Writes rendered outputs into `out_dir` as one change (see [`output::publish`]).
pub fn write(rendered: Rendered, out_dir: &Path) -> Result<Published, Diagnostics> {
    publish(out_dir, &rendered.files).map_err(|d| Diagnostics(vec![d]))
}

/// Builds the requested outputs into `out_dir`: every output is produced in memory first, then
/// all are written as one change. Besides the EPUB and PDFs, the citation files and
/// `SHA256SUMS` (listing every output) are written.
pub fn build(loaded: &Loaded, out_dir: &Path, targets: &[Target], profile: Option<&str>) -> Result<BuildReport, Diagnostics> {
    let rendered = prepare(loaded, out_dir, targets, profile)?;
    let mut report =
        BuildReport { layouts: rendered.report.layouts.clone(), warnings: rendered.report.warnings.clone(), written: Vec::new() };
    report.written = write(rendered, out_dir)?.written;
    Ok(report)
}

/// The output directory book.toml names (`[output] dir`), which must stay inside the book
/// directory even through symbolic links: a downloaded book may not write elsewhere. (The
/// command line's `--out` may point anywhere.)
pub fn configured_out_dir(loaded: &Loaded) -> Result<std::path::PathBuf, Diagnostic> {
    let rel = loaded.config.config.output.dir.get_ref();
    let dir = loaded.dir.root().join(rel);
    let real = resolve_lexically(&dir);
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
    let out = resolve_lexically(out_dir);
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
