import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import { upgrade } from "../coordinator/agent-socket-client";
import { admin, createPool, enroll } from "../helpers";

async function refusal(response: Response) {
  const body = (await response.json()) as ErrorBody;
  return { status: response.status, code: body.error.code, message: body.error.message };
}

describe("GET /agent/v1/connect", () => {
  it("upgrades an enrolled agent", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const response = await upgrade(edge);
    expect(response.status).toBe(101);
    response.webSocket?.accept();
    response.webSocket?.close(1000, "done");
  });

  it("refuses with the codes of an HTTP heartbeat", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    expect(await refusal(await upgrade(edge, { Authorization: "Bearer nope" }))).toMatchObject({
      status: 401,
      code: "bad_secret",
    });
    expect(await refusal(await upgrade(edge, { "CF-Connecting-IP": "192.0.2.99" }))).toMatchObject({
      status: 403,
      code: "ip_not_allowed",
    });
    const elsewhere = await refusal(await upgrade(edge, { "X-Baton-Hostname": "other-host" }));
    expect(elsewhere).toMatchObject({ status: 403, code: "hostname_mismatch" });
    expect(elsewhere.message).toContain(edge.member.hostname);
    expect(await refusal(await upgrade(edge, { "X-Baton-Protocol": "99" }))).toMatchObject({
      status: 426,
      code: "unsupported_protocol",
    });
  });

  it("asks for the upgrade and the hostname when they are missing", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const plain = await refusal(await upgrade(edge, { Upgrade: "" }));
    expect(plain).toMatchObject({ status: 426, code: "validation_failed" });
    expect(plain.message).toContain("Upgrade: websocket");
    const nameless = await refusal(await upgrade(edge, { "X-Baton-Hostname": "" }));
    expect(nameless).toMatchObject({ status: 400, code: "validation_failed" });
    expect(nameless.message).toContain("X-Baton-Hostname");
  });

  it("refuses a removed member's secret", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    expect((await admin(`/members/${edge.member.id}`, { method: "DELETE" })).status).toBe(200);
    expect(await refusal(await upgrade(edge))).toMatchObject({ status: 401, code: "bad_secret" });
  });
});
