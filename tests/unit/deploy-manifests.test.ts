/**
 * The Kubernetes manifests of deploy/k8s, offline: each overlay rendered by the real
 * `kubectl kustomize`, every object validated against the Kubernetes JSON schemas that the
 * `kubernetes-models` package bundles (Kubernetes 1.27 API; its validators reject wrong types,
 * missing required fields and bad enum values, but not unknown fields, so the fields that matter
 * are asserted below too), and the rules of docs/deploy/kubernetes.md: probes on the app's
 * endpoints, the security context, the grace period against the drain, selectors that select,
 * timeouts that keep websockets open, and no Secret in any overlay. No cluster is involved.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import {
  deployDir,
  dockerStages,
  instruction,
  knownEnvVars,
  overlays,
  parseObjects,
  renderKustomize,
  type K8sObject
} from '../helpers/deploy';

/** A model class per kind: its constructor takes the object, `validate()` throws on a violation. */
type Model = new (data: never) => { validate(): void };
const models: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget
};

/** The schema violations of `object`, or [] (an unknown kind is a violation too). */
function schemaErrors(object: K8sObject): string[] {
  const model = models[`${object.apiVersion}/${object.kind}`];
  if (!model) return [`no schema for ${object.apiVersion} ${object.kind}: add it to the map`];
  try {
    new model(object as never).validate();
    return [];
  } catch (error) {
    return [`${object.kind}/${object.metadata?.name}: ${(error as Error).message}`];
  }
}

