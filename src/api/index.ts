export { buildApi } from './app.js'
export type { ApiDeps } from './deps.js'
