//! 数据恢复凭证: one A4 page for the 档案柜 — whose key it is, the recovery code in groups large
//! enough to type back and as a QR code, the 凭证编号 that tells it from a void one, and what
//! to do with it, in words a township's staff and county IT can follow without a manual.

use chrono::NaiveDateTime;
use hall_core::store::RecoverySheet;

use crate::layout::{Align, Sheet, CONTENT_W, FIELD_BG, GREY, MARGIN_X, PAGE_W, RULE};

const BODY: f32 = 11.0;
const CODE: f32 = 17.0;
const QR: f32 = 150.0;
const PER_ROW: usize = 7;

pub fn render(r: &RecoverySheet, printed_at: NaiveDateTime) -> Vec<u8> {
    let mut s = Sheet::new(
        "数据恢复凭证",
        &format!("{} 数据恢复凭证 · 请存放在档案柜，不要拍照或复印", r.hall_name),
        printed_at,
    );
    s.title(&r.hall_name, 14.0);
    s.title("一窗通 数据恢复凭证", 20.0);
    s.gap(6.0);
    s.fields(
        &[
            ("乡镇", format!("{}（{}）", r.township_name, r.township_code)),
            ("打印日期", r.printed_on.clone()),
            ("凭证编号", r.code.fingerprint()),
        ],
        BODY,
        1,
    );
    s.gap(6.0);
    s.para("恢复码", 12.5, true, Align::Left);
    s.gap(2.0);
    // The code in two rows of seven groups, on a tinted band, monospaced by placing each group
    // in a slot of its own so that no group breaks across a line.
    let groups = r.code.groups();
    let rows = groups.len().div_ceil(PER_ROW);
    let lh = Sheet::line_height(CODE);
    let band = rows as f32 * lh + 12.0;
    let top = s.y;
    s.fill(MARGIN_X, top, CONTENT_W, band, FIELD_BG);
    let slot = CONTENT_W / PER_ROW as f32;
    for (i, g) in groups.iter().enumerate() {
        let (row, col) = (i / PER_ROW, i % PER_ROW);
        let x = MARGIN_X + col as f32 * slot;
        s.text_in((x, slot), top + 6.0 + row as f32 * lh, g, CODE, true, Align::Center);
    }
    s.y = top + band + 8.0;
    let qr_top = s.y;
    s.qr(&r.code.text(), (PAGE_W - QR) / 2.0, qr_top, QR);
    s.y = qr_top + QR + 2.0;
    s.text_in((MARGIN_X, CONTENT_W), s.y, "扫描二维码即得同一恢复码", 9.0, false, Align::Center);
    s.gap(Sheet::line_height(9.0) + 8.0);
    s.hline(MARGIN_X, MARGIN_X + CONTENT_W, s.y, 0.6, RULE);
    s.gap(6.0);
    s.para("这张凭证有什么用", 12.5, true, Align::Left);
    s.body(
        "本大厅的数据（办件、群众信息、事件记录）在电脑上是加密保存的，密钥只在本机。电脑损坏、被盗或硬盘坏了，只要有这张凭证上的恢复码和任意一份备份（本机 backups 目录或异地备份目录里的 hall-日期.db 文件），就能在任何一台电脑上把大厅完整恢复。没有恢复码，备份打不开。",
        BODY,
    );
    s.para("怎样恢复", 12.5, true, Align::Left);
    for (i, step) in [
        "在新电脑上安装一窗通，打开后选择“从备份恢复”（或由县信息中心执行：hallctl restore 备份文件 --recovery-code 恢复码）。",
        "选择最近的一份备份文件，输入上面的恢复码（大小写不限，可不输入短横线），或扫描二维码。",
        "恢复后用原来的账号登录，在“系统管理 → 县级平台”中重新输入接入令牌，即可照常办件。",
    ]
    .iter()
    .enumerate()
    {
        s.para(&format!("{}．{step}", i + 1), BODY, false, Align::Left);
    }
    s.para("保管要求", 12.5, true, Align::Left);
    s.body(
        "请把凭证装入信封封好，注明“数据恢复凭证”，存放在档案柜，由中心负责人保管；不要拍照、复印或放在电脑旁。更换密钥后（系统管理 → 数据安全），这张凭证即作废，请打印新凭证替换；凭证编号与“数据安全”页显示的不同，即是作废的凭证。与县级平台联网后，县信息中心另存有加密的副本，本中心遗失凭证时可向县信息中心申请取回。",
        BODY,
    );
    s.gap(4.0);
    let y = s.y;
    s.text_at(MARGIN_X, y, &format!("凭证编号 {} · 打印于 {}", r.code.fingerprint(), r.printed_on), 9.0, false, GREY);
    s.finish()
}
