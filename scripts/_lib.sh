# Shared shell helpers for scripts/test and scripts/dev. Source it:
#   source "$(dirname "$0")/_lib.sh"
# Functions:
#   ensure_debian_packages PKG...  install the Debian packages that are missing
#   ensure_uv_env                  install uv if needed, then `uv sync --locked`

# Run a command as root: directly when we are root, else through sudo.
_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

ensure_debian_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        # "install ok installed": a removed package can linger as config files, which dpkg -s accepts.
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    echo "Installing Debian packages: ${missing[*]}"
    # Another apt run may hold the dpkg lock: wait for it (up to 5 minutes).
    _as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 update -qq
    _as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"
}

# Installs uv for python3 (picks Python 3.13 via .python-version) and syncs
# .venv exactly to uv.lock. Must run from the repository root.
ensure_uv_env() {
    export UV_PYTHON_DOWNLOADS=never
    if ! python3 -m uv --version >/dev/null 2>&1; then
        echo "Installing uv"
        python3 -m pip install --quiet uv
    fi
    python3 -m uv sync --locked
}
