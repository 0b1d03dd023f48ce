# Synthetic benchmark, the full RMPE (the main job's model and the ablation's
# "full" row): PGPG-trained SPPE (stage 1), fine-tuned with the symmetric
# STN and the frozen parallel SPPE (stage 2), tested on the val split's
# SIMULATED detections with parametric pose NMS (paper MPII preset).
# Training is that of rmpe_lhg2_synthetic_sstn_parallel.py; only the test
# differs. The whole recipe (data, PGPG fit, stages 1a/1b/2, test, rendered
# predictions): python projects/synthetic_benchmark/tools/main_job.py
_base_ = ['./rmpe_lhg2_synthetic_sstn_parallel.py']

# a preset name is a ParametricPoseNMS config (MpiiMultiPersonMAP.pose_nms)
test_evaluator = dict(pose_nms='paper_mpii')
