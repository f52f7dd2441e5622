//! Fonts, shaping and hyphenation.

pub mod coverage;
pub mod fonts;
pub mod highlight;
pub mod hyph;
pub mod shape;
pub mod websubset;
