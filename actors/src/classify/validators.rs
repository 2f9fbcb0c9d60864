//! Validators that run after a recognizer's shape regex matched: checksums, ranges and
//! structural rules. Each takes the trimmed value and returns whether it is a real instance
//! of its type; none of them panics on any input.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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

/// A US SSN `ddd-dd-dddd` (dashes or spaces, one kind): area not 000, 666 or 900–999,
/// group not 00, serial not 0000.
pub(crate) fn ssn(v: &str) -> bool {
    let Some(groups) = digit_groups(v, &['-', ' ']) else {
        return false;
    };
    let [area, group, serial] = groups.as_slice() else {
        return false;
    };
    if area.len() != 3 || group.len() != 2 || serial.len() != 4 {
        return false;
    }
    let area_n: u32 = area.parse().unwrap_or(0);
    area_n != 0 && area_n != 666 && area_n < 900 && group != "00" && serial != "0000"
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

/// A UK NHS number: 10 digits (optionally 3-3-4 with spaces or dashes, one kind), a valid
/// mod 11 check digit, first digit 3–9 (England, Wales, Isle of Man and Northern Ireland
/// ranges; this also keeps 10-digit Unix timestamps out), not one digit repeated.
pub(crate) fn nhs_number(v: &str) -> bool {
    let Some(groups) = digit_groups(v, &[' ', '-']) else {
        return false;
    };
    let shape_ok = match groups.as_slice() {
        [one] => one.len() == 10,
        [a, b, c] => a.len() == 3 && b.len() == 3 && c.len() == 4,
        _ => false,
    };
    if !shape_ok {
        return false;
    }
    let d: Vec<u32> = groups
        .concat()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    if d.len() != 10 || !(3..=9).contains(&d[0]) || d.iter().all(|x| *x == d[0]) {
        return false;
    }
    let sum: u32 = d[..9].iter().zip((2..=10).rev()).map(|(x, w)| x * w).sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == d[9]
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

/// Strips a `/prefix` CIDR suffix when it is a number no larger than `max`.
fn strip_cidr(v: &str, max: u8) -> Option<&str> {
    match v.split_once('/') {
        None => Some(v),
        Some((addr, len)) => {
            let ok = !len.is_empty()
                && len.len() <= 3
                && len.chars().all(|c| c.is_ascii_digit())
                && len.parse::<u8>().is_ok_and(|l| l <= max);
            ok.then_some(addr)
        }
    }
}

/// An IPv4 address in dotted-quad form, optionally with a CIDR suffix. Rejected because
/// that is how 4-part version strings look: `0.x.x.x` (never a host address) and addresses
/// whose four parts are all single digits (`1.0.2.3`; loses `8.8.8.8` and `1.1.1.1`, which
/// a column of real addresses survives).
pub(crate) fn ipv4(v: &str) -> bool {
    strip_cidr(v, 32)
        .and_then(|a| a.parse::<Ipv4Addr>().ok())
        .is_some_and(|ip| {
            let o = ip.octets();
            o[0] != 0 && o.iter().any(|x| *x >= 10)
        })
}

/// An IPv6 address (std parsing, so every textual form including embedded IPv4),
/// optionally with a CIDR suffix; the unspecified address `::` is rejected.
pub(crate) fn ipv6(v: &str) -> bool {
    v.contains(':')
        && strip_cidr(v, 128)
            .and_then(|a| a.parse::<Ipv6Addr>().ok())
            .is_some_and(|ip| !ip.is_unspecified())
}

/// An IPv4 or IPv6 address.
pub(crate) fn ip_address(v: &str) -> bool {
    ipv4(v) || ipv6(v)
}

/// A MAC address: six hex octets separated by `:` or `-` (one kind), or Cisco's
/// `xxxx.xxxx.xxxx`; the all-zero placeholder is rejected.
pub(crate) fn mac_address(v: &str) -> bool {
    let hex: String = v.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    if hex.len() != 12 || hex.chars().all(|c| c == '0') {
        return false;
    }
    let seps: Vec<char> = v.chars().filter(|c| !c.is_ascii_hexdigit()).collect();
    let parts: Vec<&str> = v.split(|c: char| !c.is_ascii_hexdigit()).collect();
    match seps.first() {
        Some(&s @ (':' | '-')) => {
            seps.len() == 5 && seps.iter().all(|c| *c == s) && parts.iter().all(|p| p.len() == 2)
        }
        Some('.') => {
            seps.len() == 2 && seps.iter().all(|c| *c == '.') && parts.iter().all(|p| p.len() == 4)
        }
        _ => false,
    }
}

/// A plausible e-mail address (the regex checked the character classes): local part of at
/// most 64 chars without leading, trailing or doubled dots; domain labels of 1–63 chars not
/// starting or ending with `-`; at least two labels.
pub(crate) fn email(v: &str) -> bool {
    let Some((local, domain)) = v.rsplit_once('@') else {
        return false;
    };
    if local.is_empty()
        || local.chars().count() > 64
        || v.chars().count() > 254
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
    {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            let n = l.chars().count();
            (1..=63).contains(&n) && !l.starts_with('-') && !l.ends_with('-')
        })
}

/// A phone number in a common written form:
/// - international: `+` then 7–15 digits (E.164), separators allowed;
/// - NANP: `ddd-ddd-dddd` shapes (area code 2–9), optionally led by `1`;
/// - European national: trunk `0` then a non-zero digit, 9–12 digits in 2+ groups.
///
/// Bare digit runs without `+` or separators are rejected (ids, timestamps), as are colons
/// and slashes (times, dates) and US ZIP+4 (`ddddd-dddd`).
pub(crate) fn phone_number(v: &str) -> bool {
    if v.len() > 32 {
        return false;
    }
    let (plus, rest) = match v.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, v),
    };
    let chars: Vec<char> = rest.chars().collect();
    // Only an opening parenthesis may come before the first digit.
    if chars
        .first()
        .is_some_and(|c| !c.is_ascii_digit() && *c != '(')
    {
        return false;
    }
    let mut groups: Vec<usize> = Vec::new();
    let mut digits = String::new();
    let mut current = 0usize;
    let mut in_parens = false;
    let mut seen_parens = false;
    let mut prev_sep: Option<char> = None;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '0'..='9' => {
                digits.push(c);
                current += 1;
                prev_sep = None;
            }
            ' ' | '-' | '.' | '(' | ')' => {
                if current > 0 {
                    groups.push(current);
                    current = 0;
                }
                match c {
                    '(' => {
                        // One pair, enclosing 1–4 digits (area code or `(0)` trunk).
                        let inner = chars[i + 1..]
                            .iter()
                            .take_while(|c| c.is_ascii_digit())
                            .count();
                        if seen_parens
                            || !(1..=4).contains(&inner)
                            || chars.get(i + 1 + inner) != Some(&')')
                        {
                            return false;
                        }
                        seen_parens = true;
                        in_parens = true;
                    }
                    ')' => {
                        if !in_parens {
                            return false;
                        }
                        in_parens = false;
                    }
                    _ => {}
                }
                // Two separators may touch only around a parenthesis: `) ` or ` (`.
                if let Some(p) = prev_sep
                    && !matches!(p, '(' | ')')
                    && !matches!(c, '(' | ')')
                {
                    return false;
                }
                prev_sep = Some(c);
            }
            _ => return false,
        }
    }
    if current > 0 {
        groups.push(current);
    }
    if in_parens || groups.is_empty() || (prev_sep.is_some() && prev_sep != Some(')')) {
        return false;
    }
    let first = digits.chars().next();
    if plus {
        return (7..=15).contains(&digits.len()) && first != Some('0');
    }
    if groups.len() < 2 {
        return false;
    }
    let nanp_area_ok = |area_start: usize| {
        digits
            .chars()
            .nth(area_start)
            .is_some_and(|c| ('2'..='9').contains(&c))
    };
    match groups.as_slice() {
        [3, 3, 4] => return nanp_area_ok(0),
        [1, 3, 3, 4] => return first == Some('1') && nanp_area_ok(1),
        [5, 4] => return false,
        _ => {}
    }
    let second = digits.chars().nth(1);
    first == Some('0')
        && second.is_some_and(|c| c != '0')
        && (9..=12).contains(&digits.len())
        && groups.first().is_some_and(|g| (2..=5).contains(g))
        && groups.iter().skip(1).all(|g| (2..=8).contains(g))
}

