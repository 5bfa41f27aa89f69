import type { ComponentType, SVGProps } from 'react'
import { SparkIcon } from './Icons'

/** Friendly placeholder card for screens whose backend work hasn't landed yet. */
export function ComingSoon({ icon: Icon, feature, description, bullets = [] }: {
  icon: ComponentType<SVGProps<SVGSVGElement>>
  feature: string
  description: string
  bullets?: string[]
}) {
  return (
    <section
      data-testid="coming-soon"
      className="relative overflow-hidden rounded-2xl border border-slate-200 bg-white p-8 shadow-sm sm:p-10"
    >
      <div
        aria-hidden="true"
        className="pointer-events-none absolute -top-24 -right-24 h-64 w-64 rounded-full bg-gradient-to-br from-sky-200/60 to-indigo-200/40 blur-2xl"
      />
      <div className="relative flex flex-col gap-6 sm:flex-row sm:items-start">
        <div className="flex h-14 w-14 shrink-0 items-center justify-center rounded-xl bg-slate-900 text-2xl text-sky-300 shadow-md">
          <Icon />
        </div>
        <div className="min-w-0">
          <p className="inline-flex items-center gap-1.5 rounded-full bg-sky-50 px-2.5 py-0.5 text-xs font-medium text-sky-700 ring-1 ring-sky-200">
            <SparkIcon /> In progress
          </p>
          <h2 className="mt-3 text-lg font-semibold text-slate-900">Coming soon: {feature}</h2>
          <p className="mt-2 max-w-prose text-slate-600">{description}</p>
          {bullets.length > 0 && (
            <ul className="mt-4 space-y-1.5 text-sm text-slate-600">
              {bullets.map((b) => (
                <li key={b} className="flex items-start gap-2">
                  <span aria-hidden="true" className="mt-2 h-1.5 w-1.5 shrink-0 rounded-full bg-sky-400" />
                  {b}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  )
}
