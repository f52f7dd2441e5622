//! The book's fonts: from book.toml `[fonts]` (files inside the book directory) or, by default,
//! the repository's `fonts/` built into the binary. Never system fonts.

use crate::config::BookConfig;
use crate::diag::Diagnostic;
use crate::source::BookDir;
use std::borrow::Cow;

pub const DEFAULT_REGULAR: &[u8] = include_bytes!("../../fonts/EBGaramond-Regular.ttf");
pub const DEFAULT_ITALIC: &[u8] = include_bytes!("../../fonts/EBGaramond-Italic.ttf");
pub const DEFAULT_BOLD: &[u8] = include_bytes!("../../fonts/EBGaramond-Bold.ttf");
pub const DEFAULT_BOLD_ITALIC: &[u8] = include_bytes!("../../fonts/EBGaramond-BoldItalic.ttf");
pub const DEFAULT_MONO: &[u8] = include_bytes!("../../fonts/SourceCodePro-Regular.ttf");
pub const DEFAULT_SERIF_LICENSE: &str = include_str!("../../fonts/OFL-EBGaramond.txt");
pub const DEFAULT_MONO_LICENSE: &str = include_str!("../../fonts/OFL-SourceCodePro.txt");
pub const NOTO_LICENSE: &str = include_str!("../../fonts/OFL-Noto.txt");
/// Built-in fallbacks, tried after the book's own: symbols (arrows, dingbats, ☃ ✓ ⚠), math
/// (∑ ≧ ℋ), monochrome emoji (😀 🚀), and a broad monospace (box drawing, Cyrillic, Greek in code).
pub const DEFAULT_FALLBACKS: [(&[u8], &str); 4] = [
    (include_bytes!("../../fonts/NotoSansSymbols2-Regular.ttf"), "NotoSansSymbols2-Regular.ttf"),
    (include_bytes!("../../fonts/NotoSansMath-Regular.ttf"), "NotoSansMath-Regular.ttf"),
    (include_bytes!("../../fonts/NotoEmoji-Regular.ttf"), "NotoEmoji-Regular.ttf"),
    (include_bytes!("../../fonts/NotoSansMono-Regular.ttf"), "NotoSansMono-Regular.ttf"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Face {
    Regular,
    Italic,
    Bold,
    BoldItalic,
    Mono,
    /// Titles and headings, when the book gives a font for them (`[fonts] heading`).
    Heading,
    /// The n-th fallback font (the book's `[fonts] fallback`, then quire's built-in ones).
    Fallback(u8),
}

impl Face {
    pub const ALL: [Face; 5] = [Face::Regular, Face::Italic, Face::Bold, Face::BoldItalic, Face::Mono];
    pub fn key(self) -> String {
        match self {
            Face::Regular => "regular".into(),
            Face::Italic => "italic".into(),
            Face::Bold => "bold".into(),
            Face::BoldItalic => "bold-italic".into(),
            Face::Mono => "mono".into(),
            Face::Heading => "heading".into(),
            Face::Fallback(n) => format!("fallback-{n}"),
        }
    }

    /// The face emphasis switches to (italic ↔ upright).
    pub fn italic(self) -> Face {
        match self {
            Face::Regular => Face::Italic,
            Face::Italic => Face::Regular,
            Face::Bold => Face::BoldItalic,
            Face::BoldItalic => Face::Bold,
            f => f,
        }
    }

    /// The face strong emphasis switches to.
    pub fn bold(self) -> Face {
        match self {
            Face::Regular | Face::Bold => Face::Bold,
            Face::Italic | Face::BoldItalic => Face::BoldItalic,
            f => f,
        }
    }

    pub fn is_fallback(self) -> bool {
        matches!(self, Face::Fallback(_))
    }
}

#[derive(Debug, Clone)]
pub struct Font {
    pub face: Face,
    /// Family name from the font's `name` table.
    pub family: String,
    pub data: Cow<'static, [u8]>,
    /// Licence text shipped with the font (for the EPUB's licence page).
    pub license: Cow<'static, str>,
    /// The licence's name as the colophon states it: from book.toml's `[fonts.licenses]`, else
    /// from the font's own name table; empty when neither states one.
    pub licence_name: String,
    /// File name of the font (for messages and the colophon).
    pub file: String,
}

#[derive(Debug, Clone)]
pub struct FontSet {
    pub fonts: Vec<Font>,
}

impl FontSet {
    pub fn get(&self, face: Face) -> &Font {
        self.fonts.iter().find(|f| f.face == face).unwrap_or(&self.fonts[0])
    }

    /// The families and the licence each is under, for a colophon: "EB Garamond & Source Code
    /// Pro (SIL Open Font License 1.1)"; a family whose licence is stated nowhere says so.
    /// Only the faces the book's text uses are named (`faces_used`): a book without code does not
    /// name the monospaced font it never prints.
    pub fn licence_statement(&self, book: &crate::model::Book, and: &str, unstated: &str) -> String {
        let (bold, mono) = faces_used(book);
        let mut by_licence: Vec<(String, Vec<&str>)> = Vec::new();
        let used = |f: &&Font| match f.face {
            Face::Bold | Face::BoldItalic => bold,
            Face::Mono => mono,
            _ => true,
        };
        for f in self.fonts.iter().filter(used) {
            let lic = if f.licence_name.is_empty() { unstated.to_string() } else { f.licence_name.clone() };
            match by_licence.iter_mut().find(|(l, _)| *l == lic) {
                Some((_, fams)) if !fams.contains(&f.family.as_str()) => fams.push(&f.family),
                Some(_) => {}
                None => by_licence.push((lic, vec![&f.family])),
            }
        }
        let parts: Vec<String> = by_licence.into_iter().map(|(l, fams)| format!("{} ({l})", fams.join(" & "))).collect();
        parts.join(&format!(" {and} "))
    }

    /// The face titles and headings are set in: the book's heading font, else `otherwise`.
    pub fn heading_or(&self, otherwise: Face) -> Face {
        if self.fonts.iter().any(|f| f.face == Face::Heading) { Face::Heading } else { otherwise }
    }

    /// The fallback fonts, in the order they are tried.
    pub fn fallbacks(&self) -> impl Iterator<Item = &Font> {
        self.fonts.iter().filter(|f| f.face.is_fallback())
    }

    /// Loads the fonts named in book.toml, falling back to the built-in ones.
    pub fn load(dir: &BookDir, cfg: &BookConfig) -> Result<FontSet, Vec<Diagnostic>> {
        let f = &cfg.config.fonts;
        let mut errors = Vec::new();
        let mut fonts = Vec::new();
        let own = f.fallback.len().min(200);
        let heading = f.heading.is_some().then_some(Face::Heading);
        let faces = Face::ALL.into_iter().chain(heading).chain((0..own + DEFAULT_FALLBACKS.len()).map(|n| Face::Fallback(n as u8)));
        for face in faces {
            let chosen = match face {
                Face::Regular => &f.regular,
                Face::Italic => &f.italic,
                Face::Bold => &f.bold,
                Face::BoldItalic => &f.bold_italic,
                Face::Mono => &f.mono,
                Face::Heading => &f.heading,
                Face::Fallback(n) => &f.fallback.get(n as usize).cloned(),
            };
            let (data, license, file): (Cow<'static, [u8]>, Cow<'static, str>, String) = match chosen {
                None => {
                    let (d, name) = match face {
                        // (loaded only when book.toml names it; never a default)
                        Face::Regular | Face::Heading => (DEFAULT_REGULAR, "EBGaramond-Regular.ttf"),
                        Face::Italic => (DEFAULT_ITALIC, "EBGaramond-Italic.ttf"),
                        Face::Bold => (DEFAULT_BOLD, "EBGaramond-Bold.ttf"),
                        Face::BoldItalic => (DEFAULT_BOLD_ITALIC, "EBGaramond-BoldItalic.ttf"),
                        Face::Mono => (DEFAULT_MONO, "SourceCodePro-Regular.ttf"),
                        Face::Fallback(n) => DEFAULT_FALLBACKS[n as usize - own],
                    };
                    let lic = match face {
                        Face::Mono => DEFAULT_MONO_LICENSE,
                        Face::Fallback(_) => NOTO_LICENSE,
                        _ => DEFAULT_SERIF_LICENSE,
                    };
                    (Cow::Borrowed(d), Cow::Borrowed(lic), name.to_string())
                }
                Some(path) => {
                    let origin = cfg.location(path.span());
                    match dir.read_bytes(path.get_ref(), Some(&origin)) {
                        Ok(bytes) => {
                            // A licence file beside the font (OFL.txt, LICENSE*, <stem>-OFL.txt, …).
                            let lic = license_beside(dir, path.get_ref());
                            (Cow::Owned(bytes), Cow::Owned(lic), path.get_ref().clone())
                        }
                        Err(d) => {
                            errors.push(d);
                            continue;
                        }
                    }
                }
            };
            const REPLACE: &str = "use a TrueType (.ttf) or OpenType (.otf) font file that opens in a font viewer";
            let parsed =
                rustybuzz::ttf_parser::Face::parse(&data, 0).map_err(|e| (e.to_string(), REPLACE)).and_then(|f| match damaged(&data) {
                    Some(why) => Err((why, REPLACE)),
                    None if f.tables().cmap.is_none() => Err(("it has no character map (cmap)".to_string(), REPLACE)),
                    None if f.tables().glyf.is_none() && f.tables().cff.is_none() => {
                        Err(("it has neither TrueType (glyf) nor PostScript (CFF) outlines".to_string(), REPLACE))
                    }
                    None => Ok(f),
                });
            match parsed {
                Ok(parsed) => {
                    let family = parsed
                        .names()
                        .into_iter()
                        .filter(|n| n.name_id == rustybuzz::ttf_parser::name_id::FAMILY && n.is_unicode())
                        .find_map(|n| n.to_string())
                        .unwrap_or_else(|| "Book".to_string());
                    let given = chosen.as_ref().and_then(|p| f.licenses.iter().find(|(k, _)| k.get_ref() == p.get_ref()).map(|(_, v)| v));
                    let licence_name = match given {
                        Some(l) => l.trim().to_string(),
                        None => licence_in_font(&parsed),
                    };
                    fonts.push(Font { face, family, data, license, file, licence_name })
                }
                Err((e, help)) => {
                    let mut d = Diagnostic::error(format!("font `{file}` cannot be read: {e}")).help(help);
                    if let Some(p) = chosen {
                        d = d.at(cfg.location(p.span()));
                    }
                    errors.push(d);
                }
            }
        }
        if errors.is_empty() { Ok(FontSet { fonts }) } else { Err(errors) }
    }
}

/// Why a font file is damaged: a table that reaches past the file's end (a truncated
/// download), or a table directory that does not fit.
fn damaged(data: &[u8]) -> Option<String> {
    if data.starts_with(b"ttcf") {
        return None; // a collection: ttf-parser checks the face it reads
    }
    crate::text::websubset::table_directory(data).err()
}

/// The licence a font's name table states (license description, ID 13, and URL, ID 14),
/// named the way a colophon names it; empty when the font states none.
fn licence_in_font(face: &rustybuzz::ttf_parser::Face) -> String {
    let name =
        |id: u16| face.names().into_iter().filter(|n| n.name_id == id && n.is_unicode()).find_map(|n| n.to_string()).unwrap_or_default();
    let (desc, url) = (name(rustybuzz::ttf_parser::name_id::LICENSE), name(rustybuzz::ttf_parser::name_id::LICENSE_URL));
    let both = format!("{desc} {url}").to_lowercase();
    let known = [
        (&["open font license", "scripts.sil.org/ofl", "openfontlicense.org"][..], "SIL Open Font License 1.1"),
        (&["apache license", "apache.org/licenses"][..], "Apache License 2.0"),
        (&["ubuntu font licence", "ubuntu font license"][..], "Ubuntu Font Licence 1.0"),
        (&["gnu general public license", "gnu.org/licenses/gpl"][..], "GNU General Public License"),
        (&["bitstream vera"][..], "Bitstream Vera Fonts licence"),
    ];
    if let Some((_, n)) = known.iter().find(|(keys, _)| keys.iter().any(|k| both.contains(k))) {
        return n.to_string();
    }
    // Another licence: its own first sentence (or its address), as the font states it.
    let first = desc.split(". ").next().unwrap_or("").trim();
    match (first.is_empty(), url.is_empty()) {
        (false, _) if first.chars().count() <= 120 => first.trim_end_matches('.').to_string(),
        (false, true) => format!("{}…", first.chars().take(117).collect::<String>()),
        (_, false) => url,
        (true, true) => String::new(),
    }
}

fn license_beside(dir: &BookDir, font: &str) -> String {
    let parent = font.rsplit_once('/').map(|(p, _)| format!("{p}/")).unwrap_or_default();
    let file = font.rsplit('/').next().unwrap_or(font);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let family = stem.split('-').next().unwrap_or(stem);
    let own = [
        format!("{stem}-OFL.txt"),
        format!("{family}-OFL.txt"),
        format!("OFL-{family}.txt"),
        format!("{stem}.txt"),
        format!("{stem}-LICENSE.txt"),
        format!("{family}-LICENSE.txt"),
    ];
    let shared = ["OFL.txt", "OFL.md", "OFL", "LICENSE.txt", "LICENSE.md", "LICENSE", "LICENCE.txt", "LICENCE", "COPYING", "COPYING.txt"];
    for name in own.iter().map(String::as_str).chain(shared) {
        if let Ok(b) = dir.read_bytes(&format!("{parent}{name}"), None) {
            return String::from_utf8_lossy(&b).into_owned();
        }
    }
    String::new()
}

/// Which optional faces the text needs (bold, mono), from the model: the EPUB embeds and the
/// colophons name only those.
pub fn faces_used(book: &crate::model::Book) -> (bool, bool) {
    use crate::model::{Block, Inline, walk_blocks, walk_inlines};
    let (mut uses_bold, mut uses_mono) = (false, false);
    for ch in book.chapters() {
        // Titles and letter fields are inlines outside the blocks: seen as paragraphs of their own.
        let mut fields = vec![ch.title.clone()];
        if let Some(l) = &ch.letter {
            fields.extend([l.dateline.clone(), l.salutation.clone(), l.closing.clone(), l.signature.clone(), l.source.clone()]);
        }
        let fields: Vec<Block> = fields.into_iter().map(|inlines| Block::Paragraph { inlines, pos: ch.pos, n: 0 }).collect();
        for blocks in [&ch.blocks, &fields].into_iter().chain(ch.notes.iter().map(|n| &n.blocks)) {
            walk_blocks(blocks, &mut |b| match b {
                Block::Table { .. } | Block::Aside { .. } | Block::DefinitionList { .. } | Block::Details { .. } => uses_bold = true,
                Block::CodeBlock { .. } => uses_mono = true,
                _ => {}
            });
            walk_inlines(blocks, &mut |i| match i {
                Inline::Strong(_) => uses_bold = true,
                Inline::Code(_) | Inline::Math { .. } => uses_mono = true,
                Inline::Span { kind: crate::model::SpanKind::Kbd | crate::model::SpanKind::Symbol, .. } => uses_mono = true,
                _ => {}
            });
        }
    }
    (uses_bold, uses_mono)
}
