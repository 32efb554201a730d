//! Tests of the file formats: every parser error path.

use proptest::prelude::*;

use super::*;
use crate::vocab::ListKind;

fn meta(kind: ListKind) -> ListMeta {
    ListMeta {
        id: "T".into(),
        kind,
        priority: 10,
        loaded_at: crate::time::parse_instant("2026-11-28T08:00:00-08:00").unwrap(),
        source: String::new(),
        generated_at: None,
    }
}

fn lenient() -> Policy {
    Policy {
        max_rejected_fraction: 1.0,
        ..Policy::sacramento()
    }
}

fn load(format: Format, text: &[u8]) -> Result<(ListVersion, LoadReport)> {
    load_bytes(
        format,
        text,
        meta(ListKind::Standard),
        Some(Category::StolenVehicle),
        &lenient(),
    )
}

/// (line, column, code) of every rejection.
fn rejections(format: Format, text: &str) -> Vec<(u32, u32, Code)> {
    let (_, r) = load(format, text.as_bytes()).unwrap();
    r.rejected
        .iter()
        .map(|r| (r.position.line.unwrap(), r.position.column.unwrap_or(0), r.code))
        .collect()
}

fn whole(format: Format, text: &[u8]) -> (Code, Option<u32>) {
    let e = load(format, text).unwrap_err();
    (e.code(), e.position().line)
}

const CLEW: &str = "DATE11/28/2026 06:00\n7ABC123 CA3420181105\nXYZ999  CA0220180430\nTOTAL RECORD 0000002\n";

#[test]
fn clew_reads_header_records_and_footer() {
    let (v, r) = load(Format::CaDojClew, CLEW.as_bytes()).unwrap();
    assert_eq!(r.accepted, 2);
    assert_eq!(
        r.generated_at.unwrap().to_rfc3339(),
        "2026-11-28T14:00:00+00:00",
        "header time is Pacific"
    );
    assert_eq!(v.meta().generated_at, r.generated_at);
    let e = &v.entries()[0];
    assert_eq!(e.key.to_string(), "7ABC123");
    assert_eq!(e.category, Category::StolenVehicle);
    assert_eq!(e.attributes.get("county"), Some("34"));
    assert_eq!(e.incident_date.unwrap().to_string(), "2018-11-05");
}

#[test]
fn clew_crlf_and_bom() {
    let text = format!("\u{feff}{}", CLEW.replace('\n', "\r\n"));
    let (_, r) = load(Format::CaDojClew, text.as_bytes()).unwrap();
    assert_eq!(r.accepted, 2);
}

#[test]
fn clew_whole_file_failures() {
    let cut = "DATE11/28/2026 06:00\n7ABC123 CA3420181105\n";
    assert_eq!(whole(Format::CaDojClew, cut.as_bytes()), (Code::TruncatedFile, Some(3)));
    let wrong = CLEW.replace("0000002", "0000003");
    assert_eq!(
        whole(Format::CaDojClew, wrong.as_bytes()),
        (Code::RecordCountMismatch, Some(4))
    );
    let garbage = CLEW.replace("0000002", "00000x2");
    assert_eq!(
        whole(Format::CaDojClew, garbage.as_bytes()).0,
        Code::RecordCountMismatch
    );
    let after = format!("{CLEW}8ABC123 CA3420181105\n");
    assert_eq!(
        whole(Format::CaDojClew, after.as_bytes()),
        (Code::RecordCountMismatch, Some(5))
    );
    let no_header = CLEW.replace("DATE11/28/2026 06:00", "11/28/2026 06:00");
    assert_eq!(
        whole(Format::CaDojClew, no_header.as_bytes()),
        (Code::InvalidHeader, Some(1))
    );
    let bad_shape = CLEW.replace("DATE11/28/2026 06:00", "DATE11/28/26 06:00");
    assert_eq!(
        whole(Format::CaDojClew, bad_shape.as_bytes()),
        (Code::InvalidHeader, Some(1))
    );
    let bad_date = CLEW.replace("DATE11/28/2026 06:00", "DATE02/30/2026 06:00");
    assert_eq!(
        whole(Format::CaDojClew, bad_date.as_bytes()),
        (Code::InvalidDate, Some(1))
    );
    let bad_time = CLEW.replace("DATE11/28/2026 06:00", "DATE11/28/2026 24:00");
    assert_eq!(
        whole(Format::CaDojClew, bad_time.as_bytes()),
        (Code::InvalidDate, Some(1))
    );
    let empty = "DATE11/28/2026 06:00\nTOTAL RECORD 0000000\n";
    assert_eq!(whole(Format::CaDojClew, empty.as_bytes()), (Code::NoRecords, Some(2)));
    assert_eq!(
        whole(Format::CaDojClew, b"DATE11/28/2026 06:00\n"),
        (Code::TruncatedFile, Some(2))
    );
}

