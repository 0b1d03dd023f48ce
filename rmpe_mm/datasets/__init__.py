"""rmpe_mm.datasets."""
