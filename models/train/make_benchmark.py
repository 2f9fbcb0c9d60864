"""Build the labelled table benchmark: models/eval/benchmark.jsonl.gz and models/eval/README.md.

One JSON object per line, one table each:
  {"table": "t0042_kunden", "locale": "de_DE", "theme": "customers",
   "columns": [{"name": ..., "data_type": ..., "label": "EMAIL_ADDRESS" | null,
                "naming": "clear" | "abbreviated" | "unnamed" | "misleading",
                "values": [str | null, ...]}]}

Seed 2027, locales partly different from training (see BENCH_LOCALES). The value
generators are shared with training (generators.py); column names, themes, decoys and
the label policy live here. Deterministic: same output for the same pinned packages.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import generators as G  # noqa: E402

SEED = 2027
OUT = ROOT / "models" / "eval" / "benchmark.jsonl.gz"
README = ROOT / "models" / "eval" / "README.md"

# Tables per locale: locales that carry a country-specific identifier get more tables.
BENCH_LOCALES = [
    ("en_US", 36), ("en_GB", 32), ("de_DE", 30), ("fr_FR", 30), ("es_ES", 30), ("nl_NL", 30),
    ("de_AT", 13), ("de_CH", 13), ("fr_CH", 13), ("fr_CA", 13), ("es_MX", 13), ("nl_BE", 13),
    ("en_AU", 13), ("en_CA", 13), ("pt_BR", 13),
]
MIN_COLUMNS_PER_LABEL = 24   # the brief asks for >= 20
MAX_COLUMNS = 10
MIN_COLUMNS = 5

# Types that nothing can recognise from values alone appear only under clear or abbreviated names.
NAME_REQUIRED = ["DATE_OF_BIRTH", "MEDICAL_RECORD_NUMBER", "PASSPORT_NUMBER", "DRIVERS_LICENSE_NUMBER",
                 "POSTAL_CODE"]

LABELS = list(G.MODEL_CLASSES[1:]) + sorted(G.PATTERN_GENERATORS)
LABELS = list(dict.fromkeys(LABELS))  # USERNAME is in both lists

ONLY_IN = {
    "US_SOCIAL_SECURITY_NUMBER": ["en_US"],
    "US_BANK_ROUTING_NUMBER": ["en_US"],
    "US_NPI": ["en_US"],
    "UK_NATIONAL_INSURANCE_NUMBER": ["en_GB"],
    "UK_NHS_NUMBER": ["en_GB"],
    "FRANCE_NIR": ["fr_FR"],
    "GERMANY_TAX_ID": ["de_DE"],
    "SPAIN_DNI": ["es_ES"],
    "NETHERLANDS_BSN": ["nl_NL"],
}
NOT_IN = {"DRIVERS_LICENSE_NUMBER": ["es_ES", "es_MX"]}  # Spanish licences are the DNI number


def label_fits(label, locale):
    if label in ONLY_IN and locale not in ONLY_IN[label]:
        return False
    return locale not in NOT_IN.get(label, [])


def lang_of(locale):
    return locale.split("_")[0]


# --------------------------------------------------------------------------------------
# Column names of labelled columns: clear names per language (snake case words) and
# abbreviations. A table picks one style (snake, camel, Pascal, UPPER, Title) for all columns.

CLEAR = {
    "EMAIL_ADDRESS": {
        "en": ["email", "email_address", "contact_email", "customer_email", "work_email", "user_email", "primary_email"],
        "de": ["email", "e_mail", "e_mail_adresse", "emailadresse", "mail_adresse", "kontakt_email", "E-Mail",
               "E-Mail-Adresse"],
        "fr": ["email", "courriel", "adresse_email", "adresse_mail", "mail"],
        "es": ["email", "correo", "correo_electronico", "email_contacto", "direccion_correo"],
        "nl": ["email", "emailadres", "e_mailadres", "mailadres", "contact_email"],
        "pt": ["email", "e_mail", "endereco_email", "email_contato", "correio_eletronico"],
    },
    "PHONE_NUMBER": {
        "en": ["phone", "phone_number", "telephone", "mobile", "mobile_number", "cell_phone", "contact_phone", "home_phone"],
        "de": ["telefon", "telefonnummer", "handy", "handynummer", "mobilnummer", "rufnummer"],
        "fr": ["telephone", "numero_telephone", "portable", "telephone_mobile"],
        "es": ["telefono", "numero_telefono", "movil", "celular", "telefono_movil"],
        "nl": ["telefoon", "telefoonnummer", "mobiel", "mobiel_nummer", "gsm"],
        "pt": ["telefone", "celular", "numero_telefone", "telefone_contato"],
    },
    "CREDIT_CARD_NUMBER": {
        "en": ["credit_card_number", "card_number", "credit_card", "payment_card_number"],
        "de": ["kreditkartennummer", "kartennummer", "kreditkarte"],
        "fr": ["numero_carte", "carte_bancaire", "numero_carte_credit"],
        "es": ["numero_tarjeta", "tarjeta_credito", "numero_tarjeta_credito"],
        "nl": ["creditcardnummer", "kaartnummer", "creditcard"],
        "pt": ["numero_cartao", "cartao_credito"],
    },
    "IBAN_CODE": {
        "en": ["iban", "iban_code", "bank_account_iban", "account_iban"],
        "de": ["iban", "bankverbindung_iban", "konto_iban"],
        "fr": ["iban", "numero_iban", "rib_iban"],
        "es": ["iban", "cuenta_iban", "numero_iban"],
        "nl": ["iban", "rekeningnummer", "iban_nummer", "bankrekening"],
        "pt": ["iban", "conta_iban"],
    },
    "US_SOCIAL_SECURITY_NUMBER": {"en": ["ssn", "social_security_number", "social_security"]},
    "US_BANK_ROUTING_NUMBER": {"en": ["routing_number", "aba_routing_number", "bank_routing_number", "aba_number"]},
    "SWIFT_CODE": {
        "en": ["swift_code", "bic", "swift_bic", "bank_bic"],
        "de": ["bic", "swift_bic"], "fr": ["code_bic", "bic"], "es": ["codigo_swift", "bic"],
        "nl": ["bic", "bic_code"], "pt": ["codigo_swift", "bic"],
    },
    "IP_ADDRESS": {
        "en": ["ip_address", "client_ip", "remote_addr", "source_ip", "last_login_ip"],
        "de": ["ip_adresse"], "fr": ["adresse_ip"], "es": ["direccion_ip"], "nl": ["ip_adres"], "pt": ["endereco_ip"],
    },
    "MAC_ADDRESS": {
        "en": ["mac_address", "device_mac", "hardware_address"],
        "de": ["mac_adresse"], "fr": ["adresse_mac"], "es": ["direccion_mac"], "nl": ["mac_adres"], "pt": ["endereco_mac"],
    },
    "URL": {
        "en": ["website", "url", "homepage", "profile_url", "referrer_url", "webhook_url"],
        "de": ["webseite", "homepage", "url"], "fr": ["site_web", "url"], "es": ["sitio_web", "url", "pagina_web"],
        "nl": ["website", "url"], "pt": ["site", "url"],
    },
    "UK_NATIONAL_INSURANCE_NUMBER": {"en": ["national_insurance_number", "ni_number", "nino"]},
    "UK_NHS_NUMBER": {"en": ["nhs_number", "patient_nhs_number"]},
    "FRANCE_NIR": {"fr": ["numero_securite_sociale", "nir", "numero_insee", "num_securite_sociale"],
                   "en": ["social_security_number"]},
    "GERMANY_TAX_ID": {"de": ["steuer_id", "steueridentifikationsnummer", "steuerliche_identifikationsnummer", "steuer_idnr"],
                       "en": ["tax_id"]},
    "SPAIN_DNI": {"es": ["dni", "documento_identidad", "numero_dni", "dni_nie", "nif"], "en": ["national_id"]},
    "NETHERLANDS_BSN": {"nl": ["bsn", "burgerservicenummer", "sofinummer"], "en": ["bsn"]},
    "VEHICLE_IDENTIFICATION_NUMBER": {
        "en": ["vin", "vehicle_identification_number", "chassis_number"],
        "de": ["fahrgestellnummer", "fin"], "fr": ["numero_vin", "numero_chassis"], "es": ["numero_bastidor", "vin"],
        "nl": ["chassisnummer", "vin"], "pt": ["chassi", "numero_chassi"],
    },
    "GEO_COORDINATES": {
        "en": ["coordinates", "geo_location", "lat_lng", "gps_coordinates", "location"],
        "de": ["koordinaten", "geoposition", "standort"], "fr": ["coordonnees", "position_gps"],
        "es": ["coordenadas", "ubicacion"], "nl": ["coordinaten", "locatie"], "pt": ["coordenadas", "localizacao"],
    },
    "MEDICAL_RECORD_NUMBER": {
        "en": ["medical_record_number", "mrn", "patient_record_number", "chart_number"],
        "de": ["patientennummer", "krankenaktennummer"], "fr": ["numero_dossier_medical", "numero_patient"],
        "es": ["numero_historia_clinica", "historia_clinica"], "nl": ["patientnummer", "dossiernummer"],
        "pt": ["prontuario", "numero_prontuario"],
    },
    "ICD10_CODE": {
        "en": ["icd10_code", "diagnosis_code", "icd_code", "primary_diagnosis_code"],
        "de": ["icd10", "diagnoseschluessel", "diagnose_code"], "fr": ["code_cim10", "code_diagnostic", "cim10"],
        "es": ["codigo_cie10", "cie10", "codigo_diagnostico"], "nl": ["icd10_code", "diagnosecode"],
        "pt": ["cid10", "codigo_cid"],
    },
    "US_NPI": {"en": ["npi", "national_provider_identifier", "provider_npi", "npi_number"]},
    "PASSWORD_HASH": {
        "en": ["password_hash", "password", "hashed_password", "password_digest", "encrypted_password"],
        "de": ["passwort_hash", "kennwort", "passwort"], "fr": ["mot_de_passe", "hash_mot_de_passe"],
        "es": ["contrasena", "hash_contrasena"], "nl": ["wachtwoord", "wachtwoord_hash"], "pt": ["senha", "hash_senha"],
    },
    "API_KEY_OR_SECRET": {
        "en": ["api_key", "secret_key", "access_token", "api_secret", "client_secret", "auth_token"],
        "de": ["api_schluessel", "zugangstoken"], "fr": ["cle_api", "jeton_acces"], "es": ["clave_api", "token_acceso"],
        "nl": ["api_sleutel", "toegangstoken"], "pt": ["chave_api", "token_acesso"],
    },
    "PASSPORT_NUMBER": {
        "en": ["passport_number", "passport"],
        "de": ["reisepassnummer", "passnummer"], "fr": ["numero_passeport", "passeport"],
        "es": ["numero_pasaporte", "pasaporte"], "nl": ["paspoortnummer"], "pt": ["numero_passaporte", "passaporte"],
    },
    "DRIVERS_LICENSE_NUMBER": {
        "en": ["drivers_license_number", "driver_license", "driving_licence_number", "license_number"],
        "de": ["fuehrerscheinnummer", "fuehrerschein_nummer"], "fr": ["numero_permis_conduire", "permis_de_conduire"],
        "nl": ["rijbewijsnummer"], "pt": ["cnh", "numero_cnh"],
    },
    "DATE_OF_BIRTH": {
        "en": ["date_of_birth", "birth_date", "birthdate"],
        "de": ["geburtsdatum", "geboren_am"], "fr": ["date_de_naissance", "date_naissance"],
        "es": ["fecha_nacimiento", "fecha_de_nacimiento"], "nl": ["geboortedatum"],
        "pt": ["data_nascimento", "data_de_nascimento"],
    },
    "PERSON_NAME": {
        "en": ["full_name", "name", "customer_name", "patient_name", "employee_name", "contact_name", "account_holder"],
        "de": ["name", "vollstaendiger_name", "kundenname", "ansprechpartner"],
        "fr": ["nom_complet", "nom_client", "nom_prenom"], "es": ["nombre_completo", "nombre_cliente", "titular"],
        "nl": ["naam", "volledige_naam", "klantnaam"], "pt": ["nome_completo", "nome_cliente"],
    },
    "FIRST_NAME": {
        "en": ["first_name", "given_name", "forename"], "de": ["vorname"], "fr": ["prenom"], "es": ["nombre"],
        "nl": ["voornaam"], "pt": ["primeiro_nome"],
    },
    "LAST_NAME": {
        "en": ["last_name", "surname", "family_name"], "de": ["nachname", "familienname"],
        "fr": ["nom", "nom_de_famille"], "es": ["apellido", "apellidos", "primer_apellido"],
        "nl": ["achternaam", "familienaam"], "pt": ["sobrenome"],
    },
    "STREET_ADDRESS": {
        "en": ["street_address", "address", "address_line1", "street", "billing_address", "shipping_address", "home_address"],
        "de": ["strasse", "adresse", "anschrift", "strasse_hausnummer"], "fr": ["adresse", "rue", "adresse_postale"],
        "es": ["direccion", "calle", "domicilio"], "nl": ["adres", "straat", "straat_huisnummer"],
        "pt": ["endereco", "rua", "logradouro"],
    },
    "CITY": {
        "en": ["city", "town", "billing_city"], "de": ["ort", "stadt", "wohnort"], "fr": ["ville", "commune"],
        "es": ["ciudad", "localidad", "municipio"], "nl": ["plaats", "woonplaats", "stad"], "pt": ["cidade", "municipio"],
    },
    "COUNTRY": {
        "en": ["country", "country_name", "billing_country", "country_of_residence"], "de": ["land", "herkunftsland"],
        "fr": ["pays", "pays_residence"], "es": ["pais", "pais_residencia"], "nl": ["land"], "pt": ["pais"],
    },
    "POSTAL_CODE": {
        "en": ["postal_code", "zip_code", "zip", "postcode"], "de": ["plz", "postleitzahl"], "fr": ["code_postal"],
        "es": ["codigo_postal"], "nl": ["postcode"], "pt": ["cep", "codigo_postal"],
    },
    "GENDER": {
        "en": ["gender", "sex"], "de": ["geschlecht"], "fr": ["sexe", "genre"], "es": ["sexo", "genero"],
        "nl": ["geslacht"], "pt": ["sexo", "genero"],
    },
    "RELIGION": {
        "en": ["religion", "religious_affiliation", "faith", "denomination"],
        "de": ["religion", "konfession", "religionszugehoerigkeit"], "fr": ["religion", "confession"],
        "es": ["religion", "confesion"], "nl": ["religie", "geloof", "kerkgenootschap"], "pt": ["religiao", "crenca"],
    },
    "ETHNIC_GROUP": {
        "en": ["ethnicity", "ethnic_group", "race", "ethnic_origin", "race_ethnicity"],
        "de": ["ethnische_herkunft", "ethnie", "herkunft"], "fr": ["origine_ethnique", "ethnie"],
        "es": ["etnia", "origen_etnico", "raza"], "nl": ["etniciteit", "herkomst", "migratieachtergrond"],
        "pt": ["etnia", "raca_cor", "cor_raca"],
    },
    "HEALTH_CONDITION": {
        "en": ["diagnosis", "condition", "medical_condition", "chronic_condition", "health_condition"],
        "de": ["diagnose", "erkrankung", "vorerkrankung", "krankheit"],
        "fr": ["diagnostic", "pathologie", "maladie", "antecedents_medicaux"],
        "es": ["diagnostico", "enfermedad", "patologia"], "nl": ["diagnose", "aandoening", "ziekte"],
        "pt": ["diagnostico", "doenca", "condicao_saude"],
    },
    "USERNAME": {
        "en": ["username", "user_name", "login", "screen_name", "handle", "user_login"],
        "de": ["benutzername", "anmeldename"], "fr": ["nom_utilisateur", "identifiant", "pseudo"],
        "es": ["nombre_usuario", "usuario"], "nl": ["gebruikersnaam"], "pt": ["nome_usuario", "usuario", "login"],
    },
}

ABBREV = {
    "EMAIL_ADDRESS": ["eml", "cust_eml", "usr_mail", "mail_addr", "e_adr", "em_addr"],
    "PHONE_NUMBER": ["tel", "tel_no", "ph_no", "mob", "tel_nr", "nr_tel", "tfno", "tlf", "fone", "phn"],
    "CREDIT_CARD_NUMBER": ["cc_num", "ccn", "card_no", "pan", "cc_no", "kk_nr", "crd_nbr"],
    "IBAN_CODE": ["iban_no", "acct_iban", "ibn", "bank_acc_iban"],
    "US_SOCIAL_SECURITY_NUMBER": ["ssn_no", "soc_sec", "ss_num", "ssn_nbr"],
    "US_BANK_ROUTING_NUMBER": ["rtn", "aba", "rout_no", "routing_no", "aba_rtn"],
    "SWIFT_CODE": ["swift", "bic_cd", "swft", "bic_swift"],
    "IP_ADDRESS": ["ip", "ip_addr", "src_ip", "cli_ip", "rem_ip"],
    "MAC_ADDRESS": ["mac", "mac_addr", "hw_addr", "mac_adr"],
    "URL": ["web", "href", "lnk", "ref_url", "www"],
    "UK_NATIONAL_INSURANCE_NUMBER": ["ni_no", "nat_ins_no", "nins", "ni_num"],
    "UK_NHS_NUMBER": ["nhs_no", "nhsnum", "nhs_nbr"],
    "FRANCE_NIR": ["no_ss", "num_secu", "nss", "secu"],
    "GERMANY_TAX_ID": ["idnr", "st_id", "stid", "steuer_idnr", "tin"],
    "SPAIN_DNI": ["dni_n", "nif_dni", "doc_id", "num_doc"],
    "NETHERLANDS_BSN": ["bsn_nr", "bsnnr", "bsn_num"],
    "VEHICLE_IDENTIFICATION_NUMBER": ["vin_no", "fgst_nr", "chas_no", "vin_nr"],
    "GEO_COORDINATES": ["latlng", "gps", "geo", "coord", "lat_lon"],
    "MEDICAL_RECORD_NUMBER": ["mrn_no", "med_rec_no", "pat_nr", "nhc", "pront", "mr_no"],
    "ICD10_CODE": ["dx_code", "icd", "dx", "diag_cd", "icd10_cd"],
    "US_NPI": ["npi_no", "prov_npi", "npi_nbr"],
    "PASSWORD_HASH": ["pwd", "pw_hash", "passwd", "pass_hash", "pwd_hsh"],
    "API_KEY_OR_SECRET": ["apikey", "tok", "sk", "secret", "acc_tok", "api_tok"],
    "PASSPORT_NUMBER": ["pass_no", "ppt_no", "pp_nr", "passport_no", "psp_nr"],
    "DRIVERS_LICENSE_NUMBER": ["dl_no", "dl_num", "lic_no", "fs_nr", "drv_lic"],
    "DATE_OF_BIRTH": ["dob", "geb_dat", "gebdat", "dt_naiss", "f_nac", "geb_datum", "dt_nasc", "bday", "dob_dt"],
    "PERSON_NAME": ["fullnm", "cust_nm", "nm", "emp_nm", "pat_nm", "full_nm"],
    "FIRST_NAME": ["fname", "first_nm", "vorn", "fn", "pren", "frst_nm"],
    "LAST_NAME": ["lname", "last_nm", "surn", "nachn", "ln", "lst_nm"],
    "STREET_ADDRESS": ["addr", "addr1", "str", "adr", "dir", "str_hnr", "addr_ln1"],
    "CITY": ["cty", "ort_nm", "vil", "ciu", "plts", "city_nm"],
    "COUNTRY": ["ctry", "cntry", "lnd", "ctry_nm"],
    "POSTAL_CODE": ["zip", "plz", "cp", "pc", "post_cd", "zipcd"],
    "GENDER": ["gndr", "sx", "gesch", "gen", "sex_cd"],
    "RELIGION": ["relig", "rel", "konf", "rlgn"],
    "ETHNIC_GROUP": ["eth", "ethn", "race_cd", "etn", "ethn_grp"],
    "HEALTH_CONDITION": ["diag", "dx_desc", "cond", "med_cond", "erkr", "diag_txt"],
    "USERNAME": ["usr", "uname", "usr_nm", "login_id", "bn", "usrname"],
}

GENERIC_NAMES = {
    "en": ["notes", "data", "value", "ref", "info", "attr1", "attr2", "misc", "extra", "details", "remarks",
           "text1", "content", "field_value", "payload", "aux", "custom_field_1", "legacy_value"],
    "de": ["bemerkung", "daten", "wert", "info", "zusatz", "feld1", "inhalt", "sonstiges"],
    "fr": ["commentaire", "donnee", "valeur", "info", "divers", "champ1", "contenu"],
    "es": ["dato", "valor", "nota", "info", "campo1", "extra", "contenido"],
    "nl": ["opmerking", "waarde", "gegevens", "info", "veld1", "extra", "inhoud"],
    "pt": ["observacao", "dados", "valor", "info", "campo1", "extra", "conteudo"],
}

UNNAMED_PATTERNS = ["col_{a}", "c{n}", "field_{n}", "column{n}", "f{n:02d}", "x{n}", "unnamed_{n}", "_c{n}",
                    "attr_{n}", "col{n}"]
UNNAMED_LOCAL = {"de": "spalte{n}", "fr": "colonne_{n}", "es": "campo_{n}", "nl": "kolom_{n}", "pt": "campo_{n}"}


def style_name(words: str, style: str) -> str:
    if "-" in words or style == "raw":
        return words
    parts = [p for p in words.split("_") if p]
    if style == "snake":
        return "_".join(parts)
    if style == "camel":
        return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    if style == "pascal":
        return "".join(p[:1].upper() + p[1:] for p in parts)
    if style == "upper":
        return "_".join(parts).upper()
    if style == "title":
        return " ".join(p[:1].upper() + p[1:] for p in parts)
    raise ValueError(style)


def unnamed_name(rng, lang):
    if lang in UNNAMED_LOCAL and rng.random() < 0.2:
        return UNNAMED_LOCAL[lang].format(n=rng.randint(1, 30))
    pat = rng.choice(UNNAMED_PATTERNS)
    return pat.format(a=rng.choice("abcdefghijklmnopqrstuvwxyz"), n=rng.randint(1, 40))


def clear_name(rng, label, lang):
    table = CLEAR[label]
    if lang in table and rng.random() < 0.8:
        return rng.choice(table[lang])
    if "en" in table:
        return rng.choice(table["en"])
    return rng.choice(table[sorted(table)[0]])


# --------------------------------------------------------------------------------------
# Columns without a label: ordinary ones (named for what they hold) and decoys named like
# sensitive things. Each kind: (names per language or "*", value maker, data type).

def _pool(gen, fake, rng, k):
    seen = []
    for _ in range(k * 6):
        v = gen(fake, rng)
        if v not in seen:
            seen.append(v)
        if len(seen) >= k:
            break
    return seen


def _fail(check, make, rng):
    while True:
        v = make(rng)
        if not check(v):
            return v


def _not_luhn16(rng):
    return _fail(G.luhn_ok, lambda r: G.digits(r, 16, True), rng)


def _id9(rng):
    return _fail(lambda v: G.aba_ok(v) or G.bsn_ok(v), lambda r: G.digits(r, 9, True), rng)


def _id10(rng):
    return _fail(lambda v: G.nhs_ok(v) or G.npi_ok(v) or G.luhn_ok(v), lambda r: G.digits(r, 10, True), rng)


def _id11(rng):
    return _fail(lambda v: G.de_taxid_ok(v) or G.luhn_ok(v), lambda r: G.digits(r, 11, True), rng)


def _bool_style(rng):
    return rng.choice([("true", "false", "boolean"), ("t", "f", "boolean"), ("1", "0", "smallint"),
                       ("yes", "no", "varchar"), ("Y", "N", "char")])


class Maker:
    """Column value maker: `values(fake, rng, n) -> (list[str], data_type)`."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, fake, rng, n):
        return self.fn(fake, rng, n)


