# Processing special-category data needs a documented Art. 9(2) condition: a `lawful_basis` tag on the table.
package pursight.rules.gdpr.special_category_lawful_basis

import rego.v1

metadata := {
	"id": "GDPR-ART9.2-SPECIAL-NO-LAWFUL-BASIS",
	"title": "Special-category data without a lawful basis",
	"framework": "gdpr",
	"control": "GDPR Art. 9(2)",
	"severity": "high",
	"remediation": "Document the Art. 9(2) condition that allows this processing (e.g. explicit consent, employment law, health care) and tag the table `lawful_basis` with it; delete the data if there is none.",
}

violations contains v if {
	not has_lawful_basis
	count(special_types) > 0
	v := {
		"column": null,
		"message": sprintf("table `%s` holds special-category data (%s) but has no `lawful_basis` tag", [
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

has_lawful_basis if non_empty(object.get(asset_tags, "lawful_basis", null))

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

frameworks(cl) := f if {
	f := object.get(cl, "frameworks", [])
	is_array(f)
} else := []
