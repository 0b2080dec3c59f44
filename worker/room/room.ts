import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../env";

/**
 * One room per group (named `tenantId:groupId`). It will own what needs strict
 * ordering and realtime fan-out: threads, chat, reports and the join queue.
 * For now it keeps its identity and answers a health probe; the feature issues fill it.
 */
export class GroupRoom extends DurableObject<Bindings> {
  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec("create table if not exists room_meta (key text primary key, value text not null)");
    });
  }

  /** Records which group this room belongs to (idempotent) and reports it. */
  async identify(name: string): Promise<{ name: string; since: number }> {
    const now = Date.now();
    this.ctx.storage.sql.exec("insert or ignore into room_meta (key, value) values ('name', ?), ('since', ?)", name, String(now));
    const rows = this.ctx.storage.sql.exec<{ key: string; value: string }>("select key, value from room_meta").toArray();
    const meta = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    return { name: meta.name ?? name, since: Number(meta.since ?? now) };
  }
}

export function roomName(tenantId: string, groupId: string): string {
  return `${tenantId}:${groupId}`;
}

export function groupRoom(env: Bindings, tenantId: string, groupId: string) {
  return env.GROUP_ROOM.get(env.GROUP_ROOM.idFromName(roomName(tenantId, groupId)));
}
