export { STRATEGIES, optimize, type OptimizationResult, type OptimizeOptions, type StrategyName } from './optimize.js'
export { lagrangianStrategy, type LagrangianResult } from './lagrangian-strategy.js'
export { seedStrategy } from './seed-strategy.js'
export { componentRows } from './component.js'