#[test]
fn clew_record_rejections() {
    let long = format!("7ABC124 CA3420181105{}", " X".repeat(200));
    let text = format!(
        "DATE11/28/2026 06:00\n7ABC123 CA3420260230\nSHORT   CA34\n{long}\n7ABC125 CA\u{0}420181105\n7ABC126 CA=120181105\nUNK     CA3420181105\n7ABC127 ZZ3420181105\nTOTAL RECORD 0000007\n"
    );
    assert_eq!(
        rejections(Format::CaDojClew, &text),
        vec![
            (2, 13, Code::InvalidDate),
            (3, 13, Code::ShortRecord),
            (4, 257, Code::LineTooLong),
            (5, 11, Code::InvalidField),
            (6, 11, Code::FormulaInjection),
            (7, 1, Code::PlaceholderPlate),
            (8, 9, Code::InvalidJurisdiction),
        ]
    );
}

/// A NUL fails the rule of the field it is in (R-LIST-6: a field that fails its rule is rejected
/// with that rule's code): R-NORM-5 names NUL among the characters a plate refuses, a state with
/// one is no jurisdiction, a date with one no date. Only a free-text cell, which no rule checks,
/// gives `invalid_field`.
#[test]
fn nul_fails_the_rule_of_its_field() {
    let csv = "plate,state,color,year\n7AB\u{0}C,CA,,\n7ABC124,C\u{0}A,,\n7ABC125,CA,R\u{0}D,\n7ABC126,CA,,2\u{0}19\n";
    assert_eq!(
        rejections(Format::Csv, csv),
        vec![
            (2, 1, Code::InvalidCharacter),
            (3, 2, Code::InvalidJurisdiction),
            (4, 3, Code::InvalidField),
            (5, 4, Code::InvalidField),
        ]
    );
    let clew = "DATE11/28/2026 06:00\n7A\u{0}C124 CA3420181105\n7ABC125 \u{0}A3420181105\n7ABC126 CA342018\u{0}105\n7ABC127 CA\u{0}420181105\nTOTAL RECORD 0000004\n";
    assert_eq!(
        rejections(Format::CaDojClew, clew),
        vec![
            (2, 1, Code::InvalidCharacter),
            (3, 9, Code::InvalidJurisdiction),
            (4, 13, Code::InvalidDate),
            (5, 11, Code::InvalidField),
        ]
    );
    let ncic = |at: usize| {
        let mut r = "V123456789LA057020020190509AB123456  CA2009MC2009YAMACYLMCBLK".to_owned();
        r.replace_range(at..=at, "\u{0}");
        r
    };
    let text = [ncic(0), ncic(5), ncic(29), ncic(38), ncic(44), ncic(50)].join("\n");
    assert_eq!(
        rejections(Format::NcicExtract, &text),
        vec![
            (1, 1, Code::InvalidCategory),
            (2, 6, Code::InvalidField),
            (3, 28, Code::InvalidCharacter),
            (4, 38, Code::InvalidJurisdiction),
            (5, 44, Code::InvalidPlateType),
            (6, 51, Code::InvalidField),
        ]
    );
}

