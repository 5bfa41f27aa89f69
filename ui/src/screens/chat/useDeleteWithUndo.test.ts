// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { deleteConversation } from '../../api/conversations'
import { UNDO_MS, useDeleteWithUndo } from './useDeleteWithUndo'

vi.mock('../../api/conversations', () => ({ deleteConversation: vi.fn(() => Promise.resolve()) }))
const deleted = vi.mocked(deleteConversation)

describe('useDeleteWithUndo', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    deleted.mockClear()
  })
  afterEach(() => vi.useRealTimers())

  it('sends the DELETE only when the undo window closes', async () => {
    const onDeleted = vi.fn()
    const { result } = renderHook(() => useDeleteWithUndo(onDeleted))
    act(() => result.current.remove({ id: 'c_1', title: 'Apples' }))
    expect(result.current.pending).toEqual({ id: 'c_1', title: 'Apples' })

    act(() => vi.advanceTimersByTime(UNDO_MS - 1))
    expect(deleted).not.toHaveBeenCalled()
    await act(async () => vi.advanceTimersByTime(1))
    expect(deleted).toHaveBeenCalledExactlyOnceWith('c_1', false)
    expect(result.current.pending).toBeNull()
    expect(onDeleted).toHaveBeenCalledOnce()
  })

  it('deletes nothing after Undo', () => {
    const { result } = renderHook(() => useDeleteWithUndo(() => {}))
    act(() => result.current.remove({ id: 'c_1', title: 'Apples' }))
    act(() => result.current.undo())
    act(() => vi.advanceTimersByTime(UNDO_MS * 2))
    expect(deleted).not.toHaveBeenCalled()
    expect(result.current.pending).toBeNull()
  })

  it('settles the waiting delete at once when another starts, and with keepalive when the page goes away', () => {
    const { result } = renderHook(() => useDeleteWithUndo(() => {}))
    act(() => result.current.remove({ id: 'c_1', title: 'Apples' }))
    act(() => result.current.remove({ id: 'c_2', title: 'Pears' }))
    expect(deleted).toHaveBeenCalledExactlyOnceWith('c_1', false)
    act(() => {
      window.dispatchEvent(new Event('pagehide'))
    })
    expect(deleted).toHaveBeenLastCalledWith('c_2', true)
  })

  it('settles the waiting delete when the Chat screen is left', () => {
    const { result, unmount } = renderHook(() => useDeleteWithUndo(() => {}))
    act(() => result.current.remove({ id: 'c_9', title: 'Kiwis' }))
    unmount()
    expect(deleted).toHaveBeenCalledExactlyOnceWith('c_9', true)
  })
})
