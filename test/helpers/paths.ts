import path from 'node:path'

/** The repository root (tests run from `dist/test/...`). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..')
/** The CLI compiled with these tests (beside them, whichever folder the build went to). */
export const CLI_MAIN = path.resolve(import.meta.dirname, '../../src/cli/main.js')
export const EXAMPLES = path.join(REPO_ROOT, 'examples')
