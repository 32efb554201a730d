//! The core's JSON parsers for what the skins hand over (users, requests, overrides) name the
//! failing field and never echo a value: the input may hold a plate. (An integration test, so that
//! `json`, a bottom-layer module, does not depend on the modules whose shapes it parses.)

/// The public parsers: a plate-like value in a wrong-typed field is named by field, never echoed.
#[test]
fn public_parsers_never_echo_a_plate() {
    use alpr_core::Policy;
    use alpr_core::access::{AccessRequest, User};
    use alpr_core::sharing::ShareRequest;
    let plate = "7ABC123";
    let checks: Vec<(alpr_core::Error, &str)> = vec![
        (
            User::from_json(r#"{"id":"u","clearance":"7ABC123"}"#).unwrap_err(),
            "user: field `clearance`",
        ),
        (
            User::from_json(r#"{"roles":"7ABC123"}"#).unwrap_err(),
            "user: field `roles`",
        ),
        (
            User::from_json(r#"{"trained_on":"7ABC123"}"#).unwrap_err(),
            "user: field `trained_on`",
        ),
        (
            User::list_from_json(r#"[{}, {"roles":[7, "7ABC123"]}]"#).unwrap_err(),
            "users[1]: field `roles`",
        ),
        (
            AccessRequest::from_json(r#"{"action":"query_detections","purpose":["7ABC123"]}"#).unwrap_err(),
            "request: field `purpose`",
        ),
        (
            AccessRequest::from_json(r#"{"action":"x","approval":{"approver_role":"s","reference":["7ABC123"]}}"#)
                .unwrap_err(),
            "request: field `approval`",
        ),
        (
            AccessRequest::from_json(r#"{"purpose":"7ABC123"}"#).unwrap_err(),
            "request: missing field `action`",
        ),
        (
            AccessRequest::from_json(r#"{"action": 7ABC123}"#).unwrap_err(),
            "request: not JSON",
        ),
        (
            Policy::sacramento()
                .with_overrides_json(r#"{"max_edits":"7ABC123"}"#)
                .unwrap_err(),
            "overrides: field `max_edits`",
        ),
        (
            Policy::sacramento()
                .with_overrides_json(r#"{"7ABC123":1}"#)
                .unwrap_err(),
            "overrides: unknown field",
        ),
        (
            Policy::sacramento().with_overrides_json(r#"["7ABC123"]"#).unwrap_err(),
            "overrides: expected a JSON object",
        ),
        (
            Policy::from_json(r#"{"max_edits":"7ABC123"}"#).unwrap_err(),
            "policy: field `max_edits`",
        ),
        (
            ShareRequest::from_json(r#"{"data":"7ABC123","recipient":{"kind":"local","jurisdiction":"CA"}}"#)
                .unwrap_err(),
            "request: field `data`",
        ),
        (
            ShareRequest::from_json(
                r#"{"data":"hits","recipient":{"kind":"local","jurisdiction":"CA","name":["7ABC123"]}}"#,
            )
            .unwrap_err(),
            "request: field `recipient.name`",
        ),
    ];
    for (e, start) in checks {
        assert!(
            e.detail().starts_with(start),
            "{} does not start with {start}",
            e.detail()
        );
        assert!(!e.to_string().contains(plate) && !e.detail().contains(plate), "{e}");
    }
}
