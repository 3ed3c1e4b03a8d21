import type { InteractionOutcome, VerificationReport } from './report.js';

/**
 * The human summary of a report: under a `consumer → provider:` line, one line per interaction (`✓` verified, `✗` failed with each
 * mismatch below it, `–` not verifiable with the reason), then the run's errors and the counts.
 */
export function formatSummary(report: VerificationReport): string {
  const lines: string[] = [];
  const where = report.target === 'embedded-mock' ? `the embedded mock at ${report.providerBaseUrl}` : report.providerBaseUrl;
  lines.push(`Provider ${report.provider} at ${where}`);
  lines.push(`Pacts: ${report.pactSources.join(', ') || '(none)'}`);
  lines.push('');
  let group: string | undefined;
  for (const outcome of report.interactions) {
    // Each consumer's interactions under its name (broker runs mix consumers).
    const name = `${outcome.consumer ?? 'unknown consumer'} → ${outcome.provider ?? report.provider}`;
    if (name !== group) {
      lines.push(`${name}:`);
      group = name;
    }
    lines.push(...formatOutcome(outcome));
  }
  if (report.errors.length > 0) {
    lines.push('', 'Errors:');
    report.errors.forEach((error) => lines.push(`  ${indentContinuation(error, '  ')}`));
  }
  if (report.metadataRestored !== undefined) {
    lines.push('', report.metadataRestored ? 'The server metadata changed for the states was restored.' : 'The server metadata was NOT restored (see the errors).');
  }
  const verified = count(report, (outcome) => outcome.status === 'verified');
  const failed = count(report, (outcome) => outcome.status === 'failed' && !outcome.pending);
  const pending = count(report, (outcome) => outcome.status === 'failed' && outcome.pending);
  const skipped = count(report, (outcome) => outcome.status === 'not-verifiable');
  const totals = [`${verified} verified`, `${failed} failed`, ...(pending > 0 ? [`${pending} failed but pending`] : []), `${skipped} not verifiable`];
  lines.push('', `${totals.join(', ')} (${report.interactions.length} interaction(s))`);
  return `${lines.join('\n')}\n`;
}

function formatOutcome(outcome: InteractionOutcome): string[] {
  const given = outcome.states.length > 0 ? ` [given ${outcome.states.map((state) => `"${state}"`).join(', ')}]` : '';
  switch (outcome.status) {
    case 'verified':
      return [`  ✓ ${outcome.description}${given}`];
    case 'failed':
      return [
        `  ✗ ${outcome.description}${given}${outcome.pending ? ' (pending: does not fail the run)' : ''}`,
        ...outcome.failures.map((failure) => `      ${indentContinuation(failure, '      ')}`),
      ];
    case 'not-verifiable':
      return [`  – ${outcome.description}${given}: not verifiable, ${outcome.reason}`];
  }
}

function indentContinuation(text: string, indent: string): string {
  return text.split('\n').join(`\n${indent}`);
}

function count(report: VerificationReport, predicate: (outcome: InteractionOutcome) => boolean): number {
  return report.interactions.filter(predicate).length;
}
