//! Tier 2, context: what a column's name says. Names are split into words (snake, kebab,
//! camel and Pascal case, digits), lower-cased and accent-folded, then matched against the
//! multilingual keyword dictionary in `config/classifier/context.toml` (English, German,
//! French, Spanish, Dutch, plus schema abbreviations). Negative words (`verified`, `count`,
//! `type`, `year`...) mark names that describe something *about* a value, which is how
//! `email_verified` and `card_type` stay clean.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use crate::domain::ClassificationType;

const EMBEDDED: &str = include_str!("../../../config/classifier/context.toml");

/// Keywords shorter than this never match inside a longer word (`nom` in `nombre`).
const MIN_COMPOUND_LEN: usize = 5;

/// How strongly a name points at a type; also the context tier's score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    /// A `weak` keyword: the name only suggests the type.
    Weak,
    /// A keyword found inside a compound word (`kundenemail`).
    Compound,
    /// A keyword among other words (`customer_email`).
    Partial,
    /// The keyword is the whole name (`email`, `date_of_birth`).
    Exact,
}

impl MatchKind {
    /// The context tier's score for this kind of match.
    pub fn score(self) -> f64 {
        match self {
            MatchKind::Weak => 0.4,
            MatchKind::Compound => 0.6,
            MatchKind::Partial => 0.75,
            MatchKind::Exact => 0.9,
        }
    }
}

/// One keyword that matched a name.
#[derive(Clone, Debug, PartialEq)]
pub struct NameMatch {
    pub type_id: ClassificationType,
    pub kind: MatchKind,
    /// The keyword as written in the dictionary.
    pub keyword: String,
    /// Its language (`en`, `de`...), `abbrev` or `weak`.
    pub lang: String,
    /// Word span `[start, end)` of the match in the normalised name.
    span: (usize, usize),
}

/// What a column name says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NameContext {
    /// The normalised words of the name.
    pub words: Vec<String>,
    /// The best match per type, strongest first.
    pub matches: Vec<NameMatch>,
    /// A negative word of the name outside every match (`verified` in `email_verified`).
    pub negative: Option<String>,
    /// The table is about things and this column is its bare `name`: set to the table's
    /// name, so person types are unlikely (`products.name`).
    pub names_a_thing: Option<String>,
}

impl NameMatch {
    /// Whether the keyword is one word matching the whole name (`name`, `naam`).
    pub fn is_bare(&self) -> bool {
        self.kind == MatchKind::Exact && self.span.1 - self.span.0 == 1
    }
}

impl NameContext {
    /// Reads the match of one type as another (`name` beside `vorname` is the family
    /// name); the other type's own match, if any, wins.
    pub fn retype(&mut self, from: ClassificationType, to: ClassificationType) {
        if self.for_type(to).is_some() {
            self.forget(from);
        } else if let Some(m) = self.matches.iter_mut().find(|m| m.type_id == from) {
            m.type_id = to;
        }
    }

    /// Forgets the match of one type (the table says the name means something else).
    pub fn forget(&mut self, t: ClassificationType) {
        self.matches.retain(|m| m.type_id != t);
    }

    /// The match for a type, if the name points at it.
    pub fn for_type(&self, t: ClassificationType) -> Option<&NameMatch> {
        self.matches.iter().find(|m| m.type_id == t)
    }

    /// The strongest match, if any.
    pub fn best(&self) -> Option<&NameMatch> {
        self.matches.first()
    }
}

/// Why the dictionary could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("context dictionary is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("context dictionary names an unknown type `{0}`")]
    UnknownType(String),
    #[error("context dictionary keyword {0:?} of {1} has no letters or digits")]
    EmptyKeyword(String, String),
}

#[derive(Deserialize)]
struct File {
    types: HashMap<String, HashMap<String, Vec<String>>>,
    #[serde(default)]
    negative: Negative,
}

#[derive(Default, Deserialize)]
struct Negative {
    #[serde(default)]
    words: Vec<String>,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    tables: Vec<String>,
}

