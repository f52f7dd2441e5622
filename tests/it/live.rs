//! Live authoring: warm rebuilds (the same bytes as cold builds after every kind of edit),
//! `quire watch` (rebuilds on a save, keeps the outputs when the book breaks) and `quire serve`
//! (answers on loopback only with the site's files; a page reloads itself after an edit).

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn anthology_copy(name: &str) -> PathBuf {
    let dir = temp_dir(name).join("book");
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/books/anthology"), &dir);
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_warm_rebuild_writes_the_same_bytes_as_a_cold_build() {
    let book = anthology_copy("warm-cold");
    let warm_out = book.parent().unwrap().join("warm");
    let cold_out = book.parent().unwrap().join("cold");
    let opts = quire::watch::Options {
        book: book.clone(),
        out: Some(warm_out.clone()),
        targets: Some(vec![quire::Target::Epub, quire::Target::Pdf, quire::Target::Html]),
        ..Default::default()
    };
    let warm = quire::watch::Caches::default();
    let toml = book.join("book.toml");
    let ferry = book.join("text/the-ferry.md");
    type Step<'a> = (&'static str, Box<dyn Fn() + 'a>);
    let steps: Vec<Step> = vec![
        ("first build", Box::new(|| {})),
        ("a paragraph edited", Box::new(|| edit(&ferry, "\n\n", "\n\nA new sentence, set warm.\n\n"))),
        (
            "a chapter added",
            Box::new(|| {
                std::fs::write(book.join("text/added.md"), "# Added\n\nA chapter that was not there.\n").unwrap();
                edit(&toml, "\"text/letters-abroad.md\"]", "\"text/letters-abroad.md\", \"text/added.md\"]");
            }),
        ),
        ("the chapter deleted", Box::new(|| edit(&toml, ", \"text/added.md\"]", "]"))),
        (
            "an image put into a chapter",
            Box::new(|| {
                std::fs::write(
                    book.join("images/lamp.svg"),
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\"/></svg>",
                )
                .unwrap();
                edit(&ferry, "\n\n", "\n\n![A lamp by the water](../images/lamp.svg)\n\n");
            }),
        ),
        // The chapter's text is as it was; its image is gone: parsed again, the alt text printed.
        ("the image deleted", Box::new(|| std::fs::remove_file(book.join("images/lamp.svg")).unwrap())),
        ("the cover image changed", Box::new(|| edit(&book.join("images/cover.svg"), "#f3e6b3", "#e6b3f3"))),
        ("a book.toml key changed", Box::new(|| edit(&toml, "paragraph-style = \"spaced\"", "paragraph-style = \"indent\""))),
        ("a citable edition", Box::new(|| std::fs::write(&toml, std::fs::read_to_string(&toml).unwrap() + "\n[edition]\n").unwrap())),
        (
            "the heading font's file replaced",
            Box::new(|| {
                let other = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/EBGaramond-Italic.ttf");
                std::fs::copy(other, book.join("fonts/QuireTestSerif-Regular.otf")).unwrap();
            }),
        ),
        ("the heading font dropped", Box::new(|| edit(&toml, "heading = \"fonts/QuireTestSerif-Regular.otf\"", ""))),
    ];
    let mut hits_after_edit = (0, 0);
    for (i, (what, step)) in steps.iter().enumerate() {
        step();
        let before = (warm.paragraphs.hits(), warm.chapters.hits());
        let o = quire::watch::build(&opts, Some(&warm));
        assert!(o.failure.is_none(), "{what}: {:?}", o.diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>());
        if i == 1 {
            hits_after_edit = (warm.paragraphs.hits() - before.0, warm.chapters.hits() - before.1);
        }
        let _ = std::fs::remove_dir_all(&cold_out);
        let r = quire(&["build", "--quiet", "--format", "all", "--book", book.to_str().unwrap(), "--out", cold_out.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{what}: {}", r.stderr);
        let (w, c) = (files_under(&warm_out), files_under(&cold_out));
        assert_eq!(w.keys().collect::<Vec<_>>(), c.keys().collect::<Vec<_>>(), "{what}: the same files");
        for (name, bytes) in &w {
            assert!(*bytes == c[name], "{what}: `{name}` differs between the warm and the cold build");
        }
    }
    // The unchanged paragraphs of the edited book came from the store, not set again.
    // The unchanged chapters were not parsed again (the anthology has eight files, one edited).
    assert!(hits_after_edit.0 > 20, "only {} paragraphs were reused", hits_after_edit.0);
    assert_eq!(hits_after_edit.1, 7, "chapters taken from the cache after a one-chapter edit");
    assert!(!warm.paragraphs.is_empty());
}

/// A running `quire` whose stdout lines arrive on a channel; killed when dropped.
struct Running {
    child: Child,
    lines: Receiver<String>,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_quire")).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let (tx, lines) = channel();
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        let tx2 = tx.clone();
        std::thread::spawn(move || BufReader::new(out).lines().map_while(Result::ok).for_each(|l| drop(tx.send(l))));
        std::thread::spawn(move || BufReader::new(err).lines().map_while(Result::ok).for_each(|l| drop(tx2.send(l))));
        Running { child, lines }
    }

    /// Waits (up to 30 s) for a line containing `needle`; returns the lines seen.
    fn wait_for(&self, needle: &str) -> String {
        let mut seen = String::new();
        loop {
            match self.lines.recv_timeout(Duration::from_secs(30)) {
                Ok(l) => {
                    seen.push_str(&l);
                    seen.push('\n');
                    if l.contains(needle) {
                        return seen;
                    }
                }
                Err(_) => panic!("no line with `{needle}` within 30 s; saw:\n{seen}"),
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_rebuilds_on_a_save_and_keeps_the_outputs_when_the_book_breaks() {
    let dir = book("watch", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"# One\n\nFirst words.\n"), ("notes.txt", b"x")]);
    let w = Running::start(&["watch", "--format", "epub", "--book", dir.to_str().unwrap()]);
    w.wait_for("built in");
    let epub = dir.join("out/a-book.epub");
    let first = std::fs::read(&epub).unwrap();
    // A file the book does not read: no build.
    std::fs::write(dir.join("notes.txt"), b"y").unwrap();
    std::thread::sleep(Duration::from_millis(400));
    assert!(w.lines.try_recv().is_err(), "a file the book does not read started a build");
    std::fs::write(dir.join("ch1.md"), b"# One\n\nSecond words.\n").unwrap();
    w.wait_for("built in");
    let second = std::fs::read(&epub).unwrap();
    assert_ne!(first, second);
    assert!(unzip(&epub).1.values().any(|b| String::from_utf8_lossy(b).contains("Second words.")));
    // A broken book.toml: the errors with their place, the outputs kept.
    std::fs::write(dir.join("book.toml"), b"[metadata\ntitle = 1\n").unwrap();
    let seen = w.wait_for("previous outputs are kept");
    assert!(seen.contains("book.toml:1"), "{seen}");
    assert_eq!(std::fs::read(&epub).unwrap(), second);
    // Mended: built again, from the same sources the same bytes.
    std::fs::write(dir.join("book.toml"), MINIMAL_TOML).unwrap();
    let seen = w.wait_for("built in");
    assert!(seen.contains("0 written, 1 unchanged"), "{seen}");
    // A chapter listed before it is written: an error until the file appears, then a build.
    std::fs::write(dir.join("book.toml"), MINIMAL_TOML.replace("[\"ch1.md\"]", "[\"ch1.md\", \"ch2.md\"]")).unwrap();
    let seen = w.wait_for("previous outputs are kept");
    assert!(seen.contains("ch2.md"), "{seen}");
    std::fs::write(dir.join("ch2.md"), b"# Two\n\nThe new chapter.\n").unwrap();
    w.wait_for("built in");
    assert!(unzip(&epub).1.values().any(|b| String::from_utf8_lossy(b).contains("The new chapter.")));
}

/// A GET on loopback: (status, body).
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let resp = String::from_utf8_lossy(&resp).into_owned();
    let status = resp.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, resp.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
}

#[test]
fn serve_answers_on_loopback_and_a_page_reloads_itself_after_an_edit() {
    let node_path = std::env::var("QUIRE_AXE_NODE_PATH").expect("puppeteer-core is not installed: run ./scripts/test.sh");
    let chromium = std::env::var("QUIRE_CHROMIUM").expect("Chromium is not installed: run ./scripts/test.sh");
    let dir = book("serve", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"# One\n\nFirst words.\n")]);
    std::fs::write(dir.join("secret.txt"), b"not for the web").unwrap();
    let s = Running::start(&["serve", "--port", "0", "--format", "epub", "--book", dir.to_str().unwrap()]);
    let seen = s.wait_for("serving the HTML edition at http://");
    let url = seen.lines().find_map(|l| l.split("at ").nth(1)).unwrap().split(' ').next().unwrap().to_string();
    let addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let (status, index) = get(&addr, "/");
    assert_eq!(status, 200);
    assert!(index.contains("<title>Contents · A Book</title>") && index.contains("href=\"/_quire/files/a-book.epub\""), "{index}");
    let (status, page) = get(&addr, "/text/ch1.html");
    assert!(status == 200 && page.contains("First words."), "{status} {page}");
    assert_eq!(get(&addr, "/_quire/files/a-book.epub").0, 200);
    for bad in
        ["/../secret.txt", "/%2e%2e/secret.txt", "/_quire/files/../secret.txt", "/_quire/files/secret.txt", "/.quire.lock", "/nothing.html"]
    {
        let (status, body) = get(&addr, bad);
        assert_eq!(status, 404, "{bad}: {body}");
    }
    // The browser: a page open in Chromium reloads itself after a save and shows the edit.
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/a11y/reload.js");
    let page_url = format!("{url}text/ch1.html");
    let out = Command::new("node")
        .arg(script)
        .args([chromium.as_str(), &page_url, dir.join("ch1.md").to_str().unwrap(), "Words added while the page was open."])
        .env("NODE_PATH", &node_path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("\"reloaded\":true") && stdout.contains("\"shows\":true"), "{stdout}");
    // A broken book: the page shows the last good build with the problems.
    std::fs::write(dir.join("ch1.md"), b"# One\n\n[link](missing.md#nowhere) ![x](nothing.png)\n").unwrap();
    std::fs::write(dir.join("book.toml"), b"[metadata]\ntitle = \"A Book\"\n[contents]\nchapters = [\"ch1.md\", \"gone.md\"]\n").unwrap();
    s.wait_for("previous outputs are kept");
    let (status, page) = get(&addr, "/text/ch1.html");
    assert_eq!(status, 200);
    assert!(page.contains("the last good build is shown") && page.contains("gone.md"), "{page}");
    assert!(page.contains("Words added while the page was open."), "the last good build");
}
