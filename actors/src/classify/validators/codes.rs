//! Structured codes that identify people indirectly: vehicle identification numbers, ICD-10
//! diagnosis codes and geographic coordinates.

/// VIN check-digit weights by position (ISO 3779, North-American rule).
const VIN_WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/// The value of one VIN character for the check digit; `None` for characters a VIN can't
/// hold (I, O, Q and anything not alphanumeric).
fn vin_value(c: u8) -> Option<u32> {
    Some(match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'A' | b'J' => 1,
        b'B' | b'K' | b'S' => 2,
        b'C' | b'L' | b'T' => 3,
        b'D' | b'M' | b'U' => 4,
        b'E' | b'N' | b'V' => 5,
        b'F' | b'W' => 6,
        b'G' | b'P' | b'X' => 7,
        b'H' | b'Y' => 8,
        b'R' | b'Z' => 9,
        _ => return None,
    })
}

/// A vehicle identification number: 17 characters from `A–H J–N P R–Z 0–9` (either case),
/// with a valid check digit in position 9 (weighted sum mod 11, `X` for 10), a model-year
/// character (position 10) that is not `0`, `U` or `Z`, at least one letter and one digit,
/// and not one character repeated.
///
/// Only the North-American rule makes position 9 a check digit; many European VINs carry
/// no check digit and are rejected here on purpose (precision over recall: a column of
/// European VINs still shows some 1 in 11 matches, and the context tier can name it).
pub(crate) fn vin(v: &str) -> bool {
    if v.len() != 17 || !v.is_ascii() {
        return false;
    }
    let b: Vec<u8> = v.bytes().map(|c| c.to_ascii_uppercase()).collect();
    let mut sum = 0;
    for (c, w) in b.iter().zip(VIN_WEIGHTS) {
        let Some(x) = vin_value(*c) else {
            return false;
        };
        sum += x * w;
    }
    let check = match sum % 11 {
        10 => b'X',
        d => b'0' + d as u8,
    };
    b[8] == check
        && !matches!(b[9], b'0' | b'U' | b'Z')
        && b.iter().any(u8::is_ascii_uppercase)
        && b.iter().any(u8::is_ascii_digit)
        && b.iter().any(|c| *c != b[0])
}

/// ICD-10 categories whose third character is a letter (ICD-10-CM).
const ICD10_LETTER_CATEGORIES: &[&str] = &["C4A", "C7A", "C7B", "D3A", "M1A", "O9A", "Z3A"];
/// The only codes of chapter U (codes for special purposes) that are in use.
const ICD10_U_CODES: &[&str] = &["U07.1", "U07.2", "U09.9", "U071", "U072", "U099"];

/// An ICD-10 (or ICD-10-CM) diagnosis code, upper case: a chapter letter, two digits (or a
/// digit and a letter for the few categories that have one, like `C4A`), then either `.` and
/// 1–4 alphanumerics (`E11.9`, `S72.001A`) or, without the dot, 1–4 alphanumerics
/// (`E119`, as claims files write them). Chapter U only holds U07.1, U07.2 and U09.9.
///
/// A bare three-character category (`I10`, `A12`) is not accepted on its own: that shape
/// is far more often a seat, grid cell or product code. A column of ICD-10 codes still
/// matches through its longer codes, and its recognizer has a modest precision that the
/// context tier (a `diagnosis` column) raises.
pub(crate) fn icd10(v: &str) -> bool {
    if !(4..=8).contains(&v.len()) || !v.is_ascii() {
        return false;
    }
    let (category, sub) = match v.split_once('.') {
        Some((c, s)) => (c, s),
        None => v.split_at(3),
    };
    let cat = category.as_bytes();
    let [chapter, tens, unit] = cat else {
        return false;
    };
    if !chapter.is_ascii_uppercase()
        || !tens.is_ascii_digit()
        || !(unit.is_ascii_digit() || unit.is_ascii_uppercase())
        || !(1..=4).contains(&sub.len())
        || !sub
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        return false;
    }
    if unit.is_ascii_uppercase() && !ICD10_LETTER_CATEGORIES.contains(&category) {
        return false;
    }
    *chapter != b'U' || ICD10_U_CODES.contains(&v)
}

/// One coordinate in decimal degrees: optional sign, 1–3 integer digits, `.`, 3–15 decimals.
fn degrees(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = unsigned.split_once('.')?;
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if !(1..=3).contains(&int.len())
        || !(3..=15).contains(&frac.len())
        || !digits(int)
        || !digits(frac)
    {
        return None;
    }
    s.parse().ok()
}

/// Whether `(lat, lon)` are in range and not the `0, 0` placeholder.
fn lat_lon(lat: f64, lon: f64) -> bool {
    (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) && !(lat == 0.0 && lon == 0.0)
}

