//! Layout: paragraphs → lines (Knuth–Plass) → pages of positioned glyphs.

pub mod linebreak;
