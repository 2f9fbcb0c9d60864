//! One recognizer per sensitive type: a cheap shape regex, anchored on the whole trimmed
//! value, followed by the type's validator. The validator carries the checks a regex can't
//! (checksums, ranges, country tables).
//!
//! All shape regexes are compiled once into one [`RegexSet`], so a value is scanned in a
//! single pass that names the candidate recognizers; only their validators run.

use super::validators;
use crate::domain::ClassificationType;
use regex::RegexSet;

/// A recognizer for one type (its shape lives in the shared [`Recognizers`] set).
#[derive(Debug)]
pub(crate) struct Recognizer {
    pub(crate) type_id: ClassificationType,
    /// How often a value this recognizer accepts really is of its type.
    pub(crate) base_precision: f64,
    /// Accepted values passed a checksum, so a column they cover is unlikely to be anything
    /// else that merely has the same shape (NHS numbers written like phone numbers).
    pub(crate) checksummed: bool,
    /// Only reported when no other type matched the column (its shape collides with ids).
    pub(crate) fallback_only: bool,
    /// Values longer than this (in bytes) are rejected before the validator runs.
    max_len: usize,
    validate: fn(&str) -> bool,
}

/// Every recognizer, with their shapes compiled into one multi-pattern set: pattern `i` of
/// the set is recognizer `i`'s shape.
#[derive(Debug)]
pub(crate) struct Recognizers {
    set: RegexSet,
    specs: Vec<Recognizer>,
    /// The largest `max_len`: longer values skip the set entirely.
    longest: usize,
}

impl Recognizers {
    /// Compiles every shape once; the patterns are literals, so failing to compile is a bug.
    pub(crate) fn new() -> Self {
        let set = RegexSet::new(SPECS.iter().map(|s| s.shape))
            .expect("recognizer regex literals compile");
        let specs: Vec<Recognizer> = SPECS
            .iter()
            .map(|s| Recognizer {
                type_id: s.type_id,
                base_precision: s.base_precision,
                checksummed: s.checksummed,
                fallback_only: s.fallback_only,
                max_len: s.max_len,
                validate: s.validate,
            })
            .collect();
        let longest = specs.iter().map(|r| r.max_len).max().unwrap_or(0);
        Self {
            set,
            specs,
            longest,
        }
    }

    /// How many recognizers there are (at most 64).
    pub(crate) fn len(&self) -> usize {
        self.specs.len()
    }

    /// Recognizer `i`; panics when `i >= len()`.
    pub(crate) fn get(&self, i: usize) -> &Recognizer {
        &self.specs[i]
    }

    /// Which recognizers accept a trimmed, non-empty value: bit `i` is set when recognizer
    /// `i`'s shape matched, the value is within its `max_len` and its validator passed.
    /// Values longer than every `max_len` are rejected without running the set.
    pub(crate) fn match_mask(&self, v: &str) -> u64 {
        // Most values match no shape; `is_match` stops early and doesn't allocate.
        if v.len() > self.longest || !self.set.is_match(v) {
            return 0;
        }
        self.set
            .matches(v)
            .into_iter()
            .filter(|&i| {
                let r = &self.specs[i];
                v.len() <= r.max_len && (r.validate)(v)
            })
            .fold(0, |m, i| m | (1u64 << i))
    }
}

impl std::ops::Index<usize> for Recognizers {
    type Output = Recognizer;

    fn index(&self, i: usize) -> &Recognizer {
        self.get(i)
    }
}

struct Spec {
    type_id: ClassificationType,
    base_precision: f64,
    checksummed: bool,
    fallback_only: bool,
    max_len: usize,
    shape: &'static str,
    validate: fn(&str) -> bool,
}

