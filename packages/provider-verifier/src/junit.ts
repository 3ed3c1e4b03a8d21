import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { InteractionOutcome, VerificationReport } from './report.js';

/**
 * The report as JUnit XML: one `<testcase>` per interaction (a failure as `<failure>`, a
 * not-verifiable interaction as `<skipped>` with its reason), grouped in one `<testsuite>` per
 * consumer and provider (classname `provider.consumer`, dots in the names made `_`), plus a
 * `verification run` testcase with an `<error>` per run error.
 */
export function toJUnitXml(report: VerificationReport): string {
  const groups = new Map<string, { readonly classname: string; readonly outcomes: InteractionOutcome[] }>();
  const groupOf = (consumer: string, provider: string) => {
    const name = `${consumer} → ${provider}`;
    // CI tools split a classname at its dots: package = provider, class = consumer.
    const group = groups.get(name) ?? { classname: `${provider.replace(/\./gu, '_')}.${consumer.replace(/\./gu, '_')}`, outcomes: [] };
    groups.set(name, group);
    return group;
  };
  for (const outcome of report.interactions) {
    groupOf(outcome.consumer ?? 'pact', outcome.provider ?? report.provider).outcomes.push(outcome);
  }
  if (report.errors.length > 0 && groups.size === 0) {
    groupOf('pact', report.provider);
  }
  const suites = [...groups].map(([name, { classname, outcomes }], index) => {
    const errors = index === 0 ? report.errors : [];
    const cases = outcomes.map((outcome) => testcase(classname, outcome));
    if (errors.length > 0) {
      cases.push(
        `    <testcase classname="${escapeXml(classname)}" name="verification run">\n` +
          errors.map((error) => `      <error message="${escapeXml(firstLine(error))}">${escapeXml(error)}</error>\n`).join('') +
          '    </testcase>',
      );
    }
    const failures = outcomes.filter((outcome) => outcome.status === 'failed' && !outcome.pending).length;
    const skipped = outcomes.filter((outcome) => outcome.status === 'not-verifiable' || (outcome.status === 'failed' && outcome.pending)).length;
    const time = seconds(outcomes.reduce((total, outcome) => total + (outcome.durationMs ?? 0), 0));
    return (
      `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failures}" errors="${errors.length}" skipped="${skipped}" time="${time}">\n` +
      `${cases.join('\n')}${cases.length > 0 ? '\n' : ''}  </testsuite>`
    );
  });
  const tests = report.interactions.length + (report.errors.length > 0 ? 1 : 0);
  const failures = report.interactions.filter((outcome) => outcome.status === 'failed' && !outcome.pending).length;
  const skipped = report.interactions.filter((outcome) => outcome.status === 'not-verifiable' || (outcome.status === 'failed' && outcome.pending)).length;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="ecs-metadata-verify ${escapeXml(report.provider)}" tests="${tests}" failures="${failures}" errors="${report.errors.length}" skipped="${skipped}">\n` +
    `${suites.join('\n')}${suites.length > 0 ? '\n' : ''}</testsuites>\n`
  );
}

function testcase(classname: string, outcome: InteractionOutcome): string {
  const open = `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(outcome.description)}" time="${seconds(outcome.durationMs ?? 0)}"`;
  switch (outcome.status) {
    case 'verified':
      return `${open}/>`;
    case 'failed': {
      const text = [...(outcome.states.length > 0 ? [`Given ${outcome.states.join(', ')}`] : []), ...outcome.failures].join('\n');
      // A pending failure is reported, but as skipped: it does not fail the build (docs.pact.io/pending).
      const element = outcome.pending ? 'skipped' : 'failure';
      const message = `${outcome.pending ? 'pending: ' : ''}${firstLine(outcome.failures[0] ?? 'failed')}`;
      return `${open}>\n      <${element} message="${escapeXml(message)}">${escapeXml(text)}</${element}>\n    </testcase>`;
    }
    case 'not-verifiable':
      return `${open}>\n      <skipped message="${escapeXml(`not verifiable: ${outcome.reason}`)}"/>\n    </testcase>`;
  }
}

/**
 * Escapes text for XML content and attributes: `& < > " '`, and replaces characters XML 1.0 cannot
 * hold at all (control characters other than tab, LF and CR; lone surrogates; U+FFFE/U+FFFF) with
 * U+FFFD. Terminal colour codes are dropped first.
 */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;]*[A-Za-z]/gu, '')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/gu, '\ufffd')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu, '\ufffd')
      .replace(/&/gu, '&amp;')
      .replace(/</gu, '&lt;')
      .replace(/>/gu, '&gt;')
      .replace(/"/gu, '&quot;')
      .replace(/'/gu, '&apos;')
      .replace(/\r/gu, '&#13;')
  );
}

/**
 * Writes {@link toJUnitXml} to `file` atomically: into a temporary file beside it, then renamed,
 * so a reader never sees half a report. Creates the directory when missing.
 *
 * @throws the file system error when the directory cannot be created or the file written.
 */
export async function writeJUnitReport(report: VerificationReport, file: string): Promise<void> {
  const target = resolve(file);
  await mkdir(dirname(target), { recursive: true });
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, toJUnitXml(report), 'utf8');
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
