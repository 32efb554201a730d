//! Plate patterns: `?` is exactly one character, `*` zero or more (R-MATCH-6, R-MATCH-7).
//!
//! The same language drives pattern entries in hot lists (§3.4) and partial-plate search over
//! stored detections (§8). Other characters normalize as plates do (§1), so `7ab-*` is `7AB*`.

use std::fmt;

use crate::error::{Code, Error, Position, Result};
use crate::plate::{self, CharClass, PLATE_MAX_LEN, Plate, RAW_MAX_BYTES};

/// The limits a pattern must respect (from the policy; defaults are Genetec's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatternLimits {
    /// Fewest literal characters (`pattern_too_broad` below). Default 3.
    pub min_literals: u8,
    /// Most `*` (`invalid_pattern` above). Default 2.
    pub max_stars: u8,
    /// Most positions, counting each `?` and literal once (`invalid_pattern` above). Default 10.
    pub max_positions: u8,
}

impl Default for PatternLimits {
    fn default() -> Self {
        PatternLimits {
            min_literals: 3,
            max_stars: 2,
            max_positions: PLATE_MAX_LEN as u8,
        }
    }
}

/// One element of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Token {
    /// A literal plate character, as its 6-bit code (see [`plate::char_code`]).
    Literal(u8),
    /// `?`: exactly one character.
    One,
    /// `*`: zero or more characters.
    Star,
}

/// A compiled pattern. Immutable; matching a plate is a bounded backtracking walk over at most
/// 10 characters and 12 tokens.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pattern {
    tokens: Vec<Token>,
}

/// What a hot-list key or search term parses to: a plain plate (no wildcard) or a pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PlateOrPattern {
    /// No `?` or `*`: a plate (R-MATCH-6).
    Plate(Plate),
    /// At least one wildcard.
    Pattern(Pattern),
}

impl PlateOrPattern {
    /// Parses raw text with the given limits.
    ///
    /// # Errors
    /// The normalization codes for bad characters or an empty/too long plate, `invalid_pattern`
    /// or `pattern_too_broad` for a pattern beyond the limits.
    pub fn parse(raw: &str, limits: PatternLimits) -> Result<PlateOrPattern> {
        if raw.len() > RAW_MAX_BYTES {
            return Err(Error::new(Code::TooLong).with_detail(format!("raw input longer than {RAW_MAX_BYTES} bytes")));
        }
        let mut tokens = Vec::with_capacity(raw.len().min(16));
        for (i, c) in raw.chars().enumerate() {
            match c {
                '?' => tokens.push(Token::One),
                '*' => {
                    // `**` means the same as `*`.
                    if tokens.last() != Some(&Token::Star) {
                        tokens.push(Token::Star);
                    }
                }
                _ => match plate::classify(c) {
                    CharClass::Separator => {}
                    CharClass::Plate(b, _) => tokens.push(Token::Literal(plate::char_code(b))),
                    CharClass::Invalid => {
                        return Err(Error::new(Code::InvalidCharacter)
                            .with_position(Position::at_char(i as u32))
                            .with_detail(plate::char_class_name(c)));
                    }
                },
            }
        }
        if tokens.iter().all(|t| matches!(t, Token::Literal(_))) {
            return plate::normalize(raw).map(|n| PlateOrPattern::Plate(n.plate));
        }
        let literals = tokens.iter().filter(|t| matches!(t, Token::Literal(_))).count();
        let stars = tokens.iter().filter(|t| **t == Token::Star).count();
        let positions = tokens.len() - stars;
        if stars > usize::from(limits.max_stars) {
            return Err(Error::new(Code::InvalidPattern).with_detail(format!("more than {} '*'", limits.max_stars)));
        }
        if positions > usize::from(limits.max_positions) {
            return Err(
                Error::new(Code::InvalidPattern).with_detail(format!("more than {} positions", limits.max_positions))
            );
        }
        if literals < usize::from(limits.min_literals) {
            return Err(Error::new(Code::PatternTooBroad)
                .with_detail(format!("fewer than {} literal characters", limits.min_literals)));
        }
        Ok(PlateOrPattern::Pattern(Pattern { tokens }))
    }
}

impl Pattern {
    /// Parses a pattern that must contain a wildcard.
    ///
    /// # Errors
    /// As [`PlateOrPattern::parse`], and `invalid_pattern` for text without `?` or `*`.
    pub fn parse(raw: &str, limits: PatternLimits) -> Result<Pattern> {
        match PlateOrPattern::parse(raw, limits)? {
            PlateOrPattern::Pattern(p) => Ok(p),
            PlateOrPattern::Plate(_) => Err(Error::new(Code::InvalidPattern).with_detail("no '?' or '*'")),
        }
    }

    /// The tokens.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// Number of `*` tokens.
    pub fn stars(&self) -> usize {
        self.tokens.iter().filter(|t| **t == Token::Star).count()
    }

