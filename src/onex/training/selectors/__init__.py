"""Every read of training, scoped to the actor (404 outside the jurisdiction)."""
