"""Value generators shared by training (train.py) and the benchmark (make_benchmark.py).

Every generator is `fn(fake, rng) -> str` where `fake` is a seeded single-locale
`faker.Faker` and `rng` a seeded `random.Random`. Nothing here reads the clock or
os.urandom, and nothing iterates over a set, so a fixed seed gives the same values
on every run (for the pinned Faker version).

Checksummed identifiers are generated valid, and the validators used to make sure
of it are exported too (`luhn_ok`, `nhs_ok`, ...): the benchmark uses them to make
decoys that are *not* valid.
"""

from __future__ import annotations

import base64
import datetime as _dt
import string

from faker import Faker

# --------------------------------------------------------------------------------------
# Locales and languages

def locale_of(fake) -> str:
    return fake.locales[0]


def lang_of(fake) -> str:
    return locale_of(fake).split("_")[0]


def country_of(fake) -> str:
    return locale_of(fake).split("_")[1]


_EN_FAKERS: dict[int, tuple[object, Faker]] = {}


def english(fake) -> Faker:
    """An en_US Faker tied to `fake`, seeded from it (deterministic)."""
    hit = _EN_FAKERS.get(id(fake))
    if hit is not None and hit[0] is fake:
        return hit[1]
    en = Faker("en_US")
    en.seed_instance(fake.random.randint(0, 2**31 - 1))
    _EN_FAKERS[id(fake)] = (fake, en)
    return en


def make_faker(locale: str, seed: int) -> Faker:
    fake = Faker(locale)
    fake.seed_instance(seed)
    return fake


# --------------------------------------------------------------------------------------
# Small helpers

DIGITS = string.digits
UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = string.ascii_letters + string.digits + "+/"
B64URL = string.ascii_letters + string.digits + "-_"
CRYPT64 = "./" + string.digits + string.ascii_uppercase + string.ascii_lowercase


def rand_str(rng, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def digits(rng, n: int, first_nonzero: bool = False) -> str:
    s = rand_str(rng, DIGITS, n)
    if first_nonzero and s[0] == "0":
        s = rng.choice("123456789") + s[1:]
    return s


def case_variant(rng, s: str, p_upper=0.08, p_lower=0.08, p_title=0.0) -> str:
    r = rng.random()
    if r < p_upper:
        return s.upper()
    if r < p_upper + p_lower:
        return s.lower()
    if r < p_upper + p_lower + p_title:
        return s.title()
    return s


def one_line(s: str) -> str:
    return ", ".join(part.strip() for part in s.replace("\r", "\n").split("\n") if part.strip())


def pick_lang(table: dict, fake, rng, p_english=0.2):
    """A list from `table` in the locale's language (English as fallback / sometimes)."""
    lang = lang_of(fake)
    if lang not in table or rng.random() < p_english:
        lang = "en"
    return table[lang]


def rand_date(rng, start: _dt.date, end: _dt.date) -> _dt.date:
    return start + _dt.timedelta(days=rng.randint(0, (end - start).days))


def rand_datetime(rng, start_year=2015, end_year=2025) -> _dt.datetime:
    d = rand_date(rng, _dt.date(start_year, 1, 1), _dt.date(end_year, 12, 31))
    return _dt.datetime(d.year, d.month, d.day, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))


def group(s: str, sizes, sep=" ") -> str:
    out, i = [], 0
    for n in sizes:
        out.append(s[i : i + n])
        i += n
    if i < len(s):
        out.append(s[i:])
    return sep.join(p for p in out if p)


# --------------------------------------------------------------------------------------
# Checksums and validators

def luhn_checksum(number: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10


def luhn_ok(number: str) -> bool:
    return number.isdigit() and luhn_checksum(number) == 0


def luhn_check_digit(partial: str) -> str:
    return str((10 - luhn_checksum(partial + "0")) % 10)


def aba_ok(s: str) -> bool:
    if len(s) != 9 or not s.isdigit():
        return False
    d = [int(c) for c in s]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


# IBAN lengths of the countries whose IBANs the generators can produce (ISO 13616 registry).
IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "BR": 29, "CH": 21, "DE": 22, "DK": 18, "ES": 24, "FI": 18, "FR": 27,
    "GB": 22, "IE": 22, "IT": 27, "LU": 20, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "SE": 24,
}


def iban_ok(s: str) -> bool:
    s = s.replace(" ", "").upper()
    if len(s) != IBAN_LENGTHS.get(s[:2], -1) or not s[2:4].isdigit():
        return False
    moved = s[4:] + s[:4]
    num = "".join(str(int(c, 36)) for c in moved)
    return int(num) % 97 == 1


def nhs_check_digit(nine: str):
    total = sum(int(c) * (10 - i) for i, c in enumerate(nine))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return None if check == 10 else check


def nhs_ok(s: str) -> bool:
    s = s.replace(" ", "").replace("-", "")
    if len(s) != 10 or not s.isdigit():
        return False
    return nhs_check_digit(s[:9]) == int(s[9])


def nir_ok(s: str) -> bool:
    s = s.replace(" ", "").upper()
    if len(s) != 15:
        return False
    body, key = s[:13], s[13:]
    body = body.replace("2A", "19").replace("2B", "18")
    if not body.isdigit() or not key.isdigit():
        return False
    return 97 - int(body) % 97 == int(key)


def de_taxid_check_digit(ten: str) -> int:
    product = 10
    for ch in ten:
        total = (int(ch) + product) % 10
        if total == 0:
            total = 10
        product = (total * 2) % 11
    check = 11 - product
    return 0 if check == 10 else check


def de_taxid_ok(s: str) -> bool:
    s = s.replace(" ", "").replace("/", "")
    if len(s) != 11 or not s.isdigit() or s[0] == "0":
        return False
    counts = sorted((s[:10].count(d) for d in DIGITS if d in s[:10]), reverse=True)
    if counts[0] not in (2, 3) or (len(counts) > 1 and counts[1] != 1):
        return False
    if counts[0] == 3:
        for i in range(8):
            if s[i] == s[i + 1] == s[i + 2]:
                return False
    return de_taxid_check_digit(s[:10]) == int(s[10])


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni_ok(s: str) -> bool:
    s = s.replace("-", "").replace(" ", "").upper()
    if len(s) != 9:
        return False
    head = s[:8]
    if head[0] in "XYZ":
        head = str("XYZ".index(head[0])) + head[1:]
    return head.isdigit() and DNI_LETTERS[int(head) % 23] == s[8]


def bsn_ok(s: str) -> bool:
    s = s.replace(".", "").replace(" ", "")
    if len(s) != 9 or not s.isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(s, [9, 8, 7, 6, 5, 4, 3, 2, -1]))
    return total % 11 == 0 and int(s) != 0


VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_TRANSLIT = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def vin_check_char(vin17: str) -> str:
    total = sum(VIN_TRANSLIT[c] * w for c, w in zip(vin17, VIN_WEIGHTS))
    r = total % 11
    return "X" if r == 10 else str(r)


def vin_ok(s: str) -> bool:
    s = s.upper()
    if len(s) != 17 or any(c not in VIN_CHARS for c in s):
        return False
    return vin_check_char(s) == s[8]


def npi_ok(s: str) -> bool:
    return len(s) == 10 and s.isdigit() and s[0] in "12" and luhn_ok("80840" + s)


NINO_BAD_FIRST = "DFIQUV"
NINO_BAD_SECOND = "DFIQUVO"
NINO_BAD_PREFIX = ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ")


def nino_ok(s: str) -> bool:
    s = s.replace(" ", "").upper()
    if len(s) != 9:
        return False
    a, b = s[0], s[1]
    return (
        a.isalpha() and b.isalpha()
        and a not in NINO_BAD_FIRST and b not in NINO_BAD_SECOND
        and s[:2] not in NINO_BAD_PREFIX
        and s[2:8].isdigit() and s[8] in "ABCD"
    )


def ssn_ok(s: str) -> bool:
    parts = s.split("-")
    if len(parts) != 3 or [len(p) for p in parts] != [3, 2, 4] or not all(p.isdigit() for p in parts):
        return False
    area, grp, ser = parts
    return area not in ("000", "666") and area[0] != "9" and grp != "00" and ser != "0000"


# --------------------------------------------------------------------------------------
# Vocabularies of the closed-vocabulary model classes

GENDER = {
    "en": ["male", "female", "M", "F", "non-binary", "nonbinary", "other", "man", "woman", "diverse",
           "genderqueer", "transgender male", "transgender female", "intersex"],
    "de": ["männlich", "weiblich", "divers", "m", "w", "d", "Mann", "Frau", "maennlich", "nicht-binär"],
    "fr": ["homme", "femme", "masculin", "féminin", "H", "F", "non-binaire", "autre"],
    "es": ["hombre", "mujer", "masculino", "femenino", "H", "M", "no binario", "otro"],
    "nl": ["man", "vrouw", "M", "V", "mannelijk", "vrouwelijk", "non-binair", "X", "anders"],
    "pt": ["masculino", "feminino", "homem", "mulher", "M", "F", "não-binário", "outro"],
    "it": ["maschio", "femmina", "M", "F", "uomo", "donna", "non binario"],
    "pl": ["mężczyzna", "kobieta", "M", "K", "męska", "żeńska"],
    "sv": ["man", "kvinna", "M", "K", "icke-binär"],
    "da": ["mand", "kvinde", "M", "K", "ikke-binær"],
}

