# Encryption at rest: in a PHI table, every health-type column needs a protection tag.
package pursight.rules.hipaa.phi_readable

import rego.v1

metadata := {
	"id": "HIPAA-164.312A2IV-READABLE-PHI",
	"title": "PHI stored readable",
	"framework": "hipaa",
	"control": "HIPAA §164.312(a)(2)(iv)",
	"severity": "high",
	"remediation": "Encrypt or tokenise the health columns (or mask them at the source), then tag each column `protection` = encrypted | tokenized | masked | hashed.",
}

protections := {"tokenized", "encrypted", "masked", "hashed"}

violations contains v if {
	holds_phi
	some c in columns
	not protected(c)
	types := column_health_types(c)
	count(types) > 0
	v := {
		"column": c.name,
		"message": sprintf("column `%s` holds PHI (%s) with no protection (encrypted, tokenized, masked or hashed)", [
			c.name,
			concat(", ", [t | some t in types]),
		]),
	}
}

column_health_types(c) := {cl.type |
	some cl in classifications(c)
	object.get(cl, "level", "") in {"medium", "high"}
	cl.type in health_type_names
}

column_tags(c) := t if {
	t := object.get(c, "tags", {})
	is_object(t)
} else := {}

protected(c) if {
	p := object.get(column_tags(c), "protection", null)
	is_string(p)
	lower(p) in protections
}

# PHI: the table holds at least one health type and at least one HIPAA identifier
# other than a bare diagnosis (a table of ICD-10 codes alone is a code list; an MRN or
# NHS number does identify the patient)
health_type_names := {"HEALTH_CONDITION", "MEDICAL_RECORD_NUMBER", "ICD10_CODE", "UK_NHS_NUMBER"}

health_types contains cl.type if {
	some c in columns
	some cl in classifications(c)
	object.get(cl, "level", "") in {"medium", "high"}
	cl.type in health_type_names
}

identifier_types contains cl.type if {
	some c in columns
	some cl in classifications(c)
	object.get(cl, "level", "") in {"medium", "high"}
	"hipaa-identifier" in frameworks(cl)
	not cl.type in {"HEALTH_CONDITION", "ICD10_CODE"} # a diagnosis alone identifies no one
}

holds_phi if {
	count(health_types) > 0
	count(identifier_types) > 0
}

phi_types := health_types | identifier_types

phi_summary := concat(", ", [t | some t in phi_types])

# --- helpers: read optional fields safely ---

columns := cs if {
	cs := object.get(input.asset, "columns", [])
	is_array(cs)
} else := []

classifications(c) := cls if {
	cls := object.get(c, "classifications", [])
	is_array(cls)
} else := []

frameworks(cl) := f if {
	f := object.get(cl, "frameworks", [])
	is_array(f)
} else := []

