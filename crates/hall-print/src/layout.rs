//! A small page-flow engine for A4 hall paper: text wrapped to measured widths (CJK breaks
//! anywhere, Latin words and numbers stay whole, closing punctuation never starts a line),
//! tables whose header repeats on every page, fields, signature lines, a QR code, bar charts,
//! and "第 n 页 共 m 页" on every page. Every box placed is kept inside the printable area —
//! a cell too long for a page is cut with “…” rather than run off the paper.

use chrono::NaiveDateTime;
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Polygon, PolygonRing, Pt, Rgb, TextItem, WindingOrder,
};

use crate::fonts::{fonts, Fonts};

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN_X: f32 = 50.0;
pub const MARGIN_TOP: f32 = 48.0;
/// Room below the content for the page footer.
pub const MARGIN_BOTTOM: f32 = 56.0;
pub const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const LINE: f32 = 1.45;
const CELL_PAD: f32 = 4.0;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

pub fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::Rgb(Rgb { r: r as f32 / 255.0, g: g as f32 / 255.0, b: b as f32 / 255.0, icc_profile: None })
}

pub const BLACK: (u8, u8, u8) = (0, 0, 0);
pub const GREY: (u8, u8, u8) = (96, 96, 96);
pub const RULE: (u8, u8, u8) = (120, 120, 120);
pub const HEAD_BG: (u8, u8, u8) = (226, 232, 240);
pub const FIELD_BG: (u8, u8, u8) = (243, 245, 248);
pub const SERIES: [(u8, u8, u8); 3] = [(64, 116, 196), (230, 140, 40), (80, 160, 90)];

#[derive(Clone)]
pub struct Column {
    pub title: String,
    /// Share of the table's width.
    pub share: f32,
    pub align: Align,
}

pub fn col(title: &str, share: f32, align: Align) -> Column {
    Column { title: title.to_string(), share, align }
}

/// Characters that may not begin a line (they stay with the character before them).
fn no_line_start(c: char) -> bool {
    "，。、；：？！）》」』”’％%,.;:?!)]}…—·".contains(c)
}

/// Wraps `s` into lines no wider than `width`. Paragraph breaks (`\n`) are kept.
pub fn wrap(f: &Fonts, s: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
    let bold = bold && f.bold_covers(s);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        // Tokens: a run of Latin letters/digits stays whole; anything else is one character.
        let latin = |c: char| c.is_ascii_alphanumeric() || "-_./@:*".contains(c);
        let mut tokens: Vec<String> = Vec::new();
        for c in para.chars() {
            match tokens.last_mut() {
                Some(t) if latin(c) && t.chars().all(latin) => t.push(c),
                _ => tokens.push(c.to_string()),
            }
        }
        let mut line: Vec<String> = Vec::new();
        let mut w = 0.0;
        for tok in tokens {
            let tw = f.width(&tok, size, bold);
            if w + tw > width && !line.is_empty() {
                // Closing punctuation goes down with the character before it (and so does a run
                // of it: “需），” moves whole).
                let mut carry = Vec::new();
                if tok.chars().next().is_some_and(no_line_start) {
                    while line.len() > 1 {
                        let t = line.pop().unwrap_or_default();
                        let closing = t.chars().next().is_some_and(no_line_start);
                        carry.insert(0, t);
                        if !closing {
                            break;
                        }
                    }
                }
                lines.push(line.concat().trim_end().to_string());
                line = carry;
                w = line.iter().map(|t| f.width(t, size, bold)).sum();
                if tok.trim().is_empty() && line.is_empty() {
                    continue;
                }
            }
            if tw > width {
                // A token wider than the line (a long number): break it by character.
                for c in tok.chars() {
                    let cw = f.char_width(c, size, bold);
                    if w + cw > width && !line.is_empty() {
                        lines.push(line.concat());
                        line.clear();
                        w = 0.0;
                    }
                    line.push(c.to_string());
                    w += cw;
                }
                continue;
            }
            line.push(tok);
            w += tw;
        }
        lines.push(line.concat().trim_end().to_string());
    }
    lines
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RowKind {
    Head,
    Body,
    /// Label–value pairs: the label cells (even columns) shaded and bold.
    Fields,
}

