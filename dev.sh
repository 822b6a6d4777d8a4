#!/usr/bin/env bash
# The two set-up commands (see README):
#   ./dev.sh demo   create .venv, install kehoach, import + publish the bundled sample plan (SQLite)
#   ./dev.sh test   create .venv, install kehoach with its test tools, run lint and the whole test suite
# Needs only Python 3.11+ with pip and venv. Extra arguments go to `kehoach demo` / pytest.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
VENV=${KEHOACH_VENV:-.venv}

install() {
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".$1"
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
demo)
    install ""
    exec "$VENV/bin/kehoach" demo "$@"
    ;;
test)
    install "[dev]"
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
*)
    echo "usage: ./dev.sh demo | ./dev.sh test [pytest args]" >&2
    exit 2
    ;;
esac