#[test]
fn too_many_rejected_counts_parser_rejections() {
    let text = "DATE11/28/2026 06:00\n7ABC123 CA3420181105\n7ABC124 CA3420260230\nTOTAL RECORD 0000002\n";
    let e = load_bytes(
        Format::CaDojClew,
        text.as_bytes(),
        meta(ListKind::Standard),
        None,
        &Policy::sacramento(),
    )
    .unwrap_err();
    assert_eq!(e.code(), Code::TooManyRejected);
}

/// Regression: a CSV file of white space that the decoder's blank test did not know (a vertical
/// tab, an em space) made the header search loop forever at the end of the input.
#[test]
fn whitespace_only_files_are_empty_not_a_hang() {
    for fmt in [Format::Csv, Format::CaDojClew, Format::NcicExtract] {
        for text in [&b"\x0b"[..], "\u{2003}\n".as_bytes(), b"\n\x0b\n\x0c"] {
            assert_eq!(load(fmt, text).unwrap_err().code(), Code::EmptyFile, "{fmt:?} {text:?}");
        }
        // White space around a separator is a (bad) record, never a hang.
        if let Ok((v, report)) = load(fmt, b"\x0b,\x0b") {
            assert!(v.entries().is_empty() && report.accepted == 0);
        }
    }
}

#[test]
fn decoding() {
    assert_eq!(whole(Format::Csv, b""), (Code::EmptyFile, None));
    assert_eq!(
        whole(Format::NcicExtract, b"\xEF\xBB\xBF \r\n\n"),
        (Code::EmptyFile, None)
    );
    let bad = b"plate\n7ABC123\n7AB\xFFC124\n";
    let e = load(Format::Csv, bad).unwrap_err();
    assert_eq!(
        (e.code(), e.position().line, e.position().column),
        (Code::InvalidUtf8, Some(3), Some(4))
    );
}

#[test]
fn csv_columns_quoting_and_attributes() {
    let text = "Plate,State,type,category,record_id,make,model,color,year,expires_at,notes\r\n\
                \"7ABC123\",CA,PC,,\"V1,23\",\"Hon\"\"da\",Civic,BLK,2009,2026-12-01T00:00:00Z,\"two\nlines\"\r\n\
                \r\n\
                8XYZ999,NV\r\n";
    let (v, r) = load(Format::Csv, text.as_bytes()).unwrap();
    assert_eq!((r.accepted, r.rejected.len()), (2, 0));
    let e = &v.entries()[0];
    assert_eq!(e.record_id.as_deref(), Some("V1,23"));
    assert_eq!(e.vehicle().make.as_deref(), Some("Hon\"da"));
    assert_eq!(e.vehicle().year, Some(2009));
    assert_eq!(e.category, Category::StolenVehicle, "empty category takes the load's");
    assert_eq!(e.attributes.get("notes"), Some("two\nlines"));
    assert!(e.expires_at.is_some());
    let (v, _) = load_bytes(
        Format::Csv,
        b"plate\n7ABC123\n",
        meta(ListKind::Standard),
        None,
        &lenient(),
    )
    .unwrap();
    assert_eq!(v.entries()[0].category, Category::Other);
}

#[test]
fn csv_whole_file_failures() {
    assert_eq!(
        whole(Format::Csv, b"state,category\nCA,x\n"),
        (Code::MissingColumn, Some(1))
    );
    assert_eq!(whole(Format::Csv, b"\n\nstate\nCA\n"), (Code::MissingColumn, Some(3)));
    assert_eq!(whole(Format::Csv, b"plate,state\n"), (Code::NoRecords, Some(1)));
    assert_eq!(
        whole(Format::Csv, b"plate,Plate\n7ABC123,x\n"),
        (Code::InvalidHeader, Some(1))
    );
    assert_eq!(whole(Format::Csv, b"\"plate\n"), (Code::InvalidHeader, Some(1)));
    assert_eq!(
        whole(Format::Csv, b"pl\0ate,plate\nx,y\n"),
        (Code::InvalidHeader, Some(1))
    );
    let long = format!("plate,{}\n7ABC123\n", "x".repeat(MAX_CSV_RECORD));
    assert_eq!(whole(Format::Csv, long.as_bytes()), (Code::LineTooLong, Some(1)));
}

