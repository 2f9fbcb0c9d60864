//! The governance domain: sources, assets, classifications, profiles and scan jobs.
//! Everything here is replicated through Raft, so every type is plain data (serde) and
//! carries no raw sampled value: evidence is always masked.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Milliseconds since the Unix epoch; the proposer stamps times so that applying a command
/// is deterministic on every replica.
pub type Millis = u64;

/// Current wall-clock time in milliseconds (for stamping commands before they are proposed).
pub fn now_ms() -> Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as Millis)
        .unwrap_or(0)
}

/// A registered data source. `id` is the user-chosen name and the first segment of every
/// asset id under it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub kind: SourceKind,
    /// Connection URI (`sqlite:///path.db`, `file:///dir`).
    pub uri: String,
    /// The site (plant, branch, region) the source lives in: scans run there first.
    #[serde(default)]
    pub site: Option<String>,
    /// Whether a scan may leave the site when no node there is up.
    #[serde(default)]
    pub residency: Residency,
    /// A cron schedule (five fields, UTC) on which the scheduler starts scans.
    #[serde(default)]
    pub schedule: Option<String>,
    pub created_at_ms: Millis,
    /// Rows sampled per table (None: the node's default).
    #[serde(default)]
    pub sample: Option<SampleSize>,
    /// The password, sealed with the cluster's secret key (see `secrets`); never in `uri`.
    pub sealed_password: Option<String>,
}

/// Where a source's scans may run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Residency {
    /// In the source's site when a node there is up, else on the nearest node.
    #[default]
    Preferred,
    /// Only ever in the source's site: with no live node there the scan waits.
    Strict,
}

impl fmt::Display for Residency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Residency::Preferred => "preferred",
            Residency::Strict => "strict",
        })
    }
}

impl std::str::FromStr for Residency {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "preferred" => Ok(Residency::Preferred),
            "strict" => Ok(Residency::Strict),
            other => Err(format!("residency `{other}`: use `preferred` or `strict`")),
        }
    }
}

/// How much of each table a scan reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SampleSize {
    /// A uniform random sample of at most this many rows.
    Rows(u64),
    /// Every row: exact profiles (classification still looks at a bounded sample).
    Full,
}

impl fmt::Display for SampleSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SampleSize::Rows(n) => write!(f, "{n}"),
            SampleSize::Full => f.write_str("full"),
        }
    }
}

impl std::str::FromStr for SampleSize {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "full" => Ok(SampleSize::Full),
            n => match n.parse::<u64>() {
                // Bounded: a sample is held in memory (values up to 4096 characters each);
                // `full` profiles any number of rows while keeping a bounded sample.
                Ok(v) if (1..=100_000).contains(&v) => Ok(SampleSize::Rows(v)),
                _ => Err(format!(
                    "sample `{s}`: use a row count between 1 and 100000, or `full`"
                )),
            },
        }
    }
}

/// Which connector reads a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Sqlite,
    Files,
    Postgres,
    Mysql,
    Mongodb,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceKind::Sqlite => "sqlite",
            SourceKind::Files => "files",
            SourceKind::Postgres => "postgres",
            SourceKind::Mysql => "mysql",
            SourceKind::Mongodb => "mongodb",
        })
    }
}

/// What a table-level asset is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    Table,
    View,
    MaterializedView,
    File,
    /// A MongoDB collection: its columns are field paths inferred from sampled documents.
    Collection,
}

/// A table (or view, or file) with its columns, as cataloged by the last scan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableAsset {
    /// `{source}.{database}.{schema}.{table}`, each segment escaped by [`id_segment`].
    pub id: String,
    pub name: String,
    pub kind: AssetKind,
    pub source: String,
    pub database: String,
    pub schema: String,
    /// Total rows: counted when the scan read every row, else the engine's estimate.
    pub row_count: Option<u64>,
    pub columns: Vec<Column>,
    pub scan_id: String,
    pub scanned_at_ms: Millis,
    pub comment: Option<String>,
    /// A view's SQL, kept for lineage.
    pub definition: Option<String>,
    pub primary_key: Vec<String>,
    pub foreign_keys: Vec<ForeignKey>,
    /// Changes whenever the table's schema or data may have changed; an unchanged
    /// fingerprint lets a later scan skip the table.
    pub fingerprint: Option<String>,
    /// Set when a later scan no longer found the table.
    pub deleted_at_ms: Option<Millis>,
}

