"""Casework: client files, triage, deadlines, and who holds which file."""