#[derive(Debug)]
struct Keyword {
    type_id: ClassificationType,
    words: Vec<String>,
    text: String,
    lang: String,
}

/// The compiled keyword dictionary; cheap to share (`Arc`).
#[derive(Debug)]
pub struct ContextDictionary {
    keywords: Vec<Keyword>,
    /// Single-word keywords long enough to match inside compounds.
    compounds: Vec<usize>,
    negative_words: HashSet<String>,
    negative_phrases: Vec<Vec<String>>,
    /// Tables about things, where a bare `name` is not a person's.
    thing_tables: HashSet<String>,
}

impl ContextDictionary {
    /// The dictionary shipped in the binary.
    pub fn embedded() -> Result<Self, ContextError> {
        Self::parse(EMBEDDED)
    }

    /// Parses a dictionary in the `context.toml` format. Keywords are normalised like
    /// names, so `E-Mail` and `e mail` are the same keyword.
    pub fn parse(text: &str) -> Result<Self, ContextError> {
        let file: File = toml::from_str(text)?;
        let mut keywords = Vec::new();
        let mut types: Vec<_> = file.types.into_iter().collect();
        types.sort_by(|a, b| a.0.cmp(&b.0));
        for (type_name, langs) in types {
            let type_id: ClassificationType = type_name
                .parse()
                .map_err(|_| ContextError::UnknownType(type_name.clone()))?;
            let mut langs: Vec<_> = langs.into_iter().collect();
            langs.sort_by(|a, b| a.0.cmp(&b.0));
            for (lang, list) in langs {
                for text in list {
                    let words = normalise(&text);
                    if words.is_empty() {
                        return Err(ContextError::EmptyKeyword(text, type_name.clone()));
                    }
                    keywords.push(Keyword {
                        type_id,
                        words,
                        text,
                        lang: lang.clone(),
                    });
                }
            }
        }
        let compounds = keywords
            .iter()
            .enumerate()
            // Abbreviations are too short-lived inside other words (`lname` in `fullname`).
            .filter(|(_, k)| {
                k.words.len() == 1
                    && k.lang != "abbrev"
                    && k.words[0].chars().count() >= MIN_COMPOUND_LEN
            })
            .map(|(i, _)| i)
            .collect();
        Ok(Self {
            keywords,
            compounds,
            negative_words: file
                .negative
                .words
                .iter()
                .flat_map(|w| normalise(w))
                .collect(),
            negative_phrases: file
                .negative
                .phrases
                .iter()
                .map(|p| normalise(p))
                .filter(|p| !p.is_empty())
                .collect(),
            thing_tables: file
                .negative
                .tables
                .iter()
                .flat_map(|w| normalise(w))
                .collect(),
        })
    }

    /// Whether a table is about things (products, companies...) rather than people, so a
    /// bare `name` column in it is not a person's name.
    pub fn is_thing_table(&self, table: &str) -> bool {
        normalise(table).iter().any(|w| {
            self.thing_tables.contains(w)
                || w.strip_suffix('s')
                    .is_some_and(|s| self.thing_tables.contains(s))
        })
    }

    /// Number of keywords (for the taxonomy and tests).
    pub fn len(&self) -> usize {
        self.keywords.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keywords.is_empty()
    }