function only(objects: K8sObject[], kind: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered YAML is walked as plain data */
const get = (object: unknown, path: string): any =>
  path.split('.').reduce<any>((value, key) => value?.[key], object);

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

const rendered = new Map(
  overlays.map((name) => [name, renderKustomize(join(deployDir, 'k8s/overlays', name))])
);
const appPort = Number(instruction(dockerStages().at(-1)!, 'EXPOSE'));

describe('the schema validator', () => {
  it('rejects a wrong type, a missing required field and an unknown kind', () => {
    const deployment = structuredClone(only(rendered.get('on-prem')!, 'Deployment'));
    expect(schemaErrors(deployment)).toEqual([]);
    get(deployment, 'spec.template.spec.containers')[0].ports[0].containerPort = 'http';
    expect(schemaErrors(deployment).join()).toMatch(/containerPort must be integer/);
    const service = structuredClone(only(rendered.get('on-prem')!, 'Service'));
    delete get(service, 'spec').ports[0].port;
    expect(schemaErrors(service).join()).toMatch(/must have required property '?port'?/);
    expect(schemaErrors({ ...service, kind: 'Servic' })[0]).toMatch(/no schema/);
  });
});

describe.each(overlays)('overlay %s', (overlay) => {
  const objects = rendered.get(overlay)!;
  const deployment = only(objects, 'Deployment');
  const pod = get(deployment, 'spec.template');
  const container = pod.spec.containers[0];
  const podLabels: Record<string, string> = pod.metadata.labels;

  it('renders objects that all pass the Kubernetes schemas, in one namespace', () => {
    expect(objects.flatMap(schemaErrors)).toEqual([]);
    const kinds = objects.map((o) => o.kind).sort();
    expect(kinds).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Ingress',
        'Namespace',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Service',
        'ServiceAccount'
      ].sort()
    );
    for (const o of objects.filter((o) => o.kind !== 'Namespace')) {
      expect(o.metadata.namespace, `${o.kind} namespace`).toBe('runboard');
    }
  });

  it('carries no secret: the Secret is created from the operator’s store', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(container.envFrom).toContainEqual({ secretRef: { name: 'runboard-secrets' } });
    expect(container.envFrom).toContainEqual({ configMapRef: { name: 'runboard-config' } });
  });

  it('names the node after its pod: RUNBOARD_NODE_NAME from metadata.name (metrics `node` label)', () => {
    const env: { name: string; value?: string; valueFrom?: unknown }[] = container.env ?? [];
    expect(env.filter((v) => v.name === 'RUNBOARD_NODE_NAME')).toEqual([
      { name: 'RUNBOARD_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }
    ]);
    expect(knownEnvVars().has('RUNBOARD_NODE_NAME')).toBe(true);
    // Not also in the ConfigMap, where one value would name every pod alike.
    expect(get(only(objects, 'ConfigMap'), 'data.RUNBOARD_NODE_NAME')).toBeUndefined();
  });

  it('probes /readyz for readiness and /healthz for liveness and start-up, on the app port', () => {
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.startupProbe.httpGet.path).toBe('/healthz');
    const http = container.ports.find((p: { name: string }) => p.name === 'http');
    expect(http.containerPort).toBe(appPort);
    const config = only(objects, 'ConfigMap');
    expect(Number(get(config, 'data.PORT'))).toBe(appPort);
    // Start-up may run migrations: at least a minute before liveness takes over.
    const startup = container.startupProbe;
    expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThanOrEqual(60);
  });

  it('runs restricted: non-root, read-only root, no capabilities, RuntimeDefault seccomp', () => {
    expect(pod.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' }
    });
    expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] }
    });
    const mounts = Object.fromEntries(
      container.volumeMounts.map((m: { mountPath: string; name: string }) => [m.mountPath, m.name])
    );
    const volumes = Object.fromEntries(pod.spec.volumes.map((v: { name: string }) => [v.name, v]));
    expect(volumes[mounts['/tmp']].emptyDir).toBeDefined();
    expect(volumes[mounts[get(only(objects, 'ConfigMap'), 'data.DATA_DIR')]]).toBeDefined();
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(only(objects, 'Namespace').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted'
    });
  });

  it('gives the pod time to drain: preStop plus 30 s of drain fit in the grace period', () => {
    const preStop = container.lifecycle.preStop.exec.command;
    expect(preStop[0]).toBe('sleep');
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(Number(preStop[1]) + 30);
    expect(deployment.spec).toMatchObject({
      strategy: { rollingUpdate: { maxUnavailable: 0 } }
    });
  });

  it('requests and limits resources and spreads pods over hosts and zones', () => {
    expect(container.resources.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String)
    });
    expect(container.resources.limits.memory).toBeDefined();
    const keys = pod.spec.topologySpreadConstraints.map(
      (c: { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }) => {
        expect(matches(c.labelSelector.matchLabels, podLabels)).toBe(true);
        return c.topologyKey;
      }
    );
    expect(keys.sort()).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
  });

  it('selects the pods from the Service, the PDB, the HPA and the NetworkPolicy', () => {
    const service = only(objects, 'Service');
    expect(matches(get(service, 'spec.selector'), podLabels)).toBe(true);
    expect(get(service, 'spec.ports')[0].targetPort).toBe('http');
    expect(
      matches(get(only(objects, 'PodDisruptionBudget'), 'spec.selector.matchLabels'), podLabels)
    ).toBe(true);
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(get(hpa, 'spec.scaleTargetRef')).toMatchObject({
      kind: 'Deployment',
      name: deployment.metadata.name
    });
    expect(get(hpa, 'spec.minReplicas')).toBeGreaterThanOrEqual(2);
    const policy = only(objects, 'NetworkPolicy');
    expect(matches(get(policy, 'spec.podSelector.matchLabels'), podLabels)).toBe(true);
    expect(get(policy, 'spec.policyTypes')).toEqual(['Ingress', 'Egress']);
    const egressPorts = get(policy, 'spec.egress').flatMap((rule: { ports: { port: number }[] }) =>
      rule.ports.map((p) => p.port)
    );
    expect(egressPorts).toEqual(expect.arrayContaining([53, 5432, 6379, 443]));
  });

  it('routes the Ingress to the Service with websocket-friendly timeouts', () => {
    const ingress = only(objects, 'Ingress');
    const backend = get(ingress, 'spec.rules')[0].http.paths[0].backend.service;
    expect(backend).toEqual({
      name: only(objects, 'Service').metadata.name,
      port: { name: 'http' }
    });
    const annotations: Record<string, string> = ingress.metadata.annotations as never;
    if (get(ingress, 'spec.ingressClassName') === 'alb') {
      const idle = /idle_timeout\.timeout_seconds=(\d+)/.exec(
        annotations['alb.ingress.kubernetes.io/load-balancer-attributes'] ?? ''
      );
      expect(Number(idle?.[1])).toBeGreaterThanOrEqual(3600);
      expect(annotations['alb.ingress.kubernetes.io/healthcheck-path']).toBe('/readyz');
      expect(Object.keys(annotations).some((k) => k.startsWith('nginx.'))).toBe(false);
    } else {
      for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
        expect(Number(annotations[`nginx.ingress.kubernetes.io/${key}`])).toBeGreaterThanOrEqual(
          3600
        );
      }
      expect(get(ingress, 'spec.tls')[0].hosts).toEqual([get(ingress, 'spec.rules')[0].host]);
    }
    const origin = new URL(get(only(objects, 'ConfigMap'), 'data.ORIGIN'));
    expect(origin.protocol).toBe('https:');
    expect(origin.host).toBe(get(ingress, 'spec.rules')[0].host);
  });

  it('sets only variables the app or Node reads', () => {
    const known = knownEnvVars();
    const keys = Object.keys(get(only(objects, 'ConfigMap'), 'data'));
    expect(keys.filter((key) => !known.has(key))).toEqual([]);
    const image = container.image as string;
    expect(image).toMatch(/^[^/]+\/.+:[\w.-]+$/);
  });
});

describe('the example Secret', () => {
  const objects = parseObjects(
    readFileSync(join(deployDir, 'k8s/base/secret.example.yaml'), 'utf8')
  );
  const secret = only(objects, 'Secret');

  it('passes the schema, names the Deployment’s secret and holds placeholders only', () => {
    expect(schemaErrors(secret)).toEqual([]);
    expect(secret.metadata.name).toBe('runboard-secrets');
    const data = secret.stringData as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(
      ['DATABASE_URL', 'METRICS_TOKEN', 'REDIS_URL', 'RUNBOARD_SECRET_KEY'].sort()
    );
    for (const [key, value] of Object.entries(data)) {
      expect(knownEnvVars().has(key), key).toBe(true);
      expect(value, key).toMatch(/CHANGE-ME/);
    }
  });

  it('is not rendered by the base', () => {
    const base = renderKustomize(join(deployDir, 'k8s/base'));
    expect(base.some((o) => o.kind === 'Secret')).toBe(false);
    expect(base.flatMap(schemaErrors)).toEqual([]);
  });
});
