//! Validation of what citizens and files hand us. Every failure says in Chinese exactly what is
//! wrong, so the clerk can fix it at the window.

use chrono::{Datelike, NaiveDate};

use crate::error::{HallError, Result};

/// Province-level codes (GB/T 2260) that may open a 居民身份证号.
const PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82, 83, 91,
];

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// Checks a 居民身份证号 per GB 11643 and returns it normalised (trimmed, upper-case X).
/// `today` bounds the birth date.
pub fn resident_id(input: &str, today: NaiveDate) -> Result<String> {
    let s: String = input.trim().to_uppercase();
    let n = s.chars().count();
    if n == 0 {
        return Err(HallError::invalid("身份证号为空"));
    }
    if n == 15 && s.chars().all(|c| c.is_ascii_digit()) {
        return Err(HallError::invalid("这是15位的旧身份证号，已停止使用，请提供18位居民身份证号"));
    }
    if n != 18 {
        return Err(HallError::invalid(format!("身份证号应为18位，输入的是{n}位")));
    }
    let b = s.as_bytes();
    if let Some(pos) = b[..17].iter().position(|c| !c.is_ascii_digit()) {
        // Every byte before `pos` is an ASCII digit, so `pos` is also the character's index.
        let c = s[pos..].chars().next().unwrap_or_default();
        return Err(HallError::invalid(format!("身份证号第{}位{}应为数字{}", pos + 1, quote_char(c), width_hint(c))));
    }
    if !(b[17].is_ascii_digit() || b[17] == b'X') {
        let c = s[17..].chars().next().unwrap_or_default();
        return Err(HallError::invalid(format!("身份证号最后一位{}应为数字或X{}", quote_char(c), width_hint(c))));
    }
    let province = (b[0] - b'0') as u32 * 10 + (b[1] - b'0') as u32;
    if !PROVINCES.contains(&province) {
        return Err(HallError::invalid(format!("身份证号前两位“{}”不是有效的省级行政区划代码", &s[..2])));
    }
    if &s[2..6] == "0000" && province != 71 && province != 81 && province != 82 {
        return Err(HallError::invalid(format!("身份证号第3至6位“{}”不是有效的地区代码", &s[2..6])));
    }
    let birth = &s[6..14];
    let date = NaiveDate::parse_from_str(birth, "%Y%m%d")
        .map_err(|_| HallError::invalid(format!("身份证号中的出生日期“{birth}”不是有效日期")))?;
    if date.year() < 1900 {
        return Err(HallError::invalid(format!("身份证号中的出生日期“{birth}”早于1900年，不合理")));
    }
    if date > today {
        return Err(HallError::invalid(format!("身份证号中的出生日期“{birth}”晚于今天，不合理")));
    }
    let sum: u32 = b[..17].iter().zip(ID_WEIGHTS).map(|(c, w)| (c - b'0') as u32 * w).sum();
    let expected = ID_CHECK[(sum % 11) as usize];
    if b[17] != expected {
        return Err(HallError::invalid(format!(
            "身份证号校验位错误：最后一位应为“{}”，输入的是“{}”，请核对号码是否抄错",
            expected as char, b[17] as char
        )));
    }
    Ok(s)
}

/// The GB 32100 character set: digits and capitals without I, O, Z, S, V.
const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Checks a 统一社会信用代码 per GB 32100 and returns it normalised (upper case).
pub fn credit_code(input: &str) -> Result<String> {
    let s = input.trim().to_uppercase();
    let n = s.chars().count();
    if n == 0 {
        return Err(HallError::invalid("统一社会信用代码为空"));
    }
    if n != 18 {
        return Err(HallError::invalid(format!("统一社会信用代码应为18位，输入的是{n}位")));
    }
    let mut values = Vec::with_capacity(18);
    for (i, c) in s.chars().enumerate() {
        match USCC_CHARS.find(c) {
            Some(v) => values.push(v as u32),
            None => {
                return Err(HallError::invalid(format!(
                    "统一社会信用代码第{}位{}不是允许的字符（只能是数字和除 I、O、Z、S、V 以外的大写字母）{}",
                    i + 1,
                    quote_char(c),
                    width_hint(c)
                )))
            }
        }
    }
    let sum: u32 = values[..17].iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    let expected = USCC_CHARS.as_bytes()[check as usize] as char;
    let last = s.chars().last().unwrap_or_default();
    if last != expected {
        return Err(HallError::invalid(format!(
            "统一社会信用代码校验位错误：最后一位应为“{expected}”，输入的是“{last}”，请核对代码是否抄错"
        )));
    }
    Ok(s)
}

