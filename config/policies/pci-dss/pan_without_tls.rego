# Card numbers must not travel over an unencrypted connection: flag PAN tables in a source reached without TLS.
package pursight.rules.pci_dss.pan_without_tls

import rego.v1

metadata := {
	"id": "PCI-DSS-4.2.1-PAN-NO-TLS",
	"title": "Cardholder data in a source reached without TLS",
	"framework": "pci-dss",
	"control": "PCI-DSS 4.2.1",
	"severity": "high",
	"remediation": "Enable TLS on the database connection (server certificate plus `sslmode=verify-full` or equivalent) so PAN is protected with strong cryptography in transit, then rescan the source.",
}

violations contains v if {
	object.get(source, "tls", null) == false
	count(pan_columns) > 0
	v := {
		"column": null,
		"message": sprintf("table `%s` holds CREDIT_CARD_NUMBER in %s, and source `%s` (%s) is reached without TLS", [
			object.get(input.asset, "name", "?"),
			concat(", ", [sprintf("`%s`", [n]) | some n in pan_columns]),
			object.get(source, "id", "?"),
			object.get(source, "kind", "?"),
		]),
	}
}

pan_columns contains c.name if {
	some c in columns
	some cl in classifications(c)
	cl.type == "CREDIT_CARD_NUMBER"
	object.get(cl, "level", "") in {"medium", "high"}
}

# --- helpers: read optional fields safely ---

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
