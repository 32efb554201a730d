//! The query planner: the cheapest source of candidate plates for a pattern, their verification,
//! and the search itself (time window, retention boundary, radius).

use super::index::{TRI_OFFSETS, prefix_range, tri_key};
use super::{DetectionQuery, DetectionStore, DueRule, Retention, invalid};
use crate::error::Result;
use crate::geo::great_circle_m;
use crate::pattern::{Pattern, PlateOrPattern, Token};
use crate::plate::PLATE_MAX_LEN;
use crate::time::ceil_ms;

/// Relative cost of one candidate reached by a random access (a posting) against one read
/// sequentially (a range of the sorted dictionary).
const RANDOM_ACCESS_COST: usize = 4;

/// Where the candidates of a pattern come from.
enum Source<'a> {
    /// A range of the sorted dictionary.
    Range(std::ops::Range<usize>),
    /// A range of the suffix order.
    Suffix(std::ops::Range<usize>),
    /// One posting list.
    List(&'a [u32]),
    /// The union of posting lists.
    Union(Vec<&'a [u32]>),
}

impl Source<'_> {
    fn cost(&self) -> usize {
        match self {
            Source::Range(r) => r.len(),
            Source::Suffix(r) => r.len() * RANDOM_ACCESS_COST,
            Source::List(l) => l.len() * RANDOM_ACCESS_COST,
            Source::Union(ls) => ls.iter().map(|l| l.len()).sum::<usize>() * RANDOM_ACCESS_COST * 2,
        }
    }
}

impl DetectionStore {
    /// The rows matching `query` and visible under `retention`, ascending.
    ///
    /// # Errors
    /// `invalid_argument` for a window whose `to` is before its `from`, or a `near` point or
    /// radius outside its domain.
    pub(crate) fn search(&self, query: &DetectionQuery, retention: &Retention) -> Result<Vec<u32>> {
        let mut rows: Vec<u32> = self
            .search_positions(query, retention)?
            .into_iter()
            .map(|p| self.row_of_pos[p])
            .collect();
        rows.sort_unstable();
        Ok(rows)
    }

    /// The ids of the detections matching `query` and visible under `retention`, ascending.
    ///
    /// # Errors
    /// As [`Self::search`].
    #[cfg(test)]
    pub(crate) fn search_ids(&self, query: &DetectionQuery, retention: &Retention) -> Result<Vec<u64>> {
        let mut ids: Vec<u64> = self
            .search_positions(query, retention)?
            .into_iter()
            .map(|p| self.ids[p])
            .collect();
        ids.sort_unstable();
        Ok(ids)
    }

    /// The CSR positions of the detections matching `query` and visible under `retention`, in
    /// plate order.
    ///
    /// The plates found are scattered over the columns, so each costs cache misses; the work is
    /// done in passes whose iterations do not depend on one another (spans, then times, then
    /// the rows), which lets the processor overlap those misses instead of taking them one by
    /// one.
    fn search_positions(&self, query: &DetectionQuery, retention: &Retention) -> Result<Vec<usize>> {
        let from = query.from.map_or(i64::MIN, ceil_ms);
        let to = query.to.map_or(i64::MAX, ceil_ms);
        if to < from {
            return Err(invalid("time window ends before it starts"));
        }
        if let Some(n) = &query.near {
            n.validate()?;
        }
        let (band_lo, band_hi) = retention.rule.as_ref().map_or((i64::MIN, i64::MIN), DueRule::band_ms);
        let holds = !retention.held.is_empty();
        let pids = self.matching_plates(&query.term);
        // Pass 1: each plate's span of positions.
        let spans: Vec<(usize, usize)> = pids
            .iter()
            .map(|&pid| {
                (
                    self.offsets[pid as usize] as usize,
                    self.offsets[pid as usize + 1] as usize,
                )
            })
            .collect();
        // Pass 2: whether a span is visible as a whole (its oldest row inside the window and past
        // the retention band, its newest before the window's end) — the common case, decided from
        // its two ends without a search.
        let whole: Vec<bool> = spans
            .iter()
            .map(|&(start, end)| {
                end > start && self.observed[start] >= from.max(band_hi) && self.observed[end - 1] < to
            })
            .collect();
        // Pass 3: the positions.
        let mut out = Vec::with_capacity(spans.len());
        for (&(start, end), whole) in spans.iter().zip(whole) {
            if whole {
                out.extend(start..end);
                continue;
            }
            let t = &self.observed[start..end];
            let a = t.partition_point(|&x| x < from);
            let b = a + t[a..].partition_point(|&x| x < to);
            let lo = a + t[a..b].partition_point(|&x| x < band_lo);
            let hi = a + t[a..b].partition_point(|&x| x < band_hi);
            // Before the band: due, visible only when held. In the band: the exact rule.
            let first = if holds { a } else { lo };
            out.extend((start + first..start + b).filter(|&p| {
                let i = p - start;
                i >= hi
                    || (i >= lo && retention.rule.as_ref().is_none_or(|r| !r.is_due_ms(self.observed[p])))
                    || (holds && retention.held.contains(&self.ids[p]))
            }));
        }
        if let Some(n) = query.near {
            out.retain(|&p| great_circle_m(n.lat, n.lon, self.lat[p], self.lon[p]) <= n.radius_m);
        }
        Ok(out)
    }

