//! The only module that reads the book's files. Every path is relative to the book directory and
//! confined to it: absolute paths, `..` components and symlinks that lead outside are refused.

pub mod image;

use crate::diag::{Diagnostic, LineIndex, Location};
pub use image::{ImageKind, sniff_image};
use std::path::{Component, Path, PathBuf};

/// A text file of the book, decoded as UTF-8.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as written in book.toml, relative to the book directory (used in messages).
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn location(&self, offset: usize) -> Location {
        LineIndex::new(&self.text).location(&self.name, offset)
    }
}

/// Images read and inspected at load, by book-relative path.
type ImageCache = std::sync::Arc<std::sync::Mutex<std::collections::BTreeMap<String, (image::ImageInfo, std::sync::Arc<[u8]>)>>>;

/// The largest file quire reads (bytes): larger files are refused, not read into memory.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// The book directory and the files read from it.
#[derive(Debug, Clone)]
pub struct BookDir {
    root: PathBuf,
    canonical_root: PathBuf,
    images: ImageCache,
    /// Every path the book asked for (found or not), under the canonical root: what
    /// `quire watch` watches.
    asked: std::sync::Arc<std::sync::Mutex<std::collections::BTreeSet<PathBuf>>>,
    /// Every image asked for, in order, with where and what came of it (the chapter cache
    /// checks a cached chapter's images against it).
    image_log: std::sync::Arc<std::sync::Mutex<Vec<ImageAsked>>>,
    /// Whether `asked` and `image_log` are kept (a long-lived process's builds; a one-off
    /// build, or a fuzzer reusing one directory, keeps nothing).
    recording: bool,
}

/// An image a chapter asked for: its path, where it was written, and what loading it gave
/// (its facts, or the problem's message).
pub type ImageAsked = (String, Location, Result<image::ImageInfo, String>);

impl BookDir {
    pub fn open(root: &Path) -> Result<BookDir, Diagnostic> {
        let canonical_root = root.canonicalize().map_err(|e| {
            Diagnostic::error(format!("cannot open book directory `{}`: {e}", root.display()))
                .help("pass the directory that holds book.toml with --book DIR")
        })?;
        if !canonical_root.is_dir() {
            return Err(Diagnostic::error(format!("`{}` is not a directory", root.display()))
                .help("pass the directory that holds book.toml with --book DIR"));
        }
        Ok(BookDir {
            root: root.to_path_buf(),
            canonical_root,
            images: Default::default(),
            asked: Default::default(),
            image_log: Default::default(),
            recording: false,
        })
    }

    /// [`BookDir::open`], keeping a record of every file and image the book asks for (what
    /// `quire watch` watches and its chapter cache checks).
    pub fn open_recording(root: &Path) -> Result<BookDir, Diagnostic> {
        Ok(BookDir { recording: true, ..BookDir::open(root)? })
    }

    /// Whether this directory keeps a record of what was asked (see [`BookDir::open_recording`]).
    pub fn recording(&self) -> bool {
        self.recording
    }

    /// Every file the book asked for so far (whether it exists or not), as absolute paths under
    /// the canonical root.
    pub fn files_asked(&self) -> std::collections::BTreeSet<PathBuf> {
        self.asked.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn canonical_root(&self) -> &Path {
        &self.canonical_root
    }

    /// Resolves a book-relative path, refusing anything that leaves the book directory.
    /// `origin` is where the path was written (for the message).
    pub fn resolve(&self, rel: &str, origin: Option<&Location>) -> Result<PathBuf, Diagnostic> {
        let fail = |why: &str| {
            Diagnostic::error(format!("path `{rel}` {why}"))
                .at_opt(origin.cloned())
                .help("give a path relative to the book directory that stays inside it, e.g. `manuscript/chapter.md`")
        };
        if rel.is_empty() {
            return Err(fail("is empty"));
        }
        let p = Path::new(rel);
        for c in p.components() {
            match c {
                Component::Normal(_) | Component::CurDir => {}
                Component::ParentDir => return Err(fail("escapes the book directory with `..`")),
                Component::RootDir | Component::Prefix(_) => {
                    return Err(fail("is absolute; quire only reads files inside the book directory"));
                }
            }
        }
        let joined = self.canonical_root.join(p);
        if self.recording {
            self.asked.lock().unwrap_or_else(|e| e.into_inner()).insert(joined.clone());
        }
        match joined.canonicalize() {
            Ok(real) if !real.starts_with(&self.canonical_root) => Err(fail("is a symbolic link that leads outside the book directory")),
            Ok(real) => Ok(real),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Diagnostic::error(format!("file `{rel}` does not exist"))
                .code(crate::diag::Code::MissingFile)
                .at_opt(origin.cloned())
                .help("check the spelling of the path, or create the file")),
            Err(e) => Err(Diagnostic::error(format!("cannot read `{rel}`: {e}")).at_opt(origin.cloned())),
        }
    }

