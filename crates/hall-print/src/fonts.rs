//! The two faces every document is set in, built into the program so a hall prints offline
//! with nothing installed: Noto Sans CJK SC Regular (whole, for rare characters in names) and
//! Bold cut to GB 2312 (headings; a character it lacks falls back to Regular).

use std::sync::OnceLock;

use printpdf::{ParsedFont, PdfFontParseWarning};

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/NotoSansCJKsc-Regular.otf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/NotoSansCJKsc-Bold-GB2312.otf");

pub struct Face {
    pub font: ParsedFont,
    units_per_em: f32,
}

impl Face {
    fn parse(bytes: &[u8], name: &str) -> Face {
        let mut warnings: Vec<PdfFontParseWarning> = Vec::new();
        let font = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .unwrap_or_else(|| panic!("the built-in font {name} does not parse"));
        let units_per_em = font.font_metrics.units_per_em.max(1) as f32;
        Face { font, units_per_em }
    }

    pub fn has(&self, c: char) -> bool {
        self.font.lookup_glyph_index(c as u32).is_some_and(|g| g != 0)
    }

    /// Advance of `c` at `size` pt, or `None` when the face has no glyph for it.
    fn advance(&self, c: char, size: f32) -> Option<f32> {
        let g = self.font.lookup_glyph_index(c as u32).filter(|g| *g != 0)?;
        Some(self.font.get_horizontal_advance(g) as f32 / self.units_per_em * size)
    }
}

pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

static FONTS: OnceLock<Fonts> = OnceLock::new();

/// The faces, parsed once per process.
pub fn fonts() -> &'static Fonts {
    FONTS.get_or_init(|| Fonts { regular: Face::parse(REGULAR, "Regular"), bold: Face::parse(BOLD, "Bold") })
}

impl Fonts {
    /// Whether a bold run can be set in Bold; otherwise it is set in Regular.
    pub fn bold_covers(&self, s: &str) -> bool {
        s.chars().all(|c| c.is_whitespace() || self.bold.has(c))
    }

    /// Width of one character as it will be set; a character no face has prints as the
    /// replacement box, one em wide.
    pub fn char_width(&self, c: char, size: f32, bold: bool) -> f32 {
        let face = if bold && self.bold.has(c) { &self.bold } else { &self.regular };
        face.advance(c, size).or_else(|| self.regular.advance(c, size)).unwrap_or(size)
    }

    pub fn width(&self, s: &str, size: f32, bold: bool) -> f32 {
        let bold = bold && self.bold_covers(s);
        s.chars().map(|c| self.char_width(c, size, bold)).sum()
    }
}
