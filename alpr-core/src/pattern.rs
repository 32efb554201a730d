//! Plate patterns: `?` is exactly one character, `*` zero or more (R-MATCH-6, R-MATCH-7).
//!
//! The same language drives pattern entries in hot lists (§3.4) and partial-plate search over
//! stored detections (§8). Other characters normalize as plates do (§1), so `7ab-*` is `7AB*`.
//!
//! This module is the one home of the rule. The indexes only propose candidates — the match
//! index's pattern table for list entries, the detection store's prefix, suffix and trigram
//! lists for searches — and the rule here decides each one, in one of three forms of the same
//! pattern: the [`Pattern`] itself, a `Compiled` copy packed into one cache line (kept by the
//! match index, so that checking a candidate does not touch the entry) and a `Prepared` check
//! of packed plates (the detection store's dictionary). One walk, `glob`, serves the first two;
//! the third reduces to masks where that is the whole rule and falls back to the walk otherwise.
//! The property tests below hold all three to the recursive definition.

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
///
/// The tokens are a boxed slice (16 bytes, not a `Vec`'s 24), so that a [`PlateOrPattern`], which
/// every hot-list entry holds, takes 16 bytes: the plate variant fits beside the slice's pointer.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pattern {
    tokens: Box<[Token]>,
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
        // Every `*` written counts toward the limit (R-MATCH-6: "at most 2 `*`"), adjacent ones
        // too, though `**` matches what `*` does and is kept as one token.
        let mut stars = 0usize;
        for (i, c) in raw.chars().enumerate() {
            match c {
                '?' => tokens.push(Token::One),
                '*' => {
                    stars += 1;
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
        let positions = tokens.len() - tokens.iter().filter(|t| **t == Token::Star).count();
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
        Ok(PlateOrPattern::Pattern(Pattern {
            tokens: tokens.into_boxed_slice(),
        }))
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
        self.matches_codes(&codes[..n])
    }

    /// Whether a plate given as 6-bit codes matches.
    pub fn matches_codes(&self, codes: &[u8]) -> bool {
        glob(&self.tokens, codes, |t| t)
    }

    /// The pattern packed for repeated checks (see [`Compiled`]).
    pub(crate) fn compile(&self) -> Compiled {
        let mut tokens = [0u8; COMPILED_TOKENS];
        let mut n = 0;
        for (t, slot) in self.tokens.iter().zip(tokens.iter_mut()) {
            *slot = match *t {
                Token::Literal(c) => c,
                Token::One => ONE,
                Token::Star => STAR,
            };
            n += 1;
        }
        Compiled {
            min_len: u8::try_from(self.min_len()).unwrap_or(u8::MAX),
            max_len: self.fixed_len().map_or(u8::MAX, |l| u8::try_from(l).unwrap_or(u8::MAX)),
            n,
            tokens,
        }
    }

    /// The pattern prepared to check packed plates (see [`Prepared`]).
    pub(crate) fn prepare(&self) -> Prepared<'_> {
        let segs: Vec<&[Token]> = self.tokens.split(|t| *t == Token::Star).collect();
        let (mut head_mask, mut head_val, mut tail_mask, mut tail_val) = (0u64, 0u64, 0u64, 0u64);
        for (i, t) in segs[0].iter().enumerate().take(PLATE_MAX_LEN) {
            if let Token::Literal(c) = t {
                let shift = 6 * (PLATE_MAX_LEN - 1 - i);
                head_mask |= 0x3f << shift;
                head_val |= u64::from(*c) << shift;
            }
        }
        if segs.len() > 1 {
            let last = segs[segs.len() - 1];
            for (i, t) in last.iter().enumerate() {
                let from_end = last.len() - 1 - i;
                if let (Token::Literal(c), true) = (t, from_end < PLATE_MAX_LEN) {
                    let shift = 6 * from_end;
                    tail_mask |= 0x3f << shift;
                    tail_val |= u64::from(*c) << shift;
                }
            }
        }
        Prepared {
            pat: self,
            min_len: self.min_len(),
            max_len: self.fixed_len().unwrap_or(PLATE_MAX_LEN),
            head_mask,
            head_val,
            tail_mask,
            tail_val,
            exact: segs.len() <= 2,
        }
    }
}

