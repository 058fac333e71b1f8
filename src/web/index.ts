export { webRoutes, PUBLIC_DIR } from './static.routes.js'
