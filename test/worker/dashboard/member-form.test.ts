import { describe, expect, it } from "vitest";
import {
  allowedIpLines,
  changedFields,
  createMemberFromForm,
  fieldErrorsOf,
  type MemberFormInput,
  memberFormInput,
  memberFormOf,
  memberPatchFromForm,
} from "../../../worker/dashboard/member-settings/form";

// The member forms (Settings, Add member) read as the admin API's CreateMember and UpdateMember.
const CURRENT = {
  name: "edge-1",
  hostname: "edge-1",
  allowedIps: ["203.0.113.7", "2001:db8::/48"],
  priority: 10,
};
const AS_STORED: MemberFormInput = memberFormOf(CURRENT);

describe("allowedIpLines", () => {
  it.each([
    ["", []],
    ["203.0.113.7", ["203.0.113.7"]],
    [" 203.0.113.7 \r\n\n 10.0.0.0/8\n", ["203.0.113.7", "10.0.0.0/8"]],
    ["203.0.113.7, 198.51.100.1", ["203.0.113.7", "198.51.100.1"]],
  ])("%j → %j", (text, lines) => {
    expect(allowedIpLines(text)).toEqual(lines);
  });
});

describe("memberPatchFromForm", () => {
  it("shows the stored member as the form's value, one allowed IP per line", () => {
    expect(AS_STORED).toEqual({
      name: "edge-1",
      hostname: "edge-1",
      allowedIps: "203.0.113.7\n2001:db8::/48",
      priority: "10",
    });
  });

  it("sends only what changed", () => {
    const input = { ...AS_STORED, priority: " 5 ", allowedIps: "203.0.113.7\n10.0.0.0/8\n" };
    expect(memberPatchFromForm(input, CURRENT)).toEqual({
      ok: true,
      value: { priority: 5, allowedIps: ["203.0.113.7", "10.0.0.0/8"] },
    });
    expect(memberPatchFromForm({ ...AS_STORED, hostname: "Edge-2.Example.com" }, CURRENT)).toEqual({
      ok: true,
      value: { hostname: "edge-2.example.com" },
    });
  });

  it("answers null when nothing changed (the schema's own lowercasing and trimming included)", () => {
    expect(memberPatchFromForm({ ...AS_STORED, hostname: " EDGE-1 " }, CURRENT)).toEqual({
      ok: true,
      value: null,
    });
  });

  it.each([
    [
      "a bad CIDR, named by its value",
      { allowedIps: "203.0.113.7\n10.0.0.300/8" },
      { allowedIps: expect.stringMatching(/^10\.0\.0\.300\/8: must be an IPv4\/IPv6 address/) },
    ],
    [
      "an empty allowed-IP list",
      { allowedIps: " \n" },
      { allowedIps: expect.stringContaining("list at least one address") },
    ],
    ["an empty name", { name: "  " }, { name: "must not be empty" }],
    [
      "a hostname with spaces",
      { hostname: "edge one" },
      { hostname: expect.stringContaining("must be the VM's hostname") },
    ],
    [
      "a priority that is not a number",
      { priority: "high" },
      { priority: expect.stringContaining("whole number") },
    ],
    ["an empty priority", { priority: "" }, { priority: expect.stringContaining("whole number") }],
    ["a fractional priority", { priority: "1.5" }, { priority: "must be a whole number" }],
    ["a priority out of range", { priority: "1001" }, { priority: expect.any(String) }],
  ])("refuses %s", (_name, change, errors) => {
    expect(memberPatchFromForm({ ...AS_STORED, ...change }, CURRENT)).toEqual({
      ok: false,
      errors,
    });
  });

  it("names every bad field at once", () => {
    const result = memberPatchFromForm(
      { name: "", hostname: "x y", allowedIps: "nope\n1.2.3.4\nalso-bad", priority: "-1" },
      CURRENT,
    );
    expect(result.ok).toBe(false);
    const errors = result.ok ? {} : result.errors;
    expect(Object.keys(errors).sort()).toEqual(["allowedIps", "hostname", "name", "priority"]);
    expect(errors.allowedIps).toMatch(/^nope: .*; also-bad: /);
  });
});

describe("createMemberFromForm", () => {
  const input = { name: "edge-2", hostname: "Edge-2", allowedIps: "0.0.0.0/0", priority: "" };

  it("leaves an empty priority to the schema's default", () => {
    expect(createMemberFromForm(input)).toEqual({
      ok: true,
      value: { name: "edge-2", hostname: "edge-2", allowedIps: ["0.0.0.0/0"], priority: 100 },
    });
    expect(createMemberFromForm({ ...input, priority: "3" })).toMatchObject({
      ok: true,
      value: { priority: 3 },
    });
  });

  it("refuses what the API refuses", () => {
    expect(createMemberFromForm({ ...input, allowedIps: "" })).toMatchObject({
      ok: false,
      errors: { allowedIps: expect.stringContaining("at least one") },
    });
  });
});

describe("fieldErrorsOf and the rest", () => {
  it("maps the API's dotted issue paths; issues of no field go to the form", () => {
    expect(
      fieldErrorsOf(
        [
          { path: "allowedIps.1", message: "bad" },
          { path: "priority", message: "too big" },
          { path: "body", message: "odd" },
        ],
        ["1.2.3.4", "x"],
      ),
    ).toEqual({ allowedIps: "x: bad", priority: "too big", form: "odd" });
  });

  it("reads the form post's text fields, ignoring files and repeats", () => {
    const file = new File(["x"], "x.txt");
    expect(memberFormInput({ name: ["a", "b"], hostname: file, allowedIps: "1.2.3.4" })).toEqual({
      name: "a",
      hostname: "",
      allowedIps: "1.2.3.4",
      priority: "",
    });
  });

  it("says which fields a patch changes", () => {
    expect(changedFields({ priority: 1, allowedIps: ["1.2.3.4"] })).toBe("priority, allowed IPs");
  });
});
