#!/usr/bin/env python3
"""Generate fictional sample data for the data-governance scanner demo.

Everything written by this script is made up for "Northwind Outfitters", a
fictional outdoor-gear retailer. It is meant to *look* like real customer,
payment and HR data so that sensitive-column detection can be demonstrated:

  company.sql              SQLite-compatible dump (customers, products, orders,
                           payments, web_sessions)
  files/employees.csv      HR extract (names, SSNs, salaries, ...)
  files/vendors.csv        supplier master data (IBAN, SWIFT/BIC, ...)
  files/inventory.csv      stock levels (negative control: nothing sensitive)

The output is deterministic: a single random.Random(42) drives every choice,
no wall-clock time is read, and only the Python standard library is used.

Run from the repository root:

    python3 config/samples/generate.py
"""

import csv
import ipaddress
import unicodedata
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
import random

OUT_DIR = Path(__file__).resolve().parent
FILES_DIR = OUT_DIR / "files"

rng = random.Random(42)

N_CUSTOMERS = 300
N_ORDERS = 900
N_SESSIONS = 500
N_EMPLOYEES = 120
N_VENDORS = 40

# ---------------------------------------------------------------------------
# Check-digit helpers
# ---------------------------------------------------------------------------


def luhn_check_digit(partial: str) -> str:
    """Return the Luhn check digit to append to `partial` (digits only)."""
    total = 0
    # Walking right-to-left over the payload, double every first, third, ...
    # digit (they end up in the even positions once the check digit is added).
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


IBAN_LENGTHS = {"GB": 22, "DE": 22, "FR": 27, "NL": 18, "ES": 24}


def _iban_numeric(s: str) -> int:
    return int("".join(str(int(c, 36)) for c in s))


def make_iban(country: str, bban: str) -> str:
    """Build an IBAN: check digits = 98 - (BBAN + CC + '00' as number) mod 97."""
    check = 98 - _iban_numeric(bban + country + "00") % 97
    iban = f"{country}{check:02d}{bban}"
    assert len(iban) == IBAN_LENGTHS[country], (iban, len(iban))
    assert iban_valid(iban)
    return iban


def iban_valid(iban: str) -> bool:
    s = iban.replace(" ", "").upper()
    if IBAN_LENGTHS.get(s[:2]) != len(s):
        return False
    return _iban_numeric(s[4:] + s[:4]) % 97 == 1


def iban_print_format(iban: str) -> str:
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


# ---------------------------------------------------------------------------
# Small random helpers
# ---------------------------------------------------------------------------

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def digits(n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def rand_dt(start: datetime, end: datetime) -> datetime:
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(span))


def rand_date(start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def ts(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def weighted(pairs):
    """pairs: list of (value, weight)."""
    values = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return rng.choices(values, weights=weights, k=1)[0]


_TRANSLIT = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE",
    "ß": "ss", "ı": "i", "đ": "d", "Đ": "D", "œ": "oe", "Œ": "OE",
})


def ascii_slug(text: str) -> str:
    """'Łukasz' -> 'lukasz', "O'Brien" -> 'obrien', 'van den Berg' -> 'vandenberg'."""
    t = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    t = "".join(c for c in t if not unicodedata.combining(c))
    return "".join(c for c in t.lower() if c.isascii() and (c.isalnum() or c == "-"))


# ---------------------------------------------------------------------------
# Locale data (all fictional combinations; phone ranges use reserved/fiction
# blocks where the country has one, e.g. US 555, UK 020 7946 0xxx).
# ---------------------------------------------------------------------------

US_FIRST = ["James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Sophia",
            "Mason", "Isabella", "Logan", "Mia", "Lucas", "Harper", "Jackson",
            "Amelia", "Aiden", "Evelyn", "Zoë", "Chloe", "Daniel", "Grace",
            "Marcus", "Priya", "Wei", "Jamal", "Aaliyah", "Diego", "Mariana",
            "Hiroshi", "Keiko", "Raj", "Fatima", "Omar", "Tyler", "Brianna",
            "Dakota", "Renée", "Andre", "Leilani", "Connor", "Megan"]
US_LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
           "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson",
           "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
           "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker",
           "Young", "Allen", "King", "Nguyen", "Patel", "Kim", "Chen", "Okafor",
           "Washington", "O'Brien", "O'Neill", "Kowalski", "Tanaka", "Begay",
           "Schwartz", "Rossi", "D'Amico", "McAllister", "Ramírez", "Abernathy"]

