// The hall's today: Rust's clock (Store::today, which YICHUANG_NOW pins in training and tests),
// carried by the hall_info answer to every role. Every date picker's default and range starts
// from it; the window never takes a date from the computer's calendar.
import { ref } from 'vue'
import { call } from './api'

/** The last today Rust gave ('' until it has answered): for defaults set without waiting. */
export const hallDate = ref('')

/** Asks Rust for today, and keeps it in `hallDate`. */
export async function hallToday(): Promise<string> {
  const info = await call({ type: 'hall_info' })
  hallDate.value = info.today
  return info.today
}
