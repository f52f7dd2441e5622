//! `quire init [DIR]`: a new book that builds at once — a commented book.toml, a dedication,
//! two chapters, an image and a `.gitignore` for the outputs. Nothing existing is overwritten.

use crate::diag::Diagnostic;
use std::path::{Path, PathBuf};

/// The files of a new book: (path in the book, contents); `{title}` and `{creators}` filled in.
const FILES: &[(&str, &str)] = &[
    ("book.toml", include_str!("book.toml.txt")),
    ("text/dedication.md", include_str!("dedication.md")),
    ("text/01-beginning.md", include_str!("01-beginning.md")),
    ("text/02-middle.md", include_str!("02-middle.md")),
    ("images/sketch.svg", include_str!("sketch.svg")),
    (".gitignore", "out/\n"),
];

/// Creates a new book in `dir` (made if missing). Refuses a directory that already holds any
/// of the files, so an existing book is never touched. Returns the files written.
/// Without an author the creators line is left commented out (no invented name is printed).
pub fn init(dir: &Path, title: &str, author: Option<&str>) -> Result<Vec<PathBuf>, Diagnostic> {
    let clash: Vec<&str> = FILES.iter().map(|(p, _)| *p).filter(|p| dir.join(p).exists()).collect();
    if !clash.is_empty() {
        return Err(Diagnostic::error(format!("`{}` already holds {}", dir.display(), clash.join(", ")))
            .help("run `quire init` in a new or empty directory, e.g. `quire init my-book`"));
    }
    let toml_str = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"").chars().filter(|c| !c.is_control()).collect::<String>();
    let mut written = Vec::new();
    for (path, text) in FILES {
        let target = dir.join(path);
        let creators = match author {
            Some(a) => format!("creators = [{{ name = \"{}\", role = \"author\" }}]", toml_str(a)),
            None => "# creators = [{ name = \"Your Name\", role = \"author\" }]".to_string(),
        };
        let text = text.replace("{title}", &toml_str(title)).replace("{creators}", &creators);
        let made = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::OpenOptions::new().write(true).create_new(true).open(&target))
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
        if let Err(e) = made {
            return Err(Diagnostic::error(format!("cannot write `{}`: {e}", target.display()))
                .help("check that the directory is writable and try again"));
        }
        written.push(target);
    }
    Ok(written)
}

/// A title from a directory name: `my-first-book` → "My First Book".
pub fn title_from_dir(dir: &Path) -> String {
    let name = dir.canonicalize().ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned())).unwrap_or_default();
    let words: Vec<String> = name
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
        })
        .collect();
    if words.is_empty() { "A New Book".to_string() } else { words.join(" ") }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_new_book_loads_and_an_existing_one_is_left_alone() {
        let dir = std::env::temp_dir().join(format!("quire-init-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = super::init(&dir, "My \"First\" Book", Some("A. Writer")).unwrap();
        assert_eq!(files.len(), 6);
        let loaded = crate::load(&dir).unwrap_or_else(|d| panic!("{d:?}"));
        assert_eq!(loaded.book.meta.title, "My \"First\" Book");
        assert_eq!(loaded.book.meta.creators[0].name, "A. Writer");
        let before = std::fs::read(dir.join("book.toml")).unwrap();
        assert!(super::init(&dir, "Other", None).is_err());
        assert_eq!(std::fs::read(dir.join("book.toml")).unwrap(), before);
        let _ = std::fs::remove_dir_all(&dir);
        super::init(&dir, "T", None).unwrap();
        assert!(crate::load(&dir).unwrap().book.meta.creators.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
