//! Model → EPUB 3: XHTML content documents, package document (OPF), navigation document, CSS,
//! subset fonts, images, zipped as OCF (`mimetype` first and stored, fixed timestamps). Every
//! document is written with the escaping [`xml::Xml`] builder.

mod cover;
mod docs;
mod markers;
mod nav;
mod ocf;
mod opf;
pub mod xhtml;
pub mod xml;

use crate::diag::Diagnostic;
use crate::model::pagemap::PageMap;
use crate::model::{Book, Chapter, Matter};
use crate::source::BookDir;
use crate::text::fonts::{Face, FontSet};
use markers::Markers;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use xhtml::ChapterWriter;
use xml::xhtml_head;

const CSS: &str = include_str!("book.css");

/// One file of the package (path relative to the `EPUB/` directory).
pub struct Item {
    id: String,
    pub href: String,
    pub media_type: &'static str,
    properties: Option<&'static str>,
    pub data: Vec<u8>,
}

/// A spine entry: an item, and whether it is in the reading order.
pub struct Doc {
    pub item: usize,
    pub linear: bool,
}

/// What the EPUB takes from the citable edition: paragraph numbers, the reference print
/// edition's pages, colophon facts and the "How to cite" text.
#[derive(Default)]
pub struct Edition<'a> {
    pub paragraph_numbers: bool,
    /// Page labels of the reference print edition and where each page starts.
    pub pages: Option<&'a PageMap>,
    /// Names the reference print edition (`pageBreakSource`).
    pub page_source: Option<String>,
    /// Extra colophon entries: (label, plain text).
    pub colophon: Vec<(String, String)>,
    /// Paragraphs of the "How to cite this edition" page; titles of works marked.
    pub cite: Vec<Vec<crate::model::Inline>>,
    /// The author's stylesheet, appended after quire's.
    pub stylesheet: Option<&'a str>,
    /// Paragraphs separated by a blank line instead of an indent (`[typography] paragraph-style`).
    pub spaced: bool,
    /// The text shown between sections instead of a short rule.
    pub section_break: Option<String>,
}

/// The package: its items and its reading order (the HTML edition is made from it too).
#[derive(Default)]
pub struct Package {
    pub items: Vec<Item>,
    pub spine: Vec<Doc>,
    /// The index of the navigation document (the contents) in `items`.
    pub nav: usize,
    /// The package document (OPF).
    opf: String,
}

impl Package {
    fn push_doc(&mut self, id: &str, href: &str, text: String, linear: bool) {
        self.items.push(Item {
            id: format!("x-{id}"),
            href: href.into(),
            media_type: "application/xhtml+xml",
            properties: None,
            data: text.into_bytes(),
        });
        self.spine.push(Doc { item: self.items.len() - 1, linear });
    }
}

/// The EPUB file's bytes for a package.
pub fn zip(book: &Book, pkg: &Package) -> Result<Vec<u8>, Diagnostic> {
    ocf::zip_package(&book.meta.modified, &pkg.opf, &pkg.items)
}

