/**
 * A native Excel clustered column chart in a workbook written by exceljs's streaming writer, which cannot
 * make charts itself. The chart refers to cells of its sheet and carries their values as a cache, so
 * viewers draw it without recalculating.
 *
 * exceljs is pinned at 4.4.0; this module relies on these internals of its streaming writer, and on
 * nothing else:
 * - `WorkbookWriter.zip`: the archiver the package is written to. The drawing and chart parts are appended
 *   to it, and `[Content_Types].xml` is amended as `addContentTypes()` appends it.
 * - `WorksheetWriter._sheetRelsWriter.addRelationship({ Type, Target })`: adds the sheet's relationship to
 *   the drawing and returns its id.
 * - `WorksheetWriter._writeLegacyData()`: the last step of `commit()` before `</worksheet>`, after
 *   `<headerFooter>` and `<rowBreaks>`: where the schema puts `<drawing>` (before `<legacyDrawing>`).
 *   It is wrapped to write `<drawing>` first, so the hook must be installed before the sheet is committed.
 * - `WorksheetWriter.stream.write(xml)`: the sheet's XML stream.
 */
import type ExcelJS from 'exceljs'

export interface ChartSeries {
  /** Cell holding the series name, e.g. `Summary!$B$20`, and that name. */
  readonly nameRef: string
  readonly name: string
  /** Cells holding the values, e.g. `Summary!$B$21:$B$30`, and those values. */
  readonly valuesRef: string
  readonly values: readonly number[]
}

export interface ColumnChart {
  readonly title: string
  /** Cells holding the category labels, and those labels. */
  readonly categoriesRef: string
  readonly categories: readonly string[]
  readonly series: readonly ChartSeries[]
  /** Number format of the cached values and the value axis. */
  readonly numberFormat: string
  /** Where the chart sits: zero-based columns and rows of its top-left and bottom-right corners. */
  readonly from: { readonly col: number; readonly row: number }
  readonly to: { readonly col: number; readonly row: number }
}

interface ZipInternals {
  append(source: unknown, entry: { name: string }): unknown
}

interface WorkbookWriterInternals {
  zip: ZipInternals
}

interface WorksheetWriterInternals {
  _sheetRelsWriter: { addRelationship(relationship: { Type: string; Target: string }): string }
  _writeLegacyData(): void
  stream: { write(xml: string): unknown }
}

const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const CHART_NS = 'http://schemas.openxmlformats.org/drawingml/2006/chart'
const DRAWING_PART = 'xl/drawings/drawing1.xml'
const CHART_PART = 'xl/charts/chart1.xml'
const CONTENT_TYPE_OVERRIDES =
  `<Override PartName="/${DRAWING_PART}" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>` +
  `<Override PartName="/${CHART_PART}" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>`

/**
 * Puts `chart` on `worksheet`. One chart per workbook (the parts have fixed names); call it before the
 * sheet is committed.
 */
export function addColumnChart(workbook: ExcelJS.stream.xlsx.WorkbookWriter, worksheet: ExcelJS.Worksheet, chart: ColumnChart): void {
  const { zip } = workbook as unknown as WorkbookWriterInternals
  const sheet = worksheet as unknown as WorksheetWriterInternals

  const drawingId = sheet._sheetRelsWriter.addRelationship({ Type: `${RELATIONSHIPS}/drawing`, Target: '../drawings/drawing1.xml' })
  const writeLegacyData = sheet._writeLegacyData.bind(sheet)
  sheet._writeLegacyData = () => {
    sheet.stream.write(`<drawing r:id="${drawingId}"/>`)
    writeLegacyData()
  }

  const append = zip.append.bind(zip)
  zip.append = (source, entry) =>
    append(entry.name === '[Content_Types].xml' && typeof source === 'string' ? source.replace('</Types>', `${CONTENT_TYPE_OVERRIDES}</Types>`) : source, entry)

  append(drawingXml(chart), { name: DRAWING_PART })
  append(relationshipsXml(`${RELATIONSHIPS}/chart`, '../charts/chart1.xml'), { name: 'xl/drawings/_rels/drawing1.xml.rels' })
  append(chartXml(chart), { name: CHART_PART })
}

