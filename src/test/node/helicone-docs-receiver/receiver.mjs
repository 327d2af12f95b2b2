// A webhook receiver as Helicone's webhooks page (docs.helicone.ai/features/webhooks) writes one:
// it verifies `helicone-signature` as the HMAC-SHA256 hex of JSON.stringify(req.body) with the
// webhook's HMAC key, destructures request_id, request_body, request_response_url and metadata,
// fetches request_response_url and reads `request.messages` and `response.choices` from its JSON.
// The docs' handler is framework code (Next.js / Express); here node:http with the two helpers such a
// handler uses (req.body parsed, res.status().json()), so the handler itself is the docs' unchanged.
//
// Env: HELICONE_WEBHOOK_SECRET (the webhook's hmac_key), PORT_FILE (the listening port is written
// there), EXPECT (deliveries to take). Prints one JSON line, what the handler saw for each, and exits.
import crypto from "node:crypto";
import http from "node:http";
import { writeFileSync } from "node:fs";

// From the docs' "Security Best Practices", unchanged.
function verifyWebhookSignature(payload, signature, secret) {
  const hmac = crypto.createHmac("sha256", secret);
  hmac.update(JSON.stringify(payload));
  const calculatedSignature = hmac.digest("hex");

  return crypto.timingSafeEqual(
    Buffer.from(calculatedSignature, "hex"),
    Buffer.from(signature, "hex")
  );
}

const seen = [];

// The docs' handler (its Compliance Monitoring example, reduced to what it reads).
async function handler(req, res) {
  const { request_id, request_body, request_response_url, metadata } = req.body;

  // Verify webhook signature
  let isValid;
  try {
    isValid = verifyWebhookSignature(req.body, req.headers["helicone-signature"], process.env.HELICONE_WEBHOOK_SECRET);
  } catch (e) {
    isValid = false; // timingSafeEqual throws on a signature of the wrong length
  }
  if (!isValid) {
    seen.push({ request_id, signature: "invalid" });
    return res.status(401).json({ error: "Invalid signature" });
  }

  // Fetch complete interaction data
  const response = await fetch(request_response_url);
  const { request, response: llmResponse } = await response.json();

  const userMessage = request.messages[0].content;
  const aiResponse = llmResponse.choices[0].message.content;

  seen.push({
    request_id,
    signature: "valid",
    request_body,
    response_body: req.body.response_body,
    metadata,
    link_status: response.status,
    messages: request.messages,
    choices: llmResponse.choices,
    userMessageLength: userMessage.length,
    aiResponse,
  });
  return res.status(200).json({ message: "Webhook received" });
}

const expected = Number(process.env.EXPECT ?? "1");
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    res.status = (code) => {
      res.statusCode = code;
      return res;
    };
    res.json = (value) => {
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify(value));
    };
    try {
      req.body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      await handler(req, res);
    } catch (e) {
      seen.push({ error: String(e?.stack ?? e) });
      res.status(500).json({ error: String(e) });
    }
    if (seen.length >= expected) {
      setTimeout(finish, 300); // let the last answer reach the sender first
    }
  });
});

function finish() {
  console.log(JSON.stringify(seen));
  server.close();
  process.exit(0);
}

server.listen(0, "127.0.0.1", () => writeFileSync(process.env.PORT_FILE, String(server.address().port)));
// Never hang the build: give up after a minute with whatever arrived.
setTimeout(finish, 60_000).unref();
