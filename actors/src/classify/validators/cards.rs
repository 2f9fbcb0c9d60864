//! Payment and banking identifiers: card numbers (issuer prefix + Luhn), IBANs (country
//! length + mod 97), ABA routing numbers and SWIFT/BIC codes.

use super::digit_groups;

/// Luhn (mod 10) over a string of ASCII digits; false on anything else or when empty.
pub(crate) fn luhn(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether the digits start with a known issuer prefix whose card length matches.
pub(crate) fn card_iin(d: &str) -> bool {
    let n = d.len();
    let prefix = |k: usize| -> u32 { d.get(..k).and_then(|p| p.parse().ok()).unwrap_or(0) };
    // Visa
    if d.starts_with('4') {
        return matches!(n, 13 | 16 | 19);
    }
    // Mastercard, including the 2-series (2221–2720).
    if (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)) {
        return n == 16;
    }
    // American Express
    if matches!(prefix(2), 34 | 37) {
        return n == 15;
    }
    // Discover (6011, 644–649, 65, and the China UnionPay co-branded 622126–622925).
    if prefix(4) == 6011
        || (644..=649).contains(&prefix(3))
        || prefix(2) == 65
        || (622_126..=622_925).contains(&prefix(6))
    {
        return (16..=19).contains(&n);
    }
    // JCB
    if (3528..=3589).contains(&prefix(4)) {
        return (16..=19).contains(&n);
    }
    // Diners Club (300–305, 36, 38, 39).
    if (300..=305).contains(&prefix(3)) || matches!(prefix(2), 36 | 38 | 39) {
        return (14..=19).contains(&n);
    }
    false
}

/// A payment card number: 13–19 digits, optionally grouped by spaces or dashes (one kind),
/// a known issuer prefix and a valid Luhn check digit.
pub(crate) fn credit_card(v: &str) -> bool {
    let Some(groups) = digit_groups(v, &[' ', '-']) else {
        return false;
    };
    // Grouped numbers are written 4-4-4-4(-3), 4-6-5 (Amex) or 4-6-4 (Diners).
    if groups.len() > 1
        && (groups.len() > 5
            || groups.first().is_none_or(|g| g.len() != 4)
            || groups.iter().any(|g| !(3..=6).contains(&g.len())))
    {
        return false;
    }
    let digits: String = groups.concat();
    (13..=19).contains(&digits.len()) && card_iin(&digits) && luhn(&digits)
}

/// IBAN length per country (ISO 13616 registry).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// The registered IBAN length for a country code.
pub(crate) fn iban_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS
        .iter()
        .find(|(c, _)| *c == country)
        .map(|&(_, n)| n)
}

/// An IBAN: known country, that country's length, check digits 02–98 and mod 97 == 1.
/// Single spaces between groups are allowed; letters may be lower case.
pub(crate) fn iban(v: &str) -> bool {
    if v.contains("  ") {
        return false;
    }
    let compact: String = v
        .chars()
        .filter(|c| *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let (Some(country), Some(check)) = (compact.get(..2), compact.get(2..4)) else {
        return false;
    };
    if !country.chars().all(|c| c.is_ascii_uppercase())
        || iban_length(country) != Some(compact.len())
    {
        return false;
    }
    match check.parse::<u32>() {
        Ok(c) if (2..=98).contains(&c) => {}
        _ => return false,
    }
    let (head, tail) = compact.split_at(4);
    let mut rem: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        // Letters count as two digits (A = 10 … Z = 35).
        let Some(d) = c.to_digit(36) else {
            return false;
        };
        rem = if d >= 10 {
            (rem * 100 + d) % 97
        } else {
            (rem * 10 + d) % 97
        };
    }
    rem == 1
}

/// An ABA routing transit number: 9 digits, a Federal Reserve prefix (01–12, 21–32, 61–72,
/// 80) and the 3-7-1 weighted checksum.
pub(crate) fn aba_routing(v: &str) -> bool {
    let d: Vec<u32> = v.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 9 || v.len() != 9 {
        return false;
    }
    let prefix = d[0] * 10 + d[1];
    let prefix_ok = matches!(prefix, 1..=12 | 21..=32 | 61..=72 | 80);
    let sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8]);
    prefix_ok && sum.is_multiple_of(10)
}

