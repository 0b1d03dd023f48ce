"""tools/fit_box_convention.py on the shipped COCO sample."""
import os.path as osp


def test_prints_the_fit_of_the_coco_sample(load_tool, data_dir, capsys):
    tool = load_tool('fit_box_convention')
    assert tool.main([osp.join(data_dir, 'coco', 'test_coco.json')]) == 0
    out = capsys.readouterr().out
    # the numbers docs/sstn.md quotes
    assert ('extent_scale=(1.257, 1.2098), center_offset=(0.0107, -0.0248)'
            '  (12 people)') in out