COUNTRIES = {
    "US": {
        "name": "United States", "currency": "USD", "fx": 1.0,
        "first": US_FIRST, "last": US_LAST,
        "cities": [("New York", "100"), ("Seattle", "981"), ("Denver", "802"),
                   ("Austin", "787"), ("Portland", "972"), ("Chicago", "606"),
                   ("Boston", "021"), ("Minneapolis", "554"),
                   ("Salt Lake City", "841"), ("San Diego", "921"),
                   ("Asheville", "288"), ("Burlington", "054"),
                   ("Boulder", "803"), ("Bozeman", "597")],
        "streets": ["Maple Avenue", "Oak Street", "Cedar Lane", "Pine Ridge Road",
                    "Lakeview Drive", "Elm Street", "Highland Avenue", "Park Place",
                    "Willow Way", "Aspen Court", "River Road", "Summit Drive",
                    "Juniper Trail", "Main Street", "Washington Street",
                    "Franklin Avenue", "Granite Street", "Hawthorne Boulevard"],
    },
    "CA": {
        "name": "Canada", "currency": "CAD", "fx": 1.35,
        "first": ["Liam", "Olivia", "Noah", "Charlotte", "Émilie", "Mathieu",
                  "Félix", "Chloé", "Jacob", "Maya", "Owen", "Ava", "Gabriel",
                  "Léa", "Ethan", "Sarah", "Raj", "Mei", "Aiyana", "Connor"],
        "last": ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier",
                 "MacDonald", "Campbell", "Smith", "Brown", "Wilson", "Martin",
                 "Lévesque", "Bergeron", "Singh", "Wong", "O'Reilly", "Fraser"],
        "cities": [("Vancouver", "V6B"), ("Toronto", "M5V"), ("Calgary", "T2P"),
                   ("Montréal", "H2X"), ("Halifax", "B3H"), ("Ottawa", "K1P"),
                   ("Whistler", "V8E"), ("Canmore", "T1W")],
        "streets": ["Granville Street", "Queen Street West", "Rue Saint-Denis",
                    "Spring Garden Road", "Elgin Street", "Bow Trail",
                    "Main Street", "Robson Street", "Rue Sherbrooke Est",
                    "Lakeshore Road"],
    },
    "GB": {
        "name": "United Kingdom", "currency": "GBP", "fx": 0.8,
        "first": ["Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack",
                  "Freya", "Charlie", "Poppy", "Arthur", "Florence", "Alfie",
                  "Evie", "Rhys", "Siân", "Callum", "Niamh", "Imran", "Aisha",
                  "Zoë", "Eleanor", "Hamish", "Priya"],
        "last": ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson",
                 "Evans", "Thomas", "Roberts", "Hughes", "Davies", "Wright",
                 "Walker", "Robinson", "Thompson", "Khan", "Ahmed", "Patel",
                 "MacLeod", "Campbell", "Stewart", "Fletcher", "Ashworth",
                 "Pemberton", "O'Brien", "Ffrench", "Llewellyn"],
        # (city, outward postcode districts, phone prefix pattern)
        "cities": [("London", ["N1", "SE15", "E8", "NW3", "SW11", "W4", "EC1V"]),
                   ("Manchester", ["M4", "M14", "M20"]),
                   ("Edinburgh", ["EH3", "EH6", "EH10"]),
                   ("Bristol", ["BS1", "BS6", "BS8"]),
                   ("Leeds", ["LS1", "LS6"]),
                   ("Glasgow", ["G12", "G3", "G41"]),
                   ("Cardiff", ["CF10", "CF24"]),
                   ("York", ["YO1", "YO31"]),
                   ("Keswick", ["CA12"])],
        "streets": ["High Street", "Church Lane", "Victoria Road", "Station Road",
                    "Mill Lane", "Queen's Road", "King's Avenue", "Park Terrace",
                    "The Crescent", "Albert Street", "Grosvenor Place",
                    "Oxford Road", "St Mary's Close", "Meadow View"],
    },
    "IE": {
        "name": "Ireland", "currency": "EUR", "fx": 0.92,
        "first": ["Aoife", "Seán", "Siobhán", "Ciarán", "Niamh", "Pádraig",
                  "Róisín", "Conor", "Saoirse", "Eoin", "Caoimhe", "Darragh",
                  "Oisín", "Clodagh"],
        "last": ["O'Brien", "O'Sullivan", "Murphy", "Kelly", "Walsh", "Byrne",
                 "Ryan", "O'Connor", "McCarthy", "Doyle", "Gallagher",
                 "Fitzgerald", "Ní Bhriain", "Mac Giolla Phádraig"],
        "cities": [("Dublin", ["D02", "D04", "D06", "D08"]), ("Cork", ["T12"]),
                   ("Galway", ["H91"]), ("Limerick", ["V94"]),
                   ("Westport", ["F28"])],
        "streets": ["Main Street", "Church Road", "Strand Road", "Dublin Road",
                    "Sandymount Avenue", "Pearse Street", "Harbour Road",
                    "St. Patrick's Terrace", "Quay Street"],
    },
    "DE": {
        "name": "Germany", "currency": "EUR", "fx": 0.92,
        "first": ["Lukas", "Anna", "Jürgen", "Sophie", "Maximilian", "Lena",
                  "Jonas", "Marie", "Felix", "Hannah", "Paul", "Lea", "Günter",
                  "Käthe", "Jörg", "Björn", "Ümit", "Mehmet", "Ingeborg", "Till"],
        "last": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer",
                 "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter",
                 "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
                 "Braun", "Krüger", "Hofmann", "Lange", "Yılmaz", "Öztürk",
                 "Weiß", "Groß", "von Arnim"],
        # (city, postcode range, area code, BLZ first digit)
        "cities": [("Berlin", (10115, 14199), "30", "1"),
                   ("Hamburg", (20095, 22769), "40", "2"),
                   ("München", (80331, 81929), "89", "7"),
                   ("Köln", (50667, 51149), "221", "3"),
                   ("Leipzig", (4103, 4357), "341", "8"),
                   ("Freiburg im Breisgau", (79098, 79117), "761", "6"),
                   ("Dresden", (1067, 1328), "351", "8"),
                   ("Stuttgart", (70173, 70629), "711", "6"),
                   ("Garmisch-Partenkirchen", (82467, 82467), "8821", "7")],
        "streets": ["Hauptstraße", "Lindenstraße", "Bahnhofstraße",
                    "Schillerstraße", "Goethestraße", "Gartenweg", "Am Markt",
                    "Kastanienallee", "Rosenweg", "Bergstraße", "Mühlenweg",
                    "Friedrich-Ebert-Straße", "Am Sonnenhang", "Uhlandstraße"],
    },
    "FR": {
        "name": "France", "currency": "EUR", "fx": 0.92,
        "first": ["Camille", "Léa", "Hugo", "Louis", "Chloé", "Manon", "Gabriel",
                  "Inès", "Jules", "Zoé", "François", "Hélène", "Amélie", "Théo",
                  "Noémie", "Benoît", "Gaëlle", "Jérôme", "Anaïs", "Loïc"],
        "last": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard",
                 "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent",
                 "Lefèvre", "Michel", "Garcia", "Fontaine", "Rousseau",
                 "Girard", "Mercier", "Benali", "Dupont", "Lemaître",
                 "Chevalier", "D'Almeida", "Le Gall"],
        # (city, list of postcodes, phone zone digit)
        "cities": [("Paris", [f"750{n:02d}" for n in range(1, 21)], "1"),
                   ("Lyon", [f"6900{n}" for n in range(1, 10)], "4"),
                   ("Marseille", [f"130{n:02d}" for n in range(1, 17)], "4"),
                   ("Bordeaux", ["33000", "33100", "33200", "33300", "33800"], "5"),
                   ("Toulouse", ["31000", "31100", "31200", "31300", "31400", "31500"], "5"),
                   ("Nantes", ["44000", "44100", "44200", "44300"], "2"),
                   ("Lille", ["59000", "59800"], "3"),
                   ("Grenoble", ["38000", "38100"], "4"),
                   ("Annecy", ["74000"], "4"),
                   ("Chamonix-Mont-Blanc", ["74400"], "4")],
        "streets": ["rue des Lilas", "rue de la Paix", "avenue Jean Jaurès",
                    "rue Pasteur", "rue du Moulin", "boulevard Voltaire",
                    "rue de l'Église", "place de la Mairie", "chemin des Vignes",
                    "allée des Tilleuls", "rue Victor Hugo", "quai des Chartrons",
                    "rue d'Alsace"],
    },
    "ES": {
        "name": "Spain", "currency": "EUR", "fx": 0.92,
        "first": ["José", "María", "Lucía", "Alejandro", "Javier", "Carmen",
                  "Sofía", "Pablo", "Álvaro", "Martina", "Hugo", "Inés", "Raúl",
                  "Begoña", "Íñigo", "Nerea", "Ainhoa", "Jesús", "Marta", "Sergio"],
        "last": ["García", "Fernández", "González", "Rodríguez", "López",
                 "Martínez", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez",
                 "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez",
                 "Romero", "Núñez", "Etxeberria", "Iglesias", "Castillo",
                 "Ibáñez", "Peña"],
        # (city, postcode prefix, landline prefix)
        "cities": [("Madrid", "280", "91"), ("Barcelona", "080", "93"),
                   ("Valencia", "460", "96"), ("Sevilla", "410", "95"),
                   ("Bilbao", "480", "94"), ("Granada", "180", "958"),
                   ("Zaragoza", "500", "976"), ("Málaga", "290", "95"),
                   ("Jaca", "227", "974")],
        "streets": ["Calle Mayor", "Calle de Alcalá", "Avenida de América",
                    "Calle Real", "Calle San Vicente", "Paseo de la Castellana",
                    "Calle del Carmen", "Calle Larios", "Gran Vía",
                    "Calle de Serrano", "Avenida de la Constitución",
                    "Plaza de España", "Carrer de Mallorca", "Calle Ancha"],
    },
    "NL": {
        "name": "Netherlands", "currency": "EUR", "fx": 0.92,
        "first": ["Daan", "Emma", "Sem", "Julia", "Lucas", "Tess", "Milan",
                  "Sophie", "Bram", "Fleur", "Thijs", "Anouk", "Joost", "Maarten",
                  "Femke", "Sanne", "Eline", "Ruben", "Lotte", "Jeroen"],
        "last": ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk",
                 "Bakker", "Janssen", "Visser", "Smit", "Meijer", "de Boer",
                 "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
                 "van Leeuwen", "Dekker", "Brouwer", "van 't Hof", "Çelik"],
        "cities": [("Amsterdam", (1011, 1109), "20"), ("Rotterdam", (3011, 3089), "10"),
                   ("Utrecht", (3511, 3585), "30"), ("Den Haag", (2491, 2599), "70"),
                   ("Eindhoven", (5611, 5658), "40"), ("Groningen", (9711, 9747), "50")],
        "streets": ["Prinsengracht", "Dorpsstraat", "Kerkstraat", "Stationsweg",
                    "Molenweg", "Schoolstraat", "Julianalaan", "Beatrixlaan",
                    "Lange Voorhout", "Oudegracht", "Herengracht", "Vondelstraat"],
    },
    "PL": {
        "name": "Poland", "currency": "PLN", "fx": 4.0,
        "first": ["Łukasz", "Agnieszka", "Jakub", "Katarzyna", "Piotr",
                  "Małgorzata", "Tomasz", "Zofia", "Michał", "Anna", "Paweł",
                  "Magdalena", "Wojciech", "Joanna", "Krzysztof", "Ewa",
                  "Bartłomiej", "Zuzanna", "Grzegorz", "Alicja"],
        "last": ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk",
                 "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak",
                 "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Krawczyk",
                 "Grabowski", "Wróbel", "Pawłowski", "Michalski", "Zając",
                 "Sienkiewicz", "Gałązka"],
        "cities": [("Warszawa", ["00", "01", "02", "03", "04"], "22"),
                   ("Kraków", ["30", "31"], "12"), ("Gdańsk", ["80"], "58"),
                   ("Wrocław", ["50", "51", "53"], "71"), ("Poznań", ["60", "61"], "61"),
                   ("Łódź", ["90", "91", "93"], "42"), ("Zakopane", ["34"], "18")],
        "streets": ["Długa", "Mickiewicza", "Słowackiego", "Kościuszki", "Piękna",
                    "Polna", "Lipowa", "Ogrodowa", "Marszałkowska", "Floriańska",
                    "Krakowskie Przedmieście", "Żeromskiego"],
    },
    "SE": {
        "name": "Sweden", "currency": "SEK", "fx": 10.5,
        "first": ["Erik", "Astrid", "Björn", "Ingrid", "Lars", "Maja", "Sören",
                  "Elin", "Oskar", "Saga", "Nils", "Linnéa", "Måns", "Åsa",
                  "Gustav", "Freja", "Ebba", "Viktor"],
        "last": ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson",
                 "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson",
                 "Lindqvist", "Lindström", "Åberg", "Öberg", "Sjöberg",
                 "Ekström", "Bergström", "Holmgren"],
        "cities": [("Stockholm", (111, 118), "8"), ("Göteborg", (411, 418), "31"),
                   ("Malmö", (211, 217), "40"), ("Uppsala", (752, 754), "18"),
                   ("Umeå", (903, 907), "90"), ("Åre", (837, 837), "647")],
        "streets": ["Storgatan", "Drottninggatan", "Kungsgatan", "Vasagatan",
                    "Skolgatan", "Björkvägen", "Ängsvägen", "Östra Hamngatan",
                    "Södra Förstadsgatan", "Sveavägen", "Linnégatan"],
    },
}

