#!/bin/bash
# Our training step beside the peers' (the PyTorch and JAX steps of the shared peer benchmarks, and
# the paper's own code), alternating ours and theirs in one run, printing ms/step and our speed ratio
# (> 1: we are faster). A benchmark, not a test. Each side's figure is its fastest step over ROUNDS.
#
#   TORCH_PY=venv-torch/bin/python [JAX_PY=venv-jax/bin/python] [KLCODE_DIR=checkout] \
#     [PEERS_DIR=../shared/bench/peers] [ROUNDS=2] [LENGTHS="512 2048"] [PAPER_PAIRS="FAVOR+:performer:64 …"] bash bench/peers.sh
#
# Small peer model: d_model 64, 4 heads × 16, d_ff 128, 2 layers, batch 8, no dropout; softmax (theirs: explicit
# and fused SDPA) and FAVOR+ with 64 features. Paper-code model (when KLCODE_DIR is set): L 2000,
# batch 32, d_model 128, 4 × 32, 2 layers, d_ff 256, classifier 256, every kernel the paper's code has.
# Needs a release build: swift build -c release --product klt-bench.
set -u
cd "$(dirname "$0")/.."
PEERS_DIR=${PEERS_DIR:-../shared/bench/peers}
ROUNDS=${ROUNDS:-2}
LENGTHS=${LENGTHS:-"512 2048"}
# Our kernel:the official name:our --features, for the paper-code rows (every kernel the paper's code runs).
PAPER_PAIRS=${PAPER_PAIRS:-"FAVOR+:performer:64 elu+1:linear: GMM-PRF:mix-gauss-positive: GMM-RKS:mix-gauss-fourier: \
FastFood-RKS:fsgb-fastfood: Generator-RKS:generative-fourier: Generator-PRF:generative-positive: softmax:softmax:"}
BENCH=.build/release/klt-bench
[ -x "$BENCH" ] || { echo "peers.sh: build first: swift build -c release --product klt-bench" >&2; exit 2; }

# The fastest of several numbers.
fastest() { sort -g | head -n 1; }
# ms/step of one kernel's row of klt-bench training, from its tokens/s column (the s/step column keeps
# only a millisecond's digits).
stepMilliseconds() { # kernel tokens-per-step
  awk -F'|' -v k="$1" -v tokens="$2" 'index($2, " " k " ") { gsub(/ /, "", $5); printf "%.1f\n", tokens * 1000 / $5 }'
}
# ms/step of our step on the small peer model.
ours() { # length kernel [extra options…]
  local length=$1 kernel=$2; shift 2
  "$BENCH" training --preset cpu --width 64 --heads 4 --head-dim 16 --ff 128 --layers 2 --batch 8 --steps 5 --dropout 0 \
    --length "$length" --kernels "$kernel" "$@" | stepMilliseconds "$kernel" $((8 * length))
}
# ms/step (minimum) of a peer script's line.
theirs() { awk '/ms\/step/ { for (i = 1; i <= NF; i++) if ($i == "min=") v = $(i + 1); else if ($i ~ /^min=/) { sub("min=", "", $i); v = $i }; print v }'; }

row() { # label ours-ms theirs-ms
  if [ -n "$2" ] && [ -n "$3" ]; then
    printf '| %s | %.1f | %.1f | %.2f× |\n' "$1" "$2" "$3" "$(echo "$3 / $2" | bc -l)"
  else
    printf '| %s | %s | %s | – |\n' "$1" "${2:-–}" "${3:-–}"
  fi
}

# The machine, and how much of its CPU time the host took (steal) while the rows ran: machines of one
# kind have differed in CPU (AMD EPYC, Intel Xeon) and in load, and the ratios with them.
cpuTimes() { awk '/^cpu / { total = 0; for (i = 2; i <= NF; i++) total += $i; print total, $9 }' /proc/stat 2>/dev/null; }
machine=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
echo "Machine: ${machine:-unknown CPU}, $(getconf _NPROCESSORS_ONLN) cores; ROUNDS=$ROUNDS"
read -r startTotal startSteal <<< "$(cpuTimes)"
echo
echo "| configuration | KLTransformer ms/step | peer ms/step | our speed ÷ theirs |"
echo "|---|---|---|---|"
for length in $LENGTHS; do
  for pair in "softmax:softmax:" "softmax:softmax:--sdpa" "FAVOR+:performer:"; do
    IFS=: read -r kernel attn flag <<< "$pair"
    extra=(); [ "$kernel" = "FAVOR+" ] && extra=(--features 64)
    ourTimes=(); peerTimes=()
    for _ in $(seq "$ROUNDS"); do
      ourTimes+=("$(ours "$length" "$kernel" "${extra[@]}")")
      if [ -n "${TORCH_PY:-}" ]; then
        peerTimes+=("$("$TORCH_PY" "$PEERS_DIR/torch_bench.py" --threads 2 --steps 5 --attn "$attn" --seqs "$length" $flag 2>/dev/null | theirs)")
      fi
    done
    label="L $length, $kernel vs PyTorch $attn${flag:+ (SDPA)}"
    row "$label" "$(printf '%s\n' "${ourTimes[@]}" | fastest)" "$( [ ${#peerTimes[@]} -gt 0 ] && printf '%s\n' "${peerTimes[@]}" | fastest)"
    if [ -n "${JAX_PY:-}" ] && [ -z "$flag" ]; then
      jaxTime=$("$JAX_PY" "$PEERS_DIR/jax_bench.py" --steps 5 --attn "$attn" --seqs "$length" 2>/dev/null | theirs)
      row "L $length, $kernel vs JAX $attn" "$(printf '%s\n' "${ourTimes[@]}" | fastest)" "$jaxTime"
    fi
  done
done

if [ -n "${KLCODE_DIR:-}" ] && [ -n "${TORCH_PY:-}" ]; then
  for pair in $PAPER_PAIRS; do
    IFS=: read -r kernel official features <<< "$pair"
    extra=(); [ -n "$features" ] && extra=(--features "$features")
    ourTime=$("$BENCH" training --preset cpu --width 128 --heads 4 --head-dim 32 --ff 256 --layers 2 --classifier 256 \
      --batch 32 --length 2000 --kernels "$kernel" "${extra[@]}" | stepMilliseconds "$kernel" $((32 * 2000)))
    paperTime=$(KLCODE_DIR="$KLCODE_DIR" "$TORCH_PY" "$PEERS_DIR/paper_code_bench.py" --kernels "$official" 2>/dev/null |
      awk '/^paper kernel/ { for (i = 1; i <= NF; i++) if ($i ~ /^s\/step=/) { sub("s/step=", "", $i); print $i * 1000 } }')
    row "L 2000 paper config, $kernel vs the paper's $official" "$ourTime" "$paperTime"
  done
fi

read -r endTotal endSteal <<< "$(cpuTimes)"
if [ -n "${startTotal:-}" ] && [ -n "${endTotal:-}" ] && [ "$endTotal" -gt "$startTotal" ]; then
  echo
  printf 'Steal (CPU time the host gave to others) during the run: %.1f%%\n' \
    "$(echo "100 * ($endSteal - $startSteal) / ($endTotal - $startTotal)" | bc -l)"
fi