/// A mobile (11 digits starting with 1) or a landline (area code + number, optional dash).
pub fn phone(input: &str) -> Result<String> {
    let s = input.trim();
    if s.is_empty() {
        return Err(HallError::invalid("联系电话为空"));
    }
    let digits: String = s.chars().filter(|c| *c != '-' && *c != ' ').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(HallError::invalid(format!("联系电话“{}”只能包含数字和“-”", text_preview(s))));
    }
    let mobile = digits.len() == 11 && digits.starts_with('1');
    let landline = digits.starts_with('0') && (10..=12).contains(&digits.len());
    if !(mobile || landline) {
        return Err(HallError::invalid(format!(
            "联系电话“{}”不是有效号码：手机号应为1开头的11位数字，固定电话应带区号（如 0451-12345678）",
            text_preview(s)
        )));
    }
    Ok(digits)
}

/// A free-text field: trimmed, no control, bidi-override or zero-width characters, within `max`
/// characters.
pub fn text(field: &str, input: &str, max: usize, required: bool) -> Result<String> {
    let s = input.trim();
    if s.is_empty() {
        return if required { Err(HallError::invalid(format!("{field}不能为空"))) } else { Ok(String::new()) };
    }
    if let Some(c) = s.chars().find(|c| c.is_control() && *c != '\n' && *c != '\t' || is_invisible(*c)) {
        return Err(HallError::invalid(format!("{field}中含有不可见的控制字符（U+{:04X}），请重新输入", c as u32)));
    }
    let n = s.chars().count();
    if n > max {
        return Err(HallError::invalid(format!("{field}过长：最多{max}个字，输入了{n}个字")));
    }
    Ok(s.to_string())
}

/// Bidi overrides and marks (a name that reads backwards), and characters that take no space
/// (a name that looks like another one but is not found by search): zero-width space, word
/// joiner and invisible operators, the byte-order mark, interlinear annotation and tag
/// characters. The zero-width (non-)joiners stay allowed: scripts and emoji need them.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{200B}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// A character as an error message may quote it: visible ones in quotes, control and invisible
/// ones by their code point, so the message itself cannot be reordered or hidden.
fn quote_char(c: char) -> String {
    if c.is_control() || is_invisible(c) {
        format!("（U+{:04X}）", c as u32)
    } else {
        format!("“{c}”")
    }
}

/// A hint for full-width letters and digits (an input method left in full-width mode).
fn width_hint(c: char) -> &'static str {
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        "（全角字符），请切换为半角（英文）输入后重新输入"
    } else {
        ""
    }
}

/// A county hub address, trimmed: `https://`, or `http://` to this computer only (the tests'
/// hubs and fault proxies), so the township's token never crosses the network in clear.
pub fn hub_url(url: &str) -> Result<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Ok(url.to_string());
    }
    let host = lower.strip_prefix("http://").map(|rest| {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_port = authority.rsplit('@').next().unwrap_or_default();
        match host_port.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => host_port.split(':').next().unwrap_or_default(),
        }
    });
    match host {
        Some(h) if h == "localhost" || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()) => {
            Ok(url.to_string())
        }
        _ => Err(HallError::invalid("县级平台地址必须使用 https://（仅本机测试地址可用 http://）")),
    }
}

/// The first characters of a value, for quoting it in an error without echoing a page of text.
pub fn text_preview(s: &str) -> String {
    clip(s, 20)
}

/// `s` with control and invisible characters shown as `U+XXXX`, cut to at most `max`
/// characters as shown (with “…” when cut): for putting text we were handed into a message or
/// a log line.
pub fn clip(s: &str, max: usize) -> String {
    let mut p = String::new();
    let mut shown = 0;
    for c in s.chars() {
        let piece = if c.is_control() || is_invisible(c) { format!("U+{:04X}", c as u32) } else { c.to_string() };
        let n = piece.chars().count();
        if shown + n > max {
            p.push('…');
            break;
        }
        p.push_str(&piece);
        shown += n;
    }
    p
}