function drawingXml(chart: ColumnChart): string {
  const corner = (tag: string, at: { col: number; row: number }) =>
    `<xdr:${tag}><xdr:col>${at.col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${at.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:${tag}>`
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">' +
    '<xdr:twoCellAnchor>' +
    corner('from', chart.from) +
    corner('to', chart.to) +
    '<xdr:graphicFrame macro="">' +
    `<xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="${xmlText(chart.title)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>` +
    '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>' +
    `<a:graphic><a:graphicData uri="${CHART_NS}"><c:chart xmlns:c="${CHART_NS}" xmlns:r="${RELATIONSHIPS}" r:id="rId1"/></a:graphicData></a:graphic>` +
    '</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>'
  )
}

function relationshipsXml(type: string, target: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    `<Relationship Id="rId1" Type="${type}" Target="${target}"/></Relationships>`
  )
}

// Element order follows the DrawingML chart schema (CT_ChartSpace, CT_BarChart, CT_BarSer, CT_CatAx, CT_ValAx).
function chartXml(chart: ColumnChart): string {
  const [categoryAxis, valueAxis] = [500000001, 500000002]
  const series = chart.series
    .map(
      (s, index) =>
        `<c:ser><c:idx val="${index}"/><c:order val="${index}"/>` +
        `<c:tx><c:strRef><c:f>${xmlText(s.nameRef)}</c:f>${stringCache([s.name])}</c:strRef></c:tx>` +
        '<c:invertIfNegative val="0"/>' +
        `<c:cat><c:strRef><c:f>${xmlText(chart.categoriesRef)}</c:f>${stringCache(chart.categories)}</c:strRef></c:cat>` +
        `<c:val><c:numRef><c:f>${xmlText(s.valuesRef)}</c:f>${numberCache(s.values, chart.numberFormat)}</c:numRef></c:val>` +
        '</c:ser>',
    )
    .join('')
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    `<c:chartSpace xmlns:c="${CHART_NS}" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="${RELATIONSHIPS}">` +
    '<c:roundedCorners val="0"/><c:chart>' +
    `<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>${xmlText(chart.title)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>` +
    '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>' +
    `<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>${series}` +
    `<c:gapWidth val="150"/><c:axId val="${categoryAxis}"/><c:axId val="${valueAxis}"/></c:barChart>` +
    `<c:catAx><c:axId val="${categoryAxis}"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>` +
    '<c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="1"/><c:tickLblPos val="nextTo"/>' +
    `<c:crossAx val="${valueAxis}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/></c:catAx>` +
    `<c:valAx><c:axId val="${valueAxis}"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>` +
    `<c:axPos val="l"/><c:majorGridlines/><c:numFmt formatCode="${xmlText(chart.numberFormat)}" sourceLinked="1"/><c:tickLblPos val="nextTo"/>` +
    `<c:crossAx val="${categoryAxis}"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>` +
    '</c:plotArea><c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>' +
    '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
  )
}

function stringCache(values: readonly string[]): string {
  const points = values.map((value, index) => `<c:pt idx="${index}"><c:v>${xmlText(value)}</c:v></c:pt>`).join('')
  return `<c:strCache><c:ptCount val="${values.length}"/>${points}</c:strCache>`
}

function numberCache(values: readonly number[], format: string): string {
  const points = values.map((value, index) => `<c:pt idx="${index}"><c:v>${value}</c:v></c:pt>`).join('')
  return `<c:numCache><c:formatCode>${xmlText(format)}</c:formatCode><c:ptCount val="${values.length}"/>${points}</c:numCache>`
}

function xmlText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}
