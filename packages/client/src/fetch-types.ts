/** The `fetch` signature ky calls (in practice always with a `Request`). */
export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
