//! Public-records requests (SPEC §7.4, R-PRA-1, G.O. §H).
//!
//! A PRA request for POD video or detections is referred to the City Clerk, with the clerk's
//! channels from the policy profile. When the citizen refuses the referral, the officer records
//! the request: the citizen's name, a contact (phone or e-mail) and a description of the records
//! are required; the record's text makes no statement about whether the records exist or are
//! exempt (G.O. §H.4).
//!
//! ```
//! use alpr_core::records::{pra_request, Citizen};
//! use alpr_core::{Code, Policy};
//! let r = pra_request(true, &Citizen::default(), &Policy::sacramento());
//! assert_eq!(r.violations, [Code::MissingCitizenName, Code::MissingContact, Code::MissingDescription]);
//! assert!(r.record.is_none());
//! ```

use crate::error::Code;
use crate::policy::{ClerkChannels, Policy};

/// The requester, as far as they give their details.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Citizen {
    /// Name.
    pub name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Description of the records requested.
    pub description: Option<String>,
}

/// The record of a refused referral (G.O. §H.3), to forward to the City Clerk.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RefusedReferral {
    /// The citizen's name.
    pub citizen_name: String,
    /// Phone, when given.
    pub phone: Option<String>,
    /// E-mail, when given.
    pub email: Option<String>,
    /// The records requested, in the citizen's words.
    pub description: String,
    /// Where the request is forwarded.
    pub forwarded_to: ClerkChannels,
    /// The record's text: what was requested and where it went, and nothing about whether the
    /// records exist or are exempt (G.O. §H.4).
    pub text: String,
}

/// The answer to a PRA request (R-PRA-1).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PraResponse {
    /// The clerk's channels to give the citizen.
    pub channels: ClerkChannels,
    /// What the refused-referral record lacks (empty for an accepted referral).
    pub violations: Vec<Code>,
    /// The refused-referral record, when the referral was refused and nothing is missing.
    pub record: Option<RefusedReferral>,
}

fn present(s: Option<&String>) -> Option<String> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// The referral (always) and, when `refused_referral`, the refused-referral record or what it lacks.
pub fn pra_request(refused_referral: bool, citizen: &Citizen, policy: &Policy) -> PraResponse {
    let channels = policy.clerk.clone();
    if !refused_referral {
        return PraResponse {
            channels,
            violations: Vec::new(),
            record: None,
        };
    }
    let name = present(citizen.name.as_ref());
    let phone = present(citizen.phone.as_ref());
    let email = present(citizen.email.as_ref());
    let description = present(citizen.description.as_ref());
    let mut violations = Vec::new();
    if name.is_none() {
        violations.push(Code::MissingCitizenName);
    }
    if phone.is_none() && email.is_none() {
        violations.push(Code::MissingContact);
    }
    if description.is_none() {
        violations.push(Code::MissingDescription);
    }
    let record = match (name, description) {
        (Some(citizen_name), Some(description)) if violations.is_empty() => Some(RefusedReferral {
            text: format!(
                "Public records request received from {citizen_name}, who declined the referral to the City \
                 Clerk. The request is forwarded to the City Clerk ({}, {}) for handling under the \
                 California Public Records Act.",
                channels.email, channels.phone
            ),
            citizen_name,
            phone,
            email,
            description,
            forwarded_to: channels.clone(),
        }),
        _ => None,
    };
    PraResponse {
        channels,
        violations,
        record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_refusal_makes_a_neutral_record() {
        let c = Citizen {
            name: Some("R. Resident".into()),
            phone: Some(" ".into()),
            email: Some("r@example.org".into()),
            description: Some("POD video, 5th and J".into()),
        };
        let r = pra_request(true, &c, &Policy::sacramento());
        assert!(r.violations.is_empty());
        let rec = r.record.unwrap();
        assert_eq!(rec.phone, None);
        let text = rec.text.to_lowercase();
        for word in [
            "exist",
            "exempt",
            "no record",
            "not available",
            "denied",
            "withheld",
            "confidential",
        ] {
            assert!(!text.contains(word), "{word}");
        }
        assert!(text.contains("city clerk"));
    }

    #[test]
    fn referral_carries_the_policy_channels() {
        let mut p = Policy::sacramento();
        p.clerk.phone = "555".into();
        let r = pra_request(false, &Citizen::default(), &p);
        assert_eq!(r.channels.phone, "555");
        assert!(r.violations.is_empty() && r.record.is_none());
        let c = Citizen {
            phone: Some("1".into()),
            ..Citizen::default()
        };
        assert_eq!(
            pra_request(true, &c, &p).violations,
            [Code::MissingCitizenName, Code::MissingDescription]
        );
    }
}
