// The shape every admin tab's button and every record screen's 登记 share: a second click while
// the work runs is ignored, and a failure leaves Rust's Chinese message in `error` (cleared when
// the work starts again).
import { ref } from 'vue'
import { errorMessage } from './api'

export function useAction() {
  const busy = ref(false)
  const error = ref('')
  /** Runs `work` unless it is already running; true when it finished without an error. */
  async function run(work: () => Promise<void>): Promise<boolean> {
    if (busy.value) return false
    busy.value = true
    error.value = ''
    try {
      await work()
      return true
    } catch (e) {
      error.value = errorMessage(e)
      return false
    } finally {
      busy.value = false
    }
  }
  return { busy, error, run }
}
