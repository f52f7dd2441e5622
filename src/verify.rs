//! `quire verify`: rebuild in memory and compare with the `SHA256SUMS` of an output directory.
//! The sums file may come from someone else's published edition: every line is parsed and
//! checked, and only plain file names inside the output directory are opened.

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::{Loaded, SUMS_FILE, Target, ids, render};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One line of `quire verify`'s report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Match(String),
    Mismatch(String),
    Missing(String),
    Extra(String),
    /// The rebuild matches, but the file in the output directory was changed since.
    Modified(String),
}

/// Parses `sha256sum` output: `<64 hex digits>  <file name>` per line. A name must be a plain
/// relative path inside the output directory (the HTML edition's files are in its folder).
pub fn parse_sums(text: &str) -> Result<Vec<(String, String)>, Diagnostics> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = Location { file: SUMS_FILE.to_string(), line: i + 1, column: 1, line_text: line.chars().take(200).collect() };
        let parsed = line.split_once("  ").filter(|(h, _)| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        match parsed {
            Some((hash, name)) if safe_name(name) => out.push((hash.to_ascii_lowercase(), name.to_string())),
            Some((_, name)) => errors.push(
                Diagnostic::error(format!(
                    "`{}` is not the name of a file in the output directory",
                    name.chars().take(80).collect::<String>()
                ))
                .at(at)
                .help("a sums file lists plain relative file names (no leading `/`, no `.` or `..` parts, no backslashes or control characters); this one may have been tampered with"),
            ),
            None => errors.push(
                Diagnostic::error("not a checksum line")
                    .at(at)
                    .help("each line is 64 hexadecimal digits, two spaces and a file name, as `sha256sum` writes it"),
            ),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(Diagnostics(errors)) }
}

/// The deepest an output lies in the output directory (`<stem>-html/text/x.html`: 3).
const MAX_DEPTH: usize = 4;

fn safe_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    parts.len() <= MAX_DEPTH
        && parts.iter().all(|p| !p.is_empty() && *p != "." && *p != ".." && !p.contains('\\') && !p.chars().any(char::is_control))
}

/// The SHA-256 of a regular file in `dir` (None when it is missing, not a regular file, or
/// reached through a symbolic link).
fn hash_on_disk(dir: &Path, name: &str) -> Option<String> {
    let mut path = dir.to_path_buf();
    let parts: Vec<&str> = name.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        let last = i + 1 == parts.len();
        if (last && !meta.is_file()) || (!last && !meta.is_dir()) {
            return None;
        }
    }
    std::fs::read(path).ok().map(|b| ids::sha256_hex(&b))
}

/// Rebuilds every output in memory and compares it with `SHA256SUMS` in `out_dir`.
pub fn verify(loaded: &Loaded, out_dir: &Path) -> Result<Vec<Verdict>, Diagnostics> {
    let sums_path = out_dir.join(SUMS_FILE);
    let recorded = std::fs::read_to_string(&sums_path).map_err(|e| {
        Diagnostics(vec![
            Diagnostic::error(format!("cannot read `{}`: {e}", sums_path.display()))
                .help("run `quire build` first, or pass the output directory with --out DIR"),
        ])
    })?;
    let recorded = parse_sums(&recorded)?;
    let formats = [Target::Epub, Target::Pdf, Target::Html];
    let files = render(loaded, &formats, None)?.files;
    let fresh: BTreeMap<String, String> = files.iter().map(|(n, b)| (n.clone(), ids::sha256_hex(b))).collect();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (hash, name) in recorded {
        seen.insert(name.clone());
        let on_disk = hash_on_disk(out_dir, &name);
        out.push(match fresh.get(&name) {
            Some(h) if *h == hash && on_disk.as_deref() != Some(hash.as_str()) => Verdict::Modified(name),
            Some(h) if *h == hash => Verdict::Match(name),
            Some(_) => Verdict::Mismatch(name),
            None => Verdict::Missing(name),
        });
    }
    for name in fresh.keys().filter(|n| !seen.contains(*n)) {
        out.push(Verdict::Extra(name.clone()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_lines_are_parsed_not_sliced() {
        let h = "ab".repeat(32);
        assert_eq!(parse_sums(&format!("{h}  a.pdf\n")).unwrap(), vec![(h.clone(), "a.pdf".to_string())]);
        assert_eq!(parse_sums(&format!("{h}  a-html/text/b.html\n")).unwrap()[0].1, "a-html/text/b.html");
        for bad in [
            format!("{h}  a//b"),
            format!("{h}  a/../b"),
            format!("{h}  a/./b"),
            format!("{h}  a/"),
            format!("{h}  a\\b"),
            format!("{h}  a/b/c/d/e"),
            format!("a{}", "é".repeat(40)),
            format!("{h}  ../../etc/passwd"),
            format!("{h}  /etc/passwd"),
            format!("{h} a.pdf"),
            format!("{h}  .."),
        ] {
            assert!(parse_sums(&bad).is_err(), "{bad}");
        }
    }
}
