# Someone must be accountable for stored account data: a table holding card numbers needs an owner.
package pursight.rules.pci_dss.cardholder_owner

import rego.v1

metadata := {
	"id": "PCI-DSS-3.1.2-CHD-NO-OWNER",
	"title": "Cardholder data without an owner",
	"framework": "pci-dss",
	"control": "PCI-DSS 3.1.2",
	"severity": "medium",
	"remediation": "Assign an owner (data steward) to the table, accountable for protecting the stored account data it holds.",
}

violations contains v if {
	not has_owner
	count(pan_columns) > 0
	v := {
		"column": null,
		"message": sprintf("table `%s` holds CREDIT_CARD_NUMBER in %s but has no owner", [
			object.get(input.asset, "name", "?"),
			concat(", ", [sprintf("`%s`", [n]) | some n in pan_columns]),
		]),
	}
}

pan_columns contains c.name if {
	some c in columns
	some cl in classifications(c)
	cl.type == "CREDIT_CARD_NUMBER"
	object.get(cl, "level", "") in {"medium", "high"}
}

has_owner if non_empty(object.get(input.asset, "owner", null))

# --- helpers: read optional fields safely ---

non_empty(s) if {
	is_string(s)
	trim_space(s) != ""
}

columns := cs if {
	cs := object.get(input.asset, "columns", [])
	is_array(cs)
} else := []

classifications(c) := cls if {
	cls := object.get(c, "classifications", [])
	is_array(cls)
} else := []
