# Card numbers (PAN) must be unreadable wherever they are stored: each PAN column needs a protection tag.
package pursight.rules.pci_dss.readable_pan

import rego.v1

metadata := {
	"id": "PCI-DSS-3.5.1-READABLE-PAN",
	"title": "Cardholder data stored readable",
	"framework": "pci-dss",
	"control": "PCI-DSS 3.5.1",
	"severity": "critical",
	"remediation": "Render PAN unreadable anywhere it is stored: tokenise, truncate or encrypt the column (or mask it at the source), then tag the column `protection` = tokenized | encrypted | masked | truncated.",
}

protections := {"tokenized", "encrypted", "masked", "truncated"}

violations contains v if {
	some c in columns
	some cl in classifications(c)
	cl.type == "CREDIT_CARD_NUMBER"
	object.get(cl, "level", "") in {"medium", "high"}
	not protected(c)
	v := {
		"column": c.name,
		"message": sprintf("column `%s` holds CREDIT_CARD_NUMBER (%s) with no protection (tokenized, encrypted, masked or truncated)", [c.name, cl.level]),
	}
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

column_tags(c) := t if {
	t := object.get(c, "tags", {})
	is_object(t)
} else := {}

protected(c) if {
	p := object.get(column_tags(c), "protection", null)
	is_string(p)
	lower(p) in protections
}