#[test]
fn csv_record_rejections() {
    let long = "y".repeat(MAX_CSV_RECORD);
    let text = format!(
        "plate,state,make,year,expires_at,note\n\
         7ABC101,CA,=HYPERLINK(1),,,\n\
         7ABC102,CA,,20x9,,\n\
         7ABC103,CA,,,,@cmd\n\
         7ABC104,CA,,,,,extra\n\
         7ABC105,CA,a\"b,,,\n\
         \"7ABC106\"x,CA,,,,\n\
         7ABC107,CA,,,,\"{long}\"\n\
         7ABC108,C\0A,,,,\n\
         7ABC109,CA,,,2026-02-30T00:00:00Z,\n\
         7ABC110,XX,,,,\n\
         7ABC111,CA,,,,\"unterminated\n"
    );
    assert_eq!(
        rejections(Format::Csv, &text),
        vec![
            (2, 3, Code::FormulaInjection),
            (3, 4, Code::InvalidField),
            (4, 6, Code::FormulaInjection),
            (5, 7, Code::InvalidField),
            (6, 3, Code::InvalidField),
            (7, 1, Code::InvalidField),
            (8, 6, Code::LineTooLong),
            // A NUL in the state fails the state's rule.
            (9, 2, Code::InvalidJurisdiction),
            (10, 5, Code::InvalidDate),
            (11, 2, Code::InvalidJurisdiction),
            (12, 6, Code::InvalidField),
        ]
    );
}

#[test]
fn csv_multiline_records_keep_their_first_line() {
    let text = "plate,note\n7ABC123,\"a\nb\nc\"\nUNK,x\n";
    assert_eq!(rejections(Format::Csv, text), vec![(5, 1, Code::PlaceholderPlate)]);
}

/// A quoted blank plate is a record with an empty plate (R-NORM-6), rejected on its line; only a
/// line with nothing but white space is a blank line, skipped.
#[test]
fn csv_quoted_blank_field_is_a_record_not_a_blank_line() {
    let text = "plate\n\"   \"\n7ABC123\n\"\"\r\n  \t\n8XYZ999\n";
    assert_eq!(
        rejections(Format::Csv, text),
        vec![(2, 1, Code::Empty), (4, 1, Code::Empty)]
    );
    let (v, r) = load(Format::Csv, text.as_bytes()).unwrap();
    assert_eq!((v.entries().len(), r.rejected.len()), (2, 2));
    // A quoted blank header cell names no plate column: not a blank line before the header.
    assert_eq!(whole(Format::Csv, b"\"\"\nplate\n7ABC123\n").0, Code::MissingColumn);
}

#[test]
fn csv_patterns_follow_the_kind() {
    let text = b"pattern,category\n7AB*,investigation\n";
    let (_, r) = load_bytes(Format::Csv, text, meta(ListKind::Special), None, &lenient()).unwrap();
    assert_eq!(r.accepted, 1);
    let (_, r) = load(Format::Csv, text).unwrap();
    assert_eq!(r.rejected[0].code, Code::PatternNotAllowed);
    assert_eq!(r.rejected[0].position.column, Some(1));
}

const NCIC: &str = "V123456789LA057020020190509AB123456  CA2009MC2009YAMACYLMCBLK\n";

