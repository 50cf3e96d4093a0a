// The case lifecycle as the Rust side defines it (request `lifecycle`). State labels and tag
// colours are derived from that table, never from a list kept here.
import { shallowRef } from 'vue'
import type { LifecycleTable } from './bindings/LifecycleTable'
import type { StateInfo } from './bindings/StateInfo'
import type { CaseState } from './bindings/CaseState'
import type { TagType } from './format'
import { call } from './api'

/** Tag colour from what a state means for the clock and the pickup window. */
export function stateTagType(info: StateInfo | null | undefined): TagType {
  if (!info) return 'info'
  if (info.ready_for_pickup) return 'success'
  if (info.closed) return 'info'
  switch (info.clock) {
    case 'running':
      return 'primary'
    case 'stopped':
      return 'warning'
    default:
      return 'info'
  }
}

/** Closed states are drawn plain (outlined), open ones light (filled). */
export function stateTagEffect(info: StateInfo | null | undefined): 'light' | 'plain' {
  return info?.closed ? 'plain' : 'light'
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
  return findState(table, state)?.label ?? fallback ?? state ?? ''
}

/** The table, once loaded (shared by every screen). */
export const lifecycle = shallowRef<LifecycleTable | null>(null)

let loading: Promise<LifecycleTable> | null = null

/** Loads the lifecycle table once; later calls reuse it. A failed load may be retried. */
export function loadLifecycle(): Promise<LifecycleTable> {
  if (lifecycle.value) return Promise.resolve(lifecycle.value)
  if (!loading) {
    loading = call({ type: 'lifecycle' }, 'lifecycle').then(
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
