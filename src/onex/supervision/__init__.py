"""Supervision: monitoring points (R20), spot checks and rectifications (R41), disqualification
and reinstatement of schools and orgs (R22, R23, R47), end-of-pilot evaluation (R42)."""
