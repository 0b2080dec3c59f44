// The shapes the worker produces for the group and admin pages.

export type GroupRole = "owner" | "admin" | "moderator" | "member";
export type GroupQuestion = { id: string; label: string; required: boolean };
export type GroupLink = { title: string; url: string };
export type GroupView = {
  id: string; slug: string; name: string; description: string;
  joinPolicy: "approval" | "open" | "invite";
  questions: GroupQuestion[];
  branding: { primaryColor: string | null; logoUrl: string | null; coverUrl: string | null; faviconUrl: string | null };
  links: GroupLink[]; memberCount: number; slugChangesLeft: number; deletedAt: string | null; // ISO
  role: GroupRole | null;                         // the viewer's role
  membership: "member" | "pending" | "none" | "banned";
  joinUrl: string;                                // absolute URL of /g/{slug}/join
};
/** `avatarUrl`: the member's uploaded picture (`/media/…`), else null for initials; `plan`: the plan they are in through (paid groups). */
export type MemberView = { userId: string; name: string; email: string | null; role: GroupRole; joinedAt: string; avatarUrl?: string | null; plan?: { id: string; name: string } | null };
/** A plan that opens a paid group, as its pages offer it (amounts in minor units). */
export type PaidPlanView = { id: string; name: string; description: string; price: { amount: number; currency: string }; intervalMonths: number; approvalRequired: boolean };
/**
 * A paid group on its pages: the plans offered, and where the signed-in reader (not in the
 * group) stands: `exempt`/`access` join normally, `choose` a plan, `pending` approval of
 * their membership, `other`: on another plan (change it on /membership). null for visitors.
 */
export type PaidGroupView = { plans: PaidPlanView[]; standing: "exempt" | "access" | "choose" | "pending" | "other" | null; current: { id: string; name: string } | null };
export type JoinRequestView = { id: string; userId: string; name: string; email: string; answers: { questionId: string; label: string; answer: string }[]; createdAt: string; avatarUrl?: string | null };
export type BanView = { userId: string; name: string; email: string; bannedAt: string };
export type GroupAbility = { edit: boolean; delete: boolean; manageMembers: boolean; decideRequests: boolean; uploadAssets: boolean };
