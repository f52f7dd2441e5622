//! book.toml + one chapter (split at the first NUL byte) → load → EPUB and PDF in memory.
//! Must end in outputs or diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (toml, chapter) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&b"[metadata]\ntitle = \"F\"\n[contents]\nchapters = [\"ch.md\"]\n"[..], data),
    };
    let dir = std::env::temp_dir().join(format!("quire-fuzz-pipeline-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    if std::fs::write(dir.join("book.toml"), toml).is_err() || std::fs::write(dir.join("ch.md"), chapter).is_err() {
        return;
    }
    if let Ok(loaded) = quire::load(&dir) {
        let _ = quire::render(&loaded, &[quire::Target::Epub, quire::Target::Pdf], None);
    }
});
