"""rmpe_mm.apis."""
