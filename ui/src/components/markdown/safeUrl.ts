// Which link and image targets an LLM answer may keep. Model output is untrusted text: only absolute
// http(s) URLs survive, so no javascript:, data:, vbscript: or relative link reaches the DOM.

/** The URL, normalised, if it is an absolute http(s) URL; otherwise null (javascript:, data:, relative…). */
export function safeUrl(url: string): string | null {
  try {
    const parsed = new URL(url.trim())
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null
  } catch {
    return null
  }
}
