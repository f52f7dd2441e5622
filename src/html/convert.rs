//! One EPUB content document (XHTML, as the EPUB writer made it) → one HTML5 page. The
//! document is parsed (`roxmltree`), never searched as text, and written again: EPUB-only
//! attributes (`epub:type`, `xml:lang`) and the hidden EPUB navigation (landmarks, page list)
//! are left out, links to other documents follow them to their `.html` pages, headings are
//! shifted so every page starts at `h1`, the content is wrapped in `<main>`, and the site's
//! navigation is added before and after it. Text and attribute values are escaped on the way out.

use super::Neighbours;
use crate::epub::xml::esc_into;
use roxmltree::{Node, NodeType};
use std::collections::BTreeMap;

/// Elements that have no end tag in HTML.
const VOID: &[&str] = &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];

/// What a page is written with besides its document.
pub struct Page<'a> {
    /// The document's path in the package (`text/x.xhtml`), for resolving its links.
    pub from: &'a str,
    /// Package document path → site page path.
    pub pages: &'a BTreeMap<String, String>,
    /// The book's title (added to every page's `<title>`).
    pub book_title: &'a str,
    /// Previous / next pages and the contents, as site paths.
    pub nav: &'a Neighbours,
    /// Markup put first inside `<main>` (the index page's cover), already escaped.
    pub lead: String,
}

/// The page's HTML for a parsed content document.
pub fn page(doc: &roxmltree::Document, p: &Page) -> String {
    let root = doc.root_element();
    // Every page starts its headings at h1 (a chapter inside a part is h2 in the EPUB).
    let top = root.descendants().filter_map(|n| heading_level(n.tag_name().name())).min();
    // A page without a heading (a dedication, an epigraph) is named by a heading only a screen
    // reader shows: its title.
    let hidden_h1 = match top {
        None => root.descendants().find(|n| n.has_tag_name("title")).and_then(|n| n.text()).map(str::to_string),
        Some(_) => None,
    };
    let mut w = Writer { out: String::with_capacity(4096), p, shift: top.unwrap_or(1) - 1, hidden_h1 };
    w.out.push_str("<!DOCTYPE html>\n");
    w.element(root);
    w.out.push('\n');
    w.out
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

struct Writer<'a> {
    out: String,
    p: &'a Page<'a>,
    shift: u8,
    hidden_h1: Option<String>,
}

/// `base`'s directory joined with `rel`, `.` and `..` resolved.
fn resolve(base: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The relative path from page `from` to `to` (both site paths).
pub fn relative(from: &str, to: &str) -> String {
    let mut a: Vec<&str> = from.split('/').collect();
    a.pop();
    let b: Vec<&str> = to.split('/').collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = "../".repeat(a.len() - common);
    out.push_str(&b[common..].join("/"));
    out
}

impl Writer<'_> {
    /// A link attribute: a link to another EPUB document becomes one to its page.
    fn link(&self, value: &str) -> String {
        let (path, frag) = match value.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (value, None),
        };
        if path.is_empty() || path.contains(':') || path.starts_with('/') {
            return value.to_string();
        }
        let target = resolve(self.p.from, path);
        match self.p.pages.get(&target) {
            Some(site) => {
                let from = &self.p.pages[self.p.from];
                let mut out = relative(from, site);
                if let Some(f) = frag {
                    out.push('#');
                    out.push_str(f);
                }
                out
            }
            None => value.to_string(),
        }
    }

    fn open_tag(&mut self, name: &str, n: Node) {
        self.out.push('<');
        self.out.push_str(name);
        for a in n.attributes() {
            // `epub:type`, `xml:lang` and the like belong to the EPUB.
            if a.namespace().is_some() {
                continue;
            }
            let value = if matches!(a.name(), "href" | "src") { self.link(a.value()) } else { a.value().to_string() };
            self.out.push(' ');
            self.out.push_str(a.name());
            self.out.push_str("=\"");
            esc_into(&mut self.out, &value);
            self.out.push('"');
        }
        self.out.push('>');
    }

    fn element(&mut self, n: Node) {
        let tag = n.tag_name().name();
        // The EPUB's hidden navigation (landmarks, page list) has no place on a web page.
        if tag == "nav" && n.has_attribute("hidden") {
            return;
        }
        let name = match heading_level(tag) {
            Some(l) => ["h1", "h2", "h3", "h4", "h5", "h6"][(l - self.shift).clamp(1, 6) as usize - 1],
            None => tag,
        };
        self.open_tag(name, n);
        if VOID.contains(&name) {
            return;
        }
        match name {
            "head" => self.head(n),
            "body" => self.body(n),
            _ => {
                // The HTML parser drops a newline right after `<pre>`: keep the text's own.
                if name == "pre" && n.first_child().and_then(|c| c.text()).is_some_and(|t| t.starts_with('\n')) {
                    self.out.push('\n');
                }
                self.children(n);
            }
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    fn children(&mut self, n: Node) {
        for c in n.children() {
            match c.node_type() {
                NodeType::Element => self.element(c),
                NodeType::Text => esc_into(&mut self.out, c.text().unwrap_or_default()),
                _ => {}
            }
        }
    }

    fn head(&mut self, n: Node) {
        self.out.push_str("\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        for c in n.children() {
            match c.node_type() {
                NodeType::Element if c.has_tag_name("title") => {
                    let own = c.text().unwrap_or_default();
                    let title = if own.is_empty() || own == self.p.book_title {
                        own.to_string()
                    } else {
                        format!("{own} · {}", self.p.book_title)
                    };
                    self.out.push_str("<title>");
                    esc_into(&mut self.out, &title);
                    self.out.push_str("</title>");
                }
                NodeType::Element => self.element(c),
                NodeType::Text => esc_into(&mut self.out, c.text().unwrap_or_default()),
                _ => {}
            }
        }
        let here = &self.p.pages[self.p.from];
        let css = relative(here, "css/site.css");
        self.out.push_str("<link rel=\"stylesheet\" href=\"");
        esc_into(&mut self.out, &css);
        self.out.push_str("\">\n");
    }

    fn body(&mut self, n: Node) {
        let here = self.p.pages[self.p.from].clone();
        self.out.push('\n');
        self.out.push_str(&super::nav_bar(&here, self.p.nav, self.p.book_title));
        self.out.push_str("<main id=\"main\">\n");
        self.out.push_str(&self.p.lead);
        if let Some(t) = self.hidden_h1.take() {
            self.out.push_str("<h1 class=\"site-hidden\">");
            esc_into(&mut self.out, &t);
            self.out.push_str("</h1>\n");
        }
        self.children(n);
        self.out.push_str("</main>\n");
        self.out.push_str(&super::foot_links(&here, self.p.nav));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_and_relativise() {
        assert_eq!(resolve("text/a.xhtml", "../nav.xhtml"), "nav.xhtml");
        assert_eq!(resolve("text/a.xhtml", "b.xhtml"), "text/b.xhtml");
        assert_eq!(resolve("nav.xhtml", "text/b.xhtml"), "text/b.xhtml");
        assert_eq!(relative("text/a.html", "index.html"), "../index.html");
        assert_eq!(relative("index.html", "text/a.html"), "text/a.html");
        assert_eq!(relative("text/a.html", "text/b.html"), "b.html");
        assert_eq!(relative("text/a.html", "css/site.css"), "../css/site.css");
    }
}
