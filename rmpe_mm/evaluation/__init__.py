"""rmpe_mm.evaluation."""
