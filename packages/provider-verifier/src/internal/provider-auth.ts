import type { RequestSigner } from '@ecs-metadata/client';

/**
 * The request headers a signer sees, as the client gives them (DECISIONS "Requests and retries"):
 * `Host`, and of the request's own headers `Content-Type` and `X-Project-Id`. An AK/SK signature
 * covers exactly these, so each must reach the provider with the value signed: `Host` is the
 * provider's (Pact's proxy runs with `changeOrigin`, and fetch sets it from the URL).
 */
const SIGNED_HEADERS = ['Content-Type', 'X-Project-Id'] as const;

/** A request about to be sent to the provider, as it will go on the wire. */
export interface OutgoingRequest {
  readonly method: string;
  /** The absolute URL. */
  readonly url: string;
  /** Its headers; names in any case. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: string | undefined;
}

/**
 * The headers that authenticate `request` with the run's credential (the client's
 * {@link RequestSigner}: a token, an AK/SK signature of this very method, path, query, headers and
 * body, or a password login's token), signed anew for every request.
 */
export async function authenticationHeaders(
  signer: RequestSigner,
  request: OutgoingRequest,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const given = new Map(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const headers: Record<string, string> = { Host: new URL(request.url).host };
  for (const name of SIGNED_HEADERS) {
    const value = given.get(name.toLowerCase());
    if (typeof value === 'string') {
      headers[name] = value;
    }
  }
  return signer.sign({ method: request.method, url: request.url, headers, body: request.body }, { signal });
}
