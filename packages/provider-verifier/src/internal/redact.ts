import type { InteractionOutcome, VerificationReport } from '../report.js';

/** Shorter strings are not secrets worth hiding, and replacing them would garble every message. */
const MIN_SECRET_LENGTH = 4;

/** A function that hides every given secret in a text (STYLE "Redact tokens ... when a line is built"). */
export type Redactor = (text: string) => string;

/** Builds a {@link Redactor} replacing each secret (token, broker token) with `***`. */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const hidden = secrets.filter((secret): secret is string => secret !== undefined && secret.length >= MIN_SECRET_LENGTH);
  // Longest first, so a secret containing another is hidden whole.
  hidden.sort((a, b) => b.length - a.length);
  return (text) => hidden.reduce((acc, secret) => acc.split(secret).join('***'), text);
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The report with every secret hidden: descriptions, failures, reasons, errors and notices. */
export function redactReport(report: VerificationReport, redact: Redactor): VerificationReport {
  const interactions = report.interactions.map((outcome): InteractionOutcome => {
    const description = redact(outcome.description);
    switch (outcome.status) {
      case 'verified':
        return { ...outcome, description };
      case 'failed':
        return { ...outcome, description, failures: outcome.failures.map(redact) };
      case 'not-verifiable':
        return { ...outcome, description, reason: redact(outcome.reason) };
    }
  });
  return { ...report, interactions, errors: report.errors.map(redact), notices: report.notices.map(redact) };
}
