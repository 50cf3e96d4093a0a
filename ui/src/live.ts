// A live hall: the shell sends `hall-changed` when something changed at the hall (at this PC,
// at the host, at another desk), and every screen that lists things reloads by itself, a
// burst of changes coalesced into one reload ~200 ms after the last.
import { onBeforeUnmount } from 'vue'
import { listen } from '@tauri-apps/api/event'
import type { HallChange } from './bindings/HallChange'

export const RELOAD_DELAY_MS = 200

type Handler = (c: HallChange) => void

/** Fans one window event out to the screens open now. */
export function createHub() {
  const handlers = new Set<Handler>()
  return {
    subscribe(h: Handler): () => void {
      handlers.add(h)
      return () => handlers.delete(h)
    },
    publish(c: HallChange) {
      for (const h of [...handlers]) h(c)
    },
    get size() {
      return handlers.size
    },
  }
}

/** Calls `reload` once, `ms` after the last of a burst of relevant changes. */
export function coalesce(reload: () => void, ms = RELOAD_DELAY_MS, relevant: (c: HallChange) => boolean = () => true) {
  let timer: ReturnType<typeof setTimeout> | null = null
  const take = (c: HallChange) => {
    if (!relevant(c)) return
    if (timer !== null) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      reload()
    }, ms)
  }
  take.cancel = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
  return take
}

/** A change that may concern case `number`: its own, or a catch-up after a reconnection. */
export function concernsCase(number: string) {
  return (c: HallChange) => c.number === number || c.number === null || c.kind === 'changed'
}

export const hub = createHub()
let listening: Promise<void> | null = null

function startListening(): Promise<void> {
  if (!listening) {
    listening = listen<HallChange>('hall-changed', (e) => hub.publish(e.payload))
      .then(() => undefined)
      .catch(() => {
        /* no Tauri runtime (unit tests, a plain browser): nothing changes by itself */
      })
  }
  return listening
}

/**
 * For a screen's setup: `reload` runs after changes at the hall (those `relevant` says concern
 * it), without anyone pressing 刷新; the subscription ends with the screen.
 */
export function useHallChanged(reload: () => void, relevant?: (c: HallChange) => boolean): void {
  startListening()
  const take = coalesce(reload, RELOAD_DELAY_MS, relevant)
  const off = hub.subscribe(take)
  onBeforeUnmount(() => {
    off()
    take.cancel()
  })
}
