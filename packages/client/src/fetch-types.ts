/** The `fetch` signature ky calls for each attempt (in practice with a `Request`). */
export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
