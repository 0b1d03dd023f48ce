"""The synthetic benchmark: the CPU main job, the ablation (Table 3) and the
box-error sweep.

Orchestration only: which of the project's configs are trained and tested,
for how long and from which checkpoints (:mod:`.plan`, epochs from
``configs/schedules.py`` via :mod:`.schedules`), running rmpe_mm's training
and test entry points as subprocesses with resumable, logged steps
(:mod:`.steps`), making the data and the PGPG model first (:mod:`.prepare`),
and the outputs: the Markdown table and bar plot (:mod:`.report`) and
drawings of the predicted poses (:mod:`.render`). Command lines: the
project's ``tools/main_job.py``, ``tools/ablation.py`` and
``tools/box_error_sweep.py``.
"""
from .plan import (BenchmarkSettings, ablation_plan, common_variables,
                   main_job_plan, test_variables)
from .prepare import ensure_pgpg_model, ensure_synthetic_data
from .render import (contact_sheet, draw_poses, group_by_image,
                     render_predictions)
from .report import COLUMNS, ablation_markdown, markdown_table, plot_rows
from .schedules import tool_schedule
from .steps import StepRunner, TestRun, TrainRun

__all__ = [
    'BenchmarkSettings', 'ablation_plan', 'common_variables', 'main_job_plan',
    'test_variables', 'ensure_pgpg_model', 'ensure_synthetic_data',
    'contact_sheet', 'draw_poses', 'group_by_image', 'render_predictions',
    'COLUMNS', 'ablation_markdown', 'markdown_table', 'plot_rows',
    'tool_schedule', 'StepRunner', 'TestRun', 'TrainRun'
]
