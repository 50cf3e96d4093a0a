// Keyboard shortcuts of the desk screens, written as "Ctrl+Enter" or "Alt+A". Matching looks at
// `code` for letters too, because Alt changes the typed character on some keyboard layouts.

/** The subset of KeyboardEvent a shortcut looks at (so tests can pass plain objects). */
export interface KeyLike {
  key: string
  code?: string
  ctrlKey: boolean
  altKey: boolean
  shiftKey: boolean
  metaKey: boolean
}

export interface Shortcut {
  ctrl: boolean
  alt: boolean
  shift: boolean
  /** Lower-case key name: a letter, a digit or a key such as `enter`, `escape`, `f2`. */
  key: string
}

export function parseShortcut(spec: string): Shortcut {
  const parts = spec.split('+').map((p) => p.trim().toLowerCase())
  const key = parts.pop() ?? ''
  return {
    ctrl: parts.includes('ctrl'),
    alt: parts.includes('alt'),
    shift: parts.includes('shift'),
    key,
  }
}

function keyName(e: KeyLike): string[] {
  const names = [e.key.toLowerCase()]
  const code = e.code ?? ''
  if (/^Key[A-Z]$/.test(code)) names.push(code.slice(3).toLowerCase())
  else if (/^Digit\d$/.test(code)) names.push(code.slice(5))
  else if (code === 'NumpadEnter') names.push('enter')
  return names
}

/** Whether the event is exactly this shortcut (Ctrl also matches ⌘ on a Mac keyboard). */
export function matchShortcut(e: KeyLike, spec: string | Shortcut): boolean {
  const s = typeof spec === 'string' ? parseShortcut(spec) : spec
  const ctrl = e.ctrlKey || e.metaKey
  if (ctrl !== s.ctrl || e.altKey !== s.alt || e.shiftKey !== s.shift) return false
  return keyName(e).includes(s.key)
}

/** The desk's shortcuts, in one place (shown on the buttons and in the legend). */
export const INTAKE_KEYS = {
  accept: 'Ctrl+Enter',
  accept_pending: 'Alt+R',
  notify_missing: 'Alt+G',
  refuse: 'Alt+B',
  instant: 'Alt+J',
  allMaterials: 'Alt+A',
  agent: 'Alt+D',
  next: 'Alt+N',
  item: 'Alt+S',
  /** On the result: preview the outcome's paper (受理回执 …), where 打印 has the focus. */
  print: 'Alt+P',
} as const

/** 咨询登记 from any screen of the clerk or the supervisor (AppShell listens for it). */
export const CONSULT_KEY = 'Alt+Z'

/** On 咨询登记: save (also Enter in a one-line field), and the 需回访 switch. */
export const CONSULT_KEYS = {
  save: 'Ctrl+Enter',
  callback: 'Alt+H',
} as const
