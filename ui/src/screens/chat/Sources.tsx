import type { KnowledgeSource } from '../../api/types'
import { Snippet } from '../../components/Snippet'

/**
 * The excerpts of the mesh's files an answer was given, numbered as it cites them ([1], [2]…), each
 * linking to its file on its node. Test ids: `chat-sources`, `chat-source` (`data-number`), `chat-source-file`.
 */
export function Sources({ sources }: { sources: KnowledgeSource[] }) {
  return (
    <section data-testid="chat-sources" aria-label="Sources" className="mt-3 border-t border-slate-100 pt-2">
      <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Sources</h3>
      <ol className="mt-1 space-y-1.5">
        {sources.map((source) => (
          <li key={source.number} data-testid="chat-source" data-number={source.number} className="text-xs text-slate-600">
            <span className="mr-1 font-semibold text-slate-700 tabular-nums">[{source.number}]</span>
            <a data-testid="chat-source-file" href={source.download_url} className="font-medium text-sky-800 underline-offset-2 hover:underline">
              {source.file}
            </a>
            <span className="text-slate-500"> · {source.node}</span>
            <span className="mt-0.5 block text-slate-600">
              <Snippet text={source.snippet} />
            </span>
          </li>
        ))}
      </ol>
    </section>
  )
}
