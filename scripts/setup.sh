#!/usr/bin/env bash
# Everything a fresh Debian 12 machine needs before `pnpm dev` or `pnpm test`:
# Java (DynamoDB Local), Debian's Chromium (Playwright cannot download its own
# browser here), the AWS CLI (conformance tests), pnpm, the workspace (which
# brings Node 24 itself) and DynamoDB Local. Idempotent: re-running skips what
# is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
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

PNPM_VERSION=12.4.2
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION"
  npm install -g -E "pnpm@$PNPM_VERSION" >/dev/null
fi

# --frozen-lockfile on CI so a drifting lockfile fails loudly instead of resolving anew.
if [ -n "${CI:-}" ]; then pnpm install --frozen-lockfile; else pnpm install; fi
pnpm exec node scripts/setup-dynamodb-local.mjs
# SST's platform (.sst/platform): the infra type-check and the offline synth run on it.
pnpm exec node scripts/sst-platform.mjs
echo "setup: done (node $(pnpm exec node --version), pnpm $(pnpm --version))"
