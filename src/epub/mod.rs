//! Model → EPUB 3: XHTML content documents, package document (OPF), navigation document, CSS,
//! subset fonts, images, zipped as OCF (`mimetype` first and stored, fixed timestamps).

mod cover;
pub mod xhtml;
pub mod xml;

use crate::diag::Diagnostic;
use crate::model::pagemap::{DocId, PageMap, PageStart};
use crate::model::{Book, Chapter, Matter};
use crate::source::BookDir;
use crate::text::fonts::{Face, FontSet};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use xhtml::{ChapterWriter, Links};
use crate::i18n::Key;
use crate::numbering::roman;
use xml::{esc, xhtml_head};

const CSS: &str = include_str!("book.css");

/// One file of the package (path relative to the `EPUB/` directory).
struct Item {
    id: String,
    href: String,
    media_type: &'static str,
    properties: Option<&'static str>,
    data: Vec<u8>,
}

/// A spine entry with its navigation label.
struct Doc {
    item: usize,
    linear: bool,
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
    /// Paragraphs of the "How to cite this edition" page (plain text).
    pub cite: Vec<String>,
}

/// Where the markers of the reference edition's pages go.
#[derive(Default)]
struct Markers {
    /// Document id (chapter/part id, `titlepage`, `toc`, `colophon`) → labels at its start.
    starts: BTreeMap<String, Vec<String>>,
    /// (chapter id, paragraph number) → (character offset, label).
    paras: BTreeMap<(String, u32), Vec<(usize, String)>>,
    /// Labels in page order with the document each marker is in.
    list: Vec<(String, String)>,
}

/// The EPUB's name for a document of the book (its file is [`build`]'s `doc_of`).
fn doc_key(doc: &DocId) -> String {
    match doc {
        DocId::TitlePage => "titlepage".into(),
        DocId::Contents => "toc".into(),
        DocId::Part(id) | DocId::Chapter(id) => id.clone(),
        DocId::HowToCite => "how-to-cite".into(),
        DocId::Colophon => "colophon".into(),
    }
}

fn place_markers(map: &PageMap) -> Markers {
    let mut m = Markers::default();
    let mut pending: Vec<String> = Vec::new();
    for (label, start) in map.labels.iter().zip(&map.starts) {
        match start {
            PageStart::Follow => pending.push(label.clone()),
            PageStart::Doc(doc) => {
                let doc = doc_key(doc);
                for l in pending.drain(..).chain(std::iter::once(label.clone())) {
                    m.list.push((l.clone(), doc.clone()));
                    m.starts.entry(doc.clone()).or_default().push(l);
                }
            }
            PageStart::Paragraph { chapter, n, offset } => {
                for l in pending.drain(..).chain(std::iter::once(label.clone())) {
                    m.list.push((l.clone(), chapter.clone()));
                    m.paras.entry((chapter.clone(), *n)).or_default().push((*offset, l));
                }
            }
        }
    }
    // Pages after the last text (padding) are marked at the start of the colophon.
    for l in pending {
        m.list.push((l.clone(), "colophon".into()));
        m.starts.entry("colophon".into()).or_default().push(l);
    }
    m
}

