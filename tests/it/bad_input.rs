//! Bad input: each case gives a clear error naming file:line:column, exit code 1, never a panic.

use crate::common::*;

const CH: &[u8] = b"# Chapter One\n\nSome text.\n";

#[test]
fn malformed_toml() {
    let dir = book("malformed", &[("book.toml", b"[metadata]\ntitle = \"Unclosed\n[contents]\n"), ("ch1.md", CH)]);
    assert_error(&check(&dir), &["book.toml:2:", "help:"]);
}

#[test]
fn wrong_type() {
    let dir = book("wrongtype", &[("book.toml", b"[metadata]\ntitle = 12\n[contents]\nchapters = [\"ch1.md\"]\n"), ("ch1.md", CH)]);
    assert_error(&check(&dir), &["book.toml:2:9", "invalid type", "expected a string"]);
}

#[test]
fn unknown_key_names_line_and_nearest_key() {
    let dir = book(
        "unknownkey",
        &[("book.toml", b"[metadata]\ntitle = \"A\"\nlangauge = \"en\"\n[contents]\nchapters = [\"ch1.md\"]\n"), ("ch1.md", CH)],
    );
    assert_error(&check(&dir), &["unknown key `langauge`", "book.toml:3:1", "did you mean `language`"]);
}

#[test]
fn unknown_key_in_nested_table() {
    let dir = book(
        "unknownkey2",
        &[("book.toml", b"[metadata]\ntitle = \"A\"\n[contents]\nchapters = [\"ch1.md\"]\n[typography]\nbody-sise = 10\n"), ("ch1.md", CH)],
    );
    assert_error(&check(&dir), &["unknown key `body-sise`", "book.toml:6:1", "did you mean `body-size`"]);
}

#[test]
fn missing_book_toml() {
    let dir = book("nobooktoml", &[("ch1.md", CH)]);
    assert_error(&check(&dir), &["no book.toml"]);
}

#[test]
fn missing_manuscript_file() {
    let dir = book(
        "missingfile",
        &[("book.toml", b"[metadata]\ntitle = \"A\"\n[contents]\nchapters = [\"ch1.md\", \"ch2.md\"]\n"), ("ch1.md", CH)],
    );
    assert_error(&check(&dir), &["`ch2.md` does not exist", "book.toml:4:23"]);
}

#[test]
fn unreadable_manuscript_file() {
    // A directory where a file is expected cannot be read as a chapter (permissions do not
    // stop root, so this is the portable unreadable case).
    let dir = book("unreadable", &[("book.toml", MINIMAL_TOML.as_bytes())]);
    std::fs::create_dir_all(dir.join("ch1.md")).unwrap();
    assert_error(&check(&dir), &["`ch1.md` is a directory", "book.toml:4:"]);
}

#[test]
fn empty_manuscript_file() {
    let dir = book("emptyfile", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"\n\n")]);
    assert_error(&check(&dir), &["`ch1.md` is empty", "ch1.md:1:1"]);
}

#[test]
fn duplicate_chapter_entry() {
    let dir =
        book("dupentry", &[("book.toml", b"[metadata]\ntitle = \"A\"\n[contents]\nchapters = [\"ch1.md\", \"ch1.md\"]\n"), ("ch1.md", CH)]);
    assert_error(&check(&dir), &["listed twice", "book.toml:4:23"]);
}

#[test]
fn invalid_utf8() {
    let dir = book("badutf8", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"# Title\n\nCaf\xe9 au lait\n")]);
    assert_error(&check(&dir), &["not valid UTF-8", "ch1.md:3:4", "UTF-8"]);
}

#[test]
fn invalid_utf8_in_book_toml() {
    let dir =
        book("badutf8toml", &[("book.toml", b"[metadata]\ntitle = \"Caf\xe9\"\n[contents]\nchapters = [\"ch1.md\"]\n"), ("ch1.md", CH)]);
    assert_error(&check(&dir), &["not valid UTF-8", "book.toml:2:13"]);
}