/// A foreign key: `columns` reference `references_columns` of another table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub references_schema: String,
    pub references_table: String,
    pub references_columns: Vec<String>,
}

impl TableAsset {
    /// Builds the readable, stable id of a table asset.
    pub fn make_id(source: &str, database: &str, schema: &str, table: &str) -> String {
        [source, database, schema, table]
            .iter()
            .map(|s| id_segment(s))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// The id of one of this table's columns.
    pub fn column_id(&self, column: &str) -> String {
        format!("{}.{}", self.id, id_segment(column))
    }

    /// Makes this scan's version of the table the catalog's, on top of the stored `old`:
    /// it is not deleted, and columns the source dropped stay, marked deleted (at most
    /// [`MAX_DELETED_COLUMNS`], newest first: schemas inferred from samples or dynamic
    /// keys must not grow an entry without bound).
    pub fn supersede(&mut self, old: Option<TableAsset>) {
        self.deleted_at_ms = None;
        let Some(old) = old else { return };
        let mut gone: Vec<Column> = old
            .columns
            .into_iter()
            .filter(|c| !self.columns.iter().any(|n| n.name == c.name))
            .collect();
        gone.sort_by_key(|c| std::cmp::Reverse(c.deleted_at_ms.unwrap_or(u64::MAX)));
        gone.truncate(MAX_DELETED_COLUMNS);
        for c in gone {
            let at = c.deleted_at_ms.unwrap_or(self.scanned_at_ms);
            self.columns.push(Column {
                deleted_at_ms: Some(at),
                ..c
            });
        }
    }

    /// The most confident sensitive types found in this table, deduplicated.
    pub fn sensitive_types(&self) -> Vec<ClassificationType> {
        let mut out: Vec<ClassificationType> = self
            .columns
            .iter()
            .flat_map(|c| c.classifications.iter().map(|x| x.type_id))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Deleted columns a table keeps in the catalog.
pub const MAX_DELETED_COLUMNS: usize = 128;

/// Escapes one segment of an asset id so that ids stay unambiguous when names contain dots.
pub fn id_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '%' => out.push_str("%25"),
            '.' => out.push_str("%2E"),
            '/' => out.push_str("%2F"),
            c if c.is_control() => out.push_str(&format!("%{:02X}", c as u32 & 0xff)),
            c => out.push(c),
        }
    }
    out
}

/// A column with its profile and classifications.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub data_type: String,
    pub nullable: bool,
    pub classifications: Vec<Classification>,
    pub profile: Profile,
    /// The column's default expression, as the engine prints it.
    pub default: Option<String>,
    pub comment: Option<String>,
    /// Set when a later scan no longer found the column (the table still exists).
    pub deleted_at_ms: Option<Millis>,
}

/// Statistics over the sampled values of a column. No value is kept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub rows_sampled: u64,
    pub null_ratio: f64,
    /// Distinct values in the sample; equal to the column's distinct count when the sample
    /// covered the whole table.
    pub distinct_estimate: u64,
    /// Shortest and longest text form among non-null sampled values.
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub mean_length: Option<f64>,
    /// Smallest and largest value, for numeric and temporal columns only: the extremes
    /// of a text column would be raw values.
    pub min: Option<String>,
    pub max: Option<String>,
    /// The most common value shapes (`Aaaa 9999`: letters, digits, punctuation kept),
    /// with the share of non-null values that have them.
    pub shapes: Vec<ShapeShare>,
    /// Whether every row was read (a `full` scan), so the figures are exact.
    pub exact: bool,
}

/// One value shape and how often it occurs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShapeShare {
    pub shape: String,
    pub ratio: f64,
}

