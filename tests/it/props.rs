//! Property tests: random Markdown and random book.toml through the whole pipeline (load,
//! EPUB, PDF). The result is outputs or diagnostics — never a panic.

use crate::common::*;
use proptest::prelude::*;

fn md_token() -> impl Strategy<Value = String> {
    // Mostly well-formed Markdown, so most cases reach the writers; a few tokens that make
    // errors (raw HTML, stray front matter, undefined notes) so the error paths run too.
    let ok = prop_oneof![
        8 => "[a-zA-Z]{1,12}".prop_map(|s| s),
        2 => "[ -~]{1,6}".prop_map(|s| s.replace(['<', '[', '`', '\\'], "")),
        6 => Just(" ".to_string()),
        2 => Just("\n".to_string()),
        3 => Just("\n\n".to_string()),
        1 => Just("*".to_string()),
        1 => Just("**".to_string()),
        1 => Just("_".to_string()),
        1 => Just("`".to_string()),
        1 => Just("\n> ".to_string()),
        1 => Just("\n- ".to_string()),
        1 => Just("\n1. ".to_string()),
        1 => Just("\n# ".to_string()),
        1 => Just("\n#### ".to_string()),
        1 => Just("[link](ch1.md#ch1-title)".to_string()),
        1 => Just("[web](https://example.org/a b)".to_string()),
        1 => Just("[other](ch1.md)".to_string()),
        1 => Just("![alt](pic.png)".to_string()),
        1 => Just("\n```\ncode\n```\n".to_string()),
        1 => Just("\n```figure\nimage = \"pic.png\"\nalt = \"A\"\ncaption = \"C\"\n```\n".to_string()),
        1 => Just("\n| a | b |\n|---|--:|\n| 1 | 2 |\n".to_string()),
        1 => Just("\n---\n".to_string()),
        1 => Just("<!-- c -->".to_string()),
        1 => Just("—".to_string()),
        1 => Just("…".to_string()),
        1 => Just("\t".to_string()),
        1 => Just("\u{ad}".to_string()),
        1 => Just("  \n".to_string()),
    ];
    let bad = prop_oneof![
        1 => Just("<b>".to_string()),
        1 => Just("+++\n".to_string()),
        1 => Just("[^missing]".to_string()),
        1 => Just("漢".to_string()),
        1 => Just("\\".to_string()),
    ];
    prop_oneof![30 => ok, 1 => bad]
}

fn toml_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("language = \"de\"\n".to_string()),
        Just("language = \"\"\n".to_string()),
        Just("date = \"2024-02-29\"\n".to_string()),
        Just("date = \"2024-13-01\"\n".to_string()),
        Just("identifier = \"isbn:978-0-306-40615-7\"\n".to_string()),
        Just("identifier = \"doi:x\"\n".to_string()),
        Just("subtitle = \"S\"\n".to_string()),
        Just("creators = [{ name = \"X\", role = \"editor\" }]\n".to_string()),
        Just("creators = [{ name = \"\", role = \"boss\" }]\n".to_string()),
        Just("title = 3\n".to_string()),
        Just("x = [\n".to_string()),
        Just("unknown = 1\n".to_string()),
    ]
}

fn tail_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[typography]\npage-size = \"A4\"\n".to_string()),
        Just("[typography]\npage-size = \"1x1mm\"\n".to_string()),
        Just("[typography]\nbody-size = 300\n".to_string()),
        Just("[typography]\nmargins = { top = \"90mm\", bottom = \"90mm\" }\n".to_string()),
        Just("[profiles.p]\nline-numbers = 3\nrecto-openings = true\npad-to = 4\nbleed = \"3mm\"\ncrop-marks = true\n".to_string()),
        Just("[edition]\nparagraph-numbers = true\n".to_string()),
        Just("[output]\nreference-profile = \"nope\"\n".to_string()),
        Just("[fonts]\nregular = \"ch1.md\"\n".to_string()),
        Just(String::new()),
    ]
}