RELIGION = {
    "en": ["Catholic", "Roman Catholic", "Protestant", "Muslim", "Islam", "Jewish", "Judaism", "Hindu",
           "Hinduism", "Buddhist", "Buddhism", "Atheist", "Agnostic", "Orthodox", "Greek Orthodox",
           "Eastern Orthodox", "Russian Orthodox", "Sikh", "Sikhism", "Christian", "Christianity",
           "Anglican", "Church of England", "Church of Ireland", "Church of Scotland", "Methodist",
           "Baptist", "Lutheran", "Evangelical", "Pentecostal", "Mormon",
           "Latter-day Saints", "Jehovah's Witness", "Jain", "Shinto", "Taoist", "Bahá'í",
           "No religion", "Non-religious", "Sunni Muslim", "Shia Muslim", "Presbyterian", "Quaker",
           "Seventh-day Adventist", "Episcopalian", "Unitarian", "Rastafarian", "Zoroastrian"],
    "de": ["katholisch", "römisch-katholisch", "evangelisch", "protestantisch", "muslimisch", "Islam",
           "jüdisch", "hinduistisch", "buddhistisch", "atheistisch", "konfessionslos", "orthodox",
           "griechisch-orthodox", "christlich", "evangelisch-lutherisch", "evangelisch-reformiert",
           "alevitisch", "freikirchlich", "neuapostolisch", "altkatholisch", "rk", "ev", "RK", "EV",
           "ohne Bekenntnis", "Zeugen Jehovas", "serbisch-orthodox"],
    "fr": ["catholique", "protestant", "protestante", "musulman", "musulmane", "juif", "juive",
           "hindou", "bouddhiste", "athée", "agnostique", "orthodoxe", "chrétien", "chrétienne",
           "sikh", "sans religion", "évangélique", "témoin de Jéhovah", "catholique romain", "islam",
           "judaïsme", "anglican"],
    "es": ["católico", "católica", "protestante", "musulmán", "musulmana", "judío", "judía", "hindú",
           "budista", "ateo", "atea", "agnóstico", "ortodoxo", "cristiano", "cristiana", "evangélico",
           "sin religión", "testigo de Jehová", "católico romano", "mormón", "islam", "judaísmo"],
    "nl": ["katholiek", "rooms-katholiek", "protestants", "hervormd", "gereformeerd", "moslim",
           "islamitisch", "joods", "hindoe", "hindoeïstisch", "boeddhist", "boeddhistisch", "atheïst",
           "agnost", "orthodox", "christelijk", "geen religie", "Protestantse Kerk in Nederland",
           "evangelisch", "Jehova's getuige"],
    "pt": ["católico", "católica", "protestante", "evangélico", "evangélica", "muçulmano", "judeu",
           "judaica", "hindu", "budista", "ateu", "agnóstico", "ortodoxo", "cristão", "espírita",
           "sem religião", "umbanda", "candomblé", "testemunha de Jeová", "islâmico"],
    "it": ["cattolico", "cattolica", "protestante", "musulmano", "ebreo", "ebraica", "induista",
           "buddista", "ateo", "agnostico", "ortodosso", "cristiano", "valdese", "testimone di Geova"],
    "pl": ["katolik", "katoliczka", "rzymskokatolickie", "prawosławny", "protestant", "muzułmanin",
           "żyd", "buddysta", "ateista", "ewangelicki", "świadek Jehowy", "bezwyznaniowy"],
    "sv": ["kristen", "katolik", "protestant", "muslim", "judisk", "hindu", "buddist", "ateist",
           "ortodox", "Svenska kyrkan", "luthersk", "frikyrklig"],
    "da": ["kristen", "katolik", "protestant", "muslim", "jødisk", "hindu", "buddhist", "ateist",
           "ortodoks", "folkekirken", "luthersk", "ikke-troende"],
}

ETHNIC_GROUP = {
    "en": ["White", "White British", "White Irish", "White - Other", "Any other White background",
           "Black or African American", "Black British", "Black Caribbean", "Black African",
           "Asian", "Asian British", "Indian", "Pakistani", "Bangladeshi", "Chinese",
           "Hispanic or Latino", "Not Hispanic or Latino", "Hispanic", "Latino", "Latina", "Latinx",
           "Mixed", "Mixed - White and Black Caribbean", "Mixed - White and Black African",
           "Mixed - White and Asian", "Multiracial", "Two or More Races",
           "Native Hawaiian or Other Pacific Islander", "Pacific Islander", "American Indian or Alaska Native",
           "Native American", "Arab", "Middle Eastern", "Caucasian", "Aboriginal",
           "Torres Strait Islander", "Aboriginal and Torres Strait Islander", "Maori", "Māori",
           "Gypsy or Irish Traveller", "Irish Traveller", "Roma", "First Nations", "Inuit", "Métis",
           "Latin American", "South Asian", "East Asian", "Southeast Asian", "Black Canadian",
           "African American", "Asian American", "White (non-Hispanic)", "Black (non-Hispanic)",
           "Other ethnic group", "Any other Asian background", "Any other Black background"],
    "de": ["weiß", "Weiß", "europäisch", "schwarz", "afrikanisch", "asiatisch", "türkischstämmig",
           "arabisch", "gemischt", "Sinti und Roma", "Sinti", "Roma", "hispanisch",
           "lateinamerikanisch", "afrodeutsch", "osteuropäisch", "südasiatisch", "ostasiatisch",
           "kurdisch", "mit Migrationshintergrund", "ohne Migrationshintergrund"],
    "fr": ["blanc", "blanche", "caucasien", "noir", "noire", "africain", "maghrébin", "asiatique",
           "métis", "métisse", "hispanique", "arabe", "latino-américain", "autochtone",
           "Premières Nations", "Inuit", "Métis", "antillais", "afro-descendant", "nord-africain",
           "subsaharien"],
    "es": ["blanco", "blanca", "caucásico", "negro", "negra", "afrodescendiente", "afromexicano",
           "asiático", "hispano", "latino", "mestizo", "mestiza", "indígena", "gitano", "árabe",
           "mulato", "multirracial", "amerindio", "criollo"],
    "nl": ["Nederlandse achtergrond", "westerse migratieachtergrond", "niet-westerse migratieachtergrond",
           "Surinaamse achtergrond", "Marokkaanse achtergrond", "Turkse achtergrond",
           "Antilliaanse achtergrond", "Indonesische achtergrond", "zwart", "wit", "Aziatisch",
           "gemengd", "Hindoestaans", "Creools", "Afro-Surinaams", "Moluks"],
    "pt": ["branco", "branca", "preto", "preta", "pardo", "parda", "amarelo", "amarela", "indígena",
           "negro", "negra", "afrodescendente", "mestiço", "asiático", "caboclo", "mulato"],
    "it": ["bianco", "bianca", "nero", "nera", "asiatico", "ispanico", "misto", "rom", "arabo",
           "africano", "caucasico"],
}

HEALTH_CONDITION = {
    "en": ["Type 2 diabetes", "type 1 diabetes", "diabetes mellitus type 2", "Diabetes", "asthma",
           "hypertension", "high blood pressure", "depression", "major depressive disorder",
           "anxiety disorder", "generalized anxiety disorder", "bipolar disorder", "schizophrenia",
           "ADHD", "autism spectrum disorder", "epilepsy", "migraine", "chronic migraine",
           "multiple sclerosis", "Parkinson's disease", "Alzheimer's disease", "dementia", "stroke",
           "coronary artery disease", "heart failure", "atrial fibrillation", "myocardial infarction",
           "COPD", "chronic obstructive pulmonary disease", "bronchitis", "pneumonia", "tuberculosis",
           "HIV", "HIV positive", "hepatitis B", "hepatitis C", "breast cancer", "lung cancer",
           "prostate cancer", "colorectal cancer", "leukemia", "lymphoma", "melanoma",
           "rheumatoid arthritis", "osteoarthritis", "osteoporosis", "lupus", "psoriasis", "eczema",
           "Crohn's disease", "ulcerative colitis", "celiac disease", "irritable bowel syndrome",
           "chronic kidney disease", "kidney stones", "hypothyroidism", "hyperthyroidism",
           "obesity", "anemia", "sickle cell disease", "cystic fibrosis", "hemophilia",
           "sleep apnea", "insomnia", "PTSD", "post-traumatic stress disorder", "anorexia nervosa",
           "bulimia", "alcohol use disorder", "opioid dependence", "glaucoma", "cataract",
           "hearing loss", "tinnitus", "peanut allergy", "penicillin allergy", "pregnancy",
           "gestational diabetes", "endometriosis", "polycystic ovary syndrome", "long COVID",
           "COVID-19", "influenza", "Lyme disease", "fibromyalgia", "chronic fatigue syndrome",
           "gout", "hypercholesterolemia", "high cholesterol", "deep vein thrombosis", "scoliosis",
           "herniated disc", "chronic back pain", "cerebral palsy", "Down syndrome"],
    "de": ["Diabetes Typ 2", "Diabetes mellitus Typ 1", "Asthma", "Asthma bronchiale", "Bluthochdruck",
           "Hypertonie", "Depression", "Angststörung", "bipolare Störung", "Schizophrenie",
           "Epilepsie", "Migräne", "Multiple Sklerose", "Parkinson", "Alzheimer-Krankheit", "Demenz",
           "Schlaganfall", "Herzinsuffizienz", "Vorhofflimmern", "Herzinfarkt",
           "koronare Herzkrankheit", "chronische Bronchitis", "Lungenentzündung", "Tuberkulose",
           "Brustkrebs", "Lungenkrebs", "Prostatakrebs", "Darmkrebs", "Leukämie", "Rheuma",
           "rheumatoide Arthritis", "Arthrose", "Osteoporose", "Schuppenflechte", "Neurodermitis",
           "Morbus Crohn", "Colitis ulcerosa", "Zöliakie", "Reizdarmsyndrom", "Niereninsuffizienz",
           "Schilddrüsenunterfunktion", "Schilddrüsenüberfunktion", "Adipositas", "Blutarmut",
           "Schlafapnoe", "Schlaflosigkeit", "Burnout", "Alkoholabhängigkeit", "Grüner Star",
           "Grauer Star", "Tinnitus", "Heuschnupfen", "Laktoseintoleranz", "Gicht", "Bandscheibenvorfall",
           "Long Covid"],
    "fr": ["diabète de type 2", "diabète de type 1", "asthme", "hypertension artérielle",
           "hypertension", "dépression", "trouble anxieux", "trouble bipolaire", "schizophrénie",
           "épilepsie", "migraine", "sclérose en plaques", "maladie de Parkinson",
           "maladie d'Alzheimer", "démence", "AVC", "accident vasculaire cérébral",
           "insuffisance cardiaque", "fibrillation auriculaire", "infarctus du myocarde",
           "bronchite chronique", "pneumonie", "tuberculose", "cancer du sein", "cancer du poumon",
           "cancer de la prostate", "cancer colorectal", "leucémie", "polyarthrite rhumatoïde",
           "arthrose", "ostéoporose", "psoriasis", "eczéma", "maladie de Crohn", "maladie cœliaque",
           "insuffisance rénale chronique", "hypothyroïdie", "obésité", "anémie", "apnée du sommeil",
           "insomnie", "alcoolisme", "glaucome", "cataracte", "surdité", "allergie aux arachides",
           "mucoviscidose", "drépanocytose", "endométriose"],
    "es": ["diabetes tipo 2", "diabetes tipo 1", "asma", "hipertensión", "hipertensión arterial",
           "depresión", "trastorno de ansiedad", "trastorno bipolar", "esquizofrenia", "epilepsia",
           "migraña", "esclerosis múltiple", "enfermedad de Parkinson", "alzhéimer", "demencia",
           "ictus", "insuficiencia cardíaca", "fibrilación auricular", "infarto de miocardio",
           "EPOC", "bronquitis crónica", "neumonía", "tuberculosis", "cáncer de mama",
           "cáncer de pulmón", "cáncer de próstata", "cáncer colorrectal", "leucemia", "linfoma",
           "artritis reumatoide", "artrosis", "osteoporosis", "psoriasis", "dermatitis atópica",
           "enfermedad de Crohn", "celiaquía", "insuficiencia renal crónica", "hipotiroidismo",
           "obesidad", "anemia", "apnea del sueño", "insomnio", "alcoholismo", "glaucoma",
           "cataratas", "VIH", "hepatitis C", "fibromialgia", "colesterol alto"],
    "nl": ["diabetes type 2", "diabetes type 1", "suikerziekte", "astma", "hoge bloeddruk",
           "hypertensie", "depressie", "angststoornis", "bipolaire stoornis", "schizofrenie",
           "epilepsie", "migraine", "multiple sclerose", "ziekte van Parkinson",
           "ziekte van Alzheimer", "dementie", "beroerte", "hartfalen", "boezemfibrilleren",
           "hartinfarct", "longontsteking", "tuberculose", "borstkanker", "longkanker",
           "prostaatkanker", "darmkanker", "leukemie", "reuma", "artrose", "botontkalking",
           "psoriasis", "eczeem", "ziekte van Crohn", "coeliakie", "nierfalen",
           "schildklierafwijking", "obesitas", "bloedarmoede", "slaapapneu", "slapeloosheid",
           "burn-out", "alcoholverslaving", "glaucoom", "staar", "hooikoorts"],
    "pt": ["diabetes tipo 2", "diabetes tipo 1", "asma", "hipertensão", "pressão alta", "depressão",
           "transtorno de ansiedade", "transtorno bipolar", "esquizofrenia", "epilepsia",
           "enxaqueca", "esclerose múltipla", "doença de Parkinson", "doença de Alzheimer",
           "demência", "AVC", "insuficiência cardíaca", "infarto", "pneumonia", "tuberculose",
           "câncer de mama", "câncer de pulmão", "câncer de próstata", "leucemia",
           "artrite reumatoide", "artrose", "osteoporose", "psoríase", "doença celíaca",
           "insuficiência renal crônica", "hipotireoidismo", "obesidade", "anemia",
           "apneia do sono", "insônia", "alcoolismo", "glaucoma", "catarata", "HIV positivo",
           "dengue", "hepatite C"],
}

