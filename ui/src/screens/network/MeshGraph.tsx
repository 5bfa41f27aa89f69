import { useEffect, useMemo, useState } from 'react'
import {
  BaseEdge,
  Controls,
  EdgeLabelRenderer,
  Handle,
  Position,
  ReactFlow,
  getStraightPath,
  useNodesState,
  type EdgeProps,
  type NodeProps,
} from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import './meshGraph.css'
import type { Peer } from '../../api/types'
import { buildMeshGraph, carryOverNodes, edgeLabel, type MeshEdge, type MeshNode, type SelfNode } from './meshGraph'

/** Whether the app's dark theme is on (theme.ts sets the `dark` class on <html>), following changes. */
function useDarkClass(): boolean {
  const root = document.documentElement
  const [dark, setDark] = useState(() => root.classList.contains('dark'))
  useEffect(() => {
    const observer = new MutationObserver(() => setDark(root.classList.contains('dark')))
    observer.observe(root, { attributes: true, attributeFilter: ['class'] })
    return () => observer.disconnect()
  }, [root])
  return dark
}

const MAX_CHIPS = 3

const NODE_STYLES: Record<MeshNode['data']['state'], { box: string; dot: string }> = {
  self: { box: 'border-sky-500 bg-sky-50 ring-4 ring-sky-500/20', dot: 'bg-sky-500' },
  up: { box: 'border-emerald-300 bg-white', dot: 'bg-emerald-500' },
  connecting: { box: 'border-amber-300 bg-white', dot: 'bg-amber-500' },
  down: { box: 'border-dashed border-slate-300 bg-slate-50', dot: 'bg-slate-400' },
  revoked: { box: 'border-dashed border-red-200 bg-slate-50', dot: 'bg-red-500' },
}

/** A node: its name, short id, state and the models it hosts as chips. */
function MeshNodeView({ data }: NodeProps<MeshNode>) {
  const style = NODE_STYLES[data.state]
  const shown = data.models.slice(0, MAX_CHIPS)
  const more = data.models.length - shown.length
  return (
    <div
      data-testid="mesh-node"
      data-node-id={data.nodeId}
      data-self={data.self ? 'true' : 'false'}
      data-state={data.state}
      className="w-48 rounded-xl bg-white text-left"
    >
      {/* Edges run centre to centre: one hidden handle of each kind in the middle. */}
      <Handle type="target" position={Position.Top} isConnectable={false} className="mesh-graph-handle" />
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="mesh-graph-handle" />
      {/* The opaque white (dark: slate) under the tint keeps the edge that ends in the middle out of sight. */}
      <div className={`rounded-xl border-2 px-3 py-2 shadow-sm ${style.box}`}>
        <div className="flex items-center gap-1.5">
          <span aria-hidden="true" className={`h-2 w-2 shrink-0 rounded-full ${style.dot}`} />
          <span className="truncate text-sm font-semibold text-slate-900" title={data.name}>
            {data.name}
          </span>
          {data.self && (
            <span className="ml-auto shrink-0 rounded bg-sky-700 px-1.5 py-px text-[10px] font-semibold text-white uppercase">
              this node
            </span>
          )}
        </div>
        <div className="font-mono text-[11px] text-slate-600" title={data.nodeId}>
          {data.nodeId.slice(0, 12)}
          {!data.self && data.state !== 'up' && <span className="ml-1.5 font-sans font-medium">· {data.state}</span>}
        </div>
        {data.models.length > 0 && (
          <div className="mt-1.5 flex flex-wrap gap-1" aria-label={`Models: ${data.models.join(', ')}`}>
            {shown.map((model) => (
              <span
                key={model}
                data-testid="mesh-model"
                className="max-w-full truncate rounded bg-violet-50 px-1.5 py-px font-mono text-[10px] text-violet-800 ring-1 ring-violet-200 dark:bg-violet-950 dark:text-violet-100 dark:ring-violet-800"
                title={model}
              >
                {model}
              </span>
            ))}
            {more > 0 && (
              <span className="rounded bg-slate-100 px-1.5 py-px text-[10px] text-slate-600" title={data.models.slice(MAX_CHIPS).join(', ')}>
                +{more}
              </span>
            )}
          </div>
        )}
      </div>
    </div>
  )
}

const EDGE_STROKES: Record<NonNullable<MeshEdge['data']>['state'], { stroke: string; dash?: string; label: string }> = {
  up: { stroke: '#10b981', label: 'bg-emerald-50 text-emerald-800 ring-emerald-200' },
  connecting: { stroke: '#f59e0b', dash: '6 4', label: 'bg-amber-50 text-amber-800 ring-amber-200' },
  down: { stroke: '#94a3b8', dash: '4 4', label: 'bg-slate-100 text-slate-600 ring-slate-200' },
  revoked: { stroke: '#94a3b8', dash: '4 4', label: 'bg-red-50 text-red-700 ring-red-200' },
}

