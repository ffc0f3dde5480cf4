#!/usr/bin/env bash
# Baton agent installer, served by the control plane at /install.sh with its URL filled in. The
# dashboard's one-liner keeps the secret out of every process's arguments (printf is a builtin):
#   f="$(mktemp)" && curl -fsSL https://<cp>/install.sh -o "$f" &&
#     printf '%s\n' '<secret>' | sudo bash "$f" --token-stdin --release-key <key>; rm -f "$f"
# Installs Node (when the system's is older than 20.18), the agent bundle, /etc/baton/agent.env
# and the systemd unit, starts the agent and waits for its first accepted heartbeat. Re-running
# changes only what differs; --uninstall removes every trace. Run with --help for the options.
# Everything happens in main(), called on the last line: a truncated download runs nothing.
set -euo pipefail

BATON_URL="${BATON_URL:-__BATON_URL__}"
# Downloaded only when the system has no usable Node ≥ NODE_MIN; change both together.
NODE_VERSION="22.23.3"
NODE_MIN="20.18"
NODE_DIST_BASE="https://nodejs.org/dist"
UNIT="baton-agent.service"
# The agent mostly waits: V8's interpreter runs it at the same CPU cost as its JIT and ~10 MB less
# memory, and a 1 MiB young generation is plenty (npm run bench:agent; docs/decisions/0005).
AGENT_NODE_FLAGS="--jitless --no-expose-wasm --max-semi-space-size=1"
HEALTH_TIMEOUT_S=30

usage() {
  cat <<'EOF'
Usage: install.sh --token-stdin [options] <<<SECRET   (as root)
       install.sh --uninstall [--root DIR]

  --token-stdin           read the member's enrollment secret from standard input (run the
                          script from a file for this: its standard input is then free)
  --token-file PATH       read it from the first line of PATH ("-" is standard input)
  --token SECRET          give it on the command line (visible in ps and shell history)
                          With none of these, BATON_TOKEN from the environment is used, and on
                          re-runs the secret already in agent.env is kept.
  --release-key KEY       the release public key (npm run release:keygen): pinned in agent.env
                          as BATON_RELEASE_KEY; the bundle downloaded now and every agent.update
                          must be signed with it. Without one, agent.update is refused.
  --url URL               the control plane (default: the one this script came from)
  --hostname NAME         BATON_HOSTNAME: the enrolled hostname, if not this host's name
  --public-ip IPV4        BATON_PUBLIC_IP: the address the DNS record should point at
  --service-manager MGR   BATON_SERVICE_MANAGER: systemd (default) or direct
  --node-dist-base URL    where Node is downloaded from (default https://nodejs.org/dist;
                          https only, http just for loopback)
  --root DIR              install beneath DIR instead of / (for tests; root not required)
  --uninstall             stop the agent and remove everything this script installed
  --help                  this text

An option given as "" removes that setting. Re-running changes only what differs.
EOF
}

say() { printf 'baton-install: %s\n' "$*"; }
die() {
  printf 'baton-install: error: %s\n' "$*" >&2
  exit 1
}
usage_error() {
  printf 'baton-install: %s (see --help)\n' "$*" >&2
  exit 2
}

# Options; *_set says whether it was given at all (an empty value removes a setting).
opt_token="" opt_url="" opt_hostname="" opt_public_ip="" opt_service_manager=""
set_token=0 set_url=0 set_hostname=0 set_public_ip=0 set_service_manager=0
opt_release_key="" set_release_key=0
# Where the secret comes from: "" (BATON_TOKEN or agent.env), "argument", or a file ("-": stdin).
token_source="" token_label="--token"
ROOT="" uninstall=0 stage=""

