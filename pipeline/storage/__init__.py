"""Storage: the DuckDB dataset (``store``), its rows (``rows``) and pandas frames (``frames``)."""