/// How sure a classification is, derived from its confidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Low,
    Medium,
    High,
}

impl Level {
    /// High from 0.85, medium from 0.6, low below.
    pub fn from_confidence(c: f64) -> Level {
        if c >= 0.85 {
            Level::High
        } else if c >= 0.6 {
            Level::Medium
        } else {
            Level::Low
        }
    }
}

/// Which classifier tier contributed to a classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Regular expressions plus validators (checksums, ranges).
    Pattern,
    /// Column names and neighbouring columns.
    Context,
    /// The ONNX model.
    Model,
    /// A data steward confirmed or set the type by hand.
    Steward,
}

/// What one tier contributed to a classification, for its explanation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub tier: Tier,
    /// For the tier that proposed the type, its score (0 to 1); for a later tier, the
    /// change it made to the confidence (negative when it lowered it).
    pub score: f64,
    /// What the tier saw, in words, with no raw value.
    pub detail: String,
}

/// One sensitive type found in a column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    #[serde(rename = "type")]
    pub type_id: ClassificationType,
    pub confidence: f64,
    pub level: Level,
    pub tiers: Vec<Tier>,
    /// One matching value, masked (`4111********1111`); never the value itself.
    pub evidence: String,
    /// Which tier contributed what, in the order they were applied.
    #[serde(default)]
    pub explanation: Vec<Contribution>,
}

macro_rules! classification_types {
    ($($variant:ident => $id:literal : [$($fw:ident),*]),* $(,)?) => {
        /// The classification type ids of DESIGN.md; their string form is part of the API.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum ClassificationType {
            $(#[serde(rename = $id)] $variant,)*
        }

        impl ClassificationType {
            /// Every type, in declaration order.
            pub const ALL: &'static [ClassificationType] = &[$(ClassificationType::$variant,)*];

            /// The API id (`EMAIL_ADDRESS`).
            pub fn as_str(self) -> &'static str {
                match self { $(ClassificationType::$variant => $id,)* }
            }

            /// The compliance frameworks this type matters for.
            pub fn frameworks(self) -> &'static [Framework] {
                match self { $(ClassificationType::$variant => &[$(Framework::$fw),*],)* }
            }
        }
    };
}

