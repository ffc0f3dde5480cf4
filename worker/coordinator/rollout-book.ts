/**
 * What a pool's coordinator holds about its managed balancer: the settings, the live revision,
 * each member's last applied revision, the running rollout, and which drifts it has recorded.
 * Loaded from D1 when the coordinator opens the pool; rollout-calls.ts changes it, writing D1
 * first.
 */
import type { BalancerOnDisk } from "../../shared/heartbeat";
import type { Db } from "../db/client";
import type { BalancerSettingsRow } from "../db/schema/rollouts";
import { parityProblem } from "../failover/parity";
import type { RenderedRevision } from "../rollouts/revision-source";
import {
  type Applied,
  appliedByMember,
  liveRevision,
  loadSettings,
  type RolloutWithSteps,
  runningRollout,
} from "../rollouts/store";
import type { LiveMember } from "./live-member";

const DRIFT = "balancer-drift:";
const SYNCED = "balancer-synced:";

export class RolloutBook {
  settings: BalancerSettingsRow | null = null;
  live: Applied | null = null;
  applied = new Map<string, Applied>();
  /** The rollout being carried out (also an aborted one until its running steps finish). */
  running: RolloutWithSteps | null = null;
  /** The running rollout's rendered revision, loaded once (again after a restart). */
  rendered: RenderedRevision | null = null;
  /**
   * The SHA-256 each drift event named, so one drift is recorded once, and the members sent the
   * live revision by a sync (tried once). Kept in the object's storage too: an evicted
   * coordinator must not record the same drift again nor sync again.
   */
  private drifted = new Map<string, string>();
  private synced = new Set<string>();

  constructor(private readonly storage: DurableObjectStorage) {}

  async load(db: Db, poolId: string): Promise<void> {
    this.settings = (await loadSettings(db, poolId)) ?? null;
    this.live = await liveRevision(db, poolId);
    this.applied = await appliedByMember(db, poolId);
    this.running = await runningRollout(db, poolId);
    const drifted = await this.storage.list<string>({ prefix: DRIFT });
    this.drifted = new Map([...drifted].map(([key, sha]) => [key.slice(DRIFT.length), sha]));
    const synced = await this.storage.list({ prefix: SYNCED });
    this.synced = new Set([...synced.keys()].map((key) => key.slice(SYNCED.length)));
  }

  /** Whether a drift to `sha256` was recorded for the member already. */
  driftRecorded(memberId: string, sha256: string): boolean {
    return this.drifted.get(memberId) === sha256;
  }

  async noteDrift(memberId: string, sha256: string): Promise<void> {
    this.drifted.set(memberId, sha256);
    await this.storage.put(`${DRIFT}${memberId}`, sha256);
  }

  /** The member's file is what it was given again (or given anew): a later change is new drift. */
  async clearDrift(memberId: string): Promise<void> {
    if (!this.drifted.delete(memberId)) return;
    await this.storage.delete(`${DRIFT}${memberId}`);
  }

  wasSynced(memberId: string): boolean {
    return this.synced.has(memberId);
  }

  async noteSynced(memberId: string): Promise<void> {
    this.synced.add(memberId);
    await this.storage.put(`${SYNCED}${memberId}`, true);
  }

  clear(): void {
    this.settings = null;
    this.live = null;
    this.applied.clear();
    this.running = null;
    this.rendered = null;
    this.drifted.clear();
    this.synced.clear();
  }

  /** A removed member: nothing about it stays, in memory or in storage. */
  async forget(memberId: string): Promise<void> {
    this.applied.delete(memberId);
    await this.clearDrift(memberId);
    if (this.synced.delete(memberId)) await this.storage.delete(`${SYNCED}${memberId}`);
  }

  /** Baton manages the config: a rollout completed and no admin detached it since. */
  managed(): boolean {
    return this.settings?.managed === true;
  }

  /** Whether parity is enforced: the pool's setting, by default on once a revision is live. */
  parityRequired(): boolean {
    const setting = this.settings?.requireConfigParity ?? null;
    return setting ?? (this.managed() && this.live !== null);
  }

  /** Whether `memberId` has a step running now (its file is expected to change). */
  stepRunningFor(memberId: string): boolean {
    return (
      this.running?.steps.some((step) => step.memberId === memberId && step.status === "running") ??
      false
    );
  }

  /**
   * Each member's parity reason against the active's reported file (parity.ts), set on the live
   * members so every place that shows readiness reads the same verdict.
   */
  refreshParity(members: Map<string, LiveMember>, activeId: string | null): void {
    const active: BalancerOnDisk | null = activeId
      ? (members.get(activeId)?.balancer ?? null)
      : null;
    const required = this.parityRequired();
    for (const [id, member] of members) {
      const problem = id === activeId ? null : parityProblem(member.balancer, active, required);
      if ((member.parityProblem ?? null) !== problem)
        members.set(id, { ...member, parityProblem: problem });
    }
  }
}