def per_value(gen, data_type="varchar"):
    return Maker(lambda fake, rng, n: ([gen(fake, rng) for _ in range(n)], data_type))


def from_pool(gen, kmin, kmax, data_type="varchar"):
    def fn(fake, rng, n):
        pool = _pool(gen, fake, rng, rng.randint(kmin, kmax))
        weights = [rng.random() + 0.2 for _ in pool]
        return [rng.choices(pool, weights)[0] for _ in range(n)], data_type
    return Maker(fn)


def seq_ids(fake, rng, n):
    start = rng.choice([1, 1, 100, 1000, 10000, 500000])
    step = rng.choice([1, 1, 1, 2, 7])
    return [str(start + i * step) for i in range(n)], rng.choice(["integer", "bigint", "serial"])


def booleans(fake, rng, n):
    yes, no, dt = _bool_style(rng)
    p = rng.uniform(0.1, 0.9)
    return [yes if rng.random() < p else no for _ in range(n)], dt


def counts(lo, hi):
    return Maker(lambda fake, rng, n: ([str(rng.randint(lo, hi)) for _ in range(n)], "integer"))


def decimals(lo, hi, places=2, dt="numeric"):
    return Maker(lambda fake, rng, n: ([f"{rng.uniform(lo, hi):.{places}f}" for _ in range(n)], dt))


