"""Students, exam plans, registrations and results (R14, R35, R44, R46)."""
