/**
 * What keeps text safe for a terminal: control characters escaped (a server's `ESC ]0;…BEL` or
 * `ESC [2J` cannot retitle or clear the user's terminal, a CR cannot overwrite a line) and every
 * known credential masked, in the forms a server may echo it.
 */

const MASK = '****';

// C0 controls but LF and TAB, DEL, C1 controls, and the bidirectional overrides and isolates that
// can make a terminal show text in another order than it is (Trojan Source).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
// eslint-disable-next-line no-control-regex -- the same, for one line: LF and TAB too
const UNSAFE_IN_LINE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

const NAMED: Readonly<Record<string, string>> = { '\r': '\\r', '\n': '\\n', '\t': '\\t', '\u001b': '\\e' };

function escapeOne(char: string): string {
  return NAMED[char] ?? `\\u{${(char.codePointAt(0) as number).toString(16)}}`;
}

/** `text` with every control character escaped (`\e`, `\r`, `\u{7}`); newlines and tabs kept. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** `text` as one line: control characters escaped, newlines and tabs too (a table cell, a value). */
export function escapeLine(text: string): string {
  return text.replace(UNSAFE_IN_LINE, escapeOne);
}

// What JSON.stringify leaves raw but a terminal may act on (it escapes the C0 controls itself).
const JSON_UNSAFE = /[\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu;

/** JSON text with {@link JSON_UNSAFE} characters as `\uXXXX`: the same JSON, safe on a terminal. */
export function escapeJsonText(json: string): string {
  return json.replace(JSON_UNSAFE, (char) => `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, '0')}`);
}

/** The secrets of a run, collected as they become known (environment, options, files). */
export class SecretRegistry {
  readonly #forms = new Set<string>();

  /**
   * Adds a secret, in every form a message may carry it: raw, URL-encoded (both `%20` and `+` for a
   * space, upper- and lower-case hex), JSON-escaped (with and without `\uXXXX` for non-ASCII) and
   * as {@link escapeControl} shows it. Secrets under 4 characters are not masked: they would blank
   * out ordinary words, and no credential is that short.
   */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < 4) {
      return;
    }
    const json = JSON.stringify(secret).slice(1, -1);
    const encoded = encodeURIComponent(secret);
    for (const form of [
      secret,
      encoded,
      encoded.replace(/%[0-9A-F]{2}/gu, (hex) => hex.toLowerCase()),
      new URLSearchParams({ s: secret }).toString().slice(2),
      json,
      json.replace(/[\u0080-\uffff]/gu, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`),
      escapeControl(secret),
      escapeLine(secret),
    ]) {
      if (form.length >= 4) {
        this.#forms.add(form);
      }
    }
  }

  /** `text` with every form of every secret replaced by `****`, longest first (a form may contain another). */
  redact(text: string): string {
    let redacted = text;
    for (const form of [...this.#forms].sort((a, b) => b.length - a.length)) {
      redacted = redacted.split(form).join(MASK);
    }
    return redacted;
  }

  /** What may be shown of `text` on a terminal: secrets masked, then control characters escaped. */
  safe(text: string): string {
    return escapeControl(this.redact(text));
  }
}
