//! Masking of personal information (个人信息保护法) on screens and printouts.

/// `230102199003078519` → `2301**********8519`; organisation codes keep their first and last 4.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// `13800138000` → `138****8000`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// A name on a screen that faces the hall (the counter's rating screen): `张三` → `张*`,
/// `欧阳娜娜` → `欧***`; an organisation's longer name keeps its first and last two characters,
/// `红星农机专业合作社` → `红星*****作社`.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        n @ 2..=4 => format!("{}{}", chars[0], "*".repeat(n - 1)),
        n => {
            let (head, tail): (String, String) = (chars[..2].iter().collect(), chars[n - 2..].iter().collect());
            format!("{head}{}{tail}", "*".repeat(n - 4))
        }
    }
}

/// Keeps the village (up to and including the first 村/屯/组/社区/街), hides the rest.
pub fn mask_address(addr: &str) -> String {
    let chars: Vec<char> = addr.chars().collect();
    let cut = chars.iter().position(|c| matches!(c, '村' | '屯' | '组' | '区' | '街' | '路')).map(|p| p + 1);
    match cut {
        Some(n) if n < chars.len() => format!("{}***", chars[..n].iter().collect::<String>()),
        Some(_) => addr.to_string(),
        None => format!("{}***", chars.iter().take(4).collect::<String>()),
    }
}

/// Text for the log: every run of 11 or more digits (an ID number, with a trailing X, or a
/// phone) masked, since a refusal's message may repeat what was typed.
pub fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().filter(char::is_ascii_digit).count() >= 11 {
            out.push_str(&if run.len() == 11 { mask_phone(run) } else { mask_id(run) });
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || (matches!(c, 'X' | 'x') && run.len() >= 14) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_id("230102199003078519"), "2301**********8519");
        assert_eq!(mask_id("23010219900307851X"), "2301**********851X");
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_address("前进村三组12号"), "前进村***");
        assert_eq!(mask_address("前进村"), "前进村");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("红星农机专业合作社"), "红星*****作社");
        assert_eq!((mask_name("王"), mask_name(" ")), ("*".into(), String::new()));
    }

    #[test]
    fn the_log_gets_no_whole_number() {
        assert_eq!(
            scrub("身份证号 23010219900307851X 与申请人不符，电话13800138000"),
            "身份证号 2301**********851X 与申请人不符，电话138****8000"
        );
        assert_eq!(scrub("办件 231221102-20261120-0001 共 12 件"), "办件 231221102-20261120-0001 共 12 件");
    }
}
