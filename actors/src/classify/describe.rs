//! Words for explanations: what a recognizer checked when it accepted a value.

use crate::domain::ClassificationType;

/// The check a value passed, completing "N of M values ...".
pub(super) fn check(t: ClassificationType) -> &'static str {
    use ClassificationType as T;
    match t {
        T::EmailAddress => "are e-mail addresses with a valid domain",
        T::PhoneNumber => "are valid phone numbers (libphonenumber metadata)",
        T::CreditCardNumber => "pass the Luhn check with a known card prefix and length",
        T::IbanCode => "pass the IBAN country length and mod-97 check",
        T::UsSocialSecurityNumber => "are SSNs outside the never-issued ranges",
        T::UsBankRoutingNumber => "pass the ABA routing checksum and prefix ranges",
        T::SwiftCode => "are BIC codes with a valid country",
        T::IpAddress => "are IPv4 or IPv6 addresses",
        T::MacAddress => "are MAC addresses",
        T::Url => "are http(s) URLs with a valid host",
        T::UkNationalInsuranceNumber => "are NINOs with valid prefix letters and suffix",
        T::UkNhsNumber => "pass the NHS mod-11 check digit",
        T::FranceNir => "pass the NIR mod-97 key",
        T::GermanyTaxId => "pass the Steuer-ID digit rules and ISO 7064 check digit",
        T::SpainDni => "carry the right DNI/NIE control letter",
        T::NetherlandsBsn => "pass the BSN 11-proof",
        T::VehicleIdentificationNumber => "pass the VIN check digit",
        T::GeoCoordinates => "are latitude/longitude pairs in range",
        T::Icd10Code => "are ICD-10 codes",
        T::UsNpi => "pass the NPI Luhn check (80840 prefix)",
        T::PasswordHash => "are salted password hashes (bcrypt, argon2, crypt, PBKDF2)",
        T::ApiKeyOrSecret => "match a known key or token format",
        _ => "match the type's pattern",
    }
}
