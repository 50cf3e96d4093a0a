import { describe, expect, it } from 'vitest'
import { useImport } from '../views/admin/useImport'

describe('imports', () => {
  it('shows what the import says, and a refusal with the file name', async () => {
    const imp = useImport(async (name) => {
      if (name === 'bad.csv') throw { code: 'invalid', message: '第 3 行：缺少事项编码' }
      return { type: 'success', text: `已导入 ${name}` }
    })
    await imp.onFile('ok.json', '{}')
    expect(imp.outcome.value).toEqual({ type: 'success', text: '已导入 ok.json' })
    expect(imp.busy.value).toBe(false)
    await imp.onFile('bad.csv', '')
    expect(imp.outcome.value?.type).toBe('error')
    expect(imp.outcome.value?.text).toBe('bad.csv：第 3 行：缺少事项编码')
  })
})
