// The sandbox's own contract: every route says what it does (a phase faults can name), and a phase
// nobody declared is refused at once, so a misspelt fault can never let its case pass unfired.
import { FACTORIES, startSandbox } from '../sandbox/server.js'
import { PHASES } from '../sandbox/faults.js'

describe('sandbox phases', () => {
  it('every route of every platform declares one of the phases', () => {
    for (const make of FACTORIES) for (const r of make().routes) expect(PHASES).toContain(r.phase)
  })

  it('a fault on a phase that does not exist is refused, naming the phases', async () => {
    const box = await startSandbox()
    try {
      expect(() => box.fault('testsigma', { on: 'status', do: 'status', status: 502 })).toThrow(
        /fault "status": unknown phase "status"; the phases are trigger, poll, cancel/
      )
      expect(() => box.fault('testsigma', { on: 'any', do: 'pass' })).not.toThrow()
    } finally {
      await box.close()
    }
  })

  it('a platform with a route on an unknown phase does not start', () => {
    const broken = () => ({ name: 'broken', book: {}, routes: [{ route: 'GET /runs/:id', phase: 'status', handle: () => undefined }] })
    expect(() => startSandbox({ factories: [broken] })).toThrow(/route GET \/runs\/:id: unknown phase "status"/)
  })
})
