import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultRule } from './faults.js';
import { prepareReply, type Reply, sendReply } from './reply.js';

// How long the mock lets the partial body travel before it resets the connection: an RST can make
// the client's kernel drop data it has received but not yet read, and the fault is "reset in the
// middle of the body", not "reset before the headers".
const SETTLE_BEFORE_RESET_MS = 20;

/**
 * Sends a fault rule's answer as the rule says: whole (`sendReply`), cut short after
 * `truncateAfterBytes` (the connection then closed, so `Content-Length` lies) or `resetAfterBytes`
 * (then reset), or dripped in chunks of `drip.chunkBytes` with `drip.intervalMs` before each.
 * Stops, destroying the connection, when `signal` aborts (client gone, mock closing).
 */
export async function deliverFaultReply(
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
  baseHeaders: Readonly<Record<string, string>>,
  rule: FaultRule,
  signal: AbortSignal,
): Promise<void> {
  const cut = rule.truncateAfterBytes ?? rule.resetAfterBytes;
  if (cut === undefined && rule.drip === undefined) {
    sendReply(res, reply, baseHeaders);
    return;
  }
  if (res.headersSent || res.destroyed) {
    return;
  }
  const { headers, text } = prepareReply(reply, baseHeaders);
  const body = Buffer.from(text);
  res.writeHead(reply.status, headers);
  res.flushHeaders();
  if (rule.drip !== undefined) {
    for (let offset = 0; offset < body.byteLength; offset += rule.drip.chunkBytes) {
      if (!(await sleep(rule.drip.intervalMs, signal))) {
        res.destroy();
        return;
      }
      res.write(body.subarray(offset, offset + rule.drip.chunkBytes));
    }
    res.end();
    return;
  }
  await new Promise<void>((resolve) => res.write(body.subarray(0, cut), () => resolve()));
  if (rule.resetAfterBytes !== undefined) {
    await sleep(SETTLE_BEFORE_RESET_MS, signal);
    // An RST, as from a dropped connection: the client sees ECONNRESET in the middle of the body.
    req.socket.resetAndDestroy();
    return;
  }
  // A FIN after fewer bytes than Content-Length announced: a truncated body.
  req.socket.end();
}

/** Waits `ms`; resolves `false` at once when `signal` aborts, leaving no timer behind. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
