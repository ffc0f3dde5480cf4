/**
 * Where agents reach this control plane: PUBLIC_URL when it is set, else the origin the request
 * came to (right for `wrangler dev` and a workers.dev deployment).
 */
export function controlPlaneUrl(publicUrl: string | undefined, requestUrl: string): string {
  return publicUrl ?? new URL(requestUrl).origin;
}

/** The one-liner an admin pastes on the VM. */
export function installCommand(baseUrl: string, secret: string): string {
  return `curl -fsSL ${baseUrl}/install.sh | sudo bash -s -- --token ${secret}`;
}
