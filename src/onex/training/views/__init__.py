"""Training pages; one view serves the page and its htmx fragment."""
