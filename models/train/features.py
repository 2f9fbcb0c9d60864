"""Per-value feature vector, version 1 (see models/FEATURES.md).

The Rust crate (models/src/features.rs) implements the same specification
independently; models/column_model/feature_vectors.json holds vectors written by
this module that a Rust test compares against.

Only the standard library is needed for one vector; `batch_dense` uses numpy.
"""

from __future__ import annotations

import math

VERSION = 1
DIM = 1552
NGRAM_DIM = 1024
WORD_OFFSET = 1024
WORD_DIM = 512
SHAPE_OFFSET = 1536
SHAPE_DIM = 16
MAX_CHARS = 64

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193

ASCII_DIGITS = frozenset("0123456789")


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over the UTF-8 bytes of `text`."""
    h = FNV_OFFSET
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * FNV_PRIME) & 0xFFFFFFFF
    return h


# n-grams and words repeat a lot across values: cache their indices.
_NGRAM_CACHE: dict[str, int] = {}
_WORD_CACHE: dict[str, int] = {}


def _ngram_index(gram: str) -> int:
    idx = _NGRAM_CACHE.get(gram)
    if idx is None:
        idx = fnv1a(gram) % NGRAM_DIM
        if len(_NGRAM_CACHE) < 2_000_000:
            _NGRAM_CACHE[gram] = idx
    return idx


def _word_index(token: str) -> int:
    idx = _WORD_CACHE.get(token)
    if idx is None:
        idx = WORD_OFFSET + fnv1a("w:" + token) % WORD_DIM
        if len(_WORD_CACHE) < 2_000_000:
            _WORD_CACHE[token] = idx
    return idx


def tokens(text: str) -> list[str]:
    """Maximal runs of alphanumeric characters (str.isalnum)."""
    out: list[str] = []
    cur: list[str] = []
    for ch in text:
        if ch.isalnum():
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def normalise(value: str) -> str:
    """Step 1 of the spec: trim, then keep the first 64 characters."""
    return value.strip()[:MAX_CHARS]


def _l2(block: dict[int, float]) -> dict[int, float]:
    norm = math.sqrt(sum(v * v for v in block.values()))
    if norm == 0.0:
        return {}
    return {k: v / norm for k, v in block.items()}


def sparse(value: str) -> list[tuple[int, float]]:
    """The feature vector of one value as sorted (index, value) pairs, zeros left out."""
    s = normalise(value)
    low = s.lower()

    # Block A: character 1-, 2-, 3-grams of "\x02" + low + "\x03".
    p = "\u0002" + low + "\u0003"
    grams: dict[int, float] = {}
    plen = len(p)
    for n in (1, 2, 3):
        for i in range(plen - n + 1):
            idx = _ngram_index(p[i : i + n])
            grams[idx] = grams.get(idx, 0.0) + 1.0
    grams = _l2(grams)

    # Block B: word tokens of low.
    low_tokens = tokens(low)
    words: dict[int, float] = {}
    for t in low_tokens:
        idx = _word_index(t)
        words[idx] = words.get(idx, 0.0) + 1.0
    words = _l2(words)

    # Block C: shape.
    shape = [0.0] * SHAPE_DIM
    n = len(s)
    if n > 0:
        digits = alpha = upper = space = other = non_ascii = 0
        for ch in s:
            is_digit = ch in ASCII_DIGITS
            is_alpha = ch.isalpha()
            is_space = ch.isspace()
            if is_digit:
                digits += 1
            if is_alpha:
                alpha += 1
            if ch.isupper():
                upper += 1
            if is_space:
                space += 1
            if not (is_digit or is_alpha or is_space):
                other += 1
            if ord(ch) > 127:
                non_ascii += 1
        shape[0] = min(n, MAX_CHARS) / 64.0
        shape[1] = digits / n
        shape[2] = alpha / n
        shape[3] = upper / n
        shape[4] = space / n
        shape[5] = other / n
        shape[6] = min(len(low_tokens), 8) / 8.0
        shape[7] = 1.0 if "@" in s else 0.0
        shape[8] = 1.0 if digits > 0 else 0.0
        shape[9] = 1.0 if s[0].isupper() else 0.0
        shape[10] = 1.0 if digits == n else 0.0
        shape[11] = 1.0 if "," in s else 0.0
        shape[12] = non_ascii / n
        if low_tokens:
            mean_len = sum(len(t) for t in low_tokens) / len(low_tokens)
            shape[13] = min(mean_len, 16.0) / 16.0
        s_tokens = tokens(s)
        shape[14] = 1.0 if s_tokens and all(t[0].isupper() for t in s_tokens) else 0.0
        shape[15] = 1.0 if ("-" in s or "." in s or "/" in s) else 0.0

    out = sorted(grams.items()) + sorted(words.items())
    out += [(SHAPE_OFFSET + i, v) for i, v in enumerate(shape) if v != 0.0]
    return out


def dense(value: str) -> list[float]:
    vec = [0.0] * DIM
    for i, v in sparse(value):
        vec[i] = v
    return vec


def batch_dense(values, dtype="float32"):
    """Feature matrix [len(values), DIM] as a numpy array."""
    import numpy as np

    values = list(values)
    out = np.zeros((len(values), DIM), dtype=dtype)
    for row, value in enumerate(values):
        pairs = sparse(value)
        if pairs:
            idx, vals = zip(*pairs)
            out[row, list(idx)] = vals
    return out


def self_check() -> None:
    """Known answers for the hash and a few hand-checked properties of the vector."""
    # FNV-1a 32-bit reference values.
    assert fnv1a("") == 0x811C9DC5, hex(fnv1a(""))
    assert fnv1a("a") == 0xE40C292C, hex(fnv1a("a"))
    assert fnv1a("foobar") == 0xBF9CF968, hex(fnv1a("foobar"))

    # An empty value still has the n-grams of "\x02\x03" (3 windows), nothing else.
    empty = sparse("")
    assert len(empty) <= 3 and all(i < 1024 for i, _ in empty) and sparse("   \t ") == empty
    assert sparse("  Anna  ") == sparse("Anna")

    v = dict(sparse("Anna"))
    # p = \x02 a n n a \x03 -> 6 unigrams, 5 bigrams, 4 trigrams = 15 windows.
    grams = {i: x for i, x in v.items() if i < 1024}
    assert abs(sum(x * x for x in grams.values()) - 1.0) < 1e-9
    words = {i: x for i, x in v.items() if 1024 <= i < 1536}
    assert list(words) == [1024 + fnv1a("w:anna") % 512] and words[1024 + fnv1a("w:anna") % 512] == 1.0
    assert v[1536] == 4 / 64 and v[1538] == 1.0 and v[1539] == 0.25
    assert v[1542] == 1 / 8 and v[1545] == 1.0 and v[1549] == 4 / 16 and v[1550] == 1.0
    assert 1537 not in v and 1543 not in v and 1551 not in v

    v = dict(sparse("12345"))
    assert v[1537] == 1.0 and v[1544] == 1.0 and v[1546] == 1.0 and 1545 not in v and 1550 not in v

    v = dict(sparse("x" * 100))
    assert v[1536] == 1.0 and v[1549] == 1.0  # cut to 64 characters, mean length capped at 16

    v = dict(sparse("Müller, Jürgen-Ä"))
    assert abs(v[1548] - 3 / 16) < 1e-12 and v[1547] == 1.0 and v[1551] == 1.0
    assert v[1541] == 2 / 16 and v[1540] == 1 / 16

    assert len(dense("a@b.c")) == DIM


if __name__ == "__main__":
    self_check()
    print("features self-check ok")