def timestamps(fake, rng, n):
    fmt = rng.choice(["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ"])
    vals = [G.rand_datetime(rng).strftime(fmt) for _ in range(n)]
    if "T" not in fmt and rng.random() < 0.3:
        return [v + "+00" for v in vals], "timestamptz"
    return vals, rng.choice(["timestamp", "timestamp", "datetime"])


def dates(fake, rng, n):
    return [G.rand_date(rng, G._dt.date(2010, 1, 1), G._dt.date(2025, 12, 31)).isoformat() for _ in range(n)], "date"


def years(lo, hi):
    return Maker(lambda fake, rng, n: ([str(rng.randint(lo, hi)) for _ in range(n)], rng.choice(["integer", "smallint"])))


def uuids(fake, rng, n):
    return [G.uuid_value(fake, rng).lower() for _ in range(n)], "uuid"


def hashes(fake, rng, n):
    k = rng.choice([32, 40, 64])
    return [G.rand_str(rng, G.HEX, k) for _ in range(n)], rng.choice(["char", "varchar"])


def digit_ids(make, dt_choices=("varchar", "bigint")):
    return Maker(lambda fake, rng, n: ([make(rng) for _ in range(n)], rng.choice(dt_choices)))


def versions3(fake, rng, n):
    major = rng.randint(0, 5)
    return [f"{major + rng.randint(0, 2)}.{rng.randint(0, 20)}.{rng.randint(0, 30)}" for _ in range(n)], "varchar"


def product_codes8(fake, rng, n):
    return [G.rand_str(rng, G.UPPER, 8) for _ in range(n)], "char"


def comments(fake, rng, n):
    lang = G.lang_of(fake)
    table = G.COMMENTS.get(lang, G.COMMENTS["en"])
    return [rng.choice(table) if rng.random() < 0.7 else G.english(fake).sentence() for _ in range(n)], "text"


def list_pool(items):
    def fn(fake, rng, n):
        k = rng.randint(min(3, len(items)), len(items))
        pool = rng.sample(items, k)
        return [rng.choice(pool) for _ in range(n)], "varchar"
    return Maker(fn)


def localized_pool(table, p_english=0.3):
    def fn(fake, rng, n):
        lang = G.lang_of(fake)
        items = table.get(lang, table["en"]) if rng.random() > p_english else table["en"]
        k = rng.randint(min(3, len(items)), min(8, len(items)))
        pool = rng.sample(items, k)
        return [rng.choice(pool) for _ in range(n)], "varchar"
    return Maker(fn)


def tracking_numbers(fake, rng, n):
    style = rng.randint(0, 2)
    if style == 0:
        return [f"1Z{G.rand_str(rng, G.UPPER + G.DIGITS, 16)}" for _ in range(n)], "varchar"
    if style == 1:
        return [f"{G.rand_str(rng, G.UPPER, 2)}{G.digits(rng, 9)}{rng.choice(['DE', 'NL', 'FR', 'GB'])}" for _ in range(n)], "varchar"
    return [G.digits(rng, 12, True) for _ in range(n)], "varchar"


def booking_refs(fake, rng, n):
    return [G.rand_str(rng, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 6) for _ in range(n)], "char"


def flight_numbers(fake, rng, n):
    return [f"{rng.choice(['LH', 'AF', 'KL', 'IB', 'BA', 'UA', 'DL', 'LX', 'OS', 'TP', 'AC', 'QF'])}{rng.randint(10, 9999)}" for _ in range(n)], "varchar"


def seats(fake, rng, n):
    return [f"{rng.randint(1, 45)}{rng.choice('ABCDEF')}" for _ in range(n)], "varchar"


def auth_codes(fake, rng, n):
    return [G.rand_str(rng, G.UPPER + G.DIGITS, 6) for _ in range(n)], "char"


def card_last4(fake, rng, n):
    return [G.digits(rng, 4) for _ in range(n)], "char"


def ratings(fake, rng, n):
    return [str(rng.randint(1, 5)) for _ in range(n)], "smallint"


