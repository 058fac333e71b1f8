export { STRATEGIES, optimize, type OptimizationResult, type OptimizeOptions, type StrategyName } from './optimize.js'
export { DEFAULT_OPTIMIZER_OPTIONS, optimizerOptions, type OptimizerOptions } from './options.js'
export {
  COMPONENT_STOPS,
  OPTIMIZER_PHASES,
  OPTIMIZER_STATUSES,
  mergeOptimizerInfo,
  type ComponentStop,
  type OptimizerInfo,
  type OptimizerPhase,
  type OptimizerStatus,
  type PhaseMs,
} from './result-info.js'
export { lagrangianStrategy, type LagrangianResult } from './lagrangian-strategy.js'
export { seedStrategy } from './seed-strategy.js'
export { componentRows } from './component.js'
export {
  CUSTOMER_OPTIMIZER_OPTIONS,
  CUSTOMER_RESULT_COLUMNS,
  customerResultRows,
  customerResultValues,
  optimizeCustomer,
  type CustomerOutcome,
  type CustomerResultRow,
} from './optimize-customer.js'
