/**
 * Preloaded into a benchmarked process (`node --import`): at exit, prints the process's peak resident
 * memory, worker threads included, as one JSON line on standard error.
 */
process.on('exit', () => {
  process.stderr.write(`${JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`)
})
