"""Steps, fields, checklist items, signers and rules shared by several packet types."""
