//! Masking of one sampled value into evidence that can be stored and replicated. Every rule
//! works on `char`s (never byte offsets into the input), falls back to a generic mask when
//! the value doesn't have the expected shape, and the result never equals the input.

use super::validators::{self, split_host_port};
use crate::domain::ClassificationType;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Evidence is stored with the catalog; a huge input must not become a huge record.
const MAX_EVIDENCE_CHARS: usize = 128;
/// Cap on the stars of the generic mask (they'd only reveal the length).
const MAX_GENERIC_STARS: usize = 32;

/// Masks one value of the given type for use as evidence (never returns the raw value).
pub fn mask(t: ClassificationType, value: &str) -> String {
    use ClassificationType as T;
    let v = value.trim();
    // Masks that keep part of a value (a domain, whole degrees, a key's prefix) only run on
    // values that really are of the type; anything else a name or the model labelled gets
    // the generic mask, and credentials get nothing but stars.
    let valid = match t {
        // The validators run after a shape regex that already refused whitespace.
        T::EmailAddress => !v.contains(char::is_whitespace) && validators::email(v),
        T::Url => !v.contains(char::is_whitespace) && validators::http_url(v),
        T::GeoCoordinates => validators::geo_coordinates(v),
        T::PasswordHash => !v.contains(char::is_whitespace) && validators::password_hash(v),
        T::ApiKeyOrSecret => validators::api_key_or_secret(v),
        _ => true,
    };
    if !valid {
        let masked = match t {
            T::PasswordHash | T::ApiKeyOrSecret => {
                "*".repeat(v.chars().count().clamp(1, MAX_GENERIC_STARS))
            }
            _ => mask_generic(v),
        };
        return finish(value, v, masked);
    }
    let masked = match t {
        T::EmailAddress => mask_email(v),
        T::CreditCardNumber => mask_card(v),
        T::IbanCode => mask_iban(v),
        T::UsSocialSecurityNumber => mask_ssn(v),
        T::PhoneNumber => mask_phone(v),
        T::IpAddress => mask_ip(v),
        T::MacAddress => mask_mac(v),
        T::Url => mask_url(v),
        T::UkNationalInsuranceNumber
        | T::NetherlandsBsn
        | T::GermanyTaxId
        | T::SpainDni
        | T::FranceNir
        | T::UsNpi => mask_keep_last(v, 3),
        T::VehicleIdentificationNumber => mask_vin(v),
        T::Icd10Code => mask_icd10(v),
        T::GeoCoordinates => mask_geo(v),
        T::PasswordHash => mask_password_hash(v),
        T::ApiKeyOrSecret => mask_secret(v),
        _ => None,
    }
    .unwrap_or_else(|| mask_generic(v));
    finish(value, v, masked)
}

/// Caps the length and guarantees the evidence differs from the raw value.
fn finish(raw: &str, trimmed: &str, masked: String) -> String {
    let mut out = if masked.chars().count() > MAX_EVIDENCE_CHARS {
        let mut s: String = masked.chars().take(MAX_EVIDENCE_CHARS - 1).collect();
        s.push('…');
        s
    } else {
        masked
    };
    if out == raw || out == trimmed {
        // Only reachable for values that already look masked (`****`) or are empty.
        let n = trimmed.chars().count().min(MAX_EVIDENCE_CHARS);
        out = "*".repeat(n + 1);
    }
    out
}

/// First and last char kept, `*` in between; all `*` for 4 chars or fewer.
fn mask_generic(v: &str) -> String {
    let chars: Vec<char> = v.chars().collect();
    match chars.as_slice() {
        [first, .., last] if chars.len() > 4 => {
            let stars = (chars.len() - 2).min(MAX_GENERIC_STARS);
            format!("{first}{}{last}", "*".repeat(stars))
        }
        _ => "*".repeat(chars.len()),
    }
}

/// `j***@example.com`: first char of the local part, domain kept.
fn mask_email(v: &str) -> Option<String> {
    let (local, domain) = v.rsplit_once('@')?;
    let first = local.chars().next()?;
    if domain.is_empty() {
        return None;
    }
    Some(format!("{first}***@{domain}"))
}

