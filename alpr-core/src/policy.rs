//! The policy profile: every number of the specification as data.
//!
//! The built-in profile [`Policy::sacramento`] (`sacramento-525.08`) encodes Sacramento PD
//! General Order 525.08 and California law. Another agency loads its own from TOML or JSON; any
//! field left out keeps the built-in value, and an unknown field is an error (a typo in a policy
//! file must not silently fall back to a default).
//!
//! The profile is flat on purpose: the conformance vectors and agency files override single
//! numbers by name (`max_edits = 1`), and a flat table is what an administrator can read.

use std::collections::BTreeMap;

use chrono_tz::Tz;

mod check;
pub use check::{Finding, FindingCode, MAX_SPAN_YEARS};

use crate::error::{Code, Error, Result};
use crate::pattern::PatternLimits;
use crate::plate::Jurisdiction;
use crate::time::CalendarSpan;
use crate::vocab::{Category, ListKind};

/// What to do with a hit whose jurisdiction differs from the read's (R-MATCH-3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MismatchAction {
    /// Keep the hit with tier `weak` (default).
    Report,
    /// Drop the hit.
    Suppress,
}

/// Retention of one data class (R-RET-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionRule {
    /// Kept at least this long.
    pub keep_at_least: CalendarSpan,
    /// Deleted after this long; `None` means no automatic deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_after: Option<CalendarSpan>,
}

/// The City Clerk's channels for public-records referrals (R-PRA-1, G.O. §H.1).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClerkChannels {
    /// Phone number.
    pub phone: String,
    /// When the phone is answered.
    pub phone_hours: String,
    /// E-mail address.
    pub email: String,
    /// Web address.
    pub web: String,
}

/// Maximum ages of list versions by kind, in hours (R-LIST-5); `None` never goes stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaxAgeHours {
    /// `standard` lists (G.O. §F.1: downloaded at least twice a day): 12.
    #[serde(default)]
    pub standard: Option<u32>,
    /// `special` lists: 24.
    #[serde(default)]
    pub special: Option<u32>,
    /// `hot_plate` list: none (each entry has its own expiry).
    #[serde(default)]
    pub hot_plate: Option<u32>,
    /// `covert` lists: 12, as standard lists (the spec is silent; see DESIGN.md).
    #[serde(default)]
    pub covert: Option<u32>,
}

impl MaxAgeHours {
    /// The maximum age of a kind, in hours.
    pub const fn of(&self, kind: ListKind) -> Option<u32> {
        match kind {
            ListKind::Standard => self.standard,
            ListKind::Special => self.special,
            ListKind::HotPlate => self.hot_plate,
            ListKind::Covert => self.covert,
        }
    }
}

