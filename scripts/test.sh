#!/usr/bin/env bash
# Install everything the test suite needs (Python packages, a redis-server binary), then run it.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not slow"`.
set -euo pipefail
cd "$(dirname "$0")/.."

# A stock Debian/Ubuntu Python is "externally managed" (PEP 668): pip refuses to install into it. Outside
# a virtual environment on such a Python, use (and create once) .venv, as the README's command 1 does.
PYTHON=python3
if python3 - <<'PY'
import sys, sysconfig, pathlib
in_venv = sys.prefix != sys.base_prefix
managed = (pathlib.Path(sysconfig.get_path("stdlib")) / "EXTERNALLY-MANAGED").exists()
sys.exit(0 if managed and not in_venv else 1)
PY
then
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv || { echo "python3 -m venv failed: install python3-venv (apt-get install python3-venv)" >&2; exit 2; }
  fi
  PYTHON="$PWD/.venv/bin/python"
fi

"$PYTHON" -m pip install --quiet --disable-pip-version-check -e '.[test]'

if ! command -v redis-server >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  echo "installing redis-server for the Redis queue tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >/dev/null
fi

exec "$PYTHON" -m pytest -q -p no:cacheprovider "$@"
