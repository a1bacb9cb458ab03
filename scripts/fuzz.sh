#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzzing/, a package of its own) with AddressSanitizer and runs each
# for a while on a corpus seeded from the test fixtures and the library's own writers.
#
#   scripts/fuzz.sh [--seconds N | --runs N] [TARGET...] [-- LIBFUZZER-FLAGS...]
#
# --seconds N   run each target for N seconds (default 60); --runs N: for N inputs instead
# TARGET        the targets to run (default: all; `.build-fuzz/release/klt-fuzz --list` lists them)
# after --      extra libFuzzer flags for every target (e.g. -dict=FILE, -only_ascii=1)
#
# Everything goes under .build-fuzz/ (KLT_FUZZ_SCRATCH overrides): the build, seeds/<target> (written
# afresh each time), corpus/<target> (what the fuzzer found interesting; kept, so runs build on each
# other), logs/<target>.log and artifacts/<target>/ (the input of a crash, hang, out-of-memory or leak).
# Prints one line per target: executions, exec/s, seconds, coverage (cov: edges, ft: features) and
# corpus size, and for a finding the libFuzzer report and the path of the input that caused it; exits
# non-zero when any target found something. Reproduce a finding with
#   .build-fuzz/release/klt-fuzz TARGET .build-fuzz/artifacts/TARGET/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."

mode=(-max_total_time=60)
targets=()
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) mode=(-max_total_time="$2"); shift 2 ;;
        --runs) mode=(-runs="$2"); shift 2 ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done

scratch="${KLT_FUZZ_SCRATCH:-.build-fuzz}"
# Swift code is instrumented by swiftc (coverage for libFuzzer, ASan); the package's C and C++ code
# (CKLKernels, TOMLKit's toml++) by clang. gold fails on these objects, so Linux links with lld.
flags=(-Xswiftc -sanitize=fuzzer,address
       -Xcc -fsanitize=fuzzer-no-link,address -Xcxx -fsanitize=fuzzer-no-link,address)
if [ "$(uname)" = Linux ]; then flags+=(-Xswiftc -use-ld=lld); fi
swift build -c release --package-path Fuzzing --scratch-path "$scratch" "${flags[@]}"
fuzzer="$scratch/release/klt-fuzz"
if [ ${#targets[@]} -eq 0 ]; then
    read -r -a targets <<< "$("$fuzzer" --list | awk '{print $1}' | tr '\n' ' ')"
fi

# A Swift runtime error must reach libFuzzer's handler (which saves the input), not Swift's backtracer.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/Fuzzing/lsan-suppressions.txt:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# Readers that only read files are fuzzed through files in a folder of the process's own under TMPDIR:
# in memory (/dev/shm) where there is one, as rewriting a file thousands of times a second on ext4
# waits on the disk.
memory=/dev/shm
[ -d "$memory" ] && [ -w "$memory" ] || memory="$scratch"
TMPDIR="$(mktemp -d "$memory/klt-fuzz.XXXXXX")"
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
rm -rf "$scratch/seeds"
mkdir -p "$scratch/seeds" "$scratch/logs"
"$fuzzer" --write-seeds "$scratch/seeds" "${targets[@]}"

printf '%-12s %-8s %12s %8s %8s %6s %7s %7s\n' target result executions exec/s seconds cov ft corpus
found=0
for target in "${targets[@]}"; do
    corpus="$scratch/corpus/$target" artifacts="$scratch/artifacts/$target/" log="$scratch/logs/$target.log"
    mkdir -p "$corpus" "$artifacts"
    start=$SECONDS
    status=0
    # Hangs (10 s on one input), more than 2 GiB of memory, or a single allocation above it are findings.
    "$fuzzer" "$target" "${mode[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts" ${extra[@]+"${extra[@]}"} "$corpus" "$scratch/seeds/$target" > "$log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    coverage=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 | awk '{print $2, $4}')
    result=ok
    if [ "$status" -ne 0 ]; then result=FOUND; found=$((found + 1)); fi
    printf '%-12s %-8s %12s %8s %8s %6s %7s %7s\n' "$target" "$result" "${executions:-?}" "${speed:-?}" \
        $((SECONDS - start)) "${coverage% *}" "${coverage#* }" "$(find "$corpus" -type f | wc -l)"
    if [ "$status" -ne 0 ]; then
        echo "  libFuzzer exited with $status; its report (all of it in $log):"
        grep -E -m 12 'ERROR: |Fatal error|SUMMARY: |Test unit written to|^ *#[0-9]+ 0x' "$log" | sed 's/^/    /' || true
    fi
done

if [ "$found" -gt 0 ]; then
    echo "fuzz.sh: $found of ${#targets[@]} targets found a problem; the inputs are under $scratch/artifacts/" >&2
    exit 1
fi
