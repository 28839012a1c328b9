// Untrusted text made safe (src/text.ts), pinned exactly: these are the rules every platform
// string goes through before the log, an annotation, an output or the summary.
import { forSummary, oneLine, redact } from '../src/text.js'

describe('oneLine', () => {
  it.each([
    ['  padded  ', 'padded'],
    ['a\nb\r\nc\td', 'a b c d'],
    ['bell\u0007here', 'bell here'],
    ['c1\u0085control\u009f', 'c1 control'],
    ['\u001b[1;31mred\u001b[0m text', 'red text'],
    ['\u001b[?25hcursor', 'cursor'],
    ['\u001b[2 qshape', 'shape'],
    ['::error::forged', ':\u200b:error::forged'],
    ['  ::warning::x', ':\u200b:warning::x'],
    ['text ::not-a-command', 'text ::not-a-command'],
    ['a ##[warning]b ##[error]c', 'a #\u200b#[warning]b #\u200b#[error]c']
  ])('%j → %j', (input, expected) => {
    expect(oneLine(input)).toBe(expected)
  })

  it('keeps text of exactly the limit, and cuts longer text to the limit with an ellipsis', () => {
    expect(oneLine('x'.repeat(10), 10)).toBe('x'.repeat(10))
    const cut = oneLine('abcdefghijkl', 10)
    expect(cut).toBe('abcdefghi…')
    expect(cut).toHaveLength(10)
    expect(oneLine('y'.repeat(400))).toHaveLength(300) // the default limit
  })
})

describe('forSummary', () => {
  it.each([
    ['&', '&amp;'],
    ['<', '&lt;'],
    ['>', '&gt;'],
    ['"', '&quot;'],
    ["'", '&#39;'],
    ['|', '&#124;'],
    ['[', '&#91;'],
    [']', '&#93;'],
    ['(', '&#40;'],
    [')', '&#41;'],
    ['*', '&#42;'],
    ['_', '&#95;'],
    ['`', '&#96;'],
    ['\\', '&#92;']
  ])('%s → %s', (c, entity) => {
    expect(forSummary(`a${c}b`)).toBe(`a${entity}b`)
  })

  it('is one line first, then escaped, within its limit', () => {
    expect(forSummary('x\n</td><img src=x>', 300)).toBe('x &lt;/td&gt;&lt;img src=x&gt;')
    expect(forSummary('abcdefghijkl', 10)).toBe('abcdefghi…')
  })
})

describe('redact', () => {
  it('removes the secret in every form it could be echoed back in', () => {
    const secret = 'tok+en/=9?&'
    const text = `plain ${secret} b64 ${Buffer.from(secret).toString('base64')} url ${encodeURIComponent(secret)}`
    expect(redact(text, [secret])).toBe('plain *** b64 *** url ***')
  })

  it('leaves secrets under 4 characters (they would scrub ordinary words), from 4 on it scrubs', () => {
    expect(redact('the abc of it', ['abc'])).toBe('the abc of it')
    expect(redact('the abcd of it', ['abcd'])).toBe('the *** of it')
  })
})
