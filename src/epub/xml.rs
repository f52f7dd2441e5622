//! The XML builder every EPUB document is written with. Markup exists only as an [`Xml`]:
//! element and attribute names are `&'static str` (they never come from a manuscript), every
//! attribute value and every piece of text is escaped on the way in, and fixed scaffolding
//! text must be a `&'static str` too. No writer can put unescaped manuscript text into a
//! document, because there is no function that would let it.

/// Escapes text for XML content and attribute values; drops characters XML 1.0 forbids. The
/// HTML edition and `quire serve` escape with it too.
pub(crate) fn esc_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// `s` escaped (see [`esc_into`]).
pub(crate) fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    esc_into(&mut out, s);
    out
}

/// An attribute list: static names, values escaped when written.
pub type Attrs<'v> = [(&'static str, &'v str)];

/// Markup under construction (or finished: a fragment to append elsewhere).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Xml(String);

impl Xml {
    pub fn new() -> Xml {
        Xml(String::new())
    }

    fn start(&mut self, tag: &'static str, attrs: &Attrs) {
        self.0.push('<');
        self.0.push_str(tag);
        for (k, v) in attrs {
            self.0.push(' ');
            self.0.push_str(k);
            self.0.push_str("=\"");
            esc_into(&mut self.0, v);
            self.0.push('"');
        }
    }

    /// `<tag a="v">`.
    pub fn open(&mut self, tag: &'static str, attrs: &Attrs) -> &mut Xml {
        self.start(tag, attrs);
        self.0.push('>');
        self
    }

    /// `</tag>`.
    pub fn close(&mut self, tag: &'static str) -> &mut Xml {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
        self
    }

    /// `<tag a="v"/>`.
    pub fn empty(&mut self, tag: &'static str, attrs: &Attrs) -> &mut Xml {
        self.start(tag, attrs);
        self.0.push_str("/>");
        self
    }

    /// `<tag a="v">text</tag>`.
    pub fn leaf(&mut self, tag: &'static str, attrs: &Attrs, text: &str) -> &mut Xml {
        self.open(tag, attrs).text(text).close(tag)
    }

    /// `<tag a="v">…</tag>` with the content written by `f`.
    pub fn wrap(&mut self, tag: &'static str, attrs: &Attrs, f: impl FnOnce(&mut Xml)) -> &mut Xml {
        self.open(tag, attrs);
        f(self);
        self.close(tag)
    }

    /// Escaped text.
    pub fn text(&mut self, t: &str) -> &mut Xml {
        esc_into(&mut self.0, t);
        self
    }

    /// Fixed text of quire's own (declarations, punctuation, newlines), never from a book.
    pub fn lit(&mut self, s: &'static str) -> &mut Xml {
        self.0.push_str(s);
        self
    }

    pub fn nl(&mut self) -> &mut Xml {
        self.0.push('\n');
        self
    }

    /// Appends markup built elsewhere.
    pub fn append(&mut self, other: &Xml) -> &mut Xml {
        self.0.push_str(&other.0);
        self
    }

    /// The finished document's text.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// `h1`…`h6` for a level (clamped).
pub fn heading_tag(level: u8) -> &'static str {
    ["h1", "h2", "h3", "h4", "h5", "h6"][(level.clamp(1, 6) - 1) as usize]
}

/// The start of every XHTML content document, up to and including `</head>`.
pub fn xhtml_head(lang: &str, title: &str, css: &str) -> Xml {
    let mut x = Xml::new();
    x.lit("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
    x.open(
        "html",
        &[
            ("xmlns", "http://www.w3.org/1999/xhtml"),
            ("xmlns:epub", "http://www.idpf.org/2007/ops"),
            ("epub:prefix", "z3998: http://www.daisy.org/z3998/2012/vocab/structure/#"),
            ("lang", lang),
            ("xml:lang", lang),
        ],
    );
    x.nl().open("head", &[]).nl().leaf("title", &[], title).nl();
    x.empty("link", &[("rel", "stylesheet"), ("type", "text/css"), ("href", css)]).nl().close("head").nl();
    x
}

/// A URL as an `href`: characters a URL may not hold (spaces, quotes, non-ASCII, controls;
/// brackets outside the host; a `%` that starts no escape) are percent-encoded; everything else
/// is kept as written.
pub fn encode_url(u: &str) -> String {
    let mut out = String::with_capacity(u.len());
    // The authority (`//host:port`) may hold brackets (an IPv6 literal); nothing else may.
    let authority = u.find("//").map(|i| {
        let start = i + 2;
        (start, u[start..].find(['/', '?', '#']).map(|e| start + e).unwrap_or(u.len()))
    });
    for (i, c) in u.char_indices() {
        let in_authority = authority.is_some_and(|(a, b)| i >= a && i < b);
        let stray_percent = c == '%' && !(u[i + 1..].len() >= 2 && u[i + 1..i + 3].bytes().all(|b| b.is_ascii_hexdigit()));
        let bracket = matches!(c, '[' | ']') && !in_authority;
        if c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}') && !stray_percent && !bracket {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_from_outside_is_escaped() {
        let mut x = Xml::new();
        x.open("figure", &[("id", "x\" onclick=\"alert(1)")]).text("a<b & \"c\"\u{1}").close("figure");
        assert_eq!(x.into_string(), "<figure id=\"x&quot; onclick=&quot;alert(1)\">a&lt;b &amp; &quot;c&quot;</figure>");
    }

    #[test]
    fn urls_are_percent_encoded() {
        assert_eq!(encode_url("https://example.org/a b\"é"), "https://example.org/a%20b%22%C3%A9");
        assert_eq!(encode_url("https://example.com/?search=](uri)"), "https://example.com/?search=%5D(uri)");
        assert_eq!(encode_url("https://[::1]:8080/a%zz%20"), "https://[::1]:8080/a%25zz%20");
    }
}
