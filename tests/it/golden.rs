//! Golden layout dumps (page, label, baseline, x, text) of small fixture books. A change in
//! line breaking, pagination or furniture shows up as a diff. After an intended change, run
//! `QUIRE_BLESS=1 cargo test --test it golden` and review the diff of tests/fixtures/golden/.

use std::path::Path;

fn check(book: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = quire::load(&root.join("tests/fixtures/books").join(book)).unwrap_or_else(|d| panic!("{:?}", d));
    let fonts = loaded.fonts.clone();
    let layout = quire::typeset(&loaded, &fonts).unwrap_or_else(|d| panic!("{:?}", d));
    let dump = layout.dump();
    let golden = root.join("tests/fixtures/golden").join(format!("{book}.layout.tsv"));
    if std::env::var_os("QUIRE_BLESS").is_some() {
        std::fs::write(&golden, &dump).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&golden).unwrap_or_else(|_| panic!("no golden file {}; run with QUIRE_BLESS=1", golden.display()));
    if dump != want {
        let first = dump.lines().zip(want.lines()).enumerate().find(|(_, (a, b))| a != b);
        panic!("layout of {book} differs from {}; first difference: {first:?}", golden.display());
    }
}

#[test]
fn kitchen_sink_layout_is_unchanged() {
    check("kitchen-sink");
}

#[test]
fn german_layout_is_unchanged() {
    check("german");
}

#[test]
fn anthology_layout_is_unchanged() {
    check("anthology");
}
