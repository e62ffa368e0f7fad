"""Catalogue pages, a module per sub-area. Views parse, call a selector or a service, and render;
one view serves the full page and its htmx fragment."""
