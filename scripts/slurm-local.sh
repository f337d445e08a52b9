#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for tests of `hetal-bench submit` (Debian's slurmctld,
# slurmd, slurm-client and munge packages; .ci/run installs them when missing). Everything lives in
# one folder: slurm.conf, state and spool folders, the daemons' logs and pid files.
#
#   scripts/slurm-local.sh start [DIR]   start munged (or auth/none), slurmctld and slurmd; wait until
#                                        the node is idle; print the SLURM_CONF path on stdout
#   scripts/slurm-local.sh status [DIR]  the daemons' states and sinfo
#   scripts/slurm-local.sh stop [DIR]    cancel the cluster's jobs, stop the daemons by their saved pids
#
# DIR defaults to $SLURM_LOCAL_DIR, then for `start` to a new temporary folder, for `stop` and `status`
# to the folder of the exported SLURM_CONF. Use it as
#   export SLURM_CONF=$(scripts/slurm-local.sh start /tmp/slurm)
# Jobs inherit the submitting shell's environment (SLURM_CONF and PATH included).
#
# Environment: SLURM_LOCAL_AUTH=munge|none (default munge when munged is installed; `none` runs without
# any authentication: only for a sandbox), SLURM_LOCAL_PORT=P (slurmctld on P, slurmd on P+1; default:
# two free ports, so two test clusters can run side by side). Runs as root: slurmd must start jobs as
# the submitting user. Needs no systemd and no cgroups (process tracking by parent pid).
set -euo pipefail

cmd=${1:-}
dir=${2:-${SLURM_LOCAL_DIR:-}}
log() { echo "slurm-local: $*" >&2; }
die() {
  log "$*"
  exit 1
}

# Is the process with this pid alive and is it the daemon we started? The sandbox's init reaps exited
# daemons seconds late, so `kill -0` would call a zombie alive: read its state from /proc instead, and
# compare its command name so that a reused pid is never signalled (`setsid` until it has exec'd the
# daemon, which is the moment right after launch).
alive() {
  local pid=$1 name=$2 stat
  [[ -r /proc/$pid/stat ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $stat == "$pid ($name) "* || $stat == "$pid (setsid) "* ]] || return 1
  local state=${stat#*) }
  state=${state%% *}
  [[ $state != Z && $state != X ]]
}

stop_daemon() {
  local name=$1 file=$dir/$1.pid pid
  [[ -f $file ]] || return 0
  pid=$(cat "$file")
  if alive "$pid" "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      alive "$pid" "$name" || break
      sleep 0.1
    done
    if alive "$pid" "$name"; then
      log "$name ($pid) ignored SIGTERM for 5 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

stop_all() {
  if [[ -f $dir/slurm.conf ]] && [[ -f $dir/slurmctld.pid ]] && alive "$(cat "$dir/slurmctld.pid")" slurmctld; then
    # slurmstepd outlives slurmd: cancel the jobs first so that no job process is left behind
    export SLURM_CONF=$dir/slurm.conf
    if scancel --quiet --full --user "$(id -un)" 2>/dev/null; then
      for _ in $(seq 1 50); do
        [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break
        sleep 0.1
      done
    fi
  fi
  stop_daemon slurmd
  stop_daemon slurmctld
  stop_daemon munged
  if [[ -f $dir/munge.dir ]]; then
    local mdir
    mdir=$(cat "$dir/munge.dir")
    [[ $mdir == /tmp/slurm-local-munge.* ]] && rm -rf "$mdir"
    rm -f "$dir/munge.dir"
  fi
}

# A free TCP port (node is there: this is a node project).
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{process.stdout.write(s.address().port+"\n");s.close()})'
}

# Starts a daemon in the background, detached from the caller's session, logs to DIR/NAME.out.
launch() {
  local name=$1
  shift
  setsid "$@" </dev/null >"$dir/$name.out" 2>&1 &
  echo $! >"$dir/$name.pid"
}

start() {
  for bin in slurmctld slurmd sinfo; do
    command -v "$bin" >/dev/null 2>&1 || die "$bin not found (install slurmctld slurmd slurm-client munge)"
  done
  [[ $(id -u) == 0 ]] || die "must run as root (slurmd starts jobs as the submitting user)"
  if [[ -z $dir ]]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/slurm-local.XXXXXX"); fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [[ -f $dir/slurmctld.pid ]] && alive "$(cat "$dir/slurmctld.pid")" slurmctld; then die "a cluster already runs in $dir (stop it first)"; fi
  # munged wants execute permission for all on the folders above its socket
  chmod 755 "$dir"
  mkdir -p "$dir/state" "$dir/spool"

  local auth=${SLURM_LOCAL_AUTH:-}
  if [[ -z $auth ]]; then
    if command -v munged >/dev/null 2>&1 && command -v mungekey >/dev/null 2>&1; then auth=munge; else auth=none; fi
  fi
  local auth_lines
  case $auth in
    munge)
      # munged refuses a socket below a folder that not everyone may enter (DIR may sit in a private
      # temporary folder), so its key and socket get their own folder under /tmp, removed by stop
      local mdir
      mdir=$(mktemp -d /tmp/slurm-local-munge.XXXXXX)
      chmod 755 "$mdir"
      echo "$mdir" >"$dir/munge.dir"
      mungekey -c -k "$mdir/munge.key"
      chmod 600 "$mdir/munge.key"
      launch munged munged -F --key-file="$mdir/munge.key" --socket="$mdir/munge.socket" \
        --pid-file="$mdir/munged.pid" --seed-file="$mdir/munge.seed" --log-file="$dir/munged.log"
      for _ in $(seq 1 50); do
        [[ -S $mdir/munge.socket ]] && break
        alive "$(cat "$dir/munged.pid")" munged || break
        sleep 0.1
      done
      [[ -S $mdir/munge.socket ]] || {
        tail -n 5 "$dir/munged.out" "$dir/munged.log" >&2 2>/dev/null || true
        stop_all
        die "munged did not start (logs in $dir)"
      }
      auth_lines="AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$mdir/munge.socket"
      ;;
    none)
      auth_lines="AuthType=auth/none
