"""Verifiable-credential status lists and signing keys in use."""
