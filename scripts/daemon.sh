# scripts/daemon.sh: running detached daemons with pid files and logs (sourced by
# scripts/stack and scripts/cluster after lib.sh). The caller sets RUN (pid files)
# and LOG (log files), and may declare STOP_SIGNAL[NAME] (default TERM).
declare -p STOP_SIGNAL >/dev/null 2>&1 || declare -A STOP_SIGNAL=()

pidfile() { echo "$RUN/$1.pid"; }
running() { pid_alive "$(pidfile "$1")"; }
stopped() { ! running "$1"; }
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
http_answers() { curl -s -o /dev/null --max-time 2 "$1"; }

# start_daemon NAME COMMAND...: runs COMMAND detached, output to log/NAME.log, pid to run/NAME.pid
start_daemon() {
  local name=$1; shift
  mkdir -p "$RUN" "$LOG"
  echo "---- $(date -Is) start: $*" >>"$LOG/$name.log"
  # Not a process group leader here, so setsid execs in place and $! is the daemon itself.
  setsid "$@" >>"$LOG/$name.log" 2>&1 </dev/null 9>&- &   # 9: the test lock (scripts/test)
  echo $! >"$(pidfile "$name")"
}

# stop_daemon NAME: signal, wait up to 20 s, then SIGKILL its whole process group
stop_daemon() {
  local name=$1 pf; pf=$(pidfile "$1")
  if stopped "$name"; then
    rm -f "$pf"; say "$name: not running"; return 0
  fi
  local pid; pid=$(cat "$pf")
  kill -"${STOP_SIGNAL[$name]:-TERM}" "$pid" 2>/dev/null || true
  if ! wait_until 20 "$name shutdown" stopped "$name"; then
    say "$name: killing process group $pid"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    wait_until 5 "$name kill" stopped "$name" || die "$name (pid $pid) survives SIGKILL"
  fi
  rm -f "$pf"
  say "$name: stopped"
}

# await NAME SECONDS CHECK...: waits until CHECK succeeds; if the daemon dies or the time
# runs out, prints the tail of its log, stops it and fails.
await() {
  local name=$1 limit=$2; shift 2
  if wait_until "$limit" "$name" ready_or_dead "$name" "$@" && running "$name"; then
    return 0
  fi
  say "$name failed to start; last lines of $LOG/$name.log:"
  tail -n 40 "$LOG/$name.log" >&2 || true
  stop_daemon "$name" || true
  die "$name did not start"
}
ready_or_dead() { local name=$1; shift; stopped "$name" || "$@"; }

