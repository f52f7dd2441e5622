//! Page geometry: the sizes of a PDF profile that layout works with.

/// Page geometry and the sizes derived from book.toml.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub top: f32,
    pub bottom: f32,
    pub inner: f32,
    pub outer: f32,
    pub body: f32,
    pub leading: f32,
    /// Chapters, letters and parts open on rectos.
    pub recto_openings: bool,
    /// Blank pages may be inserted (half-title verso, front matter padding).
    pub blank_pages: bool,
    /// Pad the page count to a multiple of this.
    pub pad_to: usize,
    /// Number every Nth body line (0: none), restarting per chapter or letter.
    pub line_numbers: usize,
    /// Add an "About this edition" page after the contents.
    pub teacher_page: bool,
    /// Print paragraph numbers in the outer margin.
    pub paragraph_numbers: bool,
}

impl Geometry {
    pub fn measure(&self) -> f32 {
        self.width - self.inner - self.outer
    }
    pub(crate) fn block_height(&self) -> f32 {
        self.height - self.top - self.bottom
    }
    /// Left edge of the text block; page index 0 is a recto (right-hand page).
    pub(crate) fn left(&self, page: usize) -> f32 {
        if page.is_multiple_of(2) { self.inner } else { self.outer }
    }
}
