//! One recognizer per sensitive type: a cheap shape regex, anchored on the whole trimmed
//! value, followed by the type's validator. The regex rejects most values quickly; the
//! validator carries the checks a regex can't (checksums, ranges, country tables).

use super::validators;
use crate::domain::ClassificationType;
use regex::Regex;

/// A compiled recognizer for one type.
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
    /// Values longer than this (in bytes) are rejected before any regex runs.
    max_len: usize,
    shape: Regex,
    validate: fn(&str) -> bool,
}

impl Recognizer {
    /// Whether a trimmed, non-empty value is an instance of this recognizer's type.
    pub(crate) fn matches(&self, value: &str) -> bool {
        value.len() <= self.max_len && self.shape.is_match(value) && (self.validate)(value)
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
];

// Column matching keeps one bit per recognizer in a `u32`.
const _: () = assert!(SPECS.len() <= 32);

/// Compiles every recognizer; the patterns are literals, so failing to compile is a bug.
pub(crate) fn build() -> Vec<Recognizer> {
    SPECS
        .iter()
        .map(|s| Recognizer {
            type_id: s.type_id,
            base_precision: s.base_precision,
            checksummed: s.checksummed,
            fallback_only: s.fallback_only,
            max_len: s.max_len,
            shape: Regex::new(s.shape).expect("recognizer regex literal compiles"),
            validate: s.validate,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recognizer(t: ClassificationType) -> Recognizer {
        build()
            .into_iter()
            .find(|r| r.type_id == t)
            .expect("recognizer exists")
    }

    #[test]
    fn all_compile_and_fit_a_bitmask() {
        let all = build();
        assert_eq!(all.len(), SPECS.len());
        assert!(all.len() <= 32);
    }

    #[test]
    fn regex_and_validator_agree_on_examples() {
        use ClassificationType as T;
        let cases: &[(T, &str, bool)] = &[
            (T::EmailAddress, "jane.doe@example.com", true),
            (T::EmailAddress, "jürgen@bücher.de", true),
            (T::EmailAddress, "jane@localhost", false),
            (T::EmailAddress, "jane doe@example.com", false),
            (T::PhoneNumber, "+44 20 7946 0958", true),
            (T::PhoneNumber, "(555) 123-4567", true),
            (T::PhoneNumber, "5551234567", false),
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
        ];
        for (t, v, want) in cases {
            assert_eq!(recognizer(*t).matches(v), *want, "{t} on {v:?}");
        }
    }

    #[test]
    fn overlong_values_are_rejected_cheaply() {
        let r = recognizer(ClassificationType::EmailAddress);
        let v = format!("{}@example.com", "a".repeat(10_000));
        assert!(!r.matches(&v));
    }
}
