//! Patterns (SPEC §3.4): parsing never panics; a parsed pattern respects the limits
//! (R-MATCH-6) and matches the plates made by filling its wildcards, and `*` alone never makes a
//! pattern match a plate shorter than its minimum length.

use alpr_core::pattern::Token;
use alpr_core::{PatternLimits, PlateOrPattern, normalize};

pub(crate) fn run(data: &[u8]) {
    let raw = super::text(data);
    let Ok(PlateOrPattern::Pattern(p)) = PlateOrPattern::parse(&raw, PatternLimits::default()) else {
        return;
    };
    assert!(p.stars() <= 2, "at most 2 stars");
    let literals = p.tokens().iter().filter(|t| matches!(t, Token::Literal(_))).count();
    assert!(literals >= 3, "at least 3 literals");
    assert!(p.min_len() <= 10, "at most 10 positions");
    // Fill: `?` with `A`, `*` with nothing, then with one `7`.
    for star in ["", "7"] {
        let mut s = String::new();
        for t in p.tokens() {
            match t {
                Token::Literal(c) => s.push(char::from(alpr_core::plate::code_char(*c))),
                Token::One => s.push('A'),
                Token::Star => s.push_str(star),
            }
        }
        if let Ok(n) = normalize(&s) {
            assert!(p.matches(n.plate), "a pattern matches its own filling");
        }
    }
    if p.min_len() > 1 {
        let short = "A".repeat(p.min_len() - 1);
        let n = normalize(&short).expect("short plate");
        assert!(!p.matches(n.plate), "no match below the minimum length");
    }
}