/// Builds the EPUB file's bytes.
pub fn build(book: &Book, dir: &BookDir, fonts: &FontSet, edition: &Edition) -> Result<Vec<u8>, Diagnostic> {
    let markers = match &edition.pages {
        Some(map) => place_markers(map),
        None => Markers::default(),
    };
    let doc_of = |id: &str| -> String {
        match id {
            "titlepage" => "text/titlepage.xhtml".into(),
            "toc" => "nav.xhtml".into(),
            "colophon" => "text/colophon.xhtml".into(),
            "how-to-cite" => "text/how-to-cite.xhtml".into(),
            other => format!("text/{other}.xhtml"),
        }
    };
    let tr = |k| crate::i18n::t(&book.meta.language, k);
    let start_markers = |id: &str| -> String { markers.starts.get(id).map(|v| v.iter().map(|l| xhtml::page_marker(l)).collect()).unwrap_or_default() };
    let lang = book.meta.language.as_str();
    let mut items: Vec<Item> = Vec::new();
    let mut spine: Vec<Doc> = Vec::new();

    // Images: copied under images/, named after their book-relative path.
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
            return Err(Diagnostic::error(format!("image `{path}` was not loaded")).help("check that the file exists and is a PNG, JPEG, GIF or SVG image"));
        };
        let kind = info.kind;
        let name = path.strip_prefix("manuscript/").unwrap_or(path).replace('/', "-");
        let name = name.strip_prefix("images-").unwrap_or(&name).to_string();
        // Two paths may flatten to one name (`a-b.png`, `a/b.png`): names are unique by construction.
        let name = if used_names.insert(name.clone()) { name } else { format!("{}-{name}", i + 1) };
        used_names.insert(name.clone());
        let href = format!("images/{name}");
        images.insert(path.clone(), href.clone());
        items.push(Item { id: format!("img-{}", i + 1), href, media_type: kind.media_type(), properties: None, data: bytes.to_vec() });
    }

    // Chapter file names.
    let mut chapter_files: BTreeMap<String, String> = BTreeMap::new();
    for ch in book.chapters() {
        chapter_files.insert(ch.file.clone(), format!("{}.xhtml", ch.id));
    }
    let has_part_titles = book.parts.iter().any(|p| p.title.is_some());

    // Cover.
    let cover = cover::cover_svg(&book.meta, fonts);
    items.push(Item { id: "cover-image".into(), href: "images/cover.svg".into(), media_type: "image/svg+xml", properties: Some("cover-image"), data: cover.into_bytes() });
    let mut cover_doc = xhtml_head(lang, &book.meta.title, "../css/book.css", "");
    let _ = write!(
        cover_doc,
        "<body class=\"cover\" epub:type=\"cover\">\n<section epub:type=\"cover\">\n<img role=\"doc-cover\" src=\"../images/cover.svg\" alt=\"{}\"/>\n</section>\n</body>\n</html>\n",
        esc(&cover_alt(book))
    );
    push_doc(&mut items, &mut spine, "cover", "text/cover.xhtml", cover_doc, false);

    // Title page.
    push_doc(&mut items, &mut spine, "titlepage", "text/titlepage.xhtml", title_page(book, &start_markers("titlepage")), true);

    // Contents (the navigation document, also in the spine).
    let nav_index = items.len();
    items.push(Item { id: "nav".into(), href: "nav.xhtml".into(), media_type: "application/xhtml+xml", properties: Some("nav"), data: Vec::new() });
    spine.push(Doc { item: nav_index, linear: true });

    let links = || Links { chapters: &chapter_files, images: &images };
    let chapter_doc = |ch: &Chapter, level: u8| -> String {
        let mut marks: BTreeMap<u32, Vec<(usize, String)>> = BTreeMap::new();
        for ((c, n), v) in &markers.paras {
            if *c == ch.id {
                marks.insert(*n, v.clone());
            }
        }
        let w = ChapterWriter {
            links: links(),
            chapter: ch,
            level,
            paragraph_numbers: edition.paragraph_numbers,
            language: lang.to_string(),
            marks,
            start_marks: markers.starts.get(&ch.id).cloned().unwrap_or_default(),
            state: Default::default(),
        };
        let body_type = match ch.matter {
            Matter::Front => "frontmatter",
            Matter::Body => "bodymatter",
            Matter::Back => "backmatter",
        };
        let mut s = xhtml_head(lang, &ch.title_text(), "../css/book.css", "");
        let _ = write!(s, "<body epub:type=\"{body_type}\">\n{}</body>\n</html>\n", w.body());
        s
    };
    for ch in &book.front {
        push_doc(&mut items, &mut spine, &ch.id, &format!("text/{}.xhtml", ch.id), chapter_doc(ch, 1), true);
    }
    let mut first_body: Option<String> = None;
    for (pi, part) in book.parts.iter().enumerate() {
        if let Some(t) = &part.title {
            let href = format!("text/{}.xhtml", part.id);
            first_body.get_or_insert(href.clone());
            let mut s = xhtml_head(lang, t, "../css/book.css", "");
            let _ = write!(
                s,
                "<body epub:type=\"bodymatter\">\n<section id=\"{id}\" class=\"part\" epub:type=\"part\" role=\"doc-part\" aria-labelledby=\"{id}-title\">{}\n<h1 id=\"{id}-title\"><span class=\"part-label\">{} {}</span> <span class=\"part-title\">{}</span></h1>\n</section>\n</body>\n</html>\n",
                start_markers(&part.id),
                tr(Key::Part),
                roman(pi + 1),
                esc(t),
                id = part.id
            );
            push_doc(&mut items, &mut spine, &part.id, &href, s, true);
        }
        for ch in &part.chapters {
            let href = format!("text/{}.xhtml", ch.id);
            first_body.get_or_insert(href.clone());
            push_doc(&mut items, &mut spine, &ch.id, &href, chapter_doc(ch, if has_part_titles { 2 } else { 1 }), true);
        }
    }
    for ch in &book.back {
        push_doc(&mut items, &mut spine, &ch.id, &format!("text/{}.xhtml", ch.id), chapter_doc(ch, 1), true);
    }
    if !edition.cite.is_empty() {
        push_doc(&mut items, &mut spine, "how-to-cite", "text/how-to-cite.xhtml", cite_page(book, &edition.cite, &start_markers("how-to-cite")), true);
    }
    // The fonts' licences are an XHTML page (outside the reading order) that the colophon links.
    let has_licences = [Face::Regular, Face::Italic].iter().any(|f| !fonts.get(*f).license.is_empty());
    push_doc(&mut items, &mut spine, "colophon", "text/colophon.xhtml", colophon(book, fonts, &edition.colophon, &start_markers("colophon"), has_licences), true);
    let licence_index = has_licences.then(|| {
        push_doc(&mut items, &mut spine, "font-licences", "text/font-licences.xhtml", String::new(), false);
        items.len() - 1
    });

    // Navigation document, with the page list of the reference print edition.
    let page_list: Vec<(String, String)> = markers.list.iter().map(|(l, doc)| (l.clone(), doc_of(doc))).collect();
    items[nav_index].data = nav_doc(book, has_part_titles, first_body.as_deref(), &start_markers("toc"), &page_list, edition.cite.is_empty()).into_bytes();

    // CSS and fonts (subset to the characters of the whole package's text).
    // Which faces the text needs, from the model (not by searching the XHTML).
    let (mut uses_bold, mut uses_mono) = (false, false);
    for ch in book.chapters() {
        // Titles and letter fields are inlines outside the blocks: seen as paragraphs of their own.
        let mut fields = vec![ch.title.clone()];
        if let Some(l) = &ch.letter {
            fields.extend([l.dateline.clone(), l.salutation.clone(), l.closing.clone(), l.signature.clone(), l.source.clone()]);
        }
        let fields: Vec<crate::model::Block> = fields.into_iter().map(|inlines| crate::model::Block::Paragraph { inlines, pos: ch.pos, n: 0 }).collect();
        for blocks in [&ch.blocks, &fields].into_iter().chain(ch.notes.iter().map(|n| &n.blocks)) {
            crate::model::walk_blocks(blocks, &mut |b| match b {
                crate::model::Block::Table { .. } => uses_bold = true,
                crate::model::Block::CodeBlock { .. } => uses_mono = true,
                _ => {}
            });
            crate::model::walk_inlines(blocks, &mut |i| match i {
                crate::model::Inline::Strong(_) => uses_bold = true,
                crate::model::Inline::Code(_) => uses_mono = true,
                _ => {}
            });
        }
    }
    let needed: Vec<&crate::text::fonts::Font> = fonts
        .fonts
        .iter()
        .filter(|font| match font.face {
            Face::Regular | Face::Italic => true,
            Face::Bold | Face::BoldItalic => uses_bold,
            Face::Mono => uses_mono,
        })
        .collect();
    if let Some(i) = licence_index {
        let mut licenses: BTreeMap<&str, &str> = BTreeMap::new();
        for f in &needed {
            if !f.license.is_empty() {
                licenses.entry(f.family.as_str()).or_insert(&f.license);
            }
        }
        items[i].data = licence_page(book, &licenses).into_bytes();
    }
    let used = used_chars(&items);
    let mut font_faces = String::new();
    for font in needed {
        let sub = crate::text::websubset::subset(&font.data, &used).ok_or_else(|| {
            Diagnostic::error(format!("font `{}` could not be subset for the EPUB", font.file))
                .help("use a TrueType-outline (glyf) font; CFF (.otf) fonts are not supported for EPUB embedding yet")
        })?;
        let href = format!("fonts/{}.ttf", font.face.key());
        let (family, weight, style) = match font.face {
            Face::Regular => ("Book Serif", 400, "normal"),
            Face::Italic => ("Book Serif", 400, "italic"),
            Face::Bold => ("Book Serif", 700, "normal"),
            Face::BoldItalic => ("Book Serif", 700, "italic"),
            Face::Mono => ("Book Mono", 400, "normal"),
        };
        let _ = writeln!(
            font_faces,
            "@font-face {{ font-family: \"{family}\"; font-weight: {weight}; font-style: {style}; src: url(\"../{href}\") format(\"truetype\"); }}"
        );
        items.push(Item { id: format!("font-{}", font.face.key()), href, media_type: "font/ttf", properties: None, data: sub });
    }
    let css = format!("{font_faces}\n{CSS}");
    items.push(Item { id: "css".into(), href: "css/book.css".into(), media_type: "text/css", properties: None, data: css.into_bytes() });

    let opf = package_document(book, &items, &spine, if markers.list.is_empty() { None } else { edition.page_source.as_deref() });
    zip_package(&book.meta.modified, &opf, &items)
}

