//! Parsed chapters kept across builds by a long-running process (`quire watch`, `quire
//! serve`): a chapter is parsed again only when its file changed. What a chapter's parse
//! depends on is its key — the file's name and text, its default id name, its place (front,
//! body, back matter) and the book's language — and the images it asked for: a cached chapter
//! is used only when each of its images loads now exactly as it did then (same facts, or the
//! same problem), since a missing image changes the chapter (its alt text is printed instead).
//! Links are resolved after every build's chapters are in, cached or not, so a cached chapter
//! is the same as a freshly parsed one and the outputs are the same bytes.

use crate::diag::Diagnostic;
use crate::model::{Chapter, Matter};
use crate::source::{BookDir, ImageAsked, SourceFile};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Entry {
    chapter: Option<Chapter>,
    diags: Vec<Diagnostic>,
    images: Vec<ImageAsked>,
    used: bool,
}

/// Parsed chapters by key (see the module's description).
#[derive(Default)]
pub struct Cache {
    entries: Mutex<HashMap<u64, Entry>>,
    hits: AtomicUsize,
}

/// Everything a chapter's parse depends on besides its images (a lookup key; never written).
pub(super) fn key(file: &SourceFile, id_name: &str, matter: Matter, language: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&file.name, &file.text, id_name, matter as u8, language).hash(&mut h);
    h.finish()
}

impl Cache {
    /// The chapter and the diagnostics its parse gave, when its images still load as they did.
    pub(super) fn get(&self, key: u64, dir: &BookDir) -> Option<(Option<Chapter>, Vec<Diagnostic>)> {
        let mut m = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let e = m.get_mut(&key)?;
        for (rel, origin, then) in &e.images {
            let now = dir.load_image(rel, origin).map_err(|d| d.to_string());
            if now != *then {
                return None;
            }
        }
        e.used = true;
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some((e.chapter.clone(), e.diags.clone()))
    }

    pub(super) fn put(&self, key: u64, chapter: Option<Chapter>, diags: Vec<Diagnostic>, images: Vec<ImageAsked>) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).insert(key, Entry { chapter, diags, images, used: true });
    }

    /// Drops the chapters the last build did not read.
    pub fn sweep(&self) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).retain(|_, e| std::mem::take(&mut e.used));
    }

    /// How many chapters were taken from the cache so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }
}
