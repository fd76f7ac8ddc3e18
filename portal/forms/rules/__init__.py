"""Eligibility, presence, date, fee and signer rules: plain functions of plain values, no request, no database."""
