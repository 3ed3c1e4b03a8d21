/** This toolkit's version, sent in the default `User-Agent` (kept equal to package.json by a test). */
export const TOOLKIT_VERSION = '0.1.0';

/** The default `User-Agent` of every request. */
export const DEFAULT_USER_AGENT = `ecs-metadata/${TOOLKIT_VERSION}`;
