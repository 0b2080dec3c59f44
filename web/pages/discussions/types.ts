// The shapes of discussions, chat, moderation and gamification, as the group pages and
// islands receive them: the room's wire protocol (`worker/room/protocol.ts`), read as
// types only, so no value crosses from `worker/` into `web/`.
//
// The few values the pages need (reaction keys, length limits) are copied here rather
// than imported: each copy is typed as the protocol's own (a literal type), so a change
// on one side that the other does not follow fails `tsc`.
import type * as Protocol from "../../../worker/room/protocol";

export type * from "../../../worker/room/protocol";

export const REACTIONS: typeof Protocol.REACTIONS = ["like", "love", "celebrate", "laugh", "thinking", "eyes"];
export const REACTION_EMOJI: Record<Protocol.ReactionKey, string> = {
  like: "👍",
  love: "❤️",
  celebrate: "🎉",
  laugh: "😄",
  thinking: "🤔",
  eyes: "👀",
};

/** Characters a chat message may hold. */
export const MESSAGE_MAX: typeof Protocol.MESSAGE_MAX = 2000;
export const TITLE_MAX: typeof Protocol.TITLE_MAX = 200;
export const BODY_MAX: typeof Protocol.BODY_MAX = 20_000;
export const REASON_MAX: typeof Protocol.REASON_MAX = 500;
