"""Reporting: the manager's dashboard figures and the CSV exports."""