impl RowKind {
    fn bold_at(self, column: usize) -> bool {
        self == RowKind::Head || (self == RowKind::Fields && column.is_multiple_of(2))
    }
}

/// A table's header, kept to repeat at the top of each new page.
#[derive(Clone)]
struct Head {
    cols: Vec<Column>,
    size: f32,
}

/// The graphics state already set on the current page, so a table of 500 rows does not
/// repeat the same colour, line width and font for every cell.
#[derive(Default)]
struct Pen {
    fill: Option<(u8, u8, u8)>,
    outline: Option<((u8, u8, u8), f32)>,
    font: Option<(bool, f32)>,
    /// The table rows drawn since the last break: their column rules are drawn once, from the
    /// first row's top to the last row's bottom.
    grid: Option<Grid>,
}

struct Grid {
    xs: Vec<f32>,
    top: f32,
    bottom: f32,
}

/// Coordinates to a hundredth of a point: finer than any printer, shorter in the file.
fn r2(v: f32) -> Pt {
    Pt((v * 100.0).round() / 100.0)
}

/// A document being laid out.
pub struct Sheet {
    doc: PdfDocument,
    regular: FontId,
    bold: FontId,
    f: &'static Fonts,
    pages: Vec<Vec<Op>>,
    /// Distance from the top of the page to the cursor, in pt.
    pub y: f32,
    footer: String,
    /// 打印于 …, from the hall's clock (the caller's `Store::now`), so a pinned clock prints too.
    printed: String,
    repeat: Option<Head>,
    pen: Pen,
    /// A heading waiting to be set on the same page as what follows it.
    heading: Option<String>,
}

impl Sheet {
    /// A new document; `footer` is printed at the foot of every page with the page numbers and
    /// the time it was printed, `printed_at` (the hall's clock, never the machine's).
    pub fn new(title: &str, footer: &str, printed_at: NaiveDateTime) -> Sheet {
        let f = fonts();
        let mut doc = PdfDocument::new(title);
        let regular = doc.add_font(&f.regular.font);
        let bold = doc.add_font(&f.bold.font);
        Sheet {
            doc,
            regular,
            bold,
            f,
            pages: vec![Vec::new()],
            y: MARGIN_TOP,
            footer: footer.to_string(),
            printed: format!("打印于 {}", printed_at.format("%Y-%m-%d %H:%M")),
            repeat: None,
            pen: Pen::default(),
            heading: None,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a sheet always has a page")
    }

    pub fn bottom(&self) -> f32 {
        PAGE_H - MARGIN_BOTTOM
    }

    pub fn new_page(&mut self) {
        self.close_grid();
        self.pages.push(Vec::new());
        self.pen = Pen::default();
        self.y = MARGIN_TOP;
        if let Some(head) = self.repeat.clone() {
            self.head_row(&head);
        }
    }

    /// Starts a new page unless `h` more points fit on this one.
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom() && self.y > MARGIN_TOP + 1.0 {
            self.new_page();
        }
    }

    pub fn gap(&mut self, h: f32) {
        self.y = (self.y + h).min(self.bottom());
    }

    pub fn line_height(size: f32) -> f32 {
        size * LINE
    }

    pub fn width(&self, s: &str, size: f32, bold: bool) -> f32 {
        self.f.width(s, size, bold)
    }

    pub fn wrap(&self, s: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
        wrap(self.f, s, width, size, bold)
    }

    /// One line of text with its line box's top at `top` (from the page top).
    pub fn text_at(&mut self, x: f32, top: f32, s: &str, size: f32, bold: bool, color: (u8, u8, u8)) {
        if s.is_empty() {
            return;
        }
        let bold = bold && self.f.bold_covers(s);
        let font = if bold { self.bold.clone() } else { self.regular.clone() };
        let lh = Self::line_height(size);
        let baseline = top + (lh - size) / 2.0 + size * 0.88;
        self.set_fill(color);
        let same_font = self.pen.font == Some((bold, size));
        self.pen.font = Some((bold, size));
        let ops = self.ops();
        ops.push(Op::StartTextSection);
        // The font is text state: it carries over from one text section to the next.
        if !same_font {
            ops.push(Op::SetFont { font: PdfFontHandle::External(font), size: Pt(size) });
        }
        ops.push(Op::SetTextCursor { pos: Point { x: r2(x), y: r2(PAGE_H - baseline) } });
        ops.push(Op::ShowText { items: vec![TextItem::Text(s.to_string())] });
        ops.push(Op::EndTextSection);
    }