/// Builds the package's documents, fonts, images and CSS, in memory.
pub fn package(book: &Book, dir: &BookDir, fonts: &FontSet, edition: &Edition) -> Result<Package, Diagnostic> {
    let markers = edition.pages.map(Markers::place).unwrap_or_default();
    let mut pkg = Package::default();
    let images = add_images(book, dir, &mut pkg)?;
    let cover_item = match book.meta.cover.as_deref().and_then(|c| dir.image(c)) {
        // The author's cover, as given.
        Some((info, bytes)) => {
            let ext = match info.kind {
                crate::source::ImageKind::Png => "png",
                crate::source::ImageKind::Jpeg => "jpg",
                crate::source::ImageKind::Gif => "gif",
                crate::source::ImageKind::Svg => "svg",
            };
            Item {
                id: "cover-image".into(),
                href: format!("images/cover.{ext}"),
                media_type: info.kind.media_type(),
                properties: Some("cover-image"),
                data: bytes.to_vec(),
            }
        }
        None => Item {
            id: "cover-image".into(),
            href: "images/cover.svg".into(),
            media_type: "image/svg+xml",
            properties: Some("cover-image"),
            data: cover::cover_svg(&book.meta, fonts).into_bytes(),
        },
    };
    let cover_src = format!("../{}", cover_item.href);
    pkg.items.push(cover_item);
    pkg.push_doc("cover", "text/cover.xhtml", docs::cover_page(book, &cover_src), false);
    pkg.push_doc("titlepage", "text/titlepage.xhtml", docs::title_page(book, &markers.at_start("titlepage")), true);
    let ctx = DocCtx { book, edition, markers: &markers, images: &images };
    // Display pages (dedication, epigraph) before the contents, as in the print edition.
    for ch in book.before_contents() {
        ctx.push(&mut pkg, ch, 1);
    }
    // Contents (the navigation document, also in the spine); written last.
    let nav_index = pkg.items.len();
    pkg.items.push(Item {
        id: "nav".into(),
        href: "nav.xhtml".into(),
        media_type: "application/xhtml+xml",
        properties: Some("nav"),
        data: Vec::new(),
    });
    pkg.spine.push(Doc { item: nav_index, linear: true });
    let first_body = add_chapters(&ctx, &mut pkg);
    if !edition.cite.is_empty() {
        pkg.push_doc("how-to-cite", "text/how-to-cite.xhtml", docs::cite_page(book, &edition.cite, &markers.at_start("how-to-cite")), true);
    }
    // The fonts' licences are an XHTML page (outside the reading order) that the colophon links.
    let has_licences = [Face::Regular, Face::Italic].iter().any(|f| !fonts.get(*f).license.is_empty());
    let spec = docs::ColophonSpec { extra: &edition.colophon, markers: &markers.at_start("colophon"), licence_link: has_licences };
    pkg.push_doc("colophon", "text/colophon.xhtml", docs::colophon(book, fonts, &spec), true);
    let licence_index = has_licences.then(|| {
        pkg.push_doc("font-licences", "text/font-licences.xhtml", String::new(), false);
        pkg.items.len() - 1
    });
    // Navigation document, with the page list of the reference print edition.
    let page_list: Vec<(String, String)> = markers.list.iter().map(|(l, doc)| (l.clone(), markers::doc_file(doc))).collect();
    let nav = nav::NavSpec {
        first_body: first_body.as_deref(),
        markers: markers.at_start("toc"),
        page_list: &page_list,
        has_cite_page: !edition.cite.is_empty(),
    };
    pkg.items[nav_index].data = nav::nav_doc(book, &nav).into_bytes();
    add_fonts_and_css(book, fonts, licence_index, edition, &mut pkg)?;
    pkg.opf =
        opf::package_document(book, &pkg.items, &pkg.spine, if markers.list.is_empty() { None } else { edition.page_source.as_deref() });
    pkg.nav = nav_index;
    Ok(pkg)
}

/// Images, copied under `images/`, named after their book-relative path (unique by
/// construction). Returns book path → package path.
fn add_images(book: &Book, dir: &BookDir, pkg: &mut Package) -> Result<BTreeMap<String, String>, Diagnostic> {
    let mut images: BTreeMap<String, String> = BTreeMap::new();
    let mut image_files: BTreeSet<String> = BTreeSet::new();
    for ch in book.chapters() {
        collect_images(&ch.blocks, &mut image_files);
        for n in &ch.notes {
            collect_images(&n.blocks, &mut image_files);
        }
    }
    let mut used_names: BTreeSet<String> = BTreeSet::new();
    for (i, path) in image_files.iter().enumerate() {
        let Some((info, bytes)) = dir.image(path) else {
            return Err(Diagnostic::error(format!("image `{path}` was not loaded"))
                .help("check that the file exists and is a PNG, JPEG, GIF or SVG image"));
        };
        let name = path.strip_prefix("manuscript/").unwrap_or(path).replace('/', "-");
        let name = name.strip_prefix("images-").unwrap_or(&name).to_string();
        // `cover.*` is the cover image's name.
        let name = if name.starts_with("cover.") { format!("img-{name}") } else { name };
        // Two paths may flatten to one name (`a-b.png`, `a/b.png`).
        let name = if used_names.insert(name.clone()) { name } else { format!("{}-{name}", i + 1) };
        used_names.insert(name.clone());
        let href = format!("images/{name}");
        images.insert(path.clone(), href.clone());
        pkg.items.push(Item {
            id: format!("img-{}", i + 1),
            href,
            media_type: info.kind.media_type(),
            properties: None,
            data: bytes.to_vec(),
        });
    }
    Ok(images)
}

/// What every chapter document is written with.
struct DocCtx<'a> {
    book: &'a Book,
    edition: &'a Edition<'a>,
    markers: &'a Markers,
    images: &'a BTreeMap<String, String>,
}

