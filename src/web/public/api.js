// The API as the dashboard calls it: the key the user typed, kept in this tab's sessionStorage only.
const KEY = 'simopt.apiKey'

export const session = {
  key: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

/** JSON in and out (FormData goes as multipart); an error answer throws its message. */
export async function api(method, path, body) {
  const headers = { authorization: `Bearer ${session.key()}` }
  let payload
  if (body instanceof FormData) payload = body
  else if (body !== undefined) {
    headers['content-type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  const response = await fetch(path, { method, headers, body: payload })
  const answer = response.headers.get('content-type')?.includes('application/json') ? await response.json() : await response.text()
  if (response.status === 401) {
    session.clear()
    window.dispatchEvent(new Event('simopt:logout'))
  }
  if (!response.ok) throw new ApiError(response.status, answer?.message ?? `${response.status} ${response.statusText}`)
  return answer
}

/** A file answer (CSV, workbook) saved by the browser: fetched with the key, then handed over as a download. */
export async function download(path, name, form) {
  // A form (what-if's files) is posted; without one the file is read with GET.
  const response = await fetch(path, { method: form ? 'POST' : 'GET', headers: { authorization: `Bearer ${session.key()}` }, body: form })
  if (!response.ok) throw new ApiError(response.status, (await response.json()).message)
  const url = URL.createObjectURL(await response.blob())
  const link = Object.assign(document.createElement('a'), { href: url, download: name })
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
