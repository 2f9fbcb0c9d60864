//! Phone numbers: a cheap structural pass over the written form, then libphonenumber's
//! metadata (the `phonenumber` crate) for the numbering plan of the country.
//!
//! Parsing with libphonenumber costs several microseconds and allocates, so it only runs on
//! values that already passed the structural checks.

use phonenumber::country::Id;

/// Regions tried for a NANP-shaped national number (`(415) 555-2671`).
const NANP_REGIONS: [Id; 2] = [Id::US, Id::CA];
/// Regions tried for a national number with a trunk `0` (`020 7946 0958`), most common
/// first. Some plans (DE, AT, IT) accept nearly any length, so this mostly rejects numbers
/// whose leading digits no plan uses.
const TRUNK_ZERO_REGIONS: [Id; 10] = [
    Id::GB,
    Id::FR,
    Id::DE,
    Id::NL,
    Id::IT,
    Id::BE,
    Id::AT,
    Id::CH,
    Id::AU,
    Id::ES,
];

/// UK national significant numbers (10 digits) set aside by Ofcom for drama, by prefix.
const UK_DRAMA_PREFIXES: [&str; 20] = [
    "1134960", "1144960", "1154960", "1164960", "1174960", "1184960", "1214960", "1314960",
    "1414960", "1514960", "1614960", "1914980", "2079460", "2896496", "2920180", "1632960",
    "7700900", "8081570", "9098790", "3069990",
];

/// The written form of a candidate number, as the structural pass read it.
struct Written {
    /// Led by `+`.
    plus: bool,
    /// Every digit, in order.
    digits: String,
    /// Every digit except a parenthesised trunk `(0)` (`+44 (0)20 …`).
    without_trunk: String,
    /// Lengths of the digit groups between separators.
    groups: Vec<usize>,
}

/// The structural pass: digits with single separators (` `, `-`, `.`), at most one pair of
/// parentheses around 1–4 digits, an optional leading `+`; `None` for anything else
/// (letters, colons, slashes, doubled separators, a trailing separator).
fn written(v: &str) -> Option<Written> {
    if v.len() > 32 {
        return None;
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
        return None;
    }
    let mut groups: Vec<usize> = Vec::new();
    let mut digits = String::new();
    let mut without_trunk = String::new();
    let mut current = 0usize;
    let mut in_parens = false;
    let mut seen_parens = false;
    let mut prev_sep: Option<char> = None;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '0'..='9' => {
                digits.push(c);
                without_trunk.push(c);
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
                            return None;
                        }
                        seen_parens = true;
                        in_parens = true;
                    }
                    ')' => {
                        if !in_parens {
                            return None;
                        }
                        in_parens = false;
                        if chars.get(i.wrapping_sub(2)) == Some(&'(')
                            && chars.get(i.wrapping_sub(1)) == Some(&'0')
                        {
                            without_trunk.pop();
                        }
                    }
                    _ => {}
                }
                // Two separators may touch only around a parenthesis: `) ` or ` (`.
                if let Some(p) = prev_sep
                    && !matches!(p, '(' | ')')
                    && !matches!(c, '(' | ')')
                {
                    return None;
                }
                prev_sep = Some(c);
            }
            _ => return None,
        }
    }
    if current > 0 {
        groups.push(current);
    }
    if in_parens || groups.is_empty() || (prev_sep.is_some() && prev_sep != Some(')')) {
        return None;
    }
    Some(Written {
        plus,
        digits,
        without_trunk,
        groups,
    })
}

/// Whether E.164 digits (country code first, no `+`) fall in a range reserved for fiction,
/// which test and demo data use on purpose and libphonenumber rejects: NANP area code 555
/// and `555-01xx` lines, and Ofcom's UK drama ranges (`020 7946 0xxx`, `07700 900xxx`, …).
fn fictional(e164: &str) -> bool {
    if let Some(n) = e164.strip_prefix('1')
        && n.len() == 10
    {
        return n.starts_with("555") || n.get(3..8) == Some("55501");
    }
    if let Some(n) = e164.strip_prefix("44")
        && n.len() == 10
    {
        return UK_DRAMA_PREFIXES.iter().any(|p| n.starts_with(p));
    }
    false
}

