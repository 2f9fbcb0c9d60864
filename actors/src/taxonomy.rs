//! The classification taxonomy: for every type id, what it is, its category, the
//! frameworks it matters for and its default sensitivity. Served at
//! `GET /api/v1/classifications/types` and used by risk scoring.

use serde::Serialize;

use crate::domain::{ClassificationType, Framework};

/// Default sensitivity of a type, before any organisation-specific override.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Public or near-public identifiers (bank codes, countries).
    Low,
    /// Personal data that identifies or contacts someone.
    Moderate,
    /// Government ids, financial accounts, precise location, birth dates.
    High,
    /// Card numbers, credentials, health and other special-category data.
    Critical,
}

/// A family of types, for grouping in reports and the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Contact,
    Identity,
    GovernmentId,
    Financial,
    Location,
    Network,
    Credentials,
    Health,
    Demographic,
}

/// One entry of the taxonomy.
#[derive(Clone, Debug, Serialize)]
pub struct TypeInfo {
    pub id: ClassificationType,
    pub name: &'static str,
    pub description: &'static str,
    pub category: Category,
    pub sensitivity: Sensitivity,
    pub frameworks: &'static [Framework],
    /// The classifier tiers able to propose this type on their own.
    pub detected_by: &'static [&'static str],
}

const PATTERN: &[&str] = &["pattern", "context"];
const MODEL: &[&str] = &["model", "context"];
const CONTEXT: &[&str] = &["context"];

