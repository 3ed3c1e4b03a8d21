import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { importConfigParsers } from './config-parsers.js';

afterEach(() => {
  jest.restoreAllMocks();
});

describe('the YAML parser of clouds.yaml', () => {
  it('prints no warning: the library would quote the line, password and all (an unknown tag like !secret)', async () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { yaml } = await importConfigParsers({ profileText: undefined, cloudsText: '' });
    expect(yaml?.('clouds:\n  c:\n    auth:\n      password: !secret pw-0123456789\n')).toEqual({ clouds: { c: { auth: { password: 'pw-0123456789' } } } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(emitWarning).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });
});
