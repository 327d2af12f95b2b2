// The official OpenAI Node SDK through Heliograph's generic gateway: base URL `/gateway/v1`, the real
// upstream named in Helicone-Target-Url — what a Helicone user does for an OpenAI-compatible provider.
// Prints one JSON line with what it saw.
import OpenAI from 'openai';

const client = new OpenAI({
  apiKey: process.env.PROVIDER_API_KEY,
  baseURL: `${process.env.HELIOGRAPH_URL}/gateway/v1`,
  maxRetries: 0,
  defaultHeaders: {
    'Helicone-Auth': `Bearer ${process.env.HELIOGRAPH_KEY}`,
    'Helicone-Target-Url': process.env.TARGET_URL,
    'Helicone-Property-Suite': 'generic',
    'Helicone-User-Id': 'user_generic',
  },
});

const plain = await client.chat.completions
  .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Say hi' }] }, { headers: { 'X-Scenario': 'generic-plain' } })
  .withResponse();

const streamed = await client.chat.completions
  .create(
    { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Count' }] },
    { headers: { 'X-Scenario': 'generic-stream' } },
  )
  .withResponse();
let streamText = '';
for await (const chunk of streamed.data) {
  streamText += chunk.choices[0]?.delta?.content ?? '';
}

// A target the server refuses is the gateway's own 400, before any connection.
let refused = null;
try {
  await client.chat.completions.create(
    { model: 'gpt-4o', messages: [] },
    { headers: { 'Helicone-Target-Url': 'ftp://files.example.com', 'X-Scenario': 'generic-plain' } },
  );
} catch (e) {
  refused = { status: e.status, message: e.message, type: e.constructor.name };
}

console.log(JSON.stringify({
  plainId: plain.response.headers.get('helicone-id'),
  plainContent: plain.data.choices[0].message.content,
  streamId: streamed.response.headers.get('helicone-id'),
  streamText,
  refused,
}));
