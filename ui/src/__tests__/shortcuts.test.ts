import { describe, expect, it } from 'vitest'
import { CONSULT_KEY, CONSULT_KEYS, INTAKE_KEYS, matchShortcut, parseShortcut, type KeyLike } from '../shortcuts'

const key = (k: string, mods: Partial<KeyLike> = {}, code?: string): KeyLike => ({
  key: k,
  code,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
})

describe('keyboard shortcuts', () => {
  it('parses specs', () => {
    expect(parseShortcut('Ctrl+Enter')).toEqual({ ctrl: true, alt: false, shift: false, key: 'enter' })
    expect(parseShortcut('Alt+A')).toEqual({ ctrl: false, alt: true, shift: false, key: 'a' })
  })
  it('matches exactly the modifiers asked for', () => {
    expect(matchShortcut(key('Enter', { ctrlKey: true }), 'Ctrl+Enter')).toBe(true)
    expect(matchShortcut(key('Enter', { metaKey: true }), 'Ctrl+Enter')).toBe(true)
    expect(matchShortcut(key('Enter'), 'Ctrl+Enter')).toBe(false)
    expect(matchShortcut(key('Enter', { ctrlKey: true, shiftKey: true }), 'Ctrl+Enter')).toBe(false)
    expect(matchShortcut(key('a', { altKey: true }), 'Alt+A')).toBe(true)
    expect(matchShortcut(key('A', { altKey: true, shiftKey: true }), 'Alt+A')).toBe(false)
    expect(matchShortcut(key('a'), 'Alt+A')).toBe(false)
  })
  it('reads the physical key when Alt changes the character', () => {
    expect(matchShortcut(key('å', { altKey: true }, 'KeyA'), 'Alt+A')).toBe(true)
    expect(matchShortcut(key('Enter', { ctrlKey: true }, 'NumpadEnter'), 'Ctrl+Enter')).toBe(true)
  })
  it('gives every desk action its own key', () => {
    const all = Object.values(INTAKE_KEYS)
    expect(new Set(all).size).toBe(all.length)
    expect(INTAKE_KEYS.accept).toBe('Ctrl+Enter')
    expect(INTAKE_KEYS.allMaterials).toBe('Alt+A')
    expect(INTAKE_KEYS.agent).toBe('Alt+D')
    expect(INTAKE_KEYS.next).toBe('Alt+N')
  })
  it('keeps 咨询登记 clear of the desk keys', () => {
    const desk = new Set<string>(Object.values(INTAKE_KEYS).filter((k) => k !== INTAKE_KEYS.accept))
    expect(desk.has(CONSULT_KEY)).toBe(false)
    expect(desk.has(CONSULT_KEYS.callback)).toBe(false)
    expect(matchShortcut(key('Ω', { altKey: true }, 'KeyZ'), CONSULT_KEY)).toBe(true)
  })
})
