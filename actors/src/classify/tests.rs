//! Column-level tests of the tier-1 classifier.

use super::*;
use crate::domain::ClassificationType as T;

fn classify(values: &[Option<&str>]) -> Vec<Classification> {
    let owned: Vec<Option<String>> = values.iter().map(|v| v.map(str::to_owned)).collect();
    PatternClassifier::new().classify(&ColumnSample {
        name: "col",
        data_type: "TEXT",
        values: &owned,
    })
}

fn classify_str(values: &[&str]) -> Vec<Classification> {
    let v: Vec<Option<&str>> = values.iter().map(|s| Some(*s)).collect();
    classify(&v)
}

fn types(out: &[Classification]) -> Vec<T> {
    out.iter().map(|c| c.type_id).collect()
}

/// Appends the Luhn check digit to `body`.
fn with_luhn(body: &str) -> String {
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|s| validators::luhn(s))
        .expect("one check digit fits")
}

/// Deterministic pseudo-random numbers for generated columns.
fn lcg(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    *seed >> 33
}

fn assert_single(values: &[&str], want: T) -> Classification {
    let out = classify_str(values);
    assert_eq!(types(&out), vec![want], "{values:?} gave {out:?}");
    let c = out.into_iter().next().expect("one classification");
    assert_eq!(c.tiers, vec![Tier::Pattern]);
    assert_eq!(c.level, Level::from_confidence(c.confidence));
    assert!(
        !values.iter().any(|v| v.trim() == c.evidence),
        "evidence {:?} is a raw value",
        c.evidence
    );
    c
}

#[test]
fn classifier_is_send_sync_and_default() {
    fn assert_send_sync<X: Send + Sync>() {}
    assert_send_sync::<PatternClassifier>();
    let _ = PatternClassifier::default();
}

#[test]
fn email_column() {
    let c = assert_single(
        &[
            "alice@example.com",
            "bob.smith@mail.co.uk",
            "carol+news@example.org",
            "dave@example.io",
            "eve@corp.example",
        ],
        T::EmailAddress,
    );
    assert_eq!(c.confidence, 0.99);
    assert_eq!(c.level, Level::High);
    assert_eq!(c.evidence, "a***@example.com");
}

#[test]
fn phone_column_with_mixed_formats() {
    let c = assert_single(
        &[
            "(555) 123-4567",
            "555-123-4567",
            "555.123.4567",
            "+1 555 123 4567",
            "+44 20 7946 0958",
            "020 7946 0958",
            "+33 1 23 45 67 89",
            "06 12 34 56 78",
        ],
        T::PhoneNumber,
    );
    assert_eq!(c.confidence, 0.85);
    assert_eq!(c.evidence, "(***) ***-**67");
}

#[test]
fn credit_card_column() {
    let c = assert_single(
        &[
            "4111111111111111",
            "5500 0000 0000 0004",
            "3782-822463-10005",
            "6011111111111117",
            "3530111333300000",
            "2221000000000009",
        ],
        T::CreditCardNumber,
    );
    assert_eq!(c.confidence, 0.99);
    assert_eq!(c.evidence, "4111********1111");
}

#[test]
fn iban_column() {
    let c = assert_single(
        &[
            "GB82WEST12345698765432",
            "DE89 3704 0044 0532 0130 00",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
            "BE68539007547034",
        ],
        T::IbanCode,
    );
    assert_eq!(c.confidence, 0.99);
    assert_eq!(c.evidence, "GB82**************5432");
}

#[test]
fn ssn_column() {
    let c = assert_single(
        &[
            "123-45-6789",
            "536-22-1234",
            "078-12-3456",
            "219-09-9998",
            "401-33-7777",
        ],
        T::UsSocialSecurityNumber,
    );
    assert_eq!(c.confidence, 0.9);
    assert_eq!(c.evidence, "***-**-6789");
}

#[test]
fn ip_column_v4_and_v6() {
    let c = assert_single(
        &[
            "192.168.1.10",
            "10.0.0.42",
            "172.16.254.1",
            "2001:db8::1",
            "fe80::1ff:fe23:4567:890a",
            "8.8.4.40",
        ],
        T::IpAddress,
    );
    assert_eq!(c.confidence, 0.95);
    assert_eq!(c.evidence, "192.168.*.*");
}

