//! Credentials: salted password hashes in the usual modular-crypt and framework formats,
//! and API keys, tokens and private keys of formats with a recognisable prefix or structure.
//!
//! Plain hex digests (MD5, SHA-1, SHA-256) and generic high-entropy strings are never
//! matched: by value alone they are as likely to be checksums or ids as secrets.

/// The alphabet of crypt(3) hashes and salts (`./0-9A-Za-z`).
fn crypt64(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/')
}

/// Standard base64 without padding (`A-Za-z0-9+/`), as argon2 and passlib's scrypt write it.
fn b64_std(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// Whether `s` is a non-empty decimal number of at most `max_len` digits.
fn number(s: &str, max_len: usize) -> bool {
    (1..=max_len).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// bcrypt: `$2a$`, `$2b$`, `$2x$` or `$2y$`, a two-digit cost 04–31, `$`, then 53 chars
/// (22 salt + 31 hash).
fn bcrypt(v: &str) -> bool {
    let Some(rest) = ["$2a$", "$2b$", "$2x$", "$2y$"]
        .iter()
        .find_map(|p| v.strip_prefix(p))
    else {
        return false;
    };
    let Some((cost, tail)) = rest.split_once('$') else {
        return false;
    };
    cost.len() == 2
        && cost.parse::<u8>().is_ok_and(|c| (4..=31).contains(&c))
        && number(cost, 2)
        && tail.len() == 53
        && crypt64(tail)
}

/// argon2: `$argon2id$` (or `i`, `d`), an optional `v=NN`, `m=..,t=..,p=..` (extra `keyid=`
/// and `data=` allowed), then base64 salt (at least 8 bytes) and hash (at least 16 bytes).
fn argon2(v: &str) -> bool {
    let parts: Vec<&str> = v.split('$').collect();
    let (params, salt, hash) = match parts.as_slice() {
        [
            "",
            "argon2id" | "argon2i" | "argon2d",
            version,
            params,
            salt,
            hash,
        ] => {
            let ok = version.strip_prefix("v=").is_some_and(|n| number(n, 3));
            if !ok {
                return false;
            }
            (*params, *salt, *hash)
        }
        ["", "argon2id" | "argon2i" | "argon2d", params, salt, hash] => (*params, *salt, *hash),
        _ => return false,
    };
    let mut seen = [false; 3];
    for kv in params.split(',') {
        let Some((k, val)) = kv.split_once('=') else {
            return false;
        };
        match k {
            "m" | "t" | "p" if number(val, 10) => {
                seen[usize::from(k == "t") + 2 * usize::from(k == "p")] = true;
            }
            "keyid" | "data" if b64_std(val) => {}
            _ => return false,
        }
    }
    seen.iter().all(|s| *s)
        && salt.len() >= 11
        && hash.len() >= 22
        && b64_std(salt)
        && b64_std(hash)
}

/// SHA-crypt (`$5$` SHA-256, `$6$` SHA-512): optional `rounds=N$`, a salt of up to 16
/// chars, then a hash of 43 (SHA-256) or 86 (SHA-512) chars. MD5-crypt (`$1$`) and Apache's
/// `$apr1$`: a salt of up to 8 chars, then 22 chars.
fn crypt_family(v: &str) -> bool {
    let parts: Vec<&str> = v.split('$').collect();
    let (id, salt, hash) = match parts.as_slice() {
        ["", id @ ("5" | "6"), rounds, salt, hash] => {
            if !rounds
                .strip_prefix("rounds=")
                .is_some_and(|n| number(n, 10))
            {
                return false;
            }
            (*id, *salt, *hash)
        }
        ["", id, salt, hash] => (*id, *salt, *hash),
        _ => return false,
    };
    let (max_salt, hash_len) = match id {
        "5" => (16, 43),
        "6" => (16, 86),
        "1" | "apr1" => (8, 22),
        _ => return false,
    };
    (1..=max_salt).contains(&salt.len()) && hash.len() == hash_len && crypt64(salt) && crypt64(hash)
}

/// scrypt as passlib writes it (`$scrypt$ln=16,r=8,p=1$salt$hash`), the `$7$` crypt format
/// (`$7$` + parameters and salt + `$` + 43 chars) and yescrypt (`$y$params$salt$hash`).
fn scrypt_family(v: &str) -> bool {
    let parts: Vec<&str> = v.split('$').collect();
    match parts.as_slice() {
        ["", "scrypt", params, salt, hash] => {
            params.split(',').all(|kv| {
                kv.split_once('=')
                    .is_some_and(|(k, n)| matches!(k, "ln" | "r" | "p") && number(n, 10))
            }) && params.split(',').count() == 3
                && !salt.is_empty()
                && hash.len() >= 22
                && b64_std(salt)
                && b64_std(hash)
        }
        // N (1 char) and r, p (5 chars each) in crypt64; the salt after them may be any text.
        ["", "7", setting, hash] => {
            setting.len() >= 14
                && setting.get(..11).is_some_and(crypt64)
                && hash.len() == 43
                && crypt64(hash)
        }
        ["", "y", params, salt, hash] => {
            !params.is_empty()
                && !salt.is_empty()
                && hash.len() == 43
                && crypt64(params)
                && crypt64(salt)
                && crypt64(hash)
        }
        _ => false,
    }
}

/// phpass (WordPress, phpBB): `$P$` or `$H$`, a cost char (log2 rounds 7–30), 8 salt chars
/// and 22 hash chars.
fn phpass(v: &str) -> bool {
    const ITOA64: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let Some(rest) = v.strip_prefix("$P$").or_else(|| v.strip_prefix("$H$")) else {
        return false;
    };
    let cost_ok = rest
        .bytes()
        .next()
        .and_then(|c| ITOA64.iter().position(|x| *x == c))
        .is_some_and(|i| (7..=30).contains(&i));
    cost_ok && rest.len() == 31 && crypt64(rest)
}

/// PBKDF2 as Django writes it (`pbkdf2_sha256$<iterations>$<salt>$<base64>`, also sha1 and
/// sha512) and as passlib does (`$pbkdf2-sha256$<iterations>$<salt>$<hash>`).
fn pbkdf2(v: &str) -> bool {
    let parts: Vec<&str> = v.split('$').collect();
    match parts.as_slice() {
        [
            "pbkdf2_sha256" | "pbkdf2_sha1" | "pbkdf2_sha512",
            iterations,
            salt,
            hash,
        ] => {
            let body = hash.trim_end_matches('=');
            number(iterations, 8)
                && (1..=128).contains(&salt.len())
                && salt.bytes().all(|b| b.is_ascii_alphanumeric())
                && body.len() >= 20
                && hash.len() - body.len() <= 2
                && b64_std(body)
        }
        [
            "",
            "pbkdf2" | "pbkdf2-sha1" | "pbkdf2-sha256" | "pbkdf2-sha512",
            iterations,
            salt,
            hash,
        ] => {
            number(iterations, 8)
                && !salt.is_empty()
                && hash.len() >= 22
                && crypt64(salt)
                && crypt64(hash)
        }
        _ => false,
    }
}

/// A salted password hash: bcrypt, argon2, SHA-crypt, MD5-crypt/apr1, scrypt and yescrypt,
/// phpass, PBKDF2 (Django and passlib), and Django's `bcrypt$`, `bcrypt_sha256$` and
/// `argon2$` wrappers. Bare hex digests are not matched.
pub(crate) fn password_hash(v: &str) -> bool {
    if v.len() > 512 || !v.is_ascii() {
        return false;
    }
    // Django stores some hashers' output behind an algorithm name.
    if let Some(inner) = v
        .strip_prefix("bcrypt_sha256$")
        .or_else(|| v.strip_prefix("bcrypt$"))
    {
        return bcrypt(inner);
    }
    if v.starts_with("argon2$") {
        // `argon2$argon2id$v=19$…`: the part after the name starts with `$`.
        return argon2(&v[6..]);
    }
    if v.starts_with("pbkdf2") || v.starts_with("$pbkdf2") {
        return pbkdf2(v);
    }
    let Some(id) = v.strip_prefix('$').and_then(|r| r.split('$').next()) else {
        return false;
    };
    match id {
        "2a" | "2b" | "2x" | "2y" => bcrypt(v),
        "argon2id" | "argon2i" | "argon2d" => argon2(v),
        "1" | "5" | "6" | "apr1" => crypt_family(v),
        "scrypt" | "7" | "y" => scrypt_family(v),
        "P" | "H" => phpass(v),
        _ => false,
    }
}

/// Decodes unpadded (or padded) base64url; `None` on any other character.
fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in s.bytes() {
        let x = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(x);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// AWS access key id: a key-type prefix, then 16 chars of base32 (`A-Z2-7`).
fn aws_access_key_id(v: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA",
    ];
    v.len() == 20
        && PREFIXES.iter().any(|p| v.starts_with(p))
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

/// GitHub tokens: `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36 alphanumerics, or a
/// fine-grained `github_pat_` + 82 chars of `A-Za-z0-9_`.
fn github_token(v: &str) -> bool {
    if let Some(rest) = v.strip_prefix("github_pat_") {
        return rest.len() == 82 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    }
    let prefixed = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .find_map(|p| v.strip_prefix(p));
    prefixed.is_some_and(|rest| rest.len() == 36 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// GitLab personal access token: `glpat-` + at least 20 chars of `A-Za-z0-9_-`.
fn gitlab_token(v: &str) -> bool {
    v.strip_prefix("glpat-").is_some_and(|rest| {
        (20..=100).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

/// Slack token: `xoxa-`, `xoxb-`, `xoxp-`, `xoxr-` or `xoxs-`, then dash-separated
/// alphanumeric parts (at least two, one of them numeric).
fn slack_token(v: &str) -> bool {
    let Some(rest) = ["xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"]
        .iter()
        .find_map(|p| v.strip_prefix(p))
    else {
        return false;
    };
    let parts: Vec<&str> = rest.split('-').collect();
    (10..=250).contains(&rest.len())
        && parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
        && parts.iter().any(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// Stripe secret or restricted key: `sk_` or `rk_`, `live_` or `test_`, then at least 24
/// alphanumerics. Publishable keys (`pk_`) are not secrets.
fn stripe_key(v: &str) -> bool {
    let Some(rest) = ["sk_live_", "sk_test_", "rk_live_", "rk_test_"]
        .iter()
        .find_map(|p| v.strip_prefix(p))
    else {
        return false;
    };
    (24..=247).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Google API key: `AIza` + 35 chars of `0-9A-Za-z_-`.
fn google_api_key(v: &str) -> bool {
    v.len() == 39
        && v.starts_with("AIza")
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `sk-` keys (OpenAI, Anthropic and others): `sk-` + at least 32 chars of `A-Za-z0-9_-`,
/// with a letter, a digit and a run of 20 or more alphanumerics, so slugs made of words
/// (`sk-summer-sale-…`) stay out.
fn sk_dash_key(v: &str) -> bool {
    let Some(rest) = v.strip_prefix("sk-") else {
        return false;
    };
    let longest_run = rest
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::len)
        .max()
        .unwrap_or(0);
    (32..=256).contains(&rest.len())
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && rest.bytes().any(|b| b.is_ascii_digit())
        && rest.bytes().any(|b| b.is_ascii_alphabetic())
        && longest_run >= 20
}

/// A JSON Web Token: three base64url parts (the signature may be empty for `alg: none`);
/// header and payload are JSON objects (`eyJ` is `{"` encoded) and the header names an
/// `alg`.
fn jwt(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return false;
    };
    if !header.starts_with("eyJ") || !payload.starts_with("eyJ") {
        return false;
    }
    let Some(h) = base64url_decode(header) else {
        return false;
    };
    let header_ok = h.first() == Some(&b'{')
        && h.windows(5).any(|w| w == b"\"alg\"")
        && h.last() == Some(&b'}');
    header_ok
        && payload.len() >= 4
        && base64url_decode(payload).is_some_and(|p| p.first() == Some(&b'{'))
        && base64url_decode(signature).is_some()
}

/// A PEM (or OpenSSH, PGP) private key block: `-----BEGIN <kind>PRIVATE KEY-----`, a body
/// of base64 and header lines (`Proc-Type:` of encrypted keys), and the matching `END`
/// line. Newlines may be real or escaped (`\n`, as in JSON or env files).
fn private_key_block(v: &str) -> bool {
    const KINDS: [&str; 7] = ["", "RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED ", "PGP "];
    let Some(rest) = v.strip_prefix("-----BEGIN ") else {
        return false;
    };
    let Some((label, body_and_end)) = rest.split_once("-----") else {
        return false;
    };
    let label_ok = KINDS.iter().any(|k| {
        label
            .strip_prefix(k)
            .is_some_and(|l| l == "PRIVATE KEY" || (*k == "PGP " && l == "PRIVATE KEY BLOCK"))
    });
    if !label_ok {
        return false;
    }
    let end = format!("-----END {label}-----");
    let Some(body) = body_and_end.strip_suffix(end.as_str()) else {
        return false;
    };
    let body = body.replace("\\n", "\n").replace("\\r", "\r");
    let mut base64_chars = 0;
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.contains(':') {
            // `Proc-Type: 4,ENCRYPTED`, `DEK-Info: AES-128-CBC,…`, PGP `Version: …`.
            if !line.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
                return false;
            }
            continue;
        }
        if !line
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        {
            return false;
        }
        base64_chars += line.len();
    }
    base64_chars >= 40
}

/// An API key, token or private key of a known format: AWS access key ids, GitHub, GitLab,
/// Slack and Stripe tokens, Google API keys, `sk-` keys, JWTs and PEM private key blocks.
/// Generic high-entropy strings are not matched (a 40-char base64 string may be a hash).
pub(crate) fn api_key_or_secret(v: &str) -> bool {
    if v.len() > 16_384 || !v.is_ascii() {
        return false;
    }
    aws_access_key_id(v)
        || github_token(v)
        || gitlab_token(v)
        || slack_token(v)
        || stripe_key(v)
        || google_api_key(v)
        || sk_dash_key(v)
        || jwt(v)
        || private_key_block(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes_by_scheme() {
        for ok in [
            "$2b$12$erB5dESMt6duLd/ZyhVvSHP2OO..YZTTjmXYVXvkAszTQfGok.pGl",
            "$2y$10$rl7mV76UFeArxAzsu/3DVXNd5qre5LtjC1JYpsQphJlmlUIRl7SEI",
            "$2a$04$xCcqe4zQFC9oYOOyLT1tRFzjQ4T48m7hj6xQMuU9pVJ8gsGrClsh8",
            "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
            "$argon2i$m=4096,t=3,p=1$c29tZXNhbHQxMjM$aW5zZWN1cmVoYXNoYnl0ZXM",
            "$5$saltstring$fjpU/6enh5irqhqyqU3soQTXs7iIzTzkgBXS2VaVD6a",
            "$6$rounds=656000$TEPMmV7WCz5quHYc$t.qxhyMtCkKjpjrOzyt5QSu7XPJq.uLnQnu01a9j7uvSfk9ezAml8iQ7BN2djDPw/7hd6Cd8gRij96NAOkipjB",
            "$6$5qsOC.e4$LW/007v6wXj5Gk.1i6lQT79oR0EGbgIGBo0Gx8ENNaMPj2RVVySGZDLuHhFNxP/1Jm88rtFPjRjafGceiPct4v",
            "$1$UOApICJN$4cv57nLBvER0aMI8ZPurcj",
            "$apr1$oqvuPrj1$sCZVwGKCCVXXD87q.06k0n",
            "$P$B55KWRSHtv6ReMhSicC7CqtmFA46RNn",
            "$H$9j4cSCXBbIxslV5siG5ScUYD1g.5F3y",
            "$y$j9T$TDCqKHc8J6EdE9wFEey3lE$CWUxWbImLJSHZA2r80uO/l3aMPl7JfxmOOI6dI0dhF9",
            "$7$C6..../....SodiumChloride$dEXitKHzmu.iOB2QAE0gLuOnGlTPf9niCGBBNEOr1fA",
            "$scrypt$ln=16,r=8,p=1$d2QuZqtBUUMiVS532Pqo5d$73V4GU8+ANQ1GaAEe9ty7bZjZmteutfH/zsSSe+wEMV",
            "pbkdf2_sha256$600000$ZGwtS56MyzwUere3inFzMY$BTVexwuiDZ/E88zmH0vVuQppkZInDSy2050HjHgkEy0=",
            "$pbkdf2-sha256$29000$kqY7JNcp0w.vuUYnvnLtdK$ZjlgHTHyVaGyzb07dkzhIoVzBRMjV1WnLoHF8PHmW5v",
            "bcrypt_sha256$$2b$12$erB5dESMt6duLd/ZyhVvSHP2OO..YZTTjmXYVXvkAszTQfGok.pGl",
            "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
        ] {
            assert!(password_hash(ok), "{ok} should be a password hash");
        }
        for bad in [
            // Plain digests: MD5, SHA-1, SHA-256 hex.
            "5f4dcc3b5aa765d61d8327deb882cf99",
            "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
            "5e884898da28047151d0e56f8ff5b27ae4f2f4e8a5bd8b7e5c5f06b3d6b1b3e2",
            "$2b$12$erB5dESMt6duLd/ZyhVvSHP2OO..YZTTjmXYVXvkAszTQfGok.pG", // 52 chars
            "$2b$03$erB5dESMt6duLd/ZyhVvSHP2OO..YZTTjmXYVXvkAszTQfGok.pGl", // cost 3
            "$2c$12$erB5dESMt6duLd/ZyhVvSHP2OO..YZTTjmXYVXvkAszTQfGok.pGl", // no such variant
            "$argon2id$v=19$m=65536,t=3$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", // no p=
            "$6$saltsalt$tooshort",
            "$5$saltsaltsaltsaltsalt$fjpU/6enh5irqhqyqU3soQTXs7iIzTzkgBXS2VaVD6a", // salt > 16
            "$1$UOApICJN$4cv57nLBvER0aMI8ZPurc",                                   // 21 chars
            "$P$155KWRSHtv6ReMhSicC7CqtmFA46RNn", // cost char out of range
            "pbkdf2_sha256$many$salt$BTVexwuiDZ/E88zmH0vVuQppkZInDSy2050HjHgkEy0=",
            "$9$abc$def",
            "$$$",
            "",
        ] {
            assert!(!password_hash(bad), "{bad} should not be a password hash");
        }
    }

    // Token-shaped test values are assembled from pieces so that secret scanners reading
    // this file don't take them for leaked credentials (they are random).
    #[test]
    fn api_keys_and_tokens() {
        let ok = [
            ["AKIA", "O6GAMKHFVJXG4ULG"].concat(),
            ["ASIA", "XGEMNUXL5FPZ5YAH"].concat(),
            ["ghp_", "m9XIrAfY9V8vEfw8utSBHzeWwvM6VYJS5fps"].concat(),
            ["gho_", "xyFkHSaV82EhbDOaPRquEJR9GjebLi2Y27PF"].concat(),
            [
                "github_pat_",
                "cWIzFA0xJXzBBQjd9Y3hFD_NMzcAehF9Rm91regBDKZxxgb3l85qpnolCNBaxuaz300b65YA0wK5VJTxMb",
            ]
            .concat(),
            ["glpat-", "Jvby1YiR8ukAPV6JJwE0"].concat(),
            ["xoxb-", "230759727315-9002614255324-h55sjFSHGpZXTX6ejlc93P9k"].concat(),
            ["sk_live_", "IQBiAuYIPeqtDAAxNaOgtnPy"].concat(),
            ["rk_test_", "TDzgPCsY4WxBjTccGpH75XkhRtl7m8YYT2Kl7rEpc"].concat(),
            ["AIza", "4WRGtPB6F-FD0P04cOILFI6mIiPznh6mmAp"].concat(),
            ["sk-", "hq5fdYJpN8QU8nNdFJWFT3BlbkFJobcnhpZLMI6fKrgc7kW6"].concat(),
            ["sk-proj-", "CS3i-beV1golNZh2th_LOOrMNkWGxWqhM0qMnIlr00IImIXFM0N71Jc1DlNp"].concat(),
            [
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.",
                "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.",
                "uJ7wNVfOMKw3Oin62FaRwXYpJRnG7n4gkVg68zMRZ6N",
            ]
            .concat(),
            // alg: none, no signature.
            ["eyJhbGciOiJub25lIn0.", "eyJzdWIiOiIxMjM0NTY3ODkwIn0."].concat(),
            [
                "-----BEGIN RSA PRIVATE",
                " KEY-----\n",
                "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n",
                "KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm\n",
                "-----END RSA PRIVATE KEY-----",
            ]
            .concat(),
            [
                "-----BEGIN PRIVATE",
                " KEY-----\\n",
                "MC4CAQAwBQYDK2VwBCIEIHWgX2o6fCvFYHcLcbvKxfYQmDa1vlxVfVPZsTpQqXa9\\n",
                "-----END PRIVATE KEY-----",
            ]
            .concat(),
            [
                "-----BEGIN EC PRIVATE",
                " KEY-----\nProc-Type: 4,ENCRYPTED\n",
                "DEK-Info: AES-128-CBC,2A1F0C3E3D4B5A69788F9E0D1C2B3A49\n\n",
                "MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n",
                "-----END EC PRIVATE KEY-----",
            ]
            .concat(),
        ];
        for v in &ok {
            assert!(api_key_or_secret(v), "{v} should be a secret");
        }
        let bad = [
            ["AKIA", "O6GAMKHFVJXG4UL"].concat(),   // 15 chars after the prefix
            ["AKIA", "O6GAMKHFVJXG4UL1"].concat(),  // 1 is not base32
            ["ABCD", "O6GAMKHFVJXG4ULG"].concat(),  // unknown prefix
            ["ghp_", "m9XIrAfY9V8vEfw8utSBHzeWwvM6VYJS5fp"].concat(), // 35 chars
            ["ghx_", "m9XIrAfY9V8vEfw8utSBHzeWwvM6VYJS5fps"].concat(),
            ["sk_live_", "IQBiAuYIPeqtDAAxNaOgtnP"].concat(), // 23 chars
            ["pk_live_", "IQBiAuYIPeqtDAAxNaOgtnPy"].concat(), // publishable
            ["AIza", "4WRGtPB6F-FD0P04cOILFI6mIiPznh6mmA"].concat(), // 38 chars
            "sk-summer-sale-2024-collection-for-kids".to_owned(),
            "sk-abc".to_owned(),
            ["xoxb-", "abcdefghijkl"].concat(), // no numeric part
            // Three dotted parts, but the header is not JSON with an alg.
            [
                "eyJ0eXAiOiJKV1QiLCJraWQiOiJ4In0.",
                "eyJzdWIiOiIxMjM0NTY3ODkwIn0.",
                "4dRfVL5g7U9NmgtGPaDr9_kqHkR1l1vQlYEA_Un1k17",
            ]
            .concat(),
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0".to_owned(), // two parts
            "-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKj34GkxFhD90vcNLYLInFEX\n-----END PUBLIC KEY-----".to_owned(),
            // END label differs from BEGIN.
            [
                "-----BEGIN RSA PRIVATE",
                " KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4\n",
                "-----END EC PRIVATE KEY-----",
            ]
            .concat(),
            ["-----BEGIN PRIVATE", " KEY----------END PRIVATE KEY-----"].concat(), // empty body
            // Hashes and generic high-entropy strings.
            "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8".to_owned(),
            "dGhpcyBpcyBqdXN0IGEgYmFzZTY0IHN0cmluZyBvZiA0MCBj".to_owned(),
            "AKIAIOSFODNN7EXAMPLEAKIAIOSFODNN7EXAMPLE".to_owned(),
            String::new(),
        ];
        for v in &bad {
            assert!(!api_key_or_secret(v), "{v} should not be a secret");
        }
    }

    #[test]
    fn base64url_decoding() {
        assert_eq!(
            base64url_decode("eyJhbGciOiJub25lIn0").as_deref(),
            Some(&b"{\"alg\":\"none\"}"[..])
        );
        assert_eq!(base64url_decode("").as_deref(), Some(&b""[..]));
        assert!(base64url_decode("ab+c").is_none());
    }
}