/// A policy profile. See the module documentation.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// Profile name, e.g. `sacramento-525.08`.
    pub name: String,
    /// Profile version, written into purge receipts and audit records.
    pub version: String,
    /// The agency time zone (calendar days, retention spans).
    pub time_zone: Tz,

    // --- Hot lists (§2) ---
    /// A load fails with `too_many_rejected` above this fraction of rejected records (R-LIST-6).
    pub max_rejected_fraction: f64,
    /// Categories rejected at load with `category_forbidden` (R-LIST-8).
    pub forbidden_categories: Vec<Category>,
    /// Plates rejected as placeholders (R-LIST-6).
    pub placeholder_plates: Vec<String>,
    /// Maximum list ages by kind (R-LIST-5).
    pub max_age_hours: MaxAgeHours,

    // --- Matching (§3) ---
    /// Most differing positions for a `confusable` hit (0 turns confusables off).
    pub max_confusable: u8,
    /// Most Levenshtein edits for an `edit` hit (0 = off).
    pub max_edits: u8,
    /// Shortest read eligible for `edit` hits.
    pub min_edit_length: u8,
    /// Jurisdiction mismatch handling (R-MATCH-3).
    pub on_jurisdiction_mismatch: MismatchAction,
    /// OCR confusion classes, each a string of plate characters (Genetec's set by default).
    pub confusion_classes: Vec<String>,
    /// Fewest literal characters in a pattern (R-MATCH-6).
    pub pattern_min_literals: u8,
    /// Most `*` in a pattern (R-MATCH-6).
    pub pattern_max_stars: u8,
    /// Most positions in a pattern (R-MATCH-6).
    pub pattern_max_positions: u8,

    // --- Officer hot plates (§4) ---
    /// Most calendar days from entry to expiry (G.O. §G.1).
    pub hot_plate_max_days: u32,
    /// Most hours from entry to expiry when also entered in SVS/SLR/SFR/MUPS (G.O. §G.3).
    pub hot_plate_also_entered_max_hours: u32,

    // --- Hits and dispatch (§5) ---
    /// Call type of a hit's call for service (G.O. §C.2.a).
    pub call_type_hit: String,
    /// Priority of that call.
    pub call_priority_hit: u8,
    /// Call type added for an occupied stolen vehicle (G.O. §D.4).
    pub call_type_occupied_stolen: String,
    /// Call type added for an unoccupied stolen vehicle closed without recovery (G.O. §D.5).
    pub call_type_unrecovered_stolen: String,

    // --- Retention (§6) ---
    /// Retention by data class (`detection`, `pod_video`, `hit`, `audit_record`).
    pub retention: BTreeMap<String, RetentionRule>,

    // --- Access (§7.1) ---
    /// Training older than this must be renewed (R-ACCESS-2).
    pub training_recertification: CalendarSpan,
    /// Accounts idle this many days are listed for access review (R-ACCESS-5).
    pub access_review_idle_days: u32,
    /// Actions each role may take (R-ACCESS-3). No default role has `view_covert`: an agency
    /// grants it in its own profile (R-LIST-2).
    pub roles: BTreeMap<String, Vec<String>>,
    /// Actions that need a purpose (R-ACCESS-4).
    pub actions_needing_purpose: Vec<String>,
    /// Purposes the policy permits (R-ACCESS-4).
    pub purposes: Vec<String>,
    /// Purposes that need a case number.
    pub purposes_needing_case_number: Vec<String>,
    /// Purposes that need an approval reference.
    pub purposes_needing_approval: Vec<String>,
    /// Roles whose approval counts for those purposes.
    pub approver_roles: Vec<String>,

    // --- Sharing (§7.3) ---
    /// California law overlay (R-SHARE-3).
    pub california_overlay: bool,
    /// The agency's own state (recipients must be public agencies of it under the overlay).
    pub home_state: Jurisdiction,

    // --- Public records (§7.4) ---
    /// The City Clerk's channels.
    pub clerk: ClerkChannels,

    // --- Operations (§9) ---
    /// A device is `inspection_overdue` this many calendar months after its last inspection.
    pub inspection_interval_months: u32,
    /// The shift-start checks, by name, that must all pass (G.O. §C.5).
    pub shift_checks: Vec<String>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl Policy {
    /// The name of the built-in profile.
    pub const SACRAMENTO: &'static str = "sacramento-525.08";

    /// The built-in profile `sacramento-525.08`, built once per process and shared (the
    /// bindings' default when no policy is given; building one takes microseconds).
    pub fn builtin() -> std::sync::Arc<Policy> {
        static BUILTIN: std::sync::OnceLock<std::sync::Arc<Policy>> = std::sync::OnceLock::new();
        std::sync::Arc::clone(BUILTIN.get_or_init(|| std::sync::Arc::new(Policy::sacramento())))
    }

    /// The built-in profile `sacramento-525.08`.
    pub fn sacramento() -> Policy {
        let retention = [
            ("detection", CalendarSpan::years(2), Some(CalendarSpan::years(2))),
            ("pod_video", CalendarSpan::days(90), None),
            ("hit", CalendarSpan::years(2), Some(CalendarSpan::years(2))),
            ("audit_record", CalendarSpan::years(2), None),
        ]
        .into_iter()
        .map(|(k, keep, del)| {
            (
                k.to_owned(),
                RetentionRule {
                    keep_at_least: keep,
                    delete_after: del,
                },
            )
        })
        .collect();
        let roles = [
            (
                "operator",
                &["operate_alpr_vehicle", "view_hits", "query_own_detections"][..],
            ),
            ("dispatcher", &["view_hits", "confirm_hits"][..]),
            (
                "investigator",
                &[
                    "query_detections",
                    "view_hits",
                    "manage_hot_plates",
                    "view_pod_video",
                    "download_pod_video",
                ][..],
            ),
            (
                "administrator",
                &["manage_users", "audit_queries", "manage_hot_lists"][..],
            ),
            ("supervisor", &["approve_other_use", "place_legal_hold"][..]),
            ("captain_investigations", &["approve_external_sharing"][..]),
            (
                "ooi_captain",
                &["approve_special_list_sharing", "approve_special_list"][..],
            ),
        ]
        .into_iter()
        .map(|(r, a)| (r.to_owned(), strings(a)))
        .collect();
        Policy {
            name: Policy::SACRAMENTO.to_owned(),
            version: "GO-525.08 (2018-06-04)".to_owned(),
            time_zone: chrono_tz::America::Los_Angeles,
            max_rejected_fraction: 0.01,
            forbidden_categories: Vec::new(),
            placeholder_plates: strings(&["UNK", "UNKN", "UNKNOWN", "NONE", "NOPLATE", "NOTAG", "NA", "TEMP"]),
            max_age_hours: MaxAgeHours {
                standard: Some(12),
                special: Some(24),
                hot_plate: None,
                covert: Some(12),
            },
            max_confusable: 1,
            max_edits: 0,
            min_edit_length: 5,
            on_jurisdiction_mismatch: MismatchAction::Report,
            confusion_classes: strings(&["0ODQ", "1I", "2Z", "5S", "8B", "6G"]),
            pattern_min_literals: 3,
            pattern_max_stars: 2,
            pattern_max_positions: 10,
            hot_plate_max_days: 30,
            hot_plate_also_entered_max_hours: 24,
            call_type_hit: "POD".to_owned(),
            call_priority_hit: 4,
            call_type_occupied_stolen: "503P/503T".to_owned(),
            call_type_unrecovered_stolen: "503REC".to_owned(),
            retention,
            training_recertification: CalendarSpan::years(2),
            access_review_idle_days: 90,
            roles,
            actions_needing_purpose: strings(&[
                "query_detections",
                "query_own_detections",
                "view_pod_video",
                "download_pod_video",
            ]),
            purposes: strings(&[
                "stolen_vehicle",
                "stolen_plate",
                "wanted_person",
                "missing_person",
                "crime_canvass",
                "other_approved",
            ]),
            purposes_needing_case_number: strings(&["crime_canvass"]),
            purposes_needing_approval: strings(&["other_approved"]),
            approver_roles: strings(&["supervisor", "administrator"]),
            california_overlay: true,
            home_state: Jurisdiction::parse("CA").unwrap_or_else(|_| unreachable!("CA is in the table")),
            clerk: ClerkChannels {
                phone: "(916) 808-5002".to_owned(),
                phone_hours: "Monday-Friday 08:00-17:00".to_owned(),
                email: "records@cityofsacramento.org".to_owned(),
                web: "http://www.cityofsacramento.org/Clerk/Services/Public-Records".to_owned(),
            },
            inspection_interval_months: 3,
            shift_checks: strings(&[
                "cameras_affixed",
                "cameras_inspected",
                "cdms_started",
                "cameras_green",
                "learn_green",
                "gps_green",
                "system_lights_green",
            ]),
        }
    }

    /// The pattern limits of this policy.
    pub const fn pattern_limits(&self) -> PatternLimits {
        PatternLimits {
            min_literals: self.pattern_min_literals,
            max_stars: self.pattern_max_stars,
            max_positions: self.pattern_max_positions,
        }
    }

    /// Parses a TOML profile; fields left out keep the built-in values.
    ///
    /// # Errors
    /// `invalid_policy` with the parser's message (which names the field, never a plate).
    pub fn from_toml(text: &str) -> Result<Policy> {
        toml::from_str(text).map_err(|e| Error::new(Code::InvalidPolicy).with_detail(e.message().to_owned()))
    }

    /// Parses a JSON profile; fields left out keep the built-in values.
    ///
    /// # Errors
    /// `invalid_policy` with the parser's message.
    pub fn from_json(text: &str) -> Result<Policy> {
        crate::json::parse(text, "policy", Code::InvalidPolicy, &Policy::sacramento())
    }

    /// This policy with some fields replaced by those of a JSON object (as the conformance vectors'
    /// `policy` does). Objects merge field by field — `{"retention": {"pod_video":
    /// {"keep_at_least": "30d"}}}` changes one span and keeps the other classes, `{"roles":
    /// {"analyst": […]}}` adds a role to the others, `{"clerk": {"email": …}}` one channel —
    /// and any other value (a number, a list, `null`) replaces.
    ///
    /// # Errors
    /// `invalid_policy` for an unknown field or a value of the wrong shape.
    pub fn with_overrides(&self, overrides: &serde_json::Value) -> Result<Policy> {
        crate::json::overlay(self, overrides, "overrides", Code::InvalidPolicy)
    }

    /// [`Policy::with_overrides`] from JSON text, as the skins hand it over.
    ///
    /// # Errors
    /// `invalid_policy` for text that is not a JSON object, an unknown field or a value of the
    /// wrong shape; the detail names the field and never contains the input's values.
    pub fn with_overrides_json(&self, text: &str) -> Result<Policy> {
        let v: serde_json::Value =
            crate::json::parse(text, "overrides", Code::InvalidPolicy, &serde_json::Value::Null)?;
        self.with_overrides(&v)
    }

    /// The profile as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy::sacramento()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_toml_and_json() {
        let p = Policy::sacramento();
        assert_eq!(Policy::from_toml(&p.to_toml()).unwrap(), p);
        assert_eq!(Policy::from_json(&serde_json::to_string(&p).unwrap()).unwrap(), p);
    }

    #[test]
    fn overrides_and_unknown_fields() {
        let p = Policy::sacramento()
            .with_overrides(&serde_json::json!({"max_edits": 1}))
            .unwrap();
        assert_eq!(p.max_edits, 1);
        assert_eq!(p.max_confusable, 1);
        let e = Policy::sacramento()
            .with_overrides(&serde_json::json!({"max_edit": 1}))
            .unwrap_err();
        assert_eq!(e.code(), Code::InvalidPolicy);
        assert_eq!(Policy::from_toml("max_edits = 2\n").unwrap().max_edits, 2);
        assert!(Policy::from_toml("time_zone = \"Mars/Olympus\"\n").is_err());
    }

    #[test]
    fn overrides_merge_objects_field_by_field() {
        let base = Policy::sacramento();
        // One span of one retention class: the other classes and fields stay.
        let p = base
            .with_overrides(&serde_json::json!({"retention": {"pod_video": {"keep_at_least": "30d"}}}))
            .unwrap();
        assert_eq!(p.retention["pod_video"].keep_at_least, CalendarSpan::days(30));
        assert_eq!(p.retention["pod_video"].delete_after, None);
        assert_eq!(p.retention["detection"], base.retention["detection"]);
        assert_eq!(p.retention.len(), base.retention.len());
        // null clears an optional field.
        let p = base
            .with_overrides(&serde_json::json!({"retention": {"detection": {"delete_after": null}}}))
            .unwrap();
        assert_eq!(p.retention["detection"].delete_after, None);
        assert_eq!(p.retention["detection"].keep_at_least, CalendarSpan::years(2));
        // A new role joins the others; a role's list of actions is replaced as a whole.
        let p = base
            .with_overrides(
                &serde_json::json!({"roles": {"covert_analyst": ["view_covert"], "operator": ["view_hits"]}}),
            )
            .unwrap();
        assert_eq!(p.roles["covert_analyst"], ["view_covert"]);
        assert_eq!(p.roles["operator"], ["view_hits"]);
        assert_eq!(p.roles["investigator"], base.roles["investigator"]);
        // One of the clerk's channels; one maximum age.
        let p = base
            .with_overrides(
                &serde_json::json!({"clerk": {"email": "clerk@example.gov"}, "max_age_hours": {"standard": 6}}),
            )
            .unwrap();
        assert_eq!(p.clerk.email, "clerk@example.gov");
        assert_eq!(p.clerk.phone, base.clerk.phone);
        assert_eq!(p.max_age_hours.standard, Some(6));
        assert_eq!(p.max_age_hours.special, base.max_age_hours.special);
        // Lists replace; unknown nested fields and bad nested values are still errors, named.
        let p = base
            .with_overrides(&serde_json::json!({"shift_checks": ["gps_green"]}))
            .unwrap();
        assert_eq!(p.shift_checks, ["gps_green"]);
        let e = base
            .with_overrides(&serde_json::json!({"clerk": {"fax": "1"}}))
            .unwrap_err();
        assert_eq!(e.code(), Code::InvalidPolicy);
        let e = base
            .with_overrides(&serde_json::json!({"retention": {"detection": {"delete_after": "1y"}}, "max_edits": "x"}))
            .unwrap_err();
        assert!(e.detail().contains("max_edits"), "{}", e.detail());
        let e = base
            .with_overrides(&serde_json::json!({"retention": {"pod_video": {"keep_at_least": "soon"}}}))
            .unwrap_err();
        assert!(
            e.detail().contains("retention.pod_video.keep_at_least"),
            "{}",
            e.detail()
        );
    }
}
