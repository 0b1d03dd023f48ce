"""The synthetic benchmark: the CPU main job and the ablation (Table 3).

Orchestration only: which ``configs/synthetic/`` configs are trained and
tested, for how long and from which checkpoints (:mod:`.plan`), running
``tools/train.py`` / ``tools/test.py`` as subprocesses with resumable,
logged steps (:mod:`.steps`), making the data and the PGPG model first
(:mod:`.prepare`), and the outputs: the Markdown table and bar plot
(:mod:`.report`) and drawings of the predicted poses (:mod:`.render`).
Command lines: ``tools/ablation.py`` and ``tools/main_job.py``.
"""
from .plan import (BenchmarkSettings, ablation_plan, data_root_options,
                   main_job_plan)
from .prepare import ensure_pgpg_model, ensure_synthetic_data
from .render import (contact_sheet, draw_poses, group_by_image,
                     render_predictions)
from .report import (COLUMNS, ablation_markdown, markdown_table,
                     plot_rows)
from .steps import StepRunner, TestRun, TrainRun

__all__ = [
    'BenchmarkSettings', 'ablation_plan', 'data_root_options',
    'main_job_plan', 'ensure_pgpg_model', 'ensure_synthetic_data',
    'contact_sheet', 'draw_poses', 'group_by_image', 'render_predictions',
    'COLUMNS', 'ablation_markdown', 'markdown_table', 'plot_rows',
    'StepRunner', 'TestRun', 'TrainRun'
]
