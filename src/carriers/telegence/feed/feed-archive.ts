/**
 * A feed file's bytes to its CSV text and back: daily and final files are zip archives holding one CSV,
 * data files are plain CSV. jszip is what exceljs reads workbooks with; simopt names it as its own dependency.
 */
import JSZip from 'jszip'
import { SimoptError } from '../../../domain/index.js'

/** The CSV text of a downloaded file. @throws SimoptError `INPUT_INVALID` for a zip that is not one, or holds other than one CSV. */
export async function feedText(name: string, bytes: Buffer): Promise<string> {
  if (!name.endsWith('.zip')) return bytes.toString('utf8')
  let zip: JSZip
  try {
    zip = await JSZip.loadAsync(bytes)
  } catch (error) {
    throw new SimoptError('INPUT_INVALID', `${name}: not a zip archive (${error instanceof Error ? error.message : String(error)})`)
  }
  const entries = Object.values(zip.files).filter((entry) => !entry.dir)
  const csv = entries.filter((entry) => entry.name.toLowerCase().endsWith('.csv'))
  if (csv.length !== 1) throw new SimoptError('INPUT_INVALID', `${name}: a zip with one CSV file expected, it holds ${entries.map((entry) => entry.name).join(', ') || 'nothing'}`)
  return csv[0]!.async('string')
}

/** The bytes of a file named `name` holding `csv` (zipped when the name ends in .zip). */
export async function feedBytes(name: string, csv: string): Promise<Buffer> {
  if (!name.endsWith('.zip')) return Buffer.from(csv, 'utf8')
  const zip = new JSZip()
  zip.file(name.replace(/\.zip$/, '.csv'), csv)
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } })
}