CUSTOMER_COUNTRY_WEIGHTS = [("US", 25), ("GB", 15), ("DE", 12), ("FR", 10),
                            ("ES", 9), ("NL", 7), ("PL", 6), ("CA", 6),
                            ("IE", 5), ("SE", 5)]

CA_POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"
UK_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
EIRCODE_LETTERS = "ACDEFHKNPRTVWXY"
EIRCODE_CHARS = EIRCODE_LETTERS + "0123456789"


def pick_city(cc: str):
    """Return (city, postal_code, city_entry) for a country."""
    entry = rng.choice(COUNTRIES[cc]["cities"])
    city = entry[0]
    if cc == "US":
        pc = entry[1] + digits(2)
    elif cc == "CA":
        pc = f"{entry[1]} {rng.randint(1, 9)}{rng.choice(CA_POSTAL_LETTERS)}{rng.randint(0, 9)}"
    elif cc == "GB":
        pc = f"{rng.choice(entry[1])} {rng.randint(1, 9)}{rng.choice(UK_INWARD_LETTERS)}{rng.choice(UK_INWARD_LETTERS)}"
    elif cc == "IE":
        pc = (f"{rng.choice(entry[1])} " + rng.choice(EIRCODE_LETTERS)
              + "".join(rng.choice(EIRCODE_CHARS) for _ in range(3)))
    elif cc == "DE":
        lo, hi = entry[1]
        pc = f"{rng.randint(lo, hi):05d}"
    elif cc == "FR":
        pc = rng.choice(entry[1])
    elif cc == "ES":
        pc = entry[1] + digits(2)
    elif cc == "NL":
        lo, hi = entry[1]
        while True:
            letters = rng.choice(UPPER) + rng.choice(UPPER)
            if letters not in ("SA", "SD", "SS"):
                break
        pc = f"{rng.randint(lo, hi)} {letters}"
    elif cc == "PL":
        pc = f"{rng.choice(entry[1])}-{rng.randint(1, 999):03d}"
    elif cc == "SE":
        lo, hi = entry[1]
        pc = f"{rng.randint(lo, hi)} {rng.randint(10, 99)}"
    else:
        raise ValueError(cc)
    return city, pc, entry


def street_address(cc: str) -> str:
    street = rng.choice(COUNTRIES[cc]["streets"])
    if cc in ("US", "CA"):
        addr = f"{rng.randint(1, 9899)} {street}"
        r = rng.random()
        if r < 0.15:
            addr += f", Apt {rng.randint(1, 24)}{rng.choice('ABCDEF')}"
        elif r < 0.20:
            addr += f", Unit {rng.randint(100, 2400)}"
        return addr
    if cc in ("GB", "IE"):
        addr = f"{rng.randint(1, 240)} {street}"
        if rng.random() < 0.2:
            addr = f"Flat {rng.randint(1, 12)}, " + addr
        return addr
    if cc == "DE":
        n = str(rng.randint(1, 160))
        if rng.random() < 0.12:
            n += rng.choice("abc")
        return f"{street} {n}"
    if cc == "FR":
        n = str(rng.randint(1, 180))
        if rng.random() < 0.08:
            n += rng.choice([" bis", " ter"])
        return f"{n} {street}"
    if cc == "ES":
        addr = f"{street}, {rng.randint(1, 220)}"
        if rng.random() < 0.6:
            addr += f", {rng.randint(1, 9)}º {rng.choice(['A', 'B', 'C', 'D', 'izda.', 'dcha.'])}"
        return addr
    if cc == "NL":
        n = str(rng.randint(1, 420))
        if rng.random() < 0.15:
            n += rng.choice(["-1", "-2", "-3", " A", " B", "hs"])
        return f"{street} {n}"
    if cc == "PL":
        prefix = "al." if street.startswith("Krakowskie") else "ul."
        addr = f"{prefix} {street} {rng.randint(1, 140)}"
        if rng.random() < 0.55:
            addr += f"/{rng.randint(1, 60)}"
        return addr
    if cc == "SE":
        n = str(rng.randint(1, 90))
        if rng.random() < 0.15:
            n += rng.choice("ABC")
        return f"{street} {n}"
    raise ValueError(cc)


