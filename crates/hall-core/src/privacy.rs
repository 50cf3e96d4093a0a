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
    }
}
