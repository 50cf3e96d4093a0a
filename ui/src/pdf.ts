// pdf.js, loaded on first use (its own chunk) with its worker bundled locally: the app is
// offline and the CSP allows scripts and workers from 'self' only, so nothing comes from a CDN
// and nothing is eval'd (isEvalSupported: false).
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url'

type PdfJs = typeof import('pdfjs-dist')
export type PdfDocument = import('pdfjs-dist').PDFDocumentProxy
export type PdfLoadingTask = import('pdfjs-dist').PDFDocumentLoadingTask
export type PdfRenderTask = import('pdfjs-dist').RenderTask

let lib: Promise<PdfJs> | null = null

export function loadPdfJs(): Promise<PdfJs> {
  if (!lib) {
    lib = import('pdfjs-dist').then(
      (m) => {
        m.GlobalWorkerOptions.workerSrc = workerUrl
        return m
      },
      (e: unknown) => {
        lib = null
        throw e
      },
    )
  }
  return lib
}

/** Opens a PDF from bytes (a copy is handed to the worker; the caller's bytes stay usable). */
export async function openPdf(bytes: Uint8Array): Promise<PdfLoadingTask> {
  const pdfjs = await loadPdfJs()
  return pdfjs.getDocument({
    data: bytes.slice(),
    isEvalSupported: false,
    // Our papers embed their fonts; nothing to fetch.
    useSystemFonts: true,
    disableAutoFetch: true,
    verbosity: 0,
  })
}

/** Whether an error is pdf.js telling us a render was cancelled (a newer one took over). */
export function isCancelled(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'RenderingCancelledException'
}

/** A short Chinese reason for a pdf.js failure (the technical detail in brackets). */
export function pdfErrorText(e: unknown): string {
  const detail = e instanceof Error ? e.message : typeof e === 'string' ? e : ''
  return detail ? `无法在窗口内预览此文书（${detail}）` : '无法在窗口内预览此文书'
}
