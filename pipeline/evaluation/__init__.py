"""Measuring kit: metrics, synthetic documents and the evaluators of restoration and extraction."""
