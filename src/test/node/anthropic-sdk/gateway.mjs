// The official Anthropic Node SDK, unchanged, with its base URL pointed at Heliograph's gateway and
// one extra header — the change a Helicone user makes. Prints one JSON line with what it saw.
import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({
  apiKey: process.env.ANTHROPIC_API_KEY,
  baseURL: `${process.env.HELIOGRAPH_URL}/anthropic`,
  maxRetries: 0,
  defaultHeaders: {
    'Helicone-Auth': `Bearer ${process.env.HELIOGRAPH_KEY}`,
    'Helicone-Property-Suite': 'anthropic-sdk',
    'Helicone-User-Id': 'user_claude',
    'anthropic-beta': 'prompt-caching-2024-07-31',
  },
});

const plain = await client.messages
  .create(
    { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Say hi' }] },
    { headers: { 'X-Scenario': 'anthropic-plain' } },
  )
  .withResponse();

const streamed = await client.messages
  .create(
    { model: 'claude-haiku-4-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Count' }] },
    { headers: { 'X-Scenario': 'anthropic-stream' } },
  )
  .withResponse();
let streamText = '';
let streamUsage = null;
const eventTypes = [];
for await (const event of streamed.data) {
  eventTypes.push(event.type);
  if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') streamText += event.delta.text;
  if (event.type === 'message_delta') streamUsage = event.usage;
}

// The upstream's own error reaches the SDK as the upstream's error…
let upstreamError = null;
try {
  await client.messages.create(
    { model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] },
    { headers: { 'X-Scenario': 'anthropic-limited' } },
  );
} catch (e) {
  upstreamError = {
    status: e.status, type: e.constructor.name, isRateLimit: e instanceof Anthropic.RateLimitError,
    errorType: e.error?.error?.type,
  };
}
// …and a bad Helicone key is the gateway's own 401.
let gatewayError = null;
try {
  await client.messages.create(
    { model: 'claude-sonnet-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] },
    { headers: { 'Helicone-Auth': 'Bearer hg_wrong', 'X-Scenario': 'anthropic-plain' } },
  );
} catch (e) {
  gatewayError = { status: e.status, type: e.constructor.name, isAuthentication: e instanceof Anthropic.AuthenticationError };
}

console.log(JSON.stringify({
  plainId: plain.response.headers.get('helicone-id'),
  plainText: plain.data.content[0].text,
  plainUsage: plain.data.usage,
  streamId: streamed.response.headers.get('helicone-id'),
  streamText,
  streamUsage,
  eventTypes,
  upstreamError,
  gatewayError,
}));
