// The pattern the record screens share (咨询、诉求、准入、县乡联动): a list loaded from one request,
// reloaded after each change, and small dialogs that act on one row (办结, 审核, 答复) with
// their own busy flag and Rust's message when refused.
import { reactive, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { errorMessage } from './api'
import type { Unit } from './bindings/Unit'

export interface RecordList<T> {
  rows: ShallowRef<T[]>
  loading: Ref<boolean>
  error: Ref<string>
  reload: () => Promise<void>
}

/** A list from `load`; a slow answer that arrives after a newer one is dropped. */
export function useRecordList<T>(load: () => Promise<T[]>): RecordList<T> {
  const rows = shallowRef<T[]>([])
  const loading = ref(false)
  const error = ref('')
  let seq = 0
  async function reload() {
    const mine = ++seq
    loading.value = true
    try {
      const got = await load()
      if (mine !== seq) return
      rows.value = got
      error.value = ''
    } catch (e) {
      if (mine === seq) error.value = errorMessage(e)
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  return { rows, loading, error, reload }
}

export interface RowAction<T, F extends object> {
  open: Ref<boolean>
  row: ShallowRef<T | null>
  form: F
  busy: Ref<boolean>
  error: Ref<string>
  show: (row: T, preset?: Partial<F>) => void
  save: () => Promise<void>
}

/** What a RecordDialog needs of a row action. */
export type RowDialog = Pick<RowAction<unknown, object>, 'open' | 'busy' | 'error' | 'save'>

/**
 * A dialog acting on one row: `show(row)` fills the form afresh, `save()` runs `submit` and, when
 * Rust accepts, closes, says `done(result)` and calls `after` (usually the list's reload).
 */
export function useRowAction<T, F extends object, R>(opts: {
  blank: () => F
  submit: (row: T, form: F) => Promise<R>
  done: (result: R) => string
  after?: () => unknown
}): RowAction<T, F> {
  const open = ref(false)
  const row = shallowRef<T | null>(null)
  const form = reactive(opts.blank()) as F
  const busy = ref(false)
  const error = ref('')
  function show(r: T, preset?: Partial<F>) {
    row.value = r
    Object.assign(form, opts.blank(), preset ?? {})
    error.value = ''
    open.value = true
  }
  async function save() {
    const r = row.value
    if (!r || busy.value) return
    busy.value = true
    error.value = ''
    try {
      const result = await opts.submit(r, form)
      open.value = false
      ElMessage.success(opts.done(result))
      await opts.after?.()
    } catch (e) {
      error.value = errorMessage(e)
    } finally {
      busy.value = false
    }
  }
  return { open, row, form, busy, error, show, save }
}

/** One choice of an OptionSelect (or of a RecordList's filter): the value sent, the words shown. */
export interface SelectOption<V extends string = string> {
  value: V
  label: string
}

/** One tab of a RecordList. */
export interface RecordTab<K extends string = string> {
  name: K
  /** What the tab says, counts included (“待回访（3）”). */
  label: string
  testid: string
  /** How many of its rows are overdue: a red tag beside the label when more than none. */
  overdue?: number
}

/** The county departments, as options (下派部门, 承办的县级部门): by code, named. */
export function countyUnitOptions(units: readonly Unit[]): SelectOption[] {
  return units.filter((u) => u.level === 'county').map((u) => ({ value: u.code, label: u.name }))
}