/// A latitude/longitude pair in decimal degrees with at least 3 decimals each:
/// `lat, lon`, `lat,lon`, `(lat, lon)` or `lat lon` (the longitude-first order that GeoJSON
/// uses is accepted too when only it is in range), or WKT `POINT(lon lat)`. Latitude must
/// be within ±90, longitude within ±180, and `0, 0` (a placeholder) is rejected. A single
/// number is never a coordinate.
pub(crate) fn geo_coordinates(v: &str) -> bool {
    if v.len() > 80 || !v.is_ascii() {
        return false;
    }
    let wkt = v
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("POINT"))
        .and_then(|_| {
            let inner = v[5..].trim_start().strip_prefix('(')?.strip_suffix(')')?;
            Some(inner.trim())
        });
    if let Some(inner) = wkt {
        let mut parts = inner.split_ascii_whitespace();
        return match (parts.next(), parts.next(), parts.next()) {
            (Some(lon), Some(lat), None) => degrees(lon)
                .zip(degrees(lat))
                .is_some_and(|(lon, lat)| lat_lon(lat, lon)),
            _ => false,
        };
    }
    let inner = match (v.strip_prefix('('), v.ends_with(')')) {
        (Some(rest), true) => rest.strip_suffix(')').unwrap_or(rest).trim(),
        (None, false) => v,
        _ => return false,
    };
    let (a, b) = match inner.split_once(',') {
        Some((a, b)) => (a.trim(), b.trim()),
        None => {
            let mut parts = inner.split_ascii_whitespace();
            match (parts.next(), parts.next(), parts.next()) {
                (Some(a), Some(b), None) => (a, b),
                _ => return false,
            }
        }
    };
    match (degrees(a), degrees(b)) {
        (Some(a), Some(b)) => lat_lon(a, b) || lat_lon(b, a),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vin_check_digit() {
        for ok in [
            "1M8GDM9AXKP042788", // check digit X
            "1HGCM82633A004352",
            "JH4KA7561PC008269",
            "5YJSA1E16HF123456",
            "2T1BURHE9JC034561",
            "1ftfw1et9dfc10312", // lower case
        ] {
            assert!(vin(ok), "{ok} should be a VIN");
        }
        for bad in [
            "1M8GDM9A1KP042788",  // check digit changed
            "1HGCM82643A004352",  // check digit off by one
            "5YJSA1E14HF123456",  // check digit off by one
            "WVWZZZ1JZXW000001",  // European VIN without a check digit
            "1HGCM82633A00435",   // 16 chars
            "1HGCM82633A0043522", // 18 chars
            "1HGCM8263IA004352",  // I is not a VIN character
            "11111111111111111",  // passes the check, one repeated char
            "1HGCM82633A00435-",
            "",
        ] {
            assert!(!vin(bad), "{bad} should not be a VIN");
        }
    }

    #[test]
    fn icd10_codes() {
        for ok in [
            "E11.9", "J45.909", "S72.001A", "C4A.1", "I25.10", "E119", "M5416", "F32.A", "U07.1",
            "Z3A.01",
        ] {
            assert!(icd10(ok), "{ok} should be an ICD-10 code");
        }
        for bad in [
            "I10",       // bare category: too ambiguous on its own
            "A12",       // product-code shape
            "E11.",      // empty subcategory
            "E11.12345", // subcategory too long
            "C9A.1",     // no such letter category
            "U12.3",     // chapter U is reserved
            "e11.9",     // lower case
            "111.9",     // digit as chapter
            "E1.9",
            "E11-9",
            "SKU-1",
            "",
        ] {
            assert!(!icd10(bad), "{bad} should not be an ICD-10 code");
        }
    }

    #[test]
    fn geo_coordinate_pairs() {
        for ok in [
            "51.5074, -0.1278",
            "48.8566,2.3522",
            "(40.7128, -74.0060)",
            "-33.8688 151.2093",
            "-122.419, 37.775", // longitude first
            "POINT(-0.1278 51.5074)",
            "point (2.352 48.857)",
        ] {
            assert!(geo_coordinates(ok), "{ok} should be coordinates");
        }
        for bad in [
            "51.5074",           // single number
            "51.51, -0.13",      // too few decimals
            "91.5074, 181.1234", // out of range either way
            "0.000, 0.000",      // placeholder
            "(51.5074, -0.1278",
            "51.5074, -0.1278, 3.000",
            "51.5074,, -0.1278",
            "POINT(51.5074)",
            "POINT(-0.1278 95.5074)", // WKT is lon lat: latitude out of range
            "1.2.3, 4.5.6",
            "",
        ] {
            assert!(!geo_coordinates(bad), "{bad} should not be coordinates");
        }
    }
}
