"""Every write of the catalogue, a module per sub-area."""
