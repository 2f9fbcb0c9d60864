# Confidential information must be identified and maintained: high/critical-sensitivity data needs an owner.
package pursight.rules.soc2.confidential_owner

import rego.v1

metadata := {
	"id": "SOC2-C1.1-CONFIDENTIAL-NO-OWNER",
	"title": "Confidential data without an owner",
	"framework": "soc2",
	"control": "SOC 2 C1.1",
	"severity": "medium",
	"remediation": "Assign an owner to the table, accountable for classifying, protecting and retaining the confidential information it holds.",
}

violations contains v if {
	not has_owner
	count(confidential_types) > 0
	v := {
		"column": null,
		"message": sprintf("table `%s` holds confidential data (%s) but has no owner", [
			object.get(input.asset, "name", "?"),
			concat(", ", [t | some t in confidential_types]),
		]),
	}
}

# confidential: a soc2-confidential finding of high or critical sensitivity
confidential_types contains cl.type if {
	some c in columns
	some cl in classifications(c)
	object.get(cl, "level", "") in {"medium", "high"}
	"soc2-confidential" in frameworks(cl)
	object.get(cl, "sensitivity", "") in {"high", "critical"}
}

has_owner if non_empty(object.get(input.asset, "owner", null))

non_empty(s) if {
	is_string(s)
	trim_space(s) != ""
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