const SPECS: &[Spec] = &[
    Spec {
        type_id: ClassificationType::EmailAddress,
        base_precision: 0.99,
        checksummed: false,
        fallback_only: false,
        max_len: 320,
        shape: r"^[\p{L}\p{N}._%+'!#$&*/=?^`{|}~-]+@[\p{L}\p{N}.-]+\.(?:\p{L}{2,}|[xX][nN]--[a-zA-Z0-9-]+)$",
        validate: validators::email,
    },
    Spec {
        type_id: ClassificationType::PhoneNumber,
        base_precision: 0.85,
        checksummed: false,
        fallback_only: false,
        max_len: 32,
        shape: r"^\+?[0-9(][0-9 ().-]{5,30}[0-9)]$",
        validate: validators::phone_number,
    },
    Spec {
        type_id: ClassificationType::CreditCardNumber,
        base_precision: 0.99,
        checksummed: true,
        fallback_only: false,
        max_len: 23,
        shape: r"^[0-9][0-9 -]{11,21}[0-9]$",
        validate: validators::credit_card,
    },
    Spec {
        type_id: ClassificationType::IbanCode,
        base_precision: 0.99,
        checksummed: true,
        fallback_only: false,
        max_len: 42,
        shape: r"^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 ]{11,38}$",
        validate: validators::iban,
    },
    Spec {
        type_id: ClassificationType::UsSocialSecurityNumber,
        base_precision: 0.9,
        checksummed: false,
        fallback_only: false,
        max_len: 11,
        shape: r"^[0-9]{3}[- ][0-9]{2}[- ][0-9]{4}$",
        validate: validators::ssn,
    },
    Spec {
        type_id: ClassificationType::IpAddress,
        base_precision: 0.95,
        checksummed: false,
        fallback_only: false,
        max_len: 50,
        shape: r"^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)(?:/[0-9]{1,3})?$",
        validate: validators::ip_address,
    },
    Spec {
        type_id: ClassificationType::MacAddress,
        base_precision: 0.95,
        checksummed: false,
        fallback_only: false,
        max_len: 17,
        shape: r"^(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$",
        validate: validators::mac_address,
    },
    Spec {
        type_id: ClassificationType::Url,
        base_precision: 0.95,
        checksummed: false,
        fallback_only: false,
        max_len: 4096,
        shape: r"^(?i:https?)://[^\s/?#]+(?:[/?#]\S*)?$",
        validate: validators::http_url,
    },
    Spec {
        type_id: ClassificationType::UkNhsNumber,
        base_precision: 0.9,
        checksummed: true,
        fallback_only: false,
        max_len: 12,
        shape: r"^[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}$",
        validate: validators::nhs_number,
    },
    Spec {
        type_id: ClassificationType::SwiftCode,
        // Upper-case 8-letter words sometimes land on a country code (`HOSPITAL`), so a
        // whole column of them stays medium at best.
        base_precision: 0.75,
        checksummed: false,
        fallback_only: false,
        max_len: 11,
        shape: r"^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$",
        validate: validators::swift_code,
    },
    Spec {
        type_id: ClassificationType::UsBankRoutingNumber,
        // Plain 9-digit ids pass the checksum and prefix test about 4% of the time.
        base_precision: 0.6,
        checksummed: true,
        fallback_only: true,
        max_len: 9,
        shape: r"^[0-9]{9}$",
        validate: validators::aba_routing,
    },
    Spec {
        type_id: ClassificationType::UkNationalInsuranceNumber,
        // No checksum, but two prefix letters with exclusions and a suffix A–D rarely
        // happen by chance.
        base_precision: 0.95,
        checksummed: false,
        fallback_only: false,
        max_len: 13,
        shape: r"^[A-Za-z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-Da-d]$",
        validate: validators::uk_nino,
    },
    Spec {
        type_id: ClassificationType::NetherlandsBsn,
        // About 9% of random 9-digit numbers pass the 11-proof: a fallback, like ABA. A
        // column can't pass both the 11-proof and the ABA checksum on most values by
        // chance, so whichever covers the column wins.
        base_precision: 0.6,
        checksummed: true,
        fallback_only: true,
        max_len: 11,
        shape: r"^[0-9]{9}$|^[0-9]{3}\.[0-9]{3}\.[0-9]{3}$",
        validate: validators::netherlands_bsn,
    },
    Spec {
        type_id: ClassificationType::GermanyTaxId,
        // The digit-distribution rule and the check digit leave ~0.35% of random 11-digit
        // numbers.
        base_precision: 0.85,
        checksummed: true,
        fallback_only: false,
        max_len: 14,
        shape: r"^[1-9][0-9]{10}$|^[1-9][0-9] [0-9]{3} [0-9]{3} [0-9]{3}$",
        validate: validators::germany_tax_id,
    },
    Spec {
        type_id: ClassificationType::SpainDni,
        // One control letter in 23.
        base_precision: 0.9,
        checksummed: true,
        fallback_only: false,
        max_len: 12,
        shape: r"^(?:[0-9]{8}|[0-9]{2}\.[0-9]{3}\.[0-9]{3}|[XYZxyz][0-9]{7})[- ]?[A-Za-z]$",
        validate: validators::spain_dni,
    },
    Spec {
        type_id: ClassificationType::FranceNir,
        base_precision: 0.95,
        checksummed: true,
        fallback_only: false,
        max_len: 21,
        shape: r"^[123478] ?[0-9]{2} ?[0-9]{2} ?(?:[0-9]{2}|2[AaBb]) ?[0-9]{3} ?[0-9]{3} ?[0-9]{2}$",
        validate: validators::france_nir,
    },
    Spec {
        type_id: ClassificationType::UsNpi,
        // 10-digit ids starting with 1 or 2 pass the Luhn check one time in ten.
        base_precision: 0.7,
        checksummed: true,
        fallback_only: true,
        max_len: 10,
        shape: r"^[12][0-9]{9}$",
        validate: validators::us_npi,
    },
    Spec {
        type_id: ClassificationType::VehicleIdentificationNumber,
        base_precision: 0.9,
        checksummed: true,
        fallback_only: false,
        max_len: 17,
        shape: r"^[A-HJ-NPR-Za-hj-npr-z0-9]{17}$",
        validate: validators::vin,
    },
    Spec {
        type_id: ClassificationType::Icd10Code,
        // Short letter-digit codes are also product, seat and grid codes; the context tier
        // (a `diagnosis` column) raises this.
        base_precision: 0.7,
        checksummed: false,
        fallback_only: true,
        max_len: 8,
        shape: r"^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4}|[0-9A-Z]{1,4})$",
        validate: validators::icd10,
    },
    Spec {
        type_id: ClassificationType::GeoCoordinates,
        base_precision: 0.85,
        checksummed: false,
        fallback_only: false,
        max_len: 80,
        shape: r"^\(?[-+]?[0-9]{1,3}\.[0-9]{3,15}(?:\s*,\s*|\s+)[-+]?[0-9]{1,3}\.[0-9]{3,15}\)?$|^(?i:POINT)\s*\(\s*[-+]?[0-9]{1,3}\.[0-9]{3,15}\s+[-+]?[0-9]{1,3}\.[0-9]{3,15}\s*\)$",
        validate: validators::geo_coordinates,
    },
    Spec {
        type_id: ClassificationType::PasswordHash,
        base_precision: 0.97,
        checksummed: false,
        fallback_only: false,
        max_len: 512,
        shape: r"^(?:\$(?:2[abxy]|argon2(?:id|i|d)|[1567y]|apr1|scrypt|[PH]|pbkdf2(?:-sha1|-sha256|-sha512)?)\$|pbkdf2_sha(?:1|256|512)\$|bcrypt(?:_sha256)?\$\$2|argon2\$argon2)[!-~]+$",
        validate: validators::password_hash,
    },
    Spec {
        type_id: ClassificationType::ApiKeyOrSecret,
        base_precision: 0.95,
        checksummed: false,
        fallback_only: false,
        max_len: 16_384,
        shape: r"^(?:(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16}|gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82}|glpat-[A-Za-z0-9_-]{20,100}|xox[abprs]-[A-Za-z0-9-]{10,250}|[sr]k_(?:live|test)_[A-Za-z0-9]{24,247}|AIza[A-Za-z0-9_-]{35}|sk-[A-Za-z0-9_-]{32,256}|eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$|(?s)^-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----.+-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----$",
        validate: validators::api_key_or_secret,
    },
];