    /// What a column name says about its values.
    pub fn analyse(&self, name: &str) -> NameContext {
        let words = normalise(name);
        if words.is_empty() {
            return NameContext::default();
        }
        // Words inside a non-sensitive phrase (`company name`) match nothing.
        let mut blocked = vec![false; words.len()];
        for phrase in &self.negative_phrases {
            for start in find_all(&words, phrase) {
                blocked[start..start + phrase.len()].fill(true);
            }
        }

        let mut found: Vec<NameMatch> = Vec::new();
        for k in &self.keywords {
            for start in find_all(&words, &k.words) {
                let end = start + k.words.len();
                if blocked[start..end].iter().any(|b| *b) {
                    continue;
                }
                let kind = if k.lang == "weak" {
                    MatchKind::Weak
                } else if end - start == words.len() {
                    MatchKind::Exact
                } else {
                    MatchKind::Partial
                };
                found.push(NameMatch {
                    type_id: k.type_id,
                    kind,
                    keyword: k.text.clone(),
                    lang: k.lang.clone(),
                    span: (start, end),
                });
            }
        }
        for &ki in &self.compounds {
            let k = &self.keywords[ki];
            let needle = &k.words[0];
            for (wi, w) in words.iter().enumerate() {
                if !blocked[wi] && w.len() > needle.len() && w.contains(needle.as_str()) {
                    found.push(NameMatch {
                        type_id: k.type_id,
                        kind: if k.lang == "weak" {
                            MatchKind::Weak
                        } else {
                            MatchKind::Compound
                        },
                        keyword: k.text.clone(),
                        lang: k.lang.clone(),
                        span: (wi, wi + 1),
                    });
                }
            }
        }

        // A match inside a longer match of another keyword loses (`address` inside
        // `email address`), and so does a match inside a word that another keyword matches
        // whole (`geslacht` inside `geslachtsnaam`); then the best match per type is kept.
        let covers = |a: &NameMatch, b: &NameMatch| {
            let len = |m: &NameMatch| m.span.1 - m.span.0;
            a.span.0 <= b.span.0
                && b.span.1 <= a.span.1
                && (len(a) > len(b)
                    || (b.kind == MatchKind::Compound
                        && matches!(a.kind, MatchKind::Exact | MatchKind::Partial)))
        };
        let snapshot = found.clone();
        found.retain(|m| !snapshot.iter().any(|o| covers(o, m)));
        found.sort_by(|a, b| {
            b.kind
                .cmp(&a.kind)
                .then((b.span.1 - b.span.0).cmp(&(a.span.1 - a.span.0)))
                .then(a.type_id.cmp(&b.type_id))
        });
        let mut seen = HashSet::new();
        found.retain(|m| seen.insert(m.type_id));

        let covered = |wi: usize| found.iter().any(|m| m.span.0 <= wi && wi < m.span.1);
        let negative = words
            .iter()
            .enumerate()
            .find(|(wi, w)| !covered(*wi) && self.negative_words.contains(*w))
            .map(|(_, w)| w.clone());
        NameContext {
            words,
            matches: found,
            negative,
            names_a_thing: None,
        }
    }
}

/// Start indices where `needle` occurs as consecutive words of `words`.
fn find_all(words: &[String], needle: &[String]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > words.len() {
        return Vec::new();
    }
    (0..=words.len() - needle.len())
        .filter(|&i| words[i..i + needle.len()] == *needle)
        .collect()
}

/// Folds the accents of Latin letters used by the dictionary's languages.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'æ' => "ae",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'œ' => "oe",
        _ => return None,
    })
}