def make_model(fake, rng, n):
    items = ["Volkswagen Golf", "Toyota Corolla", "Ford Focus", "Renault Clio", "Peugeot 208", "BMW 320d",
             "Mercedes C 200", "Tesla Model 3", "Skoda Octavia", "Opel Corsa", "Fiat 500", "Seat Ibiza",
             "Volvo XC60", "Audi A4", "Hyundai i30", "Kia Ceed", "Nissan Qashqai", "Honda Civic"]
    return [rng.choice(items) for _ in range(n)], "varchar"


def mileage(fake, rng, n):
    return [str(rng.randint(0, 250000)) for _ in range(n)], "integer"


def fuel(fake, rng, n):
    return list_pool(["petrol", "diesel", "electric", "hybrid", "LPG", "Benzin", "essence", "gasolina"])(fake, rng, n)


def categories(fake, rng, n):
    items = ["Electronics", "Home & Garden", "Clothing", "Toys", "Sports", "Books", "Beauty", "Grocery",
             "Office", "Automotive", "Pet Supplies", "Music"]
    return list_pool(items)(fake, rng, n)


def carriers(fake, rng, n):
    return list_pool(["DHL", "UPS", "FedEx", "DPD", "GLS", "PostNL", "La Poste", "Correos", "Royal Mail",
                      "Hermes", "USPS", "Canada Post", "Australia Post", "Correios"])(fake, rng, n)


def wards(fake, rng, n):
    return list_pool(["Cardiology", "Oncology", "Pediatrics", "Orthopedics", "ICU", "Emergency",
                      "Neurology", "Maternity", "Surgery A", "Station 3B", "Geriatrics"])(fake, rng, n)


def address_types(fake, rng, n):
    return list_pool(["home", "work", "billing", "shipping", "other", "privat", "geschäftlich"])(fake, rng, n)


def license_types(fake, rng, n):
    return list_pool(["B", "A", "A2", "BE", "C", "C1", "CE", "D", "AM"])(fake, rng, n)


def health_check(fake, rng, n):
    return list_pool(["ok", "degraded", "failing", "unknown", "healthy", "unhealthy"])(fake, rng, n)


def token_expiry(fake, rng, n):
    return [rng.choice(["3600", "7200", "86400", "900", "1800"]) for _ in range(n)], "integer"


def scopes(fake, rng, n):
    return list_pool(["read", "write", "admin", "read write", "repo", "user:email", "orders:read",
                      "payments:write"])(fake, rng, n)


def geo_accuracy(fake, rng, n):
    return [f"{rng.uniform(1, 150):.1f}" for _ in range(n)], "real"


def country_codes(fake, rng, n):
    return list_pool(G.COUNTRY_CODES)(fake, rng, n)


def card_brands(fake, rng, n):
    return list_pool(G.CARD_BRANDS)(fake, rng, n)


# name lists: {"en": [...], "de": [...], ...}; "*" = same in all languages
def N(en, de=None, fr=None, es=None, nl=None, pt=None):
    out = {"en": en}
    for k, v in (("de", de), ("fr", fr), ("es", es), ("nl", nl), ("pt", pt)):
        if v:
            out[k] = v
    return out


NULL_KINDS = {
    # ordinary non-sensitive columns: naming "clear" (sometimes abbreviated / unnamed)
    "id": (N(["id"], ["id"], ["id"], ["id"], ["id"], ["id"]), Maker(seq_ids), ["id", "pk", "row_id"]),
    "uuid": (N(["uuid", "external_id", "request_id", "transaction_id"]), Maker(uuids), ["uid", "ext_id", "req_id"]),
    "created_at": (N(["created_at", "updated_at", "modified_at", "inserted_at"], ["erstellt_am", "geaendert_am"],
                     ["date_creation", "date_modification"], ["fecha_creacion", "fecha_modificacion"],
                     ["aangemaakt_op", "gewijzigd_op"], ["data_criacao", "data_atualizacao"]),
                   Maker(timestamps), ["crt_ts", "upd_ts", "ts"]),
    "event_date": (N(["order_date", "event_date", "visit_date", "hire_date", "shipped_at", "valid_from"],
                     ["bestelldatum", "datum"], ["date_commande", "date"], ["fecha_pedido", "fecha"],
                     ["besteldatum", "datum"], ["data_pedido", "data"]), Maker(dates), ["dt", "ord_dt", "evt_dt"]),
    "status": (N(["status", "state", "order_status"], ["status", "zustand"], ["statut", "etat"], ["estado"],
                 ["status"], ["situacao", "status"]), localized_pool(G.STATUS), ["stat", "sts"]),
    "amount": (N(["amount", "total", "price", "unit_price", "balance", "salary"], ["betrag", "preis", "summe"],
                 ["montant", "prix"], ["importe", "precio"], ["bedrag", "prijs"], ["valor", "preco"]),
               decimals(0.5, 5000), ["amt", "tot", "prc"]),
    "quantity": (N(["quantity", "qty", "stock", "items"], ["menge", "anzahl"], ["quantite"], ["cantidad"],
                    ["aantal"], ["quantidade"]), counts(0, 500), ["qty", "cnt"]),
    "currency": (N(["currency", "currency_code"], ["waehrung"], ["devise"], ["moneda"], ["valuta"], ["moeda"]),
                 list_pool(G.CURRENCIES), ["cur", "ccy"]),
    "order_number16": (N(["order_number", "order_ref", "reference_number", "invoice_number"], ["bestellnummer"],
                         ["numero_commande"], ["numero_pedido"], ["bestelnummer"], ["numero_pedido"]),
                       digit_ids(_not_luhn16), ["ord_no", "ref_no", "inv_no"]),
    "id9": (N(["customer_number", "account_id", "member_id", "contract_number"], ["kundennummer", "vertragsnummer"],
              ["numero_client"], ["numero_cliente"], ["klantnummer"], ["numero_cliente"]),
            digit_ids(_id9, ("varchar", "integer")), ["cust_no", "acct_id", "mbr_id"]),
    "id10": (N(["ticket_number", "case_number", "batch_id"], ["vorgangsnummer"], ["numero_dossier"],
               ["numero_expediente"], ["zaaknummer"], ["numero_processo"]),
             digit_ids(_id10, ("varchar", "bigint")), ["tkt_no", "case_no"]),
    "id11": (N(["serial_number", "product_id", "asset_id"], ["seriennummer", "artikelnummer"], ["numero_serie"],
               ["numero_serie"], ["serienummer"], ["numero_serie"]),
             digit_ids(_id11, ("varchar", "bigint")), ["ser_no", "sn", "art_nr"]),
    "year": (N(["year", "model_year", "fiscal_year"], ["jahr", "baujahr"], ["annee"], ["anio"], ["jaar"], ["ano"]),
             years(1990, 2025), ["yr", "fy"]),
    "sku": (N(["sku", "article_code", "item_code"]), per_value(G.sku), ["sku_cd", "itm_cd"]),
    "product_code8": (N(["product_code", "item_ref", "catalog_code"]), Maker(product_codes8), ["prod_cd", "cat_cd"]),
    "hash": (N(["checksum", "file_hash", "content_sha", "etag", "md5"]), Maker(hashes), ["chksum", "hsh"]),
    "version": (N(["version", "app_version", "firmware_version", "schema_version"]), Maker(versions3), ["ver", "fw_ver"]),
    "flag": (N(["is_active", "newsletter", "is_admin", "archived", "gift_wrap", "opt_in", "discharged"],
               ["aktiv", "newsletter"], ["actif", "newsletter"], ["activo", "boletin"], ["actief", "nieuwsbrief"],
               ["ativo", "newsletter"]), Maker(booleans), ["act", "flg", "is_del"]),
    "count": (N(["login_count", "visit_count", "page_views", "retries", "bytes_sent", "duration_ms"],
                ["anzahl_besuche"], ["nombre_visites"], ["num_visitas"], ["aantal_bezoeken"], ["num_visitas"]),
              counts(0, 20000), ["cnt", "n_vis", "dur_ms"]),
    "company": (N(["company", "company_name", "supplier", "vendor", "employer"], ["firma", "lieferant"],
                  ["societe", "fournisseur"], ["empresa", "proveedor"], ["bedrijf", "leverancier"],
                  ["empresa", "fornecedor"]), per_value(G.company_name), ["comp", "vndr"]),
    "product_name": (N(["product_name", "product", "item_name", "title"], ["produkt", "artikel"], ["produit"],
                       ["producto"], ["product"], ["produto"]), per_value(G.product_name), ["prod_nm", "itm_nm"]),
    "job_title": (N(["job_title", "position", "role"], ["beruf", "position"], ["poste", "fonction"], ["puesto", "cargo"],
                    ["functie"], ["cargo"]), per_value(G.job_title), ["job", "pos"]),
    "department": (N(["department", "team"], ["abteilung"], ["service", "departement"], ["departamento"],
                      ["afdeling"], ["departamento"]), localized_pool(G.DEPARTMENTS), ["dept", "abt"]),
    "comment": (N(["comment", "notes", "remarks", "description"], ["kommentar", "bemerkung"], ["commentaire"],
                   ["comentario", "observaciones"], ["opmerking"], ["comentario", "observacao"]),
                Maker(comments), ["cmt", "desc"]),
    "color": (N(["color", "colour"], ["farbe"], ["couleur"], ["color"], ["kleur"], ["cor"]),
              from_pool(G.color, 3, 10), ["col", "clr"]),
    "category": (N(["category", "segment", "product_category"], ["kategorie"], ["categorie"], ["categoria"],
                    ["categorie"], ["categoria"]), Maker(categories), ["cat", "seg"]),
    "language": (N(["language", "preferred_language", "locale"], ["sprache"], ["langue"], ["idioma"], ["taal"],
                    ["idioma"]), from_pool(G.language_name, 2, 6), ["lang", "lng"]),
    "http_status": (N(["http_status", "status_code", "response_code"]), from_pool(G.http_status, 3, 8, "smallint"), ["http_cd", "rc"]),
    "log_level": (N(["level", "log_level", "severity"]), list_pool(G.LOG_LEVELS), ["lvl", "sev"]),
    "user_agent": (N(["user_agent", "browser_string"]), per_value(G.user_agent, "text"), ["ua", "usr_agt"]),
    "device_type": (N(["device_type", "platform", "os"]), list_pool(G.DEVICE_TYPES), ["dev_typ", "plat"]),
    "payment_method": (N(["payment_method", "payment_type"], ["zahlungsart"], ["moyen_paiement"], ["metodo_pago"],
                          ["betaalmethode"], ["forma_pagamento"]), list_pool(G.PAYMENT_METHODS), ["pay_mth", "pmt_typ"]),
    "auth_code": (N(["auth_code", "approval_code"]), Maker(auth_codes), ["auth_cd", "appr_cd"]),
    "card_last4": (N(["card_last4", "last_four"]), Maker(card_last4), ["l4", "last4"]),
    "tracking": (N(["tracking_number", "tracking_id"], ["sendungsnummer"], ["numero_suivi"], ["numero_seguimiento"],
                    ["trackingnummer"], ["codigo_rastreio"]), Maker(tracking_numbers), ["trk_no", "trk_id"]),
    "carrier": (N(["carrier", "shipping_provider"], ["versanddienstleister"], ["transporteur"], ["transportista"],
                   ["vervoerder"], ["transportadora"]), Maker(carriers), ["carr", "shp_prov"]),
    "weight": (N(["weight_kg", "weight"], ["gewicht"], ["poids"], ["peso"], ["gewicht"], ["peso"]),
               decimals(0.1, 40, 2), ["wt", "wgt"]),
    "booking_ref": (N(["booking_reference", "pnr", "confirmation_code"]), Maker(booking_refs), ["bkg_ref", "conf_cd"]),
    "flight": (N(["flight_number", "flight"]), Maker(flight_numbers), ["flt_no", "flt"]),
    "seat": (N(["seat", "seat_number"]), Maker(seats), ["st", "seat_no"]),
    "license_plate": (N(["license_plate", "registration", "plate_number"], ["kennzeichen"], ["immatriculation"],
                         ["matricula"], ["kenteken"], ["placa"]), per_value(G.license_plate), ["plate", "kz", "reg_no"]),
    "make_model": (N(["make_model", "vehicle_model", "model"], ["modell"], ["modele"], ["modelo"], ["model"], ["modelo"]),
                   Maker(make_model), ["mdl", "veh_mdl"]),
    "mileage": (N(["mileage_km", "odometer"], ["kilometerstand"], ["kilometrage"], ["kilometraje"], ["kilometerstand"],
                  ["quilometragem"]), Maker(mileage), ["km", "odo"]),
    "fuel": (N(["fuel_type"], ["kraftstoff"], ["carburant"], ["combustible"], ["brandstof"], ["combustivel"]),
             Maker(fuel), ["fuel", "kraftst"]),
    "ward": (N(["ward", "unit", "department"], ["station"], ["service"], ["servicio"], ["afdeling"], ["setor"]),
             Maker(wards), ["wrd", "unit_cd"]),
    "rating": (N(["rating", "score", "satisfaction"], ["bewertung"], ["note"], ["puntuacion"], ["beoordeling"],
                  ["avaliacao"]), Maker(ratings), ["rtg", "scr"]),
    "percent": (N(["discount_pct", "tax_rate", "fte", "completion"]), decimals(0, 1, 3, "numeric"), ["disc", "pct"]),
    "ean": (N(["ean", "gtin", "barcode", "isbn"]), per_value(G.isbn_ean), ["ean13", "bc"]),
    "scopes": (N(["scopes", "permissions"]), Maker(scopes), ["scp", "perms"]),
    "token_ttl": (N(["expires_in", "ttl_seconds"]), Maker(token_expiry), ["exp_in", "ttl"]),
    "measurement": (N(["dimensions", "size", "volume"]), per_value(G.measurement), ["dim", "sz"]),
}

