# Shared by scripts/run.sh and scripts/test.sh: a Python 3.11 virtualenv with
# the pinned requirements, and Debian packages installed when missing.

find_python() {
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
  py=$(find_python)
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  want=$(cat "$req" requirements.txt | sha256sum | cut -d' ' -f1)
  stamp=".venv/.installed-$(basename "$req")"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r "$req"
    echo "$want" > "$stamp"
  fi
}

# need_debian PACKAGE:COMMAND ...: apt-get install each package whose command is missing.
need_debian() {
  local missing=() spec pkg cmd sudo=""
  for spec in "$@"; do
    pkg=${spec%%:*}; cmd=${spec#*:}
    command -v "$cmd" >/dev/null 2>&1 || ls $cmd >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
