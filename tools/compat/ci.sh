#!/usr/bin/env bash
# CI driver for keyshard-compat: starts a reference redis-server and keyshard on free ports,
# diffs every corpus file and
# runs a bounded random differential run. Exits non-zero on any divergence.
#
#   tools/compat/ci.sh KEYSHARD_BIN COMPAT_BIN CASES_DIR [--ops N] [--seed S] [--junit DIR] [--remotes N]
#       [--expected-failures FILE]
#   tools/compat/ci.sh --reference-as-target COMPAT_BIN CASES_DIR [...]
#       (a second redis-server stands in for keyshard: tests this script before keyshard exists)
#   --remotes N: keyshard runs 4 engines and N redis-servers as remote shards (issue 16), the
#       remotes owning the upper half of the slots in equal runs; with --expected-failures FILE
#       (lines "file.cases: case name", # comments) the corpus passes when exactly those cases fail.
set -euo pipefail

usage() {
  sed -n '5,11p' "$0" | sed 's/^#   //' >&2
  exit 2
}

reference_as_target=0
if [[ "${1:-}" == "--reference-as-target" ]]; then
  reference_as_target=1
  shift
  [[ $# -ge 2 ]] || usage
  keyshard_bin=""
  compat_bin=$1
  cases_dir=$2
  shift 2
else
  [[ $# -ge 3 ]] || usage
  keyshard_bin=$1
  compat_bin=$2
  cases_dir=$3
  shift 3
fi
ops=20000
seed=1
junit_dir=""
remotes=0
expected_file=""
random_families=all
while [[ $# -gt 0 ]]; do
  case "$1" in
    --remotes) remotes=$2; shift 2 ;;
    --expected-failures) expected_file=$2; shift 2 ;;
    --ops) ops=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --junit) junit_dir=$2; shift 2 ;;
    *) echo "ci.sh: unknown option $1" >&2; usage ;;
  esac
done

command -v redis-server >/dev/null || { echo "ci.sh: redis-server not found (apt-get install redis-server)" >&2; exit 2; }
[[ -x "$compat_bin" ]] || { echo "ci.sh: $compat_bin is not executable" >&2; exit 2; }
[[ -d "$cases_dir" ]] || { echo "ci.sh: $cases_dir is not a directory" >&2; exit 2; }
if [[ $reference_as_target -eq 0 ]]; then
  [[ -x "$keyshard_bin" ]] || { echo "ci.sh: $keyshard_bin is not executable" >&2; exit 2; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/keyshard-compat-ci.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Polls until HOST:PORT answers PING, for at most 10 seconds.
wait_ready() {
  local port=$1 pid=$2 name=$3
  for _ in $(seq 1 200); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "ci.sh: $name exited during start-up; its log:" >&2
      cat "$work/$name.log" >&2 || true
      exit 1
    fi
    if [[ "$(redis-cli -p "$port" PING 2>/dev/null)" == "PONG" ]]; then
      return 0
    fi
    sleep 0.05
  done
  echo "ci.sh: $name did not answer PING on port $port within 10 s" >&2
  exit 1
}

# The start functions run in this shell, not in $(...): a subshell would lose the pids that
# the EXIT trap kills. They leave the port in $started_port.
start_redis() {
  local name=$1 port
  port=$(free_port)
  mkdir -p "$work/$name"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --dir "$work/$name" >"$work/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  wait_ready "$port" "$pid" "$name"
  started_port=$port
}

start_keyshard() {
  # Line-buffered, so the start-up line reaches the log file even if keyshard never flushes.
  local buffering=()
  command -v stdbuf >/dev/null && buffering=(stdbuf -oL -eL)
  local layout=(--shards 8)
  if [[ $remotes -gt 0 ]]; then
    # Remote shards (issue 16): N redis-servers own the upper half of the slots, in equal runs.
    : >"$work/keyshard.toml"
    local extra_flush=() i from to
    for ((i = 0; i < remotes; i++)); do
      start_redis "remote$i"
      from=$((8192 + i * 8192 / remotes))
      to=$((8192 + (i + 1) * 8192 / remotes - 1))
      printf '[remote.r%d]\naddress = "127.0.0.1:%d"\nslots = "%d-%d"\n' "$i" "$started_port" "$from" "$to" \
        >>"$work/keyshard.toml"
      extra_flush+=("127.0.0.1:$started_port")
    done
    layout=(--shards 4 --config "$work/keyshard.toml")
    KS_COMPAT_EXTRA_FLUSH=$(IFS=,; echo "${extra_flush[*]}")
    export KS_COMPAT_EXTRA_FLUSH
    # The random generator's multi-key commands draw keys from every slot: the families whose
    # multi-key commands are all split (not refused with CROSSSLOT) across remotes (strings has LCS).
    random_families=hashes,server
  fi
  "${buffering[@]}" "$keyshard_bin" --port 0 "${layout[@]}" --save '' --dir "$work" >"$work/keyshard.log" 2>&1 &
  local pid=$! port=""
  pids+=("$pid")
  # keyshard logs "... port N ..." once it listens.
  for _ in $(seq 1 200); do
    port=$(grep -oE 'port [0-9]+' "$work/keyshard.log" 2>/dev/null | tail -n1 | awk '{print $2}' || true)
    [[ -n "$port" && "$port" != "0" ]] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "ci.sh: keyshard exited during start-up; its log:" >&2
      cat "$work/keyshard.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  [[ -n "$port" ]] || { echo "ci.sh: keyshard printed no 'port N' line within 10 s" >&2; cat "$work/keyshard.log" >&2; exit 1; }
  wait_ready "$port" "$pid" keyshard
  started_port=$port
}

started_port=""
start_redis reference
reference_port=$started_port
if [[ $reference_as_target -eq 1 ]]; then
  start_redis target
else
  start_keyshard
fi
target_port=$started_port
echo "ci.sh: target 127.0.0.1:$target_port, reference redis-server 127.0.0.1:$reference_port"

cases=("$cases_dir"/*.cases)
[[ ${#cases[@]} -gt 0 ]] || { echo "ci.sh: no .cases files in $cases_dir" >&2; exit 1; }

status=0
junit_args() { [[ -n "$junit_dir" ]] && echo "--junit $junit_dir/$1.xml" || true; }
[[ -n "$junit_dir" ]] && mkdir -p "$junit_dir"

echo "== corpus: ${#cases[@]} files"
if [[ -n "$expected_file" ]]; then
  # Cases that cannot pass (docs/COMPAT.md says why): failing is expected of them, of no other.
  # shellcheck disable=SC2046
  "$compat_bin" diff --target "127.0.0.1:$target_port" --reference "127.0.0.1:$reference_port" \
    $(junit_args corpus) "${cases[@]}" >"$work/corpus.txt" || true
  "$compat_bin" diff --target "127.0.0.1:$target_port" --reference "127.0.0.1:$reference_port" \
    --json "${cases[@]}" >"$work/corpus.json" || true
  [[ -n "${KS_COMPAT_KEEP:-}" ]] && cp "$work/corpus.json" "$KS_COMPAT_KEEP"
  python3 - "$work/corpus.json" "$expected_file" "$work/corpus.txt" <<'PY' || status=1
import json, sys
report, expected_path, text = sys.argv[1], sys.argv[2], sys.argv[3]
expected = set()
for line in open(expected_path):
    line = line.split('#', 1)[0].strip()
    if line:
        expected.add(line)
# The list stays exact: a case that passes now, or that no case file has, must come off it
# (else a fix goes unnoticed and a later regression of that case too).
failed, stale, seen = [], [], set()
for fam in json.load(open(report))['families']:
    name = fam['path'].rsplit('/', 1)[-1]
    for case in fam['cases']:
        key = f"{name}: {case['name']}"
        seen.add(key)
        if not case['passed'] and key not in expected:
            failed.append(key)
        if case['passed'] and key in expected:
            stale.append(f"{key} passes now: take it off {expected_path}")
for key in sorted(expected - seen):
    stale.append(f"{key} is in {expected_path} but in no case file")
if failed:
    sys.stdout.write(open(text).read())
    print("unexpected failures:\n  " + "\n  ".join(failed))
if stale:
    print("expected failures that are not:\n  " + "\n  ".join(stale))
if failed or stale:
    sys.exit(1)
print(f"corpus: every failure is one of the {len(expected)} expected ({expected_path})")
PY
else
  # shellcheck disable=SC2046
  "$compat_bin" diff --target "127.0.0.1:$target_port" --reference "127.0.0.1:$reference_port" \
    $(junit_args corpus) "${cases[@]}" || status=1
fi

echo "== random: seed $seed, $ops commands, families $random_families"
# shellcheck disable=SC2046
"$compat_bin" diff --target "127.0.0.1:$target_port" --reference "127.0.0.1:$reference_port" \
  --random --seed "$seed" --ops "$ops" --families "$random_families" $(junit_args random) || status=1

if [[ $status -ne 0 ]]; then
  echo "ci.sh: FAILED (divergences above)" >&2
else
  echo "ci.sh: all passed"
fi
exit $status