fn push_doc(items: &mut Vec<Item>, spine: &mut Vec<Doc>, id: &str, href: &str, text: String, linear: bool) {
    items.push(Item { id: format!("x-{id}"), href: href.into(), media_type: "application/xhtml+xml", properties: None, data: text.into_bytes() });
    spine.push(Doc { item: items.len() - 1, linear });
}

fn collect_images(blocks: &[crate::model::Block], out: &mut BTreeSet<String>) {
    use crate::model::{walk_blocks, walk_inlines, Block, Inline};
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

fn cover_alt(book: &Book) -> String {
    let m = &book.meta;
    let mut s = format!("Cover: {}", m.title);
    if let Some(sub) = &m.subtitle {
        let _ = write!(s, ". {sub}");
    }
    s
}

/// Every character in the text of the XHTML documents, plus characters a reading system may
/// add (hyphens, spaces, digits for its own page numbers, quotes).
fn used_chars(items: &[Item]) -> BTreeSet<char> {
    let mut set: BTreeSet<char> = " \u{a0}-\u{2010}\u{2011}\u{2013}\u{2014}\u{2026}0123456789.,:;!?()[]'\"‘’“”/*↩".chars().collect();
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

fn creators_by_role<'a>(book: &'a Book, role: &str) -> Vec<&'a str> {
    book.meta.creators.iter().filter(|c| c.role == role).map(|c| c.name.as_str()).collect()
}