classification_types! {
    EmailAddress => "EMAIL_ADDRESS": [GdprPersonal, HipaaIdentifier, Soc2Confidential],
    PhoneNumber => "PHONE_NUMBER": [GdprPersonal, HipaaIdentifier, Soc2Confidential],
    CreditCardNumber => "CREDIT_CARD_NUMBER": [GdprPersonal, PciCardholder, Soc2Confidential],
    IbanCode => "IBAN_CODE": [GdprPersonal, Soc2Confidential],
    UsSocialSecurityNumber => "US_SOCIAL_SECURITY_NUMBER": [GdprPersonal, HipaaIdentifier, Soc2Confidential],
    UsBankRoutingNumber => "US_BANK_ROUTING_NUMBER": [Soc2Confidential],
    SwiftCode => "SWIFT_CODE": [Soc2Confidential],
    IpAddress => "IP_ADDRESS": [GdprPersonal, HipaaIdentifier],
    MacAddress => "MAC_ADDRESS": [GdprPersonal, HipaaIdentifier],
    Url => "URL": [HipaaIdentifier],
    PersonName => "PERSON_NAME": [GdprPersonal, HipaaIdentifier, PciCardholder, Soc2Confidential],
    FirstName => "FIRST_NAME": [GdprPersonal, HipaaIdentifier, Soc2Confidential],
    LastName => "LAST_NAME": [GdprPersonal, HipaaIdentifier, Soc2Confidential],
    StreetAddress => "STREET_ADDRESS": [GdprPersonal, HipaaIdentifier, Soc2Confidential],
    City => "CITY": [GdprPersonal, HipaaIdentifier],
    PostalCode => "POSTAL_CODE": [GdprPersonal, HipaaIdentifier],
    Country => "COUNTRY": [GdprPersonal],
    DateOfBirth => "DATE_OF_BIRTH": [GdprPersonal, HipaaIdentifier, Soc2Confidential],
    Gender => "GENDER": [GdprPersonal],
    PassportNumber => "PASSPORT_NUMBER": [GdprPersonal, HipaaIdentifier, Soc2Confidential],
    DriversLicenseNumber => "DRIVERS_LICENSE_NUMBER": [GdprPersonal, HipaaIdentifier, Soc2Confidential],
    UkNationalInsuranceNumber => "UK_NATIONAL_INSURANCE_NUMBER": [GdprPersonal, Soc2Confidential],
    UkNhsNumber => "UK_NHS_NUMBER": [GdprPersonal, GdprSpecialCategory, HipaaIdentifier, Soc2Confidential],
    FranceNir => "FRANCE_NIR": [GdprPersonal, Soc2Confidential],
    GermanyTaxId => "GERMANY_TAX_ID": [GdprPersonal, Soc2Confidential],
    SpainDni => "SPAIN_DNI": [GdprPersonal, Soc2Confidential],
    NetherlandsBsn => "NETHERLANDS_BSN": [GdprPersonal, Soc2Confidential],
    VehicleIdentificationNumber => "VEHICLE_IDENTIFICATION_NUMBER": [GdprPersonal, HipaaIdentifier],
    GeoCoordinates => "GEO_COORDINATES": [GdprPersonal, HipaaIdentifier],
    MedicalRecordNumber => "MEDICAL_RECORD_NUMBER": [GdprSpecialCategory, HipaaIdentifier, Soc2Confidential],
    Icd10Code => "ICD10_CODE": [GdprSpecialCategory, HipaaIdentifier, Soc2Confidential],
    UsNpi => "US_NPI": [HipaaIdentifier],
    Username => "USERNAME": [GdprPersonal, Soc2Confidential],
    PasswordHash => "PASSWORD_HASH": [Soc2Confidential, PciCardholder],
    ApiKeyOrSecret => "API_KEY_OR_SECRET": [Soc2Confidential],
    EthnicGroup => "ETHNIC_GROUP": [GdprSpecialCategory],
    Religion => "RELIGION": [GdprSpecialCategory],
    HealthCondition => "HEALTH_CONDITION": [GdprSpecialCategory, HipaaIdentifier, Soc2Confidential],
}

impl fmt::Display for ClassificationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ClassificationType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ClassificationType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown classification type `{s}`"))
    }
}

/// A compliance framework category a classification type falls under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Framework {
    /// GDPR personal data (Art. 4).
    GdprPersonal,
    /// GDPR special category data (Art. 9).
    GdprSpecialCategory,
    /// One of the 18 HIPAA Safe Harbor identifiers.
    HipaaIdentifier,
    /// PCI-DSS cardholder data.
    PciCardholder,
    /// SOC 2 confidential information.
    Soc2Confidential,
}

/// A scan of one source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScanJob {
    pub id: String,
    pub source: String,
    pub state: ScanState,
    /// The node the job is assigned to (running, or that ran it).
    pub node: Option<u64>,
    /// Starts at 0 (never assigned); every assignment is a new attempt, and results of an
    /// older attempt are refused.
    pub attempt: u32,
    pub progress: ScanProgress,
    /// Why the scan failed, when it did.
    pub error: Option<String>,
    pub created_at_ms: Millis,
    pub started_at_ms: Option<Millis>,
    pub finished_at_ms: Option<Millis>,
    /// Scan every table, even those whose fingerprint did not change.
    pub force: bool,
    /// Until when the assigned node holds the job; its heartbeats renew the lease. Once it
    /// lapses the scheduler may give the job to another node as a new attempt.
    #[serde(default)]
    pub lease_until_ms: Option<Millis>,
    /// The last output (progress, table, end) applied for the current attempt: outputs are
    /// numbered, so one delivered twice is applied once.
    #[serde(default)]
    pub applied_seq: u64,
    /// Outputs applied for the current attempt: never more than `applied_seq` (each number
    /// is applied once), which the chaos harness checks.
    #[serde(default)]
    pub outputs_applied: u64,
    /// Why the job is not running yet (no live node in a strict site...).
    #[serde(default)]
    pub waiting: Option<String>,
    /// Every placement of the job, oldest first (the last few).
    #[serde(default)]
    pub placements: Vec<Placement>,
    /// For a scan the scheduler started from the source's schedule: the time it was due.
    #[serde(default)]
    pub scheduled_at_ms: Option<Millis>,
}

