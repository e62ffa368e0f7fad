"""Every write of training, a module per sub-area."""
