import { describe, expect, it } from 'vitest'
import { useLatest } from '../reports'

/** A fetch whose answers the test releases in any order. */
function controlled() {
  const pending: { arg: string; resolve: (v: string) => void; reject: (e: unknown) => void }[] = []
  const fetch = (arg: string) => new Promise<string>((resolve, reject) => pending.push({ arg, resolve, reject }))
  return { fetch, pending }
}

describe('useLatest', () => {
  it('keeps the answer of the latest request, whatever order the answers come in', async () => {
    const c = controlled()
    const l = useLatest(c.fetch)
    const first = l.load('11月1日')
    const second = l.load('11月2日')
    expect(l.loading.value).toBe(true)
    c.pending[1].resolve('second')
    expect(await second).toBe('second')
    c.pending[0].resolve('first')
    expect(await first).toBeNull()
    expect(l.value.value).toBe('second')
    expect(l.loading.value).toBe(false)
  })

  it('clears the value on an error, or keeps it when asked to', async () => {
    for (const keep of [false, true]) {
      const c = controlled()
      const l = useLatest(c.fetch, keep)
      const ok = l.load('a')
      c.pending[0].resolve('shown')
      await ok
      const failed = l.load('b')
      c.pending[1].reject({ code: 'storage', message: '数据库文件为只读，本次操作未保存' })
      expect(await failed).toBeNull()
      expect(l.error.value).toBe('数据库文件为只读，本次操作未保存')
      expect(l.value.value).toBe(keep ? 'shown' : null)
    }
  })

  it('drops answers still on their way when the screen closes', async () => {
    const c = controlled()
    const l = useLatest(c.fetch)
    const late = l.load('a')
    l.drop()
    c.pending[0].resolve('late')
    expect(await late).toBeNull()
    expect(l.value.value).toBeNull()
  })
})
