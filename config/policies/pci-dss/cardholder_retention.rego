# Stored card numbers need a defined retention period: a `retention` tag on the PAN column or on its table.
package pursight.rules.pci_dss.cardholder_retention

import rego.v1

metadata := {
	"id": "PCI-DSS-3.2.1-CHD-NO-RETENTION",
	"title": "Cardholder data without a retention period",
	"framework": "pci-dss",
	"control": "PCI-DSS 3.2.1",
	"severity": "high",
	"remediation": "Define how long account data is kept and why, then tag the column or table `retention` with an ISO 8601 duration (e.g. `P1Y`) and purge data past that period.",
}

violations contains v if {
	some c in columns
	some cl in classifications(c)
	cl.type == "CREDIT_CARD_NUMBER"
	object.get(cl, "level", "") in {"medium", "high"}
	not has_retention(c)
	v := {
		"column": c.name,
		"message": sprintf("column `%s` holds CREDIT_CARD_NUMBER (%s) but neither it nor table `%s` has a `retention` tag", [c.name, cl.level, object.get(input.asset, "name", "?")]),
	}
}

has_retention(c) if non_empty(object.get(column_tags(c), "retention", null))

has_retention(_) if non_empty(object.get(asset_tags, "retention", null))

# --- helpers: read optional fields safely ---

non_empty(s) if {
	is_string(s)
	trim_space(s) != ""
}

asset_tags := t if {
	t := object.get(input.asset, "tags", {})
	is_object(t)
} else := {}

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
