"""Analyst outputs over the stored dataset: comparison, obligations (JSON, iCalendar), report."""