impl ScanJob {
    /// A new job, queued for the scheduler.
    pub fn queued(id: String, source: String, force: bool, at_ms: Millis) -> ScanJob {
        ScanJob {
            id,
            source,
            state: ScanState::Queued,
            node: None,
            attempt: 0,
            progress: ScanProgress::default(),
            error: None,
            created_at_ms: at_ms,
            started_at_ms: None,
            finished_at_ms: None,
            force,
            lease_until_ms: None,
            applied_seq: 0,
            outputs_applied: 0,
            waiting: None,
            placements: Vec::new(),
            scheduled_at_ms: None,
        }
    }
}

/// Where the scheduler put one attempt of a job, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    pub attempt: u32,
    pub node: u64,
    pub at_ms: Millis,
    /// The node's site, if it has one.
    pub site: Option<String>,
    /// Whether the node is in the source's site.
    pub in_site: bool,
    /// The node's measured round trip to the source's host.
    pub rtt_ms: Option<f64>,
    /// The decision in words (`same site as the source (plant-a); 0/2 jobs`).
    pub reason: String,
}

/// What a scan reports to the cluster. Each output of an attempt carries a sequence
/// number, so the cluster applies it once however often it is delivered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ScanOutput {
    /// The job's state and progress (running, then done or failed).
    State {
        state: ScanState,
        progress: ScanProgress,
        error: Option<String>,
    },
    /// One cataloged table, as `PutTable` stores it.
    Table(Box<TableAsset>),
    /// Tables the source no longer has.
    TablesDeleted { ids: Vec<String> },
}

/// Lifecycle of a scan job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanState {
    /// Waiting for the scheduler to place it.
    Queued,
    /// Given to a node (with a lease) that has not reported it started.
    Assigned,
    Running,
    Done,
    Failed,
    Cancelled,
}

impl ScanState {
    /// Done, failed and cancelled jobs never change again.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ScanState::Done | ScanState::Failed | ScanState::Cancelled
        )
    }
}

impl fmt::Display for ScanState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ScanState::Queued => "queued",
            ScanState::Assigned => "assigned",
            ScanState::Running => "running",
            ScanState::Done => "done",
            ScanState::Failed => "failed",
            ScanState::Cancelled => "cancelled",
        })
    }
}

/// How far a scan has come.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanProgress {
    pub tables_total: u32,
    pub tables_done: u32,
    /// Tables not read again because their fingerprint did not change (part of done).
    pub tables_skipped: u32,
    pub columns_done: u32,
    /// Rows read from the source (every row of a full scan).
    pub rows_read: u64,
    pub values_sampled: u64,
    pub sensitive_columns: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_ids_round_trip_through_serde_and_from_str() {
        for t in ClassificationType::ALL {
            let json = serde_json::to_string(t).expect("serialize");
            assert_eq!(json, format!("\"{}\"", t.as_str()));
            assert_eq!(t.as_str().parse::<ClassificationType>(), Ok(*t));
            assert!(!t.frameworks().is_empty(), "{t} maps to no framework");
        }
        assert_eq!(ClassificationType::ALL.len(), 38);
    }

    #[test]
    fn asset_ids_escape_dots() {
        assert_eq!(
            TableAsset::make_id("crm", "db.v2", "main", "a%b"),
            "crm.db%2Ev2.main.a%25b"
        );
    }

    #[test]
    fn levels_follow_confidence() {
        assert_eq!(Level::from_confidence(0.97), Level::High);
        assert_eq!(Level::from_confidence(0.7), Level::Medium);
        assert_eq!(Level::from_confidence(0.2), Level::Low);
    }
}