/// ISO 3166-1 alpha-2 codes, plus XK (Kosovo) which SWIFT uses.
const ISO_COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ \
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ \
DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU \
ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ \
LA LB LC LI LK LR LS LT LU LV LY \
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ \
NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA \
RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ \
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ \
VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK";

/// Whether `code` is an ISO 3166-1 alpha-2 country code.
pub(crate) fn iso_country(code: &str) -> bool {
    code.len() == 2 && ISO_COUNTRIES.split(' ').any(|c| c == code)
}

/// A SWIFT/BIC code: 4 letters (bank), ISO country, 2 alphanumerics (location), optional
/// 3 alphanumerics (branch); upper case only, because lower-case words are far likelier.
pub(crate) fn swift_code(v: &str) -> bool {
    let n = v.len();
    if (n != 8 && n != 11)
        || !v
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    let bank_ok = v
        .get(..4)
        .is_some_and(|b| b.chars().all(|c| c.is_ascii_uppercase()));
    bank_ok && v.get(4..6).is_some_and(iso_country)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_valid_and_rejects_changed_digit() {
        assert!(luhn("4111111111111111"));
        assert!(!luhn("4111111111111112"));
        assert!(luhn("79927398713"));
        assert!(!luhn(""));
        assert!(!luhn("4111-1111"));
    }

    #[test]
    fn cards_need_issuer_prefix_length_and_luhn() {
        for ok in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "5500000000000004",
            "2221000000000009",
            "2720990000000007",
            "378282246310005",
            "3782 822463 10005",
            "6011111111111117",
            "3530111333300000",
            "30569309025904",
            "4222222222222",
        ] {
            assert!(credit_card(ok), "{ok} should be a card");
        }
        for bad in [
            "4111111111111112",        // Luhn
            "1234567812345670",        // passes Luhn, no issuer
            "4111 1111-1111 1111",     // mixed separators
            "4111  1111 1111 1111",    // double separator
            "41 11 11 11 11 11 11 11", // odd grouping
            "5500000000000004000",     // Mastercard is 16 digits
            "0000000000000000",
            "4111111111111111a",
            "",
        ] {
            assert!(!credit_card(bad), "{bad} should not be a card");
        }
    }

    #[test]
    fn iban_checks_country_length_and_mod_97() {
        for ok in [
            "GB82WEST12345698765432",
            "DE89370400440532013000",
            "GB82 WEST 1234 5698 7654 32",
            "de89370400440532013000",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
            "BE68539007547034",
        ] {
            assert!(iban(ok), "{ok} should be an IBAN");
        }
        for bad in [
            "GB82WEST12345698765433", // one digit changed
            "DE89370400440532013001", // one digit changed
            "DE8937040044053201300",  // wrong length for DE
            "ZZ89370400440532013000", // unknown country
            "GB82WEST1234569876543!",
            "GB82  WEST12345698765432",
            "GB",
            "",
        ] {
            assert!(!iban(bad), "{bad} should not be an IBAN");
        }
    }

    #[test]
    fn aba_routing_checksum_and_prefix() {
        for ok in ["011000015", "021000021", "122105155", "026009593"] {
            assert!(aba_routing(ok), "{ok} should be a routing number");
        }
        for bad in [
            "011000016",
            "021000022",
            "000000000",
            "123456789",
            "91100001",
            "0110000150",
        ] {
            assert!(!aba_routing(bad), "{bad} should not be a routing number");
        }
    }

    #[test]
    fn swift_needs_country_code() {
        for ok in [
            "DEUTDEFF",
            "NWBKGB2L",
            "COBADEFFXXX",
            "BNPAFRPP",
            "CHASUS33",
        ] {
            assert!(swift_code(ok), "{ok} should be a BIC");
        }
        for bad in [
            "DEUTZZFF",
            "deutdeff",
            "DEUTDEF",
            "DEUTDEFFXX",
            "1EUTDEFF",
            "DEUT-DEFF",
        ] {
            assert!(!swift_code(bad), "{bad} should not be a BIC");
        }
    }

    #[test]
    fn country_table_is_complete() {
        assert_eq!(ISO_COUNTRIES.split(' ').count(), 250);
        assert!(iso_country("GB") && iso_country("US") && !iso_country("ZZ"));
        for (c, _) in IBAN_LENGTHS {
            assert!(iso_country(c), "{c}");
        }
    }
}
