# Shared by scripts/run and scripts/test: what a fresh Debian 12 machine needs, installed once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Build outputs outside the clone, so repeated runs reuse them (a fresh machine builds anew).
HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
export HOME
export PATH="$HOME/.cargo/bin:$PATH:/usr/sbin:/sbin"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/yichuang/target}"
export npm_config_cache="${npm_config_cache:-$HOME/.cache/yichuang/npm}"

APT_PACKAGES=(build-essential pkg-config libwebkit2gtk-4.1-dev libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev webkit2gtk-driver xvfb xauth fonts-noto-cjk poppler-utils zbar-tools
  postgresql chromium chromium-driver
  libclang-dev)  # libclang: SQLite's session extension (the standby host) needs bindings made at build time

step() { printf '\n==> %s\n' "$*"; }

install_system_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    step "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  command -v cargo >/dev/null || { echo "需要 Rust 工具链（rustup 安装的 stable 版）：见 README 的“准备”一节" >&2; exit 1; }
  command -v npm >/dev/null || { echo "需要 Node.js 20 与 npm：见 README 的“准备”一节" >&2; exit 1; }
}

build_ui() {
  step "UI: npm ci and build"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
}