#[test]
fn mac_column() {
    let c = assert_single(
        &[
            "00:1A:2B:3C:4D:5E",
            "AC:DE:48:00:11:22",
            "3c-22-fb-01-02-03",
            "001a.2b3c.4d5e",
            "F0:18:98:AA:BB:CC",
        ],
        T::MacAddress,
    );
    assert_eq!(c.evidence, "00:1A:2B:**:**:**");
}

#[test]
fn url_column() {
    let c = assert_single(
        &[
            "https://example.com/reset?token=s3cr3t",
            "http://shop.example.org/cart/42",
            "https://api.example.io/v1/users",
            "https://example.net",
            "http://localhost:8080/health",
        ],
        T::Url,
    );
    assert_eq!(c.evidence, "https://example.com");
}

/// Completes a 9-digit body with its NHS mod 11 check digit, when one exists.
fn with_nhs(body: u64) -> Option<String> {
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|s| validators::nhs_number(s))
}

#[test]
fn nhs_column_is_not_also_a_phone() {
    let bare: Vec<String> = (0..40)
        .filter_map(|i| with_nhs(400_000_000 + i * 7_919_993))
        .collect();
    assert!(bare.len() >= 30);
    // Written 3-3-4 these are phone-shaped too; the mod 11 check decides.
    let spaced: Vec<String> = bare
        .iter()
        .map(|s| format!("{} {} {}", &s[..3], &s[3..6], &s[6..]))
        .collect();
    for (column, first) in [(&bare, &bare[0]), (&spaced, &spaced[0])] {
        let refs: Vec<&str> = column.iter().map(String::as_str).collect();
        let c = assert_single(&refs, T::UkNhsNumber);
        assert_eq!(c.confidence, 0.9);
        assert_eq!(c.evidence, mask(T::UkNhsNumber, first));
    }
    assert_eq!(with_nhs(943_476_591).as_deref(), Some("9434765919"));
}

#[test]
fn swift_column() {
    let c = assert_single(
        &[
            "DEUTDEFF",
            "NWBKGB2L",
            "COBADEFFXXX",
            "BNPAFRPP",
            "CHASUS33",
        ],
        T::SwiftCode,
    );
    assert_eq!(c.level, Level::Medium);
}

#[test]
fn routing_numbers_are_low_precision_and_fallback_only() {
    let c = assert_single(
        &[
            "011000015",
            "021000021",
            "122105155",
            "026009593",
            "011000015",
            "021000021",
        ],
        T::UsBankRoutingNumber,
    );
    assert_eq!(c.confidence, 0.6);
    assert_eq!(c.level, Level::Medium);

    // Alongside another qualifying type, routing numbers are not reported.
    let out = classify_str(&[
        "011000015",
        "021000021",
        "122105155",
        "555-123-4567",
        "+44 20 7946 0958",
        "(555) 123-4567",
    ]);
    assert_eq!(types(&out), vec![T::PhoneNumber]);
}