    /// A line aligned within `[x, x + w]`.
    pub fn text_in(&mut self, (x, w): (f32, f32), top: f32, s: &str, size: f32, bold: bool, align: Align) {
        let tw = self.width(s, size, bold);
        let x = match align {
            Align::Left => x,
            Align::Center => x + (w - tw).max(0.0) / 2.0,
            Align::Right => x + (w - tw).max(0.0),
        };
        self.text_at(x, top, s, size, bold, BLACK);
    }

    /// Wrapped text across the content width, flowing onto new pages.
    pub fn para(&mut self, s: &str, size: f32, bold: bool, align: Align) {
        self.para_in(MARGIN_X, CONTENT_W, s, size, bold, align);
    }

    pub fn para_in(&mut self, x: f32, w: f32, s: &str, size: f32, bold: bool, align: Align) {
        let lh = Self::line_height(size);
        self.flush(lh);
        for line in self.wrap(s, w, size, bold) {
            self.ensure(lh);
            let top = self.y;
            self.text_in((x, w), top, &line, size, bold, align);
            self.y += lh;
        }
    }

    /// A paragraph whose first line is indented two characters, as Chinese documents are set.
    pub fn body(&mut self, s: &str, size: f32) {
        self.para(&format!("\u{3000}\u{3000}{s}"), size, false, Align::Left);
    }

    pub fn title(&mut self, s: &str, size: f32) {
        self.para(s, size, true, Align::Center);
    }

    /// A section heading; it is set when the next block is, on the same page as that block's
    /// start.
    pub fn heading(&mut self, s: &str) {
        self.flush(0.0);
        self.heading = Some(s.to_string());
    }

    /// Makes room for `next` points (moving to a new page if need be), setting the waiting
    /// heading first.
    fn flush(&mut self, next: f32) {
        match self.heading.take() {
            Some(h) => {
                let lines = self.wrap(&h, CONTENT_W, 12.5, true);
                self.ensure(lines.len() as f32 * Self::line_height(12.5) + 6.0 + next);
                self.gap(4.0);
                for l in lines {
                    let top = self.y;
                    self.text_in((MARGIN_X, CONTENT_W), top, &l, 12.5, true, Align::Left);
                    self.y += Self::line_height(12.5);
                }
                self.gap(2.0);
            }
            None => self.ensure(next),
        }
    }

    pub fn hline(&mut self, x0: f32, x1: f32, y: f32, width: f32, color: (u8, u8, u8)) {
        let pts = [(x0, y), (x1, y)];
        self.stroke(&pts, width, color);
    }

    fn stroke(&mut self, pts: &[(f32, f32)], width: f32, color: (u8, u8, u8)) {
        let line = Line {
            points: pts
                .iter()
                .map(|(x, y)| LinePoint { p: Point { x: r2(*x), y: r2(PAGE_H - y) }, bezier: false })
                .collect(),
            is_closed: false,
        };
        if self.pen.outline != Some((color, width)) {
            self.pen.outline = Some((color, width));
            let ops = self.ops();
            ops.push(Op::SetOutlineColor { col: rgb(color.0, color.1, color.2) });
            ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        }
        self.ops().push(Op::DrawLine { line });
    }

    fn set_fill(&mut self, color: (u8, u8, u8)) {
        if self.pen.fill != Some(color) {
            self.pen.fill = Some(color);
            self.ops().push(Op::SetFillColor { col: rgb(color.0, color.1, color.2) });
        }
    }

