/**
 * Many GPUs: the systemd template (examples/runner) and the Actions Runner Controller scale set
 * (examples/kubernetes) give each experiment exactly one GPU and the data where the action looks.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { expandHome } from "../../src/core/action-inputs.js";
import { trainingEnv } from "../../src/core/training-env.js";

const ROOT = resolve(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/**
 * The top-level keys of charts/gha-runner-scale-set/values.yaml (set, or documented in comments)
 * in actions/actions-runner-controller at 2ee6b3b8e8d2781c2f2bd4f0033fbb436465c5c1 (chart 0.14.2).
 */
const CHART_KEYS = [
  "githubConfigUrl",
  "scaleSetLabels",
  "githubConfigSecret",
  "proxy",
  "maxRunners",
  "minRunners",
  "runnerGroup",
  "runnerScaleSetName",
  "githubServerTLS",
  "keyVault",
  "containerMode",
  "listenerTemplate",
  "listenerMetrics",
  "template",
  "controllerServiceAccount",
  "namespaceOverride",
  "annotations",
  "labels",
  "resourceMeta",
];
const GPU = "nvidia.com/gpu";

interface Container {
  name: string;
  image?: string;
  env?: { name: string; value?: string }[];
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
  securityContext?: { allowPrivilegeEscalation?: boolean };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string; readOnly?: boolean } }[];
}
interface ScaleSetValues {
  runnerScaleSetName: string;
  minRunners: unknown;
  maxRunners: unknown;
  template: { spec: PodSpec };
}

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: { accessModes?: string[]; template?: { spec: PodSpec } };
}

function named<T extends { name: string }>(items: readonly T[], name: string, where: string): T {
  const item = items.find((i) => i.name === name);
  if (!item) throw new Error(`${where} has no ${name}`);
  return item;
}

const values = parse(read("examples/kubernetes/values.yaml")) as ScaleSetValues;
const pod = values.template.spec;
const runner = named(pod.containers, "runner", "values.yaml template.spec.containers");
const manifests = parseAllDocuments(read("examples/kubernetes/data.yaml")).map(
  (d) => d.toJS() as Manifest,
);
function manifest(kind: string): Manifest {
  const found = manifests.find((m) => m.kind === kind);
  if (!found) throw new Error(`data.yaml has no ${kind}`);
  return found;
}
const claim = manifest("PersistentVolumeClaim");
const job = manifest("Job");
const jobPod = job.spec.template?.spec as PodSpec;
const requiredPaths = (
  parse(read("action.yml")) as { inputs: Record<string, { default?: string }> }
).inputs["required-paths"]?.default;

/** Where the action looks for the data in a container: its required-paths under the container's HOME. */
function dataPath(container: Container): string {
  const home = container.env?.find((e) => e.name === "HOME")?.value;
  if (!home || !requiredPaths) throw new Error(`${container.name} sets no HOME, or no default`);
  return expandHome(requiredPaths, home);
}

function gpus(container: Container): number {
  return Number(container.resources?.limits?.[GPU] ?? 0);
}

describe("examples/kubernetes/values.yaml (gha-runner-scale-set)", () => {
  it("uses only keys of the chart's values.yaml (and the runner container the chart fills in)", () => {
    expect(CHART_KEYS).toEqual(expect.arrayContaining(Object.keys(values)));
    expect(Object.keys(values.template)).toEqual(["spec"]);
  });

  it("gives every runner pod exactly one nvidia.com/gpu", () => {
    const all = [...pod.containers, ...(pod.initContainers ?? [])];
    expect(all.reduce((sum, c) => sum + gpus(c), 0)).toBe(1);
    expect(gpus(runner)).toBe(1);
    // Kubernetes refuses an extended resource whose request differs from its limit.
    for (const c of all) {
      const requested = c.resources?.requests?.[GPU];
      if (requested !== undefined) expect(Number(requested)).toBe(gpus(c));
    }
  });

  it("scales between minRunners and maxRunners, min ≤ max", () => {
    const { minRunners, maxRunners } = values;
    expect(Number.isInteger(minRunners) && Number.isInteger(maxRunners)).toBe(true);
    expect(minRunners as number).toBeGreaterThanOrEqual(0);
    expect(maxRunners as number).toBeGreaterThanOrEqual(1);
    expect(minRunners as number).toBeLessThanOrEqual(maxRunners as number);
  });

  it("mounts the data cache read-only where the action looks for it", () => {
    const path = dataPath(runner);
    expect(path).toBe("/home/runner/.cache/autoresearch");
    const mount = runner.volumeMounts?.find((m) => m.mountPath === path);
    expect(mount?.readOnly).toBe(true);
    const volume = pod.volumes?.find((v) => v.name === mount?.name);
    expect(volume?.persistentVolumeClaim).toEqual({
      claimName: claim.metadata.name,
      readOnly: true,
    });
  });

  it("keeps training from becoming root through the image's passwordless sudo", () => {
    expect(runner.securityContext?.allowPrivilegeEscalation).toBe(false);
  });
});

