// 重复申请: while the clerk types, the applicant's cases of the same item not yet finished
// (asked a moment after the typing stops; a slow answer overtaken by a newer one is dropped).
import { onBeforeUnmount, ref, watch } from 'vue'
import type { CaseSummary } from '../../bindings/CaseSummary'
import { call, errorMessage } from '../../api'
import { debounce } from '../../debounce'

export function useRepeatCheck(itemCode: () => string | undefined, idNumber: () => string) {
  const repeat = ref<CaseSummary[]>([])
  const error = ref('')
  let seq = 0

  async function check() {
    const code = itemCode()
    const id = idNumber().trim()
    const mine = ++seq
    if (!code || !id) {
      repeat.value = []
      error.value = ''
      return
    }
    try {
      const found = await call({ type: 'open_cases_for', id_number: id, item_code: code })
      if (mine === seq) {
        repeat.value = found
        error.value = ''
      }
    } catch (e) {
      if (mine === seq) {
        repeat.value = []
        error.value = errorMessage(e)
      }
    }
  }
  const checkSoon = debounce(check, 400)
  watch(
    () => [itemCode(), idNumber().trim()],
    () => checkSoon(),
  )
  onBeforeUnmount(() => checkSoon.cancel())

  function clear() {
    repeat.value = []
    error.value = ''
  }
  return { repeat, error, clear }
}
