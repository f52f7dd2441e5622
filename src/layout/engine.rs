//! What outlives one layout pass and one profile: shaper, hyphenator, set paragraphs.

use super::inline::{ParaSpec, SetLine};
use crate::text::fonts::FontSet;
use crate::text::hyph::Hyph;
use crate::text::shape::Shaper;
use std::collections::HashMap;

/// What outlives one layout pass: the shaper with its cache of shaped words, the hyphenator,
/// and the set paragraphs (only the contents change between passes).
pub struct Engine<'a> {
    pub shaper: Shaper<'a>,
    pub hyph: Hyph,
    pub(crate) paras: HashMap<u64, Vec<SetLine>>,
}

impl<'a> Engine<'a> {
    pub fn new(fonts: &'a FontSet, language: &str, min_name: usize) -> Engine<'a> {
        Engine { shaper: Shaper::new(fonts), hyph: Hyph::new(language, min_name), paras: HashMap::new() }
    }
}

/// A hash of everything that determines how a paragraph is set (used only to look up the
/// paragraph cache; never written out).
pub(crate) fn para_key(spec: &ParaSpec) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for sp in &spec.spans {
        sp.text.hash(&mut h);
        (sp.style.face, sp.style.size.to_bits(), sp.style.smcp, sp.style.rise.to_bits(), sp.style.strike, sp.style.colour, sp.style.lang)
            .hash(&mut h);
        (&sp.link, &sp.note, sp.model_offset).hash(&mut h);
        if let Some(o) = &sp.object {
            (&o.src, o.width.to_bits(), o.height.to_bits()).hash(&mut h);
        }
    }
    (spec.width.to_bits(), spec.indent.to_bits(), spec.align as u8, spec.hyphenate).hash(&mut h);
    h.finish()
}
