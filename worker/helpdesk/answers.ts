import { z } from "zod";
import { instantAnswer, pageQuery } from "../bookings/answers";

// What the help desk routes answer (API.md "Help desk"), as zod schemas for the OpenAPI
// document, written from types.ts (`GuideView`, `GuideSummary`, `IssueSummary`, `IssueView`,
// `HelpCommentView`, `HelpAttachmentView`) and held to the real answers by answers.test.ts
// (strict objects: no field more, none less).

/** Who wrote something: null once the account is gone. */
export const helpPersonAnswer = z.strictObject({ id: z.string(), name: z.string() }).nullable();

/** A guide (`GET /guides/{id}`, `{guide}` of POST and PATCH). */
export const guideAnswer = z.strictObject({
  id: z.string(),
  title: z.string(),
  /** The Markdown source. */
  body: z.string(),
  bodyHtml: z.string(),
  author: helpPersonAnswer,
  createdAt: instantAnswer,
  updatedAt: instantAnswer,
  /** What the caller may do with it. */
  can: z.strictObject({ edit: z.boolean(), delete: z.boolean() }),
});

/** A guide in the list: the body as a plain-text excerpt (at most 240 characters). */
export const guideSummaryAnswer = z.strictObject({
  id: z.string(),
  title: z.string(),
  excerpt: z.string(),
  author: helpPersonAnswer,
  createdAt: instantAnswer,
  updatedAt: instantAnswer,
});

export const issueStatusAnswer = z.enum(["open", "closed"]);

/** An image attached to an issue; `url` serves it to those who may read the issue. */
export const attachmentAnswer = z.strictObject({
  id: z.string(),
  url: z.string(),
  contentType: z.string(),
  size: z.number().int().min(0),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  createdAt: instantAnswer,
});

/** A comment on an issue. */
export const commentAnswer = z.strictObject({
  id: z.string(),
  body: z.string(),
  bodyHtml: z.string(),
  author: helpPersonAnswer,
  /** Whether its author is a community owner or admin. */
  byAdmin: z.boolean(),
  createdAt: instantAnswer,
});

const summaryFields = {
  id: z.string(),
  title: z.string(),
  private: z.boolean(),
  status: issueStatusAnswer,
  author: helpPersonAnswer,
  commentCount: z.number().int().min(0),
  /** Whether the caller wrote it. */
  mine: z.boolean(),
  /** Activity the caller has not seen. */
  unread: z.boolean(),
  createdAt: instantAnswer,
  lastActivityAt: instantAnswer,
  closedAt: instantAnswer.nullable(),
};

/** An issue in the list (`GET /issues`). */
export const issueSummaryAnswer = z.strictObject(summaryFields);

/** One issue with its comments (oldest first) and attachments (`GET /issues/{id}`; the payload of `issue.created`). */
export const issueAnswer = z.strictObject({
  ...summaryFields,
  body: z.string(),
  bodyHtml: z.string(),
  updatedAt: instantAnswer,
  attachments: z.array(attachmentAnswer),
  comments: z.array(commentAnswer),
  /** What the caller may do with it. */
  can: z.strictObject({ edit: z.boolean(), delete: z.boolean(), close: z.boolean(), reopen: z.boolean(), attach: z.boolean(), comment: z.boolean() }),
});

export const guideEnvelope = z.strictObject({ guide: guideAnswer });
export const issueEnvelope = z.strictObject({ issue: issueAnswer });
export const commentEnvelope = z.strictObject({ comment: commentAnswer });
export const attachmentEnvelope = z.strictObject({ attachment: attachmentAnswer });

/** `GET /guides?q=` (plus `limit`, `cursor`), read by hand. */
export const guidesQuery = pageQuery.extend({ q: z.string().max(100).optional().describe("Matches titles and bodies regardless of case and accents (at most 100 characters).") });

/** `GET /issues?status=` (plus `limit`, `cursor`), read by hand. */
export const issuesQuery = pageQuery.extend({ status: issueStatusAnswer.optional().describe("One kind only; both without it.") });