HEALTH_QUALIFIERS = {
    "en": ["chronic {}", "{} (mild)", "{} (severe)", "suspected {}", "history of {}", "{}, controlled",
           "{} - stage 2", "acute {}"],
    "de": ["chronische {}", "{} (leicht)", "{} (schwer)", "V.a. {}", "Z.n. {}", "{}, eingestellt"],
    "fr": ["{} chronique", "{} (léger)", "{} (sévère)", "suspicion de {}", "antécédents de {}"],
    "es": ["{} crónica", "{} (leve)", "{} (grave)", "sospecha de {}", "antecedentes de {}"],
    "nl": ["chronische {}", "{} (licht)", "{} (ernstig)", "verdenking {}"],
    "pt": ["{} crônica", "{} (leve)", "{} (grave)", "suspeita de {}"],
}


def vocab_value(table, fake, rng, p_english=0.2, p_upper=0.06, p_lower=0.1, p_title=0.06):
    value = rng.choice(pick_lang(table, fake, rng, p_english))
    return case_variant(rng, value, p_upper, p_lower, p_title)


# --------------------------------------------------------------------------------------
# Model classes

def person_name(fake, rng):
    r = rng.random()
    if r < 0.40:
        v = fake.name()
    elif r < 0.58:
        v = f"{fake.first_name()} {fake.last_name()}"
    elif r < 0.70:
        v = f"{fake.last_name()}, {fake.first_name()}"
    elif r < 0.78:
        v = f"{fake.first_name()} {rng.choice(UPPER)}. {fake.last_name()}"
    elif r < 0.85:
        try:
            prefix = fake.prefix()
        except AttributeError:
            prefix = ""
        v = f"{prefix} {fake.first_name()} {fake.last_name()}".strip()
    elif r < 0.90:
        try:
            suffix = fake.suffix()
        except AttributeError:
            suffix = ""
        v = f"{fake.first_name()} {fake.last_name()} {suffix}".strip()
    elif r < 0.95:
        v = f"{fake.first_name()} {fake.first_name()} {fake.last_name()}"
    else:
        v = f"{fake.last_name().upper()} {fake.first_name()}"
    return case_variant(rng, " ".join(v.split()), p_upper=0.05, p_lower=0.03)


def first_name(fake, rng):
    r = rng.random()
    if r < 0.45:
        v = fake.first_name()
    elif r < 0.7:
        v = fake.first_name_female()
    elif r < 0.93:
        v = fake.first_name_male()
    else:
        v = f"{fake.first_name()}-{fake.first_name()}" if lang_of(fake) in ("fr", "de") else fake.first_name()
    return case_variant(rng, v, p_upper=0.08, p_lower=0.04)


def last_name(fake, rng):
    v = fake.last_name()
    if rng.random() < 0.05:
        v = f"{v}-{fake.last_name()}"
    return case_variant(rng, v, p_upper=0.1, p_lower=0.03)


def street_address(fake, rng):
    r = rng.random()
    if r < 0.6:
        v = fake.street_address()
    elif r < 0.8:
        try:
            v = f"{fake.street_name()} {fake.building_number()}"
        except AttributeError:
            v = fake.street_address()
        if lang_of(fake) == "en" and rng.random() < 0.7:
            v = fake.street_address()
    elif r < 0.92:
        v = fake.address()
    else:
        v = fake.street_address()
        apt = {"en": "Apt {}", "de": "Whg. {}", "fr": "appt {}", "es": "piso {}", "nl": "bus {}"}
        v = f"{v} {apt.get(lang_of(fake), 'Apt {}').format(rng.randint(1, 40))}"
    return case_variant(rng, one_line(v), p_upper=0.05, p_lower=0.02)


# Real cities of some countries. Faker's city generators for several locales produce
# invented names only (en_US "Jenniferbury", fr_FR "LacroixBourg", es_MX "Nueva Qatar"),
# so a share of CITY values comes from these lists instead.
REAL_CITIES = {
    "US": ["New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Philadelphia", "San Antonio",
           "San Diego", "Dallas", "Austin", "Jacksonville", "Columbus", "Charlotte", "Indianapolis",
           "Seattle", "Denver", "Boston", "Nashville", "Detroit", "Portland", "Las Vegas", "Memphis",
           "Louisville", "Baltimore", "Milwaukee", "Albuquerque", "Tucson", "Fresno", "Sacramento",
           "Kansas City", "Atlanta", "Miami", "Omaha", "Raleigh", "Minneapolis", "Cleveland", "Tulsa",
           "New Orleans", "Pittsburgh", "Cincinnati", "St. Louis", "Salt Lake City", "Boise",
           "Anchorage", "Honolulu", "Springfield", "Madison", "Buffalo"],
    "GB": ["London", "Birmingham", "Manchester", "Leeds", "Glasgow", "Liverpool", "Bristol",
           "Sheffield", "Edinburgh", "Cardiff", "Leicester", "Coventry", "Bradford", "Belfast",
           "Nottingham", "Newcastle upon Tyne", "Southampton", "Portsmouth", "Brighton", "Plymouth",
           "Aberdeen", "Swansea", "Oxford", "Cambridge", "York", "Norwich", "Exeter", "Reading",
           "Milton Keynes", "Stoke-on-Trent", "Derby", "Dundee"],
    "IE": ["Dublin", "Cork", "Limerick", "Galway", "Waterford", "Drogheda", "Dundalk", "Swords", "Bray",
           "Navan", "Kilkenny", "Ennis", "Tralee", "Carlow", "Athlone", "Sligo", "Wexford"],
    "FR": ["Paris", "Marseille", "Lyon", "Toulouse", "Nice", "Nantes", "Strasbourg", "Montpellier",
           "Bordeaux", "Lille", "Rennes", "Reims", "Le Havre", "Saint-Étienne", "Toulon", "Grenoble",
           "Dijon", "Angers", "Nîmes", "Villeurbanne", "Clermont-Ferrand", "Le Mans", "Aix-en-Provence",
           "Brest", "Tours", "Amiens", "Limoges", "Annecy", "Perpignan", "Metz", "Besançon", "Orléans",
           "Rouen", "Mulhouse", "Caen", "Nancy", "Avignon", "La Rochelle"],
    "AT": ["Wien", "Graz", "Linz", "Salzburg", "Innsbruck", "Klagenfurt", "Villach", "Wels",
           "Sankt Pölten", "Dornbirn", "Wiener Neustadt", "Steyr", "Feldkirch", "Bregenz", "Leonding",
           "Klosterneuburg", "Baden", "Wolfsberg", "Leoben", "Krems an der Donau", "Traun", "Amstetten",
           "Lustenau", "Kapfenberg", "Mödling", "Hallein", "Kufstein", "Braunau am Inn", "Schwechat",
           "Spittal an der Drau"],
    "CH": ["Zürich", "Genève", "Basel", "Lausanne", "Bern", "Winterthur", "Luzern", "St. Gallen",
           "Lugano", "Biel/Bienne", "Thun", "Köniz", "La Chaux-de-Fonds", "Fribourg", "Schaffhausen",
           "Chur", "Neuchâtel", "Vernier", "Sion", "Uster", "Emmen", "Yverdon-les-Bains", "Zug",
           "Kriens", "Rapperswil-Jona", "Dübendorf", "Montreux", "Frauenfeld", "Wetzikon", "Baar",
           "Meyrin", "Carouge", "Nyon", "Vevey"],
    "MX": ["Ciudad de México", "Guadalajara", "Monterrey", "Puebla", "Tijuana", "León", "Juárez",
           "Zapopan", "Mérida", "San Luis Potosí", "Aguascalientes", "Hermosillo", "Saltillo",
           "Mexicali", "Culiacán", "Querétaro", "Chihuahua", "Morelia", "Toluca", "Cancún", "Torreón",
           "Acapulco", "Tlaquepaque", "Durango", "Veracruz", "Xalapa", "Oaxaca de Juárez",
           "Villahermosa", "Tuxtla Gutiérrez", "Cuernavaca", "Mazatlán", "Tampico", "Pachuca",
           "Ensenada", "Campeche", "La Paz", "Zacatecas", "Colima", "Tepic", "Celaya"],
    "AU": ["Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Gold Coast", "Newcastle",
           "Canberra", "Sunshine Coast", "Wollongong", "Hobart", "Geelong", "Townsville", "Cairns",
           "Darwin", "Toowoomba", "Ballarat", "Bendigo", "Albury", "Launceston", "Mackay",
           "Rockhampton", "Bunbury", "Bundaberg", "Wagga Wagga", "Hervey Bay", "Mildura",
           "Shepparton", "Gladstone", "Port Macquarie", "Orange", "Dubbo"],
    "CA": ["Toronto", "Montréal", "Calgary", "Ottawa", "Edmonton", "Winnipeg", "Mississauga",
           "Vancouver", "Brampton", "Hamilton", "Québec", "Surrey", "Laval", "Halifax", "London",
           "Markham", "Vaughan", "Gatineau", "Saskatoon", "Longueuil", "Kitchener", "Burnaby", "Windsor",
           "Regina", "Richmond", "Oakville", "Burlington", "Sherbrooke", "Oshawa", "Saguenay", "Lévis",
           "Barrie", "Abbotsford", "Trois-Rivières", "Kelowna", "Victoria", "St. John's", "Moncton",
           "Fredericton", "Charlottetown"],
    "BR": ["São Paulo", "Rio de Janeiro", "Brasília", "Salvador", "Fortaleza", "Belo Horizonte",
           "Manaus", "Curitiba", "Recife", "Goiânia", "Belém", "Porto Alegre", "Guarulhos", "Campinas",
           "São Luís", "Maceió", "Duque de Caxias", "Natal", "Teresina", "Campo Grande",
           "São Bernardo do Campo", "João Pessoa", "Santo André", "Osasco", "Jaboatão dos Guararapes",
           "Ribeirão Preto", "Uberlândia", "Sorocaba", "Contagem", "Aracaju", "Feira de Santana",
           "Cuiabá", "Joinville", "Londrina", "Juiz de Fora", "Florianópolis", "Niterói", "Vitória"],
    "BE": ["Bruxelles", "Brussel", "Antwerpen", "Gent", "Charleroi", "Liège", "Brugge", "Namur",
           "Leuven", "Mons", "Aalst", "Mechelen", "La Louvière", "Kortrijk", "Hasselt", "Oostende",
           "Sint-Niklaas", "Tournai", "Genk", "Seraing", "Roeselare", "Verviers", "Mouscron", "Beveren",
           "Dendermonde", "Turnhout", "Dilbeek", "Heist-op-den-Berg", "Lokeren", "Vilvoorde"],
}
# Locales whose Faker cities are mostly nonsense use the real list more often.
REAL_CITY_SHARE = {"MX": 0.85, "US": 0.4, "GB": 0.4, "IE": 0.4, "FR": 0.4, "AU": 0.4, "CA": 0.4}


