// The import every ImportPanel runs (事项清单、放假安排、三张清单): a second file while one is
// being read is ignored, and the outcome says what came in — or, when Rust refused the whole
// file, the file's name and Rust's message (which names the line and the field).
import { ref } from 'vue'
import { errorMessage } from '../../api'

export interface ImportOutcome {
  type: 'success' | 'info' | 'error'
  text: string
}

export function useImport(work: (name: string, text: string) => Promise<ImportOutcome>) {
  const busy = ref(false)
  const outcome = ref<ImportOutcome | null>(null)
  async function onFile(name: string, text: string) {
    if (busy.value) return
    busy.value = true
    outcome.value = null
    try {
      outcome.value = await work(name, text)
    } catch (e) {
      outcome.value = { type: 'error', text: `${name}：${errorMessage(e)}` }
    } finally {
      busy.value = false
    }
  }
  return { busy, outcome, onFile }
}
