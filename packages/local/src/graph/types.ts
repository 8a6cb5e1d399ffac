// The synthesized graph's shape, as `scripts/synth/synth.mjs` writes it: one
// entry per resource SST's program registers, with the inputs it gave and the
// outputs Pulumi's mocks answered.

export interface GraphResource {
  type: string;
  name: string;
  parent: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: provider inputs are untyped JSON
  inputs: Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: mock outputs are untyped JSON
  outputs: Record<string, any>;
}
