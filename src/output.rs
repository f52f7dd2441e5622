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
    Ok(target)
}
