"""Every read of the catalogue, a module per sub-area."""
