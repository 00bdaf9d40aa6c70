/**
 * `clients ...` commands (docs/cli.md): list, add, delete the OpenID Connect clients, each
 * one admin API call (docs/admin-api.md, "OpenID Connect clients"). A confidential client's
 * secret is printed once, by `clients add`, and can never be read again.
 */

import { requirePositional } from "./args.mjs";
import { UsageError } from "./duration.mjs";
import { formatTime, renderTable } from "./format.mjs";

const CLIENT_COLUMNS = [
  ["client id", (c) => c.clientId],
  ["name", (c) => c.name],
  ["type", (c) => c.type],
  ["app", (c) => c.app ?? "-"],
  ["redirect uris", (c) => c.redirectUris.join(" ")],
  ["created", (c) => formatTime(c.createdAt)],
];

/** A comma-separated list of URIs (commas do not occur in real redirect URIs). */
const uriList = (raw) =>
  raw
    .split(",")
    .map((uri) => uri.trim())
    .filter(Boolean);

export const clientCommands = {
  list: {
    usage: "clients list",
    flags: [],
    positionals: 0,
    async run({ client }) {
      const { clients } = await client.listClients();
      return { json: { clients }, text: renderTable(CLIENT_COLUMNS, clients, "(no clients)") };
    },
  },
  add: {
    usage:
      "clients add <name> --redirect-uri URI[,URI...] [--type confidential|public] [--post-logout-redirect-uri URI[,URI...]] [--app APP] [--id-token-alg RS256|ES256]",
    flags: ["redirect-uri", "type", "post-logout-redirect-uri", "app", "id-token-alg"],
    async run({ client, flags, args }) {
      const name = requirePositional(args, 0, "a client name", "clients add");
      if (!flags["redirect-uri"]) throw new UsageError("clients add needs --redirect-uri (where the app receives the sign-in)");
      const body = {
        name,
        type: flags.type ?? "confidential",
        redirectUris: uriList(flags["redirect-uri"]),
        ...(flags["post-logout-redirect-uri"] !== undefined && { postLogoutRedirectUris: uriList(flags["post-logout-redirect-uri"]) }),
        ...(flags.app !== undefined && { app: flags.app }),
        ...(flags["id-token-alg"] !== undefined && { idTokenAlg: flags["id-token-alg"] }),
      };
      const result = await client.createClient(body);
      const lines = [`client_id      ${result.client.clientId}`];
      if (result.clientSecret) lines.push(`client_secret  ${result.clientSecret}`);
      return {
        json: result,
        text: lines.join("\n"),
        note: result.clientSecret
          ? "the client secret is shown once: store it in the app's settings now"
          : "a public client has no secret: it must use PKCE (S256)",
      };
    },
  },
  delete: {
    usage: "clients delete <client-id>",
    flags: [],
    async run({ client, args }) {
      const clientId = requirePositional(args, 0, "a client id", "clients delete");
      await client.deleteClient(clientId);
      return { json: { deleted: true, clientId }, text: `deleted client ${clientId}; its tokens no longer work` };
    },
  },
};
