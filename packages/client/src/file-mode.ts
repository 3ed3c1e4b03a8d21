/** A file's permission bits as `stat` gives them, if known. */
export interface FileWithMode {
  readonly mode?: number | undefined;
}

/**
 * The file's mode as `0644` when users other than the owner can access it (a file that may hold
 * secrets should be `0600`); `undefined` when only the owner can, or when the mode is unknown.
 */
export function worldReadableMode(file: FileWithMode): string | undefined {
  if (file.mode === undefined || (file.mode & 0o077) === 0) {
    return undefined;
  }
  return (file.mode & 0o777).toString(8).padStart(4, '0');
}
