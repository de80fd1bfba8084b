/** Teams fixtures: a team with one member per role (invited and accepted over REST), and a photo factory. */
import sharp from 'sharp';
import { Client } from './http.ts';

export type Who = 'viewer' | 'editor' | 'admin' | 'owner' | 'nonMember';

export interface TeamFixture {
  teamId: string;
  collectionId: string;
  clients: Record<Who, Client>;
  ids: Record<Who, string>;
}

/** A client that acts in `teamId` (the header the dashboard's team switcher sends). */
export function inTeam(client: Client, teamId: string): Client {
  const scoped = Object.create(client) as Client;
  const headers = client.headers.bind(client);
  scoped.headers = (extra = {}) => headers({ 'x-optimage-team': teamId, ...extra });
  return scoped;
}

let shade = 0;
/** A small PNG with bytes no other call returns (so uploads never dedupe). */
export async function freshPng(): Promise<Buffer> {
  shade++;
  return sharp({ create: { width: 16 + (shade % 50), height: 16, channels: 3, background: { r: shade % 256, g: (shade >> 8) % 256, b: 99 } } }).png().toBuffer();
}

/** The owner invites `email` with `role`; the invitee accepts signed in. Returns the invitation answer. */
export async function inviteAndAccept(owner: Client, teamId: string, invitee: Client, email: string, role: string): Promise<Record<string, unknown>> {
  const inv = await owner.json<{ url: string }>('POST', `/api/v1/teams/${teamId}/invitations`, { email, role });
  if (inv.status !== 201) throw new Error(`invite failed: ${inv.status} ${JSON.stringify(inv.body)}`);
  const token = new URL(inv.body.url).searchParams.get('invitation')!;
  const acc = await invitee.json('POST', '/api/v1/invitations/accept', { token });
  if (acc.status !== 200) throw new Error(`accept failed: ${acc.status} ${JSON.stringify(acc.body)}`);
  return inv.body;
}

export async function teamWithRoles(baseUrl: string, name = 'Acme'): Promise<TeamFixture> {
  const raw = { viewer: new Client(baseUrl), editor: new Client(baseUrl), admin: new Client(baseUrl), owner: new Client(baseUrl), nonMember: new Client(baseUrl) };
  const ids = {} as Record<Who, string>;
  const emails = {} as Record<Who, string>;
  for (const who of Object.keys(raw) as Who[]) {
    emails[who] = `${who}-${Math.random().toString(36).slice(2)}@example.com`;
    ids[who] = (await raw[who].signUp(emails[who])).id;
  }
  const team = await raw.owner.json<{ id: string }>('POST', '/api/v1/teams', { name });
  const teamId = team.body.id;
  for (const who of ['viewer', 'editor', 'admin'] as const) await inviteAndAccept(raw.owner, teamId, raw[who], emails[who], who);
  const clients = Object.fromEntries((Object.keys(raw) as Who[]).map((w) => [w, inTeam(raw[w], teamId)])) as Record<Who, Client>;
  const col = await clients.owner.json<{ id: string }>('POST', '/api/v1/collections', { name: `${name} photos`, teamId });
  return { teamId, collectionId: col.body.id, clients, ids };
}