impl DocCtx<'_> {
    /// One chapter's XHTML document.
    fn chapter_doc(&self, ch: &Chapter, level: u8) -> String {
        let lang = self.book.meta.language.as_str();
        let w = ChapterWriter {
            images: self.images,
            chapter: ch,
            level,
            paragraph_numbers: self.edition.paragraph_numbers,
            language: lang.to_string(),
            marks: self.markers.in_chapter(&ch.id),
            head_marks: self.markers.before_headings(&ch.id),
            start_marks: self.markers.starts.get(&ch.id).cloned().unwrap_or_default(),
            state: Default::default(),
        };
        let body_type = match ch.matter {
            Matter::Front => "frontmatter",
            Matter::Body => "bodymatter",
            Matter::Back => "backmatter",
        };
        // The document title as the contents give it (a letter with its number: two letters may share a title).
        let mut x = xhtml_head(lang, &ch.label(), "../css/book.css");
        x.open("body", &[("epub:type", body_type)]).nl().append(&w.body()).close("body").nl().close("html").nl();
        x.into_string()
    }

    fn push(&self, pkg: &mut Package, ch: &Chapter, level: u8) -> String {
        let href = format!("text/{}.xhtml", ch.id);
        pkg.push_doc(&ch.id, &href, self.chapter_doc(ch, level), true);
        href
    }
}

/// The front matter after the contents, parts (with their title pages) and chapters, back
/// matter. Returns the file of the first body document.
fn add_chapters(ctx: &DocCtx, pkg: &mut Package) -> Option<String> {
    let book = ctx.book;
    let has_part_titles = book.parts.iter().any(|p| p.title.is_some());
    for ch in book.after_contents() {
        ctx.push(pkg, ch, 1);
    }
    let mut first_body: Option<String> = None;
    for (pi, part) in book.parts.iter().enumerate() {
        if let Some(t) = &part.title {
            let href = format!("text/{}.xhtml", part.id);
            first_body.get_or_insert(href.clone());
            pkg.push_doc(&part.id, &href, docs::part_page(book, pi, &part.id, t, &ctx.markers.at_start(&part.id)), true);
        }
        for ch in &part.chapters {
            let href = ctx.push(pkg, ch, if has_part_titles { 2 } else { 1 });
            first_body.get_or_insert(href);
        }
    }
    for ch in &book.back {
        ctx.push(pkg, ch, 1);
    }
    first_body
}