/// serde_json's error category in Chinese (its own text stays in the log).
pub fn json_error_zh(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => "读取失败".into(),
        Category::Syntax => "不是有效的 JSON".into(),
        Category::Eof => "文件不完整（提前结束）".into(),
        Category::Data => {
            // serde quotes the offending value, which may be a page long or hold control characters.
            let raw = clip(&e.to_string(), 200);
            let field = raw.split('`').nth(1).map(|f| format!("字段“{f}”")).unwrap_or_else(|| "某个字段".into());
            if raw.contains("missing field") {
                format!("缺少{field}")
            } else if raw.contains("unknown variant") {
                format!("{field}的取值不在允许范围内")
            } else if raw.contains("premature end of input") || raw.contains("input contains invalid characters") {
                "日期应写作 YYYY-MM-DD".into()
            } else {
                format!("内容类型不对（{raw}）")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hub_address_is_https_or_this_computer() {
        for ok in [
            "https://hub.county.example/hub",
            " HTTPS://10.1.2.3:8443 ",
            "http://127.0.0.1:8080",
            "http://localhost/hub",
            "http://[::1]:9000/",
            "http://127.0.0.2",
        ] {
            assert_eq!(hub_url(ok).unwrap(), ok.trim(), "{ok}");
        }
        for bad in [
            "http://hub.county.example",
            "http://10.1.2.3:8080",
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example/",
            "http://127.0.0.1@evil.example",
            "http://[::2]/",
            "ftp://127.0.0.1",
            "hub.county.example",
            "",
        ] {
            assert_eq!(
                hub_url(bad).unwrap_err().message,
                "县级平台地址必须使用 https://（仅本机测试地址可用 http://）",
                "{bad}"
            );
        }
    }

    fn today() -> NaiveDate {
        "2026-11-22".parse().unwrap()
    }

    #[test]
    fn resident_ids() {
        assert_eq!(resident_id("11010519491231002X", today()).unwrap(), "11010519491231002X");
        assert_eq!(resident_id(" 11010519491231002x ", today()).unwrap(), "11010519491231002X");
        assert_eq!(resident_id("230102199003078519", today()).unwrap(), "230102199003078519");
        for (id, needle) in [
            ("", "为空"),
            ("110105491231002", "15位"),
            ("1101051949123100", "18位"),
            ("11010519491231002A", "最后一位"),
            ("1101A519491231002X", "第5位"),
            ("99010519491231002X", "省级"),
            ("110105194902300021", "不是有效日期"),
            ("110105203001010027", "晚于今天"),
            ("110105194912310021", "校验位"),
        ] {
            let e = resident_id(id, today()).unwrap_err();
            assert!(e.message.contains(needle), "{id}: {}", e.message);
        }
    }

    #[test]
    fn credit_codes() {
        assert_eq!(credit_code("91350100M000100Y43").unwrap(), "91350100M000100Y43");
        assert_eq!(credit_code("91350100m000100y43").unwrap(), "91350100M000100Y43");
        for (c, needle) in [
            ("", "为空"),
            ("91350100M000100Y4", "18位"),
            ("91350100M000100Y4I", "第18位"),
            ("91350100M000100Y44", "校验位"),
        ] {
            let e = credit_code(c).unwrap_err();
            assert!(e.message.contains(needle), "{c}: {}", e.message);
        }
    }

    #[test]
    fn clip_counts_what_it_shows() {
        assert_eq!(clip("张三", 20), "张三");
        assert_eq!(clip("张\u{202E}三", 20), "张U+202E三");
        assert_eq!(clip(&"\u{0}".repeat(100), 12), "U+0000U+0000…");
        assert_eq!(clip(&"长".repeat(30), 20), format!("{}…", "长".repeat(20)));
    }

    #[test]
    fn phones_and_text() {
        assert_eq!(phone("138 0013 8000").unwrap(), "13800138000");
        assert_eq!(phone("0451-86123456").unwrap(), "045186123456");
        assert!(phone("12345").unwrap_err().message.contains("11位"));
        assert!(phone("abc").unwrap_err().message.contains("只能包含"));
        assert_eq!(text("姓名", " 张三 ", 10, true).unwrap(), "张三");
        assert!(text("姓名", "", 10, true).unwrap_err().message.contains("不能为空"));
        assert!(text("姓名", "张\u{202E}三", 10, true).unwrap_err().message.contains("控制字符"));
        assert!(text("姓名", &"长".repeat(11), 10, true).unwrap_err().message.contains("过长"));
    }
}
