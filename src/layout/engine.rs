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
    /// Set paragraphs kept from earlier builds (`quire watch`, `quire serve`).
    pub(crate) warm: Option<&'a Warm>,
}

impl<'a> Engine<'a> {
    pub fn new(fonts: &'a FontSet, language: &str, min_name: usize, warm: Option<&'a Warm>) -> Engine<'a> {
        Engine { shaper: Shaper::new(fonts), hyph: Hyph::new(language, min_name), paras: HashMap::new(), warm }
    }

    /// A set paragraph by its key: this layout's, else an earlier build's.
    pub(crate) fn lookup(&mut self, key: u64) -> Option<Vec<SetLine>> {
        if let Some(l) = self.paras.get(&key) {
            return Some(l.clone());
        }
        let found = self.warm?.get(key)?;
        self.paras.insert(key, found.clone());
        Some(found)
    }

    pub(crate) fn store(&mut self, key: u64, lines: &[SetLine]) {
        self.paras.insert(key, lines.to_vec());
        if let Some(w) = self.warm {
            w.put(key, lines);
        }
    }
}

/// Set paragraphs kept across builds by a long-running process (`quire watch`, `quire serve`).
/// A paragraph's key covers its text, styles, languages and measure; everything else it depends
/// on (the fonts' bytes, the book's language, the hyphenation settings) is the store's
/// fingerprint, and a build with another fingerprint starts from an empty store. So a warm
/// build sets every paragraph exactly as a cold one would. Entries no build used since the last
/// [`Warm::sweep`] are dropped there, so the store holds one book's paragraphs, not its history.
#[derive(Default)]
pub struct Warm {
    fingerprint: std::sync::Mutex<u64>,
    paras: std::sync::Mutex<HashMap<u64, (Vec<SetLine>, bool)>>,
    hits: std::sync::atomic::AtomicUsize,
}

impl Warm {
    /// Starts a build: the store is emptied when what it was filled with has changed.
    pub fn begin(&self, fonts: &FontSet, language: &str, min_name: usize) {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for f in &fonts.fonts {
            (f.face.key(), &f.data[..]).hash(&mut h);
        }
        (language, min_name).hash(&mut h);
        let fp = h.finish();
        let mut cur = self.fingerprint.lock().unwrap_or_else(|e| e.into_inner());
        if *cur != fp {
            *cur = fp;
            self.paras.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
    }

    fn get(&self, key: u64) -> Option<Vec<SetLine>> {
        let mut m = self.paras.lock().unwrap_or_else(|e| e.into_inner());
        let e = m.get_mut(&key)?;
        e.1 = true;
        self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(e.0.clone())
    }

    fn put(&self, key: u64, lines: &[SetLine]) {
        self.paras.lock().unwrap_or_else(|e| e.into_inner()).insert(key, (lines.to_vec(), true));
    }

    /// Ends a build: drops what it did not use.
    pub fn sweep(&self) {
        let mut m = self.paras.lock().unwrap_or_else(|e| e.into_inner());
        m.retain(|_, e| std::mem::take(&mut e.1));
    }

    /// How many paragraphs were taken from the store so far.
    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many set paragraphs are kept.
    pub fn len(&self) -> usize {
        self.paras.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A hash of everything that determines how a paragraph is set (used only to look up the
/// paragraph cache; never written out). A passage language is hashed by its tag, not by the
/// number this layout gave it, so the key means the same in every build.
pub(crate) fn para_key(spec: &ParaSpec, hyph: &Hyph) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for sp in &spec.spans {
        sp.text.hash(&mut h);
        (sp.style.face, sp.style.size.to_bits(), sp.style.feats(), sp.style.rise.to_bits(), sp.style.strike, sp.style.colour).hash(&mut h);
        hyph.lang_tag(sp.style.lang).hash(&mut h);
        (&sp.link, &sp.note, sp.model_offset).hash(&mut h);
        if let Some(o) = &sp.object {
            (&o.src, o.width.to_bits(), o.height.to_bits()).hash(&mut h);
        }
    }
    (spec.width.to_bits(), spec.indent.to_bits(), spec.align as u8, spec.hyphenate).hash(&mut h);
    h.finish()
}