def phone_number(cc: str, city_entry=None) -> str:
    """Plausible phone numbers in mixed local/international formats."""
    r = rng.random()
    if cc in ("US", "CA"):
        mid, end = rng.randint(200, 989), rng.randint(0, 9999)
        fmt = weighted([("intl", 4), ("paren", 4), ("dash", 1), ("dot", 1)])
        if fmt == "intl":
            return f"+1 555-{mid:03d}-{end:04d}"
        if fmt == "paren":
            return f"(555) {mid:03d}-{end:04d}"
        if fmt == "dash":
            return f"555-{mid:03d}-{end:04d}"
        return f"555.{mid:03d}.{end:04d}"
    if cc == "GB":
        # Ofcom drama ranges: 020 7946 0xxx, 0161 496 0xxx, 07700 900xxx, ...
        city = city_entry[0] if city_entry else "London"
        if r < 0.35:
            n = rng.randint(0, 999)
            return f"+44 7700 900{n:03d}" if rng.random() < 0.6 else f"07700 900{n:03d}"
        n = rng.randint(0, 999)
        area = {"London": ("20", "7946 0"), "Manchester": ("161", "496 0"),
                "Edinburgh": ("131", "496 0"), "Bristol": ("117", "496 0"),
                "Leeds": ("113", "496 0"), "Glasgow": ("141", "496 0"),
                "Cardiff": ("29", "2018 0")}.get(city, ("20", "7946 0"))
        if rng.random() < 0.65:
            return f"+44 {area[0]} {area[1]}{n:03d}"
        return f"0{area[0]} {area[1]}{n:03d}"
    if cc == "IE":
        if r < 0.5:
            return f"+353 8{rng.choice('35679')} {digits(3)} {digits(4)}"
        return f"+353 1 {rng.randint(200, 999)} {digits(4)}" if rng.random() < 0.7 else f"(01) {rng.randint(200, 999)} {digits(4)}"
    if cc == "DE":
        if r < 0.4:
            return f"+49 15{rng.choice('127')}{rng.randint(0, 9)} {digits(7)}"
        area = city_entry[2] if city_entry else "30"
        local = str(rng.randint(2, 9)) + digits(8 - len(area))
        return f"+49 {area} {local}" if rng.random() < 0.6 else f"0{area} {local}"
    if cc == "FR":
        zone = rng.choice("67") if r < 0.45 else (city_entry[2] if city_entry else "1")
        pairs = " ".join(digits(2) for _ in range(4))
        return f"+33 {zone} {pairs}" if rng.random() < 0.55 else f"0{zone} {pairs}"
    if cc == "ES":
        if r < 0.5:
            return f"+34 6{digits(2)} {digits(3)} {digits(3)}"
        pre = city_entry[2] if city_entry else "91"
        rest = digits(9 - len(pre))
        if len(pre) == 2:
            return f"+34 {pre} {rest[:3]} {rest[3:5]} {rest[5:]}"
        return f"+34 {pre} {rest[:2]} {rest[2:4]} {rest[4:]}"
    if cc == "NL":
        if r < 0.5:
            return f"+31 6 {digits(8)}" if rng.random() < 0.6 else f"06-{digits(8)}"
        area = city_entry[2] if city_entry else "20"
        return f"+31 {area} {digits(3)} {digits(4)}" if rng.random() < 0.6 else f"0{area}-{digits(7)}"
    if cc == "PL":
        if r < 0.55:
            return f"+48 {rng.choice('5678')}{digits(2)} {digits(3)} {digits(3)}"
        area = city_entry[2] if city_entry else "22"
        return f"+48 {area} {digits(3)} {digits(2)} {digits(2)}"
    if cc == "SE":
        if r < 0.5:
            return f"+46 7{rng.choice('0236')} {digits(3)} {digits(2)} {digits(2)}"
        area = city_entry[2] if city_entry else "8"
        return f"+46 {area} {digits(3)} {digits(2)} {digits(2)}" if rng.random() < 0.6 else f"0{area}-{digits(3)} {digits(2)} {digits(2)}"
    raise ValueError(cc)


def person_name(cc: str):
    c = COUNTRIES[cc]
    first = rng.choice(c["first"])
    last = rng.choice(c["last"])
    if cc == "ES" and rng.random() < 0.4:
        second = rng.choice(c["last"])
        if second != last:
            last = f"{last} {second}"
    if cc == "PL" and first.endswith("a"):
        for m, f in (("cki", "cka"), ("dzki", "dzka"), ("ski", "ska")):
            if last.endswith(m):
                last = last[: -len(m)] + f
                break
    if cc in ("US", "GB", "CA") and rng.random() < 0.04:
        last = f"{last}-{rng.choice(c['last'])}"
    return first, last


CUSTOMER_EMAIL_DOMAINS = [("example.com", 30), ("example.org", 15),
                          ("mail.example.net", 20), ("inbox.example", 8),
                          ("postbox.example", 6), ("trailmail.example", 5)]
# Only reserved names (RFC 2606): example.com/.net/.org and the .example TLD.
LOCAL_EMAIL_DOMAINS = {"DE": "webpost.example", "FR": "courriel.example",
                       "ES": "correo.example", "NL": "mijnmail.example",
                       "PL": "poczta.example", "SE": "epost.example",
                       "GB": "mail.example.org", "IE": "mail.example.org",
                       "CA": "courriel.example"}


def email_local(first: str, last: str) -> str:
    f, l = ascii_slug(first), ascii_slug(last.replace(" ", ""))
    pattern = weighted([("f.l", 40), ("fl", 12), ("il", 12), ("f_l", 6),
                        ("l.f", 6), ("f.lNN", 14), ("fNNNN", 6), ("f.l+tag", 4)])
    if pattern == "f.l":
        return f"{f}.{l}"
    if pattern == "fl":
        return f"{f}{l}"
    if pattern == "il":
        return f"{f[0]}{l}"
    if pattern == "f_l":
        return f"{f}_{l}"
    if pattern == "l.f":
        return f"{l}.{f}"
    if pattern == "f.lNN":
        return f"{f}.{l}{rng.randint(1, 99)}"
    if pattern == "fNNNN":
        return f"{f}{rng.randint(1960, 2005)}"
    return f"{f}.{l}+{rng.choice(['shop', 'outdoors', 'northwind', 'gear'])}"


# ---------------------------------------------------------------------------
# Payment instruments
# ---------------------------------------------------------------------------


def card_number() -> str:
    brand = weighted([("visa", 50), ("mc", 28), ("mc2", 7), ("amex", 15)])
    if brand == "visa":
        prefix, length = "4", 16
    elif brand == "mc":
        prefix, length = str(rng.randint(51, 55)), 16
    elif brand == "mc2":
        prefix, length = str(rng.randint(2221, 2720)), 16
    else:
        prefix, length = rng.choice(["34", "37"]), 15
    body = prefix + digits(length - 1 - len(prefix))
    return body + luhn_check_digit(body)


def format_card(num: str) -> str:
    style = weighted([("plain", 60), ("space", 25), ("dash", 15)])
    if style == "plain":
        return num
    sep = " " if style == "space" else "-"
    if len(num) == 15:  # Amex 4-6-5
        return sep.join([num[:4], num[4:10], num[10:]])
    return sep.join(num[i:i + 4] for i in range(0, 16, 4))


GB_BANKS = [("NWBK", "60", "NWBKGB2L"), ("BARC", "20", "BARCGB22"),
            ("LOYD", "30", "LOYDGB2L"), ("HBUK", "40", "HBUKGB4B"),
            ("MIDL", "40", "MIDLGB22")]
DE_BANKS = [("10070000", "DEUTDEBB"), ("50070010", "DEUTDEFF"),
            ("10040000", "COBADEBB"), ("20040000", "COBADEHH"),
            ("70020270", "HYVEDEMM"), ("43060967", "GENODEM1GLS")]
FR_BANKS = [("30004", "BNPAFRPP"), ("30003", "SOGEFRPP"),
            ("30002", "CRLYFRPP"), ("30006", "AGRIFRPP"),
            ("10278", "CMCIFR2A")]
