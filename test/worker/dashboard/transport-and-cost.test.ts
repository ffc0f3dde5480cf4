import { describe, expect, it } from "vitest";
import { createPool, enroll, heartbeat } from "../helpers";
import { byTestId, textOf } from "./html";
import { browserAs, fetchAs } from "./pages-as";

// Issue #17 on the dashboard: the member page says how its heartbeats travel, and the pool's
// Settings tab estimates what the pool costs to run on each transport.
describe("heartbeat transport and running cost", () => {
  it("shows the transport the member's latest heartbeat came over", async () => {
    const viewer = await browserAs("viewer");
    const pool = await createPool();
    const edge = await enroll(pool.id);
    await heartbeat(edge, { transport: "ws" });
    const html = await (await fetchAs(viewer, `/members/${edge.member.id}/status`)).text();
    expect(textOf(html, "member-transport")).toBe("WebSocket");
    await heartbeat(edge, { transport: "http" });
    const again = await (await fetchAs(viewer, `/members/${edge.member.id}/status`)).text();
    expect(textOf(again, "member-transport")).toBe("HTTP");
  });

  it("estimates the pool's daily requests and monthly cost on both transports", async () => {
    const viewer = await browserAs("viewer");
    const pool = await createPool();
    await enroll(pool.id);
    await enroll(pool.id);
    const html = await (await fetchAs(viewer, `/pools/${pool.id}/settings`)).text();
    expect(textOf(html, "running-cost")).toContain("2 members beating every 1 s");
    const rows = html.match(/<tr data-transport="(ws|http)">[\s\S]*?<\/tr>/g) ?? [];
    const cells = rows.map((row) =>
      [...row.matchAll(/<td>([^<]*)<\/td>/g)].map((match) => match[1]),
    );
    // Over HTTP every beat is a Worker request and an object request: 2 × 86,400 a day, which is
    // more than the free plan's 100,000; over a socket a beat is a twentieth of a request.
    expect(cells[0]).toEqual(["WebSocket (default)", "48", "20,208", "20%", "$0.11/month"]);
    expect(cells[1]?.slice(0, 4)).toEqual([
      "HTTP heartbeats (fallback)",
      "172,800",
      "184,320",
      "184%",
    ]);
    expect(byTestId(html, "running-cost")).toHaveLength(1);
  });
});
