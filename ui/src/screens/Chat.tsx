import { useCallback, useEffect, useState, type KeyboardEvent } from 'react'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom'
import { getConversations, updateConversation } from '../api/conversations'
import { getModels } from '../api/models'
import { getPreferences, savePreferences } from '../api/preferences'
import { AlertIcon } from '../components/Icons'
import { Page } from '../components/Page'
import { RetryingBanner } from '../components/RetryingBanner'
import { useNodeStatus } from '../status'
import { useNow } from '../useNow'
import { usePoll } from '../usePoll'
import { Composer } from './chat/Composer'
import { ConversationHeader } from './chat/ConversationHeader'
import { ConversationList } from './chat/ConversationList'
import { ConversationPane, ConversationsButton, useWideChat } from './chat/ConversationPane'
import { ModelPicker, choiceValue, resolveChoice, type ModelChoice } from './chat/ModelPicker'
import { SettingsDialog } from './chat/SettingsDialog'
import { Thread, type TurnActions } from './chat/Thread'
import { UndoToast } from './chat/UndoToast'
import { useChatSession, type ChatSettings } from './chat/useChatSession'
import { useDeleteWithUndo } from './chat/useDeleteWithUndo'

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

/**
 * Beside the model picker: makes the picked model the one every new chat of this user starts with, in any browser; once it
 * is, says so. Test id: `chat-model-default` (`data-default` "true" when the picked model is the default).
 */
function DefaultModelButton({ isDefault, onClick }: { isDefault: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      data-testid="chat-model-default"
      data-default={isDefault}
      disabled={isDefault}
      onClick={onClick}
      title={isDefault ? 'New chats start with this model, in any browser you sign in from' : 'Start every new chat with this model, in any browser'}
      className="shrink-0 rounded-lg px-2 py-1 text-xs font-medium text-sky-700 hover:bg-sky-50 disabled:cursor-default disabled:text-slate-600 disabled:hover:bg-transparent dark:text-sky-300 dark:disabled:text-slate-300"
    >
      {isDefault ? '★ Your default' : '☆ Make default'}
    </button>
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
          with a local LLM (e.g. Ollama with a model pulled) on your network, or connect a peer that has one on the{' '}
          <Link to="/network" className="font-semibold underline">
            Network
          </Link>{' '}
          screen; it shows up here by itself.
        </p>
      </div>
    </div>
  )
}

/**
 * Chat with the mesh's LLMs: conversation list (search: Ctrl/Cmd+K), the open thread with
 * streamed answers and their actions, and the question box. The open conversation is in the URL
 * (`/chat/:id`), so a reload or a shared link opens it again. Test ids are documented on
 * ConversationList, ConversationHeader, Thread, Composer, FilePickerDialog, ModelPicker,
 * SettingsDialog, UndoToast and NoLlmNotice; polling failures show `chat-models-error` /
 * `chat-conversations-error`.
 *
 * `/chat?file=NAME` (the Shared Files screen's "Ask about this file") attaches that file to the
 * next question; the parameter is then dropped from the URL, so a reload does not attach it again.
 * ↑ in the empty question box edits the last question.
 */
