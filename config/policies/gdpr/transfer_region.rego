# Template: personal data must stay in the allowed regions (parameter `allowed_regions`); sources of unknown region are skipped.
package pursight.rules.gdpr.transfer_region

import rego.v1

metadata := {
	"id": "GDPR-ART44-TRANSFER-OUTSIDE-REGIONS",
	"title": "Personal data stored outside the allowed regions",
	"framework": "gdpr",
	"control": "GDPR Art. 44",
	"severity": "high",
	"remediation": "Move the data to an allowed region, or document the transfer safeguard (adequacy decision, SCCs or BCRs under Art. 45-47) and add the region to `allowed_regions`.",
	"parameters": {"allowed_regions": ["eu-west", "eu-central", "eu-north"]},
}

violations contains v if {
	region := object.get(source, "region", null)
	is_string(region)
	not lower(region) in allowed
	count(personal_types) > 0
	v := {
		"column": null,
		"message": sprintf("table `%s` holds personal data (%s) in source `%s` located in region `%s`, outside the allowed regions (%s)", [
			object.get(input.asset, "name", "?"),
			concat(", ", [t | some t in personal_types]),
			object.get(source, "id", "?"),
			region,
			concat(", ", sort([r | some r in allowed])),
		]),
	}
}

# input.params.allowed_regions overrides the default
allowed_regions := r if {
	r := object.get(params, "allowed_regions", null)
	is_array(r)
} else := r if {
	r := object.get(params, "allowed_regions", null)
	is_set(r)
} else := metadata.parameters.allowed_regions

allowed contains lower(r) if {
	some r in allowed_regions
	is_string(r)
}

personal_types contains cl.type if {
	some c in columns
	some cl in classifications(c)
	object.get(cl, "level", "") in {"medium", "high"}
	some fw in frameworks(cl)
	fw in {"gdpr-personal", "gdpr-special-category"}
}

# --- helpers: read optional fields safely ---

params := p if {
	p := object.get(input, "params", {})
	is_object(p)
} else := {}

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

frameworks(cl) := f if {
	f := object.get(cl, "frameworks", [])
	is_array(f)
} else := []
