"""Pre-aggregated report rows (issue 7)."""