export default function Chat() {
  const { status } = useNodeStatus()
  const now = useNow(30000)
  const navigate = useNavigate()
  const { id: routeId = null } = useParams<{ id: string }>()
  const models = usePoll(getModels, MODELS_POLL_MS, 'Model list request failed')
  const conversations = usePoll(getConversations, CONVERSATIONS_POLL_MS, 'Conversation list request failed')
  const refreshConversations = conversations.refresh
  const refreshModels = models.refresh
  const onStarted = useCallback((id: string) => navigate(`/chat/${id}`, { replace: true }), [navigate])
  const session = useChatSession(refreshConversations, onStarted)
  const deletion = useDeleteWithUndo(refreshConversations)
  const [editingKey, setEditingKey] = useState<string | null>(null)
  const [settingsOpen, setSettingsOpen] = useState(false)
  const [draftSettings, setDraftSettings] = useState<ChatSettings>({})

  // The URL says which conversation is open; the session follows it (a new chat's first answer
  // names its conversation, and the URL follows that instead).
  const { open, newChat, conversationId, openId } = session
  useEffect(() => {
    if (routeId === openId()) return
    // Settings changed for another conversation do not carry over (a new chat's first answer keeps them).
    setDraftSettings({})
    if (routeId) void open(routeId)
    else newChat()
  }, [routeId, open, newChat, openId])
  useEffect(() => setEditingKey(null), [conversationId])
  const wide = useWideChat()
  const [listOpen, setListOpen] = useState(false)

  const [attachment, setAttachment] = useState<string | null>(null)
  const [meshFiles, setMeshFiles] = useState(false)
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

  // The model for the next question: the one picked on this visit, else the user's default (kept by the node, so it follows
  // them to any browser), else this browser's last pick, else the catalog's first.
  const [pickedModel, setPickedModel] = useState<string | null>(null)
  const [storedModel] = useState<string | null>(readStoredModel)
  const [userDefault, setUserDefault] = useState<string | null>(null)
  const [defaultError, setDefaultError] = useState<string | null>(null)
  useEffect(() => {
    const abort = new AbortController()
    getPreferences(abort.signal).then(
      (p) => setUserDefault(p.default_model ?? null),
      () => {}, // no default known: the browser's last pick stands
    )
    return () => abort.abort()
  }, [])
  const catalog = models.data
  const choice: ModelChoice | undefined =
    resolveChoice(catalog, pickedModel) ??
    resolveChoice(catalog, userDefault) ??
    resolveChoice(catalog, storedModel) ??
    (catalog?.[0] ? { model: catalog[0].name } : undefined)
  const noLlm = catalog != null && catalog.length === 0

  const chooseModel = (next: ModelChoice) => {
    setPickedModel(choiceValue(next))
    storeModel(choiceValue(next))
  }

  const makeDefault = async (model: string) => {
    setDefaultError(null)
    try {
      const saved = await savePreferences({ default_model: model })
      setUserDefault(saved.default_model ?? null)
    } catch (e) {
      setDefaultError(`Could not save your default model: ${e instanceof Error ? e.message : String(e)}`)
    }
  }

  // An answer that failed because no LLM was reachable: re-check the catalog right away.
  const lastTurn = session.turns[session.turns.length - 1]
  const lastFailed = lastTurn?.status === 'error' && lastTurn.live
  useEffect(() => {
    if (lastFailed) refreshModels()
  }, [lastFailed, refreshModels])

  // Settings for the next question: the conversation's, with what was changed here on top.
  const settings: ChatSettings = { ...(session.settings ?? {}), ...draftSettings }
  const { ask, continueAnswer, selectBranch } = session
  const onSend = useCallback(
    (message: string, filename: string | null) =>
      void ask({ message, model: choice?.model, host: choice?.host, filename: filename ?? undefined, knowledge: meshFiles, settings }),
    // The settings' fields, not the object made anew each render.
    [ask, choice?.model, choice?.host, meshFiles, settings.system_prompt, settings.temperature, settings.max_tokens],
  )

  const actions: TurnActions = {
    onEdit: (turn, question) => void ask({ message: question, parentId: turn.parentId, model: choice?.model, host: choice?.host, settings }),
    onRegenerate: (turn) => void ask({ message: turn.question, parentId: turn.parentId, model: choice?.model, host: choice?.host, settings }),
    onRetry: (turn, avoidHost) =>
      void ask({
        message: turn.question,
        parentId: turn.parentId,
        model: turn.model ?? choice?.model,
        host: avoidHost ? undefined : choice?.host,
        avoidHost,
        settings,
      }),
    onContinue: (turn) => void continueAnswer(turn),
    onBranch: selectBranch,
    otherHostServes: (turn) => {
      const model = catalog?.find((m) => m.name === turn.model)
      return (model?.nodes ?? []).some((h) => h.node_id !== turn.host?.node_id)
    },
  }

  // ↑ in the empty question box edits the last question (the Composer's own keys are left alone).
  const onComposerKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement
    if (e.key !== 'ArrowUp' || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return
    if (!(target instanceof HTMLTextAreaElement) || target.value !== '' || session.streaming || !lastTurn) return
    e.preventDefault()
    setEditingKey(lastTurn.key)
  }

  const saveSettings = async (next: ChatSettings) => {
    if (conversationId) await updateConversation(conversationId, next)
    setDraftSettings(next)
  }

  const title =
    conversationId == null
      ? 'New chat'
      : (conversations.data?.find((c) => c.id === conversationId)?.title?.trim() || 'Conversation')

  const deleteOpen = () => {
    if (!conversationId) return
    deletion.remove({ id: conversationId, title })
    navigate('/chat')
  }

  return (
    <Page title="Chat" subtitle="Ask the LLMs of your mesh; answers stream in as they are written">
      {models.error && <RetryingBanner message={models.error} testId="chat-models-error" />}
      {conversations.error && <RetryingBanner message={conversations.error} testId="chat-conversations-error" />}
      {deletion.error && <RetryingBanner message={deletion.error} testId="chat-delete-error" />}
      {defaultError && (
        <p role="alert" data-testid="chat-model-default-error" className="mb-3 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
          {defaultError}
        </p>
      )}

      <div className="grid gap-4 lg:h-[calc(100dvh-13rem)] lg:min-h-[32rem] lg:grid-cols-[16rem_minmax(0,1fr)]">
        <ConversationPane wide={wide} open={listOpen} onClose={() => setListOpen(false)} closeKey={conversationId}>
          <ConversationList
            conversations={conversations.data}
            hiddenId={deletion.pending?.id}
            selectedId={conversationId}
            now={now}
            onSelect={(id) => navigate(`/chat/${id}`)}
            onNew={() => navigate('/chat')}
          />
        </ConversationPane>

        <section
          aria-label="Conversation"
          className="flex h-[calc(100dvh-14rem)] min-h-[24rem] flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm lg:h-auto lg:min-h-0"
        >
          <ConversationHeader
            conversationId={conversationId}
            title={title}
            shownBranch={session.turns.filter((t) => t.saved).map((t) => t.id)}
            onRenamed={refreshConversations}
            onDelete={deleteOpen}
            onSettings={() => setSettingsOpen(true)}
            leading={!wide && <ConversationsButton onClick={() => setListOpen(true)} />}
          >
            <ModelPicker models={catalog} value={choice} onChange={chooseModel} failed={models.error != null} />
            {choice && (
              <DefaultModelButton isDefault={choice.model === userDefault} onClick={() => void makeDefault(choice.model)} />
            )}
          </ConversationHeader>

          {noLlm && <NoLlmNotice />}

          <Thread
            turns={session.turns}
            nodes={session.nodes}
            localNodeId={status?.node_id ?? null}
            loading={session.loading}
            loadError={session.loadError}
            onRetryLoad={() => conversationId && void open(conversationId)}
            now={now}
            streaming={session.streaming}
            editingKey={editingKey}
            onEditingChange={setEditingKey}
            actions={actions}
          />

          <div onKeyDown={onComposerKeyDown}>
            <Composer
              streaming={session.streaming}
              disabled={noLlm}
              disabledReason="Sending is off until an LLM joins the mesh."
              filename={attachment}
              onFilenameChange={setAttachment}
              knowledge={meshFiles}
              onKnowledgeChange={setMeshFiles}
              onSend={onSend}
              onStop={session.stop}
            />
          </div>
        </section>
      </div>

      {settingsOpen && <SettingsDialog initial={settings} onSave={saveSettings} onClose={() => setSettingsOpen(false)} />}
      <UndoToast pending={deletion.pending} onUndo={deletion.undo} />
    </Page>
  )
}
