//! Writing outputs safely: a temporary file in the target directory, then a rename, so a failed
//! or killed build never leaves a truncated file or replaces the previous good output.

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
    let abs = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf()) };
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

/// Removes temporary files that a killed build left for `name` in `dir`.
pub fn remove_stale_temporaries(dir: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Writes `bytes` to `dir/name` atomically.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, Diagnostic> {
    let target = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let fail = |e: std::io::Error| {
        let _ = std::fs::remove_file(&tmp);
        Diagnostic::error(format!("cannot write `{}`: {e}", target.display()))
            .help("check that the output directory is writable and the disk has space; the previous output was left as it was")
    };
    let mut f = std::fs::File::create(&tmp).map_err(fail)?;
    f.write_all(bytes).map_err(fail)?;
    f.sync_all().map_err(fail)?;
    drop(f);
    std::fs::rename(&tmp, &target).map_err(fail)?;
    remove_stale_temporaries(dir, name);
    Ok(target)
}
