// The official OpenAI Node SDK, unchanged, with its base URL pointed at Heliograph's gateway and
// one extra header — the change a Helicone user makes. Prints one JSON line with what it saw.
import OpenAI from 'openai';

const client = new OpenAI({
  apiKey: process.env.OPENAI_API_KEY,
  baseURL: `${process.env.HELIOGRAPH_URL}/oai/v1`,
  maxRetries: 0,
  defaultHeaders: {
    'Helicone-Auth': `Bearer ${process.env.HELIOGRAPH_KEY}`,
    'Helicone-Property-Suite': 'sdk',
    'Helicone-User-Id': 'user_sdk',
  },
});

const plain = await client.chat.completions
  .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Say hi' }] }, { headers: { 'X-Scenario': 'sdk-plain' } })
  .withResponse();

const streamed = await client.chat.completions
  .create(
    { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Count' }] },
    { headers: { 'X-Scenario': 'sdk-stream' } },
  )
  .withResponse();
let streamText = '';
let streamUsage = null;
for await (const chunk of streamed.data) {
  streamText += chunk.choices[0]?.delta?.content ?? '';
  if (chunk.usage) streamUsage = chunk.usage;
}

// The upstream's own error reaches the SDK as the upstream's error…
let upstreamError = null;
try {
  await client.chat.completions.create({ model: 'gpt-4o', messages: [] }, { headers: { 'X-Scenario': 'sdk-limited' } });
} catch (e) {
  upstreamError = { status: e.status, code: e.code, type: e.constructor.name };
}
// …and a bad Helicone key is the gateway's own 401.
let gatewayError = null;
try {
  await client.chat.completions.create(
    { model: 'gpt-4o', messages: [] },
    { headers: { 'Helicone-Auth': 'Bearer hg_wrong', 'X-Scenario': 'sdk-plain' } },
  );
} catch (e) {
  gatewayError = { status: e.status, message: e.message, type: e.constructor.name };
}

console.log(JSON.stringify({
  plainId: plain.response.headers.get('helicone-id'),
  plainContent: plain.data.choices[0].message.content,
  plainUsage: plain.data.usage,
  streamId: streamed.response.headers.get('helicone-id'),
  streamText,
  streamUsage,
  upstreamError,
  gatewayError,
}));
