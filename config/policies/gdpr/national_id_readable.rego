# National identifiers must be pseudonymised or encrypted at rest: each such column needs a protection tag.
package pursight.rules.gdpr.national_id_readable

import rego.v1

metadata := {
	"id": "GDPR-ART32-READABLE-NATIONAL-ID",
	"title": "National identifiers stored readable",
	"framework": "gdpr",
	"control": "GDPR Art. 32",
	"severity": "high",
	"remediation": "Pseudonymise or encrypt national identifier columns (tokenise, encrypt, hash with a secret key, mask or truncate), then tag the column `protection` accordingly.",
}

national_id_types := {
	"UK_NATIONAL_INSURANCE_NUMBER",
	"FRANCE_NIR",
	"GERMANY_TAX_ID",
	"SPAIN_DNI",
	"NETHERLANDS_BSN",
	"PASSPORT_NUMBER",
	"US_SOCIAL_SECURITY_NUMBER",
}

protections := {"tokenized", "encrypted", "hashed", "masked", "truncated"}

violations contains v if {
	some c in columns
	not protected(c)
	types := id_types(c)
	count(types) > 0
	v := {
		"column": c.name,
		"message": sprintf("column `%s` holds a national identifier (%s) with no protection (tokenized, encrypted, hashed, masked or truncated)", [
			c.name,
			concat(", ", [t | some t in types]),
		]),
	}
}

id_types(c) := {cl.type |
	some cl in classifications(c)
	object.get(cl, "level", "") in {"medium", "high"}
	cl.type in national_id_types
}

# --- helpers: read optional fields safely ---

columns := cs if {
	cs := object.get(input.asset, "columns", [])
	is_array(cs)
} else := []

classifications(c) := cls if {
	cls := object.get(c, "classifications", [])
	is_array(cls)
} else := []

column_tags(c) := t if {
	t := object.get(c, "tags", {})
	is_object(t)
} else := {}

protected(c) if {
	p := object.get(column_tags(c), "protection", null)
	is_string(p)
	lower(p) in protections
}
