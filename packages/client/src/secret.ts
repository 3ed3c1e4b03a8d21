const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** How a secret is shown anywhere it could be printed. */
export const MASK = '****';

/**
 * A credential (token, SK, password) that cannot be printed by accident: `String()`, template
 * literals, `JSON.stringify` and `util.inspect` all give `****`; only {@link Secret.reveal} returns
 * the value. The value sits in a private field, which neither `JSON.stringify` nor `util.inspect`
 * enumerates.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself: pass it straight to the credential that needs it, never to a log. */
  reveal(): string {
    return this.#value;
  }

  /** Always the mask, so template strings and concatenation never leak the value. */
  toString(): string {
    return MASK;
  }

  /** Always the mask, so `JSON.stringify` of a config never leaks the value. */
  toJSON(): string {
    return MASK;
  }

  /** What `util.inspect` and `console.log` show: `Secret(****)`. */
  [INSPECT](): string {
    return `Secret(${MASK})`;
  }
}

/**
 * Replaces every occurrence of each secret (at least 4 characters long, so that a short one cannot
 * blank out ordinary words) in `text` by `****`. For server messages and body excerpts that might
 * echo a credential back.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let redacted = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 4) {
      redacted = redacted.split(secret).join(MASK);
    }
  }
  return redacted;
}