def city(fake, rng):
    c = country_of(fake)
    if c in REAL_CITIES and rng.random() < REAL_CITY_SHARE.get(c, 0.3):
        v = rng.choice(REAL_CITIES[c])
    else:
        v = fake.city()
    return case_variant(rng, v, p_upper=0.08, p_lower=0.03)


def country(fake, rng):
    v = english(fake).country() if rng.random() < 0.3 else fake.country()
    return case_variant(rng, v, p_upper=0.06, p_lower=0.03)


def postal_code(fake, rng):
    v = fake.postcode()
    if country_of(fake) == "US" and rng.random() < 0.15:
        v = fake.zipcode_plus4()
    if country_of(fake) == "GB" and rng.random() < 0.1:
        v = v.replace(" ", "")
    return v


def gender(fake, rng):
    return vocab_value(GENDER, fake, rng, p_english=0.25)


def religion(fake, rng):
    return vocab_value(RELIGION, fake, rng, p_english=0.25)


def ethnic_group(fake, rng):
    return vocab_value(ETHNIC_GROUP, fake, rng, p_english=0.35, p_lower=0.08)


def health_condition(fake, rng):
    table = HEALTH_CONDITION
    lang = lang_of(fake)
    if lang not in table or rng.random() < 0.25:
        lang = "en"
    v = rng.choice(table[lang])
    if rng.random() < 0.12 and lang in HEALTH_QUALIFIERS:
        v = rng.choice(HEALTH_QUALIFIERS[lang]).format(v)
    if rng.random() < 0.15:
        v = v[0].upper() + v[1:]
    return case_variant(rng, v, p_upper=0.04, p_lower=0.08)


GAMER_WORDS = ["shadow", "dark", "ninja", "dragon", "wolf", "sniper", "ghost", "blaze", "storm",
               "pixel", "toxic", "killer", "hunter", "frost", "venom", "nova", "rogue", "viper",
               "phantom", "raven", "titan", "cyber", "lucky", "crazy", "silent", "epic", "king",
               "queen", "boss", "gamer", "noob", "pro", "ace", "zero", "neo", "max"]


def username(fake, rng):
    r = rng.random()
    first = fake.first_name().lower()
    last = fake.last_name().lower().replace(" ", "")
    if r < 0.35:
        v = fake.user_name()
    elif r < 0.50:
        v = f"{first}.{last}"
    elif r < 0.60:
        v = f"{first}_{last}{rng.randint(1, 99) if rng.random() < 0.5 else ''}"
    elif r < 0.70:
        v = f"{first[0]}{last}{rng.choice(['', str(rng.randint(1, 999)), str(rng.randint(1960, 2008))])}"
    elif r < 0.78:
        v = f"{first}{rng.randint(1, 9999)}"
    elif r < 0.92:
        a, b = rng.choice(GAMER_WORDS), rng.choice(GAMER_WORDS)
        style = rng.randint(0, 4)
        if style == 0:
            v = f"{a.capitalize()}{b.capitalize()}{rng.randint(1, 999)}"
        elif style == 1:
            v = f"xX_{a}{b}_Xx"
        elif style == 2:
            v = f"{a}_{b}{rng.randint(0, 99)}"
        elif style == 3:
            v = f"{a.capitalize()}_{b.capitalize()}"
        else:
            v = f"{a}{rng.randint(1, 9)}{b}"
    else:
        v = f"{last}{first[:2]}{rng.randint(0, 99):02d}"
    # Faker user names may carry accents or spaces in some locales; keep them ASCII-ish.
    v = v.replace(" ", "").replace("'", "")
    return v


# --------------------------------------------------------------------------------------
# Pattern types (for the benchmark; the model does not learn them)

def email_address(fake, rng):
    r = rng.random()
    if r < 0.4:
        v = fake.email()
    elif r < 0.6:
        v = fake.free_email()
    elif r < 0.75:
        v = fake.company_email()
    else:
        first = fake.first_name().lower()
        last = fake.last_name().lower().replace(" ", "")
        sep = rng.choice([".", "_", "", "-"])
        v = f"{first}{sep}{last}@{fake.free_email_domain() if rng.random() < 0.5 else fake.domain_name()}"
    v = v.replace(" ", "")
    if rng.random() < 0.04:
        v = v.upper()
    return v


CALLING_CODES = {
    "US": "1", "CA": "1", "GB": "44", "IE": "353", "AU": "61", "DE": "49", "AT": "43", "CH": "41",
    "FR": "33", "BE": "32", "ES": "34", "MX": "52", "NL": "31", "IT": "39", "PT": "351", "BR": "55",
    "PL": "48", "SE": "46", "DK": "45",
}


def phone_number(fake, rng):
    v = fake.phone_number()
    if rng.random() < 0.2:
        cc = CALLING_CODES.get(country_of(fake), "1")
        national = "".join(c for c in v.split("x")[0] if c.isdigit())
        if v.startswith("+"):
            national = national[len(cc):] if national.startswith(cc) else national
        national = national.lstrip("0")
        if len(national) < 6:
            national = digits(rng, 9, first_nonzero=True)
        v = f"+{cc}{national}"
    return v


def credit_card_number(fake, rng):
    card_type = rng.choice(["visa16", "visa16", "mastercard", "mastercard", "amex", "discover", "jcb16"])
    try:
        num = fake.credit_card_number(card_type=card_type)
    except (AttributeError, KeyError, ValueError):
        num = fake.credit_card_number()
    r = rng.random()
    if r < 0.25 and len(num) == 16:
        num = group(num, [4, 4, 4, 4], rng.choice([" ", " ", "-"]))
    elif r < 0.32 and len(num) == 15:
        num = group(num, [4, 6, 5], " ")
    return num


def iban_code(fake, rng):
    v = fake.iban()
    if not iban_ok(v):
        # Faker's es_MX (a country without IBANs) emits 21-character "GB" IBANs.
        other = Faker("es_ES")
        other.seed_instance(rng.randrange(2**32))
        v = other.iban()
    if rng.random() < 0.3:
        v = group(v, [4] * 10, " ")
    return v


def us_ssn(fake, rng):
    # en_US format ddd-dd-dddd; Faker's en_US ssn already avoids 000/666/9xx areas.
    while True:
        v = fake.ssn() if lang_of(fake) == "en" and country_of(fake) == "US" else _ssn(rng)
        if ssn_ok(v):
            return v


def _ssn(rng):
    area = rng.randint(1, 899)
    while area == 666:
        area = rng.randint(1, 899)
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def aba_routing(fake, rng):
    v = fake.aba()
    assert aba_ok(v), v
    return v


def swift_code(fake, rng):
    r = rng.random()
    if r < 0.45:
        return fake.swift8()
    if r < 0.9:
        return fake.swift11()
    return fake.swift11(primary=True)


def ip_address(fake, rng):
    r = rng.random()
    if r < 0.45:
        return fake.ipv4_public()
    if r < 0.75:
        return fake.ipv4_private()
    if r < 0.95:
        return fake.ipv6()
    return fake.ipv6().upper()


def mac_address(fake, rng):
    v = fake.mac_address()
    r = rng.random()
    if r < 0.3:
        v = v.upper()
    elif r < 0.45:
        v = v.upper().replace(":", "-")
    elif r < 0.55:
        h = v.replace(":", "")
        v = f"{h[0:4]}.{h[4:8]}.{h[8:12]}"
    return v


def url(fake, rng):
    r = rng.random()
    if r < 0.35:
        return fake.url()
    if r < 0.7:
        return fake.uri()
    if r < 0.85:
        return f"{fake.url()}{fake.uri_path()}?{rng.choice(['id', 'ref', 'utm_source', 'q'])}={rng.randint(1, 99999)}"
    return f"https://www.{fake.domain_name()}/{fake.slug()}"


def uk_nino(fake, rng):
    while True:
        a = rng.choice([c for c in UPPER if c not in NINO_BAD_FIRST])
        b = rng.choice([c for c in UPPER if c not in NINO_BAD_SECOND])
        if a + b not in NINO_BAD_PREFIX:
            break
    num = digits(rng, 6)
    suffix = rng.choice("ABCD")
    v = f"{a}{b}{num}{suffix}"
    if rng.random() < 0.35:
        v = f"{a}{b} {num[0:2]} {num[2:4]} {num[4:6]} {suffix}"
    assert nino_ok(v), v
    return v