/// Whether libphonenumber parses `text` (for `region`, or as international when `None`)
/// into a number valid in its country's plan.
fn valid_in(region: Option<Id>, text: &str) -> bool {
    phonenumber::parse(region, text).is_ok_and(|n| phonenumber::is_valid(&n))
}

/// An international number as E.164 digits (country code first): 7–15 digits, no leading
/// 0, and valid for its country (or in a fiction range).
fn international(e164: &str) -> bool {
    (7..=15).contains(&e164.len())
        && !e164.starts_with('0')
        && (fictional(e164) || valid_in(None, &format!("+{e164}")))
}

/// A phone number in a common written form, checked against libphonenumber's metadata:
/// - international: `+` (or `00`) and the country code, 7–15 digits (E.164), separators
///   allowed, `(0)` trunk allowed; valid for that country;
/// - NANP national: `ddd-ddd-dddd` shapes (area code 2–9), optionally led by `1`; valid in
///   the US or Canada;
/// - European national: trunk `0` then a non-zero digit, 9–12 digits in 2+ groups; valid in
///   one of GB, FR, DE, NL, IT, BE, AT, CH, AU, ES.
///
/// Numbers in the ranges reserved for fiction (US 555, UK drama ranges) are accepted
/// without the metadata check. Bare digit runs without `+` or separators are rejected (ids,
/// timestamps), as are colons and slashes (times, dates) and US ZIP+4 (`ddddd-dddd`).
pub(crate) fn phone_number(v: &str) -> bool {
    let Some(w) = written(v) else {
        return false;
    };
    if w.plus {
        return international(&w.without_trunk);
    }
    if w.groups.len() < 2 {
        return false;
    }
    if let Some(rest) = w.without_trunk.strip_prefix("00") {
        return v.starts_with("00") && international(rest);
    }
    let d = w.digits.as_str();
    let nanp_area_ok = |area_start: usize| {
        d.as_bytes()
            .get(area_start)
            .is_some_and(|c| (b'2'..=b'9').contains(c))
    };
    let nanp = match w.groups.as_slice() {
        // `030 123 4567` is a European number with a trunk 0, not a NANP one.
        [3, 3, 4] if !d.starts_with('0') => Some(nanp_area_ok(0)),
        [1, 3, 3, 4] => Some(d.starts_with('1') && nanp_area_ok(1)),
        [5, 4] => return false,
        _ => None,
    };
    match nanp {
        Some(false) => false,
        Some(true) => {
            let ten = &d[d.len() - 10..];
            fictional(&format!("1{ten}")) || NANP_REGIONS.iter().any(|r| valid_in(Some(*r), v))
        }
        None => {
            let structural = d.starts_with('0')
                && d.as_bytes().get(1).is_some_and(|c| *c != b'0')
                && (9..=12).contains(&d.len())
                && w.groups.first().is_some_and(|g| (2..=5).contains(g))
                && w.groups.iter().skip(1).all(|g| (2..=8).contains(g));
            structural
                && (fictional(&format!("44{}", &d[1..]))
                    || TRUNK_ZERO_REGIONS.iter().any(|r| valid_in(Some(*r), v)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            "0044 20 7946 0958", // `00` international prefix
            "+33 6 12 34 56 78",
            "+81 3-1234-5678",
            "+61 2 9876 5432",
            "+91 98765 43210",
            "+7 495 123-45-67",
            "+44 7700 900123", // Ofcom drama range (libphonenumber rejects it)
            "07700 900123",
            "(415) 555-2671",
            "030 123 4567",
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
            "SKU-10023",
            // Structurally fine, rejected by the numbering plans:
            "+1 212 123 4567", // NANP exchange can't start with 1
            "(212) 123-4567",  // same, national
            "+1 000 123 4567", // no such area code
            "+999 1234 5678",  // no such country code
            "+44 12345",       // too short for GB
            "0012 345 6789",   // `00` then an invalid number
            "00 0044 20 7946", // `00` then a leading zero
        ] {
            assert!(!phone_number(bad), "{bad} should not be a phone");
        }
    }
}
