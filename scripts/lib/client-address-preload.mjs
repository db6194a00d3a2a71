// Loaded with `node --import` into the Next server (scripts/dev.ts): writes every request's TCP peer address
// into a header only the console sets, replacing one a client may have sent, because Next hands route
// handlers and next-auth no socket. lib/auth/client-address.ts reads it when TRUSTED_PROXIES is 0. Plain
// JavaScript: it runs before any TypeScript loader.
import http from "node:http";

const HEADER = "x-directory-console-peer";
// In this process only (not inherited by children that may lack the preload).
globalThis[Symbol.for("directory-console.peer-header")] = true;

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, ...args) {
  if (event === "request") {
    const [request] = args;
    request.headers[HEADER] = request.socket?.remoteAddress ?? "";
  }
  return emit.call(this, event, ...args);
};
