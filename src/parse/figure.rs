//! Figures (fenced `figure` blocks of TOML) and images, read and inspected at load.

use super::*;

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct FigureSpec {
    image: String,
    alt: String,
    caption: Option<String>,
    credit: Option<String>,
    id: Option<String>,
}

impl BodyParser<'_> {
    /// Resolves an image path written relative to the manuscript file to a book-relative path,
    /// checking that it exists and is PNG, JPEG, GIF or SVG.
    pub(super) fn resolve_image(&mut self, dest: &str, offset: usize) -> String {
        let origin = self.loc(offset);
        let rel = match crate::source::join_relative(&self.file.name, dest) {
            Ok(r) => r,
            Err(why) => {
                self.diags.push(
                    Diagnostic::error(format!("image path `{dest}` {why}"))
                        .at(origin)
                        .help("put images inside the book directory and refer to them relative to the manuscript file"),
                );
                return dest.to_string();
            }
        };
        if let Err(d) = self.dir.load_image(&rel, &origin) {
            self.diags.push(d);
        }
        rel
    }

    /// A Markdown or HTML image's source: as for a figure, except that an image that is not
    /// there (a missing file, a web address, an absolute path) is a warning, as pandoc has it —
    /// `None`, and the image's alt text is printed in its place.
    pub(super) fn markdown_image(&mut self, dest: &str, offset: usize) -> Option<String> {
        let origin = self.loc(offset);
        let shown: String = dest.chars().take(80).collect();
        let rel = match crate::source::join_relative(&self.file.name, dest) {
            Ok(r) => r,
            Err(why) => {
                self.diags.push(
                    Diagnostic::warning(format!("image `{shown}` {why}: its alt text is printed in its place"))
                        .at(origin)
                        .help("put the image file inside the book directory and refer to it relative to the manuscript file"),
                );
                return None;
            }
        };
        match self.dir.load_image(&rel, &origin) {
            Ok(_) => Some(rel),
            Err(d) if d.code == Some(crate::diag::Code::MissingFile) => {
                self.diags.push(
                    Diagnostic::warning(format!("image file `{shown}` does not exist: its alt text is printed in its place"))
                        .at(origin)
                        .help("add the file, or correct the path (relative to the manuscript file)"),
                );
                None
            }
            Err(d) => {
                self.diags.push(d);
                Some(rel)
            }
        }
    }

    pub(super) fn figure(&mut self, toml_text: &str, start: usize) -> Option<Figure> {
        // The TOML starts on the line after the opening fence.
        let body_off = start + self.file.text[self.base + start..].find('\n').map(|i| i + 1).unwrap_or(0);
        let spec: FigureSpec = match toml::from_str(toml_text) {
            Ok(s) => s,
            Err(e) => {
                let off = body_off + e.span().map(|s| s.start).unwrap_or(0);
                let msg = e.message().trim().to_string();
                let help = if msg.starts_with("missing field") {
                    "a figure needs `image` and `alt`; `caption`, `credit` and `id` are optional"
                } else {
                    "a figure block holds TOML: image = \"images/plate.png\", alt = \"…\", caption = \"…\", credit = \"…\""
                };
                self.error(off, format!("figure: {msg}"), help);
                return None;
            }
        };
        let src = self.resolve_image(&spec.image, start);
        if spec.alt.trim().is_empty() {
            self.error(start, "figure has empty alt text", "describe the picture in `alt` for readers who cannot see it");
        }
        let caption = spec.caption.as_deref().map(|c| self.inline_markdown(c, start)).unwrap_or_default();
        let credit = spec.credit.as_deref().map(|c| self.inline_markdown(c, start)).unwrap_or_default();
        let id = match spec.id {
            Some(id) => match self.anchors.claim(&id) {
                Ok(id) => id,
                Err(why) => {
                    let (msg, help) = match why {
                        anchors::Refused::Invalid => (
                            format!("figure id `{id}` is not usable as an anchor"),
                            "start with a letter and use only letters, digits, `-` and `_`".to_string(),
                        ),
                        anchors::Refused::Reserved => (
                            format!("figure id `{id}` is an id quire generates"),
                            format!(
                                "ids `{0}`, `{0}-title`, `{0}-pN`, `{0}-note-…` and `page-…` are quire's; choose another",
                                self.chapter_id
                            ),
                        ),
                        anchors::Refused::Taken => (
                            format!("anchor `{id}` is used twice in this chapter"),
                            "give the figure an `id` no heading or other figure has".to_string(),
                        ),
                    };
                    self.error(start, msg, &help);
                    self.anchors.mint("figure", "figure")
                }
            },
            None => {
                let stem = std::path::Path::new(&src).file_stem().and_then(|s| s.to_str()).unwrap_or("figure");
                self.anchors.mint(stem, "figure")
            }
        };
        Some(Figure { id, image: src, alt: spec.alt, caption, credit, width: None, pos: self.pos(start) })
    }
}
