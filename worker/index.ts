import { app } from "./app";
import { runScheduled } from "./cron";
import { seededNames } from "./discussions/seeded";
import type { Bindings } from "./env";
import { GroupRoom as Room } from "./room/room";

export { JobRunner } from "./jobs/runner";

/** The room as the runtime builds it, handed the catalogs' reading of seeded level names (the room imports no catalog). */
export class GroupRoom extends Room {
  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env, seededNames);
  }
}

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Bindings>;