def uk_nhs(fake, rng):
    while True:
        nine = digits(rng, 9, first_nonzero=True)
        check = nhs_check_digit(nine)
        if check is not None:
            break
    v = nine + str(check)
    r = rng.random()
    if r < 0.5:
        v = f"{v[0:3]} {v[3:6]} {v[6:10]}"
    elif r < 0.6:
        v = f"{v[0:3]}-{v[3:6]}-{v[6:10]}"
    assert nhs_ok(v), v
    return v


def france_nir(fake, rng):
    fr = fake if locale_of(fake) == "fr_FR" else None
    if fr is not None:
        v = fr.ssn()
    else:
        v = _nir(rng)
    if not nir_ok(v):
        v = _nir(rng)
    if rng.random() < 0.3:
        v = f"{v[0]} {v[1:3]} {v[3:5]} {v[5:7]} {v[7:10]} {v[10:13]} {v[13:15]}"
    assert nir_ok(v), v
    return v


def _nir(rng):
    dep = rng.choice([f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B"])
    body = f"{rng.randint(1, 2)}{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{dep}{rng.randint(1, 990):03d}{rng.randint(1, 999):03d}"
    key = 97 - int(body.replace("2A", "19").replace("2B", "18")) % 97
    return f"{body}{key:02d}"


def germany_tax_id(fake, rng):
    while True:
        pool = list(DIGITS)
        rng.shuffle(pool)
        if rng.random() < 0.8:
            # nine distinct digits, one of them twice
            chosen = pool[:9]
            ten = chosen + [rng.choice(chosen)]
        else:
            # eight distinct digits, one of them three times
            chosen = pool[:8]
            ten = chosen + [rng.choice(chosen)] * 2
            ten = ten[:8] + [ten[8], ten[8]]
        rng.shuffle(ten)
        s = "".join(ten)
        if s[0] == "0":
            continue
        v = s + str(de_taxid_check_digit(s))
        if de_taxid_ok(v):
            break
    r = rng.random()
    if r < 0.25:
        v = f"{v[0:2]} {v[2:5]} {v[5:8]} {v[8:11]}"
    return v


def spain_dni(fake, rng):
    if rng.random() < 0.15:
        prefix = rng.choice("XYZ")
        num = digits(rng, 7)
        letter = DNI_LETTERS[int(str("XYZ".index(prefix)) + num) % 23]
        v = f"{prefix}{num}{letter}"
        if rng.random() < 0.2:
            v = f"{prefix}-{num}-{letter}"
    else:
        num = f"{rng.randint(100000, 99999999):08d}"
        letter = DNI_LETTERS[int(num) % 23]
        v = f"{num}{letter}" if rng.random() < 0.8 else f"{num}-{letter}"
    assert dni_ok(v), v
    return v


def netherlands_bsn(fake, rng):
    while True:
        eight = digits(rng, 8)
        partial = sum(int(c) * w for c, w in zip(eight, [9, 8, 7, 6, 5, 4, 3, 2]))
        last = partial % 11
        if last <= 9:
            v = eight + str(last)
            if bsn_ok(v) and v[0] in "0123456" and v[:2] != "00":
                break
    if rng.random() < 0.1:
        v = f"{v[0:4]}.{v[4:6]}.{v[6:9]}"
    assert bsn_ok(v), v
    return v


VIN_WMI = ["1HG", "1FA", "1G1", "2T1", "3FA", "4T1", "5YJ", "JHM", "JTD", "KMH", "KNA", "WVW", "WBA",
           "WDB", "WAU", "VF1", "VF3", "ZFA", "SAL", "YV1", "TMB", "VSS", "W0L", "SJN", "WF0", "TRU"]
VIN_YEAR = "ABCDEFGHJKLMNPRSTVWXY123456789"


def vin(fake, rng):
    chars = [c for c in VIN_CHARS]
    body = rng.choice(VIN_WMI) + rand_str(rng, "".join(chars), 5) + "0" + rng.choice(VIN_YEAR) + \
        rand_str(rng, "".join(chars), 1) + digits(rng, 6)
    v = body[:8] + vin_check_char(body) + body[9:]
    assert vin_ok(v), v
    return v.lower() if rng.random() < 0.03 else v


def geo_coordinates(fake, rng):
    lat = rng.uniform(-60, 70)
    lon = rng.uniform(-170, 175)
    if rng.random() < 0.6:
        # near the locale's country
        lat_s, lon_s = fake.local_latlng(country_code=country_of(fake), coords_only=True) or (lat, lon)
        lat = float(lat_s) + rng.uniform(-0.3, 0.3)
        lon = float(lon_s) + rng.uniform(-0.3, 0.3)
    d = rng.randint(4, 6)
    a, b = f"{lat:.{d}f}", f"{lon:.{d}f}"
    r = rng.random()
    if r < 0.55:
        return f"{a}, {b}"
    if r < 0.8:
        return f"{a},{b}"
    if r < 0.9:
        return f"({a}, {b})"
    return f"{a} {b}"


def medical_record_number(fake, rng):
    r = rng.random()
    n = rng.randint(7, 10)
    if r < 0.25:
        return f"MRN-{rng.randint(0, 10**7 - 1):07d}"
    if r < 0.45:
        return f"MR{digits(rng, 7)}"
    if r < 0.55:
        return f"MRN{digits(rng, 8)}"
    if r < 0.65:
        return f"PAT-{rng.randint(2015, 2025)}-{digits(rng, 6)}"
    if r < 0.72:
        return f"{rng.choice(UPPER)}{rng.choice(UPPER)}{digits(rng, 7)}"
    return digits(rng, n, first_nonzero=rng.random() < 0.5)


ICD10_CODES = [
    "A00.9", "A09", "A15.0", "A41.9", "A49.9", "B00.9", "B01.9", "B02.9", "B18.2", "B20", "B34.9",
    "B35.1", "B37.3", "C18.9", "C20", "C25.9", "C34.90", "C43.9", "C50.911", "C50.912", "C53.9",
    "C61", "C64.9", "C67.9", "C71.9", "C73", "C79.51", "C85.90", "C90.00", "C91.10", "C92.00",
    "D05.10", "D25.9", "D50.9", "D51.0", "D64.9", "D68.9", "D69.6", "E03.9", "E05.90", "E06.3",
    "E10.9", "E10.65", "E11.9", "E11.65", "E11.22", "E11.40", "E55.9", "E66.01", "E66.9", "E78.0",
    "E78.5", "E83.110", "E86.0", "E87.1", "F10.20", "F11.20", "F17.210", "F20.9", "F31.9", "F32.9",
    "F32.1", "F32.A", "F33.1", "F41.1", "F41.9", "F43.10", "F43.22", "F50.00", "F84.0", "F90.0",
    "G20", "G25.81", "G30.9", "G35", "G40.909", "G43.909", "G43.109", "G47.00", "G47.33", "G56.00",
    "G62.9", "G89.29", "H10.9", "H25.9", "H26.9", "H40.9", "H52.4", "H66.90", "H90.3", "H91.90",
    "I10", "I11.9", "I20.9", "I21.4", "I25.10", "I26.99", "I48.91", "I50.9", "I63.9", "I70.0",
    "I73.9", "I80.2", "I83.90", "I95.9", "J01.90", "J02.9", "J06.9", "J18.9", "J20.9", "J30.9",
    "J32.9", "J40", "J44.1", "J44.9", "J45.20", "J45.909", "J45.40", "J96.00", "K21.9", "K25.9",
    "K29.70", "K35.80", "K40.90", "K50.90", "K51.90", "K57.30", "K58.9", "K59.00", "K70.30",
    "K76.0", "K80.20", "K85.90", "K90.0", "L02.91", "L03.90", "L20.9", "L30.9", "L40.0", "L50.9",
    "L70.0", "L89.150", "M06.9", "M10.9", "M17.11", "M17.9", "M19.90", "M25.561", "M32.9", "M35.3",
    "M41.9", "M47.816", "M51.26", "M54.5", "M54.50", "M62.830", "M79.1", "M79.7", "M81.0",
    "N18.3", "N18.9", "N20.0", "N39.0", "N40.0", "N80.9", "N95.1", "O09.90", "O24.419", "O80",
    "P07.30", "Q21.0", "Q90.9", "R05", "R05.9", "R06.02", "R07.9", "R10.9", "R11.2", "R19.7",
    "R50.9", "R51", "R51.9", "R53.83", "R55", "R73.03", "R73.9", "S06.0X0A", "S52.501A",
    "S72.001A", "S82.101A", "S83.511A", "S93.401A", "T14.90", "T78.40XA", "T88.7XXA", "U07.1",
    "U09.9", "V43.52XA", "W19.XXXA", "W01.XXXA", "X58.XXXA", "Y92.009", "Z00.00", "Z00.129",
    "Z01.419", "Z12.31", "Z23", "Z30.09", "Z34.90", "Z51.11", "Z79.4", "Z79.899", "Z87.891",
    "Z88.0", "Z90.49", "Z95.1", "Z98.890",
]


def icd10_code(fake, rng):
    v = rng.choice(ICD10_CODES)
    if rng.random() < 0.12:
        v = v.replace(".", "")
    return v


def us_npi(fake, rng):
    nine = rng.choice("12") + digits(rng, 8)
    v = nine + luhn_check_digit("80840" + nine)
    assert npi_ok(v), v
    return v


def password_hash(fake, rng):
    r = rng.random()
    if r < 0.35:
        cost = rng.choice(["10", "11", "12", "12", "13"])
        return f"${rng.choice(['2b', '2b', '2a', '2y'])}${cost}${rand_str(rng, CRYPT64, 53)}"
    if r < 0.55:
        salt = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(16))).decode().rstrip("=")
        h = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(32))).decode().rstrip("=")
        m = rng.choice(["65536", "19456", "47104", "65536"])
        t = rng.choice(["2", "3", "1"])
        return f"$argon2id$v=19$m={m},t={t},p={rng.choice(['1', '4'])}${salt}${h}"
    if r < 0.7:
        return f"$6${rand_str(rng, CRYPT64, 16)}${rand_str(rng, CRYPT64, 86)}"
    if r < 0.8:
        return f"$1${rand_str(rng, CRYPT64, 8)}${rand_str(rng, CRYPT64, 22)}"
    if r < 0.93:
        it = rng.choice(["600000", "720000", "260000", "390000"])
        h = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(32))).decode()
        return f"pbkdf2_sha256${it}${rand_str(rng, ALNUM, 22)}${h}"
    return f"$5${rand_str(rng, CRYPT64, 16)}${rand_str(rng, CRYPT64, 43)}"