fn title_page(book: &Book, markers: &str) -> String {
    let m = &book.meta;
    let mut s = xhtml_head(&m.language, &m.title, "../css/book.css", "");
    let _ = write!(s, "<body epub:type=\"frontmatter\">\n<section class=\"titlepage\" epub:type=\"titlepage\" aria-label=\"{}\">\n", crate::i18n::t(&m.language, Key::TitlePage));
    s.push_str(markers);
    let _ = writeln!(s, "<h1 class=\"book-title\">{}</h1>", esc(&m.title));
    if let Some(sub) = &m.subtitle {
        let _ = writeln!(s, "<p class=\"book-subtitle\">{}</p>", esc(sub));
    }
    let authors = creators_by_role(book, "aut");
    if !authors.is_empty() {
        let _ = writeln!(s, "<p class=\"book-author\">{}</p>", esc(&authors.join(" and ")));
    }
    let editors = creators_by_role(book, "edt");
    if !editors.is_empty() {
        let _ = writeln!(s, "<p class=\"book-editor\">{} {}</p>", crate::i18n::t(&m.language, Key::EditedBy), esc(&editors.join(" and ")));
    }
    if let Some(p) = &m.publisher {
        let _ = writeln!(s, "<p class=\"book-publisher\">{}</p>", esc(p));
    }
    s.push_str("</section>\n</body>\n</html>\n");
    s
}

