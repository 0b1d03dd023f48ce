"""Which heads output heatmaps, the outputs the SDTN un-warps."""
from typing import List, Tuple, Union

from torch import Tensor

from mmpose.models.heads import CPMHead, HeatmapHead

#: Head types whose outputs are heatmaps (a tensor or a list of stage
#: tensors) that the SDTN un-warps. Subclasses (e.g. ViPNASHead) included.
HEATMAP_HEAD_TYPES = (HeatmapHead, CPMHead)

#: A head's forward output: a tensor, or one tensor per stage.
HeadOutputs = Union[Tensor, List[Tensor], Tuple[Tensor, ...]]
