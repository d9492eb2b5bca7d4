import createClient, { type Middleware } from 'openapi-fetch';
import { clearSession, readSession, readStructure } from '../auth/session';
import type { paths } from './openapi.gen';

/**
 * The typed API client: paths, parameters and bodies come from the types generated from the API's own OpenAPI
 * document. Every request carries the session's token and the structure chosen in the header; a 401 ends the
 * session (the sign-in page then says it expired).
 */
const auth: Middleware = {
  onRequest({ request }) {
    const session = readSession();
    if (session) request.headers.set('authorization', `Bearer ${session.token}`);
    const siret = readStructure();
    if (siret && !request.headers.has('x-structure-siret')) request.headers.set('x-structure-siret', siret);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) clearSession('expiree');
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

export type { components, paths } from './openapi.gen';