#[test]
fn false_positive_columns_give_nothing() {
    let mut seed = 7u64;
    let mut columns: Vec<(&str, Vec<String>)> = Vec::new();
    let days: Vec<String> = (1..=28).map(|d| format!("2024-01-{d:02}")).collect();
    columns.push(("dates", days.clone()));
    columns.push((
        "us dates",
        (1..=28).map(|d| format!("01-{d:02}-2024")).collect(),
    ));
    columns.push((
        "eu dates",
        (1..=28).map(|d| format!("{d:02}.01.2024")).collect(),
    ));
    columns.push((
        "datetimes",
        days.iter().map(|d| format!("{d} 10:22:03")).collect(),
    ));
    columns.push((
        "iso timestamps",
        days.iter().map(|d| format!("{d}T10:22:03.123Z")).collect(),
    ));
    columns.push(("times", (0..24).map(|h| format!("{h:02}:15:00")).collect()));
    columns.push((
        "unix seconds",
        (0..50)
            .map(|i| (1_705_312_923 + i * 3_607).to_string())
            .collect(),
    ));
    columns.push((
        "unix millis",
        (0..50)
            .map(|i| (1_705_312_923_000u64 + i * 3_607_123).to_string())
            .collect(),
    ));
    columns.push((
        "prices",
        ["19.99", "0.99", "1234.50", "5", "249.00", "12.5", "99.95"]
            .map(String::from)
            .to_vec(),
    ));
    columns.push(("ids", (1..=200).map(|i| i.to_string()).collect()));
    columns.push((
        "9-digit ids",
        (100_000_000..100_000_200)
            .map(|i: u64| i.to_string())
            .collect(),
    ));
    columns.push((
        "10-digit ids",
        (4_000_000_000u64..4_000_000_200)
            .map(|i| i.to_string())
            .collect(),
    ));
    columns.push((
        "16-digit ids",
        (4_000_000_000_000_000u64..4_000_000_000_000_200)
            .map(|i| i.to_string())
            .collect(),
    ));
    columns.push((
        "random 9-digit",
        (0..200)
            .map(|_| format!("{:09}", lcg(&mut seed) % 1_000_000_000))
            .collect(),
    ));
    columns.push((
        "random 10-digit",
        (0..200)
            .map(|_| format!("{:010}", lcg(&mut seed) % 10_000_000_000))
            .collect(),
    ));
    columns.push((
        "skus",
        (10_000..10_050).map(|i| format!("SKU-{i}")).collect(),
    ));
    columns.push((
        "versions",
        [
            "1.2.3",
            "0.9.1",
            "2.0.0",
            "10.4.12",
            "1.0.0-beta.1",
            "v3.2.1",
        ]
        .map(String::from)
        .to_vec(),
    ));
    columns.push((
        "4-part versions",
        [
            "1.0.0.0",
            "2.3.1.0",
            "1.2.3.4",
            "4.0.30319.42000",
            "0.1.2.3",
        ]
        .map(String::from)
        .to_vec(),
    ));
    columns.push((
        "uuids",
        (0..50)
            .map(|_| {
                let (a, b) = (lcg(&mut seed), lcg(&mut seed));
                format!(
                    "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
                    a,
                    b & 0xffff,
                    a & 0xfff,
                    b & 0xfff,
                    (a * b) & 0xffff_ffff_ffff
                )
            })
            .collect(),
    ));
    columns.push((
        "md5",
        (0..50)
            .map(|_| {
                format!(
                    "{:016x}{:016x}",
                    lcg(&mut seed) * lcg(&mut seed),
                    lcg(&mut seed) * lcg(&mut seed)
                )
            })
            .collect(),
    ));
    columns.push((
        "upper hex",
        (0..50)
            .map(|_| format!("{:08X}", lcg(&mut seed) & 0xffff_ffff))
            .collect(),
    ));
    columns.push((
        "sha256",
        (0..50)
            .map(|_| {
                (0..4)
                    .map(|_| format!("{:016x}", lcg(&mut seed) * lcg(&mut seed)))
                    .collect::<String>()
            })
            .collect(),
    ));
    columns.push((
        "zips",
        ["02134", "10001", "94105", "60601", "73301", "00501"]
            .map(String::from)
            .to_vec(),
    ));
    columns.push((
        "zip+4",
        [
            "02134-1234",
            "10001-0001",
            "94105-2241",
            "01002-4455",
            "06511-8899",
        ]
        .map(String::from)
        .to_vec(),
    ));
    columns.push((
        "zip9",
        [
            "021341234",
            "100010001",
            "941052241",
            "010024455",
            "065118899",
        ]
        .map(String::from)
        .to_vec(),
    ));
    columns.push((
        "orders",
        (0..50).map(|i| format!("ORD-2024-{i:04}")).collect(),
    ));
    columns.push((
        "order numbers",
        (0..50)
            .map(|i| format!("2024-{:06}", 1000 + i * 17))
            .collect(),
    ));
    columns.push((
        "po numbers",
        (0..50).map(|i| format!("#{}", 10_000 + i)).collect(),
    ));
    columns.push((
        "bare phone-length digits",
        (0..50)
            .map(|i| (5_551_234_000u64 + i).to_string())
            .collect(),
    ));
    columns.push((
        "statuses",
        [
            "active", "inactive", "pending", "PENDING", "DELETED", "ARCHIVED",
        ]
        .map(String::from)
        .to_vec(),
    ));
    columns.push((
        "names",
        ["Alice", "Bob", "Zoë", "Jean-Luc", "O'Brien"]
            .map(String::from)
            .to_vec(),
    ));
    columns.push((
        "booleans",
        ["true", "false", "1", "0", "yes"]
            .map(String::from)
            .to_vec(),
    ));
    columns.push((
        "coordinates",
        ["51.5074", "-0.1278", "48.8566", "2.3522", "40.7128"]
            .map(String::from)
            .to_vec(),
    ));
    columns.push((
        "isbn",
        ["978-3-16-148410-0", "978-0-306-40615-7", "0-306-40615-2"]
            .map(String::from)
            .to_vec(),
    ));
    columns.push((
        "times with ms",
        (0..20).map(|i| format!("10:22:{i:02}.123")).collect(),
    ));
    columns.push((
        "durations",
        ["00:01:30", "01:00:00", "12:30:45", "00:00:05"]
            .map(String::from)
            .to_vec(),
    ));

    for (name, values) in &columns {
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        let out = classify_str(&refs);
        assert!(out.is_empty(), "{name} column gave {out:?}");
    }
}