    /// The shortest plate length this pattern can match.
    pub fn min_len(&self) -> usize {
        self.tokens.len() - self.stars()
    }

    /// The exact length it matches, when it has no `*`.
    pub fn fixed_len(&self) -> Option<usize> {
        (self.stars() == 0).then_some(self.tokens.len())
    }

    /// Whether the plate matches the whole pattern.
    pub fn matches(&self, plate: Plate) -> bool {
        let (buf, n) = plate.to_bytes();
        let mut codes = [0u8; PLATE_MAX_LEN];
        for i in 0..n {
            codes[i] = plate::char_code(buf[i]);
        }
        glob(&self.tokens, &codes[..n])
    }

    /// Whether a plate given as 6-bit codes matches.
    pub fn matches_codes(&self, codes: &[u8]) -> bool {
        glob(&self.tokens, codes)
    }
}

/// Classic two-pointer glob with one backtrack point per star (linear in practice).
fn glob(tokens: &[Token], s: &[u8]) -> bool {
    let (mut t, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        match tokens.get(t) {
            Some(Token::Literal(c)) if *c == s[i] => {
                t += 1;
                i += 1;
            }
            Some(Token::One) => {
                t += 1;
                i += 1;
            }
            Some(Token::Star) => {
                star = Some((t, i));
                t += 1;
            }
            _ => match star {
                Some((st, si)) => {
                    t = st + 1;
                    i = si + 1;
                    star = Some((st, si + 1));
                }
                None => return false,
            },
        }
    }
    tokens[t..].iter().all(|tok| *tok == Token::Star)
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(self.tokens.len());
        for t in &self.tokens {
            s.push(match *t {
                Token::Literal(c) => plate::code_char(c) as char,
                Token::One => '?',
                Token::Star => '*',
            });
        }
        f.write_str(&s)
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({self})")
    }
}

impl fmt::Display for PlateOrPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlateOrPattern::Plate(p) => p.fmt(f),
            PlateOrPattern::Pattern(p) => p.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pat(s: &str) -> Pattern {
        Pattern::parse(s, PatternLimits::default()).unwrap()
    }
    fn plate(s: &str) -> Plate {
        s.parse().unwrap()
    }

    #[test]
    fn parse_normalizes_and_limits() {
        assert_eq!(pat("7ab-*").to_string(), "7AB*");
        assert_eq!(pat("7ab**").to_string(), "7AB*");
        let lim = PatternLimits::default();
        let code = |s| PlateOrPattern::parse(s, lim).unwrap_err().code();
        assert_eq!(code("7*"), Code::PatternTooBroad);
        assert_eq!(code("7A?"), Code::PatternTooBroad);
        assert_eq!(code("A*B*C*1"), Code::InvalidPattern);
        assert_eq!(code("ABC????????"), Code::InvalidPattern);
        assert_eq!(code("AB/*"), Code::InvalidCharacter);
        assert!(matches!(
            PlateOrPattern::parse("7abc", lim).unwrap(),
            PlateOrPattern::Plate(_)
        ));
        assert_eq!(PlateOrPattern::parse("7AB?", lim).unwrap().to_string(), "7AB?");
    }

    #[test]
    fn matching() {
        assert!(pat("7AB*").matches(plate("7ABC123")));
        assert!(pat("7AB*").matches(plate("7AB")));
        assert!(!pat("?ABC12?").matches(plate("7ABC1234")));
        assert!(pat("?ABC12?").matches(plate("7ABC123")));
        assert!(pat("*C12*").matches(plate("8ABC123")));
        assert!(pat("EV*74").matches(plate("EV74")));
        assert!(pat("EV*74").matches(plate("EVX7474")));
        assert!(!pat("EV*74").matches(plate("EV7")));
    }

    fn naive(tokens: &[Token], s: &[u8]) -> bool {
        match tokens.split_first() {
            None => s.is_empty(),
            Some((Token::Star, rest)) => (0..=s.len()).any(|k| naive(rest, &s[k..])),
            Some((Token::One, rest)) => !s.is_empty() && naive(rest, &s[1..]),
            Some((Token::Literal(c), rest)) => s.first() == Some(c) && naive(rest, &s[1..]),
        }
    }

    proptest! {
        #[test]
        fn glob_agrees_with_recursive_definition(p in "[AB12?*]{1,10}", s in "[AB12]{1,10}") {
            if let Ok(PlateOrPattern::Pattern(p)) = PlateOrPattern::parse(&p, PatternLimits { min_literals: 0, max_stars: 10, max_positions: 10 }) {
                let pl = plate(&s);
                let codes: Vec<u8> = s.bytes().map(plate::char_code).collect();
                prop_assert_eq!(p.matches(pl), naive(p.tokens(), &codes));
            }
        }
    }
}
