//! The tag tree: layout's structure nodes → PDF structure elements, with the content each
//! filled and the link annotations under their `Link` elements.

use crate::layout::{Layout, SChild, SKind};
use krilla::tagging::{Identifier, Node, Tag, TagGroup, TagKind};
use std::collections::BTreeMap;
use std::num::NonZeroU16;

fn tag_for(kind: &SKind) -> Option<TagKind> {
    Some(match kind {
        SKind::Document => return None,
        SKind::Part => Tag::Part.into(),
        SKind::Sect => Tag::Section.into(),
        SKind::H(l, t) => Tag::Hn(NonZeroU16::new((*l).max(1) as u16).unwrap_or(NonZeroU16::MIN), Some(t.clone())).into(),
        SKind::P => Tag::P.into(),
        SKind::BlockQuote => Tag::BlockQuote.into(),
        SKind::Figure(alt) => Tag::Figure(Some(alt.clone())).into(),
        SKind::Caption => Tag::Caption.into(),
        SKind::Note => Tag::Note.into(),
        SKind::Link => Tag::Link.into(),
        SKind::L(ordered) => {
            Tag::L(if *ordered { krilla::tagging::ListNumbering::Decimal } else { krilla::tagging::ListNumbering::Disc }).into()
        }
        SKind::LI => Tag::LI.into(),
        SKind::Lbl => Tag::Lbl.into(),
        SKind::LBody => Tag::LBody.into(),
        SKind::Table => Tag::Table.into(),
        SKind::TR => Tag::TR.into(),
        SKind::TH => Tag::TH(krilla::tagging::TableHeaderScope::Column).into(),
        SKind::TD => Tag::TD.into(),
        SKind::Code => Tag::Code.into(),
        SKind::Toc => Tag::TOC.into(),
        SKind::TocItem => Tag::TOCI.into(),
        SKind::Div => Tag::Div.into(),
        SKind::Passage(lang) => Tag::Div.with_lang(Some(lang.clone())).into(),
    })
}

/// The children of structure node `n` as tag-tree nodes.
pub(super) fn build_group(layout: &Layout, n: usize, leaves: &[Vec<Identifier>], annots: &BTreeMap<usize, Vec<Identifier>>) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    for c in &layout.nodes[n].children {
        match c {
            SChild::Content(id) => {
                if let Some(ids) = leaves.get(*id) {
                    out.extend(ids.iter().map(|i| Node::Leaf(*i)));
                }
            }
            SChild::Node(k) => {
                let children = build_group(layout, *k, leaves, annots);
                let mut children = children;
                if let Some(a) = annots.get(k) {
                    children.extend(a.iter().map(|i| Node::Leaf(*i)));
                }
                if children.is_empty() {
                    continue;
                }
                match tag_for(&layout.nodes[*k].kind) {
                    Some(t) => out.push(Node::Group(TagGroup::with_children(t, children))),
                    None => out.extend(children),
                }
            }
        }
    }
    out
}
