//! The HTML edition: a static site made from the EPUB's package, so its markup (letters,
//! footnotes with back-links, figures, ¶ numbers, page markers of the reference print edition)
//! is the EPUB's. `index.html` is the contents with the cover; every other document is a page
//! under `text/` with the book's navigation (contents, previous, next) before and after it; the
//! images, subset fonts and stylesheet are the EPUB's, with `css/site.css` for the screen
//! (a measure, light and dark, print). No script: the site reads the same with JavaScript off.

mod convert;

use crate::diag::Diagnostic;
use crate::epub::Package;
use crate::epub::xml::esc_into;
use crate::i18n::Key;
use crate::model::Book;
use convert::relative;
use std::collections::BTreeMap;

const SITE_CSS: &str = include_str!("site.css");

/// A page's neighbours in reading order and the way home, as site paths with their titles.
#[derive(Default)]
pub struct Neighbours {
    prev: Option<(String, String)>,
    next: Option<(String, String)>,
    /// The labels in the book's language: contents, previous, next, the navigation's name.
    labels: [&'static str; 4],
}

/// The site's files (paths relative to the site's directory) from the EPUB's package.
pub fn site(book: &Book, pkg: &Package) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let is_doc = |i: usize| pkg.items[i].media_type == "application/xhtml+xml";
    let cover_doc = "text/cover.xhtml";
    // Package document → page.
    let mut pages: BTreeMap<String, String> = BTreeMap::new();
    for (i, it) in pkg.items.iter().enumerate().filter(|(i, _)| is_doc(*i)) {
        let page = if i == pkg.nav || it.href == cover_doc {
            "index.html".to_string()
        } else {
            format!("{}.html", it.href.strip_suffix(".xhtml").unwrap_or(&it.href))
        };
        pages.insert(it.href.clone(), page);
    }
    let fail = |href: &str, e: String| {
        Diagnostic::error(format!("the HTML page for `{href}` could not be made: {e}")).help("this is a bug in quire; please report it")
    };
    // Reading order: the EPUB's spine, without the cover (it is on the index page).
    let order: Vec<usize> = pkg.spine.iter().filter(|d| d.linear && pkg.items[d.item].href != cover_doc).map(|d| d.item).collect();
    // Every document parsed once: for its neighbours' titles and for its own page.
    let opts = || roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let mut docs: BTreeMap<usize, roxmltree::Document> = BTreeMap::new();
    for (i, it) in pkg.items.iter().enumerate().filter(|(i, it)| is_doc(*i) && it.href != cover_doc) {
        let text = std::str::from_utf8(&it.data).map_err(|e| fail(&it.href, e.to_string()))?;
        docs.insert(i, roxmltree::Document::parse_with_options(text, opts()).map_err(|e| fail(&it.href, e.to_string()))?);
    }
    let title = |i: usize| docs[&i].descendants().find(|n| n.has_tag_name("title")).and_then(|n| n.text()).unwrap_or_default().to_string();
    let lang = book.meta.language.as_str();
    let tr = |k| crate::i18n::t(lang, k);
    let labels = [tr(Key::Contents), tr(Key::Previous), tr(Key::Next), tr(Key::BookNavigation)];
    let link = |i: usize| (pages[&pkg.items[i].href].clone(), title(i));
    let cover = pkg.items.iter().find(|it| it.href.starts_with("images/cover."));
    let mut files = Vec::new();
    for (i, it) in pkg.items.iter().enumerate() {
        if !is_doc(i) {
            files.push((it.href.clone(), it.data.clone()));
            continue;
        }
        if it.href == cover_doc {
            continue;
        }
        let pos = order.iter().position(|&o| o == i);
        let nav = Neighbours {
            prev: pos.and_then(|p| p.checked_sub(1)).map(|p| link(order[p])),
            next: pos.and_then(|p| order.get(p + 1)).map(|&n| link(n)),
            labels,
        };
        let lead = match cover {
            Some(c) if i == pkg.nav => cover_figure(&c.href, &format!("{}: {}", tr(Key::Cover), book.meta.title)),
            _ => String::new(),
        };
        let spec = convert::Page { from: &it.href, pages: &pages, book_title: &book.meta.title, nav: &nav, lead };
        let html = convert::page(&docs[&i], &spec);
        files.push((pages[&it.href].clone(), html.into_bytes()));
    }
    files.push(("css/site.css".to_string(), SITE_CSS.as_bytes().to_vec()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

fn anchor(out: &mut String, href: &str, rel: Option<&str>, class: &str, text: &str) {
    out.push_str("<a");
    if !class.is_empty() {
        out.push_str(" class=\"");
        out.push_str(class);
        out.push('"');
    }
    if let Some(r) = rel {
        out.push_str(" rel=\"");
        out.push_str(r);
        out.push('"');
    }
    out.push_str(" href=\"");
    esc_into(out, href);
    out.push_str("\">");
    esc_into(out, text);
    out.push_str("</a>");
}

/// Previous and next, each with its page's title.
fn prev_next(out: &mut String, here: &str, nav: &Neighbours) {
    if let Some((href, title)) = &nav.prev {
        out.push_str("<span class=\"site-prev\"><span class=\"site-dir\">");
        esc_into(out, nav.labels[1]);
        out.push_str("</span> ");
        anchor(out, &relative(here, href), Some("prev"), "", &format!("‹ {title}"));
        out.push_str("</span>\n");
    }
    if let Some((href, title)) = &nav.next {
        out.push_str("<span class=\"site-next\"><span class=\"site-dir\">");
        esc_into(out, nav.labels[2]);
        out.push_str("</span> ");
        anchor(out, &relative(here, href), Some("next"), "", &format!("{title} ›"));
        out.push_str("</span>\n");
    }
}

/// The navigation before a page's content: the book's title (home), contents, previous, next.
fn nav_bar(here: &str, nav: &Neighbours, book_title: &str) -> String {
    let mut out = String::from("<header class=\"site-head\">\n<nav aria-label=\"");
    esc_into(&mut out, nav.labels[3]);
    out.push_str("\">\n");
    let home = relative(here, "index.html");
    anchor(&mut out, &home, None, "site-title", book_title);
    out.push('\n');
    // The contents, unless this page is it or a neighbour already leads there.
    let beside_index = [&nav.prev, &nav.next].iter().any(|n| n.as_ref().is_some_and(|(p, _)| p == "index.html"));
    if here != "index.html" && !beside_index {
        anchor(&mut out, &format!("{home}#toc"), None, "site-contents", nav.labels[0]);
        out.push('\n');
    }
    prev_next(&mut out, here, nav);
    out.push_str("</nav>\n</header>\n");
    out
}

/// The links after a page's content: previous and next.
fn foot_links(here: &str, nav: &Neighbours) -> String {
    let mut out = String::from("<footer class=\"site-foot\">\n");
    prev_next(&mut out, here, nav);
    out.push_str("</footer>\n");
    out
}

/// The cover on the index page.
fn cover_figure(href: &str, alt: &str) -> String {
    let mut out = String::from("<p class=\"site-cover\"><img src=\"");
    esc_into(&mut out, href);
    out.push_str("\" alt=\"");
    esc_into(&mut out, alt);
    out.push_str("\"></p>\n");
    out
}
