//! Township tokens. A token is `CODE.SECRET` with 256 random bits of secret: the code in front
//! finds the township's row, and the hub keeps only the SHA-256 of the whole token, compared in
//! constant time so the answer's timing says nothing about how close a guess was.

use rand::distributions::Alphanumeric;
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 43 alphanumeric characters carry just over 256 bits.
const SECRET_LEN: usize = 43;

pub fn new_token(code: &str) -> String {
    let secret: String = rand::rngs::OsRng.sample_iter(&Alphanumeric).take(SECRET_LEN).map(char::from).collect();
    format!("{code}.{secret}")
}

pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The township a token claims to belong to; the hash decides whether it does.
pub fn township_of(token: &str) -> Option<&str> {
    token.rsplit_once('.').map(|(code, _)| code).filter(|code| !code.is_empty())
}

pub fn matches(token: &str, stored_hash: &[u8]) -> bool {
    hash(token).ct_eq(stored_hash).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_township_and_matches_only_its_hash() {
        let t = new_token("231221102");
        assert_eq!(township_of(&t), Some("231221102"));
        assert_eq!(t.len(), "231221102.".len() + SECRET_LEN);
        assert!(matches(&t, &hash(&t)));
        assert!(!matches(&new_token("231221102"), &hash(&t)));
        assert!(!matches(&t, &[]));
        assert_eq!(township_of("no-dot"), None);
        assert_eq!(township_of(".secret"), None);
    }
}
