# Logical access to confidential data must be authenticated: flag it in a source reached with no credentials.
package pursight.rules.soc2.confidential_unauthenticated

import rego.v1

metadata := {
	"id": "SOC2-CC6.1-CONFIDENTIAL-NO-AUTH",
	"title": "Confidential data in a source without authentication",
	"framework": "soc2",
	"control": "SOC 2 CC6.1",
	"severity": "high",
	"remediation": "Require authentication on the data store (no anonymous or trust access), give PurSight a dedicated read-only account and seal its credentials.",
}

violations contains v if {
	object.get(source, "credentials", null) == "none"
	count(confidential_types) > 0
	v := {
		"column": null,
		"message": sprintf("table `%s` holds confidential data (%s), and source `%s` (%s) is accessed without credentials", [
			object.get(input.asset, "name", "?"),
			concat(", ", [t | some t in confidential_types]),
			object.get(source, "id", "?"),
			object.get(source, "kind", "?"),
		]),
	}
}

# confidential: any soc2-confidential finding
confidential_types contains cl.type if {
	some c in columns
	some cl in classifications(c)
	object.get(cl, "level", "") in {"medium", "high"}
	"soc2-confidential" in frameworks(cl)
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

frameworks(cl) := f if {
	f := object.get(cl, "frameworks", [])
	is_array(f)
} else := []

source := s if {
	s := object.get(input, "source", {})
	is_object(s)
} else := {}