#[test]
fn unterminated_front_matter() {
    let dir = book("unterminated", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"+++\ntitle = \"X\"\n\nText without end.\n")]);
    assert_error(&check(&dir), &["front matter is not closed", "ch1.md:1:1", "+++"]);
}

#[test]
fn bad_date_in_book_toml() {
    let dir = book(
        "baddate",
        &[("book.toml", b"[metadata]\ntitle = \"A\"\ndate = \"2023-02-30\"\n[contents]\nchapters = [\"ch1.md\"]\n"), ("ch1.md", CH)],
    );
    assert_error(&check(&dir), &["bad date", "2023-02-30", "book.toml:3:8", "YYYY-MM-DD"]);
}

#[test]
fn bad_date_in_front_matter() {
    let dir = book(
        "baddatefm",
        &[
            ("book.toml", MINIMAL_TOML.as_bytes()),
            ("ch1.md", b"+++\nkind = \"letter\"\ntitle = \"A letter\"\ndate = \"16 October 1961\"\n+++\n\nDear friend.\n"),
        ],
    );
    assert_error(&check(&dir), &["bad date", "ch1.md:4:8"]);
}

#[test]
fn unknown_front_matter_key() {
    let dir = book(
        "unknownfm",
        &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"+++\ntitle = \"A\"\nsalutaton = \"Dear\"\n+++\n\nText.\n")],
    );
    assert_error(&check(&dir), &["unknown front matter key `salutaton`", "ch1.md:3:1", "did you mean `salutation`"]);
}

#[test]
fn path_with_parent_dir_escapes() {
    let dir = book("dotdot", &[("book.toml", b"[metadata]\ntitle = \"A\"\n[contents]\nchapters = [\"../secret.md\"]\n")]);
    assert_error(&check(&dir), &["escapes the book directory", "book.toml:4:13"]);
}

#[test]
fn absolute_path_is_refused() {
    let dir = book("absolute", &[("book.toml", b"[metadata]\ntitle = \"A\"\n[contents]\nchapters = [\"/etc/hostname\"]\n")]);
    assert_error(&check(&dir), &["is absolute", "book.toml:4:13"]);
}

#[test]
fn symlink_out_of_book_is_refused() {
    let outside = temp_dir("outside");
    std::fs::write(outside.join("secret.md"), CH).unwrap();
    let dir = book("symlink", &[("book.toml", MINIMAL_TOML.as_bytes())]);
    std::os::unix::fs::symlink(outside.join("secret.md"), dir.join("ch1.md")).unwrap();
    assert_error(&check(&dir), &["symbolic link that leads outside", "book.toml:4:13"]);
}

#[test]
fn html_outside_the_subset_warns_and_keeps_its_text() {
    let dir = book("rawhtml", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"# T\n\nText with <blink>html</blink>.\n")]);
    let r = check(&dir);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("`<blink>` is not in quire's subset") && r.stderr.contains("ch1.md:3:11"), "{}", r.stderr);
    let r = quire(&["check", "--deny-warnings", "--book", dir.to_str().unwrap()]);
    assert_error(&r, &["`<blink>` is not in quire's subset", "ch1.md:3:11"]);
}

#[test]
fn missing_figure_image_is_an_error() {
    let dir = book(
        "nofigimage",
        &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"# T\n\n```figure\nimage = \"img/none.png\"\nalt = \"A plate\"\n```\n")],
    );
    assert_error(&check(&dir), &["`img/none.png` does not exist", "ch1.md:3:1"]);
}

#[test]
fn undefined_footnote_reference() {
    let dir = book("undefnote", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"# T\n\nA claim.[^src]\n")]);
    assert_error(&check(&dir), &["`[^src]` has no definition", "ch1.md:3:9"]);
}

#[test]
fn duplicate_footnote_definition() {
    let dir = book("dupnote", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"# T\n\nA claim.[^a]\n\n[^a]: One.\n\n[^a]: Two.\n")]);
    assert_error(&check(&dir), &["`[^a]` is defined twice", "ch1.md:7:1"]);
}