    /// Ids of the distinct plates that match `term`, ascending.
    fn matching_plates(&self, term: &PlateOrPattern) -> Vec<u32> {
        match term {
            PlateOrPattern::Plate(p) => self
                .plates
                .binary_search(&p.packed())
                .map_or_else(|_| Vec::new(), |i| vec![i as u32]),
            PlateOrPattern::Pattern(pat) => self.matching_pattern(pat),
        }
    }

    fn matching_pattern(&self, pat: &Pattern) -> Vec<u32> {
        let source = self.best_source(pat);
        // The index proposes, the rule decides.
        let rule = pat.prepare();
        let ok = |pid: u32| rule.matches_packed(self.plates[pid as usize]);
        let mut out: Vec<u32> = match source {
            Source::Range(r) => (r.start as u32..r.end as u32).filter(|&p| ok(p)).collect(),
            Source::Suffix(r) => self.suffix.pids[r].iter().copied().filter(|&p| ok(p)).collect(),
            Source::List(l) => l.iter().copied().filter(|&p| ok(p)).collect(),
            Source::Union(ls) => {
                let mut v: Vec<u32> = ls.into_iter().flatten().copied().collect();
                v.sort_unstable();
                v.dedup();
                v.retain(|&p| ok(p));
                v
            }
        };
        out.sort_unstable();
        out
    }

    fn best_source(&self, pat: &Pattern) -> Source<'_> {
        let tokens = pat.tokens();
        let segs: Vec<&[Token]> = tokens.split(|t| *t == Token::Star).collect();
        let anchored_start = !segs[0].is_empty();
        let anchored_end = segs.len() == 1 || !segs[segs.len() - 1].is_empty();
        let lit = |t: &Token| match t {
            Token::Literal(c) => Some(*c),
            _ => None,
        };
        let mut best = Source::Range(0..self.plates.len());
        let mut cands: Vec<Source<'_>> = Vec::new();
        if anchored_start {
            let prefix: Vec<u8> = segs[0].iter().map_while(lit).collect();
            if !prefix.is_empty() {
                cands.push(Source::Range(prefix_range(&self.plates, &prefix)));
            }
            // Trigrams at fixed offsets from the start (first segment only).
            for (o, w) in segs[0].windows(3).enumerate() {
                if let (Some(a), Some(b), Some(c)) = (lit(&w[0]), lit(&w[1]), lit(&w[2])) {
                    cands.push(Source::List(self.from_start.list(tri_key(o, a, b, c))));
                }
            }
        }
        if anchored_end {
            let last = segs[segs.len() - 1];
            let mut suffix: Vec<u8> = last.iter().rev().map_while(lit).collect();
            if !suffix.is_empty() {
                suffix.truncate(PLATE_MAX_LEN);
                cands.push(Source::Suffix(prefix_range(&self.suffix.keys, &suffix)));
            }
            for (o, w) in last.windows(3).rev().enumerate() {
                if let (Some(a), Some(b), Some(c)) = (lit(&w[0]), lit(&w[1]), lit(&w[2])) {
                    cands.push(Source::List(self.from_end.list(tri_key(o, a, b, c))));
                }
            }
        }
        // A segment between stars floats: union over every offset it can start at.
        for (i, seg) in segs.iter().enumerate() {
            let fixed = (i == 0 && anchored_start) || (i == segs.len() - 1 && anchored_end);
            if fixed {
                continue;
            }
            // The least offset a segment can start at: the positions of the segments before it.
            let min_start: usize = segs[..i].iter().map(|s| s.len()).sum();
            for (k, w) in seg.windows(3).enumerate() {
                if let (Some(a), Some(b), Some(c)) = (lit(&w[0]), lit(&w[1]), lit(&w[2])) {
                    let lists = (min_start + k..TRI_OFFSETS)
                        .map(|o| self.from_start.list(tri_key(o, a, b, c)))
                        .collect();
                    cands.push(Source::Union(lists));
                }
            }
        }
        for c in cands {
            if c.cost() < best.cost() {
                best = c;
            }
        }
        best
    }
}
