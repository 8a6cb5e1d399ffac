#!/usr/bin/env bash
# Creates a console operator on a deployed stage: a Cognito user in the stage's
# pool (email as username, a temporary password Cognito emails to them, to be
# changed at first sign-in) added to the operator group the admin API checks.
# Reads the pool id from the stage's outputs (.sst/outputs.json, written by the
# last `sst deploy`), or USER_POOL_ID. Needs AWS credentials for the stage's
# account and region. Idempotent: an existing user is only added to the group.
#
#   scripts/create-operator.sh ops@example.com
set -euo pipefail
cd "$(dirname "$0")/.."

email="${1:?usage: scripts/create-operator.sh EMAIL}"
group="ops" # auth.operatorGroup in packages/core/src/topology
pool="${USER_POOL_ID:-}"
if [ -z "$pool" ]; then
  [ -f .sst/outputs.json ] || { echo "no .sst/outputs.json: deploy the stage first, or set USER_POOL_ID" >&2; exit 1; }
  pool="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(".sst/outputs.json","utf8")).userPoolId ?? "")')"
  [ -n "$pool" ] || { echo ".sst/outputs.json has no userPoolId" >&2; exit 1; }
fi

if aws cognito-idp admin-get-user --user-pool-id "$pool" --username "$email" >/dev/null 2>&1; then
  echo "user $email exists in $pool"
else
  aws cognito-idp admin-create-user --user-pool-id "$pool" --username "$email" \
    --user-attributes Name=email,Value="$email" Name=email_verified,Value=true \
    --desired-delivery-mediums EMAIL >/dev/null
  echo "created $email in $pool (Cognito emails a temporary password)"
fi
aws cognito-idp admin-add-user-to-group --user-pool-id "$pool" --username "$email" --group-name "$group"
echo "$email is in the $group group: sign in to the console to use the admin API"