CredType=cred/none"
      ;;
    *) die "SLURM_LOCAL_AUTH must be munge or none, not '$auth'" ;;
  esac

  local host port dport node
  host=$(hostname -s)
  port=${SLURM_LOCAL_PORT:-$(free_port)}
  dport=${SLURM_LOCAL_PORT:+$((SLURM_LOCAL_PORT + 1))}
  dport=${dport:-$(free_port)}
  # the node as slurmd measures it (CPUs, sockets, RealMemory), reachable without DNS
  node=$(slurmd -C | head -n 1)
  [[ $node == NodeName=* ]] || die "slurmd -C did not describe the node: $node"
  cat >"$dir/slurm.conf" <<EOF
# single-node test cluster written by scripts/slurm-local.sh
ClusterName=hetal-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$dport
$auth_lines
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.daemon.pid
SlurmdPidFile=$dir/slurmd.daemon.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
# finished jobs stay visible to scontrol for 5 minutes (their exit codes)
MinJobAge=300
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$dir/slurm.conf
  launch slurmctld slurmctld -D -i
  launch slurmd slurmd -D
  for _ in $(seq 1 300); do
    if [[ $(sinfo -h -o %T 2>/dev/null) == idle ]]; then
      log "cluster up in $dir (auth $auth, slurmctld port $port)"
      echo "$SLURM_CONF"
      return 0
    fi
    for d in slurmctld slurmd; do
      alive "$(cat "$dir/$d.pid")" "$d" || {
        tail -n 20 "$dir/$d.out" "$dir/$d.log" >&2 2>/dev/null || true
        stop_all
        die "$d exited during start (logs in $dir)"
      }
    done
    sleep 0.1
  done
  tail -n 20 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 2>/dev/null || true
  stop_all
  die "the node did not become idle within 30 s (logs in $dir)"
}

status() {
  local any=0
  for d in munged slurmctld slurmd; do
    if [[ -f $dir/$d.pid ]] && alive "$(cat "$dir/$d.pid")" "$d"; then
      echo "$d: running (pid $(cat "$dir/$d.pid"))"
      any=1
    else
      echo "$d: stopped"
    fi
  done
  if [[ $any == 1 ]]; then SLURM_CONF=$dir/slurm.conf sinfo || true; fi
  [[ $any == 1 ]]
}

# stop and status find the cluster of the exported SLURM_CONF when no folder is named
if [[ -z $dir && $cmd != start && -n ${SLURM_CONF:-} && -f $(dirname "$SLURM_CONF")/slurmctld.pid ]]; then dir=$(dirname "$SLURM_CONF"); fi

case $cmd in
  start) start ;;
  stop)
    [[ -n $dir ]] || die "stop: name the cluster's folder (argument, SLURM_LOCAL_DIR or an exported SLURM_CONF)"
    stop_all
    log "stopped ($dir)"
    ;;
  status)
    [[ -n $dir ]] || die "status: name the cluster's folder (argument or SLURM_LOCAL_DIR)"
    status
    ;;
  *) die "usage: $0 start|stop|status [DIR]" ;;
esac
