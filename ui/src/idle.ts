// Idle screen lock: after `minutes` without mouse or keyboard input the window is covered until
// the password is typed again. 0 minutes: never.
import { ref } from 'vue'

/** Whether the window should lock now. */
export function isIdle(lastActivity: number, now: number, minutes: number | null | undefined): boolean {
  if (!minutes || minutes <= 0) return false
  return now - lastActivity >= minutes * 60_000
}

/** Milliseconds until the lock is due (for the next check); null when it never is. */
export function msUntilLock(lastActivity: number, now: number, minutes: number | null | undefined): number | null {
  if (!minutes || minutes <= 0) return null
  return Math.max(0, lastActivity + minutes * 60_000 - now)
}

/** The window is locked (screens ignore their shortcuts meanwhile). */
export const locked = ref(false)

const LOCK_KEY = 'yichuang.locked'

/** Remembers the lock across a reload of the window (the Rust session survives a reload). */
export function rememberLock(username: string | null): void {
  try {
    if (username) sessionStorage.setItem(LOCK_KEY, username)
    else sessionStorage.removeItem(LOCK_KEY)
  } catch {
    /* storage unavailable: the lock then lasts until reload */
  }
}

export function rememberedLock(): string | null {
  try {
    return sessionStorage.getItem(LOCK_KEY)
  } catch {
    return null
  }
}
