/**
 * What a room method answers when it can refuse. Errors thrown inside a Durable Object
 * reach the Worker as plain Errors (their class and fields are lost on the way), so
 * expected refusals travel as values and the Worker turns them into the API envelope.
 */
export type Refusal = {
  ok: false;
  status: 403 | 404 | 409 | 422 | 429;
  code: string;
  message: string;
  fields?: Record<string, string>;
  retryAfter?: number;
  /** The end of a mute, for code "muted". */
  until?: number;
};
export type Outcome<T> = { ok: true; value: T } | Refusal;

export const done = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refuse = (status: Refusal["status"], code: string, message: string, extra: { fields?: Record<string, string>; retryAfter?: number; until?: number } = {}): Refusal => ({
  ok: false,
  status,
  code,
  message,
  ...extra,
});
