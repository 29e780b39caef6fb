"""Analyst outputs over the stored dataset: comparison, obligations (queries, JSON, iCalendar), report."""
