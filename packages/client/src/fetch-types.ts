/** The `fetch` signature the client sends each attempt with (a URL string and an init). */
export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
