//! What layout takes from a PDF profile: the page, the body type and the furniture (the PDF's
//! own options stay with the PDF writer).

use crate::config::{Furniture, PageGeometry, PdfProfile, TypeSpec};

#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub page: PageGeometry,
    pub text: TypeSpec,
    pub furniture: Furniture,
}

impl From<&PdfProfile> for Geometry {
    fn from(p: &PdfProfile) -> Geometry {
        Geometry { page: p.page, text: p.text, furniture: p.furniture }
    }
}

impl Geometry {
    /// Width of the text block.
    pub fn measure(&self) -> f32 {
        self.page.width - self.page.inner - self.page.outer
    }
    pub(crate) fn block_height(&self) -> f32 {
        self.page.height - self.page.top - self.page.bottom
    }
    /// Left edge of the text block; page index 0 is a recto (right-hand page).
    pub(crate) fn left(&self, page: usize) -> f32 {
        if page.is_multiple_of(2) { self.page.inner } else { self.page.outer }
    }
}
