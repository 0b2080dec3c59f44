// The help desk's shapes (API.md "Help desk"), as the JSON API answers them and the pages
// (web/pages/help) read them: types only, importing nothing, so `web/` may `import type` them.

/** Who wrote something: null once the account is gone. */
export type HelpPersonView = { id: string; name: string } | null;

/** What the viewer may do with a guide (pages show the buttons from it). */
export type GuideCan = { edit: boolean; delete: boolean };

/** One guide (`GET /api/v1/guides/{id}`, and `{guide}` of POST/PATCH). */
export type GuideView = {
  id: string;
  title: string;
  /** The Markdown source. */
  body: string;
  /** The body rendered with the discussions' renderer (sanitised). */
  bodyHtml: string;
  author: HelpPersonView;
  /** ISO times. */
  createdAt: string;
  updatedAt: string;
  can: GuideCan;
};

/** A guide in the list (`GET /api/v1/guides?q=`): the body as a plain-text excerpt. */
export type GuideSummary = {
  id: string;
  title: string;
  /** Plain text, at most 240 characters. */
  excerpt: string;
  author: HelpPersonView;
  createdAt: string;
  updatedAt: string;
};

export type IssueStatus = "open" | "closed";

/** An image attached to an issue; `url` serves it (to those who may read the issue). */
export type HelpAttachmentView = {
  id: string;
  /** `/api/v1/issues/{issueId}/attachments/{id}`. */
  url: string;
  contentType: string;
  size: number;
  width: number;
  height: number;
  createdAt: string;
};

export type HelpCommentView = {
  id: string;
  body: string;
  bodyHtml: string;
  author: HelpPersonView;
  /** Whether the comment's author is a tenant owner or admin (pages mark the space's answers). */
  byAdmin: boolean;
  createdAt: string;
};

/** What the viewer may do with an issue (pages show the buttons from it). */
export type IssueCan = { edit: boolean; delete: boolean; close: boolean; reopen: boolean; attach: boolean; comment: boolean };

/** An issue in a list (`GET /api/v1/issues`). */
export type IssueSummary = {
  id: string;
  title: string;
  private: boolean;
  status: IssueStatus;
  author: HelpPersonView;
  commentCount: number;
  /** Whether the viewer wrote it. */
  mine: boolean;
  /** Activity the viewer has not seen (opening the issue marks it read). */
  unread: boolean;
  createdAt: string;
  lastActivityAt: string;
  closedAt: string | null;
};

/** One issue with its comments (`GET /api/v1/issues/{id}`, and `{issue}` of the other routes). */
export type IssueView = IssueSummary & {
  body: string;
  bodyHtml: string;
  updatedAt: string;
  attachments: HelpAttachmentView[];
  /** Oldest first. */
  comments: HelpCommentView[];
  can: IssueCan;
};

export type HelpPage<T> = { items: T[]; nextCursor: string | null };
