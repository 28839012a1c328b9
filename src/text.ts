// Making untrusted text (from a platform, or from a user's input) safe for the log and the summary.

// C0/C1 control characters (except tab) and ANSI escape sequences.
const CONTROLS = /\u001b\[[0-9;?]*[ -/]*[@-~]|[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g

/**
 * One log line from untrusted text: no control characters or line breaks, no workflow command
 * (a line starting with `::`, or `##[` anywhere), at most `max` characters.
 */
export function oneLine(text: string, max = 300): string {
  let s = text.replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim()
  s = s.replace(/##\[/g, '#\u200b#[')
  if (s.startsWith('::')) s = `:\u200b${s.slice(1)}`
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}

const HTML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '[': '&#91;',
  ']': '&#93;',
  '(': '&#40;',
  ')': '&#41;',
  '*': '&#42;',
  _: '&#95;',
  '`': '&#96;',
  '\\': '&#92;'
}

/** Untrusted text for the job summary: HTML and Markdown both render it literally. */
export function forSummary(text: string, max = 300): string {
  return oneLine(text, max).replace(/[&<>"'|[\]()*_`\\]/g, (c) => HTML[c])
}

/** Removes every form in which a secret could be echoed back (plain, base64, URL-encoded). */
export function redact(text: string, secrets: readonly string[]): string {
  let s = text
  for (const secret of secrets) {
    if (secret.length < 4) continue
    for (const form of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)]) {
      s = s.split(form).join('***')
    }
  }
  return s
}
