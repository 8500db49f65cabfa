#!/usr/bin/env bash
# What the content checks need (tests/integration/test_postgres.py, test_mermaid.py,
# test_markdownlint.py):
#   - PostgreSQL server binaries (Debian's postgresql package); the tests start their own
#     throwaway server, so no service is started here;
#   - Node.js with tools/node's locked packages: Mermaid's parser (with jsdom) and
#     markdownlint-cli2.
# Idempotent: installs only what is missing. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "ci-content: need root to run: $*" >&2; return 1; fi
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "ci-content: installing PostgreSQL server binaries"
  apt_install postgresql
fi

# As root the tests run the server as the postgres OS user (the server refuses root); the
# Debian package creates that user, but binaries copied in by other means may not have.
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "ci-content: installing Node.js and npm"
  apt_install nodejs npm
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "ci-content: Node.js $node_major is too old; Mermaid needs Node.js 18 or later" >&2
  exit 1
fi

# npm ci installs exactly the locked versions; a stamp of the lock file's hash skips it when
# node_modules already holds them.
lock_hash=$(sha256sum tools/node/package-lock.json | cut -d' ' -f1)
stamp=tools/node/node_modules/.ci-content.sha256
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  echo "ci-content: npm ci in tools/node"
  (cd tools/node && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_hash" > "$stamp"
fi
echo "ci-content: PostgreSQL $(ls -d /usr/lib/postgresql/*/ | xargs -n1 basename | sort -n | tail -1), Node.js $(node --version), tools/node ready"
