// Verifies captured deliveries with the standardwebhooks and svix npm packages, unchanged.
// Input (argv[2]): a JSON file [{ secret, headers: {name: value}, body }]. Prints one JSON line of results.
import { readFileSync } from "node:fs";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";

const deliveries = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = deliveries.map(({ secret, headers, body }) => {
  const outcome = {};
  try {
    new StandardWebhook(secret).verify(body, headers);
    outcome.standardwebhooks = "ok";
  } catch (e) {
    outcome.standardwebhooks = String(e.message ?? e);
  }
  try {
    new SvixWebhook(secret).verify(body, headers);
    outcome.svix = "ok";
  } catch (e) {
    outcome.svix = String(e.message ?? e);
  }
  // A tampered body must be refused by both.
  const tampered = body.replace(/"status":200/, '"status":201');
  for (const [name, Impl] of [["standardwebhooks_tampered", StandardWebhook], ["svix_tampered", SvixWebhook]]) {
    try {
      new Impl(secret).verify(tampered, headers);
      outcome[name] = "accepted";
    } catch (e) {
      outcome[name] = "refused";
    }
  }
  return outcome;
});
console.log(JSON.stringify(results));
