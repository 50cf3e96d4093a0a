//! The public wall lists: 事项公示 of the catalog in force and the 权力清单 / 责任清单 / 职责清单,
//! each grouped by category. The table itself — rows, headings, lead — is the one the township's
//! web page shows ([`hall_core::publish::table`]); this lays it out on A4.

use hall_core::publish::{PublicList, PublicTable};
use hall_core::store::HallLetterhead;

use crate::layout::{col, Align, Column, Sheet};

const SMALL: f32 = 8.5;

/// Column widths and alignment, in the order of the table's columns.
/// The catalog has seven columns (seed 004: the basis and the fee's basis are shown too), so its
/// text is a little smaller.
const CATALOG_LAYOUT: [(f32, Align); 7] = [
    (0.05, Align::Center),
    (0.25, Align::Left),
    (0.07, Align::Center),
    (0.07, Align::Center),
    (0.12, Align::Left),
    (0.15, Align::Left),
    (0.29, Align::Left),
];
const CATALOG_SIZE: f32 = 8.0;
const DUTY_LAYOUT: [(f32, Align); 6] = [
    (0.06, Align::Center),
    (0.2, Align::Left),
    (0.22, Align::Left),
    (0.12, Align::Center),
    (0.2, Align::Left),
    (0.2, Align::Left),
];

pub fn render(t: &PublicTable) -> Vec<u8> {
    let mut s = masthead(&t.hall, &t.title, &t.lead);
    let (layout, size): (&[(f32, Align)], f32) =
        if t.list == PublicList::Service { (&CATALOG_LAYOUT, CATALOG_SIZE) } else { (&DUTY_LAYOUT, SMALL) };
    let cols: Vec<Column> =
        t.columns.iter().zip(layout).map(|(title, &(share, align))| col(title, share, align)).collect();
    for section in &t.sections {
        s.heading(&section.heading);
        s.table(&cols, &section.rows, size);
    }
    footer(&mut s, &t.hall);
    s.finish()
}

fn masthead(h: &HallLetterhead, title: &str, lead: &str) -> Sheet {
    let mut s = Sheet::new(title, &format!("{} · {title}", h.hall_name), h.printed_at);
    s.para(&h.hall_name, 13.0, false, Align::Center);
    s.title(title, 20.0);
    s.para(lead, 10.0, false, Align::Center);
    s.gap(6.0);
    s
}

fn footer(s: &mut Sheet, h: &HallLetterhead) {
    let contact = [
        (!h.address.is_empty()).then(|| format!("地址：{}", h.address)),
        (!h.phone.is_empty()).then(|| format!("咨询电话：{}", h.phone)),
    ];
    let contact: Vec<String> = contact.into_iter().flatten().collect();
    if !contact.is_empty() {
        s.para(&contact.join("　"), 10.0, false, Align::Left);
    }
}