#[test]
fn mostly_emails_with_junk_is_still_email() {
    let mut values: Vec<String> = (0..80).map(|i| format!("user{i}@example.com")).collect();
    values.extend((0..20).map(|i| format!("n/a {i}")));
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    let out = classify_str(&refs);
    assert_eq!(types(&out), vec![T::EmailAddress]);
    assert!(out[0].level >= Level::Medium, "{out:?}");
    assert_eq!(out[0].confidence, 0.79);
}

#[test]
fn evidence_comes_from_the_first_matching_value() {
    let out = classify_str(&[
        "unknown",
        "-",
        "zed@example.com",
        "amy@example.com",
        "bo@example.com",
        "cy@example.com",
    ]);
    assert_eq!(out[0].evidence, "z***@example.com");
}

#[test]
fn below_threshold_gives_nothing() {
    let mut values: Vec<String> = (0..25).map(|i| format!("user{i}@example.com")).collect();
    values.extend((0..75).map(|i| format!("comment number {i}")));
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    assert!(classify_str(&refs).is_empty());
}

#[test]
fn nulls_and_blanks_are_ignored() {
    let mut values: Vec<Option<&str>> = vec![None; 90];
    values.extend(
        [
            "a@example.com",
            "b@example.com",
            "c@example.com",
            "d@example.com",
            "e@example.com",
        ]
        .map(Some),
    );
    values.extend([Some(""), Some("   "), Some("\t")]);
    let out = classify(&values);
    assert_eq!(types(&out), vec![T::EmailAddress]);
    assert_eq!(out[0].confidence, 0.99);

    assert!(classify(&[None, None, None]).is_empty());
    assert!(classify(&[Some(""), Some("  "), None]).is_empty());
    assert!(classify(&[]).is_empty());
}

#[test]
fn values_are_trimmed() {
    let out = classify_str(&[
        "  alice@example.com ",
        "\tbob@example.com\n",
        "carol@example.com  ",
        " d@example.com",
        "e@example.com",
    ]);
    assert_eq!(types(&out), vec![T::EmailAddress]);
    assert_eq!(out[0].evidence, "a***@example.com");
}

#[test]
fn small_samples_are_weaker_evidence() {
    let one = classify_str(&["alice@example.com"]);
    assert_eq!(one[0].confidence, 0.59);
    assert_eq!(one[0].level, Level::Low);
    let three = classify(&[
        Some("a@example.com"),
        None,
        Some("b@example.com"),
        Some("c@example.com"),
    ]);
    assert_eq!(three[0].confidence, 0.79);
    assert_eq!(three[0].level, Level::Medium);
    let five = classify_str(&[
        "a@example.com",
        "b@example.com",
        "c@example.com",
        "d@example.com",
        "e@example.com",
    ]);
    assert_eq!(five[0].level, Level::High);
}

