// The hall's words as Rust exports them (bindings/vocabularyValue.ts, written by a hall-core test):
// labels, tag colours, the actions' dialogs and the field limits. Nothing here is typed again.
import type { Action } from './bindings/Action'
import type { ActionInfo } from './bindings/ActionInfo'
import type { Tag } from './bindings/Tag'
import type { Word } from './bindings/Word'
import { VOCABULARY } from './bindings/vocabularyValue'

export const WORDS = VOCABULARY

/** Field limits for `maxlength` (the ones `validate::text` is called with). */
export const LIMITS = VOCABULARY.limits

/** The label of `value` in one of the vocabulary's lists; `fallback` (or the value) if absent. */
export function wordLabel<T>(list: readonly Word<T>[], value: T | null | undefined, fallback?: string): string {
  const w = list.find((x) => x.value === value)
  return w?.label ?? fallback ?? (value === null || value === undefined ? '' : String(value))
}

/** The tag colour of `value` (grey when unknown). */
export function wordTag<T>(list: readonly Word<T>[], value: T | null | undefined): Tag {
  return list.find((x) => x.value === value)?.tag ?? 'info'
}

/** An action with its label, dialog and tone. */
export function actionInfo(action: Action): ActionInfo | undefined {
  return VOCABULARY.actions.find((a) => a.action === action)
}