# Decoys named like sensitive things (label null, naming "misleading").
DECOYS = {
    "email_verified": (N(["email_verified", "email_confirmed", "email_opt_in"], ["email_bestaetigt"], ["email_verifie"],
                         ["correo_verificado"], ["email_geverifieerd"], ["email_verificado"]), Maker(booleans)),
    "phone_count": (N(["phone_count", "phone_verified_count"], ["telefon_anzahl"], ["nb_telephones"],
                      ["num_telefonos"], ["aantal_telefoons"], ["qtd_telefones"]), counts(0, 3)),
    "card_type": (N(["card_type", "card_brand", "credit_card_type"], ["kartentyp"], ["type_carte"], ["tipo_tarjeta"],
                    ["kaarttype"], ["bandeira_cartao"]), Maker(card_brands)),
    "name_length": (N(["name_length", "username_length", "first_name_len"]), counts(2, 30)),
    "birth_year": (N(["birth_year", "year_of_birth_bucket"], ["geburtsjahr"], ["annee_naissance"],
                     ["anio_nacimiento"], ["geboortejaar"], ["ano_nascimento"]), years(1940, 2007)),
    "ssn_checked": (N(["ssn_checked", "ssn_on_file", "tax_id_missing", "id_verified"], ["steuer_id_vorhanden"],
                      ["nir_verifie"], ["dni_verificado"], ["bsn_gecontroleerd"], ["cpf_verificado"]), Maker(booleans)),
    "ip_count": (N(["ip_count", "distinct_ips", "ip_changes"]), counts(0, 40)),
    "iban_country": (N(["iban_country", "bank_country", "country_code", "passport_country"], ["iban_land"],
                       ["pays_iban"], ["pais_iban"], ["iban_land"], ["pais_iban"]), Maker(country_codes)),
    "first_login": (N(["first_login", "last_login", "password_changed_at", "email_sent_at", "dob_updated_at"],
                      ["letzte_anmeldung"], ["derniere_connexion"], ["ultimo_acceso"], ["laatste_login"],
                      ["ultimo_login"]), Maker(timestamps)),
    "address_type": (N(["address_type", "address_kind"], ["adresstyp"], ["type_adresse"], ["tipo_direccion"],
                       ["adrestype"], ["tipo_endereco"]), Maker(address_types)),
    "zip_valid": (N(["zip_valid", "address_verified", "iban_valid", "vin_decoded", "gender_specified"]),
                  Maker(booleans)),
    "city_count": (N(["city_count", "country_count", "address_count"]), counts(0, 12)),
    "license_type": (N(["license_class", "licence_category"], ["fuehrerscheinklasse"], ["categorie_permis"],
                       ["tipo_permiso"], ["rijbewijscategorie"], ["categoria_cnh"]), Maker(license_types)),
    "health_check": (N(["health_check", "health_status", "service_health"]), Maker(health_check)),
    "geo_accuracy": (N(["geo_accuracy_m", "location_accuracy", "gps_precision"]), Maker(geo_accuracy)),
    "api_key_created": (N(["api_key_created_at", "token_expires_at", "secret_rotated_at"]), Maker(timestamps)),
    "card_last4": (N(["card_last4", "card_last_digits", "cc_last4"]), Maker(card_last4)),
    "password_reset": (N(["password_reset_required", "password_expired"], ["passwort_abgelaufen"]), Maker(booleans)),
    "passport_expiry_year": (N(["passport_expiry_year", "licence_valid_until_year"]), years(2024, 2035)),
}


# --------------------------------------------------------------------------------------
# Themes