#[test]
fn bad_identifier_checksum() {
    let dir = book(
        "badisbn",
        &[
            ("book.toml", b"[metadata]\ntitle = \"A\"\nidentifier = \"isbn:978-0-306-40615-8\"\n[contents]\nchapters = [\"ch1.md\"]\n"),
            ("ch1.md", CH),
        ],
    );
    assert_error(&check(&dir), &["checksum", "book.toml:3:14"]);
}

#[test]
fn unused_footnote_is_a_warning_and_deny_warnings_fails() {
    let dir = book("unusednote", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"# T\n\nText.\n\n[^a]: Never used.\n")]);
    let r = check(&dir);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning: footnote `[^a]` is defined but never referenced"), "{}", r.stderr);
    assert!(r.stderr.contains("ch1.md:5:1"), "{}", r.stderr);
    let r = quire(&["check", "--deny-warnings", "--book", dir.to_str().unwrap()]);
    assert_eq!(r.code, 1);
}

#[test]
fn usage_errors_exit_2() {
    let r = quire(&["build", "--format", "docx"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = quire(&["frobnicate"]);
    assert_eq!(r.code, 2);
}

#[test]
fn deep_nesting_is_refused_without_crash() {
    let deep = ">".repeat(10_000) + " deep\n";
    let text = format!("# T\n\n{deep}");
    let dir = book("deepnest", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", text.as_bytes())]);
    assert_error(&check(&dir), &["nested more than", "ch1.md:3:"]);
}

#[test]
fn minimal_book_checks() {
    let dir = book("minimal", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", CH)]);
    let r = check(&dir);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("A Book") && r.stdout.contains("Chapter One"), "{}", r.stdout);
}

#[test]
fn check_reports_every_problem_at_once_in_manuscript_order() {
    let toml = "[metadata]\ntitle = \"A Book\"\n[contents]\nchapters = [\"ch1.md\", \"ch2.md\"]\n";
    let ch1 = "# One\n\nA character 漢 here.\n\nA [link](nowhere.md) there.\n\n![](missing.png)\n";
    let ch2 = "# Two\n\nA claim.[^none]\n\n<blink>old</blink>\n";
    let dir = book("order", &[("book.toml", toml.as_bytes()), ("ch1.md", ch1.as_bytes()), ("ch2.md", ch2.as_bytes())]);
    let r = check(&dir);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let places: Vec<&str> = r.stderr.lines().filter_map(|l| l.trim().strip_prefix("--> ")).collect();
    assert_eq!(places, ["ch1.md:3:1", "ch1.md:5:3", "ch1.md:7:1", "ch2.md:3:9", "ch2.md:5:1"], "{}", r.stderr);
}

#[test]
fn an_mdbook_layout_with_many_readmes_builds_and_directives_warn() {
    let toml = "[metadata]\ntitle = \"A Book\"\n[contents]\nchapters = [\"src/README.md\", \"src/cli/README.md\", \"src/cli/init.md\"]\n";
    let dir = book(
        "readmes",
        &[
            ("book.toml", toml.as_bytes()),
            ("src/README.md", b"# Introduction\n\nSee [the commands](cli/index.html) and [init](cli/init.html).\n"),
            ("src/cli/README.md", b"# Commands\n\n{{#include options.md}}\n"),
            ("src/cli/init.md", b"# init\n\nBack to the [introduction](../index.html).\n"),
        ],
    );
    let out = dir.join("out");
    let r = quire(&["build", "--book", dir.to_str().unwrap(), "--out", out.to_str().unwrap(), "--format", "epub"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("`{{#include …}}` is an mdBook preprocessor directive") && r.stderr.contains("src/cli/README.md:3:1"),
        "{}",
        r.stderr
    );
    let (names, files, _) = unzip(&out.join("a-book.epub"));
    assert!(
        names.contains(&"EPUB/text/readme.xhtml".to_string()) && names.contains(&"EPUB/text/cli-readme.xhtml".to_string()),
        "{names:?}"
    );
    let intro = String::from_utf8_lossy(&files["EPUB/text/readme.xhtml"]);
    assert!(intro.contains("href=\"cli-readme.xhtml\"") && intro.contains("href=\"init.xhtml\""), "{intro}");
}
