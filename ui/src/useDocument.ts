// The state behind a DocumentDialog: which document, its title, and whether it is open.
//   const doc = useDocumentDialog()
//   doc.show({ type: 'case', number, paper: 'receipt' })
//   <DocumentDialog v-model="doc.state.open" :request="doc.state.request" :title="doc.state.title" />
import { reactive } from 'vue'
import type { CasePaper } from './bindings/CasePaper'
import type { DocRequest } from './bindings/DocRequest'
import { docTitle } from './documents'

export interface DocumentDialogState {
  open: boolean
  request: DocRequest | null
  title: string
}

export function useDocumentDialog() {
  const state = reactive<DocumentDialogState>({ open: false, request: null, title: '' })

  function show(request: DocRequest, title?: string) {
    state.request = request
    state.title = title ?? docTitle(request)
    state.open = true
  }

  function showPaper(number: string, paper: CasePaper) {
    show({ type: 'case', number, paper })
  }

  function close() {
    state.open = false
  }

  return { state, show, showPaper, close }
}
