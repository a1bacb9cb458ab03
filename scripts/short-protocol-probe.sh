#!/bin/bash
# One-seed probe of the short-sequence protocol: masked pre-training on Shakespeare, then sentences
# and TREC fine-tuned from it against the same classifier from scratch. Resumable: run it again
# after an interruption. Usage: scripts/short-protocol-probe.sh KERNEL [OUTPUT_DIR]
# (KLT=path/to/klt to use another binary; default .build/release/klt).
set -euo pipefail
kernel=${1:?usage: $0 KERNEL [OUTPUT_DIR]}
out=${2:-experiments/short}
klt=${KLT:-.build/release/klt}
nice "$klt" pretrain --kernel "$kernel" --steps 2000 --eval-every 500 --eval-batches 8 --threads 1 \
    --output-dir "$out/pretrain-$kernel" --resume --quiet
for task in sentences trec; do
  nice "$klt" train --task "$task" --kernel "$kernel" --steps 600 --threads 1 \
      --init-from "$out/pretrain-$kernel/best.safetensors" --output-dir "$out/$task-$kernel-pretrained" --resume --quiet
  nice "$klt" train --task "$task" --kernel "$kernel" --steps 600 --threads 1 \
      --output-dir "$out/$task-$kernel-scratch" --resume --quiet
done
