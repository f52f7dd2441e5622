//! Helpers shared by the integration tests: throwaway books and running the `quire` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty directory under Cargo's per-test temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `files` (path, contents) into a new book directory.
pub fn book(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = temp_dir(name);
    for (path, contents) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }
    dir
}

pub const MINIMAL_TOML: &str = "[metadata]\ntitle = \"A Book\"\n[contents]\nchapters = [\"ch1.md\"]\n";

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn quire(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_quire")).args(args).env_remove("SOURCE_DATE_EPOCH").output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn check(dir: &Path) -> Run {
    quire(&["check", "--book", dir.to_str().unwrap()])
}

/// Asserts a failed run (exit 1) whose stderr holds every one of `needles`.
pub fn assert_error(run: &Run, needles: &[&str]) {
    assert_eq!(run.code, 1, "expected exit 1\nstdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    for n in needles {
        assert!(run.stderr.contains(n), "stderr lacks `{n}`:\n{}", run.stderr);
    }
    assert!(!run.stderr.contains("panicked"), "panic:\n{}", run.stderr);
    assert!(run.stderr.contains("help:"), "every message says what to do:\n{}", run.stderr);
}
