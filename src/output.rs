//! Writing outputs safely: every file is staged in full beside the outputs, then renamed into
//! place, under a lock on the output directory; a failed or killed build never leaves a
//! truncated file, a mix of two builds, or a replaced good output.

use crate::diag::Diagnostic;
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

/// An exclusive claim on an output directory: `.quire.lock` holding the builder's pid. A
/// second build into the same directory waits for the first; a lock whose process is gone is
/// stale and taken over.
struct Lock(PathBuf);

impl Lock {
    fn take(dir: &Path) -> Result<Lock, Diagnostic> {
        let path = dir.join(".quire.lock");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
        loop {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    let _ = write!(f, "{}", std::process::id());
                    return Ok(Lock(path));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path).ok().and_then(|t| t.trim().parse::<u32>().ok());
                    match holder {
                        Some(pid) if alive(pid) && pid != std::process::id() => {
                            if std::time::Instant::now() > deadline {
                                return Err(Diagnostic::error(format!(
                                    "another quire build (process {pid}) is writing to `{}`",
                                    dir.display()
                                ))
                                .help("wait for it to finish, or remove .quire.lock in the output directory if no build is running"));
                            }
                            std::thread::sleep(std::time::Duration::from_millis(20));
                        }
                        // Stale (its process is gone) or unreadable while being written: retry.
                        Some(_) => {
                            let _ = std::fs::remove_file(&path);
                        }
                        None => std::thread::sleep(std::time::Duration::from_millis(5)),
                    }
                }
                Err(e) => {
                    return Err(Diagnostic::error(format!("cannot write to output directory `{}`: {e}", dir.display()))
                        .help("choose a writable directory with --out DIR"));
                }
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Removes what killed builds left behind: staging directories and temporaries of processes
/// that no longer run (never those of a build in progress).
fn remove_stale(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = name.starts_with(".quire-stage-") || (name.starts_with('.') && name.contains(".tmp-"));
        if ours && pid_of(&name).is_some_and(|p| !alive(p) || p == std::process::id()) {
            let _ = if e.path().is_dir() { std::fs::remove_dir_all(e.path()) } else { std::fs::remove_file(e.path()) };
        }
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Writes every output into `dir` as one change: all files are first written in full to a
/// staging directory beside them (a full disk, a name too long or a directory in the way fails
/// there, and nothing in `dir` changes), then each is renamed into place. Holds the directory's
/// lock throughout, so concurrent builds of one book take turns.
pub fn publish(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, Diagnostic> {
    prepare_dir(dir)?;
    let _lock = Lock::take(dir)?;
    remove_stale(dir);
    let stage = dir.join(format!(".quire-stage-{}", std::process::id()));
    let unchanged = "nothing in the output directory was changed";
    let staged = (|| -> Result<(), Diagnostic> {
        std::fs::create_dir_all(&stage)
            .map_err(|e| Diagnostic::error(format!("cannot write to `{}`: {e}", dir.display())).help(unchanged))?;
        for (name, bytes) in files {
            let target = dir.join(name);
            if std::fs::symlink_metadata(&target).is_ok_and(|m| !m.is_file()) {
                return Err(Diagnostic::error(format!("`{}` is in the way: it exists and is not a file", target.display()))
                    .help(format!("move it away and build again; {unchanged}")));
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
    for (name, _) in files {
        let target = dir.join(name);
        if let Err(e) = std::fs::rename(stage.join(name), &target) {
            let _ = std::fs::remove_dir_all(&stage);
            let done: Vec<String> = written.iter().map(|p: &PathBuf| p.display().to_string()).collect();
            return Err(Diagnostic::error(format!("cannot move `{}` into place: {e}", target.display())).help(format!(
                "these outputs were already replaced: {}; build again to finish",
                if done.is_empty() { "none".into() } else { done.join(", ") }
            )));
        }
        written.push(target);
    }
    let _ = std::fs::remove_dir_all(&stage);
    Ok(written)
}
