/** externalProblem: where a restore may put a file the config references outside its dir. */
import { describe, expect, it } from "vitest";
import { externalProblem } from "../../../agent/jobs/backup-manifest";

const dirs = ["/etc/haproxy", "/etc/ssl/baton", "/srv/certs"];

describe("externalProblem", () => {
  it.each(["/etc/ssl/baton/site.pem", "/etc/ssl/baton/sub/key.pem", "/srv/certs/a.pem"])(
    "allows %s",
    (path) => {
      expect(externalProblem(path, "/etc/haproxy", dirs)).toBeNull();
    },
  );

  it.each([
    ["/etc/shadow", /outside the directories restores may write .*BATON_ALLOWED_DIRS/],
    ["/etc/ssl/baton-evil/x.pem", /outside the directories/],
    ["/etc/ssl/baton", /outside the directories/],
    ["/etc/ssl/baton/../../shadow", /not a plain absolute path/],
    ["/etc/ssl/baton/./x.pem", /not a plain absolute path/],
    ["/etc/ssl//baton/x.pem", /not a plain absolute path/],
    ["/etc/ssl/baton/x/", /not a plain absolute path/],
    ["/etc/haproxy/x.pem", /inside the config directory/],
  ])("refuses %s", (path, message) => {
    expect(externalProblem(path, "/etc/haproxy", dirs)).toMatch(message);
  });
});
