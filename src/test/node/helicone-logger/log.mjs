// Logs three requests through Helicone's own manual logger, pointed at Heliograph instead of Helicone.
// Prints the request ids it used as JSON; the Java test reads the logs back and checks them.
import { HeliconeManualLogger } from "@helicone/helpers";
import { randomUUID } from "node:crypto";

const baseUrl = process.env.HELIOGRAPH_URL;
const apiKey = process.env.HELIOGRAPH_KEY;
const logger = new HeliconeManualLogger({
  apiKey,
  loggingEndpoint: `${baseUrl}/custom/v1/log`,
  headers: { "Helicone-Property-Suite": "interop" },
});

// The logger swallows HTTP failures (it only console.errors them); make them fail this script.
const realError = console.error;
console.error = (...args) => {
  realError(...args);
  process.exitCode = 1;
};

const plainId = randomUUID();
await logger.logRequest(
  { model: "gpt-4o", messages: [{ role: "user", content: "Say hi" }] },
  async (recorder) => {
    recorder.appendResults({
      id: "chatcmpl-interop",
      object: "chat.completion",
      model: "gpt-4o",
      choices: [{ index: 0, message: { role: "assistant", content: "Hi!" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 13, completion_tokens: 17, total_tokens: 30 },
    });
    return "done";
  },
  { "Helicone-Request-Id": plainId, "Helicone-User-Id": "user_123", "Helicone-Property-Environment": "prod" },
);

const streamId = randomUUID();
const builder = logger.logBuilder(
  { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Count" }] },
  { "Helicone-Request-Id": streamId },
);
async function* chunks() {
  const base = { id: "chatcmpl-s", object: "chat.completion.chunk", created: 1768473000, model: "gpt-4o-mini" };
  yield { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] };
  for (const word of ["one", " two", " three"]) {
    await new Promise((r) => setTimeout(r, 5));
    yield { ...base, choices: [{ index: 0, delta: { content: word }, finish_reason: null }] };
  }
  yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] };
  yield { ...base, choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } };
}
const reader = builder.toReadableStream(chunks()).getReader();
while (!(await reader.read()).done) {
  // the application would forward these chunks to its own client
}
await builder.sendLog();

const singleId = randomUUID();
await logger.logSingleRequest(
  { model: "claude-3-5-haiku-20241022", messages: [{ role: "user", content: "hey" }] },
  JSON.stringify({ type: "message", model: "claude-3-5-haiku-20241022", content: [{ type: "text", text: "hello" }],
    usage: { input_tokens: 10, output_tokens: 20 } }),
  { additionalHeaders: { "Helicone-Request-Id": singleId }, latencyMs: 250 },
);

console.log(JSON.stringify({ plainId, streamId, singleId }));