/// An http(s) URL whose host is a dotted domain with an alphabetic TLD, `localhost`, an
/// IPv4 address or a bracketed IPv6 address; an optional port must be a valid number.
pub(crate) fn http_url(v: &str) -> bool {
    let Some((scheme, rest)) = v.split_once("://") else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return false;
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = split_host_port(host_port);
    if port.is_some_and(|p| p.is_empty() || p.len() > 5 || p.parse::<u16>().is_err()) {
        return false;
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<Ipv6Addr>().is_ok();
    }
    if host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok() {
        return true;
    }
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            let n = l.chars().count();
            (1..=63).contains(&n)
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| {
            tld.chars().count() >= 2
                && (tld.chars().all(char::is_alphabetic)
                    || tld.to_ascii_lowercase().starts_with("xn--"))
        })
}

/// Splits `host[:port]`, keeping a bracketed IPv6 host whole.
pub(crate) fn split_host_port(hp: &str) -> (&str, Option<&str>) {
    if hp.starts_with('[') {
        return match hp.find(']') {
            Some(end) => {
                let (host, rest) = hp.split_at(end + 1);
                (host, rest.strip_prefix(':'))
            }
            None => (hp, None),
        };
    }
    match hp.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (hp, None),
    }
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
    fn ssn_rules() {
        assert!(ssn("123-45-6789"));
        assert!(ssn("536 22 1234"));
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "999-12-3456",
            "123-00-4567",
            "123-45-0000",
            "123456789",
            "123-45 6789",
            "12-345-6789",
            "2024-01-15",
        ] {
            assert!(!ssn(bad), "{bad} should not be an SSN");
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
    fn nhs_mod_11() {
        assert!(nhs_number("9434765919"));
        assert!(nhs_number("943 476 5919"));
        assert!(nhs_number("943-476-5919"));
        assert!(!nhs_number("9434765918"));
        assert!(!nhs_number("943 476-5919"));
        assert!(!nhs_number("4444444444"));
        assert!(!nhs_number("1705312923"));
        assert!(!nhs_number("94347659190"));
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

    #[test]
    fn ip_addresses() {
        for ok in [
            "192.168.1.10",
            "8.8.8.10",
            "10.0.0.0/8",
            "2001:db8::1",
            "::1",
            "fe80::1ff:fe23:4567:890a",
            "::ffff:192.0.2.1",
        ] {
            assert!(ip_address(ok), "{ok} should be an IP");
        }
        for bad in [
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "0.9.1.2",
            "1.0.2.3",
            "8.8.8.8",
            "192.168.1.10/33",
            "::",
            "12:30:45",
            "00:1A:2B:3C:4D:5E",
            "v1.2.3.4",
            "1.2.3.04",
        ] {
            assert!(!ip_address(bad), "{bad} should not be an IP");
        }
    }

    #[test]
    fn mac_addresses() {
        for ok in ["00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "001a.2b3c.4d5e"] {
            assert!(mac_address(ok), "{ok} should be a MAC");
        }
        for bad in [
            "00:1A:2B:3C:4D",
            "00:1A-2B:3C:4D:5E",
            "00:00:00:00:00:00",
            "001A2B3C4D5E",
            "0:1A:2B:3C:4D:5E0",
        ] {
            assert!(!mac_address(bad), "{bad} should not be a MAC");
        }
    }

    #[test]
    fn emails() {
        assert!(email("john.doe@example.com"));
        assert!(email("a+tag@sub.example.co.uk"));
        assert!(!email(".john@example.com"));
        assert!(!email("john..doe@example.com"));
        assert!(!email("john@-example.com"));
        assert!(!email("john@example"));
        assert!(!email("@example.com"));
    }

    #[test]
    fn phones() {
        for ok in [
            "+14155552671",
            "+1 555 123 4567",
            "+44 20 7946 0958",
            "+44 (0)20 7946 0958",
            "+33 1 23 45 67 89",
            "(555) 123-4567",
            "(555)123-4567",
            "555-123-4567",
            "555.123.4567",
            "1-800-555-1234",
            "020 7946 0958",
            "06 12 34 56 78",
            "06.12.34.56.78",
            "030 12345678",
        ] {
            assert!(phone_number(ok), "{ok} should be a phone");
        }
        for bad in [
            "5551234567", // bare digits
            "2024-01-15",
            "2024-01-15 10:22:03",
            "01-15-2024",
            "15.01.2024",
            "10:22:03",
            "123-45-6789",         // SSN shape
            "4111 1111 1111 1111", // card
            "02134-1234",          // ZIP+4
            "19.99",
            "1.2.3",
            "192.168.1.10",
            "123-456-7890", // NANP area code can't start with 1
            "+0 123 456 789",
            "+123",
            "(555 123-4567",
            "555--123-4567",
            "555-123-4567-",
            "0044 20 7946 0958",
            "SKU-10023",
        ] {
            assert!(!phone_number(bad), "{bad} should not be a phone");
        }
    }

    #[test]
    fn urls() {
        for ok in [
            "https://example.com",
            "http://example.com/path?q=1#frag",
            "https://user:pw@example.com:8443/x",
            "http://localhost:8080/",
            "http://192.168.0.1/admin",
            "https://[2001:db8::1]:443/",
        ] {
            assert!(http_url(ok), "{ok} should be a URL");
        }
        for bad in [
            "ftp://example.com",
            "https://",
            "https://example",
            "https://exa mple.com",
            "https://example.com:99999/",
            "example.com",
            "https://-bad-.com",
        ] {
            assert!(!http_url(bad), "{bad} should not be a URL");
        }
    }

    #[test]
    fn validators_never_panic_on_odd_input() {
        let long = "9".repeat(100_000);
        let inputs = [
            "",
            "(",
            ")",
            "+",
            "+(",
            "((((",
            "ü",
            "🦀@🦀.🦀",
            "é1-2",
            "[",
            "http://[",
            "https://@",
            "//",
            &long,
        ];
        for s in inputs {
            let _ = (
                luhn(s),
                credit_card(s),
                iban(s),
                ssn(s),
                aba_routing(s),
                nhs_number(s),
                swift_code(s),
                ip_address(s),
                mac_address(s),
                email(s),
                phone_number(s),
                http_url(s),
            );
        }
    }
}
