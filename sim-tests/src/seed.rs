//! Run parameters from the environment: the seed (`OPTIMUS_SEED`, random per run otherwise)
//! and the run length (`OPTIMUS_CYCLES`).

use std::time::{SystemTime, UNIX_EPOCH};

/// The seed of this run: `OPTIMUS_SEED` (decimal or `0x` hex) if set, else from the clock.
///
/// # Panics
/// If `OPTIMUS_SEED` is set but is not a number (a typo must not silently pick a new seed).
pub fn seed_from_env() -> u64 {
    match std::env::var("OPTIMUS_SEED") {
        Ok(text) => {
            parse_u64(&text).unwrap_or_else(|| panic!("OPTIMUS_SEED={text:?} is not a number"))
        }
        Err(_) => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            crate::data::mix64(now.as_nanos() as u64 ^ u64::from(std::process::id()))
        }
    }
}

/// `OPTIMUS_CYCLES` if set (to run longer), else `default`.
///
/// # Panics
/// If `OPTIMUS_CYCLES` is set but is not a number.
pub fn cycles_from_env(default: u64) -> u64 {
    match std::env::var("OPTIMUS_CYCLES") {
        Ok(text) => {
            parse_u64(&text).unwrap_or_else(|| panic!("OPTIMUS_CYCLES={text:?} is not a number"))
        }
        Err(_) => default,
    }
}

/// Parses decimal, `0x` hex, with optional `_` separators.
pub fn parse_u64(text: &str) -> Option<u64> {
    let t = text.trim().replace('_', "");
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_both_bases() {
        assert_eq!(super::parse_u64("0x1f"), Some(31));
        assert_eq!(super::parse_u64("1_000"), Some(1000));
        assert_eq!(super::parse_u64("x"), None);
    }
}
