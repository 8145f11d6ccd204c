// TEST DOUBLE: a stand-in Kubernetes API server.
//
// Why it exists: the real kube-apiserver the tests run (1.20.2, the newest Debian's source
// builds) lacks what newer clusters serve — discovery.k8s.io/v1 EndpointSlices and batch/v1
// CronJobs — so cke's plugins would never take those paths against it. This server serves them,
// with the behaviour the plugins must cope with: bearer-token authentication (401), 404, 409 on
// a name that exists and on a stale metadata.resourceVersion, 422 on an invalid name or a body
// the official schemas refuse. Every request body is validated against the schemas of the npm
// package kubernetes-models (pinned in package.json), so a field cke spells wrong fails here.
//
// It keeps its objects in memory, serves HTTPS only, and reads the token file at every request. Test hooks, behind the same token:
//   GET  /standin/requests              every write so far: [{method, path, status, agent}]
//   POST /standin/conflict?path=PATH    the next PUT to PATH meets a concurrent write first
//   POST /standin/unavailable?path=PATH&times=N   the next N requests to PATH get 503
//
// Usage: node server.mjs --port PORT --cert FILE --key FILE --token-file FILE
//                        [--serve GROUP/VERSION,...]  (default: every version it knows)
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import { randomUUID } from "node:crypto";
import * as core from "kubernetes-models/v1";
import * as discoveryV1 from "kubernetes-models/discovery.k8s.io/v1";
import * as discoveryV1beta1 from "kubernetes-models/discovery.k8s.io/v1beta1";
import * as batchV1 from "kubernetes-models/batch/v1";
import * as batchV1beta1 from "kubernetes-models/batch/v1beta1";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
for (const required of ["port", "cert", "key", "token-file"]) {
  if (!args[required]) {
    console.error(`kube-standin: --${required} is required`);
    process.exit(2);
  }
}
// Read at every request, so that a test can rotate the token as a cluster rotates service
// account tokens.
const currentToken = () => readFileSync(args["token-file"], "utf8").trim();

// group/version -> plural -> {kind, model, name rule}. Objects of one group and plural share one
// store across versions, as in the real server.
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const nameRules = {
  label: [dns1123Label, 63, "a lowercase RFC 1123 label"],
  service: [dns1035Label, 63, "a DNS-1035 label (a lowercase letter first)"],
  subdomain: [dns1123Subdomain, 253, "a lowercase RFC 1123 subdomain"],
};
const known = {
  v1: {
    services: { kind: "Service", model: core.Service, name: "service" },
    endpoints: { kind: "Endpoints", model: core.Endpoints, name: "subdomain" },
    persistentvolumeclaims: { kind: "PersistentVolumeClaim", model: core.PersistentVolumeClaim, name: "subdomain" },
    secrets: { kind: "Secret", model: core.Secret, name: "subdomain" },
  },
  "discovery.k8s.io/v1": {
    endpointslices: { kind: "EndpointSlice", model: discoveryV1.EndpointSlice, name: "subdomain" },
  },
  "discovery.k8s.io/v1beta1": {
    endpointslices: { kind: "EndpointSlice", model: discoveryV1beta1.EndpointSlice, name: "subdomain" },
  },
  "batch/v1": {
    cronjobs: { kind: "CronJob", model: batchV1.CronJob, name: "label" },
    jobs: { kind: "Job", model: batchV1.Job, name: "label" },
  },
  "batch/v1beta1": {
    cronjobs: { kind: "CronJob", model: batchV1beta1.CronJob, name: "label" },
  },
};
const served = (args.serve ?? Object.keys(known).join(",")).split(",").filter((gv) => gv);
for (const gv of served) {
  if (!known[gv]) {
    console.error(`kube-standin: --serve: unknown group version ${gv} (${Object.keys(known).join(", ")})`);
    process.exit(2);
  }
}

const store = new Map(); // "group/plural/namespace/name" -> object
let resourceVersion = 1000;
const writes = [];
const conflictNext = new Set();
const unavailable = new Map(); // path -> how many more requests get 503

function status(code, reason, message, details) {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code, details };
}
const failure = {
  400: (message) => status(400, "BadRequest", message),
  401: () => status(401, "Unauthorized", "Unauthorized"),
  404: (what, name) => status(404, "NotFound", `${what} "${name}" not found`, { name }),
  405: (method) => status(405, "MethodNotAllowed", `the server does not allow ${method} here`),
  409: (reason, message, name) => status(409, reason, message, { name }),
  422: (kind, name, message) => status(422, "Invalid", `${kind} "${name}" is invalid: ${message}`, { name, kind }),
};

