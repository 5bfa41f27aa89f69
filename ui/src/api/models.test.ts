import { describe, expect, it } from 'vitest'
import { foldPull, modelsByName, parseProgressLine, PULL_START, type PullState } from './models'
import type { ModelEntry, ModelProgressLine } from './types'

const node = (node_id: string, loaded = false, local = false) => ({ node_id, name: node_id, loaded, local })
const entry = (name: string, digest: string, nodes: ReturnType<typeof node>[]): ModelEntry => ({
  name,
  digest,
  size: 1,
  family: 'llama',
  parameter_size: '8B',
  quantization_level: 'Q4_0',
  nodes,
})
const line = (fields: Partial<ModelProgressLine>): ModelProgressLine => ({ status: null, digest: null, completed: null, total: null, error: null, ...fields })
const fold = (lines: ModelProgressLine[]): PullState => lines.reduce(foldPull, PULL_START)

describe('modelsByName', () => {
  it('merges entries that differ only in digest, each node once', () => {
    const models = modelsByName([
      entry('gemma:2b', 'a', [node('p')]),
      entry('llama3:latest', 'a', [node('h', true, true)]),
      entry('llama3:latest', 'b', [node('p'), node('h')]),
    ])

    expect(models.map((m) => m.name)).toEqual(['gemma:2b', 'llama3:latest'])
    expect(models[1].nodes.map((n) => n.node_id)).toEqual(['h', 'p'])
    expect(models[1].nodes[0].loaded).toBe(true)
  })
})

describe('foldPull', () => {
  it('counts every layer towards the whole, so the bar never jumps back when the next layer starts', () => {
    const states = [
      line({ status: 'pulling manifest' }),
      line({ status: 'pulling aaa', digest: 'sha256:a', total: 900 }),
      line({ status: 'pulling aaa', digest: 'sha256:a', total: 900, completed: 450 }),
      line({ status: 'pulling aaa', digest: 'sha256:a', total: 900, completed: 900 }),
      line({ status: 'pulling bbb', digest: 'sha256:b', total: 100 }),
      line({ status: 'pulling bbb', digest: 'sha256:b', total: 100, completed: 100 }),
    ].reduce<PullState[]>((all, l) => [...all, foldPull(all.at(-1) ?? PULL_START, l)], [])

    expect(states.map((s) => s.percent)).toEqual([0, 0, 50, 99, 99, 99])
    expect(states.at(-1)!.status).toBe('pulling bbb')
    expect(states.every((s) => !s.done)).toBe(true)
  })

  it('ends at 100 on success', () => {
    const state = fold([line({ status: 'pulling aaa', digest: 'd', total: 10, completed: 5 }), line({ status: 'success' })])

    expect(state).toMatchObject({ percent: 100, done: true, error: null, status: 'success' })
  })

  it('ends with the error, keeping how far it got', () => {
    const state = fold([line({ status: 'pulling aaa', digest: 'd', total: 10, completed: 5 }), line({ error: 'pull model manifest: file does not exist' })])

    expect(state).toMatchObject({ percent: 50, done: true, error: 'pull model manifest: file does not exist' })
  })

  it('ignores a completed count beyond the total or going backwards', () => {
    const state = fold([
      line({ status: 'pulling a', digest: 'd', total: 10, completed: 8 }),
      line({ status: 'pulling a', digest: 'd', total: 10, completed: 3 }),
      line({ status: 'pulling a', digest: 'd', total: 10, completed: 50 }),
    ])

    expect(state.layers.d).toEqual({ total: 10, completed: 10 })
    expect(state.percent).toBe(99)
  })
})

describe('parseProgressLine', () => {
  it('reads the known fields and drops mistyped ones', () => {
    expect(parseProgressLine('{"status":"pulling a","digest":"d","total":10,"completed":"x"}')).toEqual(
      line({ status: 'pulling a', digest: 'd', total: 10 }),
    )
    expect(parseProgressLine('{"error":"boom"}')).toEqual(line({ error: 'boom' }))
  })

  it('skips what is not a JSON object', () => {
    expect(parseProgressLine('not json')).toBeNull()
    expect(parseProgressLine('[1]')).toBeNull()
  })
})