/// Splits a name into lower-case, accent-folded words: `customerEMailAddr_2` → customer,
/// e, mail, addr. Digits separate words and are dropped (`icd10_code` → icd, code), so
/// numbered columns (`addr_line1`, `attr2`) read like their stem.
pub fn normalise(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, words: &mut Vec<String>| {
        if !current.is_empty() {
            words.push(std::mem::take(current));
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphabetic() {
            flush(&mut current, &mut words);
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        // camelCase: a capital after a lower-case letter starts a word; in `EMailAdresse`
        // or `URLPath`, the last capital of a run starts the next word.
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase() || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if boundary {
            flush(&mut current, &mut words);
        }
        for l in c.to_lowercase() {
            match fold(l) {
                Some(f) => current.push_str(f),
                None => current.push(l),
            }
        }
    }
    flush(&mut current, &mut words);
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClassificationType as T;

    fn dict() -> ContextDictionary {
        ContextDictionary::embedded().expect("shipped dictionary loads")
    }

    #[test]
    fn names_split_into_words() {
        let n = |s: &str| normalise(s).join(" ");
        assert_eq!(n("customer_email_address"), "customer email address");
        assert_eq!(n("customerEmailAddress"), "customer email address");
        assert_eq!(n("EMailAdresse"), "e mail adresse");
        assert_eq!(n("URLPath"), "url path");
        assert_eq!(n("TEL_NO"), "tel no");
        assert_eq!(n("Straße"), "strasse");
        assert_eq!(n("fecha-de-Nacimiento"), "fecha de nacimiento");
        assert_eq!(n("addr_line1"), "addr line");
        assert_eq!(n("ICD10Code"), "icd code");
        assert_eq!(n("Prénom"), "prenom");
        assert_eq!(n("col_a"), "col a");
        assert!(normalise("12 _-").is_empty());
    }

    #[test]
    fn keywords_match_in_five_languages() {
        let d = dict();
        let best = |name: &str| d.analyse(name).best().map(|m| m.type_id);
        assert_eq!(best("email"), Some(T::EmailAddress));
        assert_eq!(best("Geburtsdatum"), Some(T::DateOfBirth));
        assert_eq!(best("date_de_naissance"), Some(T::DateOfBirth));
        assert_eq!(best("fecha_nacimiento"), Some(T::DateOfBirth));
        assert_eq!(best("geboortedatum"), Some(T::DateOfBirth));
        assert_eq!(best("telefoonnummer"), Some(T::PhoneNumber));
        assert_eq!(best("KundenTelefonnummer"), Some(T::PhoneNumber));
        assert_eq!(best("courriel"), Some(T::EmailAddress));
        assert_eq!(best("Vorname"), Some(T::FirstName));
        assert_eq!(best("apellidos"), Some(T::LastName));
        assert_eq!(best("cust_dob"), Some(T::DateOfBirth));
        assert_eq!(best("col_a"), None);
        assert_eq!(best(""), None);
    }

    #[test]
    fn exact_beats_partial_beats_compound() {
        let d = dict();
        let kind = |name: &str, t| d.analyse(name).for_type(t).map(|m| m.kind);
        assert_eq!(kind("email", T::EmailAddress), Some(MatchKind::Exact));
        assert_eq!(
            kind("customer_email", T::EmailAddress),
            Some(MatchKind::Partial)
        );
        assert_eq!(
            kind("kundenemail", T::EmailAddress),
            Some(MatchKind::Compound)
        );
    }

    #[test]
    fn negative_words_and_phrases_stop_false_positives() {
        let d = dict();
        let c = d.analyse("email_verified");
        assert_eq!(c.negative.as_deref(), Some("verified"));
        let c = d.analyse("card_type");
        assert!(c.negative.is_some() || c.matches.is_empty(), "{c:?}");
        assert!(d.analyse("company_name").for_type(T::PersonName).is_none());
        assert!(d.analyse("product_name").for_type(T::PersonName).is_none());
        // A keyword that contains the negative word wins over it.
        let c = d.analyse("password_hash");
        assert_eq!(c.best().map(|m| m.type_id), Some(T::PasswordHash));
        assert_eq!(c.negative, None);
    }

    #[test]
    fn tables_about_things_are_recognised() {
        let d = dict();
        assert!(d.is_thing_table("products"));
        assert!(d.is_thing_table("dim_company"));
        assert!(d.is_thing_table("Bedrijven"));
        assert!(!d.is_thing_table("customers"));
        assert!(!d.is_thing_table("patients"));
    }

    #[test]
    fn malformed_dictionaries_are_refused_with_a_reason() {
        assert!(matches!(
            ContextDictionary::parse("[types.NOT_A_TYPE]\nen = [\"x\"]"),
            Err(ContextError::UnknownType(_))
        ));
        assert!(matches!(
            ContextDictionary::parse("[types.EMAIL_ADDRESS]\nen = [\"--\"]"),
            Err(ContextError::EmptyKeyword(..))
        ));
        let d = ContextDictionary::parse("[types.EMAIL_ADDRESS]\nen = [\"E-Mail\"]")
            .expect("keywords are normalised like names");
        assert!(
            d.analyse("eMail")
                .for_type(ClassificationType::EmailAddress)
                .is_some()
        );
        assert!(matches!(
            ContextDictionary::parse("[types"),
            Err(ContextError::Toml(_))
        ));
    }
}
