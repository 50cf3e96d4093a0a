// The case lifecycle as the Rust side defines it (request `lifecycle`). State labels and tag
// colours come from the vocabulary Rust exports (words.ts), never from a list kept here.
import { shallowRef } from 'vue'
import type { LifecycleTable } from './bindings/LifecycleTable'
import type { StateInfo } from './bindings/StateInfo'
import type { CaseState } from './bindings/CaseState'
import type { TagType } from './format'
import { call } from './api'
import { WORDS } from './words'

/** Tag colour by what a state means for the clock and the pickup window (chosen in Rust). */
export function stateTagType(info: Pick<StateInfo, 'state'> | null | undefined): TagType {
  return WORDS.states.find((w) => w.state === info?.state)?.tag ?? 'info'
}

/** Closed states are drawn plain (outlined), open ones light (filled). */
export function stateTagEffect(info: Pick<StateInfo, 'state'> | null | undefined): 'light' | 'plain' {
  return WORDS.states.find((w) => w.state === info?.state)?.closed ? 'plain' : 'light'
}

export function findState(table: LifecycleTable | null | undefined, state: CaseState | null | undefined): StateInfo | undefined {
  if (!table || !state) return undefined
  return table.states.find((s) => s.state === state)
}

/** The Chinese label of a state; falls back to the given label or the key itself. */
export function stateLabel(
  table: LifecycleTable | null | undefined,
  state: CaseState | null | undefined,
  fallback?: string,
): string {
  return findState(table, state)?.label ?? WORDS.states.find((w) => w.state === state)?.label ?? fallback ?? state ?? ''
}

/** The table, once loaded (shared by every screen). */
export const lifecycle = shallowRef<LifecycleTable | null>(null)

let loading: Promise<LifecycleTable> | null = null

/** Loads the lifecycle table once; later calls reuse it. A failed load may be retried. */
export function loadLifecycle(): Promise<LifecycleTable> {
  if (lifecycle.value) return Promise.resolve(lifecycle.value)
  if (!loading) {
    loading = call({ type: 'lifecycle' }).then(
      (t) => {
        lifecycle.value = t
        return t
      },
      (e: unknown) => {
        loading = null
        throw e
      },
    )
  }
  return loading
}
