//! Nothing lost: a build killed at any moment leaves every output either as it was or complete
//! (never truncated); a failed build keeps the previous outputs; stale temporaries go away.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The files of a directory by name; hidden entries (a build's staging directory and lock)
/// are listed with empty contents, so leftovers show.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = if name.starts_with('.') { Vec::new() } else { std::fs::read(e.path()).unwrap() };
            (name, bytes)
        })
        .collect()
}

#[test]
fn a_killed_build_never_leaves_a_truncated_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let book = temp_dir("killed");
    quire::bench::generate(root, &book, 6).unwrap();
    let out = book.join("out");
    let exe = env!("CARGO_BIN_EXE_quire");
    let build = |o: &Path| {
        Command::new(exe).args(["build", "--quiet", "--book", book.to_str().unwrap(), "--out", o.to_str().unwrap()]).status().unwrap()
    };
    assert!(build(&out).success());
    let old = files(&out);
    // Change the text, build the new outputs elsewhere: a finished write must equal these.
    let l22 = std::fs::read_dir(book.join("manuscript/letters"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("22-1"))
        .unwrap();
    let t = std::fs::read_to_string(&l22).unwrap().replace("Cape Cod", "Cape Ann");
    std::fs::write(&l22, t).unwrap();
    let fresh = temp_dir("killed-fresh");
    assert!(build(&fresh).success());
    let new = files(&fresh);
    assert!(old.keys().any(|n| n.ends_with(".pdf")) && old != new, "the second build differs");
    // Kill builds at different moments.
    for delay in [5u64, 40, 120, 250, 400, 700, 1000] {
        let mut child =
            Command::new(exe).args(["build", "--quiet", "--book", book.to_str().unwrap(), "--out", out.to_str().unwrap()]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        for (name, bytes) in files(&out) {
            if name.starts_with('.') {
                continue; // a killed build's staging directory or lock: never an output itself
            }
            let was = old.get(&name).is_some_and(|b| *b == bytes);
            let now = new.get(&name).is_some_and(|b| *b == bytes);
            assert!(was || now, "after a kill at {delay} ms, {name} is neither the old nor the new complete file ({} bytes)", bytes.len());
        }
    }
    // A finished build removes what killed builds left behind.
    assert!(build(&out).success());
    assert!(files(&out).keys().all(|n| !n.starts_with('.')), "{:?}", files(&out).keys().collect::<Vec<_>>());
    assert_eq!(files(&out), new);
}

#[test]
fn a_failed_build_keeps_the_previous_outputs() {
    let dir = book("keep", &[("book.toml", CITABLE_TOML.as_bytes()), ("ch1.md", b"# T\n\nGood text.\n")]);
    let r = quire(&["build", "--quiet", "--book", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = files(&dir.join("out"));
    std::fs::write(dir.join("ch1.md"), b"# T\n\nA note[^missing] without its text breaks the book.\n").unwrap();
    let r = quire(&["build", "--quiet", "--book", dir.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(files(&dir.join("out")), before, "nothing changed, not even the EPUB that could have been written");
}

/// Every file of a directory, recursively (directories marked), for before/after comparison.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            if e.path().is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                todo.push(e.path());
            } else {
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

#[test]
fn a_build_that_cannot_write_one_output_changes_none() {
    let dir = book("in-the-way", &[("book.toml", CITABLE_TOML.as_bytes()), ("ch1.md", b"# T\n\nGood text.\n")]);
    let b = dir.to_str().unwrap();
    assert_eq!(quire(&["build", "--quiet", "--book", b]).code, 0);
    std::fs::write(dir.join("ch1.md"), b"# T\n\nOther text.\n").unwrap();
    let out = dir.join("out");
    let names: Vec<String> = files(&out).into_keys().collect();
    assert!(names.len() >= 7, "{names:?}");
    for name in &names {
        // A directory where this output should go: the build must fail before it changes anything.
        let keep = std::fs::read(out.join(name)).unwrap();
        std::fs::remove_file(out.join(name)).unwrap();
        std::fs::create_dir(out.join(name)).unwrap();
        let before = snapshot(&out);
        let r = quire(&["build", "--quiet", "--book", b]);
        assert_eq!(r.code, 1, "{name}: {}", r.stderr);
        assert!(r.stderr.contains("is in the way") && r.stderr.contains("nothing in the output directory was changed"), "{}", r.stderr);
        assert_eq!(snapshot(&out), before, "a failed build at `{name}` changed the output directory");
        std::fs::remove_dir(out.join(name)).unwrap();
        std::fs::write(out.join(name), keep).unwrap();
    }
}

#[test]
fn a_very_long_title_still_builds() {
    let title = "Word ".repeat(120);
    let toml = format!("[metadata]\ntitle = \"{title}\"\n[contents]\nchapters = [\"ch1.md\"]\n[edition]\n");
    let dir = book("long-title", &[("book.toml", toml.as_bytes()), ("ch1.md", b"# T\n\nText.\n")]);
    let r = quire(&["build", "--quiet", "--book", dir.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn concurrent_builds_into_one_directory_take_turns() {
    // Two books with the same file names but different text, built at once into one directory:
    // without the lock their files would mix, and SHA256SUMS would not match what is there.
    let a = book("concurrent-a", &[("book.toml", CITABLE_TOML.as_bytes()), ("ch1.md", b"# T\n\nThe first book's text.\n")]);
    let b = book("concurrent-b", &[("book.toml", CITABLE_TOML.as_bytes()), ("ch1.md", b"# T\n\nThe second book, other words.\n")]);
    let out = temp_dir("concurrent-out");
    let exe = env!("CARGO_BIN_EXE_quire");
    for round in 0..10 {
        let spawn = |dir: &Path| {
            Command::new(exe)
                .args(["build", "--quiet", "--format", "epub", "--book", dir.to_str().unwrap(), "--out", out.to_str().unwrap()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (x, y) = (spawn(&a), spawn(&b));
        for c in [x, y] {
            let o = c.wait_with_output().unwrap();
            assert!(o.status.success(), "round {round}: {}", String::from_utf8_lossy(&o.stderr));
        }
        // A complete, checksummed directory from one build, and nothing left behind.
        let sums = std::fs::read_to_string(out.join("SHA256SUMS")).unwrap();
        for line in sums.lines() {
            let (hash, name) = line.split_once("  ").unwrap();
            let bytes = std::fs::read(out.join(name)).unwrap();
            assert_eq!(quire::ids::sha256_hex(&bytes), hash, "round {round}: {name} is from the other build");
        }
        let names: Vec<String> = files(&out).into_keys().collect();
        assert!(names.iter().all(|n| !n.starts_with('.')), "round {round}: leftovers {names:?}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = book("pipe", &[("book.toml", CITABLE_TOML.as_bytes()), ("ch1.md", b"# T\n\nText.\n")]);
    let exe = env!("CARGO_BIN_EXE_quire");
    let mut c = Command::new(exe)
        .args(["check", "--book", dir.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(c.stdout.take());
    let o = c.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&o.stderr));
    let full = std::fs::File::options().write(true).open("/dev/full").unwrap();
    let o = Command::new(exe).args(["check", "--book", dir.to_str().unwrap()]).stdout(full).output().unwrap();
    assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A valid PNG of noise (incompressible): `side` × `side` RGB pixels.
fn noise_png(side: u32) -> Vec<u8> {
    let mut x: u32 = 12345;
    let mut noise = || {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (x >> 16) as u8
    };
    // Each row: filter byte 0, then the pixels.
    let raw: Vec<u8> = (0..side).flat_map(|_| std::iter::once(0).chain((0..side * 3).map(|_| noise()).collect::<Vec<u8>>())).collect();
    png_file(side, side, 2, 0, &raw)
}

#[test]
fn a_full_disk_changes_no_output() {
    // A small tmpfs as the output directory (needs root and tmpfs; elsewhere the test says so).
    let mnt = temp_dir("full-disk");
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=400k", "tmpfs"]).arg(&mnt).status().is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("a_full_disk_changes_no_output: cannot mount a tmpfs here; not run");
        return;
    }
    let dir = book("full-disk-book", &[("book.toml", CITABLE_TOML.as_bytes()), ("ch1.md", b"# T\n\nSmall text.\n")]);
    let b = dir.to_str().unwrap();
    let out = mnt.to_str().unwrap();
    let r = quire(&["build", "--quiet", "--format", "epub", "--book", b, "--out", out]);
    let result = std::panic::catch_unwind(|| {
        assert_eq!(r.code, 0, "{}", r.stderr);
        let before = snapshot(&mnt);
        // A picture of noise makes the new EPUB too large for the disk.
        std::fs::write(dir.join("noise.png"), noise_png(260)).unwrap();
        std::fs::write(dir.join("ch1.md"), b"# T\n\nSmall text.\n\n![Noise](noise.png)\n").unwrap();
        let r = quire(&["build", "--quiet", "--format", "epub", "--book", b, "--out", out]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains("os error 28") && r.stderr.contains("nothing in the output directory was changed"), "{}", r.stderr);
        assert_eq!(snapshot(&mnt), before, "a full disk changed the outputs");
    });
    let _ = Command::new("umount").arg(&mnt).status();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
