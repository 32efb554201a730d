//! JSON text in, with errors that never echo the input.
//!
//! serde's messages quote the offending input (`invalid type: string "ABC123", expected a
//! boolean`), and that input may be a plate. The parsers here never pass such a message on: a
//! syntax error gives its category and line and column, a data error names the field that failed
//! (found by trying the input's fields one at a time over a known-good base value) and says what
//! kind of problem it is, and nothing of the input's values appears in the message.
//! [`from_json_text`] serves the serde shapes the skins hand over as they are (a dispatch input, a
//! hot-plate form, shift checks); the crate-internal `parse*` functions serve the shapes whose
//! failing field is worth naming (users, access and share requests, policy overrides).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{Code, Error, Position, Result};

/// Parses a JSON text into one of the crate's serde shapes (a dispatch input, a hot-plate form, a
/// citizen, shift checks), as the skins receive them.
///
/// # Errors
/// `invalid_argument` with the line and column of the fault; the detail names the kind of fault
/// but never echoes the input (it may hold a plate).
pub fn from_json_text<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Io | serde_json::error::Category::Eof => "JSON text ends early",
            serde_json::error::Category::Syntax => "JSON syntax error",
            serde_json::error::Category::Data => "JSON value of the wrong shape or an unknown field",
        };
        Error::new(Code::InvalidArgument)
            .at_line(u32::try_from(e.line()).unwrap_or(u32::MAX))
            .at_column(u32::try_from(e.column()).unwrap_or(u32::MAX))
            .with_detail(what)
    })
}

/// Parses `text` as one `T`; a failure is `code` with a detail that begins with `what` and names
/// the field. `base` is a value of `T` that deserializes (used only to locate a failing field).
pub(crate) fn parse<T: DeserializeOwned + Serialize>(text: &str, what: &str, code: Code, base: &T) -> Result<T> {
    let value: Value = serde_json::from_str(text).map_err(|e| syntax(&e, what, code))?;
    typed(&value, what, code, base)
}

/// Parses `text` as a JSON array of `T`; a failure names the element (`users[2].roles`) and
/// carries its index as [`Position::index`].
pub(crate) fn parse_list<T: DeserializeOwned + Serialize>(
    text: &str,
    what: &str,
    code: Code,
    base: &T,
) -> Result<Vec<T>> {
    let value: Value = serde_json::from_str(text).map_err(|e| syntax(&e, what, code))?;
    let Value::Array(items) = value else {
        return Err(Error::new(code).with_detail(format!("{what}: expected a JSON array")));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            typed(&item, &format!("{what}[{i}]"), code, base).map_err(|e| {
                let mut p = e.position();
                p.index = u32::try_from(i).ok();
                e.with_position(p)
            })
        })
        .collect()
}

/// Turns an already parsed value into `T`, with the same messages as [`parse`].
pub(crate) fn typed<T: DeserializeOwned + Serialize>(value: &Value, what: &str, code: Code, base: &T) -> Result<T> {
    T::deserialize(value)
        .map_err(|e| Error::new(code).with_detail(format!("{what}: {}", data_problem(&e, value, base, false))))
}

/// `base` with the fields of the JSON object `over` put in, as a new `T`: objects merge field by
/// field (see `merge_into`), any other value replaces; a failure names the field of `over` that
/// does not fit.
pub(crate) fn overlay<T: DeserializeOwned + Serialize>(base: &T, over: &Value, what: &str, code: Code) -> Result<T> {
    let invalid = |m: &str| Error::new(code).with_detail(format!("{what}: {m}"));
    let Value::Object(over_map) = over else {
        return Err(invalid("expected a JSON object"));
    };
    let Ok(Value::Object(mut merged)) = serde_json::to_value(base) else {
        return Err(invalid("base cannot be represented as JSON"));
    };
    merge_into(&mut merged, over_map);
    serde_json::from_value::<T>(Value::Object(merged)).map_err(|e| invalid(&data_problem(&e, over, base, true)))
}

/// Puts the fields of `over` into `base`, object into object: a field whose value is an object
/// in both is merged the same way (so `{"retention": {"pod_video": {"keep_at_least": "30d"}}}`
/// changes that one span and keeps every other class and field); any other value replaces.
fn merge_into(base: &mut Map<String, Value>, over: &Map<String, Value>) {
    for (k, v) in over {
        match (base.get_mut(k), v) {
            (Some(Value::Object(inner)), Value::Object(over_inner)) => merge_into(inner, over_inner),
            _ => {
                base.insert(k.clone(), v.clone());
            }
        }
    }
}