/// `4111********1111`: digits only, first 4 and last 4 kept.
fn mask_card(v: &str) -> Option<String> {
    let digits: Vec<char> = v.chars().filter(char::is_ascii_digit).collect();
    keep_ends(&digits, 4, 4, 12)
}

/// `GB82**************5432`: country and check digits kept, last 4 kept.
fn mask_iban(v: &str) -> Option<String> {
    let compact: Vec<char> = v
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if !compact.iter().all(char::is_ascii_alphanumeric) {
        return None;
    }
    keep_ends(&compact, 4, 4, 12)
}

/// Keeps `head` and `tail` chars with `*` between, when there are at least `min` chars.
fn keep_ends(chars: &[char], head: usize, tail: usize, min: usize) -> Option<String> {
    let n = chars.len();
    if n < min.max(head + tail + 1) {
        return None;
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(n - head - tail));
    out.extend(&chars[n - tail..]);
    Some(out)
}

/// `***-**-6789`.
fn mask_ssn(v: &str) -> Option<String> {
    let digits: Vec<char> = v.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 9 {
        return None;
    }
    let last4: String = digits[5..].iter().collect();
    Some(format!("***-**-{last4}"))
}

/// `+** ** **** **58`: a leading `+` and the last 2 digits kept, separators kept.
fn mask_phone(v: &str) -> Option<String> {
    let total = v.chars().filter(char::is_ascii_digit).count();
    if total == 0 {
        return None;
    }
    // Short values keep nothing: two digits of four would be half the value.
    let keep_from = if total > 4 { total - 2 } else { total };
    let mut seen = 0;
    let out = v
        .chars()
        .enumerate()
        .map(|(i, c)| match c {
            '+' if i == 0 => '+',
            d if d.is_ascii_digit() => {
                seen += 1;
                if seen > keep_from { d } else { '*' }
            }
            ' ' | '-' | '.' | '(' | ')' => c,
            _ => '*',
        })
        .collect();
    Some(out)
}

/// National ids: every letter and digit but the last `keep` becomes `*`, separators kept
/// (`******56C`, `***.***.782`); values with fewer than `keep + 4` alphanumerics fall back.
fn mask_keep_last(v: &str, keep: usize) -> Option<String> {
    let total = v.chars().filter(char::is_ascii_alphanumeric).count();
    if total < keep + 4 {
        return None;
    }
    let mut seen = 0;
    Some(
        v.chars()
            .map(|c| match c {
                c if c.is_ascii_alphanumeric() => {
                    seen += 1;
                    if seen > total - keep { c } else { '*' }
                }
                ' ' | '-' | '.' => c,
                _ => '*',
            })
            .collect(),
    )
}

/// `1M8**************`: the world manufacturer identifier (first 3 chars) kept.
fn mask_vin(v: &str) -> Option<String> {
    let chars: Vec<char> = v.chars().collect();
    if chars.len() != 17 || !chars.iter().all(char::is_ascii_alphanumeric) {
        return None;
    }
    keep_ends(&chars, 3, 0, 17)
}

/// `E**.*`: the chapter letter kept, the dot kept, everything else hidden (a diagnosis is
/// special-category data).
fn mask_icd10(v: &str) -> Option<String> {
    let mut chars = v.chars();
    let first = chars.next()?;
    if !first.is_ascii_alphabetic() || v.chars().count() < 3 {
        return None;
    }
    Some(
        std::iter::once(first)
            .chain(chars.map(|c| if c == '.' { '.' } else { '*' }))
            .collect(),
    )
}

/// `51.****, -0.****`: whole degrees kept (about 100 km), decimals hidden.
fn mask_geo(v: &str) -> Option<String> {
    if !v.is_ascii() || !v.contains('.') {
        return None;
    }
    let mut decimals = false;
    Some(
        v.chars()
            .map(|c| match c {
                '.' => {
                    decimals = true;
                    c
                }
                d if d.is_ascii_digit() => {
                    if decimals {
                        '*'
                    } else {
                        d
                    }
                }
                _ => {
                    decimals = false;
                    c
                }
            })
            .collect(),
    )
}

