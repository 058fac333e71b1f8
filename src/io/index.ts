export { ASSIGNMENT_COLUMNS, assignmentLine, readAssignmentFile, writeAssignmentFile } from './assignment-file.js'
export { checkOutputs, writeOutputs, type InputSource, type OutputTarget, type PendingOutput } from './atomic-output.js'
export { csvField, writeCsv, writeCsvLines, type CsvValue } from './csv-writer.js'
export { readCsv, CsvRow, type CsvColumns } from './csv-reader.js'
export { describeLocation, inputError, type FileLocation } from './input-error.js'
export { readProblemFiles, writeProblemFiles, type ProblemFiles } from './problem-files.js'
export { readFleetFiles, readMobilityFiles, type FleetFiles, type MobilityFiles } from './mobility-files.js'
export { summarize, writeSummaryFile, type RunSummary } from './summary-file.js'
export {
  CUSTOMER_PLAN_COLUMNS,
  CUSTOMER_SIM_COLUMNS,
  readCustomerPlansFiles,
  readCustomerSheetFiles,
  readCustomerSimsFile,
  type CustomerPlansFile,
  type CustomerSimLine,
} from './customer-files.js'
