//! Validators that run after a recognizer's shape regex matched: checksums, ranges and
//! structural rules. Each takes the trimmed value and returns whether it is a real instance
//! of its type; none of them panics on any input.

mod cards;
mod codes;
mod national_ids;
mod network;
mod phone;
mod secrets;

#[cfg(test)]
pub(crate) use cards::luhn;
pub(crate) use cards::{aba_routing, credit_card, iban, swift_code};
pub(crate) use codes::{geo_coordinates, icd10, vin};
pub(crate) use national_ids::{
    france_nir, germany_tax_id, netherlands_bsn, nhs_number, spain_dni, ssn, uk_nino, us_npi,
};
pub(crate) use network::{email, http_url, ip_address, mac_address, split_host_port};
pub(crate) use phone::phone_number;
pub(crate) use secrets::{api_key_or_secret, password_hash};

/// Splits `s` into groups of ASCII digits separated by one kind of separator (or none).
/// Returns `None` when another character appears, two separators touch, separators are
/// mixed, or the value starts or ends with a separator.
fn digit_groups(s: &str, separators: &[char]) -> Option<Vec<String>> {
    let mut groups = vec![String::new()];
    let mut sep_used: Option<char> = None;
    for c in s.chars() {
        if c.is_ascii_digit() {
            groups.last_mut()?.push(c);
        } else if separators.contains(&c) {
            if sep_used.is_some_and(|u| u != c) || groups.last()?.is_empty() {
                return None;
            }
            sep_used = Some(c);
            groups.push(String::new());
        } else {
            return None;
        }
    }
    if groups.last()?.is_empty() {
        return None;
    }
    Some(groups)
}

/// A validator's signature.
#[cfg(test)]
type Validator = fn(&str) -> bool;

/// Every validator, by name, for tests that sweep them all.
#[cfg(test)]
pub(crate) const ALL: &[(&str, Validator)] = &[
    ("luhn", luhn),
    ("credit_card", credit_card),
    ("iban", iban),
    ("ssn", ssn),
    ("aba_routing", aba_routing),
    ("nhs_number", nhs_number),
    ("swift_code", swift_code),
    ("ip_address", ip_address),
    ("mac_address", mac_address),
    ("email", email),
    ("phone_number", phone_number),
    ("http_url", http_url),
    ("uk_nino", uk_nino),
    ("netherlands_bsn", netherlands_bsn),
    ("germany_tax_id", germany_tax_id),
    ("spain_dni", spain_dni),
    ("france_nir", france_nir),
    ("us_npi", us_npi),
    ("vin", vin),
    ("icd10", icd10),
    ("geo_coordinates", geo_coordinates),
    ("password_hash", password_hash),
    ("api_key_or_secret", api_key_or_secret),
];

