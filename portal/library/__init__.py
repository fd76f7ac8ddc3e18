"""The agency's resource library: plain-language guides for youth and families, practice notes for staff."""