    /// A filled rectangle; `top` from the page top.
    pub fn fill(&mut self, x: f32, top: f32, w: f32, h: f32, color: (u8, u8, u8)) {
        let (l, r, t, b) = (x, x + w, PAGE_H - top, PAGE_H - top - h);
        let ring = PolygonRing {
            points: [(l, b), (r, b), (r, t), (l, t)]
                .iter()
                .map(|(x, y)| LinePoint { p: Point { x: r2(*x), y: r2(*y) }, bezier: false })
                .collect(),
        };
        self.set_fill(color);
        self.ops().push(Op::DrawPolygon {
            polygon: Polygon { rings: vec![ring], mode: PaintMode::Fill, winding_order: WindingOrder::NonZero },
        });
    }

    /// Lines of one cell, cut with “…” so that the row still fits on one page.
    fn cell_lines(&self, s: &str, w: f32, size: f32, bold: bool) -> Vec<String> {
        let mut lines = self.wrap(s, w - 2.0 * CELL_PAD, size, bold);
        let max = ((self.bottom() - MARGIN_TOP - 60.0) / Self::line_height(size)).floor() as usize;
        if lines.len() > max {
            lines.truncate(max);
            if let Some(last) = lines.last_mut() {
                while !last.is_empty() && self.width(&format!("{last}…"), size, bold) > w - 2.0 * CELL_PAD {
                    last.pop();
                }
                last.push('…');
            }
        }
        lines
    }

    /// One row of cells with borders; moves the cursor below it (onto a new page first when
    /// it does not fit).
    /// The wrapped lines of each cell and the row's height.
    fn measure_row(&self, cols: &[Column], cells: &[String], size: f32, kind: RowKind) -> (Vec<Vec<String>>, f32) {
        let lines: Vec<Vec<String>> = cells
            .iter()
            .zip(cols)
            .enumerate()
            .map(|(i, (s, c))| self.cell_lines(s, c.share * CONTENT_W, size, kind.bold_at(i)))
            .collect();
        let n = lines.iter().map(|l| l.len()).max().unwrap_or(1).max(1);
        (lines, n as f32 * Self::line_height(size) + 2.0 * CELL_PAD)
    }

    fn row(&mut self, cols: &[Column], cells: &[String], size: f32, kind: RowKind) {
        let widths: Vec<f32> = cols.iter().map(|c| c.share * CONTENT_W).collect();
        let bold_at = |i: usize| kind.bold_at(i);
        let lh = Self::line_height(size);
        let (lines, h) = self.measure_row(cols, cells, size, kind);
        if self.y + h > self.bottom() {
            self.new_page();
        }
        let top = self.y;
        let mut x = MARGIN_X;
        for (i, ((col, w), cell)) in cols.iter().zip(&widths).zip(&lines).enumerate() {
            match kind {
                RowKind::Head => self.fill(x, top, *w, h, HEAD_BG),
                RowKind::Fields if i.is_multiple_of(2) => self.fill(x, top, *w, h, FIELD_BG),
                _ => {}
            }
            for (n, l) in cell.iter().enumerate() {
                let line_top = top + CELL_PAD + n as f32 * lh;
                self.text_in((x + CELL_PAD, w - 2.0 * CELL_PAD), line_top, l, size, bold_at(i), col.align);
            }
            x += w;
        }
        // Rules: the top one unless the row above drew it, the bottom one; the column rules
        // when the run of rows ends.
        let xs: Vec<f32> = std::iter::once(MARGIN_X)
            .chain(widths.iter().scan(MARGIN_X, |x, w| {
                *x += w;
                Some(*x)
            }))
            .collect();
        match &mut self.pen.grid {
            Some(g) if g.xs == xs && g.bottom == top => g.bottom = top + h,
            _ => {
                self.close_grid();
                self.hline(MARGIN_X, MARGIN_X + CONTENT_W, top, 0.6, RULE);
                self.pen.grid = Some(Grid { xs, top, bottom: top + h });
            }
        }
        self.hline(MARGIN_X, MARGIN_X + CONTENT_W, top + h, 0.6, RULE);
        self.y = top + h;
    }

    fn close_grid(&mut self) {
        if let Some(g) = self.pen.grid.take() {
            for x in &g.xs {
                self.stroke(&[(*x, g.top), (*x, g.bottom)], 0.6, RULE);
            }
        }
    }

    fn head_row(&mut self, head: &Head) {
        let titles: Vec<String> = head.cols.iter().map(|c| c.title.clone()).collect();
        let cols: Vec<Column> = head.cols.iter().map(|c| Column { align: Align::Center, ..c.clone() }).collect();
        self.row(&cols, &titles, head.size, RowKind::Head);
    }

