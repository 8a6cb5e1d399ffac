#!/usr/bin/env bash
# Everything a fresh Debian 12 machine needs before `pnpm dev` or `pnpm test`:
# Java (DynamoDB Local), Debian's Chromium (Playwright cannot download its own
# browser here), the AWS CLI (conformance tests), pnpm, the workspace (which
# brings Node 24 itself) and DynamoDB Local. Idempotent: re-running skips what
# is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# The major version of the `java` on PATH (the one the engines start), empty if none.
java_major() { java -version 2>&1 | sed -n 's/.* version "\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' | head -n 1; }

missing=()
# DynamoDB Local needs Java 17 or newer and is started as `java` from PATH: an
# older java there (8 or 11 from an SDK manager, say) does not do.
[ "$(java_major)" -ge 17 ] 2>/dev/null || missing+=(openjdk-17-jre-headless)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# The conformance tests run Debian's CLI by its path (/usr/bin/aws): another `aws`
# on PATH (a pip-installed v1 in a Python environment, say) does not stand in for it.
[ -x /usr/bin/aws ] || missing+=(awscli)
command -v jq >/dev/null || missing+=(jq)  # the README walk-through
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]} from Debian"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! [ "$(java_major)" -ge 17 ] 2>/dev/null; then
  echo "setup: \`java\` on PATH is $(command -v java) (Java $(java_major)); DynamoDB Local needs 17+." >&2
  echo "setup: put Debian's first on PATH: export PATH=$(ls -d /usr/lib/jvm/java-17-openjdk-*/bin | head -n 1):\$PATH" >&2
  exit 1
fi

PNPM_VERSION=12.4.2
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION"
  npm install -g -E "pnpm@$PNPM_VERSION" >/dev/null
  # Another pnpm earlier on PATH (corepack's shim, a standalone install) would
  # still be the one every later command runs.
  if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
    echo "setup: \`pnpm\` on PATH is $(command -v pnpm) ($(pnpm --version 2>/dev/null)); npm installed $PNPM_VERSION into $(npm prefix -g)/bin: put that first on PATH" >&2
    exit 1
  fi
fi

# --frozen-lockfile on CI so a drifting lockfile fails loudly instead of resolving anew.
if [ -n "${CI:-}" ]; then pnpm install --frozen-lockfile; else pnpm install; fi
pnpm exec node scripts/setup-dynamodb-local.mjs
# SST's platform (.sst/platform): the infra type-check and the offline synth run on it.
pnpm exec node scripts/sst-platform.mjs
# The synthesized graph (.cache/graph/graph.json): the local cloud takes its resources' names from it.
pnpm exec tsx -e 'import("./packages/local/src/graph/index.ts").then((graph) => console.log(`setup: graph ${graph.ensureGraph()}`))'
echo "setup: done (node $(pnpm exec node --version), pnpm $(pnpm --version))"