fn cite_page(book: &Book, paras: &[String], markers: &str) -> String {
    let m = &book.meta;
    let mut s = xhtml_head(&m.language, crate::i18n::t(&m.language, Key::HowToCite), "../css/book.css", "");
    s.push_str("<body epub:type=\"backmatter\">\n<section id=\"how-to-cite\" class=\"how-to-cite\" epub:type=\"appendix\" role=\"doc-appendix\" aria-labelledby=\"how-to-cite-title\">\n");
    s.push_str(markers);
    let _ = writeln!(s, "<h1 id=\"how-to-cite-title\">{}</h1>", crate::i18n::t(&m.language, Key::HowToCite));
    for p in paras {
        let _ = writeln!(s, "<p>{}</p>", esc(p));
    }
    s.push_str("</section>\n</body>\n</html>\n");
    s
}

fn licence_page(book: &Book, licences: &BTreeMap<&str, &str>) -> String {
    let title = crate::i18n::t(&book.meta.language, Key::FontLicences);
    let mut s = xhtml_head(&book.meta.language, title, "../css/book.css", "");
    s.push_str("<body epub:type=\"backmatter\">\n<section id=\"font-licences\" class=\"licences\" epub:type=\"appendix\" role=\"doc-appendix\" aria-labelledby=\"font-licences-title\">\n");
    let _ = writeln!(s, "<h1 id=\"font-licences-title\">{title}</h1>");
    for (family, text) in licences {
        let _ = writeln!(s, "<section aria-label=\"{f}\">\n<h2>{f}</h2>\n<pre class=\"licence\">{}</pre>\n</section>", esc(text.trim()), f = esc(family));
    }
    s.push_str("</section>\n</body>\n</html>\n");
    s
}

fn colophon(book: &Book, fonts: &FontSet, extra: &[(String, String)], markers: &str, licence_link: bool) -> String {
    let m = &book.meta;
    let tr = |k| crate::i18n::t(&m.language, k);
    let mut s = xhtml_head(&m.language, tr(Key::Colophon), "../css/book.css", "");
    s.push_str("<body epub:type=\"backmatter\">\n<section id=\"colophon\" class=\"colophon\" epub:type=\"colophon\" role=\"doc-colophon\" aria-labelledby=\"colophon-title\">\n");
    s.push_str(markers);
    let _ = writeln!(s, "<h1 id=\"colophon-title\">{}</h1>", tr(Key::Colophon));
    let _ = writeln!(s, "<p><i>{}</i>{}</p>", esc(&m.title), m.subtitle.as_deref().map(|x| format!(": {}", esc(x))).unwrap_or_default());
    let mut facts: Vec<(String, String)> = Vec::new();
    if let Some(e) = &m.edition {
        facts.push((tr(Key::Edition).into(), esc(e)));
    }
    if let Some(d) = m.date {
        facts.push((tr(Key::Published).into(), d.long(&m.language)));
    }
    if let Some(p) = &m.publisher {
        facts.push((tr(Key::Publisher).into(), esc(p)));
    }
    facts.push((tr(Key::Identifier).into(), esc(&m.identifier)));
    for c in &m.creators {
        let role = c.role_name[..1].to_uppercase() + &c.role_name[1..];
        facts.push((role, esc(&c.name)));
    }
    if let Some(r) = &m.rights {
        facts.push((tr(Key::Rights).into(), esc(r)));
    }
    let families: BTreeSet<&str> = fonts.fonts.iter().map(|f| f.family.as_str()).collect();
    facts.push((
        tr(Key::Type).into(),
        format!(
            "{}, under the SIL Open Font License{}",
            esc(&families.into_iter().collect::<Vec<_>>().join(" and ")),
            if licence_link { " (<a href=\"font-licences.xhtml\">licence texts</a>)" } else { "" }
        ),
    ));
    for (k, v) in extra {
        facts.push((k.clone(), esc(v)));
    }
    facts.push((tr(Key::MadeWith).into(), format!("quire {}", env!("CARGO_PKG_VERSION"))));
    s.push_str("<dl>\n");
    for (k, v) in facts {
        let _ = writeln!(s, "<dt>{}</dt><dd>{v}</dd>", esc(&k));
    }
    s.push_str("</dl>\n</section>\n</body>\n</html>\n");
    s
}

