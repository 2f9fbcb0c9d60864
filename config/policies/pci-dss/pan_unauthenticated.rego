# Access to card numbers must be authenticated: flag PAN tables in a source PurSight reaches with no credentials.
package pursight.rules.pci_dss.pan_unauthenticated

import rego.v1

metadata := {
	"id": "PCI-DSS-8.3.1-CHD-NO-AUTH",
	"title": "Cardholder data in a source without authentication",
	"framework": "pci-dss",
	"control": "PCI-DSS 8.3.1",
	"severity": "critical",
	"remediation": "Require authentication on the data store (no anonymous or trust access), give PurSight a dedicated read-only account and seal its credentials.",
}

violations contains v if {
	object.get(source, "credentials", null) == "none"
	count(pan_columns) > 0
	v := {
		"column": null,
		"message": sprintf("table `%s` holds CREDIT_CARD_NUMBER in %s, and source `%s` (%s) is accessed without credentials", [
			object.get(input.asset, "name", "?"),
			concat(", ", [sprintf("`%s`", [n]) | some n in pan_columns]),
			object.get(source, "id", "?"),
			object.get(source, "kind", "?"),
		]),
	}
}

pan_columns contains c.name if {
	some c in columns
	some cl in classifications(c)
	cl.type == "CREDIT_CARD_NUMBER"
	object.get(cl, "level", "") in {"medium", "high"}
}

# --- helpers: read optional fields safely ---

source := s if {
	s := object.get(input, "source", {})
	is_object(s)
} else := {}

columns := cs if {
	cs := object.get(input.asset, "columns", [])
	is_array(cs)
} else := []

classifications(c) := cls if {
	cls := object.get(c, "classifications", [])
	is_array(cls)
} else := []
