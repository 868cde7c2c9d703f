#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft, single node, 127.0.0.1) on the JVM, for machines without a container
# runtime. The jars come from Maven Central through pom.xml; state lives in run/ (git-ignored).
#
#   kafka-local.sh fetch    copy the Kafka jars into target/kafka-libs (no-op when present)
#   kafka-local.sh start    fetch, format storage on first use, start the broker, wait until ready
#   kafka-local.sh stop     stop the broker started from this folder (by its PID, never by name)
#   kafka-local.sh status   print whether it runs; exit 0 when it does, 3 when not
#   kafka-local.sh wait     wait until the broker answers Metadata with a registered broker
#   kafka-local.sh kill     SIGKILL the broker (for crash-recovery tests), keeping its data
#   kafka-local.sh version  print the Kafka version of the fetched jars
#
# Environment: KAFKA_LOCAL_PORT (9092), KAFKA_LOCAL_CONTROLLER_PORT (9093), KAFKA_LOCAL_RUN_DIR (./run),
# KAFKA_LOCAL_HEAP ("-Xms512m -Xmx512m"), KAFKA_LOCAL_TIMEOUT seconds for start/wait (60),
# KAFKA_LOCAL_FRESH=1 wipes the data on start.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIBS="$HERE/target/kafka-libs"
RUN_DIR=${KAFKA_LOCAL_RUN_DIR:-$HERE/run}
PORT=${KAFKA_LOCAL_PORT:-9092}
CONTROLLER_PORT=${KAFKA_LOCAL_CONTROLLER_PORT:-9093}
HEAP=${KAFKA_LOCAL_HEAP:--Xms512m -Xmx512m}
TIMEOUT=${KAFKA_LOCAL_TIMEOUT:-60}
PIDFILE="$RUN_DIR/kafka.pid"
LOG="$RUN_DIR/kafka.log"
DATA="$RUN_DIR/data"

log() { printf 'kafka-local: %s\n' "$*" >&2; }

version() {
  local jar
  jar=$(ls "$LIBS"/kafka_2.13-*.jar 2>/dev/null | grep -v -- '-test' | head -1 || true)
  [ -n "$jar" ] || { echo unknown; return; }
  basename "$jar" .jar | sed 's/^kafka_2.13-//'
}

fetch() {
  if ls "$LIBS"/kafka_2.13-*.jar >/dev/null 2>&1 && ls "$LIBS"/kafka-tools-*.jar >/dev/null 2>&1; then
    return 0
  fi
  command -v mvn >/dev/null || { log "Maven (mvn) is needed to fetch the Kafka jars"; exit 1; }
  log "fetching Apache Kafka jars from Maven Central"
  (cd "$HERE" && mvn -q -B package)
}

running_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid; pid=$(cat "$PIDFILE")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # The PID may have been reused after a reboot: make sure it is our broker.
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $RUN_DIR/server.properties" || return 1
  echo "$pid"
}

java_run() { java -cp "$LIBS/*" -Dlog4j2.configurationFile="$HERE/log4j2.properties" "$@"; }

format() {
  mkdir -p "$RUN_DIR"
  sed -e "s#@PORT@#$PORT#g" -e "s#@CONTROLLER_PORT@#$CONTROLLER_PORT#g" -e "s#@DATA_DIR@#$DATA#g" \
    "$HERE/server.properties" > "$RUN_DIR/server.properties"
  if [ ! -f "$DATA/meta.properties" ]; then
    local cluster_id; cluster_id=$(java_run kafka.tools.StorageTool random-uuid)
    java_run kafka.tools.StorageTool format -t "$cluster_id" -c "$RUN_DIR/server.properties" >/dev/null
  fi
}

wait_ready() {
  local deadline=$((SECONDS + TIMEOUT))
  until node "$HERE/probe.js" 127.0.0.1 "$PORT"; do
    if [ -f "$PIDFILE" ] && ! running_pid >/dev/null; then
      log "the broker exited during start-up; last log lines:"; tail -n 40 "$LOG" >&2 || true; exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "not ready after ${TIMEOUT}s; last log lines:"; tail -n 40 "$LOG" >&2 || true; exit 1
    fi
    sleep 0.3
  done
}

start() {
  mkdir -p "$RUN_DIR"
  # Several jest runs may ask for the broker at once: one starts it, the others wait and reuse it.
  exec 9>"$RUN_DIR/.start.lock"
  flock 9
  if pid=$(running_pid); then
    log "already running (pid $pid) on 127.0.0.1:$PORT"; wait_ready; return 0
  fi
  fetch
  [ "${KAFKA_LOCAL_FRESH:-0}" = 1 ] && rm -rf "$DATA"
  format
  log "starting Apache Kafka $(version) on 127.0.0.1:$PORT"
  # setsid: the broker must outlive the shell that started it (jest global setup, CI step).
  KAFKA_HEAP_OPTS="$HEAP" setsid nohup java $HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true -cp "$LIBS/*" -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
    kafka.Kafka "$RUN_DIR/server.properties" > "$LOG" 2>&1 < /dev/null 9>&- &
  echo $! > "$PIDFILE"
  wait_ready
  log "ready: Apache Kafka $(version) at 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
}

stop() {
  local pid
  if ! pid=$(running_pid); then log "not running"; rm -f "$PIDFILE"; return 0; fi
  kill -TERM "$pid"
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then log "still up after 30 s, sending SIGKILL"; kill -KILL "$pid"; fi
  rm -f "$PIDFILE"
  log "stopped (pid $pid)"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status)
    if pid=$(running_pid); then echo "running: Apache Kafka $(version), pid $pid, 127.0.0.1:$PORT"; else echo "stopped"; exit 3; fi ;;
  wait) wait_ready ;;
  kill) if pid=$(running_pid); then kill -KILL "$pid"; log "killed (pid $pid)"; fi ;;
  version) version ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
