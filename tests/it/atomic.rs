//! Nothing lost: a build killed at any moment leaves every output either as it was or complete
//! (never truncated); a failed build keeps the previous outputs; stale temporaries go away.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect()
}

#[test]
fn a_killed_build_never_leaves_a_truncated_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let book = temp_dir("killed");
    quire::bench::generate(root, &book, 6).unwrap();
    let out = book.join("out");
    let exe = env!("CARGO_BIN_EXE_quire");
    let build = |o: &Path| Command::new(exe).args(["build", "--quiet", "--book", book.to_str().unwrap(), "--out", o.to_str().unwrap()]).status().unwrap();
    assert!(build(&out).success());
    let old = files(&out);
    // Change the text, build the new outputs elsewhere: a finished write must equal these.
    let l22 = std::fs::read_dir(book.join("manuscript/letters")).unwrap().map(|e| e.unwrap().path()).find(|p| p.to_string_lossy().contains("22-1")).unwrap();
    let t = std::fs::read_to_string(&l22).unwrap().replace("Cape Cod", "Cape Ann");
    std::fs::write(&l22, t).unwrap();
    let fresh = temp_dir("killed-fresh");
    assert!(build(&fresh).success());
    let new = files(&fresh);
    assert!(old.keys().any(|n| n.ends_with(".pdf")) && old != new, "the second build differs");
    // Kill builds at different moments.
    for delay in [5u64, 40, 120, 250, 400, 700, 1000] {
        let mut child = Command::new(exe).args(["build", "--quiet", "--book", book.to_str().unwrap(), "--out", out.to_str().unwrap()]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        for (name, bytes) in files(&out) {
            if name.contains(".tmp-") {
                continue; // a hidden temporary: never the output itself
            }
            let was = old.get(&name).is_some_and(|b| *b == bytes);
            let now = new.get(&name).is_some_and(|b| *b == bytes);
            assert!(was || now, "after a kill at {delay} ms, {name} is neither the old nor the new complete file ({} bytes)", bytes.len());
        }
    }
    // A finished build removes what killed builds left behind.
    assert!(build(&out).success());
    assert!(files(&out).keys().all(|n| !n.contains(".tmp-")), "{:?}", files(&out).keys().collect::<Vec<_>>());
    assert_eq!(files(&out), new);
}

#[test]
fn a_failed_build_keeps_the_previous_outputs() {
    let dir = book("keep", &[("book.toml", MINIMAL_TOML.as_bytes()), ("ch1.md", b"# T\n\nGood text.\n")]);
    let r = quire(&["build", "--quiet", "--book", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = files(&dir.join("out"));
    std::fs::write(dir.join("ch1.md"), b"# T\n\nA snowman \xe2\x98\x83 breaks the PDF.\n").unwrap();
    let r = quire(&["build", "--quiet", "--book", dir.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(files(&dir.join("out")), before, "nothing changed, not even the EPUB that could have been written");
}
