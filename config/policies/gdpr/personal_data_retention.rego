# Storage limitation: every personal-data column needs a `retention` tag on the column or on its table.
package pursight.rules.gdpr.personal_data_retention

import rego.v1

metadata := {
	"id": "GDPR-ART5.1E-PERSONAL-NO-RETENTION",
	"title": "Personal data without a retention period",
	"framework": "gdpr",
	"control": "GDPR Art. 5(1)(e)",
	"severity": "medium",
	"remediation": "Decide how long the personal data is needed for its purpose and tag the column or table `retention` with an ISO 8601 duration (e.g. `P3Y`); erase or anonymise it afterwards.",
}

violations contains v if {
	not has_asset_retention
	some c in columns
	not has_column_retention(c)
	types := personal_types(c)
	count(types) > 0
	v := {
		"column": c.name,
		"message": sprintf("column `%s` holds personal data (%s) but neither it nor table `%s` has a `retention` tag", [
			c.name,
			concat(", ", [t | some t in types]),
			object.get(input.asset, "name", "?"),
		]),
	}
}

personal_types(c) := {cl.type |
	some cl in classifications(c)
	object.get(cl, "level", "") in {"medium", "high"}
	some fw in frameworks(cl)
	fw in {"gdpr-personal", "gdpr-special-category"}
}

has_asset_retention if non_empty(object.get(asset_tags, "retention", null))

has_column_retention(c) if non_empty(object.get(column_tags(c), "retention", null))

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

column_tags(c) := t if {
	t := object.get(c, "tags", {})
	is_object(t)
} else := {}
