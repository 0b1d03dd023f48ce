"""Each tool's epochs, read from the project's ``configs/schedules.py``."""
from typing import Dict

from ..paths import config_path

#: The tools with a schedule.
TOOLS = ('ablation', 'main_job', 'box_error_sweep')


def tool_schedule(tool: str, quick: bool = False) -> Dict[str, int]:
    """``stage1_epochs``, ``stage2_epochs``, ``parallel_epochs`` (and, for
    ``quick``, ``train_people``) of ``tool``.

    Raises:
        ValueError: An unknown tool.
    """
    from mmengine.config import Config
    if tool not in TOOLS:
        raise ValueError(f'unknown tool {tool!r}; known: {TOOLS}')
    cfg = Config.fromfile(config_path('schedules'))
    return dict(cfg[f'quick_{tool}' if quick else tool])
