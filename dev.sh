#!/usr/bin/env bash
# The two set-up commands (see README):
#   ./dev.sh demo   create .venv, install kehoach, import + publish the bundled sample plan (SQLite)
#   ./dev.sh demo --serve   the same in a temporary database, then the web pages on 127.0.0.1
#                   with an account per role and the mail caught locally (/demo/mail); Ctrl-C stops
#   ./dev.sh test   create .venv, install kehoach with its test tools, run lint and the whole test suite
#   ./dev.sh stress [N]  the slow tests (and the ones that once failed on a busy machine) N times
#                   (default 5) beside a CPU hog on every core; stops at the first failure
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
    install "[demo]"
    exec "$VENV/bin/kehoach" demo "$@"
    ;;
test)
    install "[dev]"
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
stress)
    install "[dev]"
    rounds=${1:-5}
    [[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "usage: ./dev.sh stress [N]" >&2; exit 2; }
    # Besides `-m slow` (which holds test_scheduler and test_prefect_deployment), the tests that
    # failed on a loaded machine before they were made deterministic (issue 11) and are not slow.
    named=(
        "tests/integration/test_sweep.py::test_overdue_work_climbs_the_escalation_ladder_on_its_working_days"
    )
    hogs=()
    stop_hogs() { [ ${#hogs[@]} -eq 0 ] || kill "${hogs[@]}" 2>/dev/null || true; }
    trap stop_hogs EXIT INT TERM
    for _ in $(seq "$(nproc)"); do
        "$VENV/bin/python" -c 'while True: pass' &
        hogs+=($!)
    done
    echo "stress: $rounds round(s) beside ${#hogs[@]} CPU hog(s)"
    summary=()
    status=0
    for round in $(seq "$rounds"); do
        started=$SECONDS
        if "$VENV/bin/python" -m pytest -q -p no:cacheprovider --durations=10 -m slow tests &&
            "$VENV/bin/python" -m pytest -q -p no:cacheprovider "${named[@]}"; then
            summary+=("round $round: passed in $((SECONDS - started)) s")
        else
            summary+=("round $round: FAILED after $((SECONDS - started)) s")
            status=1
            break
        fi
    done
    stop_hogs
    echo "---- stress summary ----"
    printf '%s\n' "${summary[@]}"
    [ "$status" -eq 0 ] && echo "all $rounds round(s) passed" || echo "stopped at the first failure"
    exit "$status"
    ;;
*)
    echo "usage: ./dev.sh demo [--serve] | ./dev.sh test [pytest args] | ./dev.sh stress [N]" >&2
    exit 2
    ;;
esac