/// The rule: whether the plate `s` (6-bit codes) matches the whole token sequence, `?` one
/// character, `*` zero or more. A two-pointer walk with one backtrack point per star (linear in
/// practice). `token` reads a token of whichever form the pattern is stored in.
#[inline]
fn glob<T: Copy>(tokens: &[T], s: &[u8], token: impl Fn(T) -> Token) -> bool {
    let (mut t, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        match tokens.get(t).map(|&x| token(x)) {
            Some(Token::Literal(c)) if c == s[i] => {
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
    tokens[t..].iter().all(|&x| token(x) == Token::Star)
}

/// Byte codes of the [`Compiled`] tokens: 1..=36 literals, these two wildcards.
const ONE: u8 = 62;
const STAR: u8 = 63;

/// Most tokens a [`Compiled`] holds: a pattern longer than that has more than
/// [`PLATE_MAX_LEN`] positions (`**` is one `*`), so it matches no plate (its length bound says
/// so before any token is read).
const COMPILED_TOKENS: usize = 2 * PLATE_MAX_LEN + 4;

/// A pattern packed for repeated checks: length bounds and tokens in a fixed array (no heap),
/// so that the match index keeps a copy beside each candidate and a check touches one cache
/// line, not the entry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Compiled {
    min_len: u8,
    max_len: u8,
    n: u8,
    tokens: [u8; COMPILED_TOKENS],
}

impl Compiled {
    /// Whether a plate given as 6-bit codes matches (the same rule as [`Pattern::matches_codes`]).
    #[inline]
    pub(crate) fn matches_codes(&self, s: &[u8]) -> bool {
        let len = s.len();
        if len < usize::from(self.min_len) || len > usize::from(self.max_len) {
            return false;
        }
        glob(&self.tokens[..usize::from(self.n)], s, |c| match c {
            ONE => Token::One,
            STAR => Token::Star,
            c => Token::Literal(c),
        })
    }
}

/// A pattern prepared to check many packed plates ([`Plate::packed`]) without unpacking them:
/// length bounds and the literals of the segment before the first `*` (from the start) and after
/// the last (from the end), each as one mask-and-compare on the packed value. For a pattern with
/// at most one `*` that is the whole rule; with two, [`glob`] decides what passes it.
#[derive(Clone, Debug)]
pub(crate) struct Prepared<'p> {
    pat: &'p Pattern,
    min_len: usize,
    max_len: usize,
    // Literals of the first segment at their places in the packed value.
    head_mask: u64,
    head_val: u64,
    // Literals of the last segment, counted from the end: character j from the end sits at bits
    // 6j once the plate is shifted right by its padding.
    tail_mask: u64,
    tail_val: u64,
    exact: bool,
}

impl Prepared<'_> {
    /// Whether the plate packed as `packed` matches.
    #[inline]
    pub(crate) fn matches_packed(&self, packed: u64) -> bool {
        let pad = packed.trailing_zeros() as usize / 6;
        let n = PLATE_MAX_LEN - pad;
        let ok = n >= self.min_len
            && n <= self.max_len
            && packed & self.head_mask == self.head_val
            && (packed >> (6 * pad)) & self.tail_mask == self.tail_val;
        if !ok || self.exact {
            return ok;
        }
        let code = |i: usize| (packed >> (6 * (PLATE_MAX_LEN - 1 - i))) & 0x3f;
        let mut codes = [0u8; PLATE_MAX_LEN];
        for (i, c) in codes.iter_mut().enumerate().take(n) {
            *c = code(i) as u8;
        }
        self.pat.matches_codes(&codes[..n])
    }
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
        // R-MATCH-6 counts every `*` written: adjacent stars are still stars.
        assert_eq!(code("7AB***"), Code::InvalidPattern);
        assert_eq!(code("*7AB**"), Code::InvalidPattern);
        assert_eq!(code("7A**B*C"), Code::InvalidPattern);
        assert_eq!(pat("*7AB*").to_string(), "*7AB*");
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
        /// The three forms of a pattern (the pattern, its packed copy in the match index, its
        /// check of packed plates in the detection store) are one rule: each agrees with the
        /// recursive definition, the length bounds included.
        #[test]
        fn every_form_of_the_rule_agrees_with_the_definition(p in "[AB12?*]{1,14}", s in "[AB12]{1,10}") {
            let lax = PatternLimits { min_literals: 0, max_stars: 14, max_positions: 14 };
            if let Ok(PlateOrPattern::Pattern(p)) = PlateOrPattern::parse(&p, lax) {
                let pl = plate(&s);
                let codes: Vec<u8> = s.bytes().map(plate::char_code).collect();
                let want = naive(p.tokens(), &codes);
                prop_assert_eq!(p.matches_codes(&codes), want);
                prop_assert_eq!(p.compile().matches_codes(&codes), want);
                prop_assert_eq!(p.prepare().matches_packed(pl.packed()), want);
            }
        }

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