NL_BANKS = [("ABNA", "ABNANL2A"), ("INGB", "INGBNL2A"), ("RABO", "RABONL2U"),
            ("SNSB", "SNSBNL2A"), ("TRIO", "TRIONL2U"), ("ASNB", "ASNBNL21")]
ES_BANKS = [("2100", "CAIXESBB"), ("0049", "BSCHESMM"), ("0182", "BBVAESMM"),
            ("0081", "BSABESBB"), ("0128", "BKBKESMM")]

# Letter values for the French RIB key (clé RIB).
_RIB_LETTERS = {c: v for chars, v in (("AJ", 1), ("BKS", 2), ("CLT", 3), ("DMU", 4),
                                      ("ENV", 5), ("FOW", 6), ("GPX", 7), ("HQY", 8),
                                      ("IRZ", 9)) for c in chars}


def _rib_num(s: str) -> int:
    return int("".join(str(_RIB_LETTERS.get(c, c)) for c in s))


def _es_dc(ten_digits: str) -> str:
    weights = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]
    d = 11 - sum(int(a) * w for a, w in zip(ten_digits, weights)) % 11
    return str({11: 0, 10: 1}.get(d, d))


def national_bban(cc: str):
    """Return (bban, bic) with country-specific internal checks where cheap."""
    if cc == "GB":
        bank, sort_prefix, bic = rng.choice(GB_BANKS)
        return bank + sort_prefix + digits(4) + digits(8), bic
    if cc == "DE":
        blz, bic = rng.choice(DE_BANKS)
        return blz + str(rng.randint(1, 9)) + digits(9), bic
    if cc == "FR":
        bank, bic = rng.choice(FR_BANKS)
        branch = digits(5)
        account = digits(11)
        key = 97 - (89 * _rib_num(bank) + 15 * _rib_num(branch) + 3 * _rib_num(account)) % 97
        return f"{bank}{branch}{account}{key:02d}", bic
    if cc == "NL":
        bank, bic = rng.choice(NL_BANKS)
        while True:  # Dutch 'elfproef': sum(d_i * (10 - i)) % 11 == 0
            nine = str(rng.randint(1, 9)) + digits(8)
            s = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1)))
            last = (-s) % 11
            if last < 10:
                return bank + nine + str(last), bic
    if cc == "ES":
        bank, bic = rng.choice(ES_BANKS)
        branch = digits(4)
        account = digits(10)
        dc = _es_dc("00" + bank + branch) + _es_dc(account)
        return bank + branch + dc + account, bic
    raise ValueError(cc)


def new_iban(cc: str, used: set):
    while True:
        bban, bic = national_bban(cc)
        iban = make_iban(cc, bban)
        if iban not in used:
            used.add(iban)
            return iban, bic


# ---------------------------------------------------------------------------
# Products (negative control)
# ---------------------------------------------------------------------------

PRODUCT_CATALOG = [
    ("Tents", [("2P Backpacking Tent", 249, 1.6), ("4P Dome Tent", 399, 4.8),
               ("Ultralight Solo Shelter", 289, 0.9), ("Storm Tarp 3x3", 89, 0.6)]),
    ("Sleeping", [("-7°C Down Sleeping Bag", 329, 1.1), ("Synthetic Sleeping Bag", 159, 1.5),
                  ("Insulated Sleeping Pad", 139, 0.5), ("Camp Pillow", 34, 0.1)]),
    ("Backpacks", [("45L Trekking Pack", 199, 1.7), ("28L Daypack", 109, 0.8),
                   ("65L Expedition Pack", 289, 2.3), ("Hydration Vest", 129, 0.3)]),
    ("Footwear", [("Waterproof Hiking Boot", 189, 1.3), ("Trail Running Shoe", 139, 0.6),
                  ("Approach Shoe", 159, 0.8), ("Camp Sandal", 59, 0.4)]),
    ("Apparel", [("Rain Shell Jacket", 229, 0.4), ("Merino Base Layer", 89, 0.2),
                 ("Fleece Midlayer", 99, 0.4), ("Softshell Pants", 119, 0.5),
                 ("Down Puffy Jacket", 259, 0.4), ("Wool Hiking Socks", 24, 0.1)]),
    ("Climbing", [("Dynamic Rope 9.8mm 60m", 219, 3.8), ("Harness", 79, 0.4),
                  ("Locking Carabiner", 15, 0.07), ("Chalk Bag", 25, 0.1)]),
    ("Cooking", [("Canister Stove", 69, 0.1), ("Titanium Cook Pot 900ml", 59, 0.14),
                 ("Water Filter", 49, 0.1), ("Insulated Mug", 29, 0.3)]),
    ("Navigation", [("Baseplate Compass", 39, 0.05), ("Rechargeable Headlamp", 59, 0.09),
                    ("Trekking Poles (pair)", 129, 0.5)]),
]
SERIES = ["Ridgeline", "Summit", "Tundra", "Cascade", "Nomad", "Alpine",
          "Driftwood", "Trailhead", "Granite", "Fjord", "Sierra", "Timberline"]


def psych_price(x: float) -> float:
    """Round to a retail-looking price: 19.99, 24.95, 129.00 ..."""
    if x < 10:
        return round(int(x) + 0.99, 2)
    ending = weighted([(0.99, 6), (0.95, 2), (0.00, 1)])
    base = int(x)
    if ending == 0.0:
        return float(base)
    return round(base - 1 + ending if base > 1 else ending, 2)


def build_products():
    products = []
    sku_no = 10001
    seen = set()
    while len(products) < 60:
        for category, items in PRODUCT_CATALOG:
            for item, base_price, base_weight in items:
                if len(products) >= 60:
                    break
                if rng.random() < 0.25:
                    continue
                for _ in range(20):
                    name = f"{rng.choice(SERIES)} {item}"
                    if name not in seen:
                        break
                else:
                    continue
                seen.add(name)
                price = psych_price(base_price * rng.uniform(0.85, 1.2))
                weight = round(base_weight * rng.uniform(0.85, 1.15), 3)
                products.append({"sku": f"SKU-{sku_no}", "name": name,
                                 "category": category, "price": price,
                                 "weight_kg": weight})
                sku_no += rng.randint(1, 9)
    return products


# ---------------------------------------------------------------------------
# Customers
# ---------------------------------------------------------------------------

# A few hand-picked names guarantee accented and apostrophe names are present.
FEATURED_CUSTOMERS = {
    7: ("IE", "Siobhán", "O'Brien"),
    23: ("GB", "Zoë", "Ashworth"),
    41: ("ES", "José", "García Núñez"),
    58: ("PL", "Łukasz", "Wiśniewski"),
    96: ("US", "Patrick", "O'Brien"),
    131: ("NL", "Femke", "van 't Hof"),
    177: ("FR", "François", "D'Almeida"),
    212: ("SE", "Åsa", "Öberg"),
}

START = datetime(2019, 1, 1)
END = datetime(2024, 12, 31, 23, 59, 59)
REF_DAY = date(2024, 12, 31)


