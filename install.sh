#!/usr/bin/env bash
# Baton agent installer, served by the control plane at /install.sh with its URL filled in:
#   curl -fsSL https://<control-plane>/install.sh | sudo bash -s -- --token <secret>
# The agent itself is packaged by a later milestone; until then this script only checks its
# arguments and says so, and changes nothing on the machine.
set -euo pipefail

BATON_URL="${BATON_URL:-__BATON_URL__}"
token=""
while [ $# -gt 0 ]; do
  case "$1" in
    --token) token="${2:-}"; shift 2 ;;
    --token=*) token="${1#--token=}"; shift ;;
    *) echo "baton-install: unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -z "$token" ]; then
  echo "baton-install: --token <secret> is required (it is shown once when the member is enrolled)" >&2
  exit 2
fi

echo "baton-install: control plane ${BATON_URL}" >&2
echo "baton-install: the agent package is not available in this build yet; nothing was changed" >&2
exit 1
