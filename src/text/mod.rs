//! Fonts, shaping and hyphenation.

pub mod coverage;
pub mod fonts;
pub mod hyph;
pub mod shape;
pub mod websubset;
