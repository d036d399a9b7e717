# Shared by the benchmark scripts (sourced): pinning, free ports, starting redis-server and
# keyshard in temp dirs without save points, and a process's CPU time.
# Needs: BIN (keyshard binary), SHARDS, THREADS, PIN (1 = pin), TMP (a temp dir), PIDS (array).
NCPU=$(nproc)
[ "$NCPU" -lt 2 ] && PIN=0
# Command prefixes that pin (taskset execs the command, so $! stays the server's PID): the
# servers on CPUs 1..n-1, the load generator on CPU 0.
SERVER_CPUS=(); CLIENT_CPU=()
[ "$PIN" = 1 ] && { SERVER_CPUS=(taskset -c "1-$((NCPU - 1))"); CLIENT_CPU=(taskset -c 0); }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
start_redis() {
  local port dir; port=$(free_port); dir=$(mktemp -d -p "$TMP")
  "${SERVER_CPUS[@]}" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" >"$TMP/redis.log" 2>&1 &
  PIDS+=($!); REDIS_PID=$!; REDIS_PORT=$port
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && return; sleep 0.05; done
  echo "redis-server did not start" >&2; exit 1
}
start_keyshard() {
  local dir; dir=$(mktemp -d -p "$TMP")
  "${SERVER_CPUS[@]}" "$BIN" --port 0 --shards "$SHARDS" --threads "$THREADS" --save '' --dir "$dir" >"$TMP/ks.log" 2>&1 &
  PIDS+=($!); KS_PID=$!
  for _ in $(seq 100); do
    KS_PORT=$(grep -o 'port [0-9]*' "$TMP/ks.log" 2>/dev/null | awk '{print $2}' || true)
    [ -n "$KS_PORT" ] && redis-cli -p "$KS_PORT" ping >/dev/null 2>&1 && return
    sleep 0.05
  done
  echo "keyshard did not start" >&2; exit 1
}
# CPU time (ns) a process has run, all threads together. A thread that ends between the glob
# and the read makes cat fail; that is ignored (the ended thread's time is lost from the sample).
cpu_ns() { { cat /proc/"$1"/task/*/schedstat 2>/dev/null || true; } | awk '{s += $1} END {printf "%.0f", s}'; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
