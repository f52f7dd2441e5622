//! Fonts, shaping and hyphenation.

pub mod fonts;
pub mod shape;
pub mod websubset;
