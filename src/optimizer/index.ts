export { STRATEGIES, optimize, type OptimizationResult, type OptimizeOptions, type StrategyName } from './optimize.js'
export { seedStrategy } from './seed-strategy.js'