/// Scheme names that lead a password hash (`$2b$`, `$argon2id$`, `pbkdf2_sha256$`, …).
const HASH_SCHEMES: &[&str] = &[
    "2a",
    "2b",
    "2x",
    "2y",
    "argon2id",
    "argon2i",
    "argon2d",
    "argon2",
    "1",
    "5",
    "6",
    "7",
    "y",
    "apr1",
    "scrypt",
    "P",
    "H",
    "pbkdf2",
    "pbkdf2-sha1",
    "pbkdf2-sha256",
    "pbkdf2-sha512",
    "pbkdf2_sha1",
    "pbkdf2_sha256",
    "pbkdf2_sha512",
    "bcrypt",
    "bcrypt_sha256",
];

/// `$2b$12$****`, `$argon2id$v=19$m=65536,t=3,p=4$****`: the scheme and its parameters
/// (cost, rounds, iterations) kept, salt and hash hidden.
fn mask_password_hash(v: &str) -> Option<String> {
    if !v.contains('$') {
        return None;
    }
    let is_param = |seg: &str| {
        HASH_SCHEMES.contains(&seg)
            || (seg.len() <= 10 && !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()))
            || (seg.contains('=')
                && seg.len() <= 64
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'=' || b == b','))
    };
    let segments: Vec<&str> = v.split('$').collect();
    let mut out = String::new();
    // The last segment is always the hash.
    for seg in &segments[..segments.len() - 1] {
        if !seg.is_empty() && !is_param(seg) {
            break;
        }
        out.push_str(seg);
        out.push('$');
    }
    out.push_str("****");
    Some(out)
}

/// Keys and tokens: the first 4 chars kept (`AKIA****************`, which names the kind of
/// key); a PEM block keeps its `BEGIN` line only.
fn mask_secret(v: &str) -> Option<String> {
    if let Some(rest) = v.strip_prefix("-----BEGIN ") {
        let end = rest.find("-----")?;
        return Some(format!("-----BEGIN {}----- ****", &rest[..end]));
    }
    let n = v.chars().count();
    if n <= 8 {
        return None;
    }
    let head: String = v.chars().take(4).collect();
    Some(format!(
        "{head}{}",
        "*".repeat((n - 4).min(MAX_GENERIC_STARS))
    ))
}

/// `192.168.*.*`; IPv6 keeps its first group (`2001:*:*:*:*:*:*:*`). A CIDR suffix is dropped.
fn mask_ip(v: &str) -> Option<String> {
    let addr = v.split('/').next().unwrap_or(v);
    if let Ok(ip) = addr.parse::<Ipv4Addr>() {
        let [a, b, _, _] = ip.octets();
        return Some(format!("{a}.{b}.*.*"));
    }
    let ip = addr.parse::<Ipv6Addr>().ok()?;
    Some(format!("{:x}{}", ip.segments()[0], ":*".repeat(7)))
}

