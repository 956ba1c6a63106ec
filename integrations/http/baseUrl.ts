/**
 * A peer's base URL from configuration, checked the same way for every HTTP integration: a valid http(s) URL, with a
 * trailing slash so relative paths resolve under it (new URL('Patient', base)), and no credentials in it (they belong
 * in the integration's own secret setting, never in a URL that ends up in logs). `what` names the setting in messages,
 * e.g. "PAS base URL"; `credentialsHint` says where credentials go instead, e.g. "bearerToken".
 */
export function httpBaseUrl(raw: string, what: string, credentialsHint: string): URL {
  let base: URL;
  try {
    base = new URL(raw.endsWith('/') ? raw : `${raw}/`);
  } catch {
    throw new Error(`${what} is not a valid URL`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error(`${what} must be http(s)`);
  if (base.username || base.password) throw new Error(`${what} must not carry credentials; use ${credentialsHint}`);
  return base;
}
