import path from 'node:path'

/** The repository root (tests run from `dist/test/...`). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..')
export const CLI_MAIN = path.join(REPO_ROOT, 'dist/src/cli/main.js')
export const EXAMPLES = path.join(REPO_ROOT, 'examples')