def build_customers():
    customers = []
    used_emails = set()
    used_ibans = set()
    for i in range(N_CUSTOMERS):
        cid = i + 1
        if cid in FEATURED_CUSTOMERS:
            cc, first, last = FEATURED_CUSTOMERS[cid]
        else:
            cc = weighted(CUSTOMER_COUNTRY_WEIGHTS)
            first, last = person_name(cc)
        city, pc, entry = pick_city(cc)
        while True:
            domain = (LOCAL_EMAIL_DOMAINS[cc] if cc in LOCAL_EMAIL_DOMAINS and rng.random() < 0.15
                      else weighted(CUSTOMER_EMAIL_DOMAINS))
            email = f"{email_local(first, last)}@{domain}"
            if email not in used_emails:
                used_emails.add(email)
                break
        phone = None if rng.random() < 0.05 else phone_number(cc, entry)
        dob = rand_date(date(1940, 1, 1), date(2005, 12, 31))
        created = rand_dt(START, datetime(2024, 10, 31))
        tier = weighted([("bronze", 62), ("silver", 28), ("gold", 10)])
        opt_in = 1 if rng.random() < 0.45 else 0
        # Stable payment instruments for this customer.
        cards = []
        for _ in range(weighted([(1, 75), (2, 22), (3, 3)])):
            cards.append((card_number(), f"{rng.randint(1, 12):02d}/{rng.randint(25, 30)}"))
        iban = None
        prefers_iban = 0.0
        if cc in IBAN_LENGTHS:
            iban, _ = new_iban(cc, used_ibans)
            prefers_iban = {"DE": 0.8, "NL": 0.75, "GB": 0.5, "FR": 0.6, "ES": 0.65}[cc]
        customers.append({
            "customer_id": cid, "first_name": first, "last_name": last,
            "email": email, "phone": phone, "street_address": street_address(cc),
            "city": city, "postal_code": pc, "country": COUNTRIES[cc]["name"],
            "date_of_birth": dob.isoformat(), "created_at": ts(created),
            "loyalty_tier": tier, "marketing_opt_in": opt_in,
            # private fields (not written to customers table)
            "_cc": cc, "_created": created, "_cards": cards, "_iban": iban,
            "_iban_pref": prefers_iban,
            "_weight": rng.choice([0.3, 1, 1, 1, 2, 3, 6]),
        })
    return customers, used_ibans


# ---------------------------------------------------------------------------
# Orders & payments
# ---------------------------------------------------------------------------


def local_price(usd: float, fx: float) -> float:
    if fx == 1.0:
        return usd
    return psych_price(usd * fx)


def build_orders(customers, products):
    weights = [c["_weight"] for c in customers]
    raw = []
    order_window_start = datetime(2022, 1, 1)
    for _ in range(N_ORDERS):
        c = rng.choices(customers, weights=weights, k=1)[0]
        start = max(c["_created"] + timedelta(hours=1), order_window_start)
        ordered = rand_dt(start, END)
        raw.append((ordered, c))
    raw.sort(key=lambda t: (t[0], t[1]["customer_id"]))

    year_seq = {2022: rng.randint(100, 400), 2023: rng.randint(100, 400),
                2024: rng.randint(100, 400)}
    orders = []
    for idx, (ordered, c) in enumerate(raw, start=1):
        cc = c["_cc"]
        p = rng.choice(products)
        qty = weighted([(1, 70), (2, 18), (3, 7), (4, 3), (6, 2)])
        unit = local_price(p["price"], COUNTRIES[cc]["fx"])
        if rng.random() < 0.12:  # seasonal discount
            unit = round(unit * 0.8, 2)
        total = round(unit * qty, 2)
        age_days = (END - ordered).days
        if age_days < 3:
            status = weighted([("pending", 4), ("paid", 4), ("shipped", 2)])
        elif age_days < 12:
            status = weighted([("paid", 1), ("shipped", 5), ("delivered", 3), ("cancelled", 1)])
        else:
            status = weighted([("delivered", 82), ("cancelled", 8), ("refunded", 6),
                               ("pending", 2), ("shipped", 2)])
        year_seq[ordered.year] += 1
        ship_city = c["city"]
        if rng.random() < 0.06:  # gift shipped elsewhere in the same country
            ship_city = pick_city(cc)[0]
        orders.append({
            "order_id": idx, "customer_id": c["customer_id"],
            "order_number": f"NW-{ordered.year}-{year_seq[ordered.year]:06d}",
            "sku": p["sku"], "quantity": qty, "unit_price": unit,
            "total": total, "status": status, "ordered_at": ts(ordered),
            "shipping_city": ship_city, "_customer": c, "_dt": ordered,
        })
    return orders


def build_payments(orders):
    payments = []

    def add(order, status, when):
        c = order["_customer"]
        card, expiry, iban = None, None, None
        if c["_iban"] and rng.random() < c["_iban_pref"]:
            iban = c["_iban"] if rng.random() < 0.75 else iban_print_format(c["_iban"])
        else:
            num, expiry = rng.choice(c["_cards"])
            card = format_card(num)
        payments.append({
            "payment_id": len(payments) + 1, "order_id": order["order_id"],
            "card_number": card, "card_expiry": expiry, "iban": iban,
            "amount": order["total"], "currency": COUNTRIES[c["_cc"]]["currency"],
            "paid_at": ts(min(when, END)), "status": status,
        })

    for o in orders:
        t = o["_dt"] + timedelta(seconds=rng.randint(5, 900))
        st = o["status"]
        if st == "pending":
            if rng.random() < 0.5:
                add(o, "pending", t)
            continue
        if st == "cancelled":
            if rng.random() < 0.45:
                add(o, "failed", t)
            continue
        if rng.random() < 0.06:  # a declined attempt before the successful one
            add(o, "failed", t)
            t += timedelta(seconds=rng.randint(30, 1800))
        add(o, "refunded" if st == "refunded" else "succeeded", t)
    return payments


# ---------------------------------------------------------------------------
# Web sessions
# ---------------------------------------------------------------------------

USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPad; CPU OS 16_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.113 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
    "NorthwindOutfitters/5.3.1 (iPhone; iOS 17.5; Scale/3.00)",
    "NorthwindOutfitters/5.2.0 (Android 14; Pixel 7)",
]

# Public-looking addresses drawn from the documentation ranges (RFC 5737 /
# RFC 3849), so none of them belongs to a real host.
IPV4_NETS = ["192.0.2", "198.51.100", "203.0.113"]


def ipv4_public() -> str:
    return f"{rng.choice(IPV4_NETS)}.{rng.randint(1, 254)}"


def ipv6_public() -> str:
    base = (0x20010DB8 << 96)
    if rng.random() < 0.5:
        value = base | (rng.getrandbits(32) << 64) | rng.getrandbits(64)
    else:  # sparse addresses that compress with '::'
        value = base | (rng.getrandbits(16) << 80) | rng.getrandbits(16)
    return str(ipaddress.IPv6Address(value))


def build_sessions(customers):
    sessions = []
    for _ in range(N_SESSIONS):
        c = None if rng.random() < 0.12 else rng.choice(customers)
        lo = max(c["_created"], datetime(2024, 1, 1)) if c else datetime(2024, 1, 1)
        started = rand_dt(lo, END)
        sessions.append({
            "session_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "customer_id": c["customer_id"] if c else None,
            "ip_address": ipv6_public() if rng.random() < 0.18 else ipv4_public(),
            "user_agent": rng.choice(USER_AGENTS),
            "started_at": ts(started),
            "pages_viewed": min(60, max(1, int(rng.expovariate(1 / 6)) + 1)),
        })
    sessions.sort(key=lambda s: (s["started_at"], s["session_id"]))
    return sessions


# ---------------------------------------------------------------------------
# SQL output
# ---------------------------------------------------------------------------

