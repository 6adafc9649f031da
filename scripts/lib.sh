# Shared set-up steps of scripts/run and scripts/test. Sourced, not executed.
# Every step checks first and does nothing when the machine already has what it needs.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
cd "$ROOT"

# Debian packages the application needs at run time: WeasyPrint's text layout and fonts
# (PDF labels, print sheets, invoices).
APT_RUNTIME="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "Need root to run: $*" >&2; return 1
  fi
}

# ensure_apt PACKAGE...: install the Debian packages that are missing.
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing system packages: ${missing[*]}"
  apt_waiting update -qq
  DEBIAN_FRONTEND=noninteractive apt_waiting install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# apt_waiting ARGS...: apt-get, waiting (up to 10 minutes) while another apt or dpkg
# process holds its lock instead of failing at once.
apt_waiting() {
  local errors tries=0
  errors="$(mktemp)"
  until as_root apt-get -o DPkg::Lock::Timeout=600 "$@" 2>"$errors"; do
    if grep -q "Could not get lock" "$errors" && [ $tries -lt 120 ]; then
      [ $tries -eq 0 ] && say "Another apt or dpkg process holds the package lock; waiting for it to finish..."
      tries=$((tries + 1))
      sleep 5
    else
      cat "$errors" >&2
      rm -f "$errors"
      return 1
    fi
  done
  rm -f "$errors"
}

find_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 is required (python3.11 not found)." >&2
  return 1
}

# ensure_venv REQUIREMENTS_FILE: .venv in the repository root with those packages.
# A stamp of the requirement files' hash skips pip when nothing changed.
ensure_venv() {
  local requirements="$1" python stamp wanted
  if [ ! -x "$VENV/bin/python" ]; then
    python="$(find_python)"
    say "Creating $VENV with $python"
    "$python" -m venv "$VENV"
  fi
  stamp="$VENV/.installed-$(basename "$requirements")"
  wanted="$(cat requirements.txt "$requirements" | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    say "Installing Python packages from $requirements"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements"
    echo "$wanted" >"$stamp"
  fi
}

# ensure_postgres: PostgreSQL answering on 127.0.0.1:5432 (installed and started if needed),
# with the `arvlite` database the test settings name (pytest makes test_arvlite from it).
ensure_postgres() {
  start_postgres
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'arvlite'" | grep -q 1 ||
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE arvlite"
}

start_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    ensure_apt postgresql
    local conf; conf="$(ls -d /etc/postgresql/*/main | head -1)"
    # Tests connect as postgres without a password over loopback, as on CI machines.
    sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/' "$conf/pg_hba.conf"
  fi
  say "Starting PostgreSQL"
  local version; version="$(ls /etc/postgresql | sort -V | tail -1)"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 1; done
  echo "PostgreSQL did not start on 127.0.0.1:5432" >&2
  return 1
}

# ensure_redis: Redis answering on 127.0.0.1:6379 (installed and started if needed).
ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then return 0; fi
  command -v redis-server >/dev/null 2>&1 || ensure_apt redis-server redis-tools
  say "Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/arvlite-redis.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && return 0; sleep 1; done
  echo "Redis did not start on 127.0.0.1:6379" >&2
  return 1
}

# ensure_webar_compiler: MindAR's offline .mind compiler in arcontent/webar/node, installed by
# `npm ci` from its lockfile. A stamp in node_modules of the Node version (canvas is a native
# module built for it) and the package files' hash skips npm when nothing changed.
ensure_webar_compiler() {
  local dir="$ROOT/arcontent/webar/node" stamp wanted prefix
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "The MindAR compiler needs Node.js 20 and npm (node and npm are not on PATH)." >&2
    return 1
  fi
  stamp="$dir/node_modules/.installed-arvlite"
  wanted="$( (node --version && cat "$dir/package.json" "$dir/package-lock.json" "$dir/.npmrc") | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then return 0; fi
  # What building node-canvas (MindAR's image loader) from source needs.
  ensure_apt build-essential pkg-config libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev
  say "Installing the MindAR compiler packages (npm ci in arcontent/webar/node)"
  # node-gyp builds canvas against the installed Node headers instead of downloading them
  # (only the npm registry is reachable; node/.npmrc makes canvas build from source).
  prefix="$(dirname "$(dirname "$(command -v node)")")"
  local log="$ROOT/data/webar-install.log"
  mkdir -p "$ROOT/data"
  # node-gyp's output goes to a log, not the screen: on failure one sentence says what failed.
  if ! (
    cd "$dir" || exit 1
    if [ -z "${npm_config_nodedir:-}" ] && [ -f "$prefix/include/node/node.h" ]; then
      export npm_config_nodedir="$prefix"
    fi
    npm ci --no-audit --no-fund --no-update-notifier --loglevel=error
  ) >"$log" 2>&1; then
    local reason
    reason="$(grep -m1 -iE 'npm (ERR|error)|gyp ERR|error:' "$log" | sed 's/^ *//' | cut -c1-160)"
    echo "The MindAR compiler could not be installed (npm ci in arcontent/webar/node failed: ${reason:-see the log})." \
      "Full output: $log. Retry with: (cd arcontent/webar/node && npm ci)" >&2
    return 1
  fi
  echo "$wanted" >"$stamp"
}
