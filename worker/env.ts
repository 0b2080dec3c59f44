import type { Group, Tenant, User } from "./db/schema";
import type { GroupRoom } from "./room/room";
import type { JobRunner } from "./jobs/runner";
import type { ProfilePrompt } from "../web/ui/page";

export type Bindings = {
  DB: D1Database;
  MEDIA: R2Bucket;
  GROUP_ROOM: DurableObjectNamespace<GroupRoom>;
  /** Continues big scheduled jobs through its alarm (worker/jobs/runner.ts). */
  JOB_RUNNER: DurableObjectNamespace<JobRunner>;
  ENVIRONMENT: "development" | "production" | "test" | (string & {});
  ROOT_DOMAIN: string;
  MAIL_TRANSPORT?: "dev" | "http" | "send_email" | (string & {});
  MAIL_FROM?: string;
  /** Calls a second to the mail provider, across every drain (default 2, Resend's default limit). */
  MAIL_RATE_PER_SECOND?: string;
  /** Emails per call to the provider's batch endpoint (default 100, Resend's maximum; 1 = no batch endpoint). */
  MAIL_BATCH_SIZE?: string;
  /** Cloudflare Email Workers' binding, for MAIL_TRANSPORT = "send_email" (wrangler.toml `[[send_email]]`). */
  SEND_EMAIL?: SendEmail;
  /** Secrets for the HTTP mail transport. */
  MAIL_API_URL?: string;
  MAIL_API_KEY?: string;
  /** Secrets for Cloudflare for SaaS custom hostnames. */
  CF_API_TOKEN?: string;
  CF_ZONE_ID?: string;
  /** Seals the Stripe keys communities enter (worker/invoices/sealed.ts); without it they cannot be stored (409 `payments_unavailable`). */
  SECRETS_KEY?: string;
  /** Chat messages a member may send per second, and in a burst (per group). */
  CHAT_RATE_PER_SECOND?: string;
  CHAT_BURST?: string;
  /** Communities one client (IP) may create per hour (default 10). */
  TENANT_CREATION_PER_HOUR?: string;
  /** Invitations a day per inviter: anyone but a community admin (20), community owners and admins (50,000). */
  INVITATIONS_PER_DAY?: string;
  ADMIN_INVITATIONS_PER_DAY?: string;
  /** CNAME target shown to tenants adding a custom domain. */
  CUSTOM_DOMAIN_TARGET?: string;
  /** Requests one API token may make per minute (default 600; worker/tokens/bearer.ts). */
  API_TOKEN_REQUESTS_PER_MINUTE?: string;
};

export type Variables = {
  /** null on the root (platform) host. */
  tenant: Tenant | null;
  /** Set when the host is a custom domain attached to one group. */
  hostGroup: Group | null;
  user: User | null;
  /** The signed-in user's uploaded picture (`/media/…`), loaded with the session; null for initials. */
  avatarUrl?: string | null;
  sessionId: string | null;
  /** Set when the request authenticated with `Authorization: Bearer` (worker/tokens/bearer.ts); `user` is then its creator. */
  apiToken?: { id: string; scopes: string[] } | null;
  language: string;
  cspNonce: string;
  /** Set on admin pages for owners and admins: sign-up requests waiting for approval. */
  pendingMembers?: number;
  /** Set on admin pages for owners and admins: plan memberships waiting for approval. */
  pendingMemberships?: number;
  /** Set on admin and help pages for owners and admins: help desk issues with activity they have not seen (worker/helpdesk/admin-html.ts). */
  helpUnread?: number;
  /** Set on pages for signed-in members: the navigation shows the Membership tab (worker/memberships/tab.ts). */
  membershipTab?: boolean;
  /** The `view_as` cookie asks for the member's view (worker/http/context.ts `asksMemberView`, read once per request). */
  asksMemberView?: boolean;
  /** Set on /g/{slug}/join: the profile fields the join form asks for. */
  profilePrompt?: ProfilePrompt;
};

export type AppEnv = { Bindings: Bindings; Variables: Variables };

export function isDevelopment(env: Pick<Bindings, "ENVIRONMENT">): boolean {
  return env.ENVIRONMENT === "development" || env.ENVIRONMENT === "test";
}

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    }
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "GroupRoom" | "JobRunner";
    }
  }
}
