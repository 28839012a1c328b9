// See package.json: the one name @actions/http-client imports from undici, never constructed here.
export class ProxyAgent {
  constructor() {
    throw new Error('undici is not bundled with this action: HttpClient.getAgentDispatcher() is not supported')
  }
}