THEMES = {
    "customers": {
        "names": N(["customers", "clients", "crm_contacts"], ["kunden", "kundenstamm"], ["clients"], ["clientes"],
                   ["klanten"], ["clientes"]),
        "labels": ["PERSON_NAME", "FIRST_NAME", "LAST_NAME", "EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS",
                   "CITY", "POSTAL_CODE", "COUNTRY", "DATE_OF_BIRTH", "GENDER", "USERNAME", "NATIONAL_ID",
                   "IBAN_CODE", "URL"],
        "nulls": ["id9", "created_at", "status", "flag", "count", "language", "category", "comment"],
        "decoys": ["email_verified", "phone_count", "birth_year", "address_type", "first_login", "city_count"],
    },
    "patients": {
        "names": N(["patients", "patient_records", "admissions"], ["patienten", "aufnahmen"], ["patients"],
                   ["pacientes"], ["patienten"], ["pacientes"]),
        "labels": ["PERSON_NAME", "FIRST_NAME", "LAST_NAME", "DATE_OF_BIRTH", "GENDER", "MEDICAL_RECORD_NUMBER",
                   "ICD10_CODE", "HEALTH_CONDITION", "NATIONAL_ID", "UK_NHS_NUMBER", "US_NPI", "PHONE_NUMBER",
                   "STREET_ADDRESS", "ETHNIC_GROUP", "RELIGION", "POSTAL_CODE"],
        "nulls": ["event_date", "ward", "flag", "count", "amount", "id10", "comment"],
        "decoys": ["birth_year", "phone_count", "health_check", "ssn_checked", "address_type"],
    },
    "employees": {
        "names": N(["employees", "staff", "hr_employees"], ["mitarbeiter", "personal"], ["employes", "salaries"],
                   ["empleados"], ["medewerkers", "personeel"], ["funcionarios"]),
        "labels": ["FIRST_NAME", "LAST_NAME", "PERSON_NAME", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE",
                   "NATIONAL_ID", "UK_NATIONAL_INSURANCE_NUMBER", "DATE_OF_BIRTH", "GENDER", "RELIGION",
                   "ETHNIC_GROUP", "PASSPORT_NUMBER", "DRIVERS_LICENSE_NUMBER", "STREET_ADDRESS", "CITY",
                   "POSTAL_CODE", "US_BANK_ROUTING_NUMBER", "USERNAME"],
        "nulls": ["id", "department", "job_title", "amount", "event_date", "percent", "flag"],
        "decoys": ["ssn_checked", "birth_year", "email_verified", "license_type", "name_length"],
    },
    "orders": {
        "names": N(["orders", "sales_orders", "webshop_orders"], ["bestellungen", "auftraege"], ["commandes"],
                   ["pedidos"], ["bestellingen"], ["pedidos"]),
        "labels": ["EMAIL_ADDRESS", "STREET_ADDRESS", "CITY", "POSTAL_CODE", "COUNTRY", "PHONE_NUMBER",
                   "IP_ADDRESS", "PERSON_NAME"],
        "nulls": ["id", "order_number16", "amount", "currency", "status", "created_at", "sku", "quantity",
                  "payment_method", "comment", "product_name"],
        "decoys": ["card_type", "address_type", "email_verified", "card_last4"],
    },
    "payments": {
        "names": N(["payments", "transactions", "card_payments"], ["zahlungen", "transaktionen"], ["paiements"],
                   ["pagos"], ["betalingen"], ["pagamentos"]),
        "labels": ["CREDIT_CARD_NUMBER", "IBAN_CODE", "SWIFT_CODE", "US_BANK_ROUTING_NUMBER", "PERSON_NAME",
                   "EMAIL_ADDRESS", "IP_ADDRESS"],
        "nulls": ["uuid", "amount", "currency", "payment_method", "status", "created_at", "auth_code",
                  "order_number16"],
        "decoys": ["card_type", "iban_country", "card_last4", "zip_valid"],
    },
    "device_logs": {
        "names": N(["device_logs", "access_log", "events", "telemetry"], ["geraete_log", "zugriffe"],
                   ["journal_acces"], ["registro_accesos"], ["toegangslog"], ["log_acessos"]),
        "labels": ["IP_ADDRESS", "MAC_ADDRESS", "USERNAME", "URL", "GEO_COORDINATES", "API_KEY_OR_SECRET"],
        "nulls": ["uuid", "created_at", "http_status", "log_level", "user_agent", "device_type", "version",
                  "count", "hash"],
        "decoys": ["ip_count", "geo_accuracy", "health_check", "first_login"],
    },
    "accounts": {
        "names": N(["accounts", "users", "app_users", "logins"], ["benutzer", "konten"], ["utilisateurs", "comptes"],
                   ["usuarios", "cuentas"], ["gebruikers", "accounts"], ["usuarios", "contas"]),
        "labels": ["USERNAME", "EMAIL_ADDRESS", "PASSWORD_HASH", "API_KEY_OR_SECRET", "IP_ADDRESS", "PHONE_NUMBER",
                   "URL", "PERSON_NAME", "DATE_OF_BIRTH", "GENDER", "COUNTRY"],
        "nulls": ["id", "created_at", "flag", "count", "status", "language", "uuid"],
        "decoys": ["email_verified", "first_login", "password_reset", "name_length", "ip_count"],
    },
    "products": {
        "names": N(["products", "catalog", "inventory"], ["artikel", "produkte", "lager"], ["produits", "catalogue"],
                   ["productos", "inventario"], ["producten", "voorraad"], ["produtos", "estoque"]),
        "labels": ["URL"],
        "nulls": ["id", "sku", "product_name", "amount", "category", "quantity", "ean", "product_code8", "color",
                  "version", "company", "measurement", "weight", "id11", "flag", "created_at"],
        "decoys": ["name_length"],
    },
    "shipments": {
        "names": N(["shipments", "deliveries", "parcels"], ["sendungen", "lieferungen"], ["expeditions", "livraisons"],
                   ["envios", "entregas"], ["zendingen", "leveringen"], ["envios", "entregas"]),
        "labels": ["PERSON_NAME", "STREET_ADDRESS", "CITY", "POSTAL_CODE", "COUNTRY", "PHONE_NUMBER",
                   "GEO_COORDINATES", "EMAIL_ADDRESS"],
        "nulls": ["tracking", "carrier", "weight", "created_at", "status", "quantity", "order_number16", "id"],
        "decoys": ["address_type", "phone_count", "geo_accuracy", "zip_valid"],
    },
    "visits": {
        "names": N(["visits", "appointments", "encounters"], ["termine", "besuche"], ["consultations", "rendez_vous"],
                   ["citas", "consultas"], ["afspraken", "bezoeken"], ["consultas", "atendimentos"]),
        "labels": ["PERSON_NAME", "DATE_OF_BIRTH", "HEALTH_CONDITION", "ICD10_CODE", "US_NPI",
                   "MEDICAL_RECORD_NUMBER", "UK_NHS_NUMBER", "GENDER", "NATIONAL_ID"],
        "nulls": ["event_date", "ward", "amount", "count", "rating", "status", "id10", "comment"],
        "decoys": ["birth_year", "health_check", "first_login"],
    },
    "vehicles": {
        "names": N(["vehicles", "fleet", "car_rentals"], ["fahrzeuge", "fuhrpark"], ["vehicules", "flotte"],
                   ["vehiculos", "flota"], ["voertuigen", "wagenpark"], ["veiculos", "frota"]),
        "labels": ["VEHICLE_IDENTIFICATION_NUMBER", "DRIVERS_LICENSE_NUMBER", "PERSON_NAME", "GEO_COORDINATES",
                   "PHONE_NUMBER", "DATE_OF_BIRTH"],
        "nulls": ["license_plate", "make_model", "mileage", "year", "fuel", "color", "event_date", "amount", "id"],
        "decoys": ["license_type", "zip_valid", "geo_accuracy", "passport_expiry_year"],
    },
    "bookings": {
        "names": N(["bookings", "travellers", "reservations"], ["buchungen", "reisende"], ["reservations", "voyageurs"],
                   ["reservas", "viajeros"], ["boekingen", "reizigers"], ["reservas", "viajantes"]),
        "labels": ["PASSPORT_NUMBER", "PERSON_NAME", "FIRST_NAME", "LAST_NAME", "DATE_OF_BIRTH", "EMAIL_ADDRESS",
                   "PHONE_NUMBER", "COUNTRY", "GENDER", "CREDIT_CARD_NUMBER"],
        "nulls": ["booking_ref", "flight", "seat", "amount", "currency", "created_at", "status"],
        "decoys": ["iban_country", "birth_year", "passport_expiry_year", "card_type"],
    },
    "survey": {
        "names": N(["survey_responses", "diversity_survey", "census_sample", "members"],
                   ["umfrage", "mitglieder"], ["enquete", "adherents"], ["encuesta", "socios"],
                   ["enquete", "leden"], ["pesquisa", "membros"]),
        "labels": ["GENDER", "ETHNIC_GROUP", "RELIGION", "COUNTRY", "CITY", "POSTAL_CODE", "DATE_OF_BIRTH",
                   "HEALTH_CONDITION", "EMAIL_ADDRESS", "FIRST_NAME"],
        "nulls": ["uuid", "created_at", "rating", "flag", "version", "count", "language"],
        "decoys": ["birth_year", "city_count", "email_verified", "zip_valid"],
    },
    "bank_accounts": {
        "names": N(["bank_accounts", "payees", "direct_debits"], ["bankkonten", "lastschriften"], ["comptes_bancaires"],
                   ["cuentas_bancarias"], ["bankrekeningen", "incasso"], ["contas_bancarias"]),
        "labels": ["IBAN_CODE", "SWIFT_CODE", "US_BANK_ROUTING_NUMBER", "PERSON_NAME", "STREET_ADDRESS",
                   "NATIONAL_ID", "POSTAL_CODE", "CITY", "EMAIL_ADDRESS"],
        "nulls": ["id9", "amount", "currency", "event_date", "flag", "status", "company"],
        "decoys": ["iban_country", "zip_valid", "ssn_checked"],
    },
    "integrations": {
        "names": N(["api_clients", "integrations", "webhooks", "service_accounts"]),
        "labels": ["API_KEY_OR_SECRET", "URL", "USERNAME", "IP_ADDRESS", "PASSWORD_HASH", "EMAIL_ADDRESS"],
        "nulls": ["uuid", "scopes", "created_at", "token_ttl", "flag", "count", "company", "version"],
        "decoys": ["api_key_created", "ip_count", "health_check"],
    },
}

THEME_WEIGHTS = {"customers": 12, "patients": 8, "employees": 11, "orders": 8, "payments": 7, "device_logs": 6,
                 "accounts": 7, "products": 4, "shipments": 6, "visits": 5, "vehicles": 5, "bookings": 5,
                 "survey": 5, "bank_accounts": 5, "integrations": 4}

NATIONAL_ID = {"en_US": "US_SOCIAL_SECURITY_NUMBER", "en_GB": "UK_NATIONAL_INSURANCE_NUMBER",
               "fr_FR": "FRANCE_NIR", "de_DE": "GERMANY_TAX_ID", "es_ES": "SPAIN_DNI", "nl_NL": "NETHERLANDS_BSN"}


def resolve(label, locale):
    if label == "NATIONAL_ID":
        return NATIONAL_ID.get(locale)
    return label if label_fits(label, locale) else None


# --------------------------------------------------------------------------------------
# Values of labelled columns

LOW_CARDINALITY = {"GENDER": (2, 4), "RELIGION": (4, 12), "ETHNIC_GROUP": (4, 10), "COUNTRY": (5, 25),
                   "HEALTH_CONDITION": (10, 40), "ICD10_CODE": (10, 40)}


