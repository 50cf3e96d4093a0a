/** Calls `fn` once input has been quiet for `ms` milliseconds; `cancel` drops a pending call. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | null = null
  const run = (...args: A) => {
    if (timer !== null) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      fn(...args)
    }, ms)
  }
  run.cancel = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
  return run
}