function discovery(path) {
  if (path === "/api") return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] };
  const groups = {};
  for (const gv of served.filter((gv) => gv.includes("/"))) {
    const [group, version] = gv.split("/");
    (groups[group] ??= []).push({ groupVersion: gv, version });
  }
  const group = (name) => ({ name, versions: groups[name], preferredVersion: groups[name][0] });
  if (path === "/apis") return { kind: "APIGroupList", apiVersion: "v1", groups: Object.keys(groups).map(group) };
  const m = path.match(/^\/apis\/([^/]+)$/);
  if (m) return groups[m[1]] ? { kind: "APIGroup", apiVersion: "v1", ...group(m[1]) } : null;
  const gv = path === "/api/v1" ? "v1" : path.replace(/^\/apis\//, "");
  if (!served.includes(gv) || !(path === "/api/v1" || path.startsWith("/apis/"))) return null;
  const resources = Object.entries(known[gv]).map(([plural, r]) => ({
    name: plural, singularName: r.kind.toLowerCase(), namespaced: true, kind: r.kind,
    verbs: ["create", "delete", "get", "list", "update"],
  }));
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: gv, resources };
}

// /api/v1/namespaces/NS/PLURAL[/NAME] or /apis/GROUP/VERSION/namespaces/NS/PLURAL[/NAME]
function resourcePath(path) {
  const m = path.match(/^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/);
  if (!m) return null;
  const gv = m[1] ?? m[2];
  const resource = served.includes(gv) ? known[gv][m[4]] : undefined;
  if (!resource) return null;
  return { gv, group: gv.includes("/") ? gv.split("/")[0] : "", plural: m[4], namespace: m[3], name: m[5], resource };
}

function validName(rule, name) {
  const [pattern, max, what] = nameRules[rule];
  if (!name) return "metadata.name: Required value: name or generateName is required";
  if (name.length > max || !pattern.test(name)) {
    return `metadata.name: Invalid value: "${name}": must be ${what} of at most ${max} characters`;
  }
  return null;
}

// What the real server fills in on a write, so that clients meet the defaults they meet there.
function withDefaults(kind, object) {
  const o = structuredClone(object);
  const ports = kind === "Service" ? o.spec?.ports : kind === "EndpointSlice" ? o.ports : undefined;
  for (const port of ports ?? []) {
    port.protocol ??= "TCP";
    if (kind === "Service") port.targetPort ??= port.port;
  }
  if (kind === "Service") {
    o.spec.type ??= "ClusterIP";
    o.spec.sessionAffinity ??= "None";
  }
  for (const subset of o.subsets ?? []) for (const p of subset.ports ?? []) p.protocol ??= "TCP";
  return o;
}

// The body's own checks: kind and apiVersion as the URL says, the namespace, the schema.
function checkBody(target, body) {
  const { gv, namespace, resource } = target;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return [400, failure[400]("the body is not a JSON object")];
  if (body.kind !== resource.kind || body.apiVersion !== gv) {
    return [400, failure[400](`the body is a ${body.apiVersion}/${body.kind}, the URL wants a ${gv}/${resource.kind}`)];
  }
  const name = body.metadata?.name;
  const bad = validName(resource.name, name);
  if (bad) return [422, failure[422](resource.kind, name ?? "", bad)];
  if (body.metadata.namespace !== undefined && body.metadata.namespace !== namespace) {
    return [400, failure[400]("the namespace of the provided object does not match the namespace sent on the request")];
  }
  try {
    new resource.model(body).validate();
  } catch (error) {
    return [422, failure[422](resource.kind, name, `schema: ${error.message}`)];
  }
  return null;
}