#[test]
fn ncic_reads_fixed_columns() {
    let (v, r) = load(Format::NcicExtract, NCIC.as_bytes()).unwrap();
    assert_eq!(r.accepted, 1);
    let e = &v.entries()[0];
    assert_eq!(e.key.to_string(), "AB123456");
    assert_eq!(e.plate_type.unwrap().as_str(), "MC");
    assert_eq!(e.record_id.as_deref(), Some("V123456789"));
    assert_eq!(e.vehicle().year, Some(2009));
    assert_eq!(e.vehicle().style.as_deref(), Some("MC"));
    assert_eq!(e.vehicle().color.as_deref(), Some("BLK"));
    assert_eq!(e.attributes.get("ori"), Some("LA0570200"));
    assert_eq!(e.attributes.get("liy"), Some("2009"));
    let oh = NCIC.replacen("CA2009", "0H2009", 1).replacen("V1234", "W1234", 1);
    let (v, _) = load(Format::NcicExtract, oh.as_bytes()).unwrap();
    assert_eq!(v.entries()[0].jurisdiction.unwrap().as_str(), "OH");
    assert_eq!(v.entries()[0].category, Category::WantedPerson);
    // A record cut after the state is complete enough.
    let (v, _) = load(Format::NcicExtract, &NCIC.as_bytes()[..39]).unwrap();
    assert!(v.entries()[0].vehicle.is_none());
}

#[test]
fn ncic_record_rejections() {
    let lines = [
        NCIC.trim_end().to_owned(),
        NCIC[..38].to_owned(),
        NCIC.replacen('V', "Q", 1).trim_end().to_owned(),
        NCIC.replacen("20190509", "20190230", 1).trim_end().to_owned(),
        NCIC.replacen("2009YAMA", "20x9YAMA", 1).trim_end().to_owned(),
        NCIC.replacen("YAMA", "+SUM", 1).trim_end().to_owned(),
        format!("{}{}", NCIC.trim_end(), "K".repeat(300)),
        NCIC.replacen("AB12", "AB\u{0}2", 1).trim_end().to_owned(),
        NCIC.replacen("CA2009", "QQ2009", 1).trim_end().to_owned(),
    ];
    let text = lines.join("\n");
    assert_eq!(
        rejections(Format::NcicExtract, &text),
        vec![
            (2, 39, Code::ShortRecord),
            (3, 1, Code::InvalidCategory),
            (4, 20, Code::InvalidDate),
            (5, 46, Code::InvalidField),
            (6, 50, Code::FormulaInjection),
            (7, 257, Code::LineTooLong),
            // A NUL in the plate is R-NORM-5's invalid character, on the plate's column.
            (8, 28, Code::InvalidCharacter),
            (9, 38, Code::InvalidJurisdiction),
        ]
    );
}

#[test]
fn ncic_list_codes_are_the_spec_table() {
    // §2.1, written out independently of `Category::from_ncic_list_code`.
    let table = [
        (b'A', Category::AmberAlert),
        (b'C', Category::SupervisedRelease),
        (b'F', Category::FelonyVehicle),
        (b'H', Category::ProtectionOrder),
        (b'K', Category::ProtectiveInterest),
        (b'L', Category::ViolentPerson),
        (b'M', Category::MissingPerson),
        (b'N', Category::ImmigrationViolator),
        (b'P', Category::StolenPlate),
        (b'R', Category::StolenVehicle),
        (b'T', Category::GangOrTerrorist),
        (b'V', Category::StolenVehicle),
        (b'W', Category::WantedPerson),
        (b'X', Category::SexOffender),
    ];
    for letter in b'A'..=b'Z' {
        let line = format!("{}{}", letter as char, &NCIC[1..]);
        let (v, r) = load(Format::NcicExtract, line.as_bytes()).unwrap();
        match table.iter().find(|(l, _)| *l == letter) {
            Some((_, want)) => assert_eq!(v.entries()[0].category, *want, "{}", letter as char),
            None => assert_eq!(r.rejected[0].code, Code::InvalidCategory, "{}", letter as char),
        }
    }
    // The gang/terrorist member code is never labelled `terrorism`.
    assert_eq!(Category::from_ncic_list_code(b'T'), Some(Category::GangOrTerrorist));
}

