#!/usr/bin/env bash
# A MongoDB wire-protocol server for the MongoDB connector's tests: nx-27017 (PyPI, backed by
# SQLite), since Debian ships no MongoDB. Installs it into a venv under the cache if missing,
# starts it on a free loopback port unless it already runs, waits until it answers a ping,
# and exports PURSIGHT_TEST_MONGO_URI (sourced) or prints the URI (executed).
#
#   source .ci/mongo.sh                 # CI: exports PURSIGHT_TEST_MONGO_URI
#   bash .ci/mongo.sh                   # prints mongodb://127.0.0.1:PORT
#   PURSIGHT_MONGO_STATE=/tmp/x bash .ci/mongo.sh   # a separate server (tests that kill it)
#
# The venv and the state (port, pid, log) live outside the checkout so every run reuses them.

pursight_mongo_start() {
  local cache="${XDG_CACHE_HOME:-${HOME:-/root}/.cache}"
  local venv="${PURSIGHT_MONGO_VENV:-$cache/pursight-venv}"
  local state="${PURSIGHT_MONGO_STATE:-$cache/pursight-mongo}"
  local version="0.8.1"
  mkdir -p "$state"
  # Several test processes may ask at once: one installs and starts, the others wait.
  exec 9>"$state/lock"
  flock -w 300 9

  if ! "$venv/bin/nx-27017" --help >/dev/null 2>&1; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "nx-27017==$version" >&2
  fi

  ping() {
    "$venv/bin/python" - "$1" <<'EOF' >/dev/null 2>&1
import sys, pymongo
pymongo.MongoClient(f"mongodb://127.0.0.1:{sys.argv[1]}", serverSelectionTimeoutMS=500,
                    connectTimeoutMS=500).admin.command("ping")
EOF
  }

  local port=""
  if [ -s "$state/port" ] && [ -s "$state/nx.pid" ] && kill -0 "$(cat "$state/nx.pid")" 2>/dev/null \
    && ping "$(cat "$state/port")"; then
    port="$(cat "$state/port")"
  else
    if [ -s "$state/nx.pid" ]; then
      # A server of ours that stopped answering: end it by its id before starting anew (only
      # if that id is still nx-27017, not a process that got the number since).
      local old
      old="$(cat "$state/nx.pid")"
      if tr '\0' ' ' <"/proc/$old/cmdline" 2>/dev/null | grep -q nx-27017; then
        kill "$old" 2>/dev/null || true
      fi
      rm -f "$state/nx.pid"
    fi
    port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    # In-memory databases: tests create uniquely named ones, nothing needs to outlive the
    # server. It must hold none of our pipes or the lock, or callers would wait on it forever.
    "$venv/bin/nx-27017" --daemon --host 127.0.0.1 --port "$port" --data-dir memory \
      --log-file "$state/nx.log" --pid-file "$state/nx.pid" \
      </dev/null >>"$state/nx.out" 2>&1 9>&-
    local i
    for i in $(seq 1 150); do
      if ping "$port"; then break; fi
      if [ "$i" = 150 ]; then
        echo "mongo.sh: nx-27017 did not answer on 127.0.0.1:$port; log: $state/nx.log" >&2
        tail -n 20 "$state/nx.log" >&2 || true
        exit 1
      fi
      sleep 0.2
    done
    echo "$port" >"$state/port"
  fi
  echo "mongodb://127.0.0.1:$port"
}

if [ "${PURSIGHT_MONGO_SERVE:-}" = 1 ]; then
  # The work runs in a process of its own: inside the `if` below (and in a sourcing
  # script's conditions) bash would ignore `set -e`.
  set -euo pipefail
  pursight_mongo_start
  exit 0
fi

if pursight_mongo_uri="$(PURSIGHT_MONGO_SERVE=1 bash "${BASH_SOURCE[0]}")"; then
  export PURSIGHT_TEST_MONGO_URI="$pursight_mongo_uri"
  unset pursight_mongo_uri
  if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    echo "$PURSIGHT_TEST_MONGO_URI"
  fi
else
  echo "mongo.sh: could not start the MongoDB test server (nx-27017)" >&2
  unset pursight_mongo_uri
  return 1 2>/dev/null || exit 1
fi
