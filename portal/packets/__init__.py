"""Packets: answers and their saving, the lifecycle, review, signatures."""
