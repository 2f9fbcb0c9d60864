# Template: sealed source credentials must be rotated within `rotation_days` (default 90).
package pursight.rules.soc2.credential_rotation

import rego.v1

metadata := {
	"id": "SOC2-CC6.1-CREDENTIAL-ROTATION",
	"title": "Source credentials not rotated",
	"framework": "soc2",
	"control": "SOC 2 CC6.1",
	"severity": "medium",
	"remediation": "Rotate the database credentials PurSight uses for this source and reseal them, or switch to a secret-manager reference that rotates them automatically.",
	"parameters": {"rotation_days": 90},
}

violations contains v if {
	object.get(source, "credentials", null) == "sealed"
	age := object.get(source, "credentials_age_days", null)
	is_number(age)
	age > rotation_days
	v := {
		"column": null,
		"message": sprintf("sealed credentials of source `%s` (%s) are %v days old, past the %v-day rotation period", [
			object.get(source, "id", "?"),
			object.get(source, "kind", "?"),
			age,
			rotation_days,
		]),
	}
}

# input.params.rotation_days overrides the default
rotation_days := d if {
	d := object.get(params, "rotation_days", null)
	is_number(d)
} else := metadata.parameters.rotation_days

params := p if {
	p := object.get(input, "params", {})
	is_object(p)
} else := {}

source := s if {
	s := object.get(input, "source", {})
	is_object(s)
} else := {}

