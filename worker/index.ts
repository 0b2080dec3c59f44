import { app } from "./app";
import { runScheduled } from "./cron";
import type { Bindings } from "./env";

export { GroupRoom } from "./room/room";

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Bindings>;