SCHEMA = {
    "customers": """CREATE TABLE customers (
    customer_id       INTEGER PRIMARY KEY,
    first_name        TEXT    NOT NULL,
    last_name         TEXT    NOT NULL,
    email             TEXT    NOT NULL UNIQUE,
    phone             TEXT,
    street_address    TEXT    NOT NULL,
    city              TEXT    NOT NULL,
    postal_code       TEXT    NOT NULL,
    country           TEXT    NOT NULL,
    date_of_birth     TEXT,
    created_at        TEXT    NOT NULL,
    loyalty_tier      TEXT    NOT NULL CHECK (loyalty_tier IN ('bronze', 'silver', 'gold')),
    marketing_opt_in  INTEGER NOT NULL DEFAULT 0 CHECK (marketing_opt_in IN (0, 1))
);""",
    "products": """CREATE TABLE products (
    sku        TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    category   TEXT NOT NULL,
    price      REAL NOT NULL,
    weight_kg  REAL NOT NULL
);""",
    "orders": """CREATE TABLE orders (
    order_id       INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers (customer_id),
    order_number   TEXT    NOT NULL UNIQUE,
    sku            TEXT    NOT NULL REFERENCES products (sku),
    quantity       INTEGER NOT NULL CHECK (quantity > 0),
    unit_price     REAL    NOT NULL,
    total          REAL    NOT NULL,
    status         TEXT    NOT NULL,
    ordered_at     TEXT    NOT NULL,
    shipping_city  TEXT    NOT NULL
);""",
    "payments": """CREATE TABLE payments (
    payment_id   INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (order_id),
    card_number  TEXT,
    card_expiry  TEXT,
    iban         TEXT,
    amount       REAL    NOT NULL,
    currency     TEXT    NOT NULL,
    paid_at      TEXT    NOT NULL,
    status       TEXT    NOT NULL
);""",
    "web_sessions": """CREATE TABLE web_sessions (
    session_id    TEXT    PRIMARY KEY,
    customer_id   INTEGER REFERENCES customers (customer_id),
    ip_address    TEXT    NOT NULL,
    user_agent    TEXT    NOT NULL,
    started_at    TEXT    NOT NULL,
    pages_viewed  INTEGER NOT NULL
);""",
}

COLUMNS = {
    "customers": ["customer_id", "first_name", "last_name", "email", "phone",
                  "street_address", "city", "postal_code", "country",
                  "date_of_birth", "created_at", "loyalty_tier", "marketing_opt_in"],
    "products": ["sku", "name", "category", "price", "weight_kg"],
    "orders": ["order_id", "customer_id", "order_number", "sku", "quantity",
               "unit_price", "total", "status", "ordered_at", "shipping_city"],
    "payments": ["payment_id", "order_id", "card_number", "card_expiry", "iban",
                 "amount", "currency", "paid_at", "status"],
    "web_sessions": ["session_id", "customer_id", "ip_address", "user_agent",
                     "started_at", "pages_viewed"],
}


def sql_literal(v) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    s = str(v)
    assert "\x00" not in s
    return "'" + s.replace("'", "''") + "'"


def write_sql(path: Path, tables):
    lines = [
        "-- Northwind Outfitters: FICTIONAL sample database for the data-governance demo.",
        "-- Generated by config/samples/generate.py (random.Random(42)); do not edit by hand.",
        "-- Every name, address, card number, IBAN and IP address below is made up.",
        "-- Load with: sqlite3 company.db < company.sql",
        "",
        "BEGIN TRANSACTION;",
        "",
    ]
    for name in reversed(list(tables)):
        lines.append(f"DROP TABLE IF EXISTS {name};")
    lines.append("")
    for name, rows in tables.items():
        lines.append(SCHEMA[name])
        lines.append("")
        cols = COLUMNS[name]
        col_list = ", ".join(cols)
        for row in rows:
            values = ", ".join(sql_literal(row[c]) for c in cols)
            lines.append(f"INSERT INTO {name} ({col_list}) VALUES ({values});")
        lines.append("")
    lines.append("COMMIT;")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def write_csv(path: Path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if r[h] is None else r[h] for h in header])


# ---------------------------------------------------------------------------
# Employees (US HQ)
# ---------------------------------------------------------------------------

DEPARTMENTS = [
    # (name, head title salary band, staff band, headcount weight)
    ("Engineering", (165000, 210000), (95000, 175000), 22),
    ("Customer Support", (105000, 130000), (42000, 62000), 18),
    ("Operations", (120000, 150000), (52000, 88000), 14),
    ("Warehouse", (95000, 120000), (38000, 56000), 16),
    ("Sales", (140000, 180000), (60000, 115000), 10),
    ("Marketing", (135000, 170000), (62000, 110000), 9),
    ("Merchandising", (125000, 160000), (58000, 98000), 7),
    ("Finance", (150000, 190000), (70000, 125000), 7),
    ("People & HR", (125000, 155000), (60000, 95000), 5),
    ("IT", (140000, 175000), (68000, 120000), 6),
]

FEATURED_EMPLOYEES = {1: ("US", "Margaret", "Okafor"), 9: ("IE", "Declan", "O'Brien"),
                      27: ("GB", "Zoë", "Fletcher"), 44: ("ES", "José", "Iglesias"),
                      63: ("PL", "Łukasz", "Zając"), 88: ("US", "Dana", "D'Amico")}

EMPLOYEE_ORIGIN_WEIGHTS = [("US", 70), ("CA", 4), ("GB", 4), ("IE", 3), ("DE", 3),
                           ("FR", 3), ("ES", 5), ("NL", 2), ("PL", 4), ("SE", 2)]


def ssn() -> str:
    while True:
        area = rng.randint(1, 899)
        if area == 666:
            continue
        group = rng.randint(1, 99)
        serial = rng.randint(1, 9999)
        s = f"{area:03d}-{group:02d}-{serial:04d}"
        if s not in ("078-05-1120", "219-09-9999", "123-45-6789"):
            return s


