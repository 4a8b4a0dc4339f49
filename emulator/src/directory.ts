/** The directory: tenants, app registrations (with consented permissions) and users. */
import * as crypto from 'node:crypto';
import type { AppSpec, TenantSpec, User, UserSpec } from './types';

export interface RegisteredCertificate {
  certPem: string;
  publicKey: crypto.KeyObject;
  /** base64url of the SHA-1 / SHA-256 of the DER, as x5t / x5t#S256 carry them. */
  x5t: string;
  x5tS256: string;
}

export interface App extends Omit<Required<AppSpec>, 'certificates' | 'redirectUris'> {
  tenantId: string;
  certificates: RegisteredCertificate[];
  redirectUris?: string[];
  /** Object id of the app's service principal: the oid of app-only tokens. */
  servicePrincipalId: string;
}

export interface Tenant extends TenantSpec {
  apps: Map<string, App>;
  users: Map<string, User>;
}

/** The OIDC scopes every app may ask for without consent. */
export const OIDC_SCOPES = ['openid', 'profile', 'offline_access', 'email'];

export class Directory {
  private tenants = new Map<string, Tenant>();

  addTenant(t: TenantSpec): Tenant {
    if (this.findTenant(t.id) || this.findTenant(t.domain)) throw new Error(`Tenant ${t.id} / ${t.domain} exists already`);
    const tenant: Tenant = { id: t.id, domain: t.domain.toLowerCase(), apps: new Map(), users: new Map() };
    this.tenants.set(t.id.toLowerCase(), tenant);
    return tenant;
  }

  /** By tenant id or any of its domains, case-insensitive, as Entra ID resolves it. */
  findTenant(idOrDomain: string): Tenant | undefined {
    const key = idOrDomain.toLowerCase();
    const byId = this.tenants.get(key);
    if (byId) return byId;
    for (const t of this.tenants.values()) if (t.domain === key) return t;
    return undefined;
  }

  allTenants(): Tenant[] {
    return [...this.tenants.values()];
  }

  tenant(idOrDomain: string): Tenant {
    const t = this.findTenant(idOrDomain);
    if (!t) throw new Error(`Unknown tenant ${idOrDomain}`);
    return t;
  }

  addApp(tenantId: string, spec: AppSpec): App {
    const tenant = this.tenant(tenantId);
    const app: App = {
      tenantId: tenant.id,
      clientId: spec.clientId,
      displayName: spec.displayName ?? spec.clientId,
      secrets: spec.secrets ?? [],
      certificates: (spec.certificates ?? []).map((c) => registerCertificate(c.certPem)),
      applicationPermissions: spec.applicationPermissions ?? [],
      delegatedScopes: spec.delegatedScopes ?? [],
      consented: spec.consented ?? true,
      publicClient: spec.publicClient ?? false,
      redirectUris: spec.redirectUris,
      servicePrincipalId: crypto.randomUUID(),
    };
    tenant.apps.set(spec.clientId.toLowerCase(), app);
    return app;
  }

  findApp(tenant: Tenant, clientId: string): App | undefined {
    return tenant.apps.get(clientId.toLowerCase());
  }

  addUser(tenantId: string, spec: UserSpec): User {
    const tenant = this.tenant(tenantId);
    const upn = spec.upn.toLowerCase();
    const user: User = {
      id: spec.id ?? crypto.randomUUID(),
      tenantId: tenant.id,
      userPrincipalName: upn,
      mail: upn,
      displayName: spec.displayName ?? defaultDisplayName(upn),
      password: spec.password,
      mfaRequired: spec.mfaRequired ?? false,
      conditionalAccessBlocked: spec.conditionalAccessBlocked ?? false,
      hasMailbox: spec.hasMailbox ?? true,
    };
    tenant.users.set(user.id.toLowerCase(), user);
    return user;
  }

  /** By object id or UPN within one tenant, as /users/{id | userPrincipalName} does. */
  findUser(tenant: Tenant, idOrUpn: string): User | undefined {
    const key = idOrUpn.toLowerCase();
    const byId = tenant.users.get(key);
    if (byId) return byId;
    for (const u of tenant.users.values()) if (u.userPrincipalName === key) return u;
    return undefined;
  }

  /** Any tenant's user by UPN (for the admin API and delivery). */
  findUserAnywhere(upnOrId: string): User | undefined {
    for (const t of this.tenants.values()) {
      const u = this.findUser(t, upnOrId);
      if (u) return u;
    }
    return undefined;
  }
}

function defaultDisplayName(upn: string): string {
  const local = upn.split('@')[0];
  return local.charAt(0).toUpperCase() + local.slice(1);
}

export function registerCertificate(certPem: string): RegisteredCertificate {
  const x509 = new crypto.X509Certificate(certPem);
  return {
    certPem,
    publicKey: x509.publicKey,
    x5t: crypto.createHash('sha1').update(x509.raw).digest('base64url'),
    x5tS256: crypto.createHash('sha256').update(x509.raw).digest('base64url'),
  };
}