    /// A table; its header row repeats at the top of every page it runs onto.
    pub fn table(&mut self, cols: &[Column], rows: &[Vec<String>], size: f32) {
        let head = Head { cols: cols.to_vec(), size };
        // The header and the first row start on the same page (with the heading, if any).
        let titles: Vec<String> = cols.iter().map(|c| c.title.clone()).collect();
        let first = rows.first().map(|r| self.measure_row(cols, r, size, RowKind::Body).1).unwrap_or(0.0);
        self.flush(self.measure_row(cols, &titles, size, RowKind::Head).1 + first);
        self.head_row(&head);
        self.repeat = Some(head);
        for r in rows {
            self.row(cols, r, size, RowKind::Body);
        }
        self.repeat = None;
        self.close_grid();
        self.gap(6.0);
    }

    /// Label–value pairs, `per_row` to a row, in a bordered grid.
    pub fn fields(&mut self, pairs: &[(&str, String)], size: f32, per_row: usize) {
        let share = 1.0 / per_row as f32;
        let mut cols = Vec::new();
        for _ in 0..per_row {
            cols.push(col("", share * 0.3, Align::Left));
            cols.push(col("", share * 0.7, Align::Left));
        }
        let rows: Vec<Vec<String>> = pairs
            .chunks(per_row)
            .map(|chunk| {
                let mut cells: Vec<String> = chunk.iter().flat_map(|(k, v)| [k.to_string(), v.clone()]).collect();
                cells.resize(cols.len(), String::new());
                cells
            })
            .collect();
        let first = rows.first().map(|r| self.measure_row(&cols, r, size, RowKind::Fields).1).unwrap_or(0.0);
        self.flush(first);
        for cells in &rows {
            self.row(&cols, cells, size, RowKind::Fields);
        }
        self.close_grid();
        self.gap(6.0);
    }

    /// Signature lines: each label followed by a rule to write on, spread across one line.
    pub fn signatures(&mut self, labels: &[&str], size: f32) {
        let lh = Self::line_height(size) + 14.0;
        self.flush(lh);
        let slot = CONTENT_W / labels.len() as f32;
        let top = self.y + 14.0;
        for (i, l) in labels.iter().enumerate() {
            let x = MARGIN_X + i as f32 * slot;
            let label = format!("{l}：");
            let lw = self.width(&label, size, false);
            self.text_at(x, top, &label, size, false, BLACK);
            let base = top + Self::line_height(size) - 2.0;
            self.hline(x + lw + 2.0, x + slot - 12.0, base, 0.6, BLACK);
        }
        self.y = top + Self::line_height(size);
        self.gap(4.0);
    }

    /// The case number as a QR code, `size` pt square, with its top-left at (x, top).
    pub fn qr(&mut self, data: &str, x: f32, top: f32, size: f32) {
        let Ok(code) = qrcode::QrCode::new(data.as_bytes()) else { return };
        let n = code.width();
        let quiet = 2;
        let cell = size / (n + 2 * quiet) as f32;
        let colors = code.to_colors();
        for r in 0..n {
            let mut c = 0;
            while c < n {
                if colors[r * n + c] == qrcode::Color::Dark {
                    let start = c;
                    while c < n && colors[r * n + c] == qrcode::Color::Dark {
                        c += 1;
                    }
                    let (cx, cy) = (x + (start + quiet) as f32 * cell, top + (r + quiet) as f32 * cell);
                    // A hair wider than the module so neighbouring runs leave no seam.
                    self.fill(cx, cy, (c - start) as f32 * cell + 0.05, cell + 0.05, BLACK);
                } else {
                    c += 1;
                }
            }
        }
    }