def _b64url(rng, nbytes):
    return base64.urlsafe_b64encode(bytes(rng.getrandbits(8) for _ in range(nbytes))).decode().rstrip("=")


def api_key_or_secret(fake, rng):
    r = rng.randint(0, 10)
    if r == 0:
        return "AKIA" + rand_str(rng, UPPER + "234567", 16)
    if r == 1:
        return rand_str(rng, ALNUM + "+/", 40)
    if r == 2:
        return "ghp_" + rand_str(rng, ALNUM, 36)
    if r == 3:
        return "glpat-" + rand_str(rng, ALNUM + "-_", 20)
    if r == 4:
        return f"xoxb-{digits(rng, 12)}-{digits(rng, 13)}-{rand_str(rng, ALNUM, 24)}"
    if r == 5:
        return rng.choice(["sk_live_", "sk_test_", "rk_live_"]) + rand_str(rng, ALNUM, 24)
    if r == 6:
        return "AIza" + rand_str(rng, ALNUM + "-_", 35)
    if r == 7:
        header = rng.choice(["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9",
                             "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9"])
        return f"{header}.{_b64url(rng, rng.randint(40, 120))}.{_b64url(rng, 32)}"
    if r == 8:
        kind = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
        body = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(rng.randint(90, 200)))).decode()
        return f"-----BEGIN {kind}-----{body}-----END {kind}-----"
    if r == 9:
        return "sk-" + rng.choice(["", "proj-"]) + rand_str(rng, ALNUM, 48)
    # Bare hex strings are left out on purpose: they are indistinguishable from the hex
    # hashes that the benchmark uses as non-sensitive decoys.
    return rng.choice(["SG.", "key-", "pk_live_", "whsec_"]) + rand_str(rng, ALNUM, rng.choice([24, 32, 43]))


PASSPORT_FORMATS = {
    "US": lambda rng: digits(rng, 9, True) if rng.random() < 0.6 else rng.choice(UPPER) + digits(rng, 8),
    "GB": lambda rng: digits(rng, 9, True),
    "IE": lambda rng: rand_str(rng, UPPER, 2) + digits(rng, 7),
    "DE": lambda rng: rng.choice("CFGHJK") + rand_str(rng, "CFGHJKLMNPRTVWXYZ0123456789", 8),
    "AT": lambda rng: rng.choice(UPPER) + digits(rng, 7),
    "CH": lambda rng: rng.choice(UPPER) + digits(rng, 7),
    "FR": lambda rng: digits(rng, 2) + rand_str(rng, UPPER, 2) + digits(rng, 5),
    "ES": lambda rng: rand_str(rng, UPPER, 3) + digits(rng, 6),
    "MX": lambda rng: rng.choice(UPPER) + digits(rng, 8),
    "NL": lambda rng: rand_str(rng, UPPER.replace("O", ""), 2) + rand_str(rng, UPPER.replace("O", "") + DIGITS, 6) + digits(rng, 1),
    "BE": lambda rng: rand_str(rng, UPPER, 2) + digits(rng, 6),
    "CA": lambda rng: rand_str(rng, UPPER, 2) + digits(rng, 6),
    "AU": lambda rng: rng.choice(["N", "P", "PA", "PB", "E"]) + digits(rng, 7),
    "BR": lambda rng: rand_str(rng, UPPER, 2) + digits(rng, 6),
    "IT": lambda rng: rand_str(rng, UPPER, 2) + digits(rng, 7),
    "PT": lambda rng: rng.choice(UPPER) + digits(rng, 6),
}


def passport_number(fake, rng):
    fmt = PASSPORT_FORMATS.get(country_of(fake))
    if fmt is None or rng.random() < 0.1:
        fmt = PASSPORT_FORMATS[rng.choice(sorted(PASSPORT_FORMATS))]
    return fmt(rng)


def _uk_driving_licence(fake, rng):
    surname = "".join(c for c in english(fake).last_name().upper() if c.isalpha())
    surname = (surname + "99999")[:5]
    dob = rand_date(rng, _dt.date(1940, 1, 1), _dt.date(2005, 12, 31))
    month = dob.month + (50 if rng.random() < 0.5 else 0)
    first = english(fake).first_name().upper()[0]
    middle = rng.choice([rng.choice(UPPER), "9"])
    return (f"{surname}{str(dob.year)[2]}{month:02d}{dob.day:02d}{str(dob.year)[3]}"
            f"{first}{middle}9{rng.choice(UPPER)}{rng.choice(UPPER + DIGITS)}")


US_DL_FORMATS = [
    lambda rng: rng.choice(UPPER) + digits(rng, 7),                     # CA
    lambda rng: digits(rng, 9, True),                                     # NY
    lambda rng: digits(rng, 8, True),                                     # TX
    lambda rng: f"{rng.choice(UPPER)}{digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 2)}-{digits(rng, 3)}-{digits(rng, 1)}",  # FL
    lambda rng: f"{rng.choice(UPPER)}{digits(rng, 3)}-{digits(rng, 4)}-{digits(rng, 4)}",  # IL
    lambda rng: rng.choice(UPPER) + digits(rng, 12),                    # MI/MN
    lambda rng: "WDL" + rand_str(rng, UPPER + DIGITS, 9),                 # WA
    lambda rng: rng.choice(UPPER) + digits(rng, 8),                     # generic
]


def drivers_license_number(fake, rng):
    c = country_of(fake)
    if c == "GB" or (c == "IE" and rng.random() < 0.3):
        return _uk_driving_licence(fake, rng)
    if c in ("DE", "AT", "CH"):
        return rand_str(rng, UPPER + DIGITS, 1) + digits(rng, 3) + rand_str(rng, UPPER + DIGITS, 6) + digits(rng, 1)
    if c == "FR":
        return digits(rng, 12) if rng.random() < 0.6 else digits(rng, 2) + rand_str(rng, UPPER, 2) + digits(rng, 5)
    if c == "CA":
        if lang_of(fake) == "fr":
            return f"{rng.choice(UPPER)}{digits(rng, 4)}-{digits(rng, 6)}-{digits(rng, 2)}"
        return f"{rng.choice(UPPER)}{digits(rng, 4)}-{digits(rng, 5)}-{digits(rng, 5)}"
    if c in ("NL", "BE"):
        return digits(rng, 10, True)
    if c == "AU":
        return digits(rng, rng.choice([8, 9]), True)
    if c == "BR":
        return digits(rng, 11, True)
    return rng.choice(US_DL_FORMATS)(rng)


DOB_FORMATS = {
    "US": "%m/%d/%Y", "CA": "%Y-%m-%d", "GB": "%d/%m/%Y", "IE": "%d/%m/%Y", "AU": "%d/%m/%Y",
    "FR": "%d/%m/%Y", "ES": "%d/%m/%Y", "MX": "%d/%m/%Y", "BR": "%d/%m/%Y", "PT": "%d/%m/%Y",
    "IT": "%d/%m/%Y", "DE": "%d.%m.%Y", "AT": "%d.%m.%Y", "CH": "%d.%m.%Y", "NL": "%d-%m-%Y",
    "BE": "%d/%m/%Y", "PL": "%d.%m.%Y", "SE": "%Y-%m-%d", "DK": "%d-%m-%Y",
}


def date_of_birth_date(rng) -> _dt.date:
    return rand_date(rng, _dt.date(1932, 1, 1), _dt.date(2007, 12, 31))


def date_of_birth(fake, rng, iso=None):
    d = date_of_birth_date(rng)
    if iso is None:
        iso = rng.random() < 0.6
    if iso:
        return d.isoformat()
    return d.strftime(DOB_FORMATS.get(country_of(fake), "%d/%m/%Y"))


# --------------------------------------------------------------------------------------
# Non-sensitive values (class NONE)

STATUS = {
    "en": ["active", "inactive", "pending", "shipped", "delivered", "cancelled", "refunded", "open",
           "closed", "in progress", "on hold", "failed", "completed", "draft", "archived", "approved",
           "rejected", "new", "processing", "returned", "paid", "unpaid", "overdue", "expired"],
    "de": ["aktiv", "inaktiv", "offen", "versendet", "geliefert", "storniert", "erstattet",
           "abgeschlossen", "in Bearbeitung", "wartend", "fehlgeschlagen", "bezahlt", "neu", "archiviert"],
    "fr": ["actif", "inactif", "en attente", "expédié", "livré", "annulé", "remboursé", "ouvert",
           "fermé", "en cours", "terminé", "payé", "nouveau", "archivé"],
    "es": ["activo", "inactivo", "pendiente", "enviado", "entregado", "cancelado", "reembolsado",
           "abierto", "cerrado", "en curso", "completado", "pagado", "nuevo", "archivado"],
    "nl": ["actief", "inactief", "in behandeling", "verzonden", "geleverd", "geannuleerd",
           "terugbetaald", "open", "gesloten", "voltooid", "betaald", "nieuw", "gearchiveerd"],
    "pt": ["ativo", "inativo", "pendente", "enviado", "entregue", "cancelado", "reembolsado",
           "aberto", "fechado", "concluído", "pago", "novo"],
}

DEPARTMENTS = {
    "en": ["Sales", "Marketing", "Finance", "Human Resources", "HR", "IT", "Engineering", "Legal",
           "Operations", "Customer Support", "Research and Development", "R&D", "Procurement",
           "Logistics", "Accounting", "Quality Assurance", "Facilities", "Product", "Design"],
    "de": ["Vertrieb", "Marketing", "Finanzen", "Personal", "Personalabteilung", "IT", "Entwicklung",
           "Recht", "Einkauf", "Logistik", "Buchhaltung", "Kundendienst", "Qualitätssicherung", "Controlling"],
    "fr": ["Ventes", "Marketing", "Finance", "Ressources humaines", "Informatique", "Juridique",
           "Achats", "Logistique", "Comptabilité", "Service client", "Recherche et développement"],
    "es": ["Ventas", "Marketing", "Finanzas", "Recursos Humanos", "Informática", "Legal", "Compras",
           "Logística", "Contabilidad", "Atención al cliente", "Investigación y Desarrollo"],
    "nl": ["Verkoop", "Marketing", "Financiën", "Personeelszaken", "HR", "ICT", "Juridische zaken",
           "Inkoop", "Logistiek", "Boekhouding", "Klantenservice", "Onderzoek en ontwikkeling"],
    "pt": ["Vendas", "Marketing", "Financeiro", "Recursos Humanos", "TI", "Jurídico", "Compras",
           "Logística", "Contabilidade", "Atendimento ao cliente"],
}

