//! What every printing test shares: a demo hall on a pinned clock, and a PDF read back with
//! poppler's `pdftotext` (text and word boxes) with the checks every paper must pass.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use chrono::NaiveDateTime;
use hall_core::intake::IntakeRequest;
use hall_core::Store;
pub const PAGE_W: f64 = 595.28;

pub const PAGE_H: f64 = 841.89;

pub struct Word {
    pub page: usize,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

pub struct Pdf {
    pub text: String,
    pub words: Vec<Word>,
    pub pages: usize,
}

pub fn attr(tag: &str, name: &str) -> f64 {
    let at = tag.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("{name} in {tag}")) + name.len() + 2;
    tag[at..].split('"').next().unwrap().parse().unwrap()
}

/// Reads a PDF back the way a person's tools would.
pub fn read(pdf: &[u8], dir: &Path, name: &str) -> Pdf {
    assert!(pdf.starts_with(b"%PDF-"), "{name} is not a PDF");
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    // Kept for a person to look at (test-artifacts/ is not committed).
    let keep = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts/print");
    if std::fs::create_dir_all(&keep).is_ok() {
        let _ = std::fs::write(keep.join(format!("{name}.pdf")), pdf);
    }
    let run = |args: &[&str]| {
        let out = Command::new(args[0]).args(&args[1..]).output().expect("poppler-utils (pdftotext) is installed");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let p = path.to_str().unwrap();
    let text = run(&["pdftotext", "-layout", p, "-"]);
    let bbox = run(&["pdftotext", "-bbox", p, "-"]);
    let mut words = Vec::new();
    let mut page = 0;
    for line in bbox.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            page += 1;
            assert!((attr(line, "width") - PAGE_W).abs() < 1.0 && (attr(line, "height") - PAGE_H).abs() < 1.0, "A4");
        } else if let Some(rest) = line.strip_prefix("<word ") {
            let text = rest.split('>').nth(1).unwrap_or("").split('<').next().unwrap_or("").to_string();
            words.push(Word {
                page,
                x0: attr(line, "xMin"),
                y0: attr(line, "yMin"),
                x1: attr(line, "xMax"),
                y1: attr(line, "yMax"),
                text,
            });
        }
    }
    Pdf { text, words, pages: page }
}

/// Every word inside the printable area (50 pt side margins) and no two words overlapping.
pub fn assert_laid_out(p: &Pdf, name: &str) {
    for w in &p.words {
        assert!(
            w.x0 >= 49.0 && w.x1 <= PAGE_W - 49.0 && w.y0 >= 20.0 && w.y1 <= PAGE_H - 20.0,
            "{name} p{}: “{}” outside the page area ({:.1},{:.1})–({:.1},{:.1})",
            w.page,
            w.text,
            w.x0,
            w.y0,
            w.x1,
            w.y1
        );
    }
    for (i, a) in p.words.iter().enumerate() {
        for b in p.words[i + 1..].iter().filter(|b| b.page == a.page) {
            let dx = a.x1.min(b.x1) - a.x0.max(b.x0);
            let dy = a.y1.min(b.y1) - a.y0.max(b.y0);
            assert!(dx <= 0.5 || dy <= 0.5, "{name} p{}: “{}” overlaps “{}”", a.page, a.text, b.text);
        }
    }
}

pub fn squeeze(s: &str) -> String {
    s.split_whitespace().collect()
}

pub fn contains(p: &Pdf, needle: &str) -> bool {
    squeeze(&p.text).contains(&squeeze(needle))
}

pub fn assert_has(p: &Pdf, name: &str, needles: &[&str]) {
    for n in needles {
        assert!(contains(p, n), "{name} lacks “{n}”:\n{}", p.text);
    }
}

/// A valid GB 11643 number from its first 17 digits.
pub fn resident_id(base: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = base.chars().zip(W).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
    format!("{base}{}", ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize])
}

pub fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

pub fn hall() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("hall.db")).unwrap();
    s.set_now(Some(at("2026-11-20 17:30")));
    hall_core::demo::load_demo(&mut s, 30, 12).unwrap();
    (dir, s)
}

pub fn intake(s: &mut Store, doc: serde_json::Value) -> String {
    let req: IntakeRequest = serde_json::from_value(doc).unwrap();
    let clerk = s.user("clerk1").unwrap();
    s.intake(&req, &clerk).unwrap().summary.number
}
