# Shared by scripts/run and scripts/test: installing what is missing, and building.
# Sourced, not executed.

INTAKE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Debian 12 packages the gateway needs to build and run, and what the tests add.
INTAKE_BUILD_PACKAGES=(g++ cmake ninja-build pkg-config libboost1.81-dev libssl-dev nlohmann-json3-dev
                       libre2-dev libpq-dev libutf8proc-dev libopencc-dev libgmime-3.0-dev libxml2-dev
                       libcurl4-openssl-dev postgresql openssl curl)
INTAKE_TEST_PACKAGES=(libgtest-dev libgmock-dev python3 python3-aiosmtpd)
# The browser tests: Debian's Chromium (never a downloaded one) and a font with Chinese
# characters, so the screenshots can be read.
INTAKE_BROWSER_PACKAGES=(chromium fonts-wqy-zenhei)

# Installs the named packages that are not installed yet (one apt-get run at most).
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures and builds into $1 with extra CMake arguments; -j2 suits the 2-core machines.
# The options are passed every time (cheap once configured), so that scripts/run and
# scripts/test can share build/ without one leaving the other's options behind.
build_into() {
  local dir="$1"; shift
  ensure_npm_packages "$INTAKE_ROOT/gateway/web-vendor"  # the console's Chart.js, compiled in
  say "configuring $dir"
  cmake -S "$INTAKE_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  say "building $dir"
  cmake --build "$dir" -j "${INTAKE_JOBS:-2}" ${INTAKE_BUILD_TARGET:+--target "$INTAKE_BUILD_TARGET"}
}

# The npm packages of folder $1, exactly as its lock file pins them (npm ci), unless they
# are installed already. The machine's own Node.js when it has one; Debian's otherwise.
ensure_npm_packages() {
  local dir="$1"
  command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing the npm packages of ${dir#"$INTAKE_ROOT/"}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in ${dir#"$INTAKE_ROOT/"}"
  fi
}

# The browser tests' npm packages (tests/browser: playwright-core, which drives Debian's Chromium).
ensure_browser_test_tools() { ensure_npm_packages "$INTAKE_ROOT/tests/browser"; }
