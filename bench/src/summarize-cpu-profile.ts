/** The parts of a V8 `.cpuprofile` (Profiler.Profile) that the summary reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Time per function: `self` where it was on top of the stack, `total` including callees. */
export interface FunctionTime {
  name: string;
  selfMs: number;
  totalMs: number;
}

function frameName(frame: CpuProfile["nodes"][number]["callFrame"]): string {
  const file = frame.url.split("/").slice(-3).join("/");
  return `${frame.functionName || "(anonymous)"}${file ? ` ${file}:${frame.lineNumber + 1}` : ""}`;
}

/**
 * Aggregates a CPU profile per function (name + file + line): self and inclusive time, largest
 * first. A recursive function counts once per sample in its inclusive time. Throws nothing.
 */
export function summarizeCpuProfile(profile: CpuProfile): {
  totalMs: number;
  functions: FunctionTime[];
} {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  const times = new Map<string, FunctionTime>();
  const entry = (name: string) => {
    let time = times.get(name);
    if (!time) {
      time = { name, selfMs: 0, totalMs: 0 };
      times.set(name, time);
    }
    return time;
  };
  let totalMs = 0;
  profile.samples.forEach((sample, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parentOf.get(id)) {
      const node = byId.get(id);
      if (!node) break;
      const name = frameName(node.callFrame);
      if (id === sample) entry(name).selfMs += ms;
      if (!seen.has(name)) {
        seen.add(name);
        entry(name).totalMs += ms;
      }
    }
  });
  const functions = [...times.values()].filter((t) => t.name !== "(root)");
  return { totalMs, functions };
}
