# Shared by scripts/run.sh and scripts/test.sh: a Python 3.11 virtualenv with
# the pinned requirements, and Debian packages installed when missing.
# Meant for Debian 12 (bookworm); any other system must provide python3.11 with venv itself.

# Seconds apt-get waits for the dpkg lock another apt-get holds (unattended upgrades, a second run).
APT_LOCK_TIMEOUT=${APT_LOCK_TIMEOUT:-300}

# apt_get ARGS...: apt-get as root (or through sudo), non-interactive, waiting for the lock.
apt_get() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "apt-get needs root: run as root or install sudo (missing: $*)" >&2
      return 1
    fi
    sudo=(sudo)
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" "$@"
}

# need_debian PACKAGE:COMMAND ...: apt-get install each package whose command (or file) is missing.
need_debian() {
  local missing=() spec pkg cmd
  for spec in "$@"; do
    pkg=${spec%%:*}; cmd=${spec#*:}
    # shellcheck disable=SC2086  # a file check may be a glob
    command -v "$cmd" >/dev/null 2>&1 || ls $cmd >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}" >&2
  apt_get update -qq
  apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# need_python: Python 3.11 able to create a virtualenv (Debian 12: python3.11, python3.11-venv).
need_python() {
  if ! find_python >/dev/null 2>&1 && [ -r /etc/debian_version ]; then
    need_debian python3.11:python3.11
  fi
  local py
  py=$(find_python) || return 1
  # Debian ships ensurepip (which `venv` needs) in a separate package.
  if ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    if [ "$py" = /usr/bin/python3.11 ] || [ -r /etc/debian_version ]; then
      need_debian "python3.11-venv:/usr/lib/python3.11/ensurepip/__init__.py"
    fi
    "$py" -c 'import ensurepip, venv' >/dev/null 2>&1 || {
      echo "$py cannot create a virtualenv (on Debian 12: apt-get install python3.11-venv)" >&2
      return 1
    }
  fi
}

find_python() {
  local py
  for py in python3.11 python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$py"; return 0
    fi
  done
  echo "Python 3.11 is required (python3.11 not found)" >&2
  return 1
}

# ensure_venv REQUIREMENTS_FILE: create .venv and install the file when it changed.
ensure_venv() {
  local req="$1" py stamp want
  need_python
  if [ ! -x .venv/bin/python ]; then
    py=$(find_python)
    "$py" -m venv .venv
  fi
  want=$(cat "$req" requirements.txt | sha256sum | cut -d' ' -f1)
  stamp=".venv/.installed-$(basename "$req")"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r "$req"
    echo "$want" > "$stamp"
  fi
}
