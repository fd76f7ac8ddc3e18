"""Eligibility, fee and signer rules for the status packets (work permit, PR, status documents).

Plain functions of plain values: no request, no database, so each one is tested with a table of cases.
"""
# Load the packet registry first: the rules use its vocabulary (Finding, FeeLine) and its packets use the rules.
import portal.forms  # noqa: E402,F401
