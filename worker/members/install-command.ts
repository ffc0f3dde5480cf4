/**
 * Where agents reach this control plane: PUBLIC_URL when it is set, else the origin the request
 * came to (right for `wrangler dev` and a workers.dev deployment).
 */
export function controlPlaneUrl(publicUrl: string | undefined, requestUrl: string): string {
  return publicUrl ?? new URL(requestUrl).origin;
}

/**
 * The one-liner an admin pastes on the VM. The secret is written only by `printf`, a shell
 * builtin, into install.sh's standard input (--token-stdin), so it is in no process's arguments
 * (`ps`, sudo's log); the script is saved to a mktemp file first so that its standard input is
 * free. The leading space keeps the line out of bash's history where HISTCONTROL ignores
 * space-prefixed lines (Debian's and Ubuntu's default). With a release key configured it is
 * pinned on the VM (`--release-key`), so the agent installs only bundles signed with it.
 */
export function installCommand(baseUrl: string, secret: string, releaseKey?: string): string {
  const pin = releaseKey ? ` --release-key ${releaseKey}` : "";
  return ` f="$(mktemp)" && curl -fsSL ${baseUrl}/install.sh -o "$f" && printf '%s\\n' '${secret}' | sudo bash "$f" --token-stdin${pin}; rm -f "$f"`;
}
