//! Manuscript bytes → UTF-8 decoding, front matter and Markdown parsing. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static DIR: OnceLock<quire::source::BookDir> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let dir = DIR.get_or_init(|| {
        let d = std::env::temp_dir().join("quire-fuzz-parse");
        let _ = std::fs::create_dir_all(&d);
        quire::source::BookDir::open(&d).expect("temp dir")
    });
    let mut warnings = Vec::new();
    if let Ok(file) = quire::source::decode_text("ch.md", data.to_vec(), &mut warnings) {
        let mut diags = quire::diag::Diagnostics::default();
        let _ = quire::parse::parse_chapter(dir, &file, quire::model::Matter::Body, "en", &mut diags);
    }
});
