# Special-category personal data (health, ethnicity, religion...) needs an accountable owner.
package pursight.rules.gdpr.special_category_owner

import rego.v1

metadata := {
	"id": "GDPR-ART9-SPECIAL-NO-OWNER",
	"title": "Special-category data without an owner",
	"framework": "gdpr",
	"control": "GDPR Art. 9",
	"severity": "high",
	"remediation": "Assign an owner (data steward) to the table who is accountable for the special-category processing and its Art. 9(2) condition.",
}

violations contains v if {
	not has_owner
	count(special_types) > 0
	v := {
		"column": null,
		"message": sprintf("table `%s` holds special-category data (%s) but has no owner", [
			object.get(input.asset, "name", "?"),
			concat(", ", [t | some t in special_types]),
		]),
	}
}

special_types contains cl.type if {
	some c in columns
	some cl in classifications(c)
	object.get(cl, "level", "") in {"medium", "high"}
	"gdpr-special-category" in frameworks(cl)
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

frameworks(cl) := f if {
	f := object.get(cl, "frameworks", [])
	is_array(f)
} else := []
