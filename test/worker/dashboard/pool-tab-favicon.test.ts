import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createPool } from "../helpers";
import { browserAs, htmlOf } from "./pages-as";

// Every tab of a pool wears the pool's health on its favicon, as the pools list colours it (the
// health the coordinator records on the pool), not only the overview.
const TABS = ["dns", "events", "settings", "recovery", "certificates", "balancer"];

describe("a pool tab's favicon", () => {
  it.each(TABS)("the %s tab shows the pool's recorded health", async (tab) => {
    const pool = await createPool();
    await env.DB.prepare("UPDATE pools SET members_health = 'at_risk' WHERE id = ?")
      .bind(pool.id)
      .run();
    const html = await htmlOf(await browserAs("viewer"), `/pools/${pool.id}/${tab}`);
    expect(html).toContain('href="/dashboard/favicon-at-risk.svg"');
  });

  it("stays Baton's own icon for a pool whose health is not known yet", async () => {
    const pool = await createPool();
    const html = await htmlOf(await browserAs("viewer"), `/pools/${pool.id}/dns`);
    expect(html).toContain('href="/dashboard/favicon.svg"');
  });
});