describe("examples/kubernetes/data.yaml", () => {
  it("claims a volume that pods on several nodes can mount at once", () => {
    expect(claim.kind).toBe("PersistentVolumeClaim");
    expect(claim.spec.accessModes).toEqual(["ReadWriteMany"]);
  });

  it("fills that volume at the runner pods' data path, with the runner pods' image", () => {
    expect(job.kind).toBe("Job");
    const prepare = jobPod.containers[0]!;
    expect(prepare.image).toBe(runner.image);
    expect(gpus(prepare)).toBe(0);
    const mount = prepare.volumeMounts?.find((m) => m.mountPath === dataPath(prepare));
    expect(mount?.mountPath).toBe(dataPath(runner));
    expect(mount?.readOnly ?? false).toBe(false);
    const volume = jobPod.volumes?.find((v) => v.name === mount?.name);
    expect(volume?.persistentVolumeClaim?.claimName).toBe(claim.metadata.name);
  });
});

describe("examples/kubernetes/workflows/autoresearch.yml", () => {
  const scaleSet = parse(read("examples/kubernetes/workflows/autoresearch.yml"));
  const shipped = parse(read("examples/workflows/autoresearch.yml"));

  it("runs on the scale set by its name", () => {
    expect(scaleSet.jobs.train["runs-on"]).toBe(values.runnerScaleSetName);
  });

  it("is the shipped workflow in all but runs-on", () => {
    scaleSet.jobs.train["runs-on"] = shipped.jobs.train["runs-on"];
    expect(scaleSet).toEqual(shipped);
  });
});

/** The [Service] settings of a unit file, a key repeated as often as it is set. */
function serviceSettings(unit: string): [string, string][] {
  const service = unit.split(/^\[Service\]$/m)[1]?.split(/^\[/m)[0] ?? "";
  return service
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => {
      const eq = line.indexOf("=");
      return [line.slice(0, eq), line.slice(eq + 1)];
    });
}

describe("examples/runner/actions-runner@.service", () => {
  const template = read("examples/runner/actions-runner@.service");

  /** The unit systemd makes of the template for one instance (%i is the instance name). */
  function instance(name: string) {
    const settings = serviceSettings(template.replaceAll("%i", name));
    const one = (key: string) => settings.filter(([k]) => k === key).map(([, v]) => v);
    const env = Object.fromEntries(
      one("Environment").flatMap((v) =>
        v
          .split(/\s+/)
          .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
      ),
    );
    return { env, user: one("User"), dir: one("WorkingDirectory"), exec: one("ExecStart") };
  }

  it.each(["0", "3"])(
    "instance %s: training sees only GPU %s, numbered as nvidia-smi does",
    (gpu) => {
      const runnerEnv = { PATH: "/usr/bin", ...instance(gpu).env };
      expect(trainingEnv(runnerEnv)).toMatchObject({
        CUDA_VISIBLE_DEVICES: gpu,
        CUDA_DEVICE_ORDER: "PCI_BUS_ID",
      });
    },
  );

  it("runs each instance as its own user, from its own runner directory", () => {
    const [zero, one] = [instance("0"), instance("1")];
    expect(zero.user).toHaveLength(1);
    expect(zero.user).not.toEqual(one.user);
    expect(zero.dir).not.toEqual(one.dir);
    expect(zero.exec[0]?.startsWith(`${zero.dir[0]}/`)).toBe(true);
  });
});

describe("README: Many GPUs", () => {
  const section = read("README.md").split("\n## Many GPUs\n")[1]?.split("\n## ")[0] ?? "";

  it("names only example files that exist", () => {
    const paths = [...new Set(section.match(/(?<![\w/])examples\/[\w./@-]+[\w@]/g))];
    expect(paths.length).toBeGreaterThanOrEqual(5);
    for (const path of paths) expect(existsSync(join(ROOT, path)), path).toBe(true);
  });
});
