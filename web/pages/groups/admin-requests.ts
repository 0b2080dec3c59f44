import { html } from "htm/preact";
import type { VNode } from "preact";
import { t } from "../../i18n";
import { Section } from "../../ui/components";
import { Island } from "../../ui/island";
import type { JoinRequestView } from "./types";
import { GroupAdminShell, type GroupAdminProps } from "../../ui/admin-layout";

/** /admin/groups/{slug}/requests: the approval queue (RequestQueue island, live once hydrated). */
export function GroupRequestsPage(props: Omit<GroupAdminProps, "pendingRequests"> & { requests: JoinRequestView[] }): VNode {
  const { ctx, group, requests } = props;
  const { lang } = ctx;
  return GroupAdminShell({
    ...props,
    pendingRequests: requests.length,
    children: html`
      ${Section({
        id: "requests-title",
        className: "admin-panel",
        title: t(lang, "admin.requests.title"),
        intro: t(lang, group.joinPolicy === "approval" ? "admin.requests.intro" : "admin.requests.intro_not_approval"),
        children: Island({
          name: "RequestQueue",
          props: {
            slug: group.slug,
            lang,
            timeZone: ctx.tenant?.timezone ?? null,
            requests,
            strings: {
              countOne: t(lang, "admin.requests.count.one"),
              countOther: t(lang, "admin.requests.count.other"),
              approve: t(lang, "admin.requests.approve"),
              reject: t(lang, "admin.requests.reject"),
              approveLabel: t(lang, "admin.requests.approve_label"),
              rejectLabel: t(lang, "admin.requests.reject_label"),
              approveAll: t(lang, "admin.requests.approve_all"),
              empty: t(lang, "admin.requests.empty"),
              live: t(lang, "admin.requests.live"),
              reconnecting: t(lang, "admin.requests.reconnecting"),
              arrived: t(lang, "admin.requests.arrived"),
              failed: t(lang, "error.generic"),
            },
          },
        }),
      })}
    `,
  });
}