PRODUCT_ADJ = ["Ergonomic", "Compact", "Wireless", "Premium", "Smart", "Portable", "Deluxe", "Classic",
               "Ultra", "Eco", "Pro", "Mini", "Heavy-Duty", "Organic", "Vintage", "Modern", "Rustic",
               "Sleek", "Durable", "Lightweight"]
PRODUCT_MAT = ["Steel", "Wooden", "Cotton", "Leather", "Plastic", "Bamboo", "Ceramic", "Glass",
               "Aluminum", "Wool", "Granite", "Rubber", "Silicone", "Carbon"]
PRODUCT_NOUN = ["Chair", "Lamp", "Headphones", "Kettle", "Backpack", "Keyboard", "Mouse", "Desk",
                "Bottle", "Watch", "Speaker", "Sofa", "Table", "Jacket", "Shoes", "Gloves", "Mug",
                "Router", "Monitor", "Charger", "Blender", "Toaster", "Pillow", "Blanket", "Bike",
                "Drill", "Tent", "Camera", "Printer", "Tablet"]
PRODUCT_NOUN_LOCAL = {
    "de": ["Stuhl", "Lampe", "Kopfhörer", "Wasserkocher", "Rucksack", "Tastatur", "Schreibtisch",
           "Flasche", "Uhr", "Lautsprecher", "Tisch", "Jacke", "Schuhe", "Handschuhe", "Tasse"],
    "fr": ["Chaise", "Lampe", "Casque", "Bouilloire", "Sac à dos", "Clavier", "Bureau", "Bouteille",
           "Montre", "Enceinte", "Table", "Veste", "Chaussures", "Gants", "Tasse"],
    "es": ["Silla", "Lámpara", "Auriculares", "Hervidor", "Mochila", "Teclado", "Escritorio",
           "Botella", "Reloj", "Altavoz", "Mesa", "Chaqueta", "Zapatos", "Guantes", "Taza"],
    "nl": ["Stoel", "Lamp", "Koptelefoon", "Waterkoker", "Rugzak", "Toetsenbord", "Bureau", "Fles",
           "Horloge", "Speaker", "Tafel", "Jas", "Schoenen", "Handschoenen", "Mok"],
    "pt": ["Cadeira", "Lâmpada", "Fones de ouvido", "Chaleira", "Mochila", "Teclado", "Mesa",
           "Garrafa", "Relógio", "Caixa de som", "Jaqueta", "Sapatos", "Luvas", "Caneca"],
}

COMMENTS = {
    "en": ["Please deliver after 5pm", "Left at the front desk", "Customer requested a callback",
           "Item damaged in transit", "Replacement sent", "Awaiting stock", "Gift wrap requested",
           "Paid in full", "Invoice sent", "Follow up next week", "No issues reported",
           "Duplicate order, cancelled", "Backordered until next month", "Upgraded to express shipping",
           "Discount applied at checkout", "Return label emailed", "Waiting for approval",
           "Needs manager sign-off", "Battery replaced under warranty", "Firmware updated to latest"],
    "de": ["Bitte nach 17 Uhr liefern", "Beim Nachbarn abgegeben", "Rückruf erwünscht",
           "Ware beschädigt", "Ersatz versendet", "Warten auf Lieferung", "Rechnung verschickt",
           "Nächste Woche nachfassen", "Keine Probleme", "Doppelte Bestellung storniert",
           "Rabatt angewendet", "Freigabe ausstehend"],
    "fr": ["Livrer après 17h", "Déposé à l'accueil", "Le client demande à être rappelé",
           "Article endommagé", "Remplacement envoyé", "En attente de stock", "Facture envoyée",
           "Relancer la semaine prochaine", "Aucun problème signalé", "Commande en double annulée"],
    "es": ["Entregar después de las 17h", "Dejado en recepción", "El cliente pide que le llamen",
           "Artículo dañado", "Reemplazo enviado", "Pendiente de stock", "Factura enviada",
           "Seguimiento la próxima semana", "Sin incidencias", "Pedido duplicado cancelado"],
    "nl": ["Graag na 17 uur bezorgen", "Afgegeven bij de buren", "Klant wil teruggebeld worden",
           "Artikel beschadigd", "Vervanging verzonden", "Wacht op voorraad", "Factuur verstuurd",
           "Volgende week opvolgen", "Geen problemen", "Dubbele bestelling geannuleerd"],
    "pt": ["Entregar depois das 17h", "Deixado na portaria", "Cliente pediu retorno",
           "Item danificado", "Substituição enviada", "Aguardando estoque", "Fatura enviada"],
}

LANGUAGE_NAMES = {
    "en": ["English", "German", "French", "Spanish", "Dutch", "Italian", "Portuguese", "Polish",
           "Swedish", "Danish", "Chinese", "Japanese", "Arabic", "Russian", "Turkish", "Hindi"],
    "de": ["Deutsch", "Englisch", "Französisch", "Spanisch", "Niederländisch", "Italienisch",
           "Portugiesisch", "Polnisch", "Türkisch", "Russisch"],
    "fr": ["français", "anglais", "allemand", "espagnol", "néerlandais", "italien", "portugais", "arabe"],
    "es": ["español", "inglés", "alemán", "francés", "neerlandés", "italiano", "portugués", "catalán"],
    "nl": ["Nederlands", "Engels", "Duits", "Frans", "Spaans", "Italiaans", "Portugees", "Turks"],
    "pt": ["português", "inglês", "alemão", "francês", "espanhol", "italiano"],
}

CURRENCIES = ["EUR", "USD", "GBP", "CHF", "SEK", "DKK", "PLN", "CAD", "AUD", "MXN", "BRL", "JPY"]
UNITS = ["kg", "g", "pcs", "m", "cm", "l", "ml", "box", "pallet", "Stk", "pièce", "unidad"]
SIZES = ["XS", "S", "M", "L", "XL", "XXL", "38", "40", "42", "44", "One Size"]
HTTP_CODES = ["200", "201", "204", "301", "302", "304", "400", "401", "403", "404", "409", "422",
              "429", "500", "502", "503", "504"]
LOG_LEVELS = ["INFO", "WARN", "ERROR", "DEBUG", "TRACE", "info", "warning", "error", "debug"]
CARD_BRANDS = ["VISA", "Visa", "MasterCard", "Mastercard", "AMEX", "American Express", "Maestro",
               "Discover", "JCB", "Diners Club", "visa", "mastercard"]
PAYMENT_METHODS = ["card", "credit_card", "paypal", "bank_transfer", "sepa_debit", "cash", "invoice",
                   "apple_pay", "google_pay", "klarna", "ideal", "giropay"]
COUNTRY_CODES = ["DE", "AT", "CH", "FR", "BE", "NL", "ES", "IT", "PT", "GB", "IE", "US", "CA", "MX",
                 "BR", "AU", "PL", "SE", "DK", "LU"]
DEVICE_TYPES = ["desktop", "mobile", "tablet", "smart-tv", "iOS", "Android", "Windows", "macOS", "Linux"]
BROWSERS = ["Chrome", "Firefox", "Safari", "Edge", "Opera", "Samsung Internet"]


def company_name(fake, rng):
    v = fake.company()
    if " " not in v.strip():
        try:
            v = f"{v} {fake.company_suffix()}"
        except AttributeError:
            v = f"{v} {rng.choice(['Ltd', 'GmbH', 'SA', 'BV', 'SL', 'Inc.'])}"
    return v


def job_title(fake, rng):
    return case_variant(rng, fake.job(), p_upper=0.03, p_lower=0.05)


def product_name(fake, rng):
    lang = lang_of(fake)
    if lang in PRODUCT_NOUN_LOCAL and rng.random() < 0.4:
        v = f"{rng.choice(PRODUCT_NOUN_LOCAL[lang])} {rng.choice(['Pro', 'Plus', 'Max', 'Mini', 'Classic', 'XL', str(rng.randint(100, 990))])}"
    else:
        v = f"{rng.choice(PRODUCT_ADJ)} {rng.choice(PRODUCT_MAT)} {rng.choice(PRODUCT_NOUN)}"
        if rng.random() < 0.3:
            v += f" {rng.choice(UPPER)}{rng.randint(10, 999)}"
    return v


def sku(fake, rng):
    r = rng.random()
    if r < 0.4:
        return f"SKU-{digits(rng, 5)}-{rng.choice(SIZES[:6])}"
    if r < 0.7:
        return f"{rand_str(rng, UPPER, 3)}-{digits(rng, rng.randint(3, 6))}"
    return f"{rand_str(rng, UPPER, 2)}{digits(rng, 4)}{rng.choice(UPPER)}"


def product_code8(fake, rng):
    return rand_str(rng, UPPER, 8)


def uuid_value(fake, rng):
    import uuid

    v = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return v.upper() if rng.random() < 0.1 else v


def hex_hash(fake, rng, n=None):
    n = n or rng.choice([32, 40, 64])
    return rand_str(rng, HEX, n)


def integer(fake, rng):
    r = rng.random()
    if r < 0.4:
        return str(rng.randint(0, 100))
    if r < 0.7:
        return str(rng.randint(0, 10000))
    if r < 0.9:
        return str(rng.randint(0, 10**7))
    return str(-rng.randint(1, 1000))


def decimal(fake, rng):
    r = rng.random()
    if r < 0.5:
        return f"{rng.uniform(0.5, 500):.2f}"
    if r < 0.7:
        return f"{rng.uniform(0, 1):.4f}"
    if r < 0.85:
        return f"{rng.uniform(0, 100000):.2f}"
    return f"{rng.uniform(-50, 50):.{rng.randint(1, 3)}f}"


def year(fake, rng):
    return str(rng.randint(1950, 2025))


def date_value(fake, rng):
    d = rand_date(rng, _dt.date(2000, 1, 1), _dt.date(2025, 12, 31))
    r = rng.random()
    if r < 0.7:
        return d.isoformat()
    return d.strftime(DOB_FORMATS.get(country_of(fake), "%d/%m/%Y"))


def timestamp(fake, rng):
    t = rand_datetime(rng)
    r = rng.random()
    if r < 0.45:
        return t.strftime("%Y-%m-%d %H:%M:%S")
    if r < 0.7:
        return t.strftime("%Y-%m-%d %H:%M:%S") + f".{rng.randint(0, 999999):06d}+00"
    if r < 0.85:
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(int((t - _dt.datetime(1970, 1, 1)).total_seconds()))


def boolean(fake, rng):
    return rng.choice(["true", "false", "t", "f", "0", "1", "yes", "no", "Y", "N", "TRUE", "FALSE"])