// Column matching keeps one bit per recognizer in a `u64`.
const _: () = assert!(SPECS.len() <= 64);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::validators::odd_strings;

    fn index_of(all: &Recognizers, t: ClassificationType) -> usize {
        (0..all.len())
            .find(|&i| all.get(i).type_id == t)
            .expect("recognizer exists")
    }

    fn matches(all: &Recognizers, t: ClassificationType, v: &str) -> bool {
        all.match_mask(v) & (1 << index_of(all, t)) != 0
    }

    #[test]
    fn all_compile_and_fit_a_bitmask() {
        let all = Recognizers::new();
        assert_eq!(all.len(), SPECS.len());
        assert_eq!(all.set.len(), SPECS.len());
        assert!((1..=64).contains(&all.len()));
        assert_eq!(all.longest, 16_384);
        // One recognizer per type, so the column decision counts each type once.
        for (i, r) in all.specs.iter().enumerate() {
            assert_eq!(index_of(&all, r.type_id), i, "{} twice", r.type_id);
            assert!(r.base_precision > 0.0 && r.base_precision <= 1.0);
            assert_eq!(all[i].type_id, r.type_id);
        }
    }

    /// Each shape alone agrees with the set (pattern order is recognizer order).
    #[test]
    fn set_patterns_are_in_recognizer_order() {
        let all = Recognizers::new();
        for (i, spec) in SPECS.iter().enumerate() {
            assert_eq!(all.set.patterns()[i], spec.shape);
        }
    }

    #[test]
    fn regex_and_validator_agree_on_examples() {
        use ClassificationType as T;
        let aws = ["AKIA", "O6GAMKHFVJXG4ULG"].concat();
        let ghp = ["ghp_", "m9XIrAfY9V8vEfw8utSBHzeWwvM6VYJS5fps"].concat();
        let stripe = ["sk_live_", "IQBiAuYIPeqtDAAxNaOgtnPy"].concat();
        let jwt = [
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.",
            "eyJzdWIiOiIxMjM0NTY3ODkwIn0.",
            "uJ7wNVfOMKw3Oin62FaRwXYpJRnG7n4gkVg68zMRZ6N",
        ]
        .concat();
        let pem = [
            "-----BEGIN OPENSSH PRIVATE",
            " KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n",
            "-----END OPENSSH PRIVATE KEY-----",
        ]
        .concat();
        let cases: &[(T, &str, bool)] = &[
            (T::EmailAddress, "jane.doe@example.com", true),
            (T::EmailAddress, "jürgen@bücher.de", true),
            (T::EmailAddress, "jane@localhost", false),
            (T::EmailAddress, "jane doe@example.com", false),
            (T::PhoneNumber, "+44 20 7946 0958", true),
            (T::PhoneNumber, "(555) 123-4567", true),
            (T::PhoneNumber, "0044 20 7946 0958", true),
            (T::PhoneNumber, "5551234567", false),
            (T::PhoneNumber, "+1 212 123 4567", false),
            (T::CreditCardNumber, "4111 1111 1111 1111", true),
            (T::CreditCardNumber, "4111111111111112", false),
            (T::IbanCode, "GB82 WEST 1234 5698 7654 32", true),
            (T::UsSocialSecurityNumber, "123-45-6789", true),
            (T::UsSocialSecurityNumber, "666-45-6789", false),
            (T::IpAddress, "192.168.1.10", true),
            (T::IpAddress, "2001:db8::ff00:42:8329", true),
            (T::IpAddress, "10.0.0.0/8", true),
            (T::IpAddress, "1.2.3", false),
            (T::MacAddress, "00:1A:2B:3C:4D:5E", true),
            (T::Url, "https://example.com/a?b=c", true),
            (T::Url, "HTTPS://EXAMPLE.COM", true),
            (T::Url, "ftp://example.com", false),
            (T::UkNhsNumber, "943 476 5919", true),
            (T::SwiftCode, "DEUTDEFF", true),
            (T::UsBankRoutingNumber, "021000021", true),
            (T::UkNationalInsuranceNumber, "AB123456C", true),
            (T::UkNationalInsuranceNumber, "AB 12 34 56 C", true),
            (T::UkNationalInsuranceNumber, "GB123456C", false),
            (T::UkNationalInsuranceNumber, "AB123456E", false),
            (T::NetherlandsBsn, "123456782", true),
            (T::NetherlandsBsn, "123.456.782", true),
            (T::NetherlandsBsn, "123456783", false),
            (T::GermanyTaxId, "86095742719", true),
            (T::GermanyTaxId, "86 095 742 719", true),
            (T::GermanyTaxId, "86095742718", false),
            (T::SpainDni, "12345678Z", true),
            (T::SpainDni, "12345678-z", true),
            (T::SpainDni, "X1234567L", true),
            (T::SpainDni, "12345678A", false),
            (T::FranceNir, "1 85 05 78 006 084 91", true),
            (T::FranceNir, "185052A00608435", true),
            (T::FranceNir, "185057800608492", false),
            (T::UsNpi, "1234567893", true),
            (T::UsNpi, "1234567894", false),
            (T::UsNpi, "3234567893", false),
            (T::VehicleIdentificationNumber, "1M8GDM9AXKP042788", true),
            (T::VehicleIdentificationNumber, "1hgcm82633a004352", true),
            (T::VehicleIdentificationNumber, "WVWZZZ1JZXW000001", false),
            (T::Icd10Code, "E11.9", true),
            (T::Icd10Code, "S72.001A", true),
            (T::Icd10Code, "E119", true),
            (T::Icd10Code, "A12", false),
            (T::Icd10Code, "U12.3", false),
            (T::GeoCoordinates, "51.5074, -0.1278", true),
            (T::GeoCoordinates, "(40.7128,-74.0060)", true),
            (T::GeoCoordinates, "POINT (-0.1278 51.5074)", true),
            (T::GeoCoordinates, "51.5074", false),
            (T::GeoCoordinates, "51.51, -0.13", false),
            (
                T::PasswordHash,
                "$2b$12$erB5dESMt6duLd/ZyhVvSHP2OO..YZTTjmXYVXvkAszTQfGok.pGl",
                true,
            ),
            (
                T::PasswordHash,
                "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                true,
            ),
            (
                T::PasswordHash,
                "pbkdf2_sha256$600000$ZGwtS56MyzwUere3inFzMY$BTVexwuiDZ/E88zmH0vVuQppkZInDSy2050HjHgkEy0=",
                true,
            ),
            (
                T::PasswordHash,
                "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                true,
            ),
            (T::PasswordHash, "$P$B55KWRSHtv6ReMhSicC7CqtmFA46RNn", true),
            (T::PasswordHash, "5f4dcc3b5aa765d61d8327deb882cf99", false),
            (T::PasswordHash, "$2b$12$short", false),
            (T::ApiKeyOrSecret, &aws, true),
            (T::ApiKeyOrSecret, &ghp, true),
            (T::ApiKeyOrSecret, &stripe, true),
            (T::ApiKeyOrSecret, &jwt, true),
            (T::ApiKeyOrSecret, &pem, true),
            (
                T::ApiKeyOrSecret,
                "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
                false,
            ),
            (
                T::ApiKeyOrSecret,
                "sk-summer-sale-2024-collection-for-kids",
                false,
            ),
        ];
        let all = Recognizers::new();
        for (t, v, want) in cases {
            assert_eq!(matches(&all, *t, v), *want, "{t} on {v:?}");
        }
        // Every type with a recognizer appears in the table.
        for r in &all.specs {
            assert!(
                cases.iter().any(|(t, _, want)| *t == r.type_id && *want),
                "{} has no accepted example",
                r.type_id
            );
        }
    }

    /// Values of one type are not also taken for another one (the shapes that do overlap,
    /// like NHS numbers and phones or BSN and ABA, are settled at column level).
    #[test]
    fn new_types_do_not_overlap_on_examples() {
        use ClassificationType as T;
        let all = Recognizers::new();
        for (t, v) in [
            (T::UkNationalInsuranceNumber, "AB123456C"),
            (T::GermanyTaxId, "86 095 742 719"),
            (T::GermanyTaxId, "86095742719"),
            (T::SpainDni, "12345678Z"),
            (T::FranceNir, "1 85 05 78 006 084 91"),
            (T::FranceNir, "185057800608491"),
            (T::VehicleIdentificationNumber, "1M8GDM9AXKP042788"),
            (T::Icd10Code, "E11.9"),
            (T::GeoCoordinates, "51.5074 -0.1278"),
            (T::GeoCoordinates, "51.5074, -0.1278"),
            (T::PasswordHash, "$1$UOApICJN$4cv57nLBvER0aMI8ZPurcj"),
            (T::NetherlandsBsn, "123.456.782"),
        ] {
            assert_eq!(all.match_mask(v), 1 << index_of(&all, t), "{t} on {v:?}");
        }
    }

    #[test]
    fn overlong_values_are_rejected_cheaply() {
        let all = Recognizers::new();
        let v = format!("{}@example.com", "a".repeat(10_000));
        assert_eq!(all.match_mask(&v), 0);
        assert_eq!(all.match_mask(&"4".repeat(1_000_000)), 0);
    }

    #[test]
    fn match_mask_never_panics() {
        let all = Recognizers::new();
        for s in odd_strings(3_000, 7) {
            let m = all.match_mask(&s);
            assert!(m < 1 << all.len(), "{s:?}");
        }
    }
}

