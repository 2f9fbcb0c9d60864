# Secrets (API keys, tokens, private keys) must not sit readable in data tables.
package pursight.rules.soc2.secrets_in_data

import rego.v1

metadata := {
	"id": "SOC2-CC6.1-SECRETS-IN-DATA",
	"title": "Secrets stored readable in data",
	"framework": "soc2",
	"control": "SOC 2 CC6.1",
	"severity": "high",
	"remediation": "Move the secrets to a secret manager and revoke the exposed ones; if the column must stay, store only a hash or an encrypted/tokenised value and tag the column `protection` accordingly.",
}

protections := {"encrypted", "tokenized", "hashed"}

violations contains v if {
	some c in columns
	some cl in classifications(c)
	cl.type == "API_KEY_OR_SECRET"
	object.get(cl, "level", "") in {"medium", "high"}
	not protected(c)
	v := {
		"column": c.name,
		"message": sprintf("column `%s` holds API_KEY_OR_SECRET (%s) with no protection (encrypted, tokenized or hashed)", [c.name, cl.level]),
	}
}

column_tags(c) := t if {
	t := object.get(c, "tags", {})
	is_object(t)
} else := {}

protected(c) if {
	p := object.get(column_tags(c), "protection", null)
	is_string(p)
	lower(p) in protections
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

