//! National and health identifiers: US SSN and NPI, UK NHS and National Insurance numbers,
//! the Dutch BSN, the German tax id, the Spanish DNI/NIE and the French NIR.

use super::cards::luhn;
use super::digit_groups;

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

/// ASCII digit values of `s`; `None` when any byte is not a digit.
fn digit_values(s: &str) -> Option<Vec<u32>> {
    s.bytes()
        .map(|b| b.is_ascii_digit().then(|| u32::from(b - b'0')))
        .collect()
}

/// A UK National Insurance number, `AB123456C` or spaced `AB 12 34 56 C` (either case):
/// two prefix letters, six digits, suffix A–D. The first letter is not D, F, I, Q, U or V,
/// the second not D, F, I, O, Q, U or V, and the prefix is not BG, GB, NK, KN, TN, NT or ZZ
/// (never allocated). No checksum exists; the letter rules make random matches rare.
pub(crate) fn uk_nino(v: &str) -> bool {
    if !v.is_ascii() {
        return false;
    }
    if v.contains(' ') {
        let lens: Vec<usize> = v.split(' ').map(str::len).collect();
        if lens != [2, 2, 2, 2, 1] {
            return false;
        }
    }
    let c: Vec<u8> = v
        .bytes()
        .filter(|b| *b != b' ')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    let [p1, p2, digits @ .., suffix] = c.as_slice() else {
        return false;
    };
    digits.len() == 6
        && digits.iter().all(u8::is_ascii_digit)
        && p1.is_ascii_uppercase()
        && p2.is_ascii_uppercase()
        && !b"DFIQUV".contains(p1)
        && !b"DFIOQUV".contains(p2)
        && ![*b"BG", *b"GB", *b"NK", *b"KN", *b"TN", *b"NT", *b"ZZ"].contains(&[*p1, *p2])
        && (b'A'..=b'D').contains(suffix)
}

/// A Dutch citizen service number (BSN): 9 digits, bare or dotted `123.456.782`, passing the
/// 11-proof (9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 mod 11); all zeros is rejected. About 9% of
/// random 9-digit numbers pass, which is why its recognizer is a low-precision fallback.
pub(crate) fn netherlands_bsn(v: &str) -> bool {
    let Some(groups) = digit_groups(v, &['.']) else {
        return false;
    };
    let shape_ok = match groups.as_slice() {
        [one] => one.len() == 9,
        [a, b, c] => a.len() == 3 && b.len() == 3 && c.len() == 3,
        _ => false,
    };
    let Some(d) = digit_values(&groups.concat()) else {
        return false;
    };
    if !shape_ok || d.len() != 9 || d.iter().all(|x| *x == 0) {
        return false;
    }
    let sum: u32 = d[..8].iter().zip((2..=9).rev()).map(|(x, w)| x * w).sum();
    // sum − d9 ≡ 0 (mod 11), kept in unsigned arithmetic.
    (sum + 11 - d[8]).is_multiple_of(11)
}

