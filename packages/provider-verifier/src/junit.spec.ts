import { describe, expect, it } from '@jest/globals';
import { escapeXml, toJUnitXml } from './junit.js';
import { decideExitCode, type VerificationReport, VerifierExitCode } from './report.js';
import { formatSummary } from './summary.js';

const REPORT: VerificationReport = {
  provider: 'ecs-metadata-api',
  target: 'endpoint',
  providerBaseUrl: 'https://gw.example',
  pactSources: ['pacts/ecs-metadata-client-ecs-metadata-api.json'],
  interactions: [
    { status: 'verified', description: 'a <verified> one', consumer: 'ecs-metadata-client', states: [], durationMs: 12 },
    {
      status: 'failed',
      description: 'a "failed" one & more',
      consumer: 'ecs-metadata-client',
      states: ['a server with metadata exists'],
      durationMs: 30,
      failures: ['$.metadata: Type mismatch: Expected ["a"] (Array)', 'status: expected 404 but was 200\u0007'],
      pending: false,
    },
    {
      status: 'failed',
      description: 'a pending one',
      consumer: 'ecs-metadata-client',
      states: [],
      durationMs: 5,
      failures: ['status: expected 200 but was 500'],
      pending: true,
    },
    {
      status: 'not-verifiable',
      description: "a skipped one's",
      consumer: 'ecs-metadata-client',
      states: ['a server without metadata exists'],
      durationMs: undefined,
      reason: 'needs --allow-writes to arrange state "a server without metadata exists"',
      unarrangeableStates: ['a server without metadata exists'],
    },
  ],
  errors: ['Could not restore the metadata of server s-1: HTTP 500'],
  notices: [],
  publishRequested: false,
  metadataRestored: false,
};

describe('escapeXml', () => {
  it('escapes markup and drops what XML 1.0 cannot hold', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('bell\u0007 nul\u0000 tab\t lf\n cr\r')).toBe('bell\ufffd nul\ufffd tab\t lf\n cr&#13;');
    expect(escapeXml('lone \ud800 surrogate, pair 😀')).toBe('lone \ufffd surrogate, pair 😀');
    expect(escapeXml('\u001b[1m$.metadata\u001b[0m')).toBe('$.metadata');
  });
});

describe('toJUnitXml', () => {
  it('writes one testcase per interaction: failures, pending as skipped, not verifiable as skipped, run errors as error', () => {
    const xml = toJUnitXml(REPORT);
    expect(xml).toContain('<testsuites name="ecs-metadata-verify ecs-metadata-api" tests="5" failures="1" errors="1" skipped="2">');
    expect(xml).toContain('<testcase classname="ecs-metadata-api.ecs-metadata-client" name="a &lt;verified&gt; one" time="0.012"/>');
    expect(xml).toContain(
      '<failure message="$.metadata: Type mismatch: Expected [&quot;a&quot;] (Array)">Given a server with metadata exists\n' +
        '$.metadata: Type mismatch: Expected [&quot;a&quot;] (Array)\nstatus: expected 404 but was 200\ufffd</failure>',
    );
    expect(xml).toContain('<skipped message="pending: status: expected 200 but was 500">');
    expect(xml).toContain('name="a skipped one&apos;s" time="0.000">\n      <skipped message="not verifiable: needs --allow-writes to arrange state &quot;a server without metadata exists&quot;"/>');
    expect(xml).toContain('<testcase classname="ecs-metadata-api.ecs-metadata-client" name="verification run">');
    expect(xml).toContain('<error message="Could not restore the metadata of server s-1: HTTP 500">');
    expect(xml.match(/<testcase /gu)).toHaveLength(5);
  });
});

describe('formatSummary and decideExitCode', () => {
  it('marks each interaction and counts them', () => {
    const summary = formatSummary(REPORT);
    expect(summary).toContain('  ✓ a <verified> one\n');
    expect(summary).toContain('  ✗ a "failed" one & more [given "a server with metadata exists"]\n      $.metadata: Type mismatch');
    expect(summary).toContain('  ✗ a pending one (pending: does not fail the run)');
    expect(summary).toContain(`  – a skipped one's [given "a server without metadata exists"]: not verifiable, needs --allow-writes`);
    expect(summary).toContain('1 verified, 1 failed, 1 failed but pending, 1 not verifiable (4 interaction(s))');
    expect(decideExitCode(REPORT).code).toBe(VerifierExitCode.Failed);
  });

  it('exits 1 on a run error alone, and 8 when something was not arrangeable and nothing failed', () => {
    const verifiedOnly = { ...REPORT, interactions: REPORT.interactions.filter((outcome) => outcome.status === 'verified') };
    expect(decideExitCode(verifiedOnly).code).toBe(VerifierExitCode.Failed);
    expect(decideExitCode({ ...verifiedOnly, errors: [] }).code).toBe(VerifierExitCode.Verified);
    const skipped = { ...REPORT, errors: [], interactions: REPORT.interactions.filter((outcome) => outcome.status !== 'failed' || outcome.pending) };
    expect(decideExitCode(skipped).code).toBe(VerifierExitCode.NotVerifiable);
    expect(decideExitCode(skipped, ['a server without metadata exists']).code).toBe(VerifierExitCode.Verified);
    // Nothing verified at all: an expected skip does not make that a pass.
    const nothingVerified = { ...skipped, interactions: skipped.interactions.filter((outcome) => outcome.status === 'not-verifiable') };
    expect(decideExitCode(nothingVerified, ['a server without metadata exists']).code).toBe(VerifierExitCode.NotVerifiable);
  });
});