/// Column-level outcomes for the newer types: each column of valid values is reported as its
/// type alone, and the 9- and 10-digit fallbacks settle by which checksum covers the column.
#[cfg(test)]
mod column_tests {
    use crate::classify::validators;
    use crate::classify::{ColumnSample, PatternClassifier};
    use crate::domain::ClassificationType as T;

    fn types_of(values: &[String]) -> Vec<T> {
        let owned: Vec<Option<String>> = values.iter().cloned().map(Some).collect();
        PatternClassifier::new()
            .classify(&ColumnSample {
                name: "col",
                data_type: "TEXT",
                values: &owned,
            })
            .into_iter()
            .map(|c| c.type_id)
            .collect()
    }

    /// `count` values from bodies `start + i * step`, each completed with the first check
    /// digit (or letter) the validator accepts; bodies no check char fits are skipped.
    fn complete(
        start: u64,
        step: u64,
        count: usize,
        check_chars: &str,
        fmt: impl Fn(u64, char) -> String,
        valid: fn(&str) -> bool,
    ) -> Vec<String> {
        (0..)
            .map(|i| start + i * step)
            .filter_map(|body| check_chars.chars().map(|c| fmt(body, c)).find(|v| valid(v)))
            .take(count)
            .collect()
    }

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn bsn_column_is_bsn_and_routing_column_is_routing() {
        let bsn = complete(
            10_000_000,
            1_234_567,
            40,
            "0123456789",
            |b, c| format!("{b:08}{c}"),
            validators::netherlands_bsn,
        );
        assert_eq!(types_of(&bsn), vec![T::NetherlandsBsn]);
        let dotted: Vec<String> = bsn
            .iter()
            .map(|v| format!("{}.{}.{}", &v[..3], &v[3..6], &v[6..]))
            .collect();
        assert_eq!(types_of(&dotted), vec![T::NetherlandsBsn]);

        let aba = complete(
            2_100_000,
            9_973,
            40,
            "0123456789",
            |b, c| format!("0{b:07}{c}"),
            validators::aba_routing,
        );
        assert_eq!(types_of(&aba), vec![T::UsBankRoutingNumber]);
    }

