# Person or entity authentication: flag PHI tables in a source PurSight reaches with no credentials.
package pursight.rules.hipaa.phi_unauthenticated

import rego.v1

metadata := {
	"id": "HIPAA-164.312D-PHI-NO-AUTH",
	"title": "PHI in a source without authentication",
	"framework": "hipaa",
	"control": "HIPAA §164.312(d)",
	"severity": "critical",
	"remediation": "Require authentication on the data store (no anonymous or trust access), give PurSight a dedicated read-only account and seal its credentials.",
}

violations contains v if {
	object.get(source, "credentials", null) == "none"
	holds_phi
	v := {
		"column": null,
		"message": sprintf("table `%s` holds PHI (%s), and source `%s` (%s) is accessed without credentials", [
			object.get(input.asset, "name", "?"),
			phi_summary,
			object.get(source, "id", "?"),
			object.get(source, "kind", "?"),
		]),
	}
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

source := s if {
	s := object.get(input, "source", {})
	is_object(s)
} else := {}