/** A quadratic curve from source to target whose middle sits a fifth of their distance off the line, on the side away from the origin. */
function peerLinkPath(sx: number, sy: number, tx: number, ty: number): string {
  const [mx, my, dx, dy] = [(sx + tx) / 2, (sy + ty) / 2, tx - sx, ty - sy]
  const length = Math.hypot(dx, dy) || 1
  const away = mx * -dy + my * dx < 0 ? -1 : 1
  const bend = 0.45 * length // a quadratic curve reaches half-way to its control point
  return `M ${sx},${sy} Q ${mx + (away * -dy * bend) / length},${my + (away * dx * bend) / length} ${tx},${ty}`
}

/** A link: a straight line, green while up and grey dashed while down, labelled with its RTT or its state. */
function LinkEdge({ id, sourceX, sourceY, targetX, targetY, data, target }: EdgeProps<MeshEdge>) {
  const [path, labelX, labelY] = getStraightPath({ sourceX, sourceY, targetX, targetY })
  const state = data?.state ?? 'down'
  const look = EDGE_STROKES[state]
  if (data?.between) {
    // A link between two peers: thin and quiet, so this node's own links (with their RTT) stay the ones read first, and
    // bent away from this node (at the origin), so a link between two peers facing each other does not run under it.
    return (
      <BaseEdge id={id} path={peerLinkPath(sourceX, sourceY, targetX, targetY)} style={{ stroke: look.stroke, strokeWidth: 1.25, opacity: 0.55 }} />
    )
  }
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        style={{ stroke: look.stroke, strokeWidth: state === 'up' ? 2.5 : 1.5, strokeDasharray: look.dash, opacity: state === 'up' ? 1 : 0.8 }}
      />
      <EdgeLabelRenderer>
        <span
          data-testid="mesh-edge-label"
          data-target={target}
          data-state={state}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          className={`nodrag nopan absolute rounded-full px-2 py-0.5 text-[11px] font-medium tabular-nums ring-1 ${look.label}`}
        >
          {data ? edgeLabel(data) : ''}
        </span>
      </EdgeLabelRenderer>
    </>
  )
}

const nodeTypes = { mesh: MeshNodeView }
const edgeTypes = { link: LinkEdge }

/**
 * The mesh as a live graph (React Flow): this node highlighted in the middle, every peer around it with the models it
 * hosts, and each link with its round-trip time (greyed and dashed while down). Only this node's own links are known
 * (GET /api/peers), so it is a star. Test ids: `mesh-graph`, `mesh-node` (`data-node-id`, `data-self`, `data-state`),
 * `mesh-model`, `mesh-edge-label` (`data-target`, `data-state`).
 */
export default function MeshGraph({ self, peers }: { self: SelfNode; peers: Peer[] }) {
  const dark = useDarkClass()
  const graph = useMemo(() => buildMeshGraph(self, peers), [self, peers])
  // A new set of nodes starts a new flow, fitted into view; a poll that only changes states or RTTs leaves the view alone.
  const layoutKey = graph.nodes.map((n) => n.id).join(',')
  return (
    <div
      data-testid="mesh-graph"
      className="mesh-graph h-80 w-full md:h-96"
      role="group"
      aria-label={`Mesh graph: this node and ${peers.length} ${peers.length === 1 ? 'peer' : 'peers'}`}
    >
      <MeshFlow key={layoutKey} nodes={graph.nodes} edges={graph.edges} dark={dark} />
    </div>
  )
}

/** The flow itself. Its nodes are state, so the sizes React Flow measures stay with them from one poll to the next. */
function MeshFlow({ nodes: next, edges, dark }: { nodes: MeshNode[]; edges: MeshEdge[]; dark: boolean }) {
  const [nodes, setNodes, onNodesChange] = useNodesState<MeshNode>(next)
  useEffect(() => setNodes((prev) => carryOverNodes(prev, next)), [next, setNodes])
  return (
    <ReactFlow<MeshNode, MeshEdge>
      nodes={nodes}
      edges={edges}
      onNodesChange={onNodesChange}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      nodeOrigin={[0.5, 0.5]}
      colorMode={dark ? 'dark' : 'light'}
      fitView
      fitViewOptions={{ padding: 0.2, maxZoom: 1.1 }}
      minZoom={0.3}
      maxZoom={2}
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable={false}
      zoomOnScroll={false}
      preventScrolling={false}
    >
      <Controls showInteractive={false} />
    </ReactFlow>
  )
}