#[test]
fn forbidden_ncic_records_are_excluded_without_failing_the_load() {
    // R-LIST-8: with the default 1 % limit, excluding every immigration record (`N`) is the
    // policy working, not a defective file; one truly bad record among 200 is within the limit.
    let policy = Policy {
        forbidden_categories: vec![Category::ImmigrationViolator],
        ..Policy::sacramento()
    };
    let mut lines: Vec<String> = (0..100)
        .map(|i| NCIC.replacen('V', "N", 1).replacen("AB123456", &format!("IM{i:06}"), 1))
        .collect();
    lines.extend((0..99).map(|i| NCIC.replacen("AB123456", &format!("SV{i:06}"), 1)));
    lines.push(NCIC.replacen("AB12", "AB/2", 1));
    let text = lines.concat();
    let (v, r) = load_bytes(
        Format::NcicExtract,
        text.as_bytes(),
        meta(ListKind::Standard),
        None,
        &policy,
    )
    .unwrap();
    assert_eq!((v.entries().len(), r.accepted), (99, 99));
    let forbidden = r.rejected.iter().filter(|x| x.code == Code::CategoryForbidden).count();
    assert_eq!((forbidden, r.rejected.len()), (100, 101));
    assert_eq!(r.rejected[0].position.line, Some(1));
    // Three bad records of 200 are over 1 %, however many others were excluded.
    lines[120] = NCIC.replacen("AB12", "AB*2", 1);
    lines[150] = NCIC.replacen("AB12", "AB?2", 1);
    let e = load_bytes(
        Format::NcicExtract,
        lines.concat().as_bytes(),
        meta(ListKind::Standard),
        None,
        &policy,
    )
    .err()
    .map(|e| e.code());
    assert_eq!(e, Some(Code::TooManyRejected));
}

#[test]
fn non_ascii_fixed_columns_count_characters() {
    // An É in the ORI shifts bytes but not characters.
    let text = NCIC.replacen("LA057", "LÉ057", 1);
    let (v, _) = load(Format::NcicExtract, text.as_bytes()).unwrap();
    assert_eq!(v.entries()[0].key.to_string(), "AB123456");
}

#[test]
fn parse_bytes_collects_without_validating() {
    let p = parse_bytes(Format::CaDojClew, CLEW.as_bytes(), &Policy::sacramento()).unwrap();
    assert_eq!(p.raws.len(), 2);
    assert_eq!(p.positions[1].line, Some(3));
    assert!(p.generated_at.is_some());
    assert_eq!(
        Format::from_number(Format::NcicExtract.number()),
        Some(Format::NcicExtract)
    );
    assert_eq!(Format::parse("ca_doj_clew").unwrap(), Format::CaDojClew);
}

proptest! {
    #[test]
    fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        for f in Format::ALL {
            let _ = load(*f, &bytes);
        }
    }

    #[test]
    fn parsers_never_panic_on_near_valid_text(
        lines in proptest::collection::vec("[ -~\"\r,0-9A-Z\u{e9}]{0,70}", 0..8),
    ) {
        let body = lines.join("\n");
        for (f, text) in [
            (Format::Csv, format!("plate,state,year,note\n{body}")),
            (Format::CaDojClew, format!("DATE11/28/2026 06:00\n{body}\nTOTAL RECORD 0000003\n")),
            (Format::NcicExtract, body.clone()),
        ] {
            if let Ok((v, r)) = load(f, text.as_bytes()) {
                prop_assert_eq!(v.entries().len(), r.accepted);
            }
        }
    }
}

