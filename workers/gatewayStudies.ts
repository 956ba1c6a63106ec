/**
 * The IEP gateway (an Orthanc, AET IEPGW, in the sandbox and tests) is where IEP C-STOREs our downloads. Once a study is
 * safely in UHL PACS the copy on the gateway is removed, so the gateway never becomes a second, unmanaged archive of
 * patient images. DICOMweb has no delete, so this speaks the gateway's REST API.
 *
 * It lives here, not in integrations/, only until the lead decides whose the gateway is (integrations/iep or pacs):
 * say so in docs/workflows.md. Messages carry no UIDs or patient data.
 */
export interface GatewayStudies {
  /** Removes the study if the gateway holds it; removing one it does not hold is fine (at-least-once delivery). */
  remove(studyInstanceUid: string): Promise<void>;
}

/** A failed gateway call; retryable unless the gateway answered 4xx. */
export class GatewayError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** GatewayStudies over Orthanc's REST API (`/tools/find`, `DELETE /studies/{id}`). */
export class OrthancGatewayStudies implements GatewayStudies {
  constructor(
    private readonly restUrl: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async remove(studyInstanceUid: string): Promise<void> {
    const base = this.restUrl.replace(/\/+$/, '');
    const found = await this.call(`${base}/tools/find`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Level: 'Study', Query: { StudyInstanceUID: studyInstanceUid } }),
    });
    const ids = (await found.json()) as unknown;
    if (!Array.isArray(ids)) throw new GatewayError('the IEP gateway answered a study search with something other than a list', false);
    for (const id of ids) {
      if (typeof id !== 'string' || !/^[0-9a-f-]+$/.test(id)) continue;
      const res = await this.call(`${base}/studies/${id}`, { method: 'DELETE' }, [404]);
      await res.body?.cancel();
    }
  }

  private async call(url: string, init: RequestInit, okStatuses: number[] = []): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new GatewayError(`the IEP gateway could not be reached (${(err as Error).name})`, true);
    }
    if (!res.ok && !okStatuses.includes(res.status)) {
      await res.body?.cancel();
      throw new GatewayError(`the IEP gateway answered HTTP ${res.status}`, res.status >= 500 || res.status === 429);
    }
    return res;
  }
}