parse_args() {
  local name value
  while [ $# -gt 0 ]; do
    name="$1"
    case "$name" in
      --help | -h)
        usage
        exit 0
        ;;
      --uninstall)
        uninstall=1
        shift
        continue
        ;;
      --token-stdin)
        set_token_source "-"
        shift
        continue
        ;;
      --*=*)
        value="${name#*=}"
        name="${name%%=*}"
        shift
        ;;
      --token | --token-file | --url | --hostname | --public-ip | --service-manager | --root | \
        --node-dist-base | --release-key)
        [ $# -ge 2 ] || usage_error "$name needs a value"
        value="$2"
        shift 2
        ;;
      *) usage_error "unknown option $name" ;;
    esac
    case "$name" in
      --token)
        set_token_source argument
        opt_token="$value" set_token=1
        ;;
      --token-file) set_token_source "$value" ;;
      --release-key) opt_release_key="$value" set_release_key=1 ;;
      --url) opt_url="${value%/}" set_url=1 ;;
      --hostname) opt_hostname="$value" set_hostname=1 ;;
      --public-ip) opt_public_ip="$value" set_public_ip=1 ;;
      --service-manager) opt_service_manager="$value" set_service_manager=1 ;;
      --root)
        [[ "$value" == /* ]] || usage_error "--root must be an absolute path"
        [ -d "$value" ] || usage_error "--root $value is not a directory"
        ROOT="${value%/}"
        ;;
      --node-dist-base) NODE_DIST_BASE="${value%/}" ;;
      *) usage_error "unknown option $name" ;;
    esac
  done
}

set_token_source() {
  [ -z "$token_source" ] || usage_error "give the secret once: --token, --token-file or --token-stdin"
  [ -n "$1" ] || usage_error "--token-file needs a path (\"-\" for standard input)"
  token_source="$1"
}

# Reads the secret from the file or stdin named by --token-file/--token-stdin, or BATON_TOKEN:
# with the read builtin, so it never becomes an argument of any process.
read_token() {
  local line="" from="$token_source"
  case "$from" in
    argument) return ;;
    "")
      [ -n "${BATON_TOKEN:-}" ] || return 0
      opt_token="$BATON_TOKEN" set_token=1 token_label="BATON_TOKEN"
      return
      ;;
    -)
      IFS= read -r line || [ -n "$line" ] ||
        usage_error "--token-stdin read nothing: pipe the secret in, and run this script from a file (bash install.sh), not piped into bash"
      from="standard input"
      token_label="the secret read from standard input"
      ;;
    *)
      [ -r "$from" ] || usage_error "--token-file $from cannot be read"
      IFS= read -r line <"$from" || [ -n "$line" ] || usage_error "--token-file $from is empty"
      token_label="the secret in $from"
      ;;
  esac
  line="${line%$'\r'}"
  line="${line#"${line%%[![:space:]]*}"}"
  opt_token="${line%"${line##*[![:space:]]}"}" set_token=1
  [ -n "$opt_token" ] || usage_error "the secret read from $from is empty"
}

# The agent accepts http only for loopback; values go into agent.env unquoted, so no spaces,
# quotes or other shell characters.
valid_url() {
  [[ "$1" =~ ^https://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$ ]] ||
    [[ "$1" =~ ^http://(127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|localhost|\[::1\])(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$ ]]
}

validate_options() {
  if [ "$set_token" = 1 ] && ! [[ "$opt_token" =~ ^[A-Za-z0-9._~+/=-]{1,512}$ ]]; then
    usage_error "$token_label must be the secret shown when the member was enrolled (letters and digits)"
  fi
  if [ "$set_url" = 1 ] && ! valid_url "$opt_url"; then
    usage_error "--url must be https://host[:port] (http only for loopback), not \"$opt_url\""
  fi
  if [ -n "$opt_hostname" ] && ! [[ "$opt_hostname" =~ ^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?$ ]]; then
    usage_error "--hostname must be a host name such as edge-1, not \"$opt_hostname\""
  fi
  if [ -n "$opt_public_ip" ]; then
    local octet ok=1
    [[ "$opt_public_ip" =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || ok=0
    if [ "$ok" = 1 ]; then
      for octet in ${opt_public_ip//./ }; do [ "$((10#$octet))" -le 255 ] || ok=0; done
    fi
    [ "$ok" = 1 ] || usage_error "--public-ip must be an IPv4 address such as 203.0.113.10"
  fi
  case "$opt_service_manager" in
    "" | systemd | direct) ;;
    *) usage_error "--service-manager must be systemd or direct" ;;
  esac
  valid_url "$NODE_DIST_BASE" ||
    usage_error "--node-dist-base must be https://host[/path] (http only for loopback), not \"$NODE_DIST_BASE\""
  if [ -n "$opt_release_key" ] && ! [[ "$opt_release_key" =~ ^[A-Za-z0-9+/]{43}=$ ]]; then
    usage_error "--release-key must be the release public key npm run release:keygen printed (44 base64 characters)"
  fi
}

# Reads os-release (under --root too) and accepts the Debian and RHEL families.
check_os() {
  local file="$ROOT/etc/os-release" key value id="" like="" pretty="" word family=""
  [ -r "$file" ] || file="$ROOT/usr/lib/os-release"
  [ -r "$file" ] || die "cannot tell which OS this is: no $ROOT/etc/os-release"
  while IFS='=' read -r key value; do
    value="${value#[\"\']}"
    value="${value%[\"\']}"
    case "$key" in
      ID) id="$value" ;;
      ID_LIKE) like="$value" ;;
      PRETTY_NAME) pretty="$value" ;;
    esac
  done <"$file"
  for word in $id $like; do
    case "$word" in
      debian | ubuntu) family="debian" ;;
      rhel | centos | fedora | rocky | almalinux) family="rhel" ;;
    esac
    [ -z "$family" ] || break
  done
  [ -n "$family" ] || die "unsupported OS: ${pretty:-unknown} (ID=${id:-none}); supported: Debian, Ubuntu, RHEL, Rocky Linux, AlmaLinux, CentOS, Fedora"
  say "os: ${pretty:-$id} ($family family)"
}

# True when version $1 (e.g. 20.20.2) is at least $2 (major.minor).
version_at_least() {
  local major minor min_major min_minor
  IFS=. read -r major minor _ <<<"$1"
  IFS=. read -r min_major min_minor <<<"$2"
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  [ "$major" -gt "$min_major" ] || { [ "$major" -eq "$min_major" ] && [ "$minor" -ge "$min_minor" ]; }
}

# Prints the version of the node binary $1 if it runs and is new enough.
usable_node() {
  local version
  [ -x "$1" ] || return 1
  version="$("$1" --version 2>/dev/null </dev/null)" || return 1
  version_at_least "${version#v}" "$NODE_MIN" || return 1
  printf '%s\n' "$version"
}

fetch() {
  curl -fsS --location --proto '=https,http' --proto-redir '=https' --retry 2 --connect-timeout 10 --max-time 600 \
    -o "$2" "$1" </dev/null || die "cannot download $1"
}

# Checks $1 against the `<sha256>  <name>` line in $2 (never lets that file name another path).
verify_sha256() {
  local file="$1" sums="$2" expected name actual
  read -r expected name <"$sums" || true
  [[ "$expected" =~ ^[0-9a-f]{64}$ && "$name" == "$(basename "$file")" ]] ||
    die "$(basename "$sums") is not a checksum of $(basename "$file"); nothing was installed"
  actual="$(sha256sum "$file" | cut -d' ' -f1)"
  [ "$actual" = "$expected" ] ||
    die "checksum mismatch for $(basename "$file"): expected $expected, got $actual; nothing was installed"
}

# Chooses the Node the agent runs on: the system's if usable (BATON_SYSTEM_NODE names it for
# tests), else Node $NODE_VERSION in /opt/baton/node, downloaded and verified into the stage
# when not already there. Sets node_cmd (as the wrapper calls it), node_run (as this script
# can run it now) and node_download.
choose_node() {
  local system version arch ext tarball expected resolved
  node_download=0
  system="${BATON_SYSTEM_NODE-$(command -v node || true)}"
  if [ -n "$system" ] && version="$(usable_node "$system")"; then
    resolved="$(readlink -f "$system")"
    case "$resolved" in
      *[!A-Za-z0-9._/+-]*)
        say "node: $system has characters the wrapper will not quote"
        ;;
      /root/* | /home/* | /run/user/*)
        say "node: $system is under a home directory, which the service cannot see (ProtectHome)"
        ;;
      *)
        node_cmd="$system" node_run="$system"
        say "node: $system $version (system)"
        return
        ;;
    esac
  fi
  node_cmd="/opt/baton/node/bin/node" node_run="$NODE_DIR/bin/node"
  case "$(uname -m)" in
    x86_64 | amd64) arch="x64" ;;
    aarch64 | arm64) arch="arm64" ;;
    *) die "no usable Node ≥ $NODE_MIN here and no Node build for $(uname -m); install Node ≥ $NODE_MIN and re-run" ;;
  esac
  if [ "$(cat "$NODE_DIR/.baton-node" 2>/dev/null)" = "v$NODE_VERSION linux-$arch" ] &&
    version="$(usable_node "$node_run")"; then
    say "node: /opt/baton/node $version, unchanged"
    return
  fi
  ext="xz"
  command -v xz >/dev/null || ext="gz"
  tarball="node-v$NODE_VERSION-linux-$arch.tar.$ext"
  say "node: no system Node ≥ $NODE_MIN; downloading $tarball"
  fetch "$NODE_DIST_BASE/v$NODE_VERSION/SHASUMS256.txt" "$stage/SHASUMS256.txt"
  expected="$(awk -v name="$tarball" '$2 == name { print $1 }' "$stage/SHASUMS256.txt")"
  [ -n "$expected" ] || die "SHASUMS256.txt lists no $tarball; nothing was installed"
  fetch "$NODE_DIST_BASE/v$NODE_VERSION/$tarball" "$stage/$tarball"
  printf '%s  %s\n' "$expected" "$tarball" >"$stage/$tarball.sha256"
  verify_sha256 "$stage/$tarball" "$stage/$tarball.sha256"
  mkdir "$stage/node"
  tar -xf "$stage/$tarball" -C "$stage/node" --strip-components=1 --no-same-owner ||
    die "cannot unpack $tarball; nothing was installed"
  version="$(usable_node "$stage/node/bin/node")" ||
    die "the downloaded Node does not run here; nothing was installed"
  printf 'v%s linux-%s\n' "$NODE_VERSION" "$arch" >"$stage/node/.baton-node"
  node_download=1
}

# With a release key, the bundle must carry its signature (npm run release:sign), checked with
# the Node chosen above; the key comes from the admin, never from the control plane's answers.
verify_release_signature() {
  if [ -z "$release_key" ]; then
    say "release key: none pinned; agent.update stays refused until you re-run with --release-key KEY"
    return
  fi
  [[ "$release_key" =~ ^[A-Za-z0-9+/]{43}=$ ]] ||
    die "the release key pinned in /etc/baton is not a release public key; re-run with --release-key KEY"
  curl -fsS --proto '=https,http' --proto-redir '=https' --retry 2 --connect-timeout 10 --max-time 60 \
    -o "$stage/baton-agent.mjs.sig" "$1/agent/baton-agent.mjs.sig" </dev/null ||
    die "the control plane serves no release signature ($1/agent/baton-agent.mjs.sig): sign the release with npm run release:sign and deploy it; nothing was installed"
  # shellcheck disable=SC2016 # JavaScript, not shell
  "$node_run" -e '
    const [key, bundle, sig] = process.argv.slice(1);
    const { createPublicKey, verify } = require("node:crypto");
    const { readFileSync } = require("node:fs");
    const signature = readFileSync(sig, "utf8").trim();
    if (!/^[A-Za-z0-9+/]{86}==$/.test(signature)) process.exit(1);
    const x = Buffer.from(key, "base64").toString("base64url");
    const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
    process.exit(verify(null, readFileSync(bundle), publicKey, Buffer.from(signature, "base64")) ? 0 : 1);
  ' "$release_key" "$stage/baton-agent.mjs" "$stage/baton-agent.mjs.sig" </dev/null ||
    die "the agent bundle is not signed with release key $release_key (or was altered); nothing was installed"
  say "release key: bundle signature verified ($release_key)"
}

changed=0

# Installs $1 at $2 with mode $3 unless $2 already has that content; says so under label $4,
# with detail $5 when given.
put_file() {
  local src="$1" dest="$2" mode="$3" label="$4" detail="${5:+ ($5)}" tmp
  if [ -f "$dest" ] && cmp -s "$src" "$dest"; then
    if [ "$(stat -c %a "$dest")" != "$mode" ]; then
      chmod "$mode" "$dest"
      changed=1
      say "$label: mode set to $mode"
    else
      say "$label: unchanged"
    fi
    return 1
  fi
  local verb="installed"
  [ ! -e "$dest" ] || verb="updated"
  mkdir -p "$(dirname "$dest")"
  tmp="$dest.baton-new"
  (umask 077 && cp "$src" "$tmp")
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$dest"
  changed=1
  say "$label: $verb$detail"
}

# agent.env: existing lines kept (comments and settings this script does not own included);
# only the settings given change. Sets env_changes to the names that changed.
declare -A env_old=() env_new=()
env_changes=""
# The key the bundle must be signed with: given now, or pinned in agent.env by an earlier run.
release_key=""

read_env() {
  local line key value
  [ -f "$ENV_FILE" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=(.*)$ ]] || continue
    key="${BASH_REMATCH[2]}"
    value="${BASH_REMATCH[3]}"
    value="${value#[\"\']}"
    env_old[$key]="${value%[\"\']}"
  done <"$ENV_FILE"
}

plan_env() {
  local served=""
  [ "$BATON_URL" = "__BATON""_URL__" ] || served="${BATON_URL%/}"
  if [ "$set_url" = 1 ]; then
    env_new[BATON_URL]="$opt_url"
  elif [ -n "$served" ]; then
    valid_url "$served" || die "this script was served for \"$served\", which the agent cannot use; pass --url"
    env_new[BATON_URL]="$served"
  elif [ -z "${env_old[BATON_URL]:-}" ]; then
    usage_error "--url is required (this copy of install.sh was not served by a control plane)"
  fi
  if [ "$set_token" = 1 ]; then
    env_new[BATON_TOKEN]="$opt_token"
    env_new[BATON_TOKEN_FILE]="" # the agent refuses both
  elif [ -z "${env_old[BATON_TOKEN]:-}${env_old[BATON_TOKEN_FILE]:-}" ]; then
    usage_error "the member's secret is required: --token-stdin, --token-file PATH or BATON_TOKEN (it is shown once when the member is enrolled)"
  fi
  if [ "$set_release_key" = 1 ]; then
    env_new[BATON_RELEASE_KEY]="$opt_release_key"
    env_new[BATON_RELEASE_KEY_FILE]="" # the agent refuses both
    release_key="$opt_release_key"
  elif [ -n "${env_old[BATON_RELEASE_KEY]:-}" ]; then
    release_key="${env_old[BATON_RELEASE_KEY]}"
  elif [ -n "${env_old[BATON_RELEASE_KEY_FILE]:-}" ]; then
    IFS= read -r release_key <"$ROOT${env_old[BATON_RELEASE_KEY_FILE]}" || true
  fi
  [ "$set_hostname" = 0 ] || env_new[BATON_HOSTNAME]="$opt_hostname"
  [ "$set_public_ip" = 0 ] || env_new[BATON_PUBLIC_IP]="$opt_public_ip"
  [ "$set_service_manager" = 0 ] || env_new[BATON_SERVICE_MANAGER]="$opt_service_manager"
}

# Writes the planned agent.env into $1.
render_env() {
  local out="$1" line key done_keys=" "
  if [ -f "$ENV_FILE" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ "$line" =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*= ]] &&
        [ -n "${env_new[${BASH_REMATCH[2]}]+set}" ]; then
        key="${BASH_REMATCH[2]}"
        [[ "$done_keys" == *" $key "* ]] && continue
        done_keys+="$key "
        [ -z "${env_new[$key]}" ] || printf '%s=%s\n' "$key" "${env_new[$key]}"
      else
        printf '%s\n' "$line"
      fi
    done <"$ENV_FILE" >"$out"
  else
    printf '# Baton agent settings, written by install.sh (re-run it to change them).\n' >"$out"
  fi
  for key in BATON_URL BATON_TOKEN BATON_TOKEN_FILE BATON_HOSTNAME BATON_PUBLIC_IP \
    BATON_SERVICE_MANAGER BATON_RELEASE_KEY BATON_RELEASE_KEY_FILE; do
    [ -n "${env_new[$key]+set}" ] || continue
    if [[ "$done_keys" != *" $key "* ]] && [ -n "${env_new[$key]}" ]; then
      printf '%s=%s\n' "$key" "${env_new[$key]}" >>"$out"
    fi
    [ "${env_old[$key]:-}" = "${env_new[$key]}" ] || env_changes+="${env_changes:+, }$key"
  done
}

install_files() {
  local version
  version="$("$node_run" "$stage/baton-agent.mjs" version </dev/null 2>/dev/null || echo unknown)"
  mkdir -p "$ROOT/opt/baton/agent" "$ROOT/opt/baton/bin"
  if [ "$node_download" = 1 ]; then
    rm -rf "$ROOT/opt/baton/.node-new" "$ROOT/opt/baton/.node-old"
    cp -a "$stage/node" "$ROOT/opt/baton/.node-new"
    [ ! -d "$NODE_DIR" ] || mv "$NODE_DIR" "$ROOT/opt/baton/.node-old"
    mv "$ROOT/opt/baton/.node-new" "$NODE_DIR"
    rm -rf "$ROOT/opt/baton/.node-old"
    changed=1
    say "node: installed in /opt/baton/node"
  fi
  put_file "$stage/baton-agent.mjs" "$ROOT/opt/baton/agent/baton-agent.mjs" 644 "agent $version" || true
  printf '#!/bin/sh\n# Written by install.sh: the Node the agent runs on. Re-run install.sh to change it.\nexec %s %s /opt/baton/agent/baton-agent.mjs "$@"\n' \
    "$node_cmd" "$AGENT_NODE_FLAGS" >"$stage/baton-agent"
  put_file "$stage/baton-agent" "$ROOT/opt/baton/bin/baton-agent" 755 "/opt/baton/bin/baton-agent" || true
  if [ "$node_cmd" != "/opt/baton/node/bin/node" ] && [ -d "$NODE_DIR" ]; then
    rm -rf "$NODE_DIR"
    changed=1
    say "node: removed /opt/baton/node (the system's Node is used)"
  fi

  mkdir -p "$ROOT/etc/baton"
  chmod 0700 "$ROOT/etc/baton"
  render_env "$stage/agent.env"
  put_file "$stage/agent.env" "$ENV_FILE" 600 "/etc/baton/agent.env" "$env_changes" || true

  unit_changed=0
  if put_file "$stage/$UNIT" "$UNIT_FILE" 644 "/etc/systemd/system/$UNIT"; then unit_changed=1; fi
}

start_service() {
  [ "$unit_changed" = 0 ] || systemctl daemon-reload
  if ! systemctl is-enabled --quiet "$UNIT" 2>/dev/null; then
    systemctl enable --now "$UNIT"
    say "service: enabled and started"
  elif ! systemctl is-active --quiet "$UNIT"; then
    systemctl start "$UNIT"
    say "service: started"
  elif [ "$changed" = 1 ]; then
    systemctl restart "$UNIT"
    say "service: restarted"
  else
    say "service: running, unchanged"
  fi
}

# The installed agent's own `health` (one heartbeat, with agent.env alone) until it is accepted,
# refused (then the fix is printed: waiting cannot help) or HEALTH_TIMEOUT_S passes.
wait_for_heartbeat() {
  local deadline=$((SECONDS + HEALTH_TIMEOUT_S)) out
  while :; do
    if out="$(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin BATON_ENV_FILE="$ENV_FILE" \
      "$node_run" "$ROOT/opt/baton/agent/baton-agent.mjs" health 2>&1 </dev/null)"; then
      say "$out"
      break
    fi
    case "$out" in
      refused:*)
        say "$out"
        die "the control plane refused the agent; fix the above and re-run install.sh (the agent keeps retrying meanwhile)"
        ;;
      unavailable:*)
        if [ "$SECONDS" -ge "$deadline" ]; then
          say "$out"
          die "no accepted heartbeat within ${HEALTH_TIMEOUT_S} s; see journalctl -u baton-agent"
        fi
        sleep 2
        ;;
      *)
        say "${out:-the agent exited without a word}"
        die "the agent cannot start with /etc/baton/agent.env; fix it and re-run install.sh"
        ;;
    esac
  done
  systemctl is-active --quiet "$UNIT" || die "$UNIT is not active; see journalctl -u baton-agent"
}

do_install() {
  check_os
  command -v systemctl >/dev/null || die "systemctl not found: the agent runs as a systemd service"
  command -v curl >/dev/null || die "curl not found"
  read_env
  plan_env
  local url="${env_new[BATON_URL]:-${env_old[BATON_URL]:-}}"
  say "control plane: $url"

  # Everything is downloaded and verified before anything is installed.
  stage="$(mktemp -d "${TMPDIR:-/tmp}/baton-install.XXXXXX")"
  choose_node
  fetch "$url/agent/baton-agent.mjs" "$stage/baton-agent.mjs"
  fetch "$url/agent/baton-agent.mjs.sha256" "$stage/baton-agent.mjs.sha256"
  verify_sha256 "$stage/baton-agent.mjs" "$stage/baton-agent.mjs.sha256"
  verify_release_signature "$url"
  fetch "$url/agent/$UNIT" "$stage/$UNIT"
  fetch "$url/agent/$UNIT.sha256" "$stage/$UNIT.sha256"
  verify_sha256 "$stage/$UNIT" "$stage/$UNIT.sha256"

  install_files
  start_service
  wait_for_heartbeat
  say "done: the agent reports to $url (run /opt/baton/bin/baton-agent health to check again)"
}

do_uninstall() {
  local path removed=0
  if command -v systemctl >/dev/null; then
    if [ -f "$UNIT_FILE" ] || systemctl is-enabled --quiet "$UNIT" 2>/dev/null; then
      systemctl disable --now "$UNIT" || true
      say "service: stopped and disabled"
      removed=1
    fi
  fi
  for path in "$UNIT_FILE" "$UNIT_FILE.d" "$ROOT/opt/baton" "$ROOT/etc/baton" "$ROOT/var/lib/baton"; do
    [ -e "$path" ] || continue
    rm -rf "$path"
    say "removed ${path#"$ROOT"}"
    removed=1
  done
  if [ "$removed" = 0 ]; then
    say "nothing to remove: the Baton agent is not installed"
  elif command -v systemctl >/dev/null; then
    systemctl daemon-reload || true
    systemctl reset-failed "$UNIT" 2>/dev/null || true
  fi
}

main() {
  parse_args "$@"
  if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then
    die "run as root: sudo bash install.sh --token-stdin (the secret on standard input)"
  fi
  umask 022
  ENV_FILE="$ROOT/etc/baton/agent.env"
  NODE_DIR="$ROOT/opt/baton/node"
  UNIT_FILE="$ROOT/etc/systemd/system/$UNIT"
  trap '[ -z "$stage" ] || rm -rf "$stage"' EXIT
  if [ "$uninstall" = 1 ]; then
    do_uninstall
  else
    read_token
    validate_options
    do_install
  fi
}

main "$@"