thread_local! {
    /// Loads that went through with chunks on several threads (not read again serially).
    pub(super) static PARALLEL_LOADS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A load's outcome in comparable form: the entries, the report, or the failure's code, line,
/// column and detail.
#[allow(clippy::type_complexity)]
fn outcome(
    r: Result<(ListVersion, LoadReport)>,
) -> std::result::Result<(Vec<crate::hotlist::Entry>, LoadReport, String), (Code, Position, String)> {
    r.map(|(v, report)| (v.entries().to_vec(), report, index_print(&v)))
        .map_err(|e| (e.code(), e.position(), e.to_string()))
}

/// What a version's index says: its sizes, and for every plate entry the look-alike group its
/// key finds (entry ids, plates and attribute flags, in order).
fn index_print(v: &ListVersion) -> String {
    use std::fmt::Write;
    let index = v.index();
    let mut out = format!("{index:?}");
    for e in v.entries() {
        if let crate::pattern::PlateOrPattern::Plate(p) = &e.key {
            index.lookalikes(index.params().confusion.key(*p), |id, q, attrs| {
                let _ = write!(out, " {id}:{}:{attrs}", q.packed());
            });
            out.push(';');
        }
    }
    out
}

fn load_chunked(text: &[u8], policy: &Policy, threads: usize, min_chunk: usize) -> Result<(ListVersion, LoadReport)> {
    load_counted(text, policy, threads, min_chunk).0
}

/// [`load_chunked`], and the records its counter saw.
fn load_counted(
    text: &[u8],
    policy: &Policy,
    threads: usize,
    min_chunk: usize,
) -> (Result<(ListVersion, LoadReport)>, usize) {
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let loaded = load_in_chunks(
        Format::Csv,
        text,
        meta(ListKind::HotPlate),
        Some(Category::StolenVehicle),
        policy,
        LoadOptions::with_threads(threads).counting(&counter),
        min_chunk,
    );
    (loaded, counter.into_inner())
}

/// One CSV record line of the equivalence test (no line end): good rows from a few plates (so
/// duplicates fall in different chunks), with expiries to merge; bad rows of every kind; blank
/// lines; quoted fields, some holding line ends or doubled quotes.
fn csv_row(kind: u8, plate: usize, expiry: u8) -> String {
    let plates = ["7ABC123", "8XYZ999", "EV7474", "5AAA111", "7ABC12*", "1B?D2"];
    let p = plates[plate % plates.len()];
    let exp = match expiry % 4 {
        0 => String::new(),
        d => format!("2026-12-0{d}T00:00:00Z"),
    };
    let (plate_col, pattern_col) = if p.contains(['*', '?']) { ("", p) } else { (p, "") };
    match kind % 14 {
        0..=4 => format!("{plate_col},{pattern_col},CA,stolen_vehicle,R{plate},{exp}"),
        5 => format!("{plate_col},{pattern_col},NV,,\"R,{plate}\",{exp}"),
        6 => format!("\"{plate_col}\",{pattern_col},CA,stolen_vehicle,\"multi\nline\",{exp}"),
        7 => format!("{plate_col},{pattern_col},CA,stolen_vehicle,\"quote \"\"{plate}\"\"\",{exp}"),
        8 => "UNK,,CA,stolen_vehicle,R,".to_owned(),
        9 => format!("{plate_col},{pattern_col},ZZ,stolen_vehicle,R,"),
        10 => format!("{plate_col},{pattern_col},CA,stolen_vehicle,=cmd(),"),
        11 => format!("{plate_col},{pattern_col},CA,stolen_vehicle,\"unterminated,{exp}"),
        12 => format!("{plate_col},{pattern_col},CA,stolen_vehicle,R,{exp},extra"),
        _ => String::new(),
    }
}

proptest! {
    /// A load cut into chunks on several threads gives what the serial load gives: the same
    /// entries in the same order, the same folded duplicates and expiries, the same rejections
    /// with their lines and columns, the same whole-file failures; whatever the cuts (line ends
    /// inside quoted fields across a cut included), line ends, byte-order mark and limit.
    #[test]
    fn a_parallel_csv_load_is_the_serial_load(
        rows in proptest::collection::vec((any::<u8>(), 0usize..6, any::<u8>()), 0..60),
        crlf in any::<bool>(),
        bom in any::<bool>(),
        leading_blank in any::<bool>(),
        threads in 2usize..6,
        min_chunk in 1usize..80,
        strict in any::<bool>(),
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        if leading_blank {
            text.push_str(end);
        }
        text.push_str("plate,pattern,state,category,record_id,expires_at");
        for (kind, plate, expiry) in &rows {
            text.push_str(end);
            text.push_str(&csv_row(*kind, *plate, *expiry));
        }
        if rows.len() % 2 == 0 {
            text.push_str(end);
        }
        let policy = if strict { Policy { max_rejected_fraction: 0.2, ..Policy::sacramento() } } else { lenient() };
        let (serial, serial_count) = load_counted(text.as_bytes(), &policy, 1, min_chunk);
        let (parallel, parallel_count) = load_counted(text.as_bytes(), &policy, threads, min_chunk);
        prop_assert_eq!(outcome(parallel), outcome(serial));
        // Chunks read again serially (a quoted line end across a cut) are not counted twice.
        prop_assert_eq!(parallel_count, serial_count);
    }
}

#[test]
fn a_load_counts_its_records_for_progress() {
    use std::fmt::Write as _;
    // 10,000 records (more than two rounds of COUNT_EVERY), blank lines and a rejected record
    // among them: every record counts, kept or rejected; the header and blank lines do not.
    let mut text = String::from("plate,category\n");
    for i in 0..10_000u32 {
        if i % 1000 == 0 {
            text.push('\n');
        }
        if i == 5 {
            text.push_str("NOPLATE,stolen_vehicle\n");
        } else {
            let _ = writeln!(text, "{}AB{:04},stolen_vehicle", i % 10, i);
        }
    }
    for threads in [1, 2, 3] {
        let (loaded, counted) = load_counted(text.as_bytes(), &lenient(), threads, 4096);
        let (_, report) = loaded.unwrap();
        assert_eq!((report.rejected.len(), counted), (1, 10_000), "{threads} threads");
    }
    // The public path: the counter is only added to, so one counter follows two loads.
    let counter = std::sync::atomic::AtomicUsize::new(7);
    for _ in 0..2 {
        load_bytes_with(
            Format::Csv,
            text.as_bytes(),
            meta(ListKind::HotPlate),
            None,
            &lenient(),
            LoadOptions::default().counting(&counter),
        )
        .unwrap();
    }
    assert_eq!(counter.into_inner(), 7 + 20_000);
    assert_eq!(LoadOptions::default(), LoadOptions::with_threads(0));
    assert_ne!(
        LoadOptions::default(),
        LoadOptions::default().counting(&std::sync::atomic::AtomicUsize::new(0))
    );
}

#[test]
fn a_parallel_csv_load_uses_its_chunks() {
    // Many duplicates across the cuts, rejections in every chunk, no quoted line ends: the
    // chunks are kept (not read again serially) and the result is the serial one.
    let mut text = String::from("plate,pattern,state,category,record_id,expires_at\n");
    for i in 0..400u32 {
        let row = csv_row((i % 13) as u8, (i * 7 % 6) as usize, (i % 5) as u8);
        if !row.contains('\n') {
            text.push_str(&row);
            text.push('\n');
        }
    }
    let before = PARALLEL_LOADS.with(std::cell::Cell::get);
    let serial = outcome(load_chunked(text.as_bytes(), &lenient(), 1, 64));
    let parallel = outcome(load_chunked(text.as_bytes(), &lenient(), 4, 64));
    assert_eq!(PARALLEL_LOADS.with(std::cell::Cell::get), before + 1);
    let (entries, report, _) = serial.clone().unwrap();
    assert!(report.merged > 100 && !report.rejected.is_empty() && !entries.is_empty());
    assert_eq!(parallel, serial);
    // Through the public entry point, chunks of at least `MIN_CHUNK`: the same.
    let public = load_bytes_with(
        Format::Csv,
        text.as_bytes(),
        meta(ListKind::HotPlate),
        Some(Category::StolenVehicle),
        &lenient(),
        LoadOptions::with_threads(2),
    );
    assert_eq!(outcome(public), parallel);
}
