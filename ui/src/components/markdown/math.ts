// Math in answers ($$…$$), loaded on demand: KaTeX and its stylesheet are large, and most answers
// have no math. KaTeX runs with trust off, so \href, \url and \html… commands render as errors, not
// as links or attributes.
import type { Options as MarkdownOptions } from 'react-markdown'
import rehypeKatex, { type Options as KatexOptions } from 'rehype-katex'
import remarkMath from 'remark-math'
import 'katex/dist/katex.min.css'

type Plugins = NonNullable<MarkdownOptions['remarkPlugins']>

const katexOptions: KatexOptions = {
  trust: false,
  strict: 'ignore',
  // Bounds for hostile input: no giant boxes, no runaway macro expansion.
  maxSize: 20,
  maxExpand: 500,
}

/** Only double dollars are math: a single "$" in an answer is far more often money ("$5 and $10") than TeX. */
export const remarkPlugins: Plugins = [[remarkMath, { singleDollarTextMath: false }]]

export const rehypePlugins: Plugins = [[rehypeKatex, katexOptions]]
