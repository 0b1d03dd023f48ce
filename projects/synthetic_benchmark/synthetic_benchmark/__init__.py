"""The synthetic benchmark of rmpe_mm (an MMPose-style project).

- :mod:`.generator`: the SIMULATED multi-person dataset (drawn people,
  simulated detector); numpy, OpenCV, tqdm and rmpe_mm's MPII
  format;
- :mod:`.orchestration`: which of the project's configs are trained and
  tested, for how long, from which checkpoints; subprocess steps; reports;
- :mod:`.config_variables`: the settings the configs expose;
- :mod:`.paths`: where the project's configs and tools are;
- :mod:`.testing`: a tiny dataset for tests.
"""
__version__ = '0.1.0'
