"""Assessment plans, site conditions, sites, fee standards (R09–R13, R30, R40, R45)."""