fn toc_label(ch: &Chapter) -> String {
    let w = ChapterWriter {
        links: Links { chapters: &BTreeMap::new(), images: &BTreeMap::new() },
        chapter: ch,
        level: 1,
        paragraph_numbers: false,
        language: String::new(),
        marks: BTreeMap::new(),
        start_marks: Vec::new(),
        state: Default::default(),
    };
    let title = w.inlines(&strip_notes(&ch.title));
    match ch.letter.as_ref().and_then(|l| l.number.as_ref()) {
        Some(n) => format!("{}. {title}", esc(n)),
        None => title,
    }
}

fn strip_notes(v: &[crate::model::Inline]) -> Vec<crate::model::Inline> {
    v.iter().filter(|i| !matches!(i, crate::model::Inline::NoteRef { .. })).cloned().collect()
}

 fn nav_doc(book: &Book, has_part_titles: bool, first_body: Option<&str>, markers: &str, page_list: &[(String, String)], no_cite: bool) -> String {
    let m = &book.meta;
    let tr = |k| crate::i18n::t(&m.language, k);
    let mut s = xhtml_head(&m.language, tr(Key::Contents), "css/book.css", "");
    s.push_str("<body epub:type=\"frontmatter\">\n");
    s.push_str(markers);
    let _ = write!(s, "<nav id=\"toc\" epub:type=\"toc\" role=\"doc-toc\" aria-labelledby=\"toc-title\">\n<h1 id=\"toc-title\">{}</h1>\n<ol>\n", tr(Key::Contents));
    let entry = |s: &mut String, ch: &Chapter| {
        let _ = writeln!(s, "<li><a href=\"text/{}.xhtml\">{}</a></li>", ch.id, toc_label(ch));
    };
    for ch in &book.front {
        entry(&mut s, ch);
    }
    for (pi, part) in book.parts.iter().enumerate() {
        match (&part.title, has_part_titles) {
            (Some(t), _) => {
                let _ = writeln!(s, "<li><a href=\"text/{}.xhtml\">{} {}: {}</a>\n<ol>", part.id, tr(Key::Part), roman(pi + 1), esc(t));
                for ch in &part.chapters {
                    entry(&mut s, ch);
                }
                s.push_str("</ol></li>\n");
            }
            _ => {
                for ch in &part.chapters {
                    entry(&mut s, ch);
                }
            }
        }
    }
    for ch in &book.back {
        entry(&mut s, ch);
    }
    if !no_cite {
        let _ = writeln!(s, "<li><a href=\"text/how-to-cite.xhtml\">{}</a></li>", tr(Key::HowToCite));
    }
    let _ = write!(s, "<li><a href=\"text/colophon.xhtml\">{}</a></li>\n</ol>\n</nav>\n", tr(Key::Colophon));
    let _ = write!(s, "<nav epub:type=\"landmarks\" aria-label=\"{}\" hidden=\"hidden\">\n<ol>\n", tr(Key::Landmarks));
    let _ = writeln!(s, "<li><a epub:type=\"cover\" href=\"text/cover.xhtml\">{}</a></li>", tr(Key::Cover));
    let _ = writeln!(s, "<li><a epub:type=\"titlepage\" href=\"text/titlepage.xhtml\">{}</a></li>", tr(Key::TitlePage));
    s.push_str("<li><a epub:type=\"toc\" href=\"nav.xhtml#toc\">Contents</a></li>\n");
    if let Some(b) = first_body {
        let _ = writeln!(s, "<li><a epub:type=\"bodymatter\" href=\"{b}\">{}</a></li>", tr(Key::StartOfText));
    }
    let _ = writeln!(s, "<li><a epub:type=\"colophon\" href=\"text/colophon.xhtml\">{}</a></li>", tr(Key::Colophon));
    s.push_str("</ol>\n</nav>\n");
    if !page_list.is_empty() {
        let _ = write!(s, "<nav epub:type=\"page-list\" role=\"doc-pagelist\" aria-label=\"{}\" hidden=\"hidden\">\n<ol>\n", tr(Key::PageList));
        for (label, doc) in page_list {
            let _ = writeln!(s, "<li><a href=\"{doc}#page-{l}\">{l}</a></li>", l = esc(label));
        }
        s.push_str("</ol>\n</nav>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}

fn package_document(book: &Book, items: &[Item], spine: &[Doc], page_source: Option<&str>) -> String {
    let m = &book.meta;
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"pub-id\" xml:lang=\"{}\">",
        esc(&m.language)
    );
    s.push_str("<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
    let id = if let Some(isbn) = m.identifier.strip_prefix("isbn:") { format!("urn:isbn:{}", isbn.replace(['-', ' '], "")) } else { m.identifier.clone() };
    let _ = writeln!(s, "<dc:identifier id=\"pub-id\">{}</dc:identifier>", esc(&id));
    let _ = writeln!(s, "<dc:title id=\"title\">{}</dc:title>", esc(&m.title));
    s.push_str("<meta refines=\"#title\" property=\"title-type\">main</meta>\n");
    if let Some(sub) = &m.subtitle {
        let _ = writeln!(s, "<dc:title id=\"subtitle\">{}</dc:title>", esc(sub));
        s.push_str("<meta refines=\"#subtitle\" property=\"title-type\">subtitle</meta>\n");
    }
    let _ = writeln!(s, "<dc:language>{}</dc:language>", esc(&m.language));
    for (i, c) in m.creators.iter().enumerate() {
        let el = if c.role == "aut" || c.role == "edt" { "dc:creator" } else { "dc:contributor" };
        let _ = writeln!(s, "<{el} id=\"creator-{}\">{}</{el}>", i + 1, esc(&c.name));
        let _ = writeln!(s, "<meta refines=\"#creator-{}\" property=\"role\" scheme=\"marc:relators\">{}</meta>", i + 1, c.role);
        if let Some(f) = &c.file_as {
            let _ = writeln!(s, "<meta refines=\"#creator-{}\" property=\"file-as\">{}</meta>", i + 1, esc(f));
        }
    }
    if let Some(p) = &m.publisher {
        let _ = writeln!(s, "<dc:publisher>{}</dc:publisher>", esc(p));
    }
    if let Some(d) = m.date {
        let _ = writeln!(s, "<dc:date>{}</dc:date>", d.iso());
    }
    if let Some(r) = &m.rights {
        let _ = writeln!(s, "<dc:rights>{}</dc:rights>", esc(r));
    }
    if let Some(d) = &m.description {
        let _ = writeln!(s, "<dc:description>{}</dc:description>", esc(d));
    }
    for subj in &m.subjects {
        let _ = writeln!(s, "<dc:subject>{}</dc:subject>", esc(subj));
    }
    let _ = writeln!(s, "<meta property=\"dcterms:modified\">{}</meta>", esc(&m.modified));
    if let Some(e) = &m.edition {
        let _ = writeln!(s, "<meta property=\"schema:bookEdition\">{}</meta>", esc(e));
    }
    // Accessibility (EPUB Accessibility 1.1).
    let has_images = items.iter().any(|i| i.href.starts_with("images/") && i.id != "cover-image");
    s.push_str("<meta property=\"schema:accessMode\">textual</meta>\n");
    if has_images {
        s.push_str("<meta property=\"schema:accessMode\">visual</meta>\n");
        s.push_str("<meta property=\"schema:accessModeSufficient\">textual,visual</meta>\n");
    }
    s.push_str("<meta property=\"schema:accessModeSufficient\">textual</meta>\n");
    let mut features = vec!["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"];
    if page_source.is_some() {
        features.push("pageBreakMarkers");
        features.push("pageNavigation");
    }
    if has_images {
        features.push("alternativeText");
    }
    for f in features {
        let _ = writeln!(s, "<meta property=\"schema:accessibilityFeature\">{f}</meta>");
    }
    s.push_str("<meta property=\"schema:accessibilityHazard\">none</meta>\n");
    if let Some(src) = page_source {
        let _ = writeln!(s, "<meta property=\"pageBreakSource\">{}</meta>", esc(src));
    }
    let summary = if has_images {
        "This publication meets WCAG 2.2 Level AA. It has a table of contents, landmarks and a logical heading structure; every image has a text alternative; text can be resized and restyled by the reading system."
    } else {
        "This publication meets WCAG 2.2 Level AA. It has a table of contents, landmarks and a logical heading structure; text can be resized and restyled by the reading system."
    };
    let _ = writeln!(s, "<meta property=\"schema:accessibilitySummary\">{summary}</meta>");
    s.push_str("<meta property=\"dcterms:conformsTo\" id=\"conf\">EPUB Accessibility 1.1 - WCAG 2.2 Level AA</meta>\n");
    let certifier = m.publisher.clone().unwrap_or_else(|| "quire".to_string());
    let _ = writeln!(s, "<meta property=\"a11y:certifiedBy\" refines=\"#conf\">{}</meta>", esc(&certifier));
    s.push_str("</metadata>\n<manifest>\n");
    for it in items {
        let props = it.properties.map(|p| format!(" properties=\"{p}\"")).unwrap_or_default();
        let _ = writeln!(s, "<item id=\"{}\" href=\"{}\" media-type=\"{}\"{props}/>", it.id, esc(&it.href), it.media_type);
    }
    s.push_str("</manifest>\n<spine>\n");
    for d in spine {
        let linear = if d.linear { "" } else { " linear=\"no\"" };
        let _ = writeln!(s, "<itemref idref=\"{}\"{linear}/>", items[d.item].id);
    }
    s.push_str("</spine>\n</package>\n");
    s
}

const CONTAINER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n<rootfiles>\n<rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>\n</rootfiles>\n</container>\n";

fn zip_package(modified: &str, opf: &str, items: &[Item]) -> Result<Vec<u8>, Diagnostic> {
    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;
    let num = |a: usize, b: usize| modified.get(a..b).and_then(|x| x.parse::<u16>().ok());
    let (y, mo, d) = (num(0, 4).unwrap_or(2000), num(5, 7).unwrap_or(1), num(8, 10).unwrap_or(1));
    let time = zip::DateTime::from_date_and_time(y.clamp(1980, 2107), mo as u8, d as u8, 0, 0, 0).unwrap_or_default();
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored).last_modified_time(time).unix_permissions(0o644);
    // Level 4: within a few per cent of level 6 in size, markedly faster on the fonts.
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).compression_level(Some(4)).last_modified_time(time).unix_permissions(0o644);
    let err = |e: &dyn std::fmt::Display| Diagnostic::error(format!("could not write the EPUB archive: {e}")).help("this is a bug in quire; please report it");
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("mimetype", stored).map_err(|e| err(&e))?;
    z.write_all(b"application/epub+zip").map_err(|e| err(&e))?;
    z.start_file("META-INF/container.xml", deflated).map_err(|e| err(&e))?;
    z.write_all(CONTAINER.as_bytes()).map_err(|e| err(&e))?;
    z.start_file("EPUB/package.opf", deflated).map_err(|e| err(&e))?;
    z.write_all(opf.as_bytes()).map_err(|e| err(&e))?;
    for it in items {
        let opts = if it.media_type.starts_with("image/png") || it.media_type == "image/jpeg" || it.media_type == "image/gif" { stored } else { deflated };
        z.start_file(format!("EPUB/{}", it.href), opts).map_err(|e| err(&e))?;
        z.write_all(&it.data).map_err(|e| err(&e))?;
    }
    Ok(z.finish().map_err(|e| err(&e))?.into_inner())
}