function handle(method, url, body) {
  const path = url.pathname;
  if (path === "/standin/requests" && method === "GET") return [200, writes];
  if (path === "/standin/conflict" && method === "POST") {
    conflictNext.add(url.searchParams.get("path"));
    return [200, {}];
  }
  if (path === "/standin/unavailable" && method === "POST") {
    unavailable.set(url.searchParams.get("path"), Number(url.searchParams.get("times") ?? 1));
    return [200, {}];
  }
  if ((unavailable.get(path) ?? 0) > 0) {
    unavailable.set(path, unavailable.get(path) - 1);
    return [503, status(503, "ServiceUnavailable", "the stand-in was told to be unavailable")];
  }
  if (method === "GET") {
    const answer = discovery(path);
    if (answer) return [200, answer];
  }
  const target = resourcePath(path);
  if (!target) return [404, failure[404]("the server could not find the requested resource", path)];
  const { gv, group, plural, namespace, name, resource } = target;
  const keyOf = (n) => `${group}/${plural}/${namespace}/${n}`;
  const present = (object) => ({ ...object, apiVersion: gv, kind: resource.kind });
  if (!name) {
    if (method === "GET") {
      const selector = url.searchParams.get("labelSelector");
      const items = [...store.entries()]
        .filter(([key]) => key.startsWith(keyOf("")))
        .map(([, object]) => present(object))
        .filter((object) => !selector || selector.split(",").every((term) => {
          const [k, v] = term.split("=");
          return object.metadata.labels?.[k] === v;
        }));
      return [200, { kind: `${resource.kind}List`, apiVersion: gv, metadata: { resourceVersion: String(resourceVersion) }, items }];
    }
    if (method !== "POST") return [405, failure[405](method)];
    const invalid = checkBody(target, body);
    if (invalid) return invalid;
    const key = keyOf(body.metadata.name);
    if (store.has(key)) {
      return [409, failure[409]("AlreadyExists", `${plural} "${body.metadata.name}" already exists`, body.metadata.name)];
    }
    const created = withDefaults(resource.kind, body);
    created.metadata = {
      ...created.metadata, namespace, uid: randomUUID(), resourceVersion: String(++resourceVersion),
      creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    };
    store.set(key, created);
    return [201, present(created)];
  }
  const key = keyOf(name);
  const current = store.get(key);
  if (method === "GET") return current ? [200, present(current)] : [404, failure[404](plural, name)];
  if (method === "DELETE") {
    if (!current) return [404, failure[404](plural, name)];
    store.delete(key);
    return [200, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name, kind: plural } }];
  }
  if (method !== "PUT") return [405, failure[405](method)];
  const invalid = checkBody(target, body);
  if (invalid) return invalid;
  if (body.metadata.name !== name) return [400, failure[400]("the name of the object does not match the name on the URL")];
  if (!current) return [404, failure[404](plural, name)];
  if (conflictNext.delete(path)) {
    current.metadata.resourceVersion = String(++resourceVersion); // someone else wrote meanwhile
  }
  if (!body.metadata.resourceVersion) {
    return [422, failure[422](resource.kind, name, "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update")];
  }
  if (body.metadata.resourceVersion !== current.metadata.resourceVersion) {
    return [409, failure[409]("Conflict", `Operation cannot be fulfilled on ${plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`, name)];
  }
  if (resource.kind === "Service" && (body.spec?.clusterIP ?? current.spec.clusterIP) !== current.spec.clusterIP) {
    return [422, failure[422]("Service", name, "spec.clusterIP: Invalid value: field is immutable")];
  }
  const replaced = withDefaults(resource.kind, body);
  replaced.metadata = {
    ...replaced.metadata, namespace, uid: current.metadata.uid,
    creationTimestamp: current.metadata.creationTimestamp, resourceVersion: String(++resourceVersion),
  };
  store.set(key, replaced);
  return [200, present(replaced)];
}

const server = createServer({ cert: readFileSync(args.cert), key: readFileSync(args.key) }, (request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const url = new URL(request.url, "https://standin");
    let code;
    let answer;
    if (request.headers.authorization !== `Bearer ${currentToken()}`) {
      [code, answer] = [401, failure[401]()];
    } else {
      let body = null;
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        body = text ? JSON.parse(text) : null;
        [code, answer] = handle(request.method, url, body);
      } catch (error) {
        [code, answer] = error instanceof SyntaxError ? [400, failure[400](`the body is not JSON: ${error.message}`)] : [500, status(500, "InternalError", String(error))];
      }
    }
    if (request.method !== "GET" && !url.pathname.startsWith("/standin/")) {
      writes.push({ method: request.method, path: url.pathname, status: code, agent: request.headers["user-agent"] ?? "" });
    }
    response.writeHead(code, { "Content-Type": "application/json" });
    response.end(JSON.stringify(answer));
  });
});
server.listen(Number(args.port), "127.0.0.1", () => console.log(`kube-standin: serving ${served.join(", ")} on https://127.0.0.1:${args.port}`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
