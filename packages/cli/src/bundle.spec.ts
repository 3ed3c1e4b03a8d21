import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The bundle the bin runs, built by this package's `build` target (bundle.js), which `test` depends on.
const BUNDLE_DIR = fileURLToPath(new URL('../dist/bundle/', import.meta.url));
const ENTRY = join(BUNDLE_DIR, 'ecs-metadata.js');

const STATIC_IMPORT = /(?:^|\n)(?:import\s[^;]*?from\s*|import\s*)"(\.[^"]+)"/gu;
const DYNAMIC_IMPORT = /import\("(\.[^"]+)"\)/gu;

function importsOf(file: string, pattern: RegExp): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(pattern)].map((match) => join(dirname(file), match[1] as string));
}

/** Every file loaded, before any dynamic import runs, once `files` are loaded. */
function staticClosure(files: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...files];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (!seen.has(file)) {
      seen.add(file);
      pending.push(...importsOf(file, STATIC_IMPORT));
    }
  }
  return seen;
}

/** The chunk of a lazily loaded module (`commands/get.ts` → `chunks/get-HASH.js`), imported dynamically by what the entry loads. */
function commandChunk(name: string): string {
  const chunk = [...staticClosure([ENTRY])].flatMap((file) => importsOf(file, DYNAMIC_IMPORT)).find((file) => file.includes(`/chunks/${name}-`));
  if (chunk === undefined) {
    throw new Error(`the bundle entry does not import a "${name}" chunk lazily`);
  }
  return chunk;
}

describe('the bundled bin', () => {
  it('loads each command lazily: the entry imports no command statically', () => {
    const loadedAtStart = staticClosure([ENTRY]);
    for (const name of ['get', 'set', 'unset', 'config-show', 'demo', 'mock-serve']) {
      expect(loadedAtStart.has(commandChunk(name))).toBe(false);
    }
  });

  it('does not load the help renderer for a command: only help does', () => {
    const loadedByGet = staticClosure([ENTRY, commandChunk('get')]);
    const helpFiles = [...staticClosure([commandChunk('help-command')])].filter((file) => !loadedByGet.has(file));
    const helpSources = helpFiles.flatMap((file) => (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources);
    expect(helpSources).toContain('../../../src/help.ts');
  });

  it('does not load the mock provider for get: only demo and mock serve import it', () => {
    const [mockChunk] = importsOf(commandChunk('mock-serve'), DYNAMIC_IMPORT);
    expect(mockChunk).toBeDefined();
    expect(importsOf(commandChunk('demo'), DYNAMIC_IMPORT)).toContain(mockChunk);
    const loadedByGet = staticClosure([ENTRY, commandChunk('get')]);
    expect(loadedByGet.size).toBeGreaterThan(2);
    expect(loadedByGet.has(mockChunk as string)).toBe(false);
  });

  it('loads no YAML or TOML parser for get: they are imported only when a clouds.yaml or profile file exists', () => {
    const sourcesOfGet = [...staticClosure([ENTRY, commandChunk('get')])].flatMap(
      (file) => (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources,
    );
    expect(sourcesOfGet.some((source) => source.includes('node_modules/ky/'))).toBe(true);
    expect(sourcesOfGet.filter((source) => /node_modules\/(yaml|smol-toml)\//u.test(source))).toEqual([]);
    // zod is imported as a namespace (`import * as z`), so the bundler keeps only what is used: no
    // conversion from JSON schema, no locale but English.
    expect(sourcesOfGet.filter((source) => /zod\/v4\/(classic\/from-json-schema|locales\/(?!en\.))/u.test(source))).toEqual([]);
  });

  it('ships a source map beside every file, mapped back to the TypeScript sources', () => {
    const files = [ENTRY, ...readdirSync(join(BUNDLE_DIR, 'chunks')).filter((name) => name.endsWith('.js')).map((name) => join(BUNDLE_DIR, 'chunks', name))];
    for (const file of files) {
      expect(readFileSync(file, 'utf8')).toContain(`//# sourceMappingURL=${file.split('/').at(-1)}.map`);
      const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
      // A chunk of nothing but esbuild's own helpers (`__commonJS`, ...), shared by chunks, maps no source.
      const onlyHelpers = /^export \{\s*__\w+(,\s*__\w+)*\s*\};$/mu.test(readFileSync(file, 'utf8'));
      expect(map.sources.length > 0 || onlyHelpers).toBe(true);
    }
    const entryMap = JSON.parse(readFileSync(`${ENTRY}.map`, 'utf8')) as { sources: string[] };
    expect(entryMap.sources).toContain('../../src/bin.ts');
  });
});