    /// A vertical bar chart: one group per label, one bar per series, a legend and a y-axis
    /// with round steps. Labels are thinned when there are too many to print.
    pub fn bar_chart(&mut self, title: &str, labels: &[String], series: &[(&str, Vec<f64>)], height: f32) {
        let size = 8.0;
        let lh = Self::line_height(size);
        self.flush(height + Self::line_height(11.0) + 2.0 * lh + 10.0);
        self.para(title, 11.0, true, Align::Left);
        // Legend.
        let mut lx = MARGIN_X;
        let ly = self.y;
        for (i, (name, _)) in series.iter().enumerate() {
            let c = SERIES[i % SERIES.len()];
            self.fill(lx, ly + 3.0, 9.0, 7.0, c);
            self.text_at(lx + 12.0, ly, name, size, false, BLACK);
            lx += 12.0 + self.width(name, size, false) + 14.0;
        }
        self.y += lh + 2.0;
        let max = series.iter().flat_map(|(_, v)| v.iter().copied()).fold(0.0_f64, f64::max);
        let step = nice_step(max);
        let top_value = (max / step).ceil().max(1.0) * step;
        let axis_w = 30.0;
        let (x0, x1) = (MARGIN_X + axis_w, MARGIN_X + CONTENT_W);
        let (top, base) = (self.y + 4.0, self.y + height);
        let mut v = 0.0;
        while v <= top_value + 1e-9 {
            let y = base - (v / top_value) as f32 * (base - top);
            self.hline(x0, x1, y, if v == 0.0 { 0.8 } else { 0.3 }, if v == 0.0 { BLACK } else { (200, 200, 200) });
            let label = fmt_num(v);
            let w = self.width(&label, size, false);
            self.text_at(x0 - 4.0 - w, y - lh / 2.0, &label, size, false, GREY);
            v += step;
        }
        let groups = labels.len().max(1);
        let slot = (x1 - x0) / groups as f32;
        let bar = (slot * 0.8 / series.len().max(1) as f32).min(18.0);
        let widest = labels.iter().map(|l| self.width(l, size, false)).fold(0.0, f32::max) + 4.0;
        let every = ((widest / slot).ceil() as usize).max(1);
        for (g, label) in labels.iter().enumerate() {
            let gx = x0 + g as f32 * slot + (slot - bar * series.len() as f32) / 2.0;
            for (s, (_, values)) in series.iter().enumerate() {
                let value = values.get(g).copied().unwrap_or(0.0);
                let h = (value / top_value) as f32 * (base - top);
                if h > 0.0 {
                    self.fill(gx + s as f32 * bar, base - h, bar, h, SERIES[s % SERIES.len()]);
                }
            }
            if g % every == 0 {
                let w = self.width(label, size, false);
                let cx = x0 + g as f32 * slot + slot / 2.0;
                let left = (cx - w / 2.0).clamp(x0, x1 - w);
                self.text_at(left, base + 2.0, label, size, false, BLACK);
            }
        }
        self.y = base + lh + 8.0;
    }

    /// A horizontal bar chart for named counts (categories, units): the name, a bar, the number.
    pub fn hbar_chart(&mut self, title: &str, items: &[(String, f64)]) {
        let size = 8.5;
        let lh = Self::line_height(size);
        self.flush(Self::line_height(11.0) + lh * items.len().min(4) as f32);
        self.para(title, 11.0, true, Align::Left);
        let name_w = CONTENT_W * 0.32;
        let bar_x = MARGIN_X + name_w + 6.0;
        let bar_max = CONTENT_W - name_w - 50.0;
        let max = items.iter().map(|i| i.1).fold(0.0_f64, f64::max).max(1.0);
        for (name, value) in items {
            self.ensure(lh);
            let top = self.y;
            let mut shown = name.clone();
            while self.width(&shown, size, false) > name_w && shown.chars().count() > 1 {
                shown.pop();
                shown.pop();
                shown.push('…');
            }
            self.text_in((MARGIN_X, name_w), top, &shown, size, false, Align::Right);
            let w = (*value / max) as f32 * bar_max;
            self.fill(bar_x, top + 2.5, w.max(0.5), lh - 5.0, SERIES[0]);
            self.text_at(bar_x + w + 4.0, top, &fmt_num(*value), size, false, BLACK);
            self.y += lh;
        }
        self.gap(8.0);
    }