/// `00:1A:2B:**:**:**`: the first 3 octets (vendor prefix) kept, separators kept.
fn mask_mac(v: &str) -> Option<String> {
    if v.chars().filter(char::is_ascii_hexdigit).count() != 12
        || !v
            .chars()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '-' | '.'))
    {
        return None;
    }
    let mut seen = 0;
    Some(
        v.chars()
            .map(|c| {
                if c.is_ascii_hexdigit() {
                    seen += 1;
                    if seen <= 6 { c } else { '*' }
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// `https://example.com`: scheme and host only; user info, port, path, query and fragment
/// dropped (they can hold credentials and tokens).
fn mask_url(v: &str) -> Option<String> {
    let (scheme, rest) = v.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, _) = split_host_port(host_port);
    if scheme.is_empty() || host.is_empty() {
        return None;
    }
    let out = format!("{scheme}://{host}");
    // Nothing was dropped; mark the (empty) path so the evidence isn't the raw value.
    Some(if out == v { format!("{out}/***") } else { out })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClassificationType as T;

    #[test]
    fn masks_follow_the_rules_per_type() {
        let cases: &[(T, &str, &str)] = &[
            (T::EmailAddress, "john.doe@example.com", "j***@example.com"),
            (T::CreditCardNumber, "4111111111111111", "4111********1111"),
            (
                T::CreditCardNumber,
                "4111 1111 1111 1111",
                "4111********1111",
            ),
            (T::CreditCardNumber, "3782 822463 10005", "3782*******0005"),
            (
                T::IbanCode,
                "GB82WEST12345698765432",
                "GB82**************5432",
            ),
            (
                T::IbanCode,
                "gb82 west 1234 5698 7654 32",
                "GB82**************5432",
            ),
            (T::UsSocialSecurityNumber, "123-45-6789", "***-**-6789"),
            (T::PhoneNumber, "+44 20 7946 0958", "+** ** **** **58"),
            (T::PhoneNumber, "(555) 123-4567", "(***) ***-**67"),
            (T::IpAddress, "192.168.1.10", "192.168.*.*"),
            (T::IpAddress, "10.1.0.0/16", "10.1.*.*"),
            (T::IpAddress, "2001:db8::1", "2001:*:*:*:*:*:*:*"),
            (T::MacAddress, "00:1A:2B:3C:4D:5E", "00:1A:2B:**:**:**"),
            (T::MacAddress, "00-1a-2b-3c-4d-5e", "00-1a-2b-**-**-**"),
            (
                T::Url,
                "https://example.com/reset?token=abc",
                "https://example.com",
            ),
            (
                T::Url,
                "https://user:pw@example.com:8443/x",
                "https://example.com",
            ),
            (T::Url, "https://example.com", "https://example.com/***"),
            (T::UkNhsNumber, "943 476 5919", "9**********9"),
            (T::SwiftCode, "DEUTDEFF", "D******F"),
            (T::UsBankRoutingNumber, "021000021", "0*******1"),
            (T::UkNationalInsuranceNumber, "AB123456C", "******56C"),
            (
                T::UkNationalInsuranceNumber,
                "AB 12 34 56 C",
                "** ** ** 56 C",
            ),
            (T::NetherlandsBsn, "123.456.782", "***.***.782"),
            (T::GermanyTaxId, "86095742719", "********719"),
            (T::SpainDni, "12345678-Z", "******78-Z"),
            (
                T::FranceNir,
                "1 85 05 78 006 084 91",
                "* ** ** ** *** **4 91",
            ),
            (T::UsNpi, "1234567893", "*******893"),
            (
                T::VehicleIdentificationNumber,
                "1M8GDM9AXKP042788",
                "1M8**************",
            ),
            (T::Icd10Code, "E11.9", "E**.*"),
            (T::Icd10Code, "S72001A", "S******"),
            (T::GeoCoordinates, "51.5074, -0.1278", "51.****, -0.****"),
            (
                T::GeoCoordinates,
                "POINT(-0.1278 51.5074)",
                "POINT(-0.**** 51.****)",
            ),
            (
                T::PasswordHash,
                "$2b$12$erB5dESMt6duLd/ZyhVvSHP2OO..YZTTjmXYVXvkAszTQfGok.pGl",
                "$2b$12$****",
            ),
            (
                T::PasswordHash,
                "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                "$argon2id$v=19$m=65536,t=3,p=4$****",
            ),
            (
                T::PasswordHash,
                "$6$rounds=5000$saltsalt$t.qxhyMtCkKjpjrOzyt5QSu7XPJqSUF5gwRmCSgHlxwSjMZjC9yqu0SUEVtvmTzoYjc0S3ss.6KPnAmvM6qgxA",
                "$6$rounds=5000$****",
            ),
            (
                T::PasswordHash,
                "$6$saltsalt$t.qxhyMtCkKjpjrOzyt5QSu7XPJqSUF5gwRmCSgHlxwSjMZjC9yqu0SUEVtvmTzoYjc0S3ss.6KPnAmvM6qgxA",
                "$6$****",
            ),
            (
                T::PasswordHash,
                "$P$B55KWRSHtv6ReMhSicC7CqtmFA46RNn",
                "$P$****",
            ),
            (
                T::PasswordHash,
                "pbkdf2_sha256$600000$ZGwtS56MyzwUere3inFzMY$BTVexwuiDZ/E88zmH0vVuQppk=",
                "pbkdf2_sha256$600000$****",
            ),
            (
                T::PasswordHash,
                "bcrypt_sha256$$2b$12$erB5dESMt6duLd/ZyhVvSHP2OO..YZTTjmXYVXvkAszTQfGok.pGl",
                "bcrypt_sha256$$2b$12$****",
            ),
            (
                T::ApiKeyOrSecret,
                "AKIAO6GAMKHFVJXG4ULG",
                "AKIA****************",
            ),
            (
                T::ApiKeyOrSecret,
                "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----",
                "-----BEGIN RSA PRIVATE KEY----- ****",
            ),
            // Labelled by a name alone and not a real hash: nothing of it is kept.
            (T::PasswordHash, "hunter2-plaintext", "*****************"),
            (
                T::EmailAddress,
                "ask john@acme.com about it",
                "a************************t",
            ),
            (T::PersonName, "Ann", "***"),
            (T::PersonName, "Anna", "****"),
            (T::PersonName, "Zoë Ørsted", "Z********d"),
        ];
        for (t, raw, want) in cases {
            assert_eq!(mask(*t, raw), *want, "{t} on {raw:?}");
        }
    }

    #[test]
    fn mismatched_shapes_fall_back_to_the_generic_mask() {
        assert_eq!(mask(T::EmailAddress, "not-an-email"), "n**********l");
        assert_eq!(mask(T::CreditCardNumber, "12345"), "1***5");
        assert_eq!(mask(T::UsSocialSecurityNumber, "12-34"), "1***4");
        assert_eq!(mask(T::IpAddress, "hello"), "h***o");
        assert_eq!(mask(T::Url, "://"), "***");
    }

    #[test]
    fn evidence_never_equals_the_raw_value() {
        let long = "x".repeat(10_000);
        let samples = [
            "",
            " ",
            "a",
            "ab",
            "****",
            "*****",
            "+",
            "1",
            "https://a.io",
            "a@b.co",
            "::1",
            "0.0.0.0",
            "🦀",
            "🦀🦀🦀🦀🦀",
            &long,
        ];
        for t in ClassificationType::ALL {
            for s in samples {
                let m = mask(*t, s);
                assert_ne!(m, s, "{t} on {s:?}");
                assert_ne!(m, s.trim(), "{t} on {s:?}");
            }
        }
    }

    #[test]
    fn masking_is_utf8_safe_and_bounded() {
        let odd = [
            "é@ü.de",
            "ü@",
            "@ü",
            "日本語のテキスト",
            "👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦",
            "a\u{0301}b\u{0301}c\u{0301}d\u{0301}e",
            "+٣٤٥ ٦٧٨ ٩٠١",
            "https://ü🦀.example/ä",
            "https://[::1",
            "GB82 WEST 1234 5698 7654 3€",
            "４１１１１１１１１１１１１１１１",
            "\u{feff}\u{200b}",
        ];
        let long = format!("{}@{}.com", "ß".repeat(50_000), "ü".repeat(50_000));
        for t in ClassificationType::ALL {
            for s in odd.iter().copied().chain([long.as_str()]) {
                let m = mask(*t, s);
                assert!(
                    m.chars().count() <= MAX_EVIDENCE_CHARS + 1,
                    "{t}: {} chars",
                    m.len()
                );
            }
        }
        assert_eq!(mask(T::EmailAddress, "é@ü.de"), "é***@ü.de");
    }
}
