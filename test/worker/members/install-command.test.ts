// The install one-liner: the secret appears once, as printf's argument (a shell builtin, so in no
// process's arguments), reaches install.sh on its standard input, and a configured release key
// is pinned. test/install/install.test.ts runs this very command end to end.
import { describe, expect, it } from "vitest";
import { installCommand } from "../../../worker/members/install-command";

const SECRET = "AbCdEfGh0123456789AbCdEfGh0123456789AbCdEfGh0123";
const KEY = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const BASE = "https://baton.example.com";

describe("installCommand", () => {
  it("hands the secret to install.sh through printf and standard input only", () => {
    const command = installCommand(BASE, SECRET);
    expect(command).toBe(
      ` f="$(mktemp)" && curl -fsSL ${BASE}/install.sh -o "$f" && printf '%s\\n' '${SECRET}' | sudo bash "$f" --token-stdin; rm -f "$f"`,
    );
    expect(command.split(SECRET)).toHaveLength(2);
    expect(command).not.toContain("--token ");
  });

  it("starts with a space, which keeps it out of bash's history under HISTCONTROL=ignorespace", () => {
    expect(installCommand(BASE, SECRET)).toMatch(/^ \S/);
  });

  it("pins the release key when one is configured", () => {
    expect(installCommand(BASE, SECRET, KEY)).toContain(
      `| sudo bash "$f" --token-stdin --release-key ${KEY}; rm -f "$f"`,
    );
    expect(installCommand(BASE, SECRET, undefined)).not.toContain("--release-key");
  });
});