    /// Lays out the footers and writes the PDF, fonts subset to the glyphs used.
    pub fn finish(mut self) -> Vec<u8> {
        self.flush(0.0);
        self.close_grid();
        let total = self.pages.len();
        let printed = std::mem::take(&mut self.printed);
        let pages: Vec<Vec<Op>> = std::mem::take(&mut self.pages);
        let mut out = Vec::with_capacity(total);
        for (i, ops) in pages.into_iter().enumerate() {
            self.pages.push(ops);
            self.pen = Pen::default();
            let y = PAGE_H - MARGIN_BOTTOM + 16.0;
            self.hline(MARGIN_X, MARGIN_X + CONTENT_W, y - 4.0, 0.4, (170, 170, 170));
            let footer = self.footer.clone();
            let left_w = CONTENT_W * 0.62;
            let mut shown = footer;
            while self.width(&shown, 8.0, false) > left_w && shown.chars().count() > 1 {
                shown.pop();
            }
            self.text_at(MARGIN_X, y, &shown, 8.0, false, GREY);
            let num = format!("第 {} 页 共 {} 页", i + 1, total);
            let nw = self.width(&num, 8.0, false);
            self.text_at(MARGIN_X + CONTENT_W - nw, y, &num, 8.0, false, GREY);
            let pw = self.width(&printed, 8.0, false);
            self.text_at(MARGIN_X + CONTENT_W - nw - pw - 16.0, y, &printed, 8.0, false, GREY);
            out.push(PdfPage::new(Mm(210.0), Mm(297.0), self.pages.pop().unwrap_or_default()));
        }
        let opts = PdfSaveOptions { subset_fonts: true, ..Default::default() };
        self.doc.with_pages(out).save(&opts, &mut Vec::new())
    }
}

/// A round step (1, 2 or 5 × 10ⁿ) giving about five gridlines up to `max`.
fn nice_step(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    step.max(1.0)
}

pub fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_widths_and_punctuation_rules() {
        let f = fonts();
        let s = "申请人张三于二〇二六年十一月二十日提交的申请材料不齐全，请补齐后再来办理。\
                 编号 231221102-20261120-0001 不可拆开。经营场所租赁合同或产权证明（非必需），复印件 1 份";
        for width in (60..200).step_by(7) {
            let width = width as f32;
            let lines = wrap(f, s, width, 10.0, false);
            for l in &lines {
                assert!(f.width(l, 10.0, false) <= width + 0.01, "{l} too wide for {width}");
                assert!(!l.starts_with(no_line_start), "“{l}” starts with closing punctuation");
            }
            assert_eq!(lines.concat().replace(' ', ""), s.replace(' ', ""));
            if width >= 140.0 {
                assert!(lines.iter().any(|l| l.contains("231221102-20261120-0001")), "the number stays whole");
            }
        }
    }

    #[test]
    fn table_rules_fall_on_the_column_edges() {
        let mut s = Sheet::new("t", "t", chrono::NaiveDateTime::default());
        let rows: Vec<Vec<String>> = (0..60).map(|i| vec![i.to_string(), "内容".repeat(i % 7 + 1)]).collect();
        s.table(&[col("甲", 0.25, Align::Left), col("乙", 0.75, Align::Left)], &rows, 9.0);
        assert!(s.pages.len() >= 2, "60 rows run onto a second page");
        let edges = [MARGIN_X, MARGIN_X + 0.25 * CONTENT_W, MARGIN_X + CONTENT_W];
        for (n, page) in s.pages.iter().enumerate() {
            let mut verticals = 0;
            for op in page {
                if let Op::DrawLine { line } = op {
                    let (a, b) = (&line.points[0].p, &line.points[1].p);
                    if (a.x.0 - b.x.0).abs() < 0.01 {
                        verticals += 1;
                        assert!(edges.iter().any(|e| (e - a.x.0).abs() < 0.02), "page {n}: a rule at x={}", a.x.0);
                        assert!(a.y.0 > MARGIN_BOTTOM - 1.0 && a.y.0 <= PAGE_H - MARGIN_TOP + 0.01);
                    }
                }
            }
            // One rule per column edge for the run of rows on the page.
            assert_eq!(verticals, edges.len(), "page {n}");
        }
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(7.0), 2.0);
        assert_eq!(nice_step(480.0), 100.0);
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(2.25), "2.2");
    }
}