/// The font licences page, the fonts (subset to the characters of every document) and the CSS.
fn add_fonts_and_css(
    book: &Book,
    fonts: &FontSet,
    licence_index: Option<usize>,
    edition: &Edition,
    pkg: &mut Package,
) -> Result<(), Diagnostic> {
    let (uses_bold, uses_mono) = crate::text::fonts::faces_used(book);
    // The font set holds only the fallbacks the book's text needs (see `text::coverage`).
    let fallbacks: Vec<Face> = fonts.fallbacks().map(|f| f.face).collect();
    let needed: Vec<&crate::text::fonts::Font> = fonts
        .fonts
        .iter()
        .filter(|font| match font.face {
            Face::Regular | Face::Italic => true,
            Face::Bold | Face::BoldItalic => uses_bold,
            Face::Mono => uses_mono,
            Face::Heading => true,
            Face::Fallback(_) => fallbacks.contains(&font.face),
        })
        .collect();
    if let Some(i) = licence_index {
        let mut licenses: BTreeMap<&str, &str> = BTreeMap::new();
        for f in &needed {
            if !f.license.is_empty() {
                licenses.entry(f.family.as_str()).or_insert(&f.license);
            }
        }
        pkg.items[i].data = docs::licence_page(book, &licenses).into_bytes();
    }
    let mut used = used_chars(&pkg.items);
    used.extend(edition.section_break.iter().flat_map(|t| t.chars()));
    let mut font_faces = String::new();
    for font in needed {
        // TrueType outlines are subset to the characters the book uses; a PostScript-outline
        // (CFF, .otf) font is embedded whole, as its licence allows (quire's subsetter keeps glyph
        // ids by emptying `glyf` entries, which CFF does not have).
        let cff = rustybuzz::ttf_parser::Face::parse(&font.data, 0).is_ok_and(|f| f.tables().glyf.is_none());
        let (sub, ext, media_type, format) = if cff {
            (font.data.to_vec(), "otf", "font/otf", "opentype")
        } else {
            let sub = crate::text::websubset::subset(&font.data, &used).ok_or_else(|| {
                Diagnostic::error(format!("font `{}` could not be subset for the EPUB", font.file))
                    .help("the font's TrueType tables are damaged; open it in a font editor and save it again")
            })?;
            (sub, "ttf", "font/ttf", "truetype")
        };
        let href = format!("fonts/{}.{ext}", font.face.key());
        let (family, weight, style) = match font.face {
            Face::Regular => ("Book Serif".to_string(), 400, "normal"),
            Face::Italic => ("Book Serif".to_string(), 400, "italic"),
            Face::Bold => ("Book Serif".to_string(), 700, "normal"),
            Face::BoldItalic => ("Book Serif".to_string(), 700, "italic"),
            Face::Mono => ("Book Mono".to_string(), 400, "normal"),
            Face::Heading => ("Book Heading".to_string(), 400, "normal"),
            Face::Fallback(n) => (format!("Book Fallback {n}"), 400, "normal"),
        };
        let _ = writeln!(
            font_faces,
            "@font-face {{ font-family: \"{family}\"; font-weight: {weight}; font-style: {style}; src: url(\"../{href}\") format(\"{format}\"); }}"
        );
        pkg.items.push(Item { id: format!("font-{}", font.face.key()), href, media_type, properties: None, data: sub });
    }
    let mut css = format!("{font_faces}\n{CSS}");
    if !fallbacks.is_empty() {
        // Characters the book's faces lack are drawn from the fallbacks, as in the PDF.
        let stack: String =
            fallbacks.iter().map(|f| if let Face::Fallback(n) = f { format!(", \"Book Fallback {n}\"") } else { String::new() }).collect();
        let _ = write!(
            css,
            "\n/* Fallback fonts */\nbody, pre.licence {{ font-family: \"Book Serif\"{stack}, serif; }}\ncode, pre, kbd, .symbol, code.math {{ font-family: \"Book Mono\"{stack}, monospace; }}\n"
        );
    }
    if fonts.fonts.iter().any(|f| f.face == Face::Heading) {
        css.push_str("\n/* [fonts] heading */\nh1, h2, h3, h4, h5, h6, .book-title, .book-subtitle, .part-title, .part-label { font-family: \"Book Heading\", \"Book Serif\", serif; font-style: normal; }\n");
    }
    if edition.spaced {
        css.push_str(
            "\n/* [typography] paragraph-style = \"spaced\" */\np, blockquote p + p { text-indent: 0; }\np { margin: 0 0 1em; }\n",
        );
    }
    if let Some(text) = &edition.section_break {
        let quoted: String = text.chars().map(|c| if c == '"' || c == '\\' { format!("\\{c}") } else { c.to_string() }).collect();
        let _ = write!(
            css,
            "\n/* [typography] section-break */\nhr {{ border: none; width: auto; opacity: 1; text-align: center; overflow: visible; height: auto; }}\nhr::after {{ content: \"{quoted}\"; }}\n"
        );
    }
    if let Some(own) = edition.stylesheet {
        let _ = write!(css, "\n/* The author's stylesheet (book.toml [epub] css) */\n{own}\n");
    }
    pkg.items.push(Item {
        id: "css".into(),
        href: "css/book.css".into(),
        media_type: "text/css",
        properties: None,
        data: css.into_bytes(),
    });
    Ok(())
}

fn collect_images(blocks: &[crate::model::Block], out: &mut BTreeSet<String>) {
    use crate::model::{Block, Inline, walk_blocks, walk_inlines};
    walk_blocks(blocks, &mut |b| {
        if let Block::Figure(f) = b {
            out.insert(f.image.clone());
        }
    });
    walk_inlines(blocks, &mut |i| {
        if let Inline::Image { src, .. } = i {
            out.insert(src.clone());
        }
    });
}

/// Every character in the text of the XHTML documents, plus characters a reading system may
/// add (hyphens, spaces, digits for its own page numbers, quotes).
fn used_chars(items: &[Item]) -> BTreeSet<char> {
    let mut set: BTreeSet<char> = " \u{a0}-\u{2010}\u{2011}\u{2013}\u{2014}\u{2026}0123456789.,:;!?()[]'\"‘’“”/*↩‹›".chars().collect();
    // Characters of the Basic Multilingual Plane already seen: a book's text repeats a few
    // hundred characters millions of times, and each is put into the set (with its cases) once.
    let mut seen = vec![false; 0x10000];
    for it in items.iter().filter(|i| i.media_type == "application/xhtml+xml") {
        let text = String::from_utf8_lossy(&it.data);
        let mut in_tag = false;
        let mut entity = false;
        for c in text.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                '&' if !in_tag => entity = true,
                ';' if entity => entity = false,
                c if !in_tag && !entity => {
                    let bmp = (c as u32) < 0x10000;
                    if bmp && std::mem::replace(&mut seen[c as usize], true) {
                        continue;
                    }
                    set.insert(c);
                    // Small capitals and text-transform need both cases.
                    set.extend(c.to_uppercase());
                    set.extend(c.to_lowercase());
                }
                _ => {}
            }
        }
    }
    set.extend(['&', '<', '>']);
    set
}
