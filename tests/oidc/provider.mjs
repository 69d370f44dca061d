// A real OpenID provider for the server's API tests: oidc-provider (a certified implementation)
// on a loopback port chosen by the system, with its development sign-in screens (any login is
// accepted; the login is the account id).
//
// Environment: REDIRECT_URI (required), the relying party's callback.
// Prints one line `READY {"issuer": ...}` on stdout once it accepts connections; exits when its
// standard input closes (so it never outlives the test that started it).
//
// Clients:
//   assist         confidential (client_secret_basic), ID tokens signed RS256
//   assist-es256   confidential, ID tokens signed ES256
//   assist-public  public (PKCE only, no secret)
// Accounts: alice, bob, carol, dave below; any other login gets `<login>@example.com`.

import http from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const redirectUri = process.env.REDIRECT_URI;
if (!redirectUri) {
  console.error('REDIRECT_URI is required');
  process.exit(2);
}

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

const accounts = {
  alice: {
    email: 'alice@example.com',
    email_verified: true,
    name: 'Alice Example',
    job_title: 'Support Engineer',
    company: 'Example Ltd',
    picture: 'https://pictures.example.com/alice.png',
  },
  bob: {
    email: 'bob@example.com',
    email_verified: true,
    given_name: 'Bob',
    family_name: 'Builder',
    jobTitle: 'Site Lead',
    companyName: 'Builders Inc',
  },
  carol: { email: 'carol@other.test', email_verified: true, name: 'Carol Other', organization: 'Other Org' },
  dave: { email: 'dave@example.com', email_verified: false, name: 'Dave Unverified' },
};

const common = {
  redirect_uris: [redirectUri],
  response_types: ['code'],
  grant_types: ['authorization_code'],
};

const provider = new Provider(issuer, {
  clients: [
    { ...common, client_id: 'assist', client_secret: 'assist-secret' },
    {
      ...common,
      client_id: 'assist-es256',
      client_secret: 'assist-es256-secret',
      id_token_signed_response_alg: 'ES256',
    },
    { ...common, client_id: 'assist-public', token_endpoint_auth_method: 'none' },
  ],
  jwks: { keys: [{ ...rsa, kid: 'rsa-1', use: 'sig' }, { ...ec, kid: 'ec-1', use: 'sig' }] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: [
      'name', 'given_name', 'family_name', 'picture',
      'job_title', 'jobTitle', 'company', 'companyName', 'organization',
    ],
  },
  async findAccount(ctx, id) {
    const claims = accounts[id] ?? { email: `${id}@example.com`, email_verified: true, name: id };
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  pkce: { required: () => true },
  cookies: { keys: ['assist-test-cookie-key'] },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));

server.on('request', provider.callback());
console.log(`READY ${JSON.stringify({ issuer, port })}`);

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
