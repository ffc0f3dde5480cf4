/**
 * The install one-liner with its secret, shown once in the answer to the POST that made it (never
 * in a redirect or a flash). The Copy button stays hidden until dashboard/app.js wires it.
 */
export function InstallCommand({
  command,
  id = "install-command",
}: {
  command: string;
  id?: string;
}) {
  return (
    <div class="install-command">
      <pre id={id} data-testid="install-command">
        {command}
      </pre>
      <button type="button" data-copy={id} data-testid="copy-install-command" hidden>
        Copy
      </button>
    </div>
  );
}
