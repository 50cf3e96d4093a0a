// Step 3 of 前台受理: the materials ticked as handed in (none by default) for the chosen item,
// what they allow, and the 容缺 date the clerk may set.
import { computed, ref, type Ref } from 'vue'
import type { CatalogItemView } from '../../bindings/CatalogItemView'
import type { Material } from '../../bindings/Material'
import { checkMaterials, materialsAdvice } from '../../intake'

export function useMaterials(item: Ref<CatalogItemView | null>) {
  const given = ref<Set<string>>(new Set())
  const commitmentDue = ref<string | null>(null)
  const materials = computed<Material[]>(() => item.value?.materials ?? [])
  const check = computed(() => (item.value ? checkMaterials(materials.value, given.value) : null))
  const advice = computed(() => materialsAdvice(check.value, materials.value.length))

  function setGiven(name: string, on: boolean) {
    const next = new Set(given.value)
    if (on) next.add(name)
    else next.delete(name)
    given.value = next
  }

  function allGiven() {
    if (!item.value) return
    given.value = new Set(materials.value.map((m) => m.name))
  }

  function clear() {
    given.value = new Set()
    commitmentDue.value = null
  }

  return { given, commitmentDue, materials, check, advice, setGiven, allGiven, clear }
}

export type MaterialsState = ReturnType<typeof useMaterials>
