"""Pilot applications, conditions, reviews and published lists."""
