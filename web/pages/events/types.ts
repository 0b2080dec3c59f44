// The shapes the events pages read. `EventItem` is the contract's event object
// (`GET /api/v1/events/{id}`) with its rendered description; the rest are what the pages add.

type Money = { amount: number; currency: string };

export type EventItem = {
  id: string;
  title: string;
  description: string;
  /** The description's Markdown, rendered and sanitised. */
  descriptionHtml: string;
  type: string | null;
  /** ISO instants. */
  startsAt: string;
  endsAt: string;
  location: string | null;
  resource: { id: string; name: string } | null;
  capacity: number | null;
  price: Money | null;
  group: { slug: string; name: string } | null;
  fields: string[];
  going: number;
  waitlisted: number;
  myStatus: "going" | "waitlisted" | null;
  canceledAt: string | null;
};
