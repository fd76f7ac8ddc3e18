"""Guided forms: packet types declared as data (see types.py) and the one engine that reads them."""
