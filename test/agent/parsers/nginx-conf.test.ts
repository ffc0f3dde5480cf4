/** The main-context `pid` directive in `nginx -T` output, as nginx 1.22 prints it. */
import { describe, expect, it } from "vitest";
import { findNginxPidPath } from "../../../agent/parsers/nginx-conf";

const dump = (...files: [string, string][]) =>
  files.map(([path, text]) => `# configuration file ${path}:\n${text}\n`).join("");

describe("findNginxPidPath", () => {
  it.each([
    {
      name: "Debian's pid line",
      text: dump(["/etc/nginx/nginx.conf", "user www-data;\npid /run/nginx.pid;\nevents {}\n"]),
      want: "/run/nginx.pid",
    },
    {
      name: "a quoted relative path",
      text: dump(["/x/nginx.conf", "pid 'logs/nginx.pid';  # comment\n"]),
      want: "logs/nginx.pid",
    },
    {
      name: "no pid line",
      text: dump(["/x/nginx.conf", "events {}\nhttp { server { listen 80; } }\n"]),
      want: undefined,
    },
    {
      name: "a commented-out line",
      text: dump(["/x/nginx.conf", "# pid /run/old.pid;\nevents {}\n"]),
      want: undefined,
    },
    {
      name: "a map entry named pid, and variable braces",
      text: dump(["/x/nginx.conf", `http { map $a $b { pid 1; } log_format x "$\{host} pid"; }\n`]),
      want: undefined,
    },
    {
      name: "a pid line in a file included at the top level",
      text: dump(
        ["/x/nginx.conf", "include /x/main.d/*.conf;\nhttp { server { } }\n"],
        ["/x/main.d/pid.conf", "pid /tmp/p.pid;"],
      ),
      want: "/tmp/p.pid",
    },
  ])("$name", ({ text, want }) => {
    expect(findNginxPidPath(text)).toBe(want);
  });
});
