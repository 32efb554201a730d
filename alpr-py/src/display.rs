//! How the package shows its objects: `repr` and `_repr_html_` (Jupyter), with plates masked
//! by default.
//!
//! Plates are personal data: a repr or an HTML table shows a plate as `7AB***3` unless the
//! process opts out with `alpr.set_display(mask_plates=False)` (or, for a block, the
//! `alpr.display(mask_plates=False)` context manager). The data itself is never masked:
//! `MatchHit.entry`, `explain()`, result rows and tables hold the exact text.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Whether reprs mask plates (the process-wide setting; masked by default).
static MASK_PLATES: AtomicBool = AtomicBool::new(true);

/// Whether reprs mask plates now.
pub(crate) fn masking() -> bool {
    MASK_PLATES.load(Ordering::Relaxed)
}

/// `7ABC123` → `7AB***3`: the first characters and the last one stay, the rest is `*`. Three
/// characters stay at the front of a plate of 7 or more, two of 5 or 6, one of 4 or fewer (and
/// the last character only from 4 on), so a short plate is never shown whole.
pub(crate) fn mask(plate: &str) -> String {
    let chars: Vec<char> = plate.chars().collect();
    let n = chars.len();
    let (front, back) = match n {
        0 => return String::new(),
        1..=3 => (1, 0),
        4 => (1, 1),
        5 | 6 => (2, 1),
        _ => (3, 1),
    };
    let mut out = String::with_capacity(n);
    for (i, c) in chars.iter().enumerate() {
        out.push(if i < front || i >= n - back { *c } else { '*' });
    }
    out
}

/// A plate (or pattern) as reprs show it: masked unless the opt-out is set.
pub(crate) fn plate(text: &str) -> String {
    if masking() { mask(text) } else { text.to_owned() }
}

/// Text escaped for HTML.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An HTML table: a caption, a header row and rows of cells (escaped here).
pub(crate) fn html_table(caption: &str, header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table class=\"alpr\">");
    let _ = write!(
        out,
        "<caption style=\"text-align:left\">{}</caption>",
        html_escape(caption)
    );
    out.push_str("<thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", html_escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", html_escape(cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// Python's repr of a string (single quotes, backslashes and quotes escaped).
pub(crate) fn py_str(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// `True` / `False`.
pub(crate) fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Sets how reprs show plates, for the whole process; returns the previous settings.
///
/// Args:
///     mask_plates: ``True`` (the default): plates in reprs and HTML tables are masked
///         (``7AB***3``); ``False``: shown in full. ``None`` leaves the setting as it is.
///
/// Returns:
///     dict: the settings before the call, ``{"mask_plates": bool}`` (give them back to
///     ``set_display(**previous)`` to restore).
#[pyfunction]
#[pyo3(signature = (*, mask_plates=None))]
pub(crate) fn set_display(py: Python<'_>, mask_plates: Option<bool>) -> PyResult<Bound<'_, PyDict>> {
    let previous = match mask_plates {
        Some(m) => MASK_PLATES.swap(m, Ordering::Relaxed),
        None => masking(),
    };
    let d = PyDict::new(py);
    d.set_item("mask_plates", previous)?;
    Ok(d)
}

/// The current display settings, ``{"mask_plates": bool}``.
#[pyfunction]
pub(crate) fn get_display(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("mask_plates", masking())?;
    Ok(d)
}

/// A plate or pattern masked as reprs mask it (``"7ABC123"`` → ``"7AB***3"``), whatever the
/// display setting: for an application's own logs and displays.
#[pyfunction]
#[pyo3(name = "mask_plate")]
pub(crate) fn mask_plate(text: &str) -> String {
    mask(text)
}

// Reprs and HTML of classes defined elsewhere (pyo3's `multiple-pymethods`).

#[pymethods]
impl crate::registry::PyRegistry {
    /// The lists in force as an HTML table (Jupyter): id, kind, priority, entries, load time,
    /// age and staleness at the current time. No plate is shown.
    fn _repr_html_(&self) -> String {
        let now = chrono::Utc::now();
        let rows: Vec<Vec<String>> = self
            .inner
            .health(now)
            .into_iter()
            .map(|h| {
                vec![
                    h.id,
                    h.kind.as_str().to_owned(),
                    h.priority.to_string(),
                    h.entries.to_string(),
                    h.loaded_at.to_rfc3339(),
                    format!("{:.1} h", h.age_seconds as f64 / 3600.0),
                    py_bool(h.stale).to_owned(),
                ]
            })
            .collect();
        html_table(
            &format!("Registry: {} lists, policy {}", rows.len(), self.inner.policy().name),
            &["id", "kind", "priority", "entries", "loaded_at", "age", "stale"],
            &rows,
        )
    }
}

#[pymethods]
impl crate::governance::PyAuditLog {
    fn __repr__(&self, py: Python<'_>) -> String {
        let log = self.log();
        let head = py.detach(move || crate::governance::lock(&log).head());
        format!("AuditLog(records={}, head={})", head.sequence, py_str(&head.hash_hex()))
    }
}

#[pymethods]
impl crate::governance::PyAuditReport {
    fn __repr__(&self) -> String {
        let r = &self.inner;
        let queries: u64 = r.users.iter().map(|u| u.queries).sum();
        let denied: u64 = r.users.iter().map(|u| u.denied).sum();
        let without: u64 = r.users.iter().map(|u| u.without_case_number).sum();
        format!(
            "AuditReport(records={}, users={}, queries={queries}, without_case_number={without}, denied={denied}, sample={})",
            r.records,
            r.users.len(),
            r.sample.len()
        )
    }

    /// The per-user table and the review sample as HTML tables (Jupyter).
    fn _repr_html_(&self) -> String {
        let r = &self.inner;
        let users: Vec<Vec<String>> = r
            .users
            .iter()
            .map(|u| {
                let purposes = u
                    .by_purpose
                    .iter()
                    .map(|(p, n)| format!("{p}: {n}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                vec![
                    u.user.clone(),
                    u.agency.clone(),
                    u.queries.to_string(),
                    purposes,
                    u.without_case_number.to_string(),
                    u.denied.to_string(),
                    u.outside_shift.map_or_else(String::new, |n| n.to_string()),
                ]
            })
            .collect();
        let sample: Vec<Vec<String>> = r
            .sample
            .iter()
            .map(|s| {
                vec![
                    s.sequence.to_string(),
                    s.time.to_rfc3339(),
                    s.user.clone(),
                    s.action.clone(),
                    s.purpose.clone().unwrap_or_default(),
                    s.case_number.clone().unwrap_or_default(),
                ]
            })
            .collect();
        let mut out = html_table(
            &format!("Audit report: {} records, {} users", r.records, r.users.len()),
            &[
                "user",
                "agency",
                "queries",
                "by purpose",
                "without case number",
                "denied",
                "outside shift",
            ],
            &users,
        );
        out.push_str(&html_table(
            &format!("Review sample: {} queries", r.sample.len()),
            &["sequence", "time", "user", "action", "purpose", "case number"],
            &sample,
        ));
        out
    }
}
