"""The agency's privacy policy, enforced: what intake collects, disclosures with their basis, the notice."""
