//! Inlines → styled spans (faces for emphasis, small caps, code, note references, links).

use super::*;
use crate::model::{LinkTarget, SpanKind};

impl Flow<'_, '_> {
    /// Inlines → spans in `base` style. Spans from manuscript text get their character offset
    /// within the paragraph's text (the EPUB counts the same characters).
    pub(super) fn spans(&self, inlines: &[Inline], base: Style, ch: Option<&Chapter>, out: &mut Vec<Span>) {
        let from = out.len();
        let base = if base.lang == 0 { Style { lang: self.passage_lang, ..base } } else { base };
        self.spans_with(inlines, base, None, ch, out);
        let mut count = 0;
        for sp in &mut out[from..] {
            if sp.model_offset.is_some() {
                sp.model_offset = Some(count);
                count += sp.text.chars().count();
            }
        }
    }

    pub(super) fn spans_with(&self, inlines: &[Inline], base: Style, link: Option<Link>, ch: Option<&Chapter>, out: &mut Vec<Span>) {
        for i in inlines {
            match i {
                Inline::Text(t) => {
                    out.push(Span { text: t.clone(), style: base, link: link.clone(), note: None, model_offset: Some(0), object: None })
                }
                Inline::Emph(c) => self.spans_with(c, Style { face: base.face.italic(), ..base }, link.clone(), ch, out),
                Inline::Strong(c) => self.spans_with(c, Style { face: base.face.bold(), ..base }, link.clone(), ch, out),
                Inline::Strike(c) => self.spans_with(c, Style { strike: true, ..base }, link.clone(), ch, out),
                Inline::SmallCaps(c) => self.spans_with(c, Style { smcp: true, ..base }, link.clone(), ch, out),
                Inline::Code(t) => out.push(Span {
                    text: t.clone(),
                    style: Style { face: Face::Mono, size: base.size * 0.85, ..base },
                    link: link.clone(),
                    note: None,
                    model_offset: Some(0),
                    object: None,
                }),
                Inline::Link { target, children, .. } => {
                    let l = match target {
                        LinkTarget::External(u) => Some(Link::Url(u.clone())),
                        LinkTarget::Internal { chapter, anchor } => Some(Link::Anchor(anchor.clone().unwrap_or_else(|| chapter.clone()))),
                        LinkTarget::Unresolved => link.clone(),
                    };
                    self.spans_with(children, base, l, ch, out)
                }
                Inline::Image { src, alt, .. } => out.push(self.inline_image(src, alt, base, link.clone())),
                Inline::NoteRef { note, nth } => {
                    if let Some(n) = ch.and_then(|c| c.notes.get(*note)) {
                        out.push(Span {
                            text: (note + 1).to_string(),
                            style: Style { size: base.size * 0.68, rise: base.size * 0.36, ..base },
                            link: None,
                            note: Some((n.id.clone(), crate::model::anchors::note_ref_id(&n.id, nth + 1))),
                            model_offset: None,
                            object: None,
                        });
                    }
                }
                Inline::LineBreak => {
                    out.push(Span { text: "\n".into(), style: base, link: None, note: None, model_offset: None, object: None })
                }
                Inline::Span { kind, children } => self.span_kind(kind, children, base, link.clone(), ch, out),
                // An author's anchor has no text; the paragraph's first line carries it.
                Inline::Anchor(_) => {}
                Inline::Math { tex, .. } => out.push(Span {
                    text: tex.clone(),
                    style: Style { face: Face::Mono, size: base.size * 0.85, ..base },
                    link: link.clone(),
                    note: None,
                    model_offset: Some(0),
                    object: None,
                }),
            }
        }
    }

    /// An image in a line of text, at text scale: as tall as the type (at most its natural
    /// size at 72 dpi, at most the measure wide).
    fn inline_image(&self, src: &str, alt: &str, base: Style, link: Option<Link>) -> Span {
        let info = self.dir.image(src).map(|(i, _)| i);
        match info {
            Some(i) if i.width > 0 && i.height > 0 => {
                let height = base.size.min(i.height as f32);
                let width = (height * i.width as f32 / i.height as f32).min(self.g.measure());
                let height = width * i.height as f32 / i.width as f32;
                let object = Some(Box::new(InlineImage { src: src.to_string(), alt: alt.to_string(), width, height }));
                Span { text: "\u{fffc}".into(), style: base, link, note: None, model_offset: None, object }
            }
            _ => Span {
                text: format!("[{alt}]"),
                style: Style { face: Face::Italic, ..base },
                link,
                note: None,
                model_offset: None,
                object: None,
            },
        }
    }

    fn span_kind(&self, kind: &SpanKind, c: &[Inline], base: Style, link: Option<Link>, ch: Option<&Chapter>, out: &mut Vec<Span>) {
        match kind {
            SpanKind::Sup => self.spans_with(c, Style { size: base.size * 0.7, rise: base.size * 0.33, ..base }, link, ch, out),
            SpanKind::Sub => self.spans_with(c, Style { size: base.size * 0.7, rise: -base.size * 0.15, ..base }, link, ch, out),
            SpanKind::Kbd | SpanKind::Symbol => {
                self.spans_with(c, Style { face: Face::Mono, size: base.size * 0.85, ..base }, link, ch, out)
            }
            SpanKind::Cite => self.spans_with(c, Style { face: base.face.italic(), ..base }, link, ch, out),
            SpanKind::Small => self.spans_with(c, Style { size: base.size * 0.85, ..base }, link, ch, out),
            SpanKind::Quote => {
                let (open, close) = crate::i18n::quotes(&self.lang);
                let mark =
                    |t: &str| Span { text: t.to_string(), style: base, link: link.clone(), note: None, model_offset: None, object: None };
                out.push(mark(open));
                self.spans_with(c, base, link.clone(), ch, out);
                out.push(mark(close));
            }
            SpanKind::Lang(tag) => self.spans_with(c, Style { lang: self.eng.hyph.lang_id(tag), ..base }, link, ch, out),
            SpanKind::Mark | SpanKind::Abbr(_) => self.spans_with(c, base, link, ch, out),
        }
    }
}