/// A syntax error: its category and place, never the text around it.
fn syntax(e: &serde_json::Error, what: &str, code: Code) -> Error {
    let kind = match e.classify() {
        serde_json::error::Category::Eof => "input ends early",
        serde_json::error::Category::Io => "could not be read",
        serde_json::error::Category::Syntax | serde_json::error::Category::Data => "syntax error",
    };
    let line = u32::try_from(e.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(e.column()).unwrap_or(u32::MAX);
    Error::new(code)
        .with_detail(format!("{what}: not JSON ({kind} at line {line}, column {column})"))
        .with_position(Position {
            line: Some(line),
            column: Some(column),
            character: None,
            index: None,
        })
}

/// What went wrong in a well-formed value, naming the field and never quoting a value. With
/// `merge`, the value is an overlay ([`overlay`]): its objects are tried merged into the base's.
fn data_problem<T: DeserializeOwned + Serialize>(
    e: &serde_json::Error,
    value: &Value,
    base: &T,
    merge: bool,
) -> String {
    let Value::Object(given) = value else {
        return "expected a JSON object".to_owned();
    };
    let Ok(Value::Object(base)) = serde_json::to_value(base) else {
        return "invalid value".to_owned();
    };
    let accepts = |candidate: &Value| T::deserialize(candidate).is_ok();
    if !accepts(&Value::Object(base.clone())) {
        return "invalid value".to_owned();
    }
    if let Some(place) = locate(&base, given, &accepts, merge) {
        return place;
    }
    // Every field is fine on its own: what is left is a field that must be given. serde's message
    // for that names the schema's field (`missing field `action``), not a value.
    let msg = e.to_string();
    match msg
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        Some(field) if base.contains_key(field) || is_identifier(field) => format!("missing field `{field}`"),
        _ => "invalid value".to_owned(),
    }
}

/// The first field of `given` that `accepts` rejects when put alone over `base` (merged into it,
/// object into object, with `merge`), as a message.
fn locate(
    base: &Map<String, Value>,
    given: &Map<String, Value>,
    accepts: &dyn Fn(&Value) -> bool,
    merge: bool,
) -> Option<String> {
    for (n, (key, v)) in given.iter().enumerate() {
        let mut trial = base.clone();
        if merge {
            merge_into(&mut trial, &Map::from_iter([(key.clone(), v.clone())]));
        } else {
            trial.insert(key.clone(), v.clone());
        }
        if accepts(&Value::Object(trial)) {
            continue;
        }
        let Some(known) = base.get(key) else {
            // The key itself comes from the input: say where it is, not what it is.
            return Some(format!("unknown field (key {} of the object)", n + 1));
        };
        if let (Value::Object(inner_base), Value::Object(inner)) = (known, v) {
            let nested = |candidate: &Value| {
                let mut t = base.clone();
                t.insert(key.clone(), candidate.clone());
                accepts(&Value::Object(t))
            };
            if let Some(inner_place) = locate(inner_base, inner, &nested, merge) {
                return Some(match inner_place.strip_prefix("field `") {
                    Some(rest) => format!("field `{key}.{rest}"),
                    None => format!("{inner_place} in field `{key}`"),
                });
            }
        }
        return Some(format!("field `{key}` has the wrong type or value"));
    }
    None
}

/// A schema-like name (`snake_case`), the only kind of name a message may repeat.
fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        #[serde(default)]
        on: bool,
    }

    #[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Shape {
        name: String,
        #[serde(default)]
        count: u32,
        #[serde(default)]
        inner: Inner,
    }

    fn detail(r: Result<Shape>) -> String {
        r.expect_err("must fail").detail().to_owned()
    }

    #[test]
    fn good_input_parses() {
        let s: Shape = parse(
            r#"{"name":"a","count":2}"#,
            "shape",
            Code::InvalidArgument,
            &Shape::default(),
        )
        .unwrap();
        assert_eq!(s.count, 2);
    }

    #[test]
    fn wrong_type_names_the_field_not_the_value() {
        let d = detail(parse(
            r#"{"name":"a","count":"7ABC123"}"#,
            "shape",
            Code::InvalidArgument,
            &Shape::default(),
        ));
        assert_eq!(d, "shape: field `count` has the wrong type or value");
        let d = detail(parse(
            r#"{"name":"a","inner":{"on":"7ABC123"}}"#,
            "shape",
            Code::InvalidArgument,
            &Shape::default(),
        ));
        assert_eq!(d, "shape: field `inner.on` has the wrong type or value");
    }

    #[test]
    fn unknown_and_missing_fields() {
        let d = detail(parse(
            r#"{"name":"a","7ABC123":1}"#,
            "shape",
            Code::InvalidArgument,
            &Shape::default(),
        ));
        assert!(d.starts_with("shape: unknown field"), "{d}");
        assert!(!d.contains("7ABC123"), "{d}");
        let d = detail(parse(
            r#"{"count":1}"#,
            "shape",
            Code::InvalidArgument,
            &Shape::default(),
        ));
        assert_eq!(d, "shape: missing field `name`");
    }

    #[test]
    fn syntax_errors_give_a_place_not_the_text() {
        let e = parse::<Shape>("{\"name\": 7ABC123}", "shape", Code::InvalidArgument, &Shape::default()).unwrap_err();
        assert!(
            !e.detail().contains("7ABC123") && !e.to_string().contains("7ABC123"),
            "{e}"
        );
        assert_eq!(e.position().line, Some(1));
        let e = parse::<Shape>("\"7ABC123\"", "shape", Code::InvalidArgument, &Shape::default()).unwrap_err();
        assert_eq!(e.detail(), "shape: expected a JSON object");
    }

    #[test]
    fn lists_name_the_element() {
        let e = parse_list::<Shape>(
            r#"[{"name":"a"},{"name":"b","count":"7ABC123"}]"#,
            "shapes",
            Code::InvalidArgument,
            &Shape::default(),
        )
        .unwrap_err();
        assert_eq!(e.detail(), "shapes[1]: field `count` has the wrong type or value");
        assert_eq!(e.position().index, Some(1));
    }
}
