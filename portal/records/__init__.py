"""Records management for an agency's privacy officer: retention and disposal, access-request archives, key
rotation, backup and restore. Each works on the database and the file store together, so it sits beside
`portal.documents` (same layer) and is driven from the command line (records/cli.py), the maintenance tick
and the access-request screens."""