def labelled_values(label, fake, rng, n):
    gen = G.ALL_GENERATORS[label]
    if label == "DATE_OF_BIRTH":
        iso = rng.random() < 0.6
        return [G.date_of_birth(fake, rng, iso=iso) for _ in range(n)], ("date" if iso else "varchar")
    if label in LOW_CARDINALITY:
        lo, hi = LOW_CARDINALITY[label]
        return from_pool(gen, lo, hi)(fake, rng, n)
    values = [gen(fake, rng) for _ in range(n)]
    dt = "varchar"
    if label in ("US_NPI", "UK_NHS_NUMBER", "NETHERLANDS_BSN", "GERMANY_TAX_ID") and all(v.isdigit() and v[0] != "0" for v in values):
        dt = rng.choice(["varchar", "bigint"])
    if label in ("STREET_ADDRESS", "HEALTH_CONDITION", "API_KEY_OR_SECRET") and rng.random() < 0.3:
        dt = "text"
    if label == "IP_ADDRESS" and rng.random() < 0.3:
        dt = "inet"
    return values, dt


# --------------------------------------------------------------------------------------
# Planning and rendering

def choose_naming(rng, label):
    r = rng.random()
    if label in NAME_REQUIRED:
        return "clear" if r < 0.75 else "abbreviated"
    if r < 0.60:
        return "clear"
    if r < 0.80:
        return "abbreviated"
    if r < 0.90:
        return "unnamed"
    return "misleading"