/// ISO 7064 MOD 11,10 check digit over ASCII digit values.
fn iso7064_mod_11_10(d: &[u32]) -> u32 {
    let mut product = 10;
    for x in d {
        let mut sum = (x + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    match 11 - product {
        10 => 0,
        c => c,
    }
}

/// A German tax identification number (Steuerliche Identifikationsnummer): 11 digits, bare
/// or spaced 2-3-3-3 (`86 095 742 719`), first digit not 0. Within the first ten digits one
/// digit occurs twice or three times and every other digit at most once (so at least one
/// digit is missing); a digit occurring three times may not stand three in a row. The last
/// digit is the ISO 7064 MOD 11,10 check digit.
pub(crate) fn germany_tax_id(v: &str) -> bool {
    let Some(groups) = digit_groups(v, &[' ']) else {
        return false;
    };
    let lens: Vec<usize> = groups.iter().map(String::len).collect();
    if lens != [11] && lens != [2, 3, 3, 3] {
        return false;
    }
    let Some(d) = digit_values(&groups.concat()) else {
        return false;
    };
    let [first, body @ .., check] = d.as_slice() else {
        return false;
    };
    if *first == 0 || body.len() != 9 {
        return false;
    }
    let head = &d[..10];
    let mut counts = [0u8; 10];
    for x in head {
        counts[*x as usize] += 1;
    }
    let repeated: Vec<usize> = (0..10).filter(|&i| counts[i] > 1).collect();
    let [r] = repeated.as_slice() else {
        return false;
    };
    let times = counts[*r];
    if !(2..=3).contains(&times) {
        return false;
    }
    let r = *r as u32;
    if times == 3 && head.windows(3).any(|w| w.iter().all(|x| *x == r)) {
        return false;
    }
    iso7064_mod_11_10(head) == *check
}

/// DNI/NIE control letters, indexed by the number mod 23.
const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// A Spanish DNI (8 digits, optionally dotted `12.345.678`) or NIE (X, Y or Z then 7 digits;
/// X, Y, Z count as 0, 1, 2), then the control letter `TRWAGMYFPDXBNJZSQVHLCKE`[n mod 23],
/// optionally after `-` or a space. Letters may be lower case; an all-zero number is
/// rejected.
pub(crate) fn spain_dni(v: &str) -> bool {
    if !v.is_ascii() {
        return false;
    }
    let up = v.to_ascii_uppercase();
    let Some((body, letter)) = up.split_at_checked(up.len().saturating_sub(1)) else {
        return false;
    };
    let body = body
        .strip_suffix('-')
        .or_else(|| body.strip_suffix(' '))
        .unwrap_or(body);
    let (lead, rest) = match body.as_bytes().first() {
        Some(b'X') => ("0", &body[1..]),
        Some(b'Y') => ("1", &body[1..]),
        Some(b'Z') => ("2", &body[1..]),
        _ => ("", body),
    };
    let number = if lead.is_empty() {
        let Some(groups) = digit_groups(rest, &['.']) else {
            return false;
        };
        let lens: Vec<usize> = groups.iter().map(String::len).collect();
        if lens != [8] && lens != [2, 3, 3] {
            return false;
        }
        groups.concat()
    } else {
        if rest.len() != 7 || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        format!("{lead}{rest}")
    };
    let Ok(n) = number.parse::<u32>() else {
        return false;
    };
    n != 0 && letter.as_bytes() == [DNI_LETTERS[(n % 23) as usize]]
}

/// A French social security number (NIR): 13 digits and a 2-digit key, bare or spaced as
/// `1 85 05 78 006 084 91`. Sex/kind digit 1, 2 (or 3, 4, 7, 8 for temporary numbers); month
/// 01–12, 20, 30–42 or 50–99 (INSEE uses the higher values for unknown months); department
/// not 00, and Corsica's `2A`/`2B` allowed (counted as 19/18 for the key); order number not
/// 000; key = 97 − (the 13 digits mod 97).
pub(crate) fn france_nir(v: &str) -> bool {
    if !v.is_ascii() {
        return false;
    }
    let up = v.to_ascii_uppercase();
    if up.contains(' ') {
        let lens: Vec<usize> = up.split(' ').map(str::len).collect();
        if lens != [1, 2, 2, 2, 3, 3, 2] {
            return false;
        }
    }
    let c: String = up.chars().filter(|c| *c != ' ').collect();
    if c.len() != 15 {
        return false;
    }
    let (kind, year, month, dept, rest, key) =
        (&c[..1], &c[1..3], &c[3..5], &c[5..7], &c[7..13], &c[13..]);
    let corsica = match dept {
        "2A" => Some("19"),
        "2B" => Some("18"),
        _ => None,
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !matches!(kind, "1" | "2" | "3" | "4" | "7" | "8")
        || !all_digits(year)
        || !all_digits(rest)
        || !all_digits(key)
        || (corsica.is_none() && (!all_digits(dept) || dept == "00"))
        || &rest[3..] == "000"
    {
        return false;
    }
    let month_ok = month
        .parse::<u32>()
        .is_ok_and(|m| all_digits(month) && matches!(m, 1..=12 | 20 | 30..=42 | 50..=99));
    let body = format!("{kind}{year}{month}{}{rest}", corsica.unwrap_or(dept));
    let (Ok(n), Ok(k)) = (body.parse::<u64>(), key.parse::<u64>()) else {
        return false;
    };
    month_ok && k == 97 - n % 97
}

/// A US National Provider Identifier: 10 digits starting with 1 or 2, whose Luhn check
/// digit is computed with the `80840` health-industry prefix.
pub(crate) fn us_npi(v: &str) -> bool {
    v.len() == 10
        && v.bytes().all(|b| b.is_ascii_digit())
        && matches!(v.as_bytes().first(), Some(b'1' | b'2'))
        && luhn(&format!("80840{v}"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn uk_nino_letter_rules() {
        for ok in [
            "AB123456C",
            "AB 12 34 56 C",
            "ab123456d",
            "JG103759A",
            "ZA000000B",
            "CE 98 76 54 A",
        ] {
            assert!(uk_nino(ok), "{ok} should be a NINO");
        }
        for bad in [
            "DA123456C",    // first letter D
            "AO123456C",    // second letter O
            "GB123456C",    // unallocated prefix
            "TN123456C",    // temporary-number prefix
            "ZZ123456C",    // unallocated prefix
            "AB123456E",    // suffix beyond D
            "AB12345C",     // five digits
            "AB1234567C",   // seven digits
            "AB 123456 C",  // other grouping
            "AB 12 34 56C", // mixed spacing
            "AB12 34 56 C", // mixed spacing
            "A1123456C",    // digit as prefix
            "ÄB123456C",
            "",
        ] {
            assert!(!uk_nino(bad), "{bad} should not be a NINO");
        }
    }

    #[test]
    fn bsn_eleven_proof() {
        for ok in [
            "123456782",
            "111222333",
            "999999990",
            "314159265",
            "027182812",
            "123.456.782",
        ] {
            assert!(netherlands_bsn(ok), "{ok} should be a BSN");
        }
        for bad in [
            "123456783",   // check digit off by one
            "111222334",   // check digit off by one
            "000000000",   // passes the proof, never issued
            "12345678",    // eight digits
            "1234567820",  // ten digits
            "123.456782",  // partial dots
            "123-456-782", // dashes
            "12345678a",
            "",
        ] {
            assert!(!netherlands_bsn(bad), "{bad} should not be a BSN");
        }
    }

    #[test]
    fn germany_tax_id_rules_and_check_digit() {
        for ok in [
            "86095742719",
            "47036892816",
            "65929970489",
            "57549285017",
            "25768131411", // a digit three times, not in a row
            "11234567890", // a doubled digit may stand in a row
            "86 095 742 719",
        ] {
            assert!(germany_tax_id(ok), "{ok} should be a tax id");
        }
        for bad in [
            "86095742718",    // check digit off by one
            "47036892817",    // check digit off by one
            "12345678903",    // no repeated digit
            "11123456786",    // a digit three times in a row
            "11223456789",    // two repeated digits
            "06095742719",    // leading zero
            "8609574271",     // ten digits
            "860957427190",   // twelve digits
            "860 957 427 19", // other grouping
            "86-095-742-719",
            "",
        ] {
            assert!(!germany_tax_id(bad), "{bad} should not be a tax id");
        }
    }

    #[test]
    fn spain_dni_and_nie_letters() {
        for ok in [
            "12345678Z",
            "87654321X",
            "45678912S",
            "12345678-Z",
            "12345678 z",
            "12.345.678-Z",
            "X1234567L",
            "Y7654321G",
            "z0000001y",
        ] {
            assert!(spain_dni(ok), "{ok} should be a DNI/NIE");
        }
        for bad in [
            "12345678A",  // wrong letter
            "87654321Z",  // wrong letter
            "X1234567A",  // wrong letter
            "00000000T",  // all zeros
            "1234567Z",   // seven digits
            "123456789Z", // nine digits
            "W1234567L",  // unknown NIE prefix
            "X12345678L", // NIE with eight digits
            "12345678--Z",
            "12345678",
            "Z",
            "ñ1234567L",
            "",
        ] {
            assert!(!spain_dni(bad), "{bad} should not be a DNI/NIE");
        }
    }

    #[test]
    fn france_nir_key_and_fields() {
        for ok in [
            "185057800608491",
            "1 85 05 78 006 084 91",
            "269029934173285",
            "282021935021314",
            "1 85 05 2A 006 084 35",
            "185052b00608462",
            "395119912345695",
        ] {
            assert!(france_nir(ok), "{ok} should be a NIR");
        }
        for bad in [
            "185057800608492",       // key off by one
            "269029934173284",       // key off by one
            "1 85 05 2A 006 084 36", // Corsica key off by one
            "585057800608491",       // kind digit 5
            "18513780060849",        // fourteen chars
            "1851378006084910",      // sixteen chars
            "1 85 05 78 006 08491",  // other grouping
            "185130000600084",       // month 13
            "185050000000097",       // department 00
            "",
        ] {
            assert!(!france_nir(bad), "{bad} should not be a NIR");
        }
    }

    #[test]
    fn npi_luhn_with_prefix() {
        for ok in ["1234567893", "1987654328", "2456789017", "1000000004"] {
            assert!(us_npi(ok), "{ok} should be an NPI");
        }
        for bad in [
            "1234567894",  // check digit off by one
            "1987654327",  // check digit off by one
            "3234567893",  // first digit 3
            "123456789",   // nine digits
            "12345678930", // eleven digits
            "123456789O",
            "",
        ] {
            assert!(!us_npi(bad), "{bad} should not be an NPI");
        }
    }
}
