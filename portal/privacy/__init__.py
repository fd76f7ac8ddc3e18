"""Privacy operations."""
