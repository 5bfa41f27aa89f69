import { useCallback, useEffect, useId, useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import { getConversations } from '../api/conversations'
import { getModels } from '../api/models'
import type { ModelInfo } from '../api/types'
import { AlertIcon } from '../components/Icons'
import { Page } from '../components/Page'
import { RetryingBanner } from '../components/RetryingBanner'
import { useNodeStatus } from '../status'
import { useNow } from '../useNow'
import { usePoll } from '../usePoll'
import { Composer } from './chat/Composer'
import { ConversationList } from './chat/ConversationList'
import { ConversationPane, ConversationsButton, useWideChat } from './chat/ConversationPane'
import { Thread } from './chat/Thread'
import { useChatSession } from './chat/useChatSession'

const MODELS_POLL_MS = 15000
const CONVERSATIONS_POLL_MS = 30000
const MODEL_KEY = 'meshmind.chat.model'

function readStoredModel(): string | null {
  try {
    return localStorage.getItem(MODEL_KEY)
  } catch {
    return null // storage disabled
  }
}

function storeModel(name: string) {
  try {
    localStorage.setItem(MODEL_KEY, name)
  } catch {
    // storage disabled: the choice lasts for this visit only
  }
}

function modelLabel(model: ModelInfo): string {
  const hosts = model.hosts ?? []
  if (hosts.some((h) => h.local)) return `${model.name} · this node`
  if (hosts.length === 1) return `${model.name} · ${hosts[0].name}`
  return hosts.length > 1 ? `${model.name} · ${hosts.length} peers` : model.name
}

/**
 * Model choice for the next question: from GET /api/models, remembered in localStorage,
 * defaulting to the first model of the catalog.
 * Test id: `chat-model-picker` (a <select> whose option values are model names).
 */
function ModelPicker({
  models,
  value,
  onChange,
  failed,
}: {
  models: ModelInfo[] | null
  value: string | undefined
  onChange: (name: string) => void
  failed: boolean
}) {
  const id = useId()
  return (
    <div className="flex min-w-0 items-center gap-2">
      <label htmlFor={id} className="text-xs font-medium text-slate-500">
        Model
      </label>
      <select
        id={id}
        data-testid="chat-model-picker"
        value={value ?? ''}
        disabled={!models || models.length === 0}
        onChange={(e) => onChange(e.target.value)}
        className="max-w-56 min-w-0 truncate rounded-lg border border-slate-300 bg-white py-1.5 pr-8 pl-2.5 font-mono text-xs text-slate-800 shadow-sm focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 focus:outline-none disabled:bg-slate-50 disabled:text-slate-400"
      >
        {models == null ? (
          <option value="">{failed ? 'Models unavailable' : 'Loading models…'}</option>
        ) : models.length === 0 ? (
          <option value="">No models</option>
        ) : (
          models.map((model) => (
            <option key={model.name} value={model.name}>
              {modelLabel(model)}
            </option>
          ))
        )}
      </select>
    </div>
  )
}

/** Shown when the mesh's model catalog is empty. Test id: `chat-no-llm`. */
function NoLlmNotice() {
  return (
    <div
      role="status"
      data-testid="chat-no-llm"
      className="flex items-start gap-3 border-b border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    >
      <AlertIcon className="mt-0.5 shrink-0 text-base text-amber-600" />
      <div>
        <p className="font-semibold">No LLM in the mesh</p>
        <p className="mt-0.5 text-amber-800">
          Neither this node nor any connected peer hosts a model, so questions cannot be answered yet. Start a node
          with a local LLM (e.g. Ollama) on your network; it shows up here by itself.
        </p>
      </div>
    </div>
  )
}

/**
 * Chat with the mesh's LLMs: conversation list, the open thread with streamed answers, and the
 * question box. Test ids are documented on ConversationList, Thread, Composer, FilePickerDialog,
 * ModelPicker and NoLlmNotice; polling failures show `chat-models-error` / `chat-conversations-error`.
 *
 * `/chat?file=NAME` (the Shared Files screen's "Ask about this file") attaches that file to the
 * next question; the parameter is then dropped from the URL, so a reload does not attach it again.
 */
export default function Chat() {
  const { status } = useNodeStatus()
  const now = useNow(30000)
  const models = usePoll(getModels, MODELS_POLL_MS, 'Model list request failed')
  const conversations = usePoll(getConversations, CONVERSATIONS_POLL_MS, 'Conversation list request failed')
  const refreshConversations = conversations.refresh
  const refreshModels = models.refresh
  const session = useChatSession(refreshConversations)
  const wide = useWideChat()
  const [listOpen, setListOpen] = useState(false)

  const [attachment, setAttachment] = useState<string | null>(null)
  const [searchParams, setSearchParams] = useSearchParams()
  const fileParam = searchParams.get('file')
  useEffect(() => {
    if (fileParam == null) return
    if (fileParam.trim()) setAttachment(fileParam)
    setSearchParams(
      (params) => {
        const next = new URLSearchParams(params)
        next.delete('file')
        return next
      },
      { replace: true },
    )
  }, [fileParam, setSearchParams])

  const [chosenModel, setChosenModel] = useState<string | null>(readStoredModel)
  const catalog = models.data
  const model = catalog?.some((m) => m.name === chosenModel) ? chosenModel! : catalog?.[0]?.name
  const noLlm = catalog != null && catalog.length === 0

  const chooseModel = (name: string) => {
    setChosenModel(name)
    storeModel(name)
  }

  // An answer that failed because no LLM was reachable: re-check the catalog right away.
  const lastTurn = session.turns[session.turns.length - 1]
  const lastFailed = lastTurn?.status === 'error' && lastTurn.live
  useEffect(() => {
    if (lastFailed) refreshModels()
  }, [lastFailed, refreshModels])

  const { send, open } = session
  const onSend = useCallback(
    (message: string, filename: string | null) =>
      void send({ message, model: model ?? undefined, filename: filename ?? undefined }),
    [send, model],
  )

  const openConversation = session.conversationId
  const title =
    openConversation == null
      ? 'New chat'
      : (conversations.data?.find((c) => c.id === openConversation)?.title?.trim() || 'Conversation')

  return (
    <Page title="Chat" subtitle="Ask the LLMs of your mesh; answers stream in as they are written">
      {models.error && <RetryingBanner message={models.error} testId="chat-models-error" />}
      {conversations.error && <RetryingBanner message={conversations.error} testId="chat-conversations-error" />}

      <div className="grid gap-4 lg:h-[calc(100dvh-13rem)] lg:min-h-[32rem] lg:grid-cols-[16rem_minmax(0,1fr)]">
        <ConversationPane wide={wide} open={listOpen} onClose={() => setListOpen(false)} closeKey={openConversation}>
          <ConversationList
            conversations={conversations.data}
            selectedId={openConversation}
            now={now}
            onSelect={(id) => void open(id)}
            onNew={session.newChat}
          />
        </ConversationPane>

        <section
          aria-label="Conversation"
          className="flex h-[calc(100dvh-14rem)] min-h-[24rem] flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm lg:h-auto lg:min-h-0"
        >
          <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 border-b border-slate-200 px-4 py-2.5">
            <div className="flex min-w-0 items-center gap-2">
              {!wide && <ConversationsButton onClick={() => setListOpen(true)} />}
              <h2 className="min-w-0 truncate text-sm font-semibold text-slate-900" title={title}>
                {title}
              </h2>
            </div>
            <ModelPicker models={catalog} value={model} onChange={chooseModel} failed={models.error != null} />
          </div>

          {noLlm && <NoLlmNotice />}

          <Thread
            turns={session.turns}
            localNodeId={status?.node_id ?? null}
            loading={session.loading}
            loadError={session.loadError}
            onRetryLoad={() => openConversation && void open(openConversation)}
            now={now}
          />

          <Composer
            streaming={session.streaming}
            disabled={noLlm}
            disabledReason="Sending is off until an LLM joins the mesh."
            filename={attachment}
            onFilenameChange={setAttachment}
            onSend={onSend}
            onStop={session.stop}
          />
        </section>
      </div>
    </Page>
  )
}
