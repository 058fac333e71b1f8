export { generateCatalogue, generateFleet, type Catalogue, type FleetOptions } from './fleet-generator.js'
export { Random } from './random.js'
