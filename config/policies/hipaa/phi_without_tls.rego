# PHI must be protected in transit: flag PHI tables in a source reached without TLS.
package pursight.rules.hipaa.phi_without_tls

import rego.v1

metadata := {
	"id": "HIPAA-164.312E1-PHI-NO-TLS",
	"title": "PHI in a source reached without TLS",
	"framework": "hipaa",
	"control": "HIPAA §164.312(e)(1)",
	"severity": "critical",
	"remediation": "Enable TLS on the database connection (server certificate plus `sslmode=verify-full` or equivalent) so ePHI is encrypted in transit, then rescan the source.",
}

violations contains v if {
	object.get(source, "tls", null) == false
	holds_phi
	v := {
		"column": null,
		"message": sprintf("table `%s` holds PHI (%s), and source `%s` (%s) is reached without TLS", [
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

