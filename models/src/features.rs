//! The column model's per-value feature vector, exactly as `models/FEATURES.md` specifies
//! it (the training pipeline computes the same vector in Python; a test checks both agree).

/// Length of the feature vector.
pub const DIM: usize = 1552;
/// Version of the spec this module implements; the manifest must name the same.
pub const VERSION: u32 = 1;

const NGRAM_BUCKETS: usize = 1024;
const WORD_OFFSET: usize = 1024;
const WORD_BUCKETS: usize = 512;
const SHAPE_OFFSET: usize = 1536;
/// Characters of a value that are looked at; the rest says little about its type.
const MAX_CHARS: usize = 64;

/// 32-bit FNV-1a: tiny, stable across languages, and good enough for feature hashing.
fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u32 {
    bytes.into_iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

fn l2_normalise(block: &mut [f32]) {
    let norm = block.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        block.iter_mut().for_each(|x| *x /= norm);
    }
}

/// Maximal runs of alphanumeric characters.
fn tokens(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
}

/// Writes the features of `value` into `out` (length [`DIM`]), overwriting it.
pub fn extract_into(value: &str, out: &mut [f32]) {
    debug_assert_eq!(out.len(), DIM);
    out.fill(0.0);
    let s: String = value.trim().chars().take(MAX_CHARS).collect();
    let low = s.to_lowercase();

    // Block A: character 1- to 3-grams of the padded, lower-cased value.
    let padded: Vec<char> = std::iter::once('\u{2}')
        .chain(low.chars())
        .chain(std::iter::once('\u{3}'))
        .collect();
    let mut buf = [0u8; 12];
    for n in 1..=3 {
        for window in padded.windows(n) {
            let mut len = 0;
            for c in window {
                len += c.encode_utf8(&mut buf[len..]).len();
            }
            let i = fnv1a(buf[..len].iter().copied()) as usize % NGRAM_BUCKETS;
            out[i] += 1.0;
        }
    }
    l2_normalise(&mut out[..NGRAM_BUCKETS]);

    // Block B: words.
    let mut word_count = 0usize;
    let mut word_chars = 0usize;
    for t in tokens(&low) {
        word_count += 1;
        word_chars += t.chars().count();
        let h = fnv1a(b"w:".iter().copied().chain(t.bytes()));
        out[WORD_OFFSET + h as usize % WORD_BUCKETS] += 1.0;
    }
    l2_normalise(&mut out[WORD_OFFSET..WORD_OFFSET + WORD_BUCKETS]);

    // Block C: shape of the original-case value.
    let n = s.chars().count();
    if n == 0 {
        return;
    }
    let nf = n as f32;
    let (mut digits, mut alpha, mut upper, mut space, mut other, mut non_ascii) =
        (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if c.is_alphabetic() {
            alpha += 1;
        } else if c.is_whitespace() {
            space += 1;
        } else {
            other += 1;
        }
        if c.is_uppercase() {
            upper += 1;
        }
        if !c.is_ascii() {
            non_ascii += 1;
        }
    }
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    let shape = &mut out[SHAPE_OFFSET..];
    shape[0] = n.min(MAX_CHARS) as f32 / MAX_CHARS as f32;
    shape[1] = digits as f32 / nf;
    shape[2] = alpha as f32 / nf;
    shape[3] = upper as f32 / nf;
    shape[4] = space as f32 / nf;
    shape[5] = other as f32 / nf;
    shape[6] = word_count.min(8) as f32 / 8.0;
    shape[7] = flag(s.contains('@'));
    shape[8] = flag(digits > 0);
    shape[9] = flag(s.chars().next().is_some_and(char::is_uppercase));
    shape[10] = flag(digits == n);
    shape[11] = flag(s.contains(','));
    shape[12] = non_ascii as f32 / nf;
    shape[13] = if word_count > 0 {
        (word_chars as f32 / word_count as f32).min(16.0) / 16.0
    } else {
        0.0
    };
    let mut original_tokens = tokens(&s).peekable();
    shape[14] = flag(
        original_tokens.peek().is_some()
            && original_tokens.all(|t| t.chars().next().is_some_and(char::is_uppercase)),
    );
    shape[15] = flag(s.contains(['-', '.', '/']));
}

/// The features of one value, freshly allocated.
pub fn extract(value: &str) -> Vec<f32> {
    let mut out = vec![0.0; DIM];
    extract_into(value, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_reference_vectors() {
        assert_eq!(fnv1a(*b""), 0x811c_9dc5);
        assert_eq!(fnv1a(*b"a"), 0xe40c_292c);
        assert_eq!(fnv1a(*b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn blocks_are_normalised_and_shape_is_filled() {
        let f = extract("  Jane Doe  ");
        let a: f32 = f[..1024].iter().map(|x| x * x).sum();
        let b: f32 = f[1024..1536].iter().map(|x| x * x).sum();
        assert!((a - 1.0).abs() < 1e-5 && (b - 1.0).abs() < 1e-5);
        assert_eq!(f[1536], 8.0 / 64.0);
        assert_eq!(f[1542], 2.0 / 8.0);
        assert_eq!(f[1550], 1.0);
    }

    #[test]
    fn empty_and_odd_values_do_not_panic() {
        for v in ["", "   ", "\u{0}", &"é".repeat(500), "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"] {
            let f = extract(v);
            assert_eq!(f.len(), DIM);
            assert!(f.iter().all(|x| x.is_finite()));
        }
    }
}