def plan_tables(rng):
    tables = []
    theme_names = sorted(THEMES)
    theme_pairs = [(t, THEME_WEIGHTS[t]) for t in theme_names]
    for locale, count in BENCH_LOCALES:
        for _ in range(count):
            theme = G.weighted_choice(rng, theme_pairs)
            spec = THEMES[theme]
            n_cols = rng.randint(MIN_COLUMNS, MAX_COLUMNS - 2)
            candidates = []
            for lab in spec["labels"]:
                r = resolve(lab, locale)
                if r and r not in candidates:
                    candidates.append(r)
            rng.shuffle(candidates)
            n_sens = min(len(candidates), max(0 if theme == "products" else 1, rng.randint(1, max(1, n_cols // 2))))
            if theme == "products":
                n_sens = rng.choice([0, 0, 1])
            cols = [{"label": lab} for lab in candidates[:n_sens]]
            nulls = list(spec["nulls"])
            rng.shuffle(nulls)
            decoys = list(spec["decoys"])
            rng.shuffle(decoys)
            n_null = n_cols - len(cols)
            n_decoy = min(len(decoys), rng.randint(0, 2), n_null)
            for d in decoys[:n_decoy]:
                cols.append({"label": None, "decoy": d})
            for k in nulls[: n_null - n_decoy]:
                cols.append({"label": None, "kind": k})
            tables.append({"locale": locale, "theme": theme, "columns": cols})
    return tables


def top_up(rng, tables):
    """Add labelled columns until every label has MIN_COLUMNS_PER_LABEL columns."""
    for _ in range(50):
        counts = Counter(c["label"] for t in tables for c in t["columns"] if c["label"])
        missing = [lab for lab in LABELS if counts[lab] < MIN_COLUMNS_PER_LABEL]
        if not missing:
            return
        # Country-specific labels first: they have the fewest tables to go to.
        missing.sort(key=lambda lab: (lab not in ONLY_IN, LABELS.index(lab)))
        restricted_locales = sorted({loc for locs in ONLY_IN.values() for loc in locs})
        for lab in missing:
            need = MIN_COLUMNS_PER_LABEL - counts[lab]
            fitting = [t for t in tables if len(t["columns"]) < MAX_COLUMNS and label_fits(lab, t["locale"])
                       and all(c["label"] != lab for c in t["columns"])]
            themed = [t for t in fitting if lab in THEMES[t["theme"]]["labels"]
                      or (lab in NATIONAL_ID.values() and "NATIONAL_ID" in THEMES[t["theme"]]["labels"])]
            others = [t for t in fitting if t not in themed and t["theme"] != "products"]
            rng.shuffle(themed)
            rng.shuffle(others)
            if lab not in ONLY_IN:
                # leave the room of tables in countries with their own identifiers to those
                themed.sort(key=lambda t: t["locale"] in restricted_locales)
                others.sort(key=lambda t: t["locale"] in restricted_locales)
            for t in (themed + others)[:need]:
                t["columns"].append({"label": lab})
    raise RuntimeError("could not reach the per-label minimum")


def balance_nulls(rng, tables, min_share=0.42):
    """Add unlabelled columns where there is room until they are at least min_share of all columns."""
    order = list(range(len(tables)))
    rng.shuffle(order)
    i = 0
    while True:
        total = sum(len(t["columns"]) for t in tables)
        nulls = sum(1 for t in tables for c in t["columns"] if c["label"] is None)
        if nulls / total >= min_share:
            return
        t = tables[order[i % len(order)]]
        i += 1
        if len(t["columns"]) >= MAX_COLUMNS:
            if i > 10 * len(tables):
                raise RuntimeError("no room for unlabelled columns")
            continue
        used = {c.get("kind") for c in t["columns"]} | {c.get("decoy") for c in t["columns"]}
        spec = THEMES[t["theme"]]
        options = [k for k in spec["nulls"] if k not in used] or [k for k in ("hash", "uuid", "flag", "count") if k not in used]
        if rng.random() < 0.3:
            decoys = [d for d in spec["decoys"] if d not in used]
            if decoys:
                t["columns"].append({"label": None, "decoy": rng.choice(decoys)})
                continue
        if options:
            t["columns"].append({"label": None, "kind": rng.choice(options)})


def pick_name(rng, col, lang, style):
    label = col["label"]
    if label is not None:
        naming = col["naming"]
        if naming == "clear":
            return style_name(clear_name(rng, label, lang), style)
        if naming == "abbreviated":
            return style_name(rng.choice(ABBREV[label]), style)
        if naming == "unnamed":
            return unnamed_name(rng, lang)
        return style_name(rng.choice(GENERIC_NAMES.get(lang, GENERIC_NAMES["en"]) if rng.random() < 0.6 else GENERIC_NAMES["en"]), style)
    if "decoy" in col:
        names = DECOYS[col["decoy"]][0]
        pool = names.get(lang, names["en"]) if rng.random() < 0.6 else names["en"]
        return style_name(rng.choice(pool), style)
    names, _, abbrevs = NULL_KINDS[col["kind"]]
    naming = col["naming"]
    if naming == "unnamed":
        return unnamed_name(rng, lang)
    if naming == "abbreviated":
        return style_name(rng.choice(abbrevs), style)
    pool = names.get(lang, names["en"]) if rng.random() < 0.7 else names["en"]
    return style_name(rng.choice(pool), style)


def render(rng, index, table):
    locale = table["locale"]
    lang = lang_of(locale)
    fake = G.make_faker(locale, SEED * 10007 + index)
    crng = random.Random(rng.getrandbits(64))
    style = G.weighted_choice(crng, [("snake", 55), ("camel", 14), ("pascal", 13), ("upper", 10), ("title", 8)])
    n_rows = 100 if crng.random() < 0.8 else crng.randint(20, 40)

    cols = table["columns"]
    crng.shuffle(cols)
    # the id column, if any, goes first
    cols.sort(key=lambda c: 0 if c.get("kind") == "id" else 1)
    theme_names = THEMES[table["theme"]]["names"]
    tname = crng.choice(theme_names.get(lang, theme_names["en"]) if crng.random() < 0.8 else theme_names["en"])
    out_cols = []
    used_names = set()
    for col in cols:
        label = col["label"]
        if label is not None:
            col["naming"] = choose_naming(crng, label)
            values, dt = labelled_values(label, fake, crng, n_rows)
        elif "decoy" in col:
            col["naming"] = "misleading"
            values, dt = DECOYS[col["decoy"]][1](fake, crng, n_rows)
        else:
            r = crng.random()
            col["naming"] = "clear" if r < 0.8 or col["kind"] == "id" else ("abbreviated" if r < 0.92 else "unnamed")
            values, dt = NULL_KINDS[col["kind"]][1](fake, crng, n_rows)
        name = pick_name(crng, col, lang, style)
        tries = 0
        while name.lower() in used_names and tries < 10:
            name = pick_name(crng, col, lang, style)
            tries += 1
        if name.lower() in used_names:
            k = 2
            while f"{name}_{k}".lower() in used_names:
                k += 1
            name = f"{name}_{k}"
        used_names.add(name.lower())
        p_null = 0.0 if (crng.random() < 0.4 or col.get("kind") == "id") else crng.uniform(0.01, 0.2)
        values = [None if crng.random() < p_null else v for v in values]
        out_cols.append({"name": name, "data_type": dt, "label": label, "naming": col["naming"], "values": values})
    return {"table": f"t{index:04d}_{tname}", "locale": locale, "theme": table["theme"], "columns": out_cols}


def check(tables):
    counts = Counter()
    naming = Counter()
    sens = 0
    hidden = 0
    for t in tables:
        for c in t["columns"]:
            counts[c["label"]] += 1
            naming[(c["label"] is not None, c["naming"])] += 1
            if c["label"] is not None:
                sens += 1
                if c["naming"] in ("unnamed", "misleading"):
                    hidden += 1
                    assert c["label"] not in NAME_REQUIRED, c
            assert all(v is None or isinstance(v, str) for v in c["values"])
    total = sum(counts.values())
    assert counts[None] / total >= 0.40, counts[None] / total
    for lab in LABELS:
        assert counts[lab] >= 20, (lab, counts[lab])
    assert hidden / sens <= 0.30, hidden / sens
    # validators: every value of a checksummed type is valid; decoy ids are not
    validators = {"CREDIT_CARD_NUMBER": lambda v: G.luhn_ok(v.replace(" ", "").replace("-", "")),
                  "IBAN_CODE": G.iban_ok, "US_BANK_ROUTING_NUMBER": G.aba_ok, "UK_NHS_NUMBER": G.nhs_ok,
                  "FRANCE_NIR": G.nir_ok, "GERMANY_TAX_ID": G.de_taxid_ok, "SPAIN_DNI": G.dni_ok,
                  "NETHERLANDS_BSN": G.bsn_ok, "VEHICLE_IDENTIFICATION_NUMBER": G.vin_ok, "US_NPI": G.npi_ok,
                  "UK_NATIONAL_INSURANCE_NUMBER": G.nino_ok, "US_SOCIAL_SECURITY_NUMBER": G.ssn_ok}
    for t in tables:
        for c in t["columns"]:
            f = validators.get(c["label"])
            if f:
                bad = [v for v in c["values"] if v is not None and not f(v)]
                assert not bad, (c["label"], bad[:3])
    return counts, naming, sens, hidden, total


def write_readme(tables, counts, naming, sens, hidden, total, gz_bytes):
    locales = Counter(t["locale"] for t in tables)
    themes = Counter(t["theme"] for t in tables)
    per_label_naming = defaultdict(Counter)
    for t in tables:
        for c in t["columns"]:
            per_label_naming[c["label"]][c["naming"]] += 1
    rows = sum(len(t["columns"][0]["values"]) for t in tables)
    lines = []
    a = lines.append
    a("# Column classification benchmark")
    a("")
    a("`benchmark.jsonl.gz`: labelled tables for measuring PurSight's column classifier end to end")
    a("(validators, column names and the column model together). Generated, not collected: every value")
    a("comes from Faker or from the generators in `models/train/generators.py`; nothing here is real")
    a("personal data.")
    a("")
    a("## Regenerating")
    a("")
    a("```")
    a("python3 models/train/run.py            # whole pipeline (model, then this benchmark)")
    a("python3 models/train/run.py --only benchmark")
    a("```")
    a("")
    a(f"Seed {SEED}, Faker and the other packages pinned in `models/train/requirements.txt`; the output is")
    a("byte-for-byte the same on every run (gzip header without a timestamp). The model is trained with seed 1")
    a("on other locales and other random draws (see `models/train/README.md`).")
    a("")
    a("`holdout.jsonl.gz` is the same generator with seed 5150 (`make_benchmark.py --seed 5150 --out")
    a("models/eval/holdout.jsonl.gz`, also run by `run.py`). The classifier's thresholds and the keyword")
    a("dictionary were tuned while looking at `benchmark.jsonl.gz` only; the holdout was generated after")
    a("that and scored once, so its figures are the honest ones. Both come from the same generators, so")
    a("neither measures how far real-world data differs from them.")
    a("")
    a("`presidio_compare.py` scores Presidio and PurSight on the same file with one scorer; see")
    a("[PRESIDIO.md](PRESIDIO.md).")
    a("")
    a("## Format")
    a("")
    a("One JSON object per line, one table each:")
    a("")
    a("```json")
    a('{"table": "t0042_kunden", "locale": "de_DE", "theme": "customers",')
    a(' "columns": [{"name": "E_Mail_Adresse", "data_type": "varchar", "label": "EMAIL_ADDRESS",')
    a('              "naming": "clear", "values": ["anna.mueller@example.org", null, "..."]}]}')
    a("```")
    a("")
    a("- `values`: strings as a database driver renders them (`\"42\"`, `\"19.99\"`, `\"1985-03-12\"`,")
    a("  `\"true\"`/`\"t\"`/`\"1\"`), `null` for SQL NULL (0-20 % per column). Most tables have 100 rows, about")
    a("  a fifth 20-40.")
    a("- `data_type`: the declared column type (`varchar`, `text`, `integer`, `bigint`, `numeric`, `date`,")
    a("  `timestamp`, `boolean`, `uuid`, `inet`, ...).")
    a("- `label`: the API id of the sensitive type the column holds, or `null` for a column that holds")
    a("  nothing sensitive.")
    a("- `naming`: how the column name relates to the content:")
    a("  - `clear`: names the content, in the locale's language or in English (`email`, `courriel`,")
    a("    `Geburtsdatum`, `telefoonnummer`), in the table's one style: snake_case, camelCase, PascalCase,")
    a("    UPPER_CASE or Title Words;")
    a("  - `abbreviated`: `cust_eml`, `tel_no`, `dob`, `geb_dat`, ...;")
    a("  - `unnamed`: `col_a`, `c7`, `field_3`, `column12`, `spalte5`, ...;")
    a("  - `misleading`: sensitive data under a generic name (`notes`, `data`, `value`, `ref`, `attr1`,")
    a("    `bemerkung`, ...), or, with label `null`, a decoy named like something sensitive")
    a("    (`email_verified` booleans, `phone_count` counts, `card_type` brands, `birth_year` years,")
    a("    `iban_country` country codes, `first_login` timestamps, `card_last4`, ...).")
    a("- `theme`: what kind of table it is (customers, patients, employees, orders, ...).")
    a("")
    a("## Label policy")
    a("")
    a("- A column's label is the type of its values, whatever its name says.")
    a("- Types that no system can recognise from values alone (" + ", ".join(f"`{x}`" for x in NAME_REQUIRED) + ")")
    a("  appear only under `clear` or `abbreviated` names. Every other type may appear under any naming.")
    a("- Of all labelled columns at most 30 % are `unnamed` or `misleading`.")
    a("- Country-specific identifiers appear only in tables of their country: US SSN, ABA routing numbers and")
    a("  NPIs in en_US, NINO and NHS numbers in en_GB, NIR in fr_FR, Steuer-ID in de_DE, DNI/NIE in es_ES,")
    a("  BSN in nl_NL. Driving licence numbers do not appear in Spanish-language tables (there it is the DNI).")
    a("- Checksummed values are valid (Luhn, IBAN mod 97, ABA, NHS mod 11, NIR key, Steuer-ID ISO 7064,")
    a("  DNI letter, BSN 11-proof, VIN check digit, NPI); the generator checks every one of them.")
    a("- Label `null` covers ordinary columns (ids, timestamps, prices, statuses, company and product names,")
    a("  job titles, comments without personal data, ...) and decoys built to look like sensitive data:")
    a("  16-digit order numbers that fail Luhn, 9-digit ids that fail ABA and BSN checks, 10-digit ids that")
    a("  fail NHS/NPI/Luhn, 11-digit ids that fail the Steuer-ID check, md5/sha1/sha256 hex hashes, UUIDs,")
    a("  8-letter upper-case product codes, three-part version strings (never four parts, which would be an")
    a("  IPv4 address), years, counts, boolean flags, card brands, country codes, last four card digits.")
    a("  Company names, product names and job titles are `null` although they may contain a person's name.")
    a("- `PASSWORD_HASH` covers bcrypt, argon2id, sha256/sha512-crypt, md5-crypt and Django PBKDF2 strings;")
    a("  `API_KEY_OR_SECRET` covers prefixed tokens (AWS, GitHub, GitLab, Slack, Stripe, Google, SendGrid,")
    a("  OpenAI-style), AWS secret keys, JWTs and one-line PEM private keys. Bare hex strings are never")
    a("  labelled as secrets (they are `null` hashes).")
    a("- `GEO_COORDINATES` is a latitude/longitude pair in one column; `DATE_OF_BIRTH` is a full date.")
    a("- Gender, religion, ethnic group, country and health-condition columns draw from a small set of")
    a("  values per column, as real columns do.")
    a("")
    a("## Counts")
    a("")
    a(f"{len(tables)} tables, {total} columns, {rows} rows; file {gz_bytes / 1e6:.2f} MB.")
    a("")
    a(f"Labelled columns: {sens} ({sens / total:.0%}); unlabelled: {counts[None]} ({counts[None] / total:.0%}).")
    a(f"Labelled columns under `unnamed` or `misleading` names: {hidden} ({hidden / sens:.0%}).")
    a("")
    a("| naming | labelled | null |")
    a("|---|---:|---:|")
    for nm in ("clear", "abbreviated", "unnamed", "misleading"):
        a(f"| {nm} | {naming[(True, nm)]} | {naming[(False, nm)]} |")
    a("")
    a("| label | columns | clear | abbreviated | unnamed | misleading |")
    a("|---|---:|---:|---:|---:|---:|")
    for lab in LABELS + [None]:
        c = per_label_naming[lab]
        a(f"| {lab or 'null'} | {counts[lab]} | {c['clear']} | {c['abbreviated']} | {c['unnamed']} | {c['misleading']} |")
    a("")
    a("| locale | tables |")
    a("|---|---:|")
    for loc, _ in BENCH_LOCALES:
        a(f"| {loc} | {locales[loc]} |")
    a("")
    a("| theme | tables |")
    a("|---|---:|")
    for th in sorted(themes):
        a(f"| {th} | {themes[th]} |")
    a("")
    README.write_text("\n".join(lines), encoding="utf-8")


def main(argv=None):
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=SEED, help="random seed (default %(default)s)")
    ap.add_argument("--out", type=Path, default=OUT, help="output file (default: the benchmark)")
    args = ap.parse_args(argv)
    out = args.out.resolve()
    rng = random.Random(args.seed)
    tables = plan_tables(rng)
    top_up(rng, tables)
    balance_nulls(rng, tables)
    rendered = [render(rng, i, t) for i, t in enumerate(tables)]
    counts, naming, sens, hidden, total = check(rendered)

    out.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        for t in rendered:
            gz.write((json.dumps(t, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
    out.write_bytes(buf.getvalue())
    if args.seed == SEED:
        write_readme(rendered, counts, naming, sens, hidden, total, len(buf.getvalue()))

    print(f"benchmark: {len(rendered)} tables, {total} columns, labelled {sens}, null {counts[None]} "
          f"({counts[None] / total:.0%}), unnamed/misleading labelled {hidden} ({hidden / sens:.0%}), "
          f"{out} {len(buf.getvalue()) / 1e6:.2f} MB")
    print("columns per label: " + ", ".join(f"{lab} {counts[lab]}" for lab in LABELS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
