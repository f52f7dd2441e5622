//! The benchmark command runs and reports every stage (functional only: nothing here is timed).

use crate::common::*;

#[test]
fn bench_generates_a_valid_book_and_reports_stages() {
    let work = temp_dir("bench");
    let r = quire(&["bench", "--sizes", "20", "--runs", "1", "--work", work.to_str().unwrap(), "--book", env!("CARGO_MANIFEST_DIR")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let header = r.stdout.lines().next().unwrap();
    for col in ["pages", "total ms", "pages/s", "peak RSS MB", "parse", "epub", "shaping", "line breaking", "pagination", "pdf writing"] {
        assert!(header.contains(col), "{header}");
    }
    let row = r.stdout.lines().nth(2).expect("a result row");
    let pages: f64 = row.split('|').nth(3).unwrap().trim().parse().unwrap();
    assert!(pages > 15.0, "{row}");
    // The generated book is a valid book with distinct letter ids.
    let c = check(&work.join("bench-20"));
    assert_eq!(c.code, 0, "{}", c.stderr);
}

#[test]
fn generated_books_grow_with_the_copies() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (a, b) = (temp_dir("gen-a"), temp_dir("gen-b"));
    let wa = quire::bench::generate(root, &a, 1).unwrap();
    let wb = quire::bench::generate(root, &b, 4).unwrap();
    assert!(wb > 3 * wa / 2, "{wa} vs {wb}");
    let loaded = quire::load(&b).unwrap_or_else(|d| panic!("{:?}", d));
    let ids: std::collections::BTreeSet<_> = loaded.book.chapters().map(|c| c.id.clone()).collect();
    assert_eq!(ids.len(), loaded.book.chapters().count(), "ids are distinct");
    assert!(loaded.book.chapters().flat_map(|c| c.figures()).count() >= 4 * 3, "figures kept");
}