/// The taxonomy entry of one type.
pub fn info(t: ClassificationType) -> TypeInfo {
    use Category as C;
    use ClassificationType as T;
    use Sensitivity as S;
    let (name, description, category, sensitivity, detected_by) = match t {
        T::EmailAddress => (
            "E-mail address",
            "An RFC 5322 mailbox address.",
            C::Contact,
            S::Moderate,
            PATTERN,
        ),
        T::PhoneNumber => (
            "Phone number",
            "A telephone number, international (E.164) or in a national format, valid per libphonenumber metadata.",
            C::Contact,
            S::Moderate,
            PATTERN,
        ),
        T::CreditCardNumber => (
            "Payment card number",
            "A primary account number: Luhn-valid with a known issuer prefix and length.",
            C::Financial,
            S::Critical,
            PATTERN,
        ),
        T::IbanCode => (
            "IBAN",
            "An International Bank Account Number with its country length and mod-97 check.",
            C::Financial,
            S::High,
            PATTERN,
        ),
        T::UsSocialSecurityNumber => (
            "US Social Security number",
            "A US SSN outside the never-issued ranges.",
            C::GovernmentId,
            S::Critical,
            PATTERN,
        ),
        T::UsBankRoutingNumber => (
            "US bank routing number",
            "An ABA routing transit number with its checksum.",
            C::Financial,
            S::Low,
            PATTERN,
        ),
        T::SwiftCode => (
            "SWIFT/BIC code",
            "A bank identifier code with a valid country.",
            C::Financial,
            S::Low,
            PATTERN,
        ),
        T::IpAddress => (
            "IP address",
            "An IPv4 or IPv6 address, optionally with a prefix length.",
            C::Network,
            S::Moderate,
            PATTERN,
        ),
        T::MacAddress => (
            "MAC address",
            "A hardware address of a network interface.",
            C::Network,
            S::Moderate,
            PATTERN,
        ),
        T::Url => (
            "URL",
            "An http(s) address; may carry personal data in its path or query.",
            C::Network,
            S::Low,
            PATTERN,
        ),
        T::PersonName => (
            "Person name",
            "A person's full name.",
            C::Identity,
            S::Moderate,
            MODEL,
        ),
        T::FirstName => (
            "First name",
            "A given name.",
            C::Identity,
            S::Moderate,
            MODEL,
        ),
        T::LastName => (
            "Last name",
            "A family name.",
            C::Identity,
            S::Moderate,
            MODEL,
        ),
        T::StreetAddress => (
            "Street address",
            "A street and house number, possibly with a unit.",
            C::Location,
            S::Moderate,
            MODEL,
        ),
        T::City => (
            "City",
            "A city, town or locality.",
            C::Location,
            S::Low,
            MODEL,
        ),
        T::PostalCode => (
            "Postal code",
            "A postal or ZIP code (found by its column name; the model confirms the values).",
            C::Location,
            S::Low,
            CONTEXT,
        ),
        T::Country => ("Country", "A country name.", C::Location, S::Low, MODEL),
        T::DateOfBirth => (
            "Date of birth",
            "A person's birth date (a date column whose name says so).",
            C::Identity,
            S::High,
            CONTEXT,
        ),
        T::Gender => (
            "Gender",
            "A person's gender or sex.",
            C::Demographic,
            S::Moderate,
            MODEL,
        ),
        T::PassportNumber => (
            "Passport number",
            "A passport document number.",
            C::GovernmentId,
            S::High,
            CONTEXT,
        ),
        T::DriversLicenseNumber => (
            "Driver's licence number",
            "A driving licence number.",
            C::GovernmentId,
            S::High,
            CONTEXT,
        ),
        T::UkNationalInsuranceNumber => (
            "UK National Insurance number",
            "A NINO with valid prefix letters and suffix.",
            C::GovernmentId,
            S::High,
            PATTERN,
        ),
        T::UkNhsNumber => (
            "UK NHS number",
            "A 10-digit NHS number with its mod-11 check digit.",
            C::Health,
            S::Critical,
            PATTERN,
        ),
        T::FranceNir => (
            "French NIR",
            "A French social security number (NIR) with its mod-97 key.",
            C::GovernmentId,
            S::Critical,
            PATTERN,
        ),
        T::GermanyTaxId => (
            "German tax id",
            "A Steuerliche Identifikationsnummer with its ISO 7064 check digit.",
            C::GovernmentId,
            S::High,
            PATTERN,
        ),
        T::SpainDni => (
            "Spanish DNI/NIE",
            "A Spanish identity number with its control letter.",
            C::GovernmentId,
            S::High,
            PATTERN,
        ),
        T::NetherlandsBsn => (
            "Dutch BSN",
            "A burgerservicenummer passing the 11-proof.",
            C::GovernmentId,
            S::High,
            PATTERN,
        ),
        T::VehicleIdentificationNumber => (
            "Vehicle identification number",
            "A 17-character VIN with a valid check digit.",
            C::Identity,
            S::Moderate,
            PATTERN,
        ),
        T::GeoCoordinates => (
            "Geographic coordinates",
            "A latitude/longitude pair precise enough to locate a person.",
            C::Location,
            S::High,
            PATTERN,
        ),
        T::MedicalRecordNumber => (
            "Medical record number",
            "A patient's record number in a care provider's system.",
            C::Health,
            S::Critical,
            CONTEXT,
        ),
        T::Icd10Code => (
            "ICD-10 code",
            "A diagnosis code of the ICD-10 classification.",
            C::Health,
            S::Critical,
            PATTERN,
        ),
        T::UsNpi => (
            "US NPI",
            "A National Provider Identifier with its Luhn check.",
            C::Health,
            S::Low,
            PATTERN,
        ),
        T::Username => (
            "Username",
            "An account login name.",
            C::Credentials,
            S::Moderate,
            MODEL,
        ),
        T::PasswordHash => (
            "Password hash",
            "A salted password hash (bcrypt, argon2, sha-crypt, PBKDF2...).",
            C::Credentials,
            S::Critical,
            PATTERN,
        ),
        T::ApiKeyOrSecret => (
            "API key or secret",
            "A cloud access key, token or private key.",
            C::Credentials,
            S::Critical,
            PATTERN,
        ),
        T::EthnicGroup => (
            "Ethnic group",
            "Racial or ethnic origin (GDPR special category).",
            C::Demographic,
            S::Critical,
            MODEL,
        ),
        T::Religion => (
            "Religion",
            "Religious or philosophical belief (GDPR special category).",
            C::Demographic,
            S::Critical,
            MODEL,
        ),
        T::HealthCondition => (
            "Health condition",
            "A diagnosis, illness or condition (GDPR special category, HIPAA PHI).",
            C::Health,
            S::Critical,
            MODEL,
        ),
    };
    TypeInfo {
        id: t,
        name,
        description,
        category,
        sensitivity,
        frameworks: t.frameworks(),
        detected_by,
    }
}

/// The whole taxonomy, in type order.
pub fn all() -> Vec<TypeInfo> {
    ClassificationType::ALL.iter().map(|t| info(*t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_described_and_special_categories_are_critical() {
        let all = all();
        assert_eq!(all.len(), ClassificationType::ALL.len());
        for i in &all {
            assert!(!i.description.is_empty() && !i.frameworks.is_empty());
            if i.frameworks.contains(&Framework::GdprSpecialCategory) {
                assert_eq!(i.sensitivity, Sensitivity::Critical, "{}", i.id);
            }
        }
        let json =
            serde_json::to_value(info(ClassificationType::CreditCardNumber)).expect("serialises");
        assert_eq!(json["id"], "CREDIT_CARD_NUMBER");
        assert_eq!(json["sensitivity"], "critical");
        assert_eq!(json["frameworks"][1], "pci-cardholder");
    }
}
