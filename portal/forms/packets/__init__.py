"""The packet types, one module each; portal.forms finds them here."""
