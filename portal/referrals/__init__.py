"""Referrals into the centre, the partner directory and referrals out."""