/// Deterministic odd inputs for never-panic tests: random strings over digits, letters,
/// separators and multi-byte characters, and valid values of every type with random
/// edits (replaced, inserted and deleted chars, truncation, repetition).
#[cfg(test)]
pub(crate) fn odd_strings(count: usize, seed: u64) -> Vec<String> {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    let valid: Vec<String> = [
        "4111 1111 1111 1111",
        "GB82 WEST 1234 5698 7654 32",
        "123-45-6789",
        "021000021",
        "943 476 5919",
        "DEUTDEFF",
        "2001:db8::ff00:42:8329",
        "192.168.1.10/24",
        "00:1A:2B:3C:4D:5E",
        "jürgen@bücher.de",
        "+44 (0)20 7946 0958",
        "0044 20 7946 0958",
        "(555) 123-4567",
        "https://user:pw@[::1]:8443/a?b#c",
        "AB 12 34 56 C",
        "123.456.782",
        "86 095 742 719",
        "12.345.678-Z",
        "X1234567L",
        "1 85 05 2A 006 084 35",
        "1234567893",
        "1M8GDM9AXKP042788",
        "S72.001A",
        "POINT(-0.1278 51.5074)",
        "(40.7128, -74.0060)",
        "$2b$12$erB5dESMt6duLd/ZyhVvSHP2OO..YZTTjmXYVXvkAszTQfGok.pGl",
        "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
        "$6$rounds=5000$saltsalt$",
        "$scrypt$ln=16,r=8,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2g",
        "pbkdf2_sha256$600000$salt$BTVexwuiDZ/E88zmH0vVuQppkZInDSy2050HjHgkEy0=",
        "$P$B55KWRSHtv6ReMhSicC7CqtmFA46RNn",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
        "-----BEGIN EC PRIVATE KEY-----\\nProc-Type: 4,ENCRYPTED\\n\\nMHcCAQEEII\\n-----END EC PRIVATE KEY-----",
        "xoxb-1-2-abc",
        "sk-proj-abc_def-123",
    ]
    .map(String::from)
    .to_vec();
    const ALPHABET: &[char] = &[
        '0', '1', '2', '5', '7', '9', 'A', 'B', 'X', 'Z', 'a', 'k', 'z', ' ', '-', '.', '(', ')',
        '+', '$', '/', '=', '_', ':', ',', '@', '[', ']', '\n', '\\', 'ü', 'ß', '日', '🦀', '\0',
        '\u{200b}', '\u{301}', '٣', '４',
    ];
    let mut rng = StdRng::seed_from_u64(seed);
    let pick = |rng: &mut StdRng| ALPHABET[rng.random_range(0..ALPHABET.len())];
    (0..count)
        .map(|_| {
            if rng.random_bool(0.3) {
                let n = rng.random_range(0..48);
                return (0..n).map(|_| pick(&mut rng)).collect();
            }
            let mut chars: Vec<char> = valid[rng.random_range(0..valid.len())].chars().collect();
            for _ in 0..rng.random_range(0..4) {
                let at = rng.random_range(0..=chars.len());
                match rng.random_range(0..5) {
                    0 if at < chars.len() => chars[at] = pick(&mut rng),
                    1 => chars.insert(at, pick(&mut rng)),
                    2 if at < chars.len() => {
                        chars.remove(at);
                    }
                    3 => chars.truncate(at),
                    _ => {
                        let copy = chars.clone();
                        chars.extend(copy);
                    }
                }
            }
            chars.into_iter().collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validators_never_panic_on_odd_input() {
        let long = "9".repeat(100_000);
        let long_text = "$2b$12$".repeat(20_000);
        let inputs = [
            "",
            "(",
            ")",
            "+",
            "+(",
            "((((",
            "(0)",
            "+(0)",
            "00",
            "ü",
            "🦀@🦀.🦀",
            "é1-2",
            "[",
            "http://[",
            "https://@",
            "//",
            "$",
            "$$",
            "-----BEGIN ",
            "-----BEGIN PRIVATE KEY-----",
            "eyJ..",
            "POINT(",
            "POINTé",
            "2A",
            "X",
            "ÄB 12 34 56 C",
            &long,
            &long_text,
        ];
        for s in inputs {
            for (_, f) in ALL {
                let _ = f(s);
            }
        }
    }

    #[test]
    fn validators_never_panic_on_generated_input() {
        let inputs = odd_strings(4_000, 20_261_127);
        assert!(inputs.iter().any(|s| !s.is_ascii()));
        for s in &inputs {
            for (_, f) in ALL {
                let _ = f(s);
            }
        }
    }

    #[test]
    fn digit_groups_split_on_one_separator_kind() {
        assert_eq!(
            digit_groups("12 345", &[' ', '-']),
            Some(vec!["12".to_owned(), "345".to_owned()])
        );
        assert_eq!(digit_groups("12 3-4", &[' ', '-']), None);
        assert_eq!(digit_groups("12  3", &[' ']), None);
        assert_eq!(digit_groups(" 12", &[' ']), None);
        assert_eq!(digit_groups("12.", &['.']), None);
        assert_eq!(digit_groups("1a", &['.']), None);
    }
}