    /// Reads raw bytes of a book-relative file.
    pub fn read_bytes(&self, rel: &str, origin: Option<&Location>) -> Result<Vec<u8>, Diagnostic> {
        let path = self.resolve(rel, origin)?;
        if path.is_dir() {
            return Err(Diagnostic::error(format!("`{rel}` is a directory, not a file"))
                .at_opt(origin.cloned())
                .help("name a file inside it"));
        }
        // Only regular files: a FIFO or device would block or never end.
        match std::fs::metadata(&path) {
            Ok(m) if !m.is_file() => {
                return Err(Diagnostic::error(format!("`{rel}` is not a regular file (a pipe, device or socket)"))
                    .at_opt(origin.cloned())
                    .help("name an ordinary file"));
            }
            Ok(m) if m.len() > MAX_FILE_BYTES => {
                return Err(Diagnostic::error(format!(
                    "`{rel}` is {} MB, more than quire reads ({} MB)",
                    m.len() >> 20,
                    MAX_FILE_BYTES >> 20
                ))
                .at_opt(origin.cloned())
                .help("split the file, or make the image smaller"));
            }
            _ => {}
        }
        std::fs::read(&path).map_err(|e| {
            Diagnostic::error(format!("cannot read `{rel}`: {e}")).at_opt(origin.cloned()).help("check the file's permissions")
        })
    }

    /// Reads and inspects an image (once: later calls and [`BookDir::image`] use the copy read
    /// here). The diagnostic says why an image cannot be used.
    pub fn load_image(&self, rel: &str, origin: &Location) -> Result<image::ImageInfo, Diagnostic> {
        let r = self.load_image_once(rel, origin);
        if self.recording
            && let Ok(mut log) = self.image_log.lock()
        {
            log.push((rel.to_string(), origin.clone(), r.as_ref().map(|i| *i).map_err(|d| d.to_string())));
        }
        r
    }

    /// How many images were asked for so far.
    pub fn images_asked(&self) -> usize {
        self.image_log.lock().map(|l| l.len()).unwrap_or(0)
    }

    /// The images asked for since the count was `from`.
    pub fn images_asked_since(&self, from: usize) -> Vec<ImageAsked> {
        self.image_log.lock().map(|l| l.get(from..).unwrap_or_default().to_vec()).unwrap_or_default()
    }

    fn load_image_once(&self, rel: &str, origin: &Location) -> Result<image::ImageInfo, Diagnostic> {
        if let Some((info, _)) = self.image(rel) {
            return Ok(info);
        }
        let bytes = self.read_bytes(rel, Some(origin)).map_err(|mut d| {
            d.message = format!("image {}", d.message);
            d
        })?;
        let info =
            image::inspect(&bytes).map_err(|r| Diagnostic::error(format!("image `{rel}` {}", r.why)).at(origin.clone()).help(r.help))?;
        if let Ok(mut m) = self.images.lock() {
            m.insert(rel.to_string(), (info, bytes.into()));
        }
        Ok(info)
    }

    /// An image loaded by [`BookDir::load_image`]: writers take images from here and never
    /// read the disk again.
    pub fn image(&self, rel: &str) -> Option<(image::ImageInfo, std::sync::Arc<[u8]>)> {
        self.images.lock().ok()?.get(rel).cloned()
    }

    /// Reads a book-relative UTF-8 text file. A leading byte-order mark is dropped with a warning
    /// pushed to `warnings`.
    pub fn read_text(&self, rel: &str, origin: Option<&Location>, warnings: &mut Vec<Diagnostic>) -> Result<SourceFile, Diagnostic> {
        let bytes = self.read_bytes(rel, origin)?;
        decode_text(rel, bytes, warnings)
    }
}

/// Decodes file contents as UTF-8, reporting the first invalid byte by line and column.
pub fn decode_text(name: &str, mut bytes: Vec<u8>, warnings: &mut Vec<Diagnostic>) -> Result<SourceFile, Diagnostic> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
        warnings.push(
            Diagnostic::warning(format!("`{name}` starts with a byte-order mark; it was ignored"))
                .at(Location { file: name.to_string(), line: 1, column: 1, line_text: String::new() })
                .help("save the file as UTF-8 without BOM"),
        );
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile { name: name.to_string(), text }),
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..good]).into_owned();
            let rest_of_line: String = String::from_utf8_lossy(&bytes[good..]).chars().take_while(|&c| c != '\n').collect();
            let text = prefix.clone() + &rest_of_line;
            let loc = LineIndex::new(&text).location(name, prefix.len());
            Err(Diagnostic::error(format!("`{name}` is not valid UTF-8 (byte 0x{:02X} at offset {good})", bytes[good]))
                .at(loc)
                .help("re-save the file with UTF-8 encoding"))
        }
    }
}

/// Joins `rel` (as written in `from_file`) to the directory of `from_file`, lexically, giving a
/// book-relative path. Fails if the result leaves the book directory or `rel` is absolute/a URL.
pub fn join_relative(from_file: &str, rel: &str) -> Result<String, String> {
    if rel.contains("://") || rel.starts_with("data:") {
        return Err("is a URL; quire only uses image files inside the book directory".into());
    }
    if rel.starts_with('/') || rel.starts_with('\\') || Path::new(rel).is_absolute() {
        return Err("is absolute; write it relative to the manuscript file".into());
    }
    let mut parts: Vec<&str> = from_file.split('/').collect();
    parts.pop(); // the file name
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("escapes the book directory".into());
                }
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        return Err("names no file".into());
    }
    Ok(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths() {
        assert_eq!(join_relative("manuscript/letters/22.md", "../images/a.png").unwrap(), "manuscript/images/a.png");
        assert_eq!(join_relative("ch.md", "img/a.png").unwrap(), "img/a.png");
        assert!(join_relative("ch.md", "../a.png").is_err());
        assert!(join_relative("ch.md", "/etc/passwd").is_err());
        assert!(join_relative("ch.md", "https://x.org/a.png").is_err());
    }
}