    #[test]
    fn npi_column() {
        let npi = complete(
            123_456_789,
            7_919,
            40,
            "0123456789",
            |b, c| format!("{b}{c}"),
            validators::us_npi,
        );
        assert_eq!(types_of(&npi), vec![T::UsNpi]);
    }

    #[test]
    fn spanish_and_french_id_columns() {
        let dni = complete(
            12_345_678,
            1_234_567,
            30,
            "TRWAGMYFPDXBNJZSQVHLCKE",
            |b, c| format!("{b:08}{c}"),
            validators::spain_dni,
        );
        assert_eq!(types_of(&dni), vec![T::SpainDni]);
        let nir = complete(
            1_850_578_006_001,
            100_000_003,
            30,
            "0",
            |b, _| format!("{b}{:02}", 97 - b % 97),
            validators::france_nir,
        );
        assert!(nir.len() >= 20);
        assert_eq!(types_of(&nir), vec![T::FranceNir]);
    }

    #[test]
    fn columns_of_each_new_type() {
        let cases: &[(T, &[&str])] = &[
            (
                T::UkNationalInsuranceNumber,
                &[
                    "AB123456C",
                    "JG103759A",
                    "CE 98 76 54 A",
                    "ZA000000B",
                    "PA987654D",
                ],
            ),
            (
                T::GermanyTaxId,
                &[
                    "86095742719",
                    "47036892816",
                    "65929970489",
                    "57549285017",
                    "25768131411",
                ],
            ),
            (
                T::VehicleIdentificationNumber,
                &[
                    "1M8GDM9AXKP042788",
                    "1HGCM82633A004352",
                    "JH4KA7561PC008269",
                    "5YJSA1E16HF123456",
                    "2T1BURHE9JC034561",
                ],
            ),
            (
                T::Icd10Code,
                &[
                    "E11.9", "I10", "J45.909", "E119", "M54.16", "S72.001A", "Z23",
                ],
            ),
            (
                T::GeoCoordinates,
                &[
                    "51.5074, -0.1278",
                    "48.8566, 2.3522",
                    "40.7128, -74.0060",
                    "-33.8688, 151.2093",
                    "35.6762, 139.6503",
                ],
            ),
            (
                T::PasswordHash,
                &[
                    "$2b$12$erB5dESMt6duLd/ZyhVvSHP2OO..YZTTjmXYVXvkAszTQfGok.pGl",
                    "$2y$10$rl7mV76UFeArxAzsu/3DVXNd5qre5LtjC1JYpsQphJlmlUIRl7SEI",
                    "$2a$04$xCcqe4zQFC9oYOOyLT1tRFzjQ4T48m7hj6xQMuU9pVJ8gsGrClsh8",
                    "$1$UOApICJN$4cv57nLBvER0aMI8ZPurcj",
                    "$P$B55KWRSHtv6ReMhSicC7CqtmFA46RNn",
                ],
            ),
        ];
        for (t, values) in cases {
            assert_eq!(types_of(&strings(values)), vec![*t], "{values:?}");
        }
        let secrets = vec![
            ["AKIA", "O6GAMKHFVJXG4ULG"].concat(),
            ["ASIA", "XGEMNUXL5FPZ5YAH"].concat(),
            ["ghp_", "m9XIrAfY9V8vEfw8utSBHzeWwvM6VYJS5fps"].concat(),
            ["sk_live_", "IQBiAuYIPeqtDAAxNaOgtnPy"].concat(),
            ["AIza", "4WRGtPB6F-FD0P04cOILFI6mIiPznh6mmAp"].concat(),
        ];
        assert_eq!(types_of(&secrets), vec![T::ApiKeyOrSecret]);
    }

    #[test]
    fn fiction_range_phones_are_phones() {
        // The sample data's phone ranges: US 555 and Ofcom's drama ranges.
        let phones = strings(&[
            "+1 555-723-1894",
            "(555) 632-6984",
            "555-478-2332",
            "555.201.0042",
            "+44 7700 900221",
            "07700 900123",
            "+44 161 496 0123",
            "0161 496 0999",
        ]);
        assert_eq!(types_of(&phones), vec![T::PhoneNumber]);
    }
}
