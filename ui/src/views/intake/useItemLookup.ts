// Step 1 of 前台受理: the service catalog loaded once for the desk, the text typed and the item
// chosen (typing over a chosen item un-chooses it), and the commitment date if accepted today.
import { ref, watch } from 'vue'
import type { CatalogItemView } from '../../bindings/CatalogItemView'
import { call, errorMessage } from '../../api'
import { hallToday } from '../../hallToday'
import { filterCatalog } from '../../intake'

export function useItemLookup() {
  const catalog = ref<CatalogItemView[]>([])
  const catalogError = ref('')
  const text = ref('')
  const item = ref<CatalogItemView | null>(null)
  const dueIfToday = ref<string | null>(null)

  async function loadCatalog() {
    try {
      catalog.value = await call({ type: 'catalog_list', query: null, category: null })
      catalogError.value = catalog.value.length ? '' : '事项清单为空：请系统管理员先导入事项清单。'
    } catch (e) {
      catalogError.value = errorMessage(e)
    }
  }

  function suggest(q: string, cb: (items: CatalogItemView[]) => void) {
    cb(filterCatalog(catalog.value, q, 30))
  }

  /** The item a pick stands for: the suggestion picked, or with Enter on no list the first match. */
  function picked(p: Record<string, unknown>): CatalogItemView | null {
    if (typeof p.code === 'string') return p as unknown as CatalogItemView
    return filterCatalog(catalog.value, text.value, 1)[0] ?? null
  }

  function choose(it: CatalogItemView) {
    item.value = it
    text.value = it.name
    dueIfToday.value = null
    const mine = it.code
    hallToday().then((today) => call({ type: 'due_date', accepted: today, days: it.promised_days })).then(
      (d) => {
        if (item.value?.code === mine) dueIfToday.value = d.date
      },
      () => {
        /* the result panel shows the date Rust set */
      },
    )
  }

  function clear() {
    item.value = null
    text.value = ''
    dueIfToday.value = null
  }

  watch(text, (t) => {
    if (item.value && t !== item.value.name) item.value = null
  })

  return { catalog, catalogError, text, item, dueIfToday, loadCatalog, suggest, picked, choose, clear }
}

export type ItemLookup = ReturnType<typeof useItemLookup>
