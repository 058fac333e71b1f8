export type { AssignmentLine, ChangeLine, PlanLine, ReportSource, ReportSummary } from './report-source.js'
export { reportFromOptimization, type ReportMeta } from './report-from-problem.js'
export { ASSIGNMENT_REPORT_COLUMNS, MOBILITY_REPORT_COLUMNS, assignmentReportColumns, writeReportCsv, type AssignmentColumn, type ColumnFormat } from './report-csv.js'
export { WORKBOOK_MEDIA_TYPE, writeReportWorkbook, type ReportWorkbookOptions, type ReportWorkbookRows } from './workbook.js'
