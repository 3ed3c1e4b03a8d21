import { readFileSync } from 'node:fs';

/** The fields of one signing vector (spec §9.3) that the mock's tests send. */
export interface AkSkVector {
  id: string;
  input: { ak: string; sk: string; project_id: string; method: string };
  request: {
    url_path: string;
    query_string: string;
    body: string | null;
    headers_before_send: Record<string, string>;
  };
  authorization: string;
}

/** The vector file's fixed inputs and vectors. */
export interface AkSkVectorFile {
  fixed_inputs: { ak: string; sk: string; project_id: string; server_id: string; x_sdk_date: string; timestamp_iso: string };
  vectors: AkSkVector[];
}

/**
 * The signing vectors computed by the official SDK (spec §9.3), from this package's unchanged copy
 * in `test-vectors/` (DECISIONS: each package that tests with a data file holds its own copy),
 * located from `import.meta.url`, never `__dirname` or the current directory.
 */
export function loadAkSkVectors(): AkSkVectorFile {
  const file = new URL('../../test-vectors/aksk-signing.json', import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as AkSkVectorFile;
}

/** The vector's request target as put on the wire: path, then `?query` when there is one. */
export function vectorTarget(vector: AkSkVector): string {
  return vector.request.query_string === '' ? vector.request.url_path : `${vector.request.url_path}?${vector.request.query_string}`;
}