def version(fake, rng):
    r = rng.random()
    if r < 0.6:
        return f"{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 40)}"
    if r < 0.8:
        return f"v{rng.randint(0, 5)}.{rng.randint(0, 20)}"
    return f"{rng.randint(1, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}-{rng.choice(['beta', 'rc1', 'alpha.2', 'SNAPSHOT'])}"


def order_number(fake, rng):
    r = rng.random()
    if r < 0.3:
        return f"ORD-{rng.randint(2018, 2025)}-{digits(rng, 6)}"
    if r < 0.5:
        return f"#{digits(rng, rng.randint(5, 8), True)}"
    if r < 0.7:
        return f"INV{digits(rng, 7)}"
    if r < 0.85:
        return f"{rng.choice(['PO', 'SO', 'RMA'])}-{digits(rng, 5)}"
    return digits(rng, rng.randint(6, 10), True)


def license_plate(fake, rng):
    return fake.license_plate()


def isbn_ean(fake, rng):
    r = rng.random()
    if r < 0.4:
        return fake.isbn13()
    if r < 0.6:
        return fake.isbn13().replace("-", "")
    return fake.ean13()


def http_status(fake, rng):
    return rng.choice(HTTP_CODES)


def sentence(fake, rng):
    r = rng.random()
    if r < 0.5:
        return fake.sentence()
    if r < 0.7:
        return english(fake).sentence()
    if r < 0.85:
        return fake.paragraph(nb_sentences=rng.randint(2, 4))
    return rng.choice(pick_lang(COMMENTS, fake, rng, 0.2))


def word(fake, rng):
    v = fake.word() if rng.random() < 0.7 else english(fake).word()
    return case_variant(rng, v, p_upper=0.05, p_lower=0.0, p_title=0.3)


def words(fake, rng):
    return " ".join(fake.words(nb=rng.randint(2, 4)))


def color(fake, rng):
    try:
        v = fake.color_name() if rng.random() < 0.7 else fake.safe_color_name()
    except AttributeError:
        v = english(fake).color_name()
    return case_variant(rng, v, p_upper=0.05, p_lower=0.2)


def file_name(fake, rng):
    v = fake.file_name()
    if rng.random() < 0.3:
        v = fake.file_path(depth=rng.randint(1, 3))
    return v


def catch_phrase(fake, rng):
    return fake.catch_phrase() if rng.random() < 0.6 else fake.bs()


def status(fake, rng):
    return vocab_value(STATUS, fake, rng, p_english=0.4, p_upper=0.15, p_lower=0.0, p_title=0.2)


def department(fake, rng):
    return vocab_value(DEPARTMENTS, fake, rng, p_english=0.3, p_upper=0.05, p_lower=0.05)


def language_name(fake, rng):
    if rng.random() < 0.5:
        return vocab_value(LANGUAGE_NAMES, fake, rng, p_english=0.3)
    return fake.language_name()


def currency(fake, rng):
    r = rng.random()
    if r < 0.7:
        return rng.choice(CURRENCIES) if rng.random() < 0.5 else fake.currency_code()
    return fake.currency_name()


def misc_enum(fake, rng):
    table = rng.choice([UNITS, SIZES, LOG_LEVELS, CARD_BRANDS, PAYMENT_METHODS, COUNTRY_CODES,
                        DEVICE_TYPES, BROWSERS])
    return rng.choice(table)


def user_agent(fake, rng):
    return fake.user_agent()


def price_with_currency(fake, rng):
    amount = f"{rng.uniform(1, 2000):.2f}"
    cur = rng.choice(["€", "$", "£", "EUR", "USD", "CHF"])
    return f"{amount} {cur}" if rng.random() < 0.5 else f"{cur}{amount}"


def measurement(fake, rng):
    return f"{rng.uniform(0.1, 250):.{rng.randint(0, 2)}f} {rng.choice(UNITS)}"


def mixed_code(fake, rng):
    """Ticket / reference codes: JIRA-1234, REF/2024/00123, A-17, ..."""
    r = rng.random()
    if r < 0.3:
        return f"{rand_str(rng, UPPER, rng.randint(2, 5))}-{rng.randint(1, 9999)}"
    if r < 0.5:
        return f"REF/{rng.randint(2015, 2025)}/{digits(rng, 5)}"
    if r < 0.7:
        return f"{rng.choice(UPPER)}{rng.randint(1, 99)}"
    return f"{rand_str(rng, UPPER + DIGITS, rng.randint(5, 10))}"


# Generators of NONE for training, with weights. Values of pattern types are part of NONE
# for the model at a modest weight ("PATTERN_AS_NONE" below): see README.md.
NONE_GENERATORS = [
    (company_name, 6), (job_title, 5), (product_name, 5), (catch_phrase, 3), (color, 2),
    (word, 4), (words, 3), (sentence, 6), (file_name, 2), (currency, 2), (language_name, 2),
    (status, 4), (department, 3), (sku, 3), (product_code8, 1), (uuid_value, 2), (hex_hash, 2),
    (integer, 5), (decimal, 4), (year, 2), (date_value, 3), (timestamp, 3), (boolean, 2),
    (version, 2), (order_number, 3), (license_plate, 2), (isbn_ean, 2), (http_status, 1),
    (misc_enum, 4), (user_agent, 1), (price_with_currency, 1), (measurement, 1), (mixed_code, 3),
]

# --------------------------------------------------------------------------------------
# Registries

MODEL_CLASSES = [
    "NONE", "PERSON_NAME", "FIRST_NAME", "LAST_NAME", "STREET_ADDRESS", "CITY", "COUNTRY",
    "POSTAL_CODE", "GENDER", "RELIGION", "ETHNIC_GROUP", "HEALTH_CONDITION", "USERNAME",
]

MODEL_GENERATORS = {
    "PERSON_NAME": person_name,
    "FIRST_NAME": first_name,
    "LAST_NAME": last_name,
    "STREET_ADDRESS": street_address,
    "CITY": city,
    "COUNTRY": country,
    "POSTAL_CODE": postal_code,
    "GENDER": gender,
    "RELIGION": religion,
    "ETHNIC_GROUP": ethnic_group,
    "HEALTH_CONDITION": health_condition,
    "USERNAME": username,
}

PATTERN_GENERATORS = {
    "EMAIL_ADDRESS": email_address,
    "PHONE_NUMBER": phone_number,
    "CREDIT_CARD_NUMBER": credit_card_number,
    "IBAN_CODE": iban_code,
    "US_SOCIAL_SECURITY_NUMBER": us_ssn,
    "US_BANK_ROUTING_NUMBER": aba_routing,
    "SWIFT_CODE": swift_code,
    "IP_ADDRESS": ip_address,
    "MAC_ADDRESS": mac_address,
    "URL": url,
    "UK_NATIONAL_INSURANCE_NUMBER": uk_nino,
    "UK_NHS_NUMBER": uk_nhs,
    "FRANCE_NIR": france_nir,
    "GERMANY_TAX_ID": germany_tax_id,
    "SPAIN_DNI": spain_dni,
    "NETHERLANDS_BSN": netherlands_bsn,
    "VEHICLE_IDENTIFICATION_NUMBER": vin,
    "GEO_COORDINATES": geo_coordinates,
    "MEDICAL_RECORD_NUMBER": medical_record_number,
    "ICD10_CODE": icd10_code,
    "US_NPI": us_npi,
    "PASSWORD_HASH": password_hash,
    "API_KEY_OR_SECRET": api_key_or_secret,
    "PASSPORT_NUMBER": passport_number,
    "DRIVERS_LICENSE_NUMBER": drivers_license_number,
    "DATE_OF_BIRTH": date_of_birth,
}

ALL_GENERATORS = {**MODEL_GENERATORS, **PATTERN_GENERATORS}


def weighted_choice(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for item, w in pairs:
        x -= w
        if x < 0:
            return item
    return pairs[-1][0]


def none_value(fake, rng):
    return weighted_choice(rng, NONE_GENERATORS)(fake, rng)


def pattern_as_none_value(fake, rng):
    """A value of a pattern type, for the model's NONE class."""
    name = rng.choice(sorted(PATTERN_GENERATORS))
    return PATTERN_GENERATORS[name](fake, rng)


def self_check() -> None:
    """Validators against known-good and known-bad examples, and generated values against validators."""
    import random

    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert aba_ok("011000015") and not aba_ok("011000016")
    assert iban_ok("DE89370400440532013000") and iban_ok("GB82 WEST 1234 5698 7654 32")
    assert not iban_ok("DE89370400440532013001")
    assert nhs_ok("9434765919") and nhs_ok("943 476 5919") and not nhs_ok("9434765918")
    assert de_taxid_ok("86095742719") and not de_taxid_ok("86095742718")
    assert de_taxid_ok("47036892816") and not de_taxid_ok("12345678901")
    assert dni_ok("12345678Z") and dni_ok("X1234567L") and not dni_ok("12345678A")
    assert bsn_ok("111222333") and bsn_ok("123456782") and not bsn_ok("123456789")
    assert vin_ok("1M8GDM9AXKP042788") and vin_ok("11111111111111111") and not vin_ok("1M8GDM9A1KP042788")
    assert npi_ok("1234567893") and not npi_ok("1234567890")
    assert nino_ok("AB123456C") and not nino_ok("GB123456A") and not nino_ok("QQ123456C")
    assert nir_ok("255081416802538") and nir_ok("2 55 08 14 168 025 38") and not nir_ok("255081416802539")
    assert nir_ok(_nir(random.Random(5)))

    rng = random.Random(7)
    for loc in ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "nl_NL", "pt_BR", "fr_CA", "en_AU"]:
        fake = make_faker(loc, 11)
        for _ in range(60):
            assert luhn_ok(credit_card_number(fake, rng).replace(" ", "").replace("-", ""))
            assert iban_ok(iban_code(fake, rng))
            assert ssn_ok(us_ssn(fake, rng))
            assert aba_ok(aba_routing(fake, rng))
            assert nino_ok(uk_nino(fake, rng))
            assert nhs_ok(uk_nhs(fake, rng))
            assert nir_ok(france_nir(fake, rng))
            assert de_taxid_ok(germany_tax_id(fake, rng))
            assert dni_ok(spain_dni(fake, rng))
            assert bsn_ok(netherlands_bsn(fake, rng))
            assert vin_ok(vin(fake, rng))
            assert npi_ok(us_npi(fake, rng))
            for gen in list(ALL_GENERATORS.values()) + [g for g, _ in NONE_GENERATORS]:
                v = gen(fake, rng)
                assert isinstance(v, str) and v.strip(), (gen.__name__, loc, v)
                assert "\n" not in v, (gen.__name__, loc, v)


if __name__ == "__main__":
    self_check()
    print("generators self-check ok")
