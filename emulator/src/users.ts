/** Directory users as Graph shows them: /me, /users/{id | upn}, /users (list with $filter/$top). */
import type { Tenant } from './directory';
import type { GraphRequest, GraphResponse } from './http';
import { listCollection } from './listQuery';
import { parseSelect } from './messageView';
import type { EntityDef } from './odataFilter';
import type { EmulatorState } from './state';
import type { MailContext } from './graphRouter';
import type { User } from './types';

const USER_PROPS = ['id', 'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName'];

function renderUser(u: User, select?: string[]): Record<string, unknown> {
  const [givenName, ...rest] = u.displayName.split(' ');
  const full: Record<string, unknown> = {
    businessPhones: [],
    displayName: u.displayName,
    givenName,
    jobTitle: null,
    mail: u.hasMailbox ? u.mail : null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: rest.join(' ') || null,
    userPrincipalName: u.userPrincipalName,
    id: u.id,
  };
  return select ? Object.fromEntries(select.map((p) => [p, full[p]])) : full;
}

const USER_ENTITY: EntityDef<User> = {
  typeName: 'microsoft.graph.user',
  props: {
    id: { type: 'string', get: (u) => u.id },
    displayname: { type: 'string', get: (u) => u.displayName },
    userprincipalname: { type: 'string', get: (u) => u.userPrincipalName },
    mail: { type: 'string', get: (u) => u.mail },
  },
};

export function getUser(ctx: MailContext): GraphResponse {
  const select = parseSelect(ctx.req.query.get('$select'), USER_PROPS, 'microsoft.graph.user');
  return { status: 200, json: { '@odata.context': `${ctx.state.url}/v1.0/$metadata#users/$entity`, ...renderUser(ctx.user, select) } };
}

export function listUsers(state: EmulatorState, req: GraphRequest, tenant: Tenant): GraphResponse {
  const select = parseSelect(req.query.get('$select'), USER_PROPS, 'microsoft.graph.user');
  return listCollection({
    req,
    origin: state.url,
    items: [...tenant.users.values()],
    entity: USER_ENTITY,
    defaultOrder: [{ prop: 'userprincipalname', desc: false }],
    render: (u) => renderUser(u, select),
    context: `${state.url}/v1.0/$metadata#users`,
    defaultTop: 100,
  });
}
