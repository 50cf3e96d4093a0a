// The hall's today: Rust's clock (which YICHUANG_NOW pins in training and tests), read from the
// supervisor's dashboard; the computer's date if that cannot be had.
import { call } from './api'
import { toIsoDate } from './format'
import { isIsoDate } from './ranges'

export async function hallToday(): Promise<string> {
  try {
    const d = await call({ type: 'dashboard' }, 'dashboard')
    const date = String(d.date).slice(0, 10)
    if (isIsoDate(date)) return date
  } catch {
    /* fall back to the computer's date */
  }
  return toIsoDate(new Date())
}
