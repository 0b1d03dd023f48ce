"""rmpe_mm.models."""