#[test]
fn close_ratios_keep_both_types_sorted_by_confidence() {
    // A "contact" column: half e-mails, half phone numbers.
    let out = classify_str(&[
        "a@example.com",
        "555-123-4567",
        "b@example.com",
        "(555) 987-6543",
        "c@example.com",
        "+44 20 7946 0958",
    ]);
    assert_eq!(types(&out), vec![T::EmailAddress, T::PhoneNumber]);
    assert!(out[0].confidence > out[1].confidence);
    assert!(out.iter().all(|c| c.level == Level::Low));
}

#[test]
fn a_clearly_weaker_type_is_dropped() {
    let mut values: Vec<String> = (0..7).map(|i| format!("u{i}@example.com")).collect();
    values.extend(["555-123-4567", "555-123-4568", "555-123-4569"].map(String::from));
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    assert_eq!(types(&classify_str(&refs)), vec![T::EmailAddress]);
}

#[test]
fn generated_cards_are_found_and_random_digits_are_not() {
    let mut seed = 42u64;
    let cards: Vec<String> = (0..100)
        .map(|_| with_luhn(&format!("4{:014}", lcg(&mut seed) % 100_000_000_000_000)))
        .collect();
    let refs: Vec<&str> = cards.iter().map(String::as_str).collect();
    assert_eq!(types(&classify_str(&refs)), vec![T::CreditCardNumber]);

    let random: Vec<String> = (0..100)
        .map(|_| format!("4{:015}", lcg(&mut seed) % 1_000_000_000_000_000))
        .collect();
    let refs: Vec<&str> = random.iter().map(String::as_str).collect();
    assert!(classify_str(&refs).is_empty());
}

#[test]
fn evidence_is_never_a_raw_value_in_any_column() {
    let columns: &[&[&str]] = &[
        &["a@b.co", "c@d.io"],
        &["+14155552671", "+14155552672"],
        &["4111111111111111"],
        &["GB82WEST12345698765432"],
        &["123-45-6789"],
        &["::1", "10.0.0.10"],
        &["00:1A:2B:3C:4D:5E"],
        &["https://a.io", "http://b.io"],
        &["9434765919"],
        &["DEUTDEFF"],
        &["021000021"],
    ];
    for values in columns {
        let out = classify_str(values);
        assert!(!out.is_empty(), "{values:?}");
        for c in out {
            assert!(!values.contains(&c.evidence.as_str()), "{c:?}");
        }
    }
}

#[test]
fn odd_and_huge_values_do_not_panic() {
    let long_digits = "4".repeat(1_000_000);
    let long_text = "ü🦀".repeat(100_000);
    let long_email = format!("{}@example.com", "a".repeat(100_000));
    let values = [
        "🦀",
        "\u{0}",
        "(((",
        "+",
        "@",
        "://",
        "ⅯⅯⅩⅩⅣ",
        "١٢٣-٤٥-٦٧٨٩",
        "４１１１１１１１１１１１１１１１",
        &long_digits,
        &long_text,
        &long_email,
    ];
    let out = classify_str(&values);
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn confidence_is_rounded_and_clamped() {
    assert_eq!(confidence(1.0, 0.99, 100), 0.99);
    assert_eq!(confidence(0.333_333, 0.9, 10), 0.3);
    assert_eq!(confidence(1.0, 1.5, 10), 1.0);
    assert_eq!(confidence(1.0, 1.0, 1), 0.6);
}

#[test]
fn debug_output_hides_sampled_values() {
    let values = vec![Some("alice@example.com".to_owned()), None];
    let sample = ColumnSample {
        name: "email",
        data_type: "TEXT",
        values: &values,
    };
    let shown = format!("{sample:?}");
    assert!(!shown.contains("alice"), "{shown}");
    assert!(shown.contains("<2 values>"), "{shown}");
}