static RENDERED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn run_pipeline(dir: &std::path::Path) {
    if let Ok(loaded) = quire::load(dir)
        && quire::render(&loaded, &[quire::Target::Epub, quire::Target::Pdf], None).is_ok()
    {
        RENDERED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

fn tiny_png() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/books/kitchen-sink/images/plate.png")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_markdown_never_panics(a in prop::collection::vec(md_token(), 0..80), b in prop::collection::vec(md_token(), 0..30)) {
        let toml = b"[metadata]\ntitle = \"T\"\n[contents]\nchapters = [\"ch1.md\", \"ch2.md\"]\n[edition]\nparagraph-numbers = true\n";
        let png = tiny_png();
        // Titles come first so that most chapters are valid.
        let (c1, c2) = (format!("# One\n\n{}", a.concat()), format!("# Two\n\n{}", b.concat()));
        let dir = book("prop-md", &[("book.toml", toml), ("ch1.md", c1.as_bytes()), ("ch2.md", c2.as_bytes()), ("pic.png", &png)]);
        run_pipeline(&dir);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let dir = book("prop-bytes", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", &bytes)]);
        run_pipeline(&dir);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn random_book_toml_never_panics(meta in prop::collection::vec(toml_line(), 0..5), tail in prop::collection::vec(tail_line(), 0..3)) {
        let toml = format!("[metadata]\ntitle = \"T\"\n{}[contents]\nchapters = [\"ch1.md\"]\n{}", meta.concat(), tail.concat());
        let dir = book("prop-toml", &[("book.toml", toml.as_bytes()), ("ch1.md", b"# T\n\nSome text with a note.[^a]\n\n[^a]: The note.\n")]);
        run_pipeline(&dir);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn most_random_books_reach_the_writers() {
    // Runs after (or alongside) the properties: a sample of its own so the assertion does not
    // depend on test order.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let png = tiny_png();
    let before = RENDERED.load(std::sync::atomic::Ordering::SeqCst);
    for _ in 0..10 {
        let toks = prop::collection::vec(md_token(), 0..60).new_tree(&mut runner).unwrap().current();
        let c = format!("# One\n\n{}", toks.concat());
        let dir = book("prop-sample", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", c.as_bytes()), ("pic.png", &png)]);
        run_pipeline(&dir);
        let _ = std::fs::remove_dir_all(&dir);
    }
    let rendered = RENDERED.load(std::sync::atomic::Ordering::SeqCst) - before;
    assert!(rendered >= 3, "only {rendered} of 10 random books were rendered: the generator makes too many errors");
}

/// Shapes random Markdown rarely reaches: deep nesting, long tokens, non-ASCII labels,
/// colliding slugs, hostile links and ids, combining marks.
fn hostile_token() -> impl Strategy<Value = String> {
    prop_oneof![
        (0usize..70).prop_map(|n| format!("\n\n{}deep\n\n", "> ".repeat(n))),
        (0usize..200).prop_map(|n| format!("{}x{}", "*a _a ".repeat(n), "_ a* a".repeat(n))),
        (1usize..4000).prop_map(|n| format!(" {} ", "a-".repeat(n))),
        (1usize..4000).prop_map(|n| format!(" {} ", "x".repeat(n))),
        (1usize..500).prop_map(|n| format!(" a{} ", "\u{301}".repeat(n))),
        prop::sample::select(vec!["Title", "P2", "Intro", "Note 1", "ä", "—", "ref-1", "Ref"]).prop_map(|h| format!("\n\n## {h}\n\n")),
        prop::sample::select(vec!["ä", "ü", "a b", "a-b", "x-ref-1", "1", "—"])
            .prop_map(|l| format!(" claim.[^{l}]\n\n[^{l}]: Note {l}.\n\n")),
        prop::sample::select(vec!["javascript:alert(1)", "data:text/html,x", "<https://e.org/a b>", "mailto:a@b.org", "ch1.md#ch1-title"])
            .prop_map(|u| format!(" [l]({u}) ")),
        Just("\n\n```figure\nimage = \"pic.png\"\nalt = \"A\"\nid = 'x\" onclick=\"y'\n```\n\n".to_string()),
        md_token(),
    ]
}

/// The `id` attributes of every XHTML document of an EPUB that occur twice in one document.
fn duplicate_ids(epub: &[u8]) -> Vec<String> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut dups = Vec::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        if !name.ends_with(".xhtml") {
            continue;
        }
        let mut text = String::new();
        e.read_to_string(&mut text).unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for part in text.split(" id=\"").skip(1) {
            let id = part.split('"').next().unwrap_or("");
            if !seen.insert(id.to_string()) {
                dups.push(format!("{name}: {id}"));
            }
        }
        assert!(!text.contains("onclick") && !text.contains("javascript:"), "{name} carries script:\n{text}");
    }
    dups
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// Hostile shapes: outputs or diagnostics, never a panic; an EPUB never has a duplicate id
    /// or a script.
    #[test]
    fn hostile_markdown_never_panics_and_ids_stay_unique(a in prop::collection::vec(hostile_token(), 1..12)) {
        let toml = b"[metadata]\ntitle = \"T\"\n[contents]\nchapters = [\"ch1.md\"]\n[edition]\nparagraph-numbers = true\n";
        let c1 = format!("# One\n\n{}", a.concat());
        let dir = book("prop-hostile", &[("book.toml", toml), ("ch1.md", c1.as_bytes()), ("pic.png", &tiny_png())]);
        if let Ok(loaded) = quire::load(&dir)
            && let Ok(r) = quire::render(&loaded, &[quire::Target::Epub, quire::Target::Pdf], None)
        {
            let epub = &r.files.iter().find(|(n, _)| n.ends_with(".epub")).unwrap().1;
            prop_assert_eq!(duplicate_ids(epub), Vec::<String>::new());
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn many_hostile_books_reach_the_writers() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut rendered, mut with_dup) = (0, 0);
    for _ in 0..12 {
        let toks = prop::collection::vec(hostile_token(), 1..8).new_tree(&mut runner).unwrap().current();
        let c = format!("# One\n\n{}", toks.concat());
        let dir =
            book("prop-hostile-sample", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", c.as_bytes()), ("pic.png", &tiny_png())]);
        if let Ok(loaded) = quire::load(&dir)
            && let Ok(r) = quire::render(&loaded, &[quire::Target::Epub, quire::Target::Pdf], None)
        {
            rendered += 1;
            with_dup += duplicate_ids(&r.files.iter().find(|(n, _)| n.ends_with(".epub")).unwrap().1).len();
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(rendered >= 4, "only {rendered} of 12 hostile books were rendered: the generator makes too many errors");
    assert_eq!(with_dup, 0);
}
