/** The demo tenant `contoso` (for `cli start --demo`): one secret app, one certificate app, alice and bob, a few mails. */
import type { Emulator } from './types';

export const DEMO = {
  tenantId: 'contoso',
  domain: 'contoso.onmicrosoft.com',
  clientId: 'demo-app',
  clientSecret: 'demo-secret',
  password: 'demo-password',
  users: ['alice@contoso.onmicrosoft.com', 'bob@contoso.onmicrosoft.com'],
};

export function seedDemo(emu: Emulator, certificatePem?: string): void {
  emu.addTenant({ id: DEMO.tenantId, domain: DEMO.domain });
  emu.addApp(DEMO.tenantId, {
    clientId: DEMO.clientId,
    displayName: 'n8n Graph Mail demo',
    secrets: [{ id: 'demo-secret-id', value: DEMO.clientSecret }],
    applicationPermissions: ['Mail.Send', 'Mail.ReadWrite', 'User.Read.All'],
    delegatedScopes: ['User.Read', 'Mail.ReadWrite', 'Mail.Send', 'Mail.Send.Shared', 'Mail.ReadWrite.Shared'],
    redirectUris: ['http://localhost:5678/rest/oauth2-credential/callback'],
  });
  if (certificatePem)
    emu.addApp(DEMO.tenantId, {
      clientId: 'demo-cert-app',
      displayName: 'n8n Graph Mail demo (certificate)',
      certificates: [{ certPem: certificatePem }],
      applicationPermissions: ['Mail.Send', 'Mail.ReadWrite', 'User.Read.All'],
    });
  const [alice, bob] = DEMO.users;
  emu.addUser(DEMO.tenantId, { upn: alice, displayName: 'Alice Example', password: DEMO.password });
  emu.addUser(DEMO.tenantId, { upn: bob, displayName: 'Bob Example', password: DEMO.password });
  const from = (address: string, name: string) => ({ emailAddress: { address, name } });
  emu.seedMessage(alice, 'inbox', { subject: 'Welcome to the emulator', from: from('it@contoso.onmicrosoft.com', 'Contoso IT'), body: { contentType: 'html', content: '<p>Hello <b>Alice</b>, this mailbox is emulated.</p>' } });
  emu.seedMessage(alice, 'inbox', { subject: 'Invoice 1001', from: from('billing@fabrikam.example', 'Fabrikam Billing'), importance: 'high', categories: ['Finance'], attachments: [{ name: 'invoice-1001.txt', contentType: 'text/plain', contentBytes: Buffer.from('Invoice 1001: 42 EUR\n') }] });
  emu.seedMessage(alice, 'inbox', { subject: 'Lunch?', from: from(bob, 'Bob Example'), body: { contentType: 'text', content: 'Noon at the usual place?' }, isRead: true });
  emu.seedMessage(bob, 'inbox', { subject: 'Project kickoff', from: from(alice, 'Alice Example'), body: { contentType: 'text', content: 'Kickoff on Monday.' } });
}