def build_employees():
    employees = []
    used_ssn, used_email, used_ip = set(), set(), set()
    dept_heads = {}
    dept_names = [d[0] for d in DEPARTMENTS]
    for i in range(N_EMPLOYEES):
        eid = 1001 + i
        if (i + 1) in FEATURED_EMPLOYEES:
            cc, first, last = FEATURED_EMPLOYEES[i + 1]
        else:
            cc = weighted(EMPLOYEE_ORIGIN_WEIGHTS)
            first, last = person_name(cc)
        if i == 0:
            dept, title_band, manager = "Executive", (260000, 260000), None
        elif i <= len(DEPARTMENTS):
            d = DEPARTMENTS[i - 1]
            dept, title_band, manager = d[0], d[1], 1001
            dept_heads[dept] = eid
        else:
            d = weighted([(x, x[3]) for x in DEPARTMENTS])
            dept, title_band = d[0], d[2]
            manager = dept_heads[dept]
            # some mid-size teams report to a senior peer rather than the head
            peers = [e["employee_id"] for e in employees
                     if e["department"] == dept and e["manager_id"] == dept_heads[dept]]
            if len(peers) >= 3 and rng.random() < 0.35:
                manager = rng.choice(peers[:3])
        dob = rand_date(date(1960, 1, 1), date(2002, 6, 30))
        earliest_hire = max(date(dob.year + 21, dob.month, min(dob.day, 28)), date(2011, 3, 1))
        hire = rand_date(earliest_hire, date(2024, 11, 30))
        if manager is not None and hire >= date(2024, 6, 1) and rng.random() < 0.75:
            manager = None  # new starters not yet assigned in the HRIS
        salary = rng.randint(title_band[0] // 500, title_band[1] // 500) * 500
        while True:
            em = f"{ascii_slug(first)}.{ascii_slug(last.replace(' ', ''))}@northwind.example"
            if em in used_email:
                em = f"{ascii_slug(first)}.{ascii_slug(last.replace(' ', ''))}{rng.randint(2, 9)}@northwind.example"
            if em not in used_email:
                used_email.add(em)
                break
        while True:
            s = ssn()
            if s not in used_ssn:
                used_ssn.add(s)
                break
        while True:
            ip = weighted([(f"10.20.{rng.randint(0, 15)}.{rng.randint(10, 250)}", 6),
                           (f"172.16.{rng.randint(4, 7)}.{rng.randint(10, 250)}", 2),
                           (f"192.168.{rng.randint(0, 1)}.{rng.randint(20, 240)}", 1)])
            if ip not in used_ip:
                used_ip.add(ip)
                break
        employees.append({
            "employee_id": eid, "full_name": f"{first} {last}", "work_email": em,
            "personal_phone": phone_number("US"), "ssn": s,
            "date_of_birth": dob.isoformat(), "hire_date": hire.isoformat(),
            "department": dept, "salary": salary, "laptop_ip": ip,
            "manager_id": manager,
        })
    assert set(dept_names) <= set(dept_heads)
    return employees


# ---------------------------------------------------------------------------
# Vendors
# ---------------------------------------------------------------------------

VENDOR_NAME_PARTS = {
    "GB": (["Pennine", "Thames", "Highland", "Fellside", "Brackenridge", "Moorland",
            "Kestrel", "Harrow & Finch", "Ravenglass", "Windermere"],
           ["Textiles", "Outdoor Supply", "Logistics", "Packaging", "Leatherworks",
            "Mills", "Components"],
           ["Ltd", "Ltd", "PLC", "LLP"]),
    "DE": (["Alpenglanz", "Schwarzwald", "Bergwerk", "Nordlicht", "Isartal",
            "Edelweiß", "Zugspitz", "Elbufer"],
           ["Textil", "Metallbau", "Logistik", "Verpackung", "Outdoorwaren",
            "Schuhfabrik", "Seilerei"],
           ["GmbH", "GmbH", "AG", "GmbH & Co. KG"]),
    "FR": (["du Vercors", "Mont-Blanc", "de l'Isère", "Rhône-Alpes", "des Pyrénées",
            "Lemaître", "de Savoie"],
           ["Textiles", "Ateliers", "Logistique", "Maroquinerie", "Emballages",
            "Coutellerie"],
           ["SAS", "SARL", "SA"]),
    "ES": (["del Norte", "Pirineo", "Ibéricos", "Levante", "Cantábrico",
            "de la Sierra", "Navarra"],
           ["Hilaturas", "Calzados", "Transportes", "Embalajes", "Tejidos",
            "Curtidos"],
           ["S.L.", "S.L.", "S.A."]),
    "NL": (["Van Dijk", "Noordzee", "Polder", "De Vries", "Zuiderzee", "Hollandse"],
           ["Logistiek", "Textiel", "Verpakking", "Outdoor Import", "Handelsonderneming"],
           ["B.V.", "B.V.", "N.V."]),
}
VENDOR_COUNTRY_WEIGHTS = [("GB", 10), ("DE", 10), ("FR", 7), ("ES", 7), ("NL", 6)]


def vendor_name(cc: str) -> str:
    a_list, b_list, suffixes = VENDOR_NAME_PARTS[cc]
    a, b, suffix = rng.choice(a_list), rng.choice(b_list), rng.choice(suffixes)
    if cc in ("FR", "ES"):
        return f"{b} {a} {suffix}"
    return f"{a} {b} {suffix}"


def swift_for(bic8_or_11: str) -> str:
    if len(bic8_or_11) == 11:
        return bic8_or_11
    branch = weighted([("", 5), ("XXX", 3), ("BRANCH", 2)])
    if branch == "BRANCH":
        branch = rng.choice(UPPER.replace("X", "")) + rng.choice(UPPER + "0123456789") + rng.choice(UPPER + "0123456789")
    return bic8_or_11 + branch


def build_vendors(used_ibans):
    vendors = []
    seen = set()
    vid = 501
    while len(vendors) < N_VENDORS:
        cc = weighted(VENDOR_COUNTRY_WEIGHTS)
        name = vendor_name(cc)
        if name in seen:
            continue
        seen.add(name)
        iban, bic = new_iban(cc, used_ibans)
        words = [ascii_slug(w) for w in name.split()[:-1] if ascii_slug(w)]
        words = [w for w in words if w not in ("du", "de", "del", "des", "la", "l", "gmbh", "co", "kg")]
        slug = "-".join(words[:2])
        city_entry = rng.choice(COUNTRIES[cc]["cities"])
        local = weighted([("accounts", 3), ("ap", 1), ("sales", 2), ("orders", 2),
                          ("person", 3)])
        if local == "person":
            f, l = person_name(cc)
            local = f"{ascii_slug(f)}.{ascii_slug(l.replace(' ', ''))}"
        vendors.append({
            "vendor_id": f"V-{vid}", "company_name": name,
            "contact_email": f"{local}@{slug}.example",
            "contact_phone": phone_number(cc, city_entry),
            "iban": iban if rng.random() < 0.6 else iban_print_format(iban),
            "swift_code": swift_for(bic), "country": COUNTRIES[cc]["name"],
            "payment_terms_days": rng.choice([14, 30, 30, 30, 45, 60, 60, 90]),
        })
        vid += rng.randint(1, 7)
    return vendors


# ---------------------------------------------------------------------------
# Inventory (negative control)
# ---------------------------------------------------------------------------

WAREHOUSES = ["Reno DC", "Columbus DC", "Leipzig DC", "Manchester DC", "Toronto DC"]


def build_inventory(products):
    rows = []
    for p in products:
        for wh in sorted(rng.sample(WAREHOUSES, rng.choice([3, 3, 4]))):
            on_hand = max(0, int(rng.gauss(120, 80)))
            rows.append({
                "sku": p["sku"], "warehouse": wh,
                "bin": f"{rng.choice('ABCDEFGH')}-{rng.randint(1, 24):02d}-{rng.randint(1, 6)}",
                "on_hand": on_hand, "reorder_level": rng.choice([10, 15, 20, 25, 30, 40, 50]),
                "last_counted_at": ts(rand_dt(datetime(2024, 9, 1), END)),
            })
    return rows


# ---------------------------------------------------------------------------


def main():
    FILES_DIR.mkdir(parents=True, exist_ok=True)

    products = build_products()
    customers, used_ibans = build_customers()
    orders = build_orders(customers, products)
    payments = build_payments(orders)
    sessions = build_sessions(customers)
    employees = build_employees()
    vendors = build_vendors(used_ibans)
    inventory = build_inventory(products)

    # Self-checks on the generated values.
    for p in payments:
        if p["card_number"]:
            assert luhn_valid(p["card_number"]), p
        if p["iban"]:
            assert iban_valid(p["iban"]), p
    for v in vendors:
        assert iban_valid(v["iban"]), v

    write_sql(OUT_DIR / "company.sql", {
        "customers": customers, "products": products, "orders": orders,
        "payments": payments, "web_sessions": sessions,
    })
    write_csv(FILES_DIR / "employees.csv",
              ["employee_id", "full_name", "work_email", "personal_phone", "ssn",
               "date_of_birth", "hire_date", "department", "salary", "laptop_ip",
               "manager_id"], employees)
    write_csv(FILES_DIR / "vendors.csv",
              ["vendor_id", "company_name", "contact_email", "contact_phone", "iban",
               "swift_code", "country", "payment_terms_days"], vendors)
    write_csv(FILES_DIR / "inventory.csv",
              ["sku", "warehouse", "bin", "on_hand", "reorder_level",
               "last_counted_at"], inventory)

    print(f"customers={len(customers)} products={len(products)} orders={len(orders)} "
          f"payments={len(payments)} web_sessions={len(sessions)} "
          f"employees={len(employees)} vendors={len(vendors)} inventory={len(inventory)}")


if __name__ == "__main__":
    main()
