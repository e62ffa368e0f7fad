"""Issued certificates, number series, status changes (R15, R36)."""
