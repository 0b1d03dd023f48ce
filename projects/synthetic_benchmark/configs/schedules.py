# Epochs of each synthetic-benchmark tool: the one place they are set.
# The orchestration (synthetic_benchmark.orchestration.schedules) reads this
# file and passes the numbers to the variant configs as their
# `stage1_epochs`, `stage2_epochs` and `parallel_epochs` (the configs' own
# defaults are the ablation's). `quick_*`: the tools' --quick smoke runs
# (numbers meaningless), which also train on the first `train_people`
# people only.
#
#   stage1_epochs    the SPPE alone at LR 1e-3 (stage 1a)
#   stage2_epochs    SSTN fine-tuning at LR 1e-4 (stage 2) and the no-SSTN
#                    control's tail of the stage-1 runs
#   parallel_epochs  the parallel SPPE (stage 1b)

# tools/ablation.py (the configs' defaults)
ablation = dict(stage1_epochs=10, stage2_epochs=4, parallel_epochs=10)
quick_ablation = dict(
    stage1_epochs=2, stage2_epochs=1, parallel_epochs=2, train_people=400)
# tools/main_job.py: sized to finish in under 20 minutes on a 2-core CPU
main_job = dict(stage1_epochs=8, stage2_epochs=2, parallel_epochs=5)
quick_main_job = dict(
    stage1_epochs=1, stage2_epochs=1, parallel_epochs=1, train_people=64)
# tools/box_error_sweep.py: shorter than the ablation's so that three seeds
# fit in about an hour on 2 cores
box_error_sweep = dict(stage1_epochs=8, stage2_epochs=3, parallel_epochs=6)
quick_box_error_sweep = dict(
    stage1_epochs=1, stage2_epochs=1, parallel_epochs=1, train_people=64)
