#!/usr/bin/env bash
# Sourced by hack/ scripts. `daemon LOGFILE PIDFILE CMD...` starts CMD in its own session, detached
# from the caller: stdin from /dev/null, output to LOGFILE, and every inherited descriptor above 2
# closed — a daemon must not keep the caller's `flock /tmp/kubets-node.lock` descriptor (that
# would hold the node lock for as long as the daemon lives).
daemon() {
  local log=$1 pidfile=$2
  shift 2
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid "$@" > "$log" 2>&1 < /dev/null
  ) &
  echo $! > "$pidfile"
}
