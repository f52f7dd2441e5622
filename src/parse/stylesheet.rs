//! The author's EPUB stylesheet (`[epub] css`): read once, checked, appended after quire's own.
//! An EPUB may not fetch anything from outside itself, and quire copies no resource the
//! manuscript does not declare: `@import` and `url(…)` are refused at their line and column.

use crate::config::BookConfig;
use crate::diag::{Diagnostic, LineIndex};
use crate::source::BookDir;

/// The stylesheet's text, when book.toml names one; or every problem found in it.
pub fn load(dir: &BookDir, cfg: &BookConfig, warnings: &mut Vec<Diagnostic>) -> Result<Option<String>, Vec<Diagnostic>> {
    let Some(path) = &cfg.config.epub.css else { return Ok(None) };
    let origin = cfg.location(path.span());
    let file = dir.read_text(path.get_ref(), Some(&origin), warnings).map_err(|d| vec![d])?;
    let index = LineIndex::new(&file.text);
    let lower = file.text.to_ascii_lowercase();
    let mut errors = Vec::new();
    for needle in ["@import", "url(", "expression(", "javascript:", "behavior:", "-moz-binding"] {
        for (at, _) in lower.match_indices(needle) {
            // Inside a comment it does nothing.
            let before = &lower[..at];
            if before.rfind("/*").is_some_and(|open| before[open..].find("*/").is_none()) {
                continue;
            }
            errors.push(
                Diagnostic::error(format!("the stylesheet uses `{needle}`: an EPUB may load nothing from outside itself"))
                    .at(index.location(&file.name, at))
                    .help("remove it; fonts go in [fonts] in book.toml, images in the manuscript"),
            );
        }
    }
    if errors.is_empty() { Ok(Some(file.text)) } else { Err(errors) }
}
